#include "mainwindow.h"

#include "corpus/corpusfeatures.h"

#include "eventfieldsmodel.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "explanationmodel.h"
#include "filefilters.h"
#include "fileio.h"
#include "messagebanner.h"
#include "problemsmodel.h"
#include "recoverystore.h"
#include "ruleeditor.h"
#include "rulemarks.h"
#include "ruletestsupport.h"
#include "samples.h"
#include "security5156switch.h"
#include "syntaxsupport.h"
#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "validation/export.h"
#include "validation/marking.h"

namespace sigmaui {

namespace {
const auto RuleFileFilter = QT_TRANSLATE_NOOP("sigmaui", "Sigma rules (*.yml *.yaml);;All files (*)");

bool isRulePath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("yml") || suffix == QLatin1String("yaml");
}

QColor strongGreen(bool dark)
{
    return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
}
QColor strongRed(bool dark)
{
    return dark ? QColor(0xef, 0x73, 0x73) : QColor(0xc6, 0x28, 0x28);
}
} // namespace

struct MainWindow::Tab {
    RuleEditor* editor = nullptr;
    LiveEvaluator* evaluator = nullptr;
    QTimer* autosaveTimer = nullptr;
    QString path; ///< empty for an untitled rule
    QString untitledName;
    QString recoveryId;
    // The marks of the loaded events for the tab's tests (recomputed when either changes).
    std::vector<int> marks;
    EventListPtr marksEvents;
    TestSetPtr marksTests;
};

MainWindow::MainWindow(const SyntaxSupport& syntax, QWidget* parent)
    : MainWindow(syntax, MainWindowOptions{}, parent)
{}

MainWindow::MainWindow(const SyntaxSupport& syntax, const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent)
    , m_syntax(syntax)
    , m_options(options)
    , m_recovery(std::make_unique<RecoveryStore>(options.recoveryDirectory))
    , m_banner(new MessageBanner(this))
    , m_tabs(new QTabWidget(this))
    , m_loader(new EventLoader(this))
    , m_eventsModel(new EventsModel(this))
    , m_eventsProxy(new EventsFilterProxy(this))
    , m_problemsModel(new ProblemsModel(this))
    , m_explanationModel(new ExplanationModel(this))
    , m_fieldsModel(new EventFieldsModel(this))
{
    initUiResources();
    setObjectName(QStringLiteral("SigmaWorkbenchMainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/sigma-workbench.svg")));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
    m_eventsProxy->setSourceModel(m_eventsModel);

    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) { closeTab(index); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateTitle();
        showCurrentResult();
    });
    connect(m_banner, &MessageBanner::actionTriggered, this, [this] {
        if (auto action = std::exchange(m_bannerAction, {}))
            action();
    });

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
    m_askExportPath = [this](const QString& suggestion) {
        return QFileDialog::getSaveFileName(this, tr("Export Rule (a .zip file, or a folder name)"), suggestion,
                                            tr("Zip archive (*.zip);;Folder (*)"));
    };

    connect(m_loader, &EventLoader::progress, this, [this](int permille, const QString& file) {
        m_progress->setValue(permille);
        if (!file.isEmpty())
            m_progress->setFormat(tr("%1 — %p%").arg(QFileInfo(file).fileName()));
    });
    connect(m_loader, &EventLoader::finished, this, &MainWindow::onEventsLoaded);

    m_matchLabel = new QLabel(this);
    m_eventsLabel = new QLabel(this);
    m_testLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_testLabel);
    statusBar()->addPermanentWidget(m_matchLabel);
    statusBar()->addPermanentWidget(m_eventsLabel);

    resize(1400, 900); // the docks below are sized for the first-start window
    createDocks();
    createActions();
    applyModelColors();
    installCorpusFeatures(this); // corpus browser, Indicators, technique pages, completion, hover
    // Every dock exists now (ours and the corpus ones): this is the layout Reset Layout returns
    // to, and the saved one is restored once, for all of them.
    m_defaultState = saveState();
    if (m_options.restoreLayout)
        restoreLayout();
    else
        resize(1400, 900);
    updateTitle();
    updateMatchSummary();
    if (m_options.offerRecovery)
        offerRecovery();
}

MainWindow::~MainWindow()
{
    m_loader->cancel();
    // Editors and evaluators go with their widgets; recovery copies of unsaved work stay on disk
    // (closeEvent removes them when the user saved or discarded).
}

// ---- tabs -------------------------------------------------------------------------------------

MainWindow::Tab* MainWindow::tab(int index) const
{
    auto* editor = editorAt(index);
    if (!editor)
        return nullptr;
    auto it = m_tabData.find(editor);
    return it == m_tabData.end() ? nullptr : it->second.get();
}

MainWindow::Tab* MainWindow::tabOf(const LiveEvaluator* evaluator) const
{
    for (const auto& [editor, t] : m_tabData)
        if (t->evaluator == evaluator)
            return t.get();
    return nullptr;
}

