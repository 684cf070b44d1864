#include "corpusfeatures.h"

#include "corpustreemodel.h"
#include "indicatorspane.h"
#include "sigmacompleter.h"
#include "techniqueview.h"

#include "../fileio.h"
#include "../liveevaluator.h"
#include "../mainwindow.h"
#include "../messagebanner.h"
#include "../ruleeditor.h"
#include "../rulemarks.h"
#include "../security5156switch.h"
#include "../workbenchcontext.h"

#include "corpus/baseline.h"
#include "corpus/report.h"
#include "events/fieldname.h"
#include "rule/attack.h"
#include "rule/parser.h"

#include <QAction>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMouseEvent>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextBlock>
#include <QToolButton>
#include <QToolTip>
#include <QTreeView>
#include <QVBoxLayout>

#include <set>

namespace sigmaui {

namespace {
const QString CorpusPathKey = QStringLiteral("corpus/path");

int tabIndexOf(const MainWindow* window, const RuleEditor* editor)
{
    for (int i = 0; i < window->tabCount(); ++i)
        if (window->editorAt(i) == editor)
            return i;
    return -1;
}

/// Character columns [begin, end) of a span on its first line (end of line when the end is elsewhere).
std::pair<int, int> charRange(const QTextDocument* doc, const sigma::SourceSpan& span)
{
    const int begin = characterColumn(doc, span.begin.line, qMax(1, span.begin.column));
    int end;
    if (span.end.line == span.begin.line && span.end.column > span.begin.column) {
        end = characterColumn(doc, span.end.line, span.end.column);
    } else {
        const QTextBlock block = doc->findBlockByNumber(span.begin.line - 1);
        end = block.isValid() ? int(block.text().size()) + 1 : begin + 1;
    }
    return {begin, qMax(end, begin + 1)};
}

bool spanContains(const QTextDocument* doc, const sigma::SourceSpan& span, int line, int column)
{
    if (!span.valid() || span.begin.line != line)
        return false;
    const auto [b, e] = charRange(doc, span);
    return column >= b && column < e;
}

QString tagDescription(const std::string& tag)
{
    const std::string technique = sigma::techniqueFromTag(tag);
    if (!technique.empty()) {
        const auto* t = sigma::attack::findTechnique(technique);
        if (!t)
            return QCoreApplication::translate("sigmaui", "%1: not in the ATT&CK table")
                .arg(QString::fromStdString(technique));
        QStringList tactics;
        for (const auto& s : t->tactics)
            if (const auto* ta = sigma::attack::findTactic(s))
                tactics.append(QString::fromStdString(ta->name));
        QString text = QCoreApplication::translate("sigmaui", "%1 — %2\nTactic: %3")
                           .arg(QString::fromStdString(t->id), QString::fromStdString(t->name),
                                tactics.join(QStringLiteral(", ")));
        if (t->status != sigma::attack::Technique::Status::Active)
            text += t->currentId.empty() ? QCoreApplication::translate("sigmaui", "\nDeprecated in ATT&CK")
                                         : QCoreApplication::translate("sigmaui", "\nRevoked; now %1")
                                               .arg(QString::fromStdString(t->currentId));
        return text + QCoreApplication::translate("sigmaui", "\nCtrl+click for the technique page");
    }
    if (tag.rfind("attack.", 0) == 0) {
        if (const auto* ta = sigma::attack::findTactic(tag.substr(7)))
            return QCoreApplication::translate("sigmaui", "Tactic %1 — %2")
                .arg(QString::fromStdString(ta->id), QString::fromStdString(ta->name));
    }
    return {};
}
} // namespace

CorpusFeatures* installCorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options)
{
    if (auto* existing = CorpusFeatures::of(window))
        return existing;
    return new CorpusFeatures(window, options);
}

