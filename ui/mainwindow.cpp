#include "mainwindow.h"

#include "fileio.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "samples.h"
#include "syntaxsupport.h"
#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sigmaui {

namespace {
const auto RuleFileFilter = QT_TRANSLATE_NOOP("sigmaui", "Sigma rules (*.yml *.yaml);;All files (*)");

bool isRulePath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("yml") || suffix == QLatin1String("yaml");
}
} // namespace

struct MainWindow::Tab {
    RuleEditor* editor = nullptr;
    QString path; ///< empty for an untitled rule
    QString untitledName;
};

MainWindow::MainWindow(const SyntaxSupport& syntax, QWidget* parent)
    : QMainWindow(parent)
    , m_syntax(syntax)
    , m_banner(new MessageBanner(this))
    , m_tabs(new QTabWidget(this))
{
    initUiResources();
    setObjectName(QStringLiteral("SigmaWorkbenchMainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/sigma-workbench.svg")));
    setAcceptDrops(true);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) { closeTab(index); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { updateTitle(); });

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_askToSave = [this](const QString& name) {
        return QMessageBox::question(this, tr("Unsaved changes"),
                                     tr("%1 has unsaved changes. Save them before closing?").arg(name),
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    };
    m_askSavePath = [this](const QString& suggestion) {
        return QFileDialog::getSaveFileName(this, tr("Save Rule As"), suggestion, tr(RuleFileFilter));
    };

    createActions();
    createDocks();
    restoreLayout();
    statusBar()->showMessage(tr("Ready"));
    updateTitle();
}

MainWindow::~MainWindow() = default;

MainWindow::Tab* MainWindow::tab(int index) const
{
    auto* editor = editorAt(index);
    if (!editor)
        return nullptr;
    auto it = m_tabData.find(editor);
    return it == m_tabData.end() ? nullptr : it->second.get();
}

int MainWindow::tabCount() const
{
    return m_tabs->count();
}

int MainWindow::currentTab() const
{
    return m_tabs->currentIndex();
}

RuleEditor* MainWindow::editorAt(int index) const
{
    return qobject_cast<RuleEditor*>(m_tabs->widget(index));
}

RuleEditor* MainWindow::currentEditor() const
{
    return editorAt(m_tabs->currentIndex());
}

QString MainWindow::filePathAt(int index) const
{
    const Tab* t = tab(index);
    return t ? t->path : QString();
}

int MainWindow::indexOfEditor(const RuleEditor* editor) const
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->widget(i) == editor)
            return i;
    return -1;
}