int MainWindow::tabCount() const
{
    return m_tabs->count();
}

int MainWindow::currentTab() const
{
    return m_tabs->currentIndex();
}

void MainWindow::setCurrentTab(int index)
{
    m_tabs->setCurrentIndex(index);
}

RuleEditor* MainWindow::editorAt(int index) const
{
    return qobject_cast<RuleEditor*>(m_tabs->widget(index));
}

RuleEditor* MainWindow::currentEditor() const
{
    return editorAt(m_tabs->currentIndex());
}

LiveEvaluator* MainWindow::evaluatorAt(int index) const
{
    const Tab* t = tab(index);
    return t ? t->evaluator : nullptr;
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

int MainWindow::createTab(const QString& text, const QString& path, const QString& untitledName)
{
    auto* editor = new RuleEditor(&m_syntax, m_tabs);
    auto t = std::make_unique<Tab>();
    Tab* raw = t.get();
    t->editor = editor;
    t->path = path;
    t->untitledName = untitledName;
    t->recoveryId = RecoveryStore::newId();
    t->evaluator = new LiveEvaluator(editor);
    t->evaluator->setDebounceInterval(m_options.debounceMs);
    t->evaluator->setFileName(path.isEmpty() ? untitledName : path);
    t->autosaveTimer = new QTimer(editor);
    t->autosaveTimer->setSingleShot(true);
    t->autosaveTimer->setInterval(m_options.autosaveDelayMs);
    m_tabData[editor] = std::move(t);

    editor->setPlainText(text);
    editor->document()->setModified(false);
    const int index = m_tabs->addTab(editor, QString());
    connect(editor->document(), &QTextDocument::modificationChanged, this, [this, editor] {
        updateTabTitle(indexOfEditor(editor));
        updateTitle();
    });
    connect(editor->document(), &QTextDocument::contentsChanged, this, [raw] {
        raw->evaluator->setText(raw->editor->toPlainText());
        raw->autosaveTimer->start();
    });
    connect(raw->autosaveTimer, &QTimer::timeout, this, [this, raw] { autosave(raw); });
    connect(raw->evaluator, &LiveEvaluator::evaluated, this,
            [this, raw](const EvaluationPtr& r) { onEvaluated(raw, r); });
    connect(raw->evaluator, &LiveEvaluator::busyChanged, this, [this] { updateMatchSummary(); });
    raw->evaluator->setCompileOptions(m_translate5156->compileOptions());
    raw->evaluator->setText(text);
    raw->evaluator->setEvents(m_events); // evaluates at once
    reloadTests(raw);
    updateTabTitle(index);
    m_tabs->setCurrentIndex(index);
    return index;
}

void MainWindow::newRule()
{
    const QString name = tr("untitled-%1.yml").arg(++m_untitledCounter);
    createTab(
        QStringLiteral("title: \nstatus: experimental\nlogsource:\n    category: process_creation\n    product: "
                       "windows\ndetection:\n    selection:\n        Image|endswith: ''\n    condition: selection\n"
                       "level: medium\n"),
        QString(), name);
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
        showBanner(int(MessageBanner::Kind::Error), error);
        return false;
    }
    createTab(text, absolute, QString());
    addRecentFile(absolute);
    return true;
}

void MainWindow::openPaths(const QStringList& paths)
{
    QStringList eventFiles;
    for (const QString& path : paths) {
        if (isRulePath(path))
            openRuleFile(path);
        else
            eventFiles.append(path);
    }
    if (!eventFiles.isEmpty())
        loadEvents(eventFiles);
}

void MainWindow::openSampleWorkspace()
{
    const SampleWorkspace ws = installSampleWorkspace();
    if (!ws.error.isEmpty())
        showBanner(int(MessageBanner::Kind::Error), ws.error);
    for (const QString& rule : ws.rules)
        openRuleFile(rule);
    if (!ws.rules.isEmpty())
        openRuleFile(ws.rules.first());
    if (!ws.events.isEmpty())
        loadEvents(ws.events);
}

// ---- saving -----------------------------------------------------------------------------------

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
        showBanner(int(MessageBanner::Kind::Error), error);
        statusBar()->showMessage(tr("Saving failed"), 5000);
        return false;
    }
    if (m_banner->isVisible() && m_banner->kind() == MessageBanner::Kind::Error)
        m_banner->dismiss();
    const bool moved = t->path != target;
    t->path = target;
    t->evaluator->setFileName(target);
    if (moved)
        reloadTests(t);
    t->editor->document()->setModified(false);
    m_recovery->remove(t->recoveryId);
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
    if (Tab* t = tab(index)) {
        t->autosaveTimer->stop();
        m_recovery->remove(t->recoveryId);
    }
    m_tabs->removeTab(index);
    m_tabData.erase(editor);
    editor->deleteLater();
    updateTitle();
    return true;
}

void MainWindow::autosave(Tab* t)
{
    if (t->editor->document()->isModified())
        m_recovery->save(t->recoveryId, t->path, t->untitledName, t->editor->toPlainText());
    else
        m_recovery->remove(t->recoveryId);
}