CorpusFeatures* CorpusFeatures::of(const MainWindow* window)
{
    return window ? window->findChild<CorpusFeatures*>(QStringLiteral("corpusFeatures"), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

CorpusFeatures::CorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options)
    : QObject(window)
    , m_window(window)
    , m_options(options)
    , m_loader(new CorpusLoader(this))
    , m_treeModel(new CorpusTreeModel(this))
    , m_treeProxy(new CorpusFilterProxy(this))
{
    setObjectName(QStringLiteral("corpusFeatures"));
    m_treeProxy->setSourceModel(m_treeModel);
    m_baselineDelay.setSingleShot(true);
    m_baselineDelay.setInterval(BaselineDelayMs);
    connect(&m_baselineDelay, &QTimer::timeout, this, &CorpusFeatures::startBaseline);

    auto dock = [this](const QString& title, const QString& name, QWidget* widget) {
        auto* d = new QDockWidget(title, m_window);
        d->setObjectName(name);
        d->setWidget(widget);
        return d;
    };
    m_corpusDock = dock(tr("Corpus"), QStringLiteral("corpusDock"), createBrowser());
    m_indicators = new IndicatorsPane(m_window);
    m_indicatorsDock = dock(tr("Indicators"), QStringLiteral("indicatorsDock"), m_indicators);
    m_techniqueTabs = new QTabWidget(m_window);
    m_techniqueTabs->setDocumentMode(true);
    m_techniqueTabs->setTabsClosable(true);
    connect(m_techniqueTabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        QWidget* w = m_techniqueTabs->widget(i);
        m_techniqueTabs->removeTab(i);
        w->deleteLater();
    });
    m_techniqueDock = dock(tr("Technique"), QStringLiteral("techniqueDock"), m_techniqueTabs);
    // Left of the editors; Indicators beside the Test pane, sharing its place with Problems (in
    // front); technique pages with the Explanation.
    using Role = WorkbenchContext::DockRole;
    WorkbenchContext* context = m_window->context();
    context->addDock(m_corpusDock, Role::Other, {Qt::LeftDockWidgetArea, nullptr, nullptr, Qt::Horizontal, false});
    QDockWidget* test = context->dock(Role::Test);
    if (QDockWidget* problems = context->dock(Role::Problems)) {
        context->addDock(m_indicatorsDock, Role::Other,
                         {Qt::BottomDockWidgetArea, problems, nullptr, Qt::Horizontal, false});
        m_indicatorsDock->raise();
        if (test)
            m_window->resizeDocks({test, m_indicatorsDock}, {760, 640}, Qt::Horizontal);
    } else {
        context->addDock(m_indicatorsDock, Role::Other,
                         {Qt::BottomDockWidgetArea, nullptr, test, Qt::Horizontal, false});
    }
    context->addDock(m_techniqueDock, Role::Other,
                     {Qt::RightDockWidgetArea, context->dock(Role::Explanation), nullptr, Qt::Horizontal, false});
    m_techniqueDock->hide(); // shown when a page is opened
    m_window->resizeDocks({m_corpusDock}, {300}, Qt::Horizontal);
    // The main window restores the saved layout (and takes its default) after these docks exist.

    createMenu();

    connect(m_loader, &CorpusLoader::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setMaximum(int(qMax<qint64>(1, total)));
        m_progress->setValue(int(done));
        m_progress->setFormat(tr("%1 of %2 files").arg(done).arg(total));
    });
    connect(m_loader, &CorpusLoader::finished, this, &CorpusFeatures::onLoaded);
    connect(m_indicators, &IndicatorsPane::indicatorActivated, this, &CorpusFeatures::selectIndicator);
    connect(m_window, &MainWindow::resultShown, this, [this] {
        if (RuleEditor* e = m_window->currentEditor())
            attachEditor(e);
        updateIndicators();
    });
    connect(m_window, &MainWindow::eventsLoaded, this, &CorpusFeatures::updateIndicators);
    connect(m_indicatorsDock->toggleViewAction(), &QAction::toggled, this, [this](bool open) {
        if (open)
            updateIndicators(); // counts the baseline put off while the pane was closed
        else
            cancelBaseline();
    });
    for (int i = 0; i < m_window->tabCount(); ++i)
        attachEditor(m_window->editorAt(i));

    if (m_options.restoreCorpus) {
        const QString remembered = QSettings().value(CorpusPathKey).toString();
        if (!remembered.isEmpty() && QFileInfo::exists(remembered))
            openCorpus(remembered);
    }
}

