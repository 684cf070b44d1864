#include "mainwindow.h"

#include "filedrop.h"
#include "findbar.h"

#include "corpus/corpusfeatures.h"

#include "correlationspane.h"

#include "documenttabs.h"
#include "eventfieldsmodel.h"
#include "eventscontroller.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "exportcontroller.h"
#include "impactpane.h"
#include "messagebanner.h"
#include "problemsmodel.h"
#include "querypane.h"
#include "recentfiles.h"
#include "ruledocument.h"
#include "ruleeditor.h"
#include "rulemarks.h"
#include "ruletestsupport.h"
#include "samples.h"
#include "security5156switch.h"
#include "statussummary.h"
#include "syntaxsupport.h"
#include "testpane.h"
#include "testscontroller.h"
#include "testsview.h"
#include "theme.h"
#include "windowlayout.h"
#include "workbenchcontext.h"
#include "workbenchpanes.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QScopedValueRollback>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>

#include "live/rulefromevent.h"
#include "validation/export.h"

namespace sigmaui {

namespace {
bool isRulePath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("yml") || suffix == QLatin1String("yaml");
}
} // namespace

MainWindow::MainWindow(const SyntaxSupport& syntax, QWidget* parent)
    : MainWindow(syntax, MainWindowOptions{}, parent)
{}

MainWindow::MainWindow(const SyntaxSupport& syntax, const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent)
    , m_syntax(syntax)
    , m_options(options)
    , m_banner(new MessageBanner(this))
    , m_context(new WorkbenchContext(this, m_banner))
    , m_tabs(new DocumentTabs(syntax, m_context, {options.autosaveDelayMs}, options.recoveryDirectory, this))
    , m_testPane(new TestPane(this))
    , m_explanationPane(new ExplanationPane(m_context, this))
    , m_detailPane(new EventDetailPane(m_context, this))
    , m_problemsPane(new ProblemsPane(m_context, this))
    , m_tests(new TestsController(m_context, m_testPane->model(), this))
    , m_export(new ExportController(m_context, m_tabs, m_tests, this))
    , m_events(new EventsController(m_context, m_testPane, this))
    , m_status(new StatusSummary(statusBar()))
    , m_layout(std::make_unique<WindowLayout>(this))
{
    initUiResources();
    setObjectName(QStringLiteral("SigmaWorkbenchMainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/sigma-workbench.svg")));
    new FileDropFilter(this, [this](const QStringList& paths) { openPaths(paths); });
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    m_findBar = new FindBar([this] { return currentEditor(); }, central);
    layout->addWidget(m_findBar);
    setCentralWidget(central);

    m_context->setRuleOpener([this](const QString& path) { return openRuleFile(path); });
    m_context->setCompileOptionsProvider([this] { return translate5156Switch()->compileOptions(); });
    m_tabs->setCompileOptions(translate5156Switch()->compileOptions());
    connect(m_tabs, &DocumentTabs::documentCreated, this, &MainWindow::prepareDocument);
    connect(m_tabs, &DocumentTabs::documentMoved, m_tests, &TestsController::reload);
    connect(m_tabs, &DocumentTabs::titleChanged, this, &MainWindow::updateTitle);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        m_context->setCurrentDocument(m_tabs->currentDocument());
        updateTitle();
        showCurrentResult();
    });
    m_tests->setSaveAs([this] { m_tabs->saveCurrentAs(); });
    connect(m_tests, &TestsController::marksProgress, m_testPane, &TestPane::setMarksProgress);
    connect(m_tests, &TestsController::busyChanged, m_testPane, [this](bool busy) {
        if (!busy)
            m_testPane->setMarksProgress(-1);
    });
    connect(m_tests, &TestsController::marksShown, this, [this] {
        if (!m_showingResult) // marks computed later; with a result, it is shown once, whole
            Q_EMIT resultShown();
    });

    connect(m_testPane, &TestPane::markRequested, this, [this](int kind) { markEvents(kind); });
    connect(m_testPane, &TestPane::eventSelected, this, &MainWindow::showSelectedEvent);
    connect(translate5156Switch(), &Security5156Switch::changed, this,
            [this] { m_tabs->setCompileOptions(translate5156Switch()->compileOptions()); });
    connect(m_context, &WorkbenchContext::eventsChanged, this, &MainWindow::onEventsChanged);
    connect(m_events, &EventsController::loaded, this, [this] {
        updateMatchSummary();
        Q_EMIT eventsLoaded();
    });
    connect(this, &MainWindow::resultShown, m_context, &WorkbenchContext::resultShown);
    connect(this, &MainWindow::eventsLoaded, m_context, &WorkbenchContext::eventsLoaded);

    resize(WindowLayout::defaultSize(this)); // the docks are sized for it
    createDocks();
    connect(m_detailPane, &EventDetailPane::newRuleRequested, this,
            [this](const QStringList& fields) { newRuleFromSelection(fields); });
    m_context->setEventSelector([this](const QList<int>& rows) { m_testPane->selectEvents(rows); });
    CorrelationsPane::install(m_context);
    ImpactPane::install(m_context)->setCorpusProvider(
        [this] { return m_corpusFeatures ? m_corpusFeatures->corpus() : nullptr; }); // the edit's impact
    TestsView::install(m_context);               // the rule's tests, failing first, beside Problems
    m_queryPane = QueryPane::install(m_context); // the rule as a query, beside Event Detail
    connect(m_queryPane, &QueryPane::problemsChanged, m_problemsPane, &ProblemsPane::setExtraProblems);
    m_export->setOptionsProvider([this](sigma::ExportOptions& o) { m_queryPane->addToExport(o); });
    createMenus();
    applyModelColors();
    m_corpusFeatures = installCorpusFeatures(this); // corpus browser, Indicators, technique pages, completion, hover
    m_export->setCorpusProvider([this] { return m_corpusFeatures ? m_corpusFeatures->corpus() : nullptr; });
    connect(this, &MainWindow::resultShown, m_export, &ExportController::onResultShown);
    // Every dock exists now (ours and the corpus ones): the default layout is made at the default
    // window size (sized earlier, the docks kept the proportions of Qt's initial 640 x 480, and the
    // Test pane got half the bottom row instead of 60 %); it is what Reset Layout returns to, and
    // the saved one is restored once, for all of them.
    resize(WindowLayout::defaultSize(this));
    applyDefaultDockSizes();
    m_layout->takeDefault();
    if (m_options.restoreLayout)
        m_layout->restore();
    updateTitle();
    updateMatchSummary();
    if (m_options.offerRecovery)
        offerRecovery();
}

