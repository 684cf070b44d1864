#pragma once

// The workbench window of a GUI test: its own recovery folder, no layout from QSettings, no offer
// to recover another test's work. Test fixtures derive from it (struct Workbench : TestWindow) or
// hold one; `adjust` changes other options (debounce, autosave) before the window is made;
// `openWithEvents` opens a rule with events, as most GUI tests begin.

#include "mainwindow.h"
#include "syntaxsupport.h"

#include <QSignalSpy>
#include <QStringList>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace sigmatest {

struct TestWindow {
    QTemporaryDir recovery;
    sigmaui::SyntaxSupport syntax;
    std::unique_ptr<sigmaui::MainWindow> window;

    explicit TestWindow(const std::function<void(sigmaui::MainWindowOptions&)>& adjust = {})
    {
        sigmaui::MainWindowOptions options;
        options.recoveryDirectory = recovery.path();
        options.restoreLayout = false;
        options.offerRecovery = false;
        if (adjust)
            adjust(options);
        window = std::make_unique<sigmaui::MainWindow>(syntax, options);
    }

    /// Opens the rule, loads the events and waits (up to `timeoutMs`) until they are loaded.
    bool openWithEvents(const QString& rule, const QStringList& events, int timeoutMs = 10000)
    {
        QSignalSpy loaded(window.get(), &sigmaui::MainWindow::eventsLoaded);
        if (!window->openRuleFile(rule))
            return false;
        window->loadEvents(events);
        return loaded.wait(timeoutMs);
    }
};

} // namespace sigmatest