CorpusFeatures::~CorpusFeatures()
{
    m_loader->cancel();
    cancelBaseline();
}

QWidget* CorpusFeatures::createBrowser()
{
    auto* pane = new QWidget(m_window);
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_search = new QLineEdit(pane);
    m_search->setPlaceholderText(tr("Search rules, ids, techniques…"));
    m_search->setClearButtonEnabled(true);
    m_grouping = new QComboBox(pane);
    m_grouping->addItem(tr("By folder"));
    m_grouping->addItem(tr("By technique"));
    bar->addWidget(m_search, 1);
    bar->addWidget(m_grouping);
    layout->addLayout(bar);
    auto* progressBar = new QHBoxLayout;
    m_progress = new QProgressBar(pane);
    m_progress->hide();
    m_cancel = new QToolButton(pane);
    m_cancel->setText(tr("Cancel"));
    m_cancel->hide();
    progressBar->addWidget(m_progress, 1);
    progressBar->addWidget(m_cancel);
    layout->addLayout(progressBar);
    m_tree = new QTreeView(pane);
    m_tree->setObjectName(QStringLiteral("corpusTree"));
    m_tree->setModel(m_treeProxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(CorpusTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(CorpusTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->setToolTip(QString());
    layout->addWidget(m_tree, 1);
    m_status = new QLabel(tr("No corpus. Corpus ▸ Open Corpus Folder… (a SigmaHQ checkout's rules/ works)."), pane);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(m_search, &QLineEdit::textChanged, m_treeProxy, [this](const QString& text) {
        m_treeProxy->setSearchText(text);
        if (!text.trimmed().isEmpty() && m_treeProxy->rowCount() < 40)
            m_tree->expandAll();
    });
    connect(m_grouping, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        m_treeModel->setGrouping(index == 0 ? CorpusTreeModel::Grouping::ByFolder
                                            : CorpusTreeModel::Grouping::ByTechnique);
    });
    connect(m_cancel, &QToolButton::clicked, this, &CorpusFeatures::cancelLoading);
    connect(m_tree, &QTreeView::activated, this, &CorpusFeatures::activateTreeIndex);
    return pane;
}

void CorpusFeatures::activateTreeIndex(const QModelIndex& index)
{
    const QModelIndex first = index.siblingAtColumn(CorpusTreeModel::NameColumn);
    switch (first.data(CorpusTreeModel::KindRole).toInt()) {
    case CorpusTreeModel::RuleItem:
        m_window->openRuleFile(first.data(CorpusTreeModel::FileRole).toString());
        break;
    case CorpusTreeModel::TechniqueItem:
        showTechnique(first.data(CorpusTreeModel::TechniqueRole).toString());
        break;
    default:
        break;
    }
}

void CorpusFeatures::createMenu()
{
    m_menu = m_window->context()->addMenu(tr("&Corpus")); // before Help
    m_menu->setObjectName(QStringLiteral("corpusMenu"));
    m_menu->addAction(tr("&Open Corpus Folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(m_window, tr("Open Corpus Folder"), m_corpusPath);
        if (!dir.isEmpty())
            openCorpus(dir);
    });
    m_menu->addAction(tr("&Reload Corpus"), this, [this] {
        if (!m_corpusPath.isEmpty())
            openCorpus(m_corpusPath);
    });
    m_menu->addAction(tr("&Cancel Loading"), this, &CorpusFeatures::cancelLoading);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Technique Page…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), this, [this] {
        bool ok = false;
        const QString id = QInputDialog::getText(m_window, tr("Technique Page"), tr("ATT&CK technique id:"),
                                                 QLineEdit::Normal, techniqueAtCursor(), &ok);
        if (ok && !id.trimmed().isEmpty())
            showTechnique(id);
    });
    m_menu->addAction(tr("Technique Page of the &Tag at the Cursor"), QKeySequence(Qt::Key_F4), this, [this] {
        const QString id = techniqueAtCursor();
        if (!id.isEmpty())
            showTechnique(id);
        else
            m_window->statusBar()->showMessage(tr("The cursor is not on an ATT&CK technique tag"), 3000);
    });
    m_menu->addSeparator();
    QAction* navigator = m_menu->addAction(tr("Export ATT&CK &Navigator Layer…"), this, [this] {
        if (!m_corpus) {
            m_window->banner()->showMessage(MessageBanner::Kind::Warning,
                                            tr("Open a corpus first: the layer scores techniques by its rules."));
            return;
        }
        const QString path = QFileDialog::getSaveFileName(m_window, tr("Export ATT&CK Navigator Layer"),
                                                          QStringLiteral("sigma-coverage.json"), tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!exportNavigatorLayer(path, &error))
            m_window->banner()->showMessage(MessageBanner::Kind::Error, error);
        else
            m_window->statusBar()->showMessage(tr("Navigator layer written to %1").arg(QDir::toNativeSeparators(path)),
                                               5000);
    });
    navigator->setObjectName(QStringLiteral("exportNavigatorAction"));
    m_menu->addSeparator();
    for (QDockWidget* d : {m_corpusDock, m_indicatorsDock, m_techniqueDock})
        m_menu->addAction(d->toggleViewAction());
}