int MainWindow::offerRecovery()
{
    const QVector<RecoveredDocument> docs = m_recovery->orphaned();
    if (docs.isEmpty())
        return 0;
    QStringList names;
    for (const auto& d : docs)
        names.append(d.path.isEmpty() ? d.untitledName : QFileInfo(d.path).fileName());
    showBanner(int(MessageBanner::Kind::Information),
               tr("Sigma Workbench did not close properly last time. Unsaved changes were recovered: %1.")
                   .arg(names.join(QStringLiteral(", "))),
               tr("Restore"), [this] { restoreRecovered(); });
    return int(docs.size());
}

void MainWindow::restoreRecovered()
{
    const QVector<RecoveredDocument> docs = m_recovery->orphaned();
    for (const auto& d : docs) {
        int index = -1;
        for (int i = 0; i < m_tabs->count(); ++i)
            if (!d.path.isEmpty() && filePathAt(i) == d.path)
                index = i;
        if (index < 0) {
            // Start from the file on disk, so undo goes back to it.
            QString onDisk;
            if (!d.path.isEmpty() && !readTextFile(d.path, &onDisk, nullptr))
                onDisk.clear();
            index = createTab(onDisk, d.path, d.path.isEmpty() ? d.untitledName : QString());
        }
        Tab* t = tab(index);
        // An undoable edit: the document is modified, and the user can undo to the saved text.
        QTextCursor c(t->editor->document());
        c.select(QTextCursor::Document);
        c.insertText(d.text);
        if (!d.path.isEmpty())
            addRecentFile(d.path);
        m_tabs->setCurrentIndex(index);
    }
    m_recovery->discard(docs);
    statusBar()->showMessage(tr("Restored %n document(s)", nullptr, int(docs.size())), 5000);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (!maybeSave(i)) {
            event->ignore();
            return;
        }
    }
    // Everything was saved or discarded: no recovery copy is needed any more.
    for (const auto& [editor, t] : m_tabData) {
        t->autosaveTimer->stop();
        m_recovery->remove(t->recoveryId);
    }
    saveLayout();
    event->accept();
}

void MainWindow::showBanner(int kind, const QString& text, const QString& actionText, std::function<void()> action)
{
    m_bannerAction = std::move(action);
    m_banner->showMessage(MessageBanner::Kind(kind), text, actionText);
}

// ---- events -----------------------------------------------------------------------------------

void MainWindow::loadEvents(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    m_progress->setValue(0);
    m_progress->setFormat(tr("Loading — %p%"));
    m_progress->show();
    m_cancelLoad->show();
    statusBar()->showMessage(tr("Loading events…"));
    m_translate5156->setWorkspace(Security5156Switch::workspaceOf(paths));
    m_loader->load(paths, m_events);
}

void MainWindow::cancelLoading()
{
    m_loader->cancel();
}

bool MainWindow::isLoadingEvents() const
{
    return m_loader->isLoading();
}

void MainWindow::clearEvents()
{
    setEvents({});
}

void MainWindow::setEvents(EventListPtr events)
{
    m_events = std::move(events);
    m_eventsModel->setEvents(m_events);
    m_eventsView->resizeColumnToContents(EventsModel::VerdictColumn);
    m_eventsView->resizeColumnToContents(EventsModel::TimeColumn);
    m_eventsView->resizeColumnToContents(EventsModel::EventIdColumn);
    m_selectedEvent = -1;
    m_pendingAutoSelect = m_events && !m_events->empty();
    for (const auto& [editor, t] : m_tabData)
        t->evaluator->setEvents(m_events);
    updateEventDetail();
    updateExplanation();
    updateMatchSummary();
}

void MainWindow::onEventsLoaded(const EventLoadResultPtr& result)
{
    m_progress->hide();
    m_cancelLoad->hide();
    statusBar()->clearMessage();
    if (!result->failedFiles.isEmpty()) {
        QStringList reasons;
        for (const auto& d : result->diagnostics)
            if (d.severity == sigma::Severity::Error)
                reasons.append(QString::fromStdString(d.format()));
        showBanner(int(MessageBanner::Kind::Error),
                   tr("Could not load events from %1: %2")
                       .arg(result->failedFiles.join(QStringLiteral(", ")), reasons.join(QStringLiteral("; "))));
    } else if (result->cancelled) {
        showBanner(int(MessageBanner::Kind::Warning),
                   tr("Loading was cancelled; %n event(s) were read and are shown.", nullptr, int(result->added)));
    } else {
        int warnings = 0;
        QString first;
        for (const auto& d : result->diagnostics)
            if (d.severity == sigma::Severity::Warning && warnings++ == 0)
                first = QString::fromStdString(d.format());
        if (warnings > 0)
            showBanner(
                int(MessageBanner::Kind::Warning),
                tr("%n damaged record(s) were skipped while loading events. First: %1", nullptr, warnings).arg(first));
    }
    if (result->added > 0 || !m_events)
        setEvents(result->events);
    updateMatchSummary();
    Q_EMIT eventsLoaded();
}

