#pragma once

// sigma-workbench's command line: what to open at start.

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace sigmaui {
class MainWindow;
}

namespace sigmagui {

/// What sigma-workbench was asked to open.
struct StartupOptions {
    QStringList files;    ///< rules and event files, as given
    bool samples = false; ///< --samples, or no files at all
    QString corpus;       ///< --corpus: a rules folder to open as the corpus (remembered)
    QString technique;    ///< --technique: an ATT&CK technique whose page to show
    QString rule;         ///< --rule: a corpus rule file whose rule page to show
};

/// Adds the workbench's options and positional arguments to the parser (help/version included).
void configureCommandLine(QCommandLineParser& parser);
/// Reads the options from a parser that has processed the arguments.
StartupOptions startupOptions(const QCommandLineParser& parser);
/// Opens what the options ask for in the window.
void openStartup(sigmaui::MainWindow& window, const StartupOptions& options);

} // namespace sigmagui
