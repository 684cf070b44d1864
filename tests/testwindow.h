#pragma once

// The workbench window of a GUI test: its own recovery folder, no layout from QSettings, no offer
// to recover another test's work. Test fixtures derive from it (struct Workbench : TestWindow) or
// hold one; `adjust` changes other options (debounce, autosave) before the window is made.

#include "mainwindow.h"
#include "syntaxsupport.h"

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
};

} // namespace sigmatest