// ---- live results -----------------------------------------------------------------------------

void MainWindow::onEvaluated(Tab* t, const EvaluationPtr& result)
{
    Q_UNUSED(result)
    if (t == tab(m_tabs->currentIndex()))
        showCurrentResult();
}

void MainWindow::showCurrentResult()
{
    Tab* t = tab(m_tabs->currentIndex());
    const EvaluationPtr last = t ? t->evaluator->lastResult() : nullptr;
    if (!t || !last) {
        m_eventsModel->setVerdicts({}, false);
        m_problemsModel->setProblems({});
        updateExplanation();
        updateMatchSummary();
        return;
    }
    const bool current = last->text == t->editor->toPlainText();
    QTextDocument* doc = t->editor->document();
    const RuleEditor::MarksUpdate marksUpdate(t->editor); // the layers below are drawn once
    if (current) {
        m_problemsModel->setProblems(problemsFrom(last->diagnostics, doc));
        t->editor->setMarks(MarkLayer::Diagnostics, diagnosticMarks(last->diagnostics, doc));
        t->editor->setMarks(MarkLayer::Sigma,
                            last->parsed ? sigmaLayerMarks(*last->parsed, doc) : QVector<EditorMark>{});
    }
    if (m_problemsDock) {
        const int errors = m_problemsModel->errorCount();
        m_problemsDock->setWindowTitle(errors ? tr("Problems (%1)").arg(errors) : tr("Problems"));
    }
    // Verdicts: the newest good ones; greyed out when the rule as written does not compile.
    const EvaluationPtr good = t->evaluator->lastGoodResult();
    if (last->ok() && last->events == m_events)
        m_eventsModel->setVerdicts(last->verdicts, false);
    else if (good && good->events == m_events)
        m_eventsModel->setVerdicts(good->verdicts, true);
    else
        m_eventsModel->setVerdicts({}, !last->ok());
    updateTestMarks();
    // After loading, show the first match (or the first event) so the marks appear at once.
    if (m_pendingAutoSelect && last->ok() && last->events == m_events && m_events && !m_events->empty()) {
        m_pendingAutoSelect = false;
        const auto it = std::find(last->verdicts.begin(), last->verdicts.end(), Verdict::Match);
        const int row = it != last->verdicts.end() ? int(it - last->verdicts.begin()) : 0;
        if (m_selectedEvent < 0) {
            selectEvent(row);
            m_eventsView->scrollTo(m_eventsView->currentIndex());
        }
    }
    updateExplanation();
    updateMatchSummary();
    Q_EMIT resultShown();
}

QString MainWindow::matchSummary() const
{
    return m_matchLabel->text();
}

QString MainWindow::explanationSummaryText() const
{
    return m_explanationSummary->text();
}

void MainWindow::updateMatchSummary()
{
    const std::size_t total = m_events ? m_events->size() : 0;
    m_eventsLabel->setText(m_events ? tr("%n event(s) loaded", nullptr, int(total)) : tr("No events loaded"));
    Tab* t = tab(m_tabs->currentIndex());
    const EvaluationPtr last = t ? t->evaluator->lastResult() : nullptr;
    const EvaluationPtr good = t ? t->evaluator->lastGoodResult() : nullptr;
    QString text;
    if (!t || !m_events) {
        text.clear();
    } else if (last && last->ok() && last->events == m_events) {
        text = tr("%1 of %2 events match · %3 ms").arg(last->matches).arg(total).arg(last->totalMs, 0, 'f', 1);
        if (last->translated5156 > 0)
            text += tr(" · %n Security 5156 read as network connections", nullptr, int(last->translated5156));
    } else if (last && !last->ok()) {
        if (good && good->events == m_events)
            text =
                tr("%1 of %2 events matched before the last edit · the rule has errors").arg(good->matches).arg(total);
        else
            text = tr("The rule has errors · %n event(s) not evaluated", nullptr, int(total));
    }
    if (t && t->evaluator->isBusy() && !text.isEmpty())
        text += QStringLiteral(" …");
    m_matchLabel->setText(text);

    // The tests of the newest compiled rule ("tests: 3/4 pass"), run in the same job as the verdicts.
    const EvaluationPtr tested = last && last->ok() ? last : good;
    const sigma::RuleTestResult* result = tested ? tested->tests.get() : nullptr;
    QString tests = t ? testSummaryText(result) : QString();
    if (!tests.isEmpty() && tested != last)
        tests += tr(" (before the last edit)");
    m_testLabel->setText(tests);
    m_testLabel->setToolTip(result ? testDetailsText(*result) : QString());
    if (!tests.isEmpty() && result) {
        const bool dark = isDarkPalette(palette());
        m_testLabel->setStyleSheet(
            QStringLiteral("color: %1").arg((result->passed() ? strongGreen(dark) : strongRed(dark)).name()));
    }
}