// ---- corpus ---------------------------------------------------------------------------------------

void CorpusFeatures::openCorpus(const QString& folder)
{
    m_corpusPath = QFileInfo(folder).absoluteFilePath();
    QSettings().setValue(CorpusPathKey, m_corpusPath);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Scanning…"));
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(m_corpusPath)));
    m_loader->load(m_corpusPath);
}

void CorpusFeatures::cancelLoading()
{
    m_loader->cancel();
}

bool CorpusFeatures::isLoading() const
{
    return m_loader->isLoading();
}

void CorpusFeatures::onLoaded(const CorpusLoadResultPtr& result)
{
    m_progress->hide();
    m_cancel->hide();
    if (!result->error.isEmpty()) {
        m_status->setText(result->error);
        m_window->banner()->showMessage(MessageBanner::Kind::Error, result->error);
        Q_EMIT corpusLoaded(result);
        return;
    }
    m_corpus = result->corpus;
    m_treeModel->setCorpus(m_corpus, m_grouping->currentIndex() == 0 ? CorpusTreeModel::Grouping::ByFolder
                                                                     : CorpusTreeModel::Grouping::ByTechnique);
    QString status = tr("%n rule(s)", nullptr, int(m_corpus->rules().size())) + QStringLiteral(" · ") +
                     tr("%n technique(s)", nullptr, int(m_corpus->techniqueCounts().size())) + QStringLiteral(" · ") +
                     tr("%1 s").arg(result->milliseconds / 1000.0, 0, 'f', 1);
    if (!m_corpus->brokenFiles().empty())
        status += QStringLiteral(" · ") + tr("%n file(s) left out", nullptr, int(m_corpus->brokenFiles().size()));
    if (result->cancelled)
        status = tr("Loading cancelled: ") + status;
    m_status->setText(status);
    m_status->setToolTip(QDir::toNativeSeparators(m_corpusPath));
    if (result->cancelled) {
        m_window->banner()->showMessage(
            MessageBanner::Kind::Warning,
            tr("Loading the corpus was cancelled; %n rule(s) were read.", nullptr, int(m_corpus->rules().size())));
    } else if (!m_corpus->brokenFiles().empty()) {
        const QString first = m_corpus->diagnostics().empty()
                                  ? QString::fromStdString(m_corpus->brokenFiles().front())
                                  : QString::fromStdString(m_corpus->diagnostics().front().format());
        m_window->banner()->showMessage(MessageBanner::Kind::Warning,
                                        tr("%n corpus file(s) had errors and were left out. First: %1", nullptr,
                                           int(m_corpus->brokenFiles().size()))
                                            .arg(first));
    }
    for (int i = 0; i < m_techniqueTabs->count(); ++i)
        if (auto* view = qobject_cast<TechniqueView*>(m_techniqueTabs->widget(i)))
            view->showTechnique(m_corpus, view->techniqueId());
    if (!m_pendingTechnique.isEmpty())
        showTechnique(std::exchange(m_pendingTechnique, QString()));
    m_shownCorpus.reset();
    updateIndicators();
    Q_EMIT corpusLoaded(result);
}

