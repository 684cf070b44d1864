// MainWindow's menu bar: File, Edit, View and Help (other parts add their menus through the
// WorkbenchContext, before Help).
#include "mainwindow.h"

#include "documenttabs.h"
#include "editoractions.h"
#include "eventscontroller.h"
#include "filefilters.h"
#include "recentfiles.h"
#include "syntaxsupport.h"
#include "testpane.h"
#include "theme.h"
#include "workbenchcontext.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>

namespace sigmaui {

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Rule"), QKeySequence::New, this, &MainWindow::newRule);
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
        openPaths(QFileDialog::getOpenFileNames(this, tr("Open Rules or Events"), QString(), ruleAndEventFileFilter()));
    });
    m_recent = new RecentFiles(file->addMenu(tr("Open &Recent")), this);
    connect(m_recent, &RecentFiles::openRequested, this, [this](const QString& path) { openPaths({path}); });
    connect(m_tabs, &DocumentTabs::fileUsed, m_recent, &RecentFiles::add);
    file->addAction(tr("&Load Events…"), QKeySequence(Qt::CTRL | Qt::Key_E), m_events,
                    &EventsController::loadInteractive);
    file->addAction(tr("Load Events &Folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), m_events,
                    &EventsController::loadFolderInteractive);
    file->addMenu(m_events->createSetsMenu(file)); // rename or remove one set
    file->addAction(tr("Clear Events"), this, &MainWindow::clearEvents);
    file->addAction(tr("Open Sample &Workspace"), this, &MainWindow::openSampleWorkspace);
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::saveCurrent);
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::saveCurrentAs);
    file->addAction(tr("&Close Tab"), QKeySequence::Close, this, [this] {
        if (m_tabs->currentIndex() >= 0)
            closeTab(m_tabs->currentIndex());
    });
    file->addSeparator();
    file->addAction(tr("E&xport Rule…"), this, [this] { exportInteractive(); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    new EditorActions(
        edit, m_findBar, [this] { return currentEditor(); }, this);
    edit->addAction(tr("Find &Events…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), this,
                    [this] {
                        m_testDock->show();
                        m_testDock->raise();
                        m_testPane->focusFilter();
                    })
        ->setObjectName(QStringLiteral("findEventsAction"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addMenu(createThemeMenu(this));
    view->addSeparator();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Sigma Workbench"), this, [this] {
        QMessageBox::about(this, tr("About Sigma Workbench"),
                           tr("<h3>Sigma Workbench %1</h3><p>Write Sigma rules and test them live against Windows "
                              "events.</p><p>Highlighting: %2</p>")
                               .arg(QApplication::applicationVersion(), m_syntax.backendDescription().toHtmlEscaped()));
    });
    m_context->setMenus(view, help); // the docks' show/hide actions, and menus of other parts before Help
    view->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
}

} // namespace sigmaui