QString MainWindow::testSummary() const
{
    return m_testLabel->text();
}

void MainWindow::reloadTests(Tab* t)
{
    if (!t)
        return;
    t->evaluator->setTests(loadTestSet(t->path)); // re-runs with the tests
}

void MainWindow::updateTestMarks()
{
    Tab* t = tab(m_tabs->currentIndex());
    const TestSetPtr tests = t ? t->evaluator->tests() : nullptr;
    if (!t || !tests || !m_events) {
        m_eventsModel->setTestMarks({});
        return;
    }
    if (t->marksEvents != m_events || t->marksTests != tests) {
        t->marks = testMarksOf(*tests, *m_events);
        t->marksEvents = m_events;
        t->marksTests = tests;
    }
    m_eventsModel->setTestMarks(t->marks);
}

bool MainWindow::ensureSavedForTests(const QString& what)
{
    Tab* t = tab(m_tabs->currentIndex());
    if (!t)
        return false;
    if (t->path.isEmpty()) {
        showBanner(int(MessageBanner::Kind::Warning),
                   tr("Save the rule before %1: its tests are kept beside the rule file.").arg(what), tr("Save As…"),
                   [this] { saveCurrentAs(); });
        return false;
    }
    return true;
}

bool MainWindow::markEvents(int kind, const QList<int>& eventIndexes)
{
    Tab* t = tab(m_tabs->currentIndex());
    if (!t || !m_events || !ensureSavedForTests(tr("marking tests")))
        return false;
    QList<int> rows = eventIndexes;
    if (rows.isEmpty()) {
        for (const QModelIndex& proxy : m_eventsView->selectionModel()->selectedRows())
            rows << m_eventsProxy->mapToSource(proxy).row();
        if (rows.isEmpty() && m_selectedEvent >= 0)
            rows << m_selectedEvent;
    }
    if (rows.isEmpty())
        return false;
    sigma::RuleTests group = sigma::openRuleTests(t->path.toStdString());
    bool changed = false;
    for (int row : rows) {
        const sigma::Event* e = m_eventsModel->eventAt(row);
        if (!e)
            continue;
        std::string error;
        if (kind < 0) {
            changed = sigma::unmarkEvent(group, e->xml(), e->origin.recordId) || changed;
        } else if (sigma::markEvent(group, e->xml(), e->origin.recordId, sigma::ExpectationKind(kind), error)) {
            changed = true;
        } else {
            showBanner(int(MessageBanner::Kind::Error),
                       tr("Could not mark the event: %1").arg(QString::fromStdString(error)));
            break;
        }
    }
    if (!changed)
        return false;
    std::string error;
    if (!sigma::saveRuleTests(group, error)) {
        showBanner(int(MessageBanner::Kind::Error),
                   tr("Could not save the tests: %1").arg(QString::fromStdString(error)));
        return false;
    }
    statusBar()->showMessage(
        tr("Tests saved to %1").arg(QDir::toNativeSeparators(QString::fromStdString(group.manifest))), 3000);
    reloadTests(t);
    updateTestMarks();
    return true;
}

sigma::ExportResult MainWindow::exportCurrentRule(const QString& destination, bool force)
{
    sigma::ExportResult result;
    Tab* t = tab(m_tabs->currentIndex());
    if (!t || !ensureSavedForTests(tr("exporting it"))) {
        result.error = tr("the rule is not saved").toStdString();
        return result;
    }
    const sigma::ExportPlan plan = sigma::planExport(t->path.toStdString());
    result = sigma::writeExport(plan, destination.toStdString(), force);
    if (!result.refusals.empty()) {
        QStringList reasons;
        for (const auto& r : result.refusals)
            reasons << QString::fromStdString(r);
        showBanner(int(MessageBanner::Kind::Warning), tr("Export refused: %1").arg(reasons.join(QStringLiteral("; "))),
                   tr("Export anyway…"), [this] { exportInteractive(true); });
    } else if (!result.written) {
        showBanner(int(MessageBanner::Kind::Error), tr("Export failed: %1").arg(QString::fromStdString(result.error)));
    } else {
        statusBar()->showMessage(tr("Exported to %1").arg(QDir::toNativeSeparators(destination)), 5000);
    }
    return result;
}

void MainWindow::exportInteractive(bool force)
{
    Tab* t = tab(m_tabs->currentIndex());
    if (!t || !ensureSavedForTests(tr("exporting it")))
        return;
    if (t->editor->document()->isModified()) {
        const auto answer = m_askToSave ? m_askToSave(documentName(m_tabs->currentIndex())) : QMessageBox::Save;
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveCurrent()))
            return;
    }
    if (!force) {
        // Refusals first, so the user is not asked for a destination that will not be written.
        const sigma::ExportPlan plan = sigma::planExport(t->path.toStdString());
        if (!plan.refusals.empty()) {
            QStringList reasons;
            for (const auto& r : plan.refusals)
                reasons << QString::fromStdString(r);
            showBanner(int(MessageBanner::Kind::Warning),
                       tr("Export refused: %1").arg(reasons.join(QStringLiteral("; "))), tr("Export anyway…"),
                       [this] { exportInteractive(true); });
            return;
        }
    }
    const QString suggestion = QFileInfo(t->path).completeBaseName() + QStringLiteral(".zip");
    const QString destination = m_askExportPath ? m_askExportPath(suggestion) : QString();
    if (!destination.isEmpty())
        exportCurrentRule(destination, force);
}