QString MainWindow::documentName(int index) const
{
    const Tab* t = tab(index);
    if (!t)
        return {};
    return t->path.isEmpty() ? t->untitledName : QFileInfo(t->path).fileName();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(tr("&New Rule"), this, &MainWindow::newRule);
    newAction->setShortcut(QKeySequence::New);
    QAction* open = file->addAction(tr("&Open…"), this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Open Rules or Events"), QString(),
            tr("Rules and events (*.yml *.yaml *.xml *.evtx *.json *.jsonl);;Sigma rules (*.yml *.yaml);;Events "
               "(*.xml *.evtx *.json *.jsonl);;All files (*)"));
        openPaths(paths);
    });
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open Sample &Workspace"), this, &MainWindow::openSampleWorkspace);
    file->addSeparator();
    QAction* save = file->addAction(tr("&Save"), this, &MainWindow::saveCurrent);
    save->setShortcut(QKeySequence::Save);
    QAction* saveAs = file->addAction(tr("Save &As…"), this, &MainWindow::saveCurrentAs);
    saveAs->setShortcut(QKeySequence::SaveAs);
    QAction* closeAction = file->addAction(tr("&Close Tab"), this, [this] {
        if (m_tabs->currentIndex() >= 0)
            closeTab(m_tabs->currentIndex());
    });
    closeAction->setShortcut(QKeySequence::Close);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] {
        if (auto* e = currentEditor())
            e->undo();
    });
    edit->addAction(tr("&Redo"), QKeySequence::Redo, this, [this] {
        if (auto* e = currentEditor())
            e->redo();
    });

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu* theme = m_viewMenu->addMenu(tr("&Theme"));
    auto* group = new QActionGroup(this);
    const ThemeChoice current = themeChoiceFromKey(QSettings().value(QStringLiteral("ui/theme")).toString());
    const std::pair<ThemeChoice, QString> choices[] = {
        {ThemeChoice::System, tr("&System")}, {ThemeChoice::Light, tr("&Light")}, {ThemeChoice::Dark, tr("&Dark")}};
    for (const auto& [choice, label] : choices) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(choice == current);
        a->setData(themeChoiceKey(choice));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [choice = choice] {
            QSettings().setValue(QStringLiteral("ui/theme"), themeChoiceKey(choice));
            applyTheme(choice);
        });
    }
    m_viewMenu->addSeparator();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Sigma Workbench"), this, [this] {
        QMessageBox::about(this, tr("About Sigma Workbench"),
                           tr("<h3>Sigma Workbench</h3><p>Write Sigma rules and test them live against Windows "
                              "events.</p><p>Highlighting: %1</p>")
                               .arg(m_syntax.backendDescription().toHtmlEscaped()));
    });
    rebuildRecentMenu();
}

void MainWindow::createDocks()
{
    m_testDock = new QDockWidget(tr("Test"), this);
    m_testDock->setObjectName(QStringLiteral("testDock"));
    auto* placeholder = new QLabel(tr("Load events (File ▸ Open) to test the rule against them."), m_testDock);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    m_testDock->setWidget(placeholder);
    addDockWidget(Qt::BottomDockWidgetArea, m_testDock);
    m_viewMenu->addAction(m_testDock->toggleViewAction());
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("ui/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("ui/windowState")).toByteArray());
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("ui/windowState"), saveState());
}

void MainWindow::newRule()
{
    auto* editor = new RuleEditor(&m_syntax, m_tabs);
    auto t = std::make_unique<Tab>();
    t->editor = editor;
    t->untitledName = tr("untitled-%1.yml").arg(++m_untitledCounter);
    m_tabData[editor] = std::move(t);
    const int index = m_tabs->addTab(editor, QString());
    connect(editor->document(), &QTextDocument::modificationChanged, this, [this, editor] {
        updateTabTitle(indexOfEditor(editor));
        updateTitle();
    });
    updateTabTitle(index);
    m_tabs->setCurrentIndex(index);
}

bool MainWindow::openRuleFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (filePathAt(i) == absolute) {
            m_tabs->setCurrentIndex(i);
            return true;
        }
    }
    QString text;
    QString error;
    if (!readTextFile(absolute, &text, &error)) {
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        return false;
    }
    // Reuse a pristine untitled tab.
    int index = m_tabs->currentIndex();
    Tab* t = tab(index);
    if (!t || !t->path.isEmpty() || t->editor->document()->isModified() || !t->editor->document()->isEmpty()) {
        newRule();
        index = m_tabs->currentIndex();
        t = tab(index);
        --m_untitledCounter;
    }
    t->path = absolute;
    t->editor->setPlainText(text);
    t->editor->document()->setModified(false);
    updateTabTitle(index);
    updateTitle();
    addRecentFile(absolute);
    return true;
}

void MainWindow::openPaths(const QStringList& paths)
{
    for (const QString& path : paths) {
        if (isRulePath(path))
            openRuleFile(path);
        else
            m_banner->showMessage(MessageBanner::Kind::Warning,
                                  tr("%1 is not a rule (.yml); events cannot be loaded in this build yet.")
                                      .arg(QDir::toNativeSeparators(path)));
    }
}

