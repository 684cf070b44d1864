#include "startup.h"

#include "mainwindow.h"

#include "events/eventfiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sigmaui {

namespace {
QString samplesOptionName()
{
    return QStringLiteral("samples");
}
} // namespace

void configureCommandLine(QCommandLineParser& parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("sigmaui", "Write Sigma rules and test them live against Windows events."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(
        samplesOptionName(), QCoreApplication::translate(
                                 "sigmaui", "Open the bundled sample workspace (the default when no file is given).")));
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("sigmaui", "Rules (*.yml *.yaml) and events (%1) to open.")
                                     .arg(QString::fromStdString(sigma::eventFilePatterns())),
                                 QStringLiteral("[files...]"));
}

StartupOptions startupOptions(const QCommandLineParser& parser)
{
    StartupOptions options;
    options.files = parser.positionalArguments();
    options.samples = parser.isSet(samplesOptionName()) || options.files.isEmpty();
    return options;
}

void openStartup(MainWindow& window, const StartupOptions& options)
{
    if (options.samples)
        window.openSampleWorkspace();
    window.openPaths(options.files);
}

} // namespace sigmaui