void MainWindow::selectEvent(int eventIndex)
{
    const QModelIndex source = m_eventsModel->index(eventIndex, 0);
    const QModelIndex proxy = m_eventsProxy->mapFromSource(source);
    if (proxy.isValid())
        m_eventsView->selectionModel()->setCurrentIndex(proxy, QItemSelectionModel::ClearAndSelect |
                                                                   QItemSelectionModel::Rows);
    m_selectedEvent = eventIndex;
    updateEventDetail();
    updateExplanation();
}

void MainWindow::updateEventDetail()
{
    const sigma::Event* e = m_eventsModel->eventAt(m_selectedEvent);
    m_fieldsModel->setEvent(e);
    m_fieldsView->resizeColumnToContents(EventFieldsModel::FieldColumn);
    m_xmlView->setPlainText(e ? QString::fromStdString(e->xml()) : QString());
}

void MainWindow::updateExplanation()
{
    Tab* t = tab(m_tabs->currentIndex());
    const sigma::Event* e = m_eventsModel->eventAt(m_selectedEvent);
    const EvaluationPtr last = t ? t->evaluator->lastResult() : nullptr;
    if (!t || !e || !last) {
        m_explanationModel->clear();
        m_explanationSummary->setText(e ? QString() : tr("Select an event to see which predicates fired."));
        if (t)
            t->editor->setMarks(MarkLayer::Predicates, {});
        return;
    }
    if (!last->ok()) {
        // Keep the last explanation, greyed out; the marks would point at moved text.
        m_explanationView->setEnabled(false);
        m_explanationSummary->setText(
            tr("The rule has errors (see Problems); the explanation is from the last good version."));
        t->editor->setMarks(MarkLayer::Predicates, {});
        return;
    }
    m_explanationView->setEnabled(true);
    sigma::ExplainOptions options;
    options.shortCircuit = false; // every value's outcome, for the marks
    const sigma::Explanation explanation = last->compiled->explain(*e, options);
    if (m_explanationModel->setExplanation(explanation))
        m_explanationView->expandAll(); // a new tree; one of the same shape keeps what the user expanded
    m_explanationSummary->setText(explanationSummary(explanation));
    if (last->text == t->editor->toPlainText())
        t->editor->setMarks(MarkLayer::Predicates,
                            predicateMarks(explanation, last->compiled->rule(), t->editor->document()));
    else
        t->editor->setMarks(MarkLayer::Predicates, {});
}

void MainWindow::applyModelColors()
{
    const bool dark = isDarkPalette(QApplication::palette());
    m_eventsModel->setColors(strongGreen(dark), strongRed(dark));
    m_explanationModel->setColors(strongGreen(dark), strongRed(dark));
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyModelColors();
}

// ---- panes ------------------------------------------------------------------------------------

