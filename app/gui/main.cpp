// sigma-workbench: the desktop workbench. Its behaviour lives in the ui library; the command line
// is read here.
#include "commandline.h"

#include "mainwindow.h"
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
    QApplication::setDesktopFileName(QStringLiteral("org.sigmaworkbench.workbench"));

    QCommandLineParser parser;
    sigmagui::configureCommandLine(parser);
    parser.process(app);

    sigmaui::applyTheme(sigmaui::themeChoiceFromKey(QSettings().value(QStringLiteral("ui/theme")).toString()));

    sigmaui::SyntaxSupport syntax; // one highlighting repository for the whole application
    sigmaui::MainWindow window(syntax);
    window.show();
    sigmagui::openStartup(window, sigmagui::startupOptions(parser));
    return app.exec();
}