// Editors and evaluators go with their widgets (running jobs are left to wind down); recovery copies
// of unsaved work stay on disk (closeEvent removes them when the user saved or discarded).
MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    auto dock = [this](const QString& title, const QString& name, QWidget* widget) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        return d;
    };
    using Role = WorkbenchContext::DockRole;
    m_testDock = dock(tr("Test"), QStringLiteral("testDock"), m_testPane);
    m_problemsDock = dock(tr("Problems"), QStringLiteral("problemsDock"), m_problemsPane);
    m_explanationDock = dock(tr("Explanation"), QStringLiteral("explanationDock"), m_explanationPane);
    m_detailDock = dock(tr("Event Detail"), QStringLiteral("eventDetailDock"), m_detailPane);
    connect(m_problemsPane, &ProblemsPane::titleChanged, m_problemsDock, &QDockWidget::setWindowTitle);
    connect(m_problemsPane, &ProblemsPane::stoppedCompiling, m_problemsDock, [this] {
        m_problemsDock->show();
        m_problemsDock->raise(); // in front of Indicators; the editor keeps the focus
    });
    m_context->addDock(m_testDock, Role::Test, {Qt::BottomDockWidgetArea});
    m_context->addDock(m_problemsDock, Role::Problems, {Qt::BottomDockWidgetArea, nullptr, m_testDock});
    m_context->addDock(m_explanationDock, Role::Explanation, {Qt::RightDockWidgetArea});
    m_context->addDock(m_detailDock, Role::EventDetail,
                       {Qt::RightDockWidgetArea, nullptr, m_explanationDock, Qt::Vertical});
}