QWidget* MainWindow::createTestPane()
{
    auto* pane = new QWidget(this);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_filterEdit = new QLineEdit(pane);
    m_filterEdit->setPlaceholderText(tr("Filter events (any field value)…"));
    m_filterEdit->setClearButtonEnabled(true);
    m_matchesOnly = new QCheckBox(tr("Matches only"), pane);
    auto* loadButton = new QToolButton(pane);
    loadButton->setText(tr("Load Events…"));
    loadButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_progress = new QProgressBar(pane);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->hide();
    m_cancelLoad = new QToolButton(pane);
    m_cancelLoad->setText(tr("Cancel"));
    m_cancelLoad->hide();
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_matchesOnly);
    bar->addWidget(m_progress);
    bar->addWidget(m_cancelLoad);
    bar->addWidget(loadButton);
    layout->addLayout(bar);

    // Marking the selected events as the rule's tests (saved beside the rule).
    auto* marks = new QHBoxLayout;
    marks->addWidget(new QLabel(tr("Mark selected:"), pane));
    auto addMark = [this, pane, marks](const QString& text, const QString& tip, int kind) {
        auto* action = new QAction(text, pane);
        action->setToolTip(tip);
        connect(action, &QAction::triggered, this, [this, kind] { markEvents(kind); });
        auto* button = new QToolButton(pane);
        button->setDefaultAction(action);
        marks->addWidget(button);
        return action;
    };
    const QList<QAction*> markActions{
        addMark(tr("Must match"), tr("The rule must match the selected events"), int(sigma::ExpectationKind::Match)),
        addMark(tr("Must not match"), tr("The rule must not match the selected events"),
                int(sigma::ExpectationKind::NoMatch)),
        addMark(tr("Baseline"), tr("Add the selected events to the rule's baseline (no hits allowed)"),
                int(sigma::ExpectationKind::Baseline)),
        addMark(tr("Unmark"), tr("Remove the selected events from the rule's tests"), -1)};
    marks->addStretch(1);
    layout->addLayout(marks);

    // Security 5156 read as network connections (issue 21): remembered per workspace.
    m_translate5156 = new Security5156Switch(pane);
    layout->addWidget(m_translate5156);
    connect(m_translate5156, &Security5156Switch::changed, this, [this] {
        for (const auto& [editor, t] : m_tabData) {
            t->evaluator->setCompileOptions(m_translate5156->compileOptions());
            t->evaluator->evaluateNow();
        }
    });

    m_eventsView = new QTableView(pane);
    m_eventsView->setModel(m_eventsProxy);
    m_eventsView->setSortingEnabled(true);
    m_eventsView->sortByColumn(EventsModel::TimeColumn, Qt::AscendingOrder);
    m_eventsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventsView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_eventsView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_eventsView->addActions(markActions);
    m_eventsView->setAlternatingRowColors(true);
    m_eventsView->setWordWrap(false);
    m_eventsView->verticalHeader()->hide();
    m_eventsView->verticalHeader()->setDefaultSectionSize(m_eventsView->fontMetrics().height() + 6);
    m_eventsView->horizontalHeader()->setStretchLastSection(false);
    m_eventsView->horizontalHeader()->setSectionResizeMode(EventsModel::DetailColumn, QHeaderView::Stretch);
    m_eventsView->setColumnWidth(EventsModel::ProviderColumn, 130);
    m_eventsView->setColumnWidth(EventsModel::ProcessColumn, 300);
    layout->addWidget(m_eventsView, 1);

    connect(m_eventsModel, &EventsModel::verdictsChanged, m_eventsView->viewport(), qOverload<>(&QWidget::update));
    connect(m_filterEdit, &QLineEdit::textChanged, m_eventsProxy, &EventsFilterProxy::setFilterText);
    connect(m_matchesOnly, &QCheckBox::toggled, m_eventsProxy, &EventsFilterProxy::setMatchesOnly);
    connect(loadButton, &QToolButton::clicked, this, [this] {
        loadEvents(QFileDialog::getOpenFileNames(this, tr("Load Events"), QString(), eventFileFilter()));
    });
    connect(m_cancelLoad, &QToolButton::clicked, this, &MainWindow::cancelLoading);
    connect(m_eventsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const int row = current.isValid() ? m_eventsProxy->mapToSource(current).row() : -1;
                if (row == m_selectedEvent)
                    return;
                m_selectedEvent = row;
                updateEventDetail();
                updateExplanation();
            });
    return pane;
}

QWidget* MainWindow::createExplanationPane()
{
    auto* pane = new QWidget(this);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(4, 4, 4, 4);
    m_explanationSummary = new QLabel(tr("Select an event to see which predicates fired."), pane);
    m_explanationSummary->setWordWrap(true);
    m_explanationSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanationView = new QTreeView(pane);
    m_explanationView->setModel(m_explanationModel);
    m_explanationView->setUniformRowHeights(true);
    m_explanationView->setAlternatingRowColors(true);
    m_explanationView->header()->resizeSection(ExplanationModel::PredicateColumn, 240);
    m_explanationView->header()->resizeSection(ExplanationModel::OutcomeColumn, 110);
    layout->addWidget(m_explanationSummary);
    layout->addWidget(m_explanationView, 1);
    connect(m_explanationView, &QTreeView::clicked, this, [this](const QModelIndex& index) {
        const sigma::ExplainNode* node = m_explanationModel->nodeAt(index);
        RuleEditor* editor = currentEditor();
        if (!node || !editor)
            return;
        sigma::SourceSpan span = node->operatorSpan.valid() ? node->operatorSpan : node->span;
        if (!span.valid())
            return;
        editor->jumpTo(span.begin.line, characterColumn(editor->document(), span.begin.line, span.begin.column));
    });
    return pane;
}

QWidget* MainWindow::createDetailPane()
{
    auto* tabs = new QTabWidget(this);
    tabs->setDocumentMode(true);
    m_fieldsView = new QTableView(tabs);
    m_fieldsView->setModel(m_fieldsModel);
    m_fieldsView->verticalHeader()->hide();
    m_fieldsView->verticalHeader()->setDefaultSectionSize(m_fieldsView->fontMetrics().height() + 6);
    m_fieldsView->horizontalHeader()->setStretchLastSection(true);
    m_fieldsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_fieldsView->setDragEnabled(true);
    m_fieldsView->setDragDropMode(QAbstractItemView::DragOnly);
    m_fieldsView->setToolTip(tr("Double-click a field (or drag it into the rule) to add it as a detection item."));
    m_xmlView = new QPlainTextEdit(tabs);
    m_xmlView->setReadOnly(true);
    m_xmlView->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_xmlView->setFont(mono);
    tabs->addTab(m_fieldsView, tr("Fields"));
    tabs->addTab(m_xmlView, tr("XML"));
    connect(m_fieldsView, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (RuleEditor* editor = currentEditor()) {
            editor->insertDetectionItem(m_fieldsModel->fieldAt(index.row()), m_fieldsModel->valueAt(index.row()));
            editor->setFocus();
        }
    });
    return tabs;
}

