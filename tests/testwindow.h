#pragma once

// The workbench window of a GUI test: its own recovery folder, no layout from QSettings, no offer
// to recover another test's work. Test fixtures derive from it (struct Workbench : TestWindow) or
// hold one; `adjust` changes other options (autosave, recovery) before the window is made;
// `openWithEvents` opens a rule with events, as most GUI tests begin. answerNextDialog() answers a
// modal dialog the test is about to open (its exec() loop).

#include "mainwindow.h"
#include "syntaxsupport.h"

#include <QApplication>
#include <QSignalSpy>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

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

/// Answers the next modal `Dialog` shown (by what the test does next): `fill` sets its fields, then
/// it is accepted (`fill` returning false: rejected). The flag it returns is true once answered;
/// the dialog is looked for every 10 ms for 10 s.
template <typename Dialog>
std::shared_ptr<bool> answerNextDialog(std::function<bool(Dialog*)> fill)
{
    auto answered = std::make_shared<bool>(false);
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    auto tries = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, answered, tries, fill] {
        auto* dialog = qobject_cast<Dialog*>(QApplication::activeModalWidget());
        if (!dialog && ++*tries < 1000)
            return;
        timer->stop();
        timer->deleteLater();
        if (!dialog)
            return;
        *answered = true;
        if (!fill || fill(dialog))
            dialog->accept();
        else
            dialog->reject();
    });
    timer->start();
    return answered;
}

} // namespace sigmatest