void MainWindow::applyDefaultDockSizes()
{
    // The editor gets the room the docks leave: they are sized for the window, not their content.
    const WindowLayout::DockSizes sizes = WindowLayout::dockSizes(size());
    resizeDocks({m_testDock, m_problemsDock}, {sizes.testWidth, width() - sizes.testWidth}, Qt::Horizontal);
    resizeDocks({m_testDock}, {sizes.bottomHeight}, Qt::Vertical);
    resizeDocks({m_explanationDock}, {sizes.explanationWidth}, Qt::Horizontal);
    const int rightColumn = height() - sizes.bottomHeight;
    resizeDocks({m_explanationDock, m_detailDock},
                {rightColumn * sizes.explanationShare / 100, rightColumn * (100 - sizes.explanationShare) / 100},
                Qt::Vertical);
}

// ---- documents --------------------------------------------------------------------------------

void MainWindow::prepareDocument(RuleDocument* document)
{
    connect(document, &RuleDocument::evaluated, this, [this, document] {
        if (document == m_tabs->currentDocument())
            showCurrentResult();
    });
    connect(document->evaluator(), &LiveEvaluator::busyChanged, this, &MainWindow::updateMatchSummary);
    document->evaluator()->setEvents(events()); // evaluates at once
    m_tests->reload(document);                  // read off the GUI thread; re-evaluates with them
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

void MainWindow::clearEvents()
{
    m_events->forgetSets();
    setEvents({});
}

bool MainWindow::restoreEventSets()
{
    return m_events->restoreSets();
}

QString MainWindow::openSampleWorkspace(bool withEvents)
{
    const SampleWorkspace ws = installSampleWorkspace();
    if (!ws.error.isEmpty())
        m_context->showMessage(MessageBanner::Kind::Error, ws.error);
    for (const QString& rule : ws.rules)
        openRuleFile(rule);
    if (!ws.rules.isEmpty())
        openRuleFile(ws.rules.first());
    if (withEvents && !ws.events.isEmpty())
        loadEvents(ws.events);
    return ws.corpus;
}

void MainWindow::updateTitle()
{
    RuleDocument* d = m_tabs->currentDocument();
    if (!d) {
        setWindowTitle(tr("Sigma Workbench"));
        return;
    }
    setWindowTitle(
        tr("%1%2 — Sigma Workbench").arg(d->displayName(), d->isModified() ? QStringLiteral("*") : QString()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_tabs->prepareToClose()) {
        event->ignore();
        return;
    }
    m_layout->save();
    event->accept();
}

void MainWindow::resetLayout()
{
    m_layout->reset({m_testDock, m_explanationDock, m_detailDock, m_problemsDock});
}

// ---- events and results ---------------------------------------------------------------------

void MainWindow::onEventsChanged(const EventListPtr& events)
{
    m_testPane->model()->setEvents(events);
    m_testPane->fitColumns();
    m_testPane->forgetSelection();
    m_pendingAutoSelect = events && !events->empty();
    for (RuleDocument* d : m_tabs->documents())
        d->evaluator()->setEvents(events);
    showSelectedEvent();
    updateMatchSummary();
}

void MainWindow::showCurrentResult()
{
    const QScopedValueRollback showing(m_showingResult, true);
    RuleDocument* d = m_tabs->currentDocument();
    const EvaluationPtr last = d ? d->evaluator()->lastResult() : nullptr;
    EventsModel* model = m_testPane->model();
    const EventListPtr events = m_context->events();
    if (!last) { // no rule (a page tab is current): the panes show nothing of the last one
        model->setVerdicts({}, false);
        problemsModel()->setProblems({});
        showSelectedEvent();
        updateMatchSummary();
        Q_EMIT resultShown();
        return;
    }
    RuleEditor* editor = d->editor();
    QTextDocument* doc = editor->document();
    const RuleEditor::MarksUpdate marksUpdate(editor); // the layers below are drawn once
    if (last->text == editor->toPlainText()) {
        m_problemsPane->showProblems(d, last->diagnostics, last->ok(), doc);
        editor->setMarks(MarkLayer::Diagnostics, diagnosticMarks(last->diagnostics, doc));
        editor->setQuickFixes(last->diagnostics);
        editor->setMarks(MarkLayer::Sigma, last->parsed ? sigmaLayerMarks(*last->parsed, doc) : QVector<EditorMark>{});
    }
    // Verdicts: the newest good ones; greyed out when the rule as written does not compile.
    const EvaluationPtr good = d->evaluator()->lastGoodResult();
    if (last->ok() && last->events == events) {
        model->setRule(last->compiled);
        model->setVerdicts(last->verdicts, false);
    } else if (good && good->events == events) {
        model->setRule(good->compiled);
        model->setVerdicts(good->verdicts, true);
    } else {
        model->setRule(nullptr);
        model->setVerdicts({}, !last->ok());
    }
    m_tests->updateMarks(); // at once when known, else computed off the GUI thread
    // After loading, show the first match (or the first event) so the marks appear at once.
    if (m_pendingAutoSelect && last->ok() && last->events == events && events && !events->empty()) {
        m_pendingAutoSelect = false;
        const auto it = std::find(last->verdicts.begin(), last->verdicts.end(), Verdict::Match);
        if (m_testPane->selectedEvent() < 0) {
            m_testPane->selectEvent(it != last->verdicts.end() ? int(it - last->verdicts.begin()) : 0);
            m_testPane->scrollToSelected();
        }
    }
    showSelectedEvent();
    updateMatchSummary();
    Q_EMIT resultShown();
}

void MainWindow::showSelectedEvent()
{
    const sigma::Event* event = m_testPane->model()->eventAt(m_testPane->selectedEvent());
    m_detailPane->setEvent(event);
    m_explanationPane->showExplanation(m_tabs->currentDocument(), event);
}

bool MainWindow::newRuleFromSelection(const QStringList& fields)
{
    const EventListPtr events = m_context->events();
    std::vector<const sigma::Event*> chosen;
    for (int row : m_testPane->selectedEvents())
        if (events && row >= 0 && std::size_t(row) < events->size())
            chosen.push_back(&(*events)[std::size_t(row)]);
    std::vector<std::string> names;
    for (const QString& f : fields.isEmpty() ? m_detailPane->model()->tickedFields() : fields)
        names.push_back(f.toStdString());
    const sigma::RuleFromEvents made = sigma::ruleFromEvents(chosen, names);
    QStringList messages;
    for (const auto& d : made.diagnostics)
        messages.append(QString::fromStdString(d.message));
    if (made.yaml.empty()) {
        m_context->showMessage(MessageBanner::Kind::Error,
                               tr("No rule made: %1").arg(messages.join(QStringLiteral("; "))));
        return false;
    }
    m_tabs->newRule(QString::fromStdString(made.yaml)); // evaluated over the loaded events at once
    if (!messages.isEmpty())
        m_context->showMessage(MessageBanner::Kind::Warning, messages.join(QStringLiteral("; ")));
    return true;
}

void MainWindow::updateMatchSummary()
{
    m_status->update(m_tabs->currentDocument(), m_context->events());
}

bool MainWindow::markEvents(int kind, const QList<int>& eventIndexes)
{
    return m_tests->markEvents(kind, eventIndexes.isEmpty() ? m_testPane->selectedEvents() : eventIndexes);
}

void MainWindow::applyModelColors()
{
    const bool dark = isDarkPalette(QApplication::palette());
    m_testPane->setColors(verdictGreen(dark), verdictRed(dark));
    m_explanationPane->setColors(verdictGreen(dark), verdictRed(dark));
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyModelColors();
}

} // namespace sigmaui
