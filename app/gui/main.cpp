// sigma-workbench: the desktop workbench. All behaviour lives in the ui library.
#include "corpus/corpusfeatures.h"
#include "mainwindow.h"
#include "startup.h"
#include "syntaxsupport.h"
#include "theme.h"

#include "util/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SigmaWorkbench"));
    QApplication::setOrganizationDomain(QStringLiteral("sigmaworkbench.org"));
    QApplication::setApplicationName(QStringLiteral("sigma-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sigma Workbench"));
    QApplication::setApplicationVersion(QString::fromUtf8(sigma::versionString()));
    QApplication::setDesktopFileName(QStringLiteral("org.sigmaworkbench.SigmaWorkbench"));

    QCommandLineParser parser;
    sigmaui::configureCommandLine(parser);
    sigmaui::configureCorpusCommandLine(parser);
    parser.process(app);

    sigmaui::applyTheme(sigmaui::themeChoiceFromKey(QSettings().value(QStringLiteral("ui/theme")).toString()));

    sigmaui::SyntaxSupport syntax; // one highlighting repository for the whole application
    sigmaui::MainWindow window(syntax);
    window.show();
    sigmaui::openStartup(window, sigmaui::startupOptions(parser));
    sigmaui::openCorpusStartup(window, parser);
    return app.exec();
}