// ---- technique pages ----------------------------------------------------------------------------

TechniqueView* CorpusFeatures::showTechnique(const QString& techniqueId)
{
    QString id = techniqueId.trimmed().toUpper();
    if (id.startsWith(QLatin1String("ATTACK.")))
        id = id.mid(7);
    if (isLoading())
        m_pendingTechnique = id;
    TechniqueView* view = nullptr;
    for (int i = 0; i < m_techniqueTabs->count() && !view; ++i) {
        auto* v = qobject_cast<TechniqueView*>(m_techniqueTabs->widget(i));
        if (v && v->techniqueId() == id)
            view = v;
    }
    if (!view) {
        view = new TechniqueView(m_techniqueTabs);
        connect(view, &TechniqueView::ruleActivated, m_window,
                [this](const QString& file) { m_window->openRuleFile(file); });
        connect(view, &TechniqueView::exportFailed, this,
                [this](const QString& error) { m_window->banner()->showMessage(MessageBanner::Kind::Error, error); });
        m_techniqueTabs->addTab(view, id);
    }
    view->showTechnique(m_corpus, id);
    m_techniqueTabs->setTabToolTip(m_techniqueTabs->indexOf(view), view->headline());
    m_techniqueTabs->setCurrentWidget(view);
    m_techniqueDock->show();
    m_techniqueDock->raise();
    return view;
}

TechniqueView* CorpusFeatures::currentTechniqueView() const
{
    return qobject_cast<TechniqueView*>(m_techniqueTabs->currentWidget());
}

bool CorpusFeatures::exportNavigatorLayer(const QString& path, QString* error) const
{
    if (!m_corpus) {
        if (error)
            *error = tr("%1: no corpus is loaded").arg(path);
        return false;
    }
    sigma::NavigatorOptions options;
    options.description = "Sigma rules of " + m_corpusPath.toStdString();
    return writeTextFileAtomically(path, QString::fromStdString(sigma::navigatorLayerJson(*m_corpus, options)), error);
}

// ---- indicators -----------------------------------------------------------------------------------