void MainWindow::openSampleWorkspace()
{
    const SampleWorkspace ws = installSampleWorkspace();
    if (!ws.error.isEmpty())
        m_banner->showMessage(MessageBanner::Kind::Error, ws.error);
    QStringList paths = ws.rules;
    paths += ws.events;
    openPaths(paths);
    if (!ws.rules.isEmpty())
        openRuleFile(ws.rules.first());
}

bool MainWindow::saveTab(int index, const QString& path)
{
    Tab* t = tab(index);
    if (!t)
        return false;
    QString target = path.isEmpty() ? t->path : QFileInfo(path).absoluteFilePath();
    if (target.isEmpty()) {
        target = m_askSavePath ? m_askSavePath(t->untitledName) : QString();
        if (target.isEmpty())
            return false;
        target = QFileInfo(target).absoluteFilePath();
    }
    QString error;
    if (!writeTextFileAtomically(target, t->editor->toPlainText(), &error)) {
        m_banner->showMessage(MessageBanner::Kind::Error, error);
        statusBar()->showMessage(tr("Saving failed"), 5000);
        return false;
    }
    if (m_banner->isVisible() && m_banner->kind() == MessageBanner::Kind::Error)
        m_banner->dismiss();
    t->path = target;
    t->editor->document()->setModified(false);
    updateTabTitle(index);
    updateTitle();
    addRecentFile(target);
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(target)), 3000);
    return true;
}

bool MainWindow::saveCurrent()
{
    return saveTab(m_tabs->currentIndex());
}

bool MainWindow::saveCurrentAs()
{
    Tab* t = tab(m_tabs->currentIndex());
    if (!t || !m_askSavePath)
        return false;
    const QString target = m_askSavePath(t->path.isEmpty() ? t->untitledName : t->path);
    if (target.isEmpty())
        return false;
    return saveTab(m_tabs->currentIndex(), target);
}

bool MainWindow::maybeSave(int index)
{
    Tab* t = tab(index);
    if (!t || !t->editor->document()->isModified())
        return true;
    m_tabs->setCurrentIndex(index);
    switch (m_askToSave ? m_askToSave(documentName(index)) : QMessageBox::Discard) {
    case QMessageBox::Save:
        return saveTab(index);
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

bool MainWindow::closeTab(int index)
{
    if (!maybeSave(index))
        return false;
    RuleEditor* editor = editorAt(index);
    m_tabs->removeTab(index);
    m_tabData.erase(editor);
    editor->deleteLater();
    updateTitle();
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (!maybeSave(i)) {
            event->ignore();
            return;
        }
    }
    saveLayout();
    event->accept();
}

void MainWindow::updateTabTitle(int index)
{
    Tab* t = tab(index);
    if (!t)
        return;
    const QString name = documentName(index);
    m_tabs->setTabText(index, t->editor->document()->isModified() ? name + QLatin1Char('*') : name);
    m_tabs->setTabToolTip(index, t->path.isEmpty() ? name : QDir::toNativeSeparators(t->path));
}

void MainWindow::updateTitle()
{
    const int index = m_tabs->currentIndex();
    if (index < 0) {
        setWindowTitle(tr("Sigma Workbench"));
        return;
    }
    const Tab* t = tab(index);
    const bool modified = t && t->editor->document()->isModified();
    setWindowTitle(tr("%1%2 — Sigma Workbench").arg(documentName(index), modified ? QStringLiteral("*") : QString()));
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > MaxRecentFiles)
        files.removeLast();
    QSettings().setValue(QStringLiteral("recentFiles"), files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files) {
        QAction* a = m_recentMenu->addAction(QDir::toNativeSeparators(f));
        connect(a, &QAction::triggered, this, [this, f] { openPaths({f}); });
    }
    m_recentMenu->setEnabled(!files.isEmpty());
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            QSettings().remove(QStringLiteral("recentFiles"));
            rebuildRecentMenu();
        });
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openPaths(paths);
}

} // namespace sigmaui
