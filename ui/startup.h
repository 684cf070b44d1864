#pragma once

#include <QStringList>

class QCommandLineParser;

namespace sigmaui {

class MainWindow;

/// What sigma-workbench was asked to open.
struct StartupOptions {
    QStringList files;    ///< rules and event files, as given
    bool samples = false; ///< --samples, or no files at all
};

/// Adds the workbench's options and positional arguments to the parser (help/version included).
void configureCommandLine(QCommandLineParser& parser);
/// Reads the options from a parser that has processed the arguments.
StartupOptions startupOptions(const QCommandLineParser& parser);
/// Opens what the options ask for in the window.
void openStartup(MainWindow& window, const StartupOptions& options);

} // namespace sigmaui