void CorpusFeatures::updateIndicators()
{
    const int index = m_window->currentTab();
    LiveEvaluator* evaluator = m_window->evaluatorAt(index);
    const EvaluationPtr last = evaluator ? evaluator->lastResult() : nullptr;
    const EventListPtr events = m_window->events();
    if (!last || !last->parsed || !last->parsed->firstRule()) {
        if (!last || !last->parsed) {
            m_indicators->model()->clear();
            m_shownParsed.reset();
            m_shownText.clear();
        }
        m_indicators->setSummary(last ? tr("The rule does not parse; the indicators are from its last good version.")
                                      : tr("Open a rule to see its indicators."));
        Q_EMIT indicatorsUpdated();
        return;
    }
    if (last->parsed == m_shownParsed && events == m_shownEvents && m_corpus == m_shownCorpus) {
        scheduleBaseline(); // if it was put off
        return;
    }
    cancelBaseline();
    m_shownParsed = last->parsed;
    m_shownText = last->text;
    m_shownEvents = events;
    m_shownCorpus = m_corpus;

    const sigma::Rule* rule = last->parsed->firstRule();
    const std::string file = m_window->filePathAt(index).toStdString();
    const auto indicators = sigma::ruleIndicators(*rule);
    std::vector<IndicatorFigures> rows;
    rows.reserve(indicators.size());
    for (const auto& ind : indicators) {
        IndicatorFigures f;
        f.indicator = ind;
        if (m_corpus) {
            f.reach = m_corpus->reach(ind);
            f.otherRules = file.empty() ? *f.reach : m_corpus->reachExcludingFile(ind, file);
        }
        rows.push_back(std::move(f));
    }
    const std::size_t corpusRules = m_corpus ? m_corpus->rules().size() : 0;
    m_indicators->model()->setIndicators(std::move(rows), corpusRules, 0);
    m_indicatorsSummary = tr("%n indicator(s)", nullptr, int(indicators.size()));
    m_indicatorsSummary +=
        m_corpus ? tr(" · reach over %n corpus rule(s)", nullptr, int(corpusRules)) : tr(" · no corpus loaded");
    m_indicators->setSummary(m_indicatorsSummary);
    if (!events || events->empty()) {
        Q_EMIT indicatorsUpdated();
        return;
    }
    scheduleBaseline();
}

void CorpusFeatures::scheduleBaseline()
{
    if (m_indicatorsDock->isHidden())
        startBaseline(); // says at once that the count waits for the pane
    else
        m_baselineDelay.start();
}

void CorpusFeatures::startBaseline()
{
    const auto parsed = std::static_pointer_cast<const sigma::ParsedFile>(m_shownParsed);
    const EventListPtr events = m_shownEvents;
    if (!parsed || !parsed->firstRule() || !events || events->empty() || m_baselineParsed == m_shownParsed)
        return; // nothing to count, or counted (or being counted) already
    // A pass over every loaded event: put off while the pane is closed, and never run beside a
    // newer evaluation (an edit cancels it; the next result starts it again).
    const LiveEvaluator* evaluator = m_window->evaluatorAt(m_window->currentTab());
    if (m_indicatorsDock->isHidden() || (evaluator && !evaluator->isSettled())) {
        if (m_indicatorsDock->isHidden())
            m_indicators->setSummary(m_indicatorsSummary + tr(" · baseline hits are counted when the pane is open"));
        Q_EMIT indicatorsUpdated();
        return;
    }
    m_baselineParsed = m_shownParsed;
    const QString summary = m_indicatorsSummary;
    m_indicators->setSummary(summary + tr(" · counting baseline hits…"));
    const std::string file = m_window->filePathAt(m_window->currentTab()).toStdString();
    sigma::BaselineOptions options;
    options.lowPriority = true; // yields the cores to the live evaluation and the GUI
    // The same events in scope as the Test pane: Security 5156 read as network connections when
    // its switch is on.
    options.translateSecurity5156 = m_window->translate5156Switch()->compileOptions().translateSecurity5156;
    m_baselineJob.start(
        [parsed, events, file, options](const JobContext& job) mutable {
            options.cancel = job.cancelFlag();
            return sigma::baselineNoise(*parsed->firstRule(), file, *events, options);
        },
        [this, events, summary](const sigma::BaselineResult& result) {
            m_indicators->model()->setBaseline(result.hits, result.eventsConsidered);
            QString s = summary + tr(" · %1 of %2 loaded events in the rule's log source")
                                      .arg(result.eventsConsidered)
                                      .arg(events->size());
            if (result.ruleCompiled)
                s += tr(", the whole rule matches %1").arg(result.ruleHits);
            m_indicators->setSummary(s);
            Q_EMIT indicatorsUpdated();
        });
}