QWidget* MainWindow::createProblemsPane()
{
    m_problemsView = new QTableView(this);
    m_problemsView->setModel(m_problemsModel);
    m_problemsView->verticalHeader()->hide();
    m_problemsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_problemsView->setWordWrap(false);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::MessageColumn, QHeaderView::Stretch);
    m_problemsView->setColumnWidth(ProblemsModel::SeverityColumn, 90);
    m_problemsView->setColumnWidth(ProblemsModel::LocationColumn, 130);
    auto jump = [this](const QModelIndex& index) {
        const int line = index.data(ProblemsModel::LineRole).toInt();
        if (RuleEditor* editor = currentEditor(); editor && line > 0)
            editor->jumpTo(line, index.data(ProblemsModel::ColumnRole).toInt());
    };
    connect(m_problemsView, &QTableView::clicked, this, jump);
    connect(m_problemsView, &QTableView::activated, this, jump);
    return m_problemsView;
}

void MainWindow::createDocks()
{
    auto dock = [this](const QString& title, const QString& name, QWidget* widget) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        return d;
    };
    m_testDock = dock(tr("Test"), QStringLiteral("testDock"), createTestPane());
    m_problemsDock = dock(tr("Problems"), QStringLiteral("problemsDock"), createProblemsPane());
    m_explanationDock = dock(tr("Explanation"), QStringLiteral("explanationDock"), createExplanationPane());
    m_detailDock = dock(tr("Event Detail"), QStringLiteral("eventDetailDock"), createDetailPane());
    addDockWidget(Qt::BottomDockWidgetArea, m_testDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    splitDockWidget(m_testDock, m_problemsDock, Qt::Horizontal);
    addDockWidget(Qt::RightDockWidgetArea, m_explanationDock);
    addDockWidget(Qt::RightDockWidgetArea, m_detailDock);
    splitDockWidget(m_explanationDock, m_detailDock, Qt::Vertical);
    resizeDocks({m_testDock, m_problemsDock}, {900, 320}, Qt::Horizontal);
    resizeDocks({m_testDock}, {300}, Qt::Vertical);
    resizeDocks({m_explanationDock}, {520}, Qt::Horizontal);
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Rule"), QKeySequence::New, this, &MainWindow::newRule);
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
        openPaths(QFileDialog::getOpenFileNames(
            this, tr("Open Rules or Events"), QString(),
            ruleAndEventFileFilter()));
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("&Load Events…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        loadEvents(QFileDialog::getOpenFileNames(this, tr("Load Events"), QString(), eventFileFilter()));
    });
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
    edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] {
        if (auto* e = currentEditor())
            e->undo();
    });
    edit->addAction(tr("&Redo"), QKeySequence::Redo, this, [this] {
        if (auto* e = currentEditor())
            e->redo();
    });
    edit->addSeparator();
    edit->addAction(tr("&Find Events…"), QKeySequence::Find, this, [this] {
        m_testDock->show();
        m_filterEdit->setFocus();
        m_filterEdit->selectAll();
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
        group->addAction(a);
        connect(a, &QAction::triggered, this, [choice = choice] {
            QSettings().setValue(QStringLiteral("ui/theme"), themeChoiceKey(choice));
            applyTheme(choice);
        });
    }
    m_viewMenu->addSeparator();
    for (QDockWidget* d : {m_testDock, m_explanationDock, m_detailDock, m_problemsDock})
        m_viewMenu->addAction(d->toggleViewAction());
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Sigma Workbench"), this, [this] {
        QMessageBox::about(this, tr("About Sigma Workbench"),
                           tr("<h3>Sigma Workbench %1</h3><p>Write Sigma rules and test them live against Windows "
                              "events.</p><p>Highlighting: %2</p>")
                               .arg(QApplication::applicationVersion(), m_syntax.backendDescription().toHtmlEscaped()));
    });
    rebuildRecentMenu();
}

// ---- layout, titles, recent files ---------------------------------------------------------------

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("ui/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1400, 900);
    restoreState(settings.value(QStringLiteral("ui/windowState")).toByteArray());
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("ui/windowState"), saveState());
}

void MainWindow::resetLayout()
{
    // Floating docks are put back first: restoring a state does not always re-dock them.
    for (QDockWidget* d : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly))
        d->setFloating(false);
    restoreState(m_defaultState);
    for (QDockWidget* d : {m_testDock, m_explanationDock, m_detailDock, m_problemsDock})
        d->show();
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