void CorpusFeatures::cancelBaseline()
{
    m_baselineDelay.stop();
    if (m_baselineJob.isPending()) {
        m_baselineJob.cancel();
        m_baselineParsed.reset(); // its count never arrives: counted again with the next result
    }
}

void CorpusFeatures::selectIndicator(const IndicatorFigures& figures)
{
    RuleEditor* editor = m_window->currentEditor();
    const sigma::SourceSpan& span = figures.indicator.span;
    if (!editor || !span.valid())
        return;
    QTextDocument* doc = editor->document();
    const auto [b, e] = charRange(doc, span);
    const QTextBlock block = doc->findBlockByNumber(span.begin.line - 1);
    if (!block.isValid())
        return;
    QTextCursor c(block);
    c.setPosition(block.position() + qMin(b - 1, block.length() - 1));
    c.setPosition(block.position() + qMin(e - 1, block.length() - 1), QTextCursor::KeepAnchor);
    editor->setTextCursor(c);
    editor->centerCursor();
    editor->setFocus();
}

// ---- editor hooks ---------------------------------------------------------------------------------

QStringList CorpusFeatures::eventFieldNames() const
{
    const EventListPtr events = m_window->events();
    if (events == m_fieldNamesFor)
        return m_fieldNames;
    std::set<std::string> names;
    if (events) {
        const std::size_t limit = std::min<std::size_t>(events->size(), 20000);
        for (std::size_t i = 0; i < limit; ++i)
            for (const auto& f : (*events)[i].fields)
                names.insert(std::string(sigma::FieldNames::text(f.name)));
    }
    m_fieldNames.clear();
    for (const auto& n : names)
        m_fieldNames.append(QString::fromStdString(n));
    m_fieldNamesFor = events;
    return m_fieldNames;
}

void CorpusFeatures::attachEditor(RuleEditor* editor)
{
    if (!editor || m_attached.contains(editor))
        return;
    m_attached.insert(editor);
    connect(editor, &QObject::destroyed, this, [this, editor] { m_attached.remove(editor); });
    // An edit makes the baseline being counted stale: stop it before the edit's evaluation starts.
    connect(editor->document(), &QTextDocument::contentsChanged, this, [this, editor] {
        if (editor == m_window->currentEditor())
            cancelBaseline();
    });
    auto* completer = new SigmaCompleter(editor);
    completer->setSourcesProvider([this] {
        CompletionSources sources;
        sources.eventFields = eventFieldNames();
        if (m_corpus) {
            std::set<QString> values;
            for (const auto& r : m_corpus->rules()) {
                if (!r.logsource.category.empty())
                    values.insert(QStringLiteral("category:") + QString::fromStdString(r.logsource.category));
                if (!r.logsource.product.empty())
                    values.insert(QStringLiteral("product:") + QString::fromStdString(r.logsource.product));
                if (!r.logsource.service.empty())
                    values.insert(QStringLiteral("service:") + QString::fromStdString(r.logsource.service));
            }
            for (const QString& v : values)
                sources.corpusLogSourceValues.append(v);
        }
        return sources;
    });
    editor->viewport()->installEventFilter(this);
}

QString CorpusFeatures::hoverTextAt(RuleEditor* editor, int line, int column) const
{
    const int index = tabIndexOf(m_window, editor);
    LiveEvaluator* evaluator = m_window->evaluatorAt(index);
    const EvaluationPtr last = evaluator ? evaluator->lastResult() : nullptr;
    if (!last || !last->parsed || last->text != editor->toPlainText())
        return {};
    const sigma::Rule* rule = last->parsed->firstRule();
    if (!rule)
        return {};
    const QTextDocument* doc = editor->document();
    for (std::size_t i = 0; i < rule->tags.size() && i < rule->tagSpans.size(); ++i)
        if (spanContains(doc, rule->tagSpans[i], line, column))
            return tagDescription(rule->tags[i]);
    if (index == m_window->currentTab() && last->parsed == m_shownParsed) {
        const IndicatorsModel* model = m_indicators->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            const IndicatorFigures* f = model->figuresAt(r);
            if (spanContains(doc, f->indicator.span, line, column))
                return model->data(model->index(r, 0), Qt::ToolTipRole).toString();
        }
    }
    return {};
}

QString CorpusFeatures::techniqueAtCursor() const
{
    RuleEditor* editor = m_window->currentEditor();
    if (!editor)
        return {};
    const QTextCursor c = editor->textCursor();
    const int index = tabIndexOf(m_window, editor);
    LiveEvaluator* evaluator = m_window->evaluatorAt(index);
    const EvaluationPtr last = evaluator ? evaluator->lastResult() : nullptr;
    if (!last || !last->parsed || !last->parsed->firstRule())
        return {};
    const sigma::Rule* rule = last->parsed->firstRule();
    const int line = c.blockNumber() + 1;
    const int column = c.positionInBlock() + 1;
    for (std::size_t i = 0; i < rule->tags.size() && i < rule->tagSpans.size(); ++i) {
        const auto& span = rule->tagSpans[i];
        if (span.begin.line != line)
            continue;
        const auto [b, e] = charRange(editor->document(), span);
        if (column >= b && column <= e) // the cursor may sit just after the tag
            return QString::fromStdString(sigma::techniqueFromTag(rule->tags[i]));
    }
    return {};
}

bool CorpusFeatures::eventFilter(QObject* watched, QEvent* event)
{
    auto* editor = watched->parent() ? qobject_cast<RuleEditor*>(watched->parent()) : nullptr;
    if (!editor || (event->type() != QEvent::ToolTip && event->type() != QEvent::MouseButtonRelease))
        return QObject::eventFilter(watched, event);
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor c = editor->cursorForPosition(help->pos());
        const int line = c.blockNumber() + 1;
        const int column = c.positionInBlock() + 1;
        const QString mine = hoverTextAt(editor, line, column);
        if (mine.isEmpty())
            return false; // the editor's own marks
        QStringList tips{mine};
        tips.append(editor->toolTipsAt(line, column));
        QToolTip::showText(help->globalPos(), tips.join(QStringLiteral("\n\n")), editor->viewport());
        return true;
    }
    auto* mouse = static_cast<QMouseEvent*>(event);
    if (mouse->button() == Qt::LeftButton && (mouse->modifiers() & Qt::ControlModifier)) {
        const QString id = techniqueAtCursor();
        if (!id.isEmpty()) {
            showTechnique(id);
            return false;
        }
    }
    return false;
}

// ---- command line -----------------------------------------------------------------------------

void configureCorpusCommandLine(QCommandLineParser& parser)
{
    parser.addOption(QCommandLineOption(
        QStringLiteral("corpus"),
        QCoreApplication::translate("sigmaui", "Open this rules folder as the corpus (it is remembered)."),
        QStringLiteral("folder")));
    parser.addOption(QCommandLineOption(
        QStringLiteral("technique"),
        QCoreApplication::translate("sigmaui", "Show the page of this ATT&CK technique (e.g. T1090.002)."),
        QStringLiteral("id")));
}

void openCorpusStartup(MainWindow& window, const QCommandLineParser& parser)
{
    CorpusFeatures* features = installCorpusFeatures(&window);
    if (parser.isSet(QStringLiteral("corpus")))
        features->openCorpus(parser.value(QStringLiteral("corpus")));
    if (parser.isSet(QStringLiteral("technique"))) {
        // Asked for by name at start: the page gets a window of its own, not a corner.
        features->showTechnique(parser.value(QStringLiteral("technique")));
        features->techniqueDock()->setFloating(true);
        features->techniqueDock()->resize(1250, 820);
        features->techniqueDock()->move(window.geometry().topLeft() + QPoint(40, 40));
    }
}

} // namespace sigmaui
