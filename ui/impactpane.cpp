#include "impactpane.h"

#include "eventsmodel.h"
#include "liveevaluator.h"
#include "ruledocument.h"
#include "ruleeditor.h"
#include "rulemarks.h"
#include "workbenchcontext.h"

#include "corpus/corpus.h"

#include <QComboBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QProcess>
#include <QRegularExpression>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace sigmaui {

namespace {

using SidePtr = std::shared_ptr<const sigma::ImpactSide>;

QString verdictText(sigma::Verdict v)
{
    switch (v) {
    case sigma::Verdict::Match:
        return ImpactPane::tr("match");
    case sigma::Verdict::NoMatch:
        return ImpactPane::tr("no match");
    case sigma::Verdict::OutOfScope:
        return ImpactPane::tr("out of scope");
    case sigma::Verdict::Unknown:
        break;
    }
    return ImpactPane::tr("not evaluated");
}

QString countText(const std::optional<std::size_t>& n)
{
    return n ? QString::number(*n) : QStringLiteral("\u2013");
}

QString changeText(const std::optional<std::size_t>& before, const std::optional<std::size_t>& after)
{
    return countText(before) + QStringLiteral(" \u2192 ") + countText(after);
}

/// "+2 / −1".
QString plusMinus(const sigma::ImpactResult& r)
{
    return QStringLiteral("+%1 / \u2212%2").arg(r.added).arg(r.removed);
}

QTableView* makeTable(QStandardItemModel* model, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace

/// One count: the current text against the saved version and git HEAD, with the sides reused
/// by the next count.
struct ImpactPane::Counted {
    const RuleDocument* document = nullptr;
    QString text;
    EventListPtr events;
    bool translate5156 = false;
    bool scope = true;
    QString savedText, headText;
    SidePtr saved, head, current;
    std::optional<sigma::ImpactResult> vsSaved, vsHead; ///< nullopt: no such base, or no edit against it
    bool hasSaved = false, hasHead = false;
    bool hits = true; ///< baseline hits counted (only while the pane is in view: the status bar needs none)
};

ImpactPane::ImpactPane(WorkbenchContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_baseBox(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_status(new QLabel(this))
    , m_events(new QStandardItemModel(0, 4, this))
    , m_indicators(new QStandardItemModel(0, 6, this))
    , m_job(JobTracker::Lane::Background)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* top = new QHBoxLayout;
    auto* compare = new QLabel(tr("Compare with:"), this);
    m_baseBox->addItem(tr("Saved version"));
    m_baseBox->addItem(tr("Git HEAD"));
    compare->setBuddy(m_baseBox);
    top->addWidget(compare);
    top->addWidget(m_baseBox);
    top->addWidget(m_summary, 1);
    m_summary->setWordWrap(true);
    layout->addLayout(top);

    m_events->setHorizontalHeaderLabels({QString(), tr("Event"), tr("Process"), tr("Verdict")});
    m_indicators->setHorizontalHeaderLabels(
        {tr("Change"), tr("Field"), tr("Kind"), tr("Hits"), tr("Reach"), tr("Value")});
    m_indicators->horizontalHeaderItem(3)->setToolTip(tr("Baseline hits: events the value alone matches"));
    m_indicators->horizontalHeaderItem(4)->setToolTip(tr("Corpus reach: other rules of the corpus using it"));
    m_eventsView = makeTable(m_events, this);
    m_eventsView->setObjectName(QStringLiteral("impactEvents"));
    m_eventsView->setToolTip(tr("Events whose verdict the edit changed; click one to select it in the Test pane."));
    m_indicatorsView = makeTable(m_indicators, this);
    m_indicatorsView->setObjectName(QStringLiteral("impactIndicators"));
    m_indicatorsView->setToolTip(tr("Indicators (field, kind, value) the edit added, removed or changed, with the "
                                    "events each matches alone (baseline hits) and the other rules of the corpus "
                                    "using it (corpus reach), before \u2192 after."));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_eventsView);
    split->addWidget(m_indicatorsView);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    m_status->setToolTip(tr("Events the edit newly matches (+) and no longer matches (\u2212): see the Impact pane."));
    m_status->hide();

    m_delay.setSingleShot(true);
    m_delay.setInterval(DelayMs);
    connect(&m_delay, &QTimer::timeout, this, &ImpactPane::start);
    connect(m_baseBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setBase(index == 1 ? Base::Head : Base::Saved); });
    const auto select = [this](const QModelIndex& index) {
        const QVariant event = m_events->index(index.row(), 0).data(EventIndexRole);
        if (event.isValid())
            m_context->selectEvents({event.toInt()});
    };
    connect(m_eventsView, &QTableView::clicked, this, select);
    connect(m_eventsView, &QTableView::activated, this, select);
    // An indicator of the text as it is (added or changed) is shown where it is written.
    const auto jump = [this](const QModelIndex& index) {
        const QModelIndex first = m_indicators->index(index.row(), 0);
        RuleDocument* document = m_context->currentDocument();
        if (!document || !first.data(LineRole).isValid())
            return;
        const int line = first.data(LineRole).toInt();
        RuleEditor* editor = document->editor();
        editor->jumpTo(line, characterColumn(editor->document(), line, first.data(ColumnRole).toInt()));
    };
    connect(m_indicatorsView, &QTableView::clicked, this, jump);
    connect(m_indicatorsView, &QTableView::activated, this, jump);
    connect(context, &WorkbenchContext::currentDocumentChanged, this, &ImpactPane::watch);
    connect(context, &WorkbenchContext::resultShown, this, &ImpactPane::schedule);
    connect(context, &WorkbenchContext::eventsChanged, this, &ImpactPane::schedule);
    watch(context->currentDocument());
    showResult();
}

ImpactPane::~ImpactPane()
{
    // A git still running is killed by its QProcess child; its signals must not reach a half-destroyed pane.
    for (QProcess* process : findChildren<QProcess*>(Qt::FindDirectChildrenOnly))
        disconnect(process, nullptr, this, nullptr);
}

ImpactPane* ImpactPane::install(WorkbenchContext* context)
{
    auto* pane = new ImpactPane(context, context->window());
    auto* dock = context->addDockBesideProblems(pane, tr("Impact"), QStringLiteral("impactDock"));
    pane->m_dock = dock;
    // Brought into view: the baseline hits left out while it was hidden are counted.
    connect(dock, &QDockWidget::visibilityChanged, pane, [pane](bool visible) {
        pane->m_inView = visible;
        if (visible && pane->m_shown && !pane->m_shown->hits)
            pane->schedule();
    });
    context->window()->statusBar()->addPermanentWidget(pane->m_status);
    return pane;
}

void ImpactPane::setBase(Base base)
{
    m_base = base;
    const QSignalBlocker block(m_baseBox);
    m_baseBox->setCurrentIndex(base == Base::Head ? 1 : 0);
    showResult();
}

bool ImpactPane::headAvailable() const
{
    const RuleDocument* d = m_context->currentDocument();
    return d && m_head.value(d->path()).has_value();
}

QString ImpactPane::statusText() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

QString ImpactPane::summaryText() const
{
    return m_summary->text();
}

void ImpactPane::watch(RuleDocument* document)
{
    if (m_watched) {
        disconnect(m_watched, nullptr, this, nullptr);
        disconnect(m_watched->editor()->document(), nullptr, this, nullptr);
    }
    m_watched = document;
    m_job.cancel();
    if (!document) {
        schedule();
        return;
    }
    // An edit stops a count of the older text: the live evaluation has the cores first.
    connect(document->editor()->document(), &QTextDocument::contentsChanged, this, [this] {
        m_job.cancel();
        m_delay.stop();
    });
    // Saved (perhaps under another name, perhaps after a commit): HEAD is read again.
    connect(document, &RuleDocument::modificationChanged, this, [this, document](bool modified) {
        if (modified)
            return;
        m_head.remove(document->path());
        fetchHead(document);
        schedule();
    });
    fetchHead(document);
    schedule();
}

void ImpactPane::fetchHead(RuleDocument* document)
{
    const QString path = document->path();
    if (path.isEmpty() || m_head.contains(path) || m_headPending.value(path))
        return;
    const QString git = QStandardPaths::findExecutable(QStringLiteral("git"));
    if (git.isEmpty()) {
        m_head.insert(path, std::nullopt); // no git: no HEAD to compare with
        return;
    }
    m_headPending.insert(path, true);
    auto* process = new QProcess(this);
    process->setWorkingDirectory(QFileInfo(path).absolutePath());
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GIT_OPTIONAL_LOCKS"), QStringLiteral("0"));
    environment.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    environment.insert(QStringLiteral("GIT_NO_LAZY_FETCH"), QStringLiteral("1")); // git >= 2.44; older: protocol.allow
    process->setProcessEnvironment(environment);
    const auto done = [this, process, path](bool ok) {
        if (!m_headPending.value(path))
            return;
        m_headPending.remove(path);
        if (ok)
            m_head.insert(path, QString::fromUtf8(process->readAllStandardOutput()));
        else
            m_head.insert(path, std::nullopt);
        process->deleteLater();
        schedule();
    };
    connect(process, &QProcess::finished, this, [done, process](int code, QProcess::ExitStatus status) {
        done(status == QProcess::NormalExit && code == 0);
    });
    connect(process, &QProcess::errorOccurred, this, [done](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            done(false);
    });
    // The file as HEAD has it; "./" makes the path relative to the working directory. The folder may
    // be anybody's (issue 19: opening a rule fetches and runs nothing): no transport at all (a partial
    // clone would fetch a missing blob from its remote), no filters or hooks from its configuration.
    process->start(git, {QStringLiteral("-c"), QStringLiteral("protocol.allow=never"), QStringLiteral("-c"),
                         QStringLiteral("core.fsmonitor=false"), QStringLiteral("-c"),
                         QStringLiteral("core.hooksPath=/dev/null"), QStringLiteral("show"),
                         QStringLiteral("--no-textconv"), QStringLiteral("HEAD:./") + QFileInfo(path).fileName()});
}

void ImpactPane::schedule()
{
    RuleDocument* d = m_context->currentDocument();
    if (d != m_watched) {
        watch(d); // calls schedule() again
        return;
    }
    if (!d || !m_context->events()) {
        m_delay.stop();
        m_job.cancel();
        m_shown.reset();
        showResult();
        return;
    }
    m_delay.start();
}

void ImpactPane::start()
{
    RuleDocument* d = m_context->currentDocument();
    const EventListPtr events = m_context->events();
    if (!d || !events)
        return;
    if (d->evaluator()->isBusy()) { // the live evaluation first; its result schedules again
        m_delay.start();
        return;
    }
    auto counted = std::make_shared<Counted>();
    counted->document = d;
    counted->text = d->text();
    counted->events = events;
    const sigma::CompileOptions options = m_context->compileOptions();
    counted->translate5156 = options.translateSecurity5156;
    counted->scope = options.scopeByLogSource;
    counted->hasSaved = !d->path().isEmpty(); // an untitled rule has no saved version
    counted->savedText = d->savedText();
    const std::optional<QString> head = m_head.value(d->path());
    counted->hasHead = head.has_value();
    if (head)
        counted->headText = *head;
    // The sides of the last count, where they are of the same text, events and options.
    const auto& last = m_shown;
    counted->hits = m_inView;
    const bool lastFits = last && last->events == events && last->translate5156 == counted->translate5156 &&
                          last->scope == counted->scope && (last->hits || !counted->hits);
    const auto reuse = [&](const QString& text) -> SidePtr {
        if (!lastFits)
            return nullptr;
        if (last->saved && last->savedText == text)
            return last->saved;
        if (last->head && last->headText == text)
            return last->head;
        if (last->current && last->text == text)
            return last->current;
        return nullptr;
    };
    if (counted->hasSaved)
        counted->saved = reuse(counted->savedText);
    if (counted->hasHead)
        counted->head = reuse(counted->headText);
    counted->current = reuse(counted->text);
    const CorpusPtr corpus = m_corpus ? m_corpus() : nullptr;
    const std::string file = (d->path().isEmpty() ? d->untitledName() : d->path()).toStdString();

    m_job.start(
        [counted, corpus, file, options](const JobContext& job) -> std::shared_ptr<const Counted> {
            sigma::ImpactOptions o;
            o.compile = options;
            o.cancel = job.cancelFlag();
            o.lowPriority = true;
            o.baseline = counted->hits;
            struct Version {
                const QString* text;
                SidePtr* side;
            };
            Version versions[] = {{&counted->savedText, &counted->saved},
                                  {&counted->headText, &counted->head},
                                  {&counted->text, &counted->current}};
            const auto side = [&](Version& v) {
                if (*v.side)
                    return true;
                for (const Version& other : versions) // the same text as a version counted: no second count
                    if (*other.side && *other.text == *v.text) {
                        *v.side = *other.side;
                        return true;
                    }
                auto s = std::make_shared<sigma::ImpactSide>();
                if (!sigma::evaluateImpactSide(v.text->toStdString(), file, *counted->events, o, *s))
                    return false;
                *v.side = std::move(s);
                return true;
            };
            const bool needSaved = counted->hasSaved && counted->savedText != counted->text;
            const bool needHead = counted->hasHead && counted->headText != counted->text;
            if ((needSaved && !side(versions[0])) || (needHead && !side(versions[1])) ||
                ((needSaved || needHead) && !side(versions[2])))
                return nullptr;
            if (needSaved)
                counted->vsSaved = sigma::compareImpact(*counted->saved, *counted->current, corpus.get(), {file});
            if (needHead)
                counted->vsHead = sigma::compareImpact(*counted->head, *counted->current, corpus.get(), {file});
            return counted;
        },
        [this](std::shared_ptr<const Counted> result) {
            if (result)
                show(result);
        });
}

void ImpactPane::show(const std::shared_ptr<const Counted>& counted)
{
    m_shown = counted;
    showResult();
    Q_EMIT updated();
}

void ImpactPane::showResult()
{
    const RuleDocument* d = m_context->currentDocument();
    const auto& c = m_shown;
    const bool current = c && d && c->document == d && c->events == m_context->events();
    const bool head = m_base == Base::Head;
    // The status bar: each base the text differs from.
    QStringList parts;
    if (current) {
        const auto part = [](const std::optional<sigma::ImpactResult>& r, const QString& name) -> QString {
            if (!r)
                return QString();
            if (!r->afterCompiled)
                return tr("vs %1: the rule has errors").arg(name);
            return plusMinus(*r) + QLatin1Char(' ') + tr("vs %1").arg(name);
        };
        parts << part(c->vsSaved, tr("saved")) << part(c->vsHead, tr("HEAD"));
        parts.removeAll(QString());
    }
    m_status->setText(parts.join(QStringLiteral(" \u00b7 ")));
    m_status->setVisible(!parts.isEmpty());

    m_events->removeRows(0, m_events->rowCount());
    m_indicators->removeRows(0, m_indicators->rowCount());
    const QString baseName = head ? tr("git HEAD") : tr("the saved version");
    if (!d) {
        m_summary->setText(tr("Open a rule to see the impact of its edits."));
        return;
    }
    if (!m_context->events()) {
        m_summary->setText(tr("Load events to see the impact of an edit."));
        return;
    }
    if (head ? (current ? !c->hasHead : !headAvailable()) : d->path().isEmpty()) {
        m_summary->setText(head ? tr("The file is not in a git repository, or HEAD does not hold it.")
                                : tr("The rule has not been saved yet: there is no saved version."));
        return;
    }
    const std::optional<sigma::ImpactResult>* r = current ? (head ? &c->vsHead : &c->vsSaved) : nullptr;
    if (!r || !r->has_value()) {
        m_summary->setText(current ? tr("No edit against %1.").arg(baseName) : tr("Counting\u2026"));
        return;
    }
    const sigma::ImpactResult& result = **r;
    if (!result.afterCompiled) {
        m_summary->setText(tr("The rule as edited has errors: nothing to compare."));
        return;
    }
    m_summary->setText(
        tr("%1 events match now, %2 in %3: %4. Indicators changed: %5.")
            .arg(result.matchesAfter)
            .arg(result.beforeCompiled ? QString::number(result.matchesBefore) : tr("none (it has errors)"))
            .arg(baseName, plusMinus(result))
            .arg(result.indicatorsChanged()));
    const sigma::EventList& events = *c->events;
    for (const auto& change : result.changes) {
        const sigma::Event& e = events[change.event];
        auto* sign = new QStandardItem(change.nowMatches() ? QStringLiteral("+") : QStringLiteral("\u2212"));
        sign->setData(int(change.event), EventIndexRole);
        sign->setToolTip(change.nowMatches() ? tr("Matched now, not before") : tr("Matched before, not now"));
        QString where = QStringLiteral("#%1").arg(change.event + 1);
        if (e.origin.recordId)
            where += tr(" (record %1)").arg(*e.origin.recordId);
        auto* event = new QStandardItem(where);
        event->setToolTip(QString::fromStdString(e.origin.file ? *e.origin.file : std::string()));
        // The process by its file name (the column is narrow), the whole path in the tooltip.
        const QString path = EventsModel::processOf(e);
        auto* process =
            new QStandardItem(path.mid(int(path.lastIndexOf(QRegularExpression(QStringLiteral("[\\\\/]")))) + 1));
        process->setToolTip(path);
        m_events->appendRow(
            {sign, event, process,
             new QStandardItem(verdictText(change.before) + QStringLiteral(" \u2192 ") + verdictText(change.after))});
    }
    for (const auto& i : result.indicators) {
        if (i.change == sigma::IndicatorChangeKind::Same)
            continue;
        const auto& ind = i.indicator;
        QString kind = QString::fromLatin1(sigma::indicatorKindName(ind.kind));
        if (ind.excluded)
            kind += tr(" (not)");
        auto* change = new QStandardItem(QString::fromLatin1(sigma::indicatorChangeKindName(i.change)));
        if (i.change != sigma::IndicatorChangeKind::Removed && ind.span.valid()) {
            change->setData(int(ind.span.begin.line), LineRole);
            change->setData(int(ind.span.begin.column), ColumnRole);
        }
        m_indicators->appendRow(
            {change, new QStandardItem(ind.field.empty() ? tr("(keyword)") : QString::fromStdString(ind.field)),
             new QStandardItem(kind),
             new QStandardItem(result.hitsCounted ? changeText(i.hitsBefore, i.hitsAfter) : QString()),
             new QStandardItem(result.reachCounted ? changeText(i.reachBefore, i.reachAfter) : QString()),
             new QStandardItem(QString::fromStdString(ind.value))});
    }
    // The short columns as wide as their text; the last (verdict, value) takes the rest.
    m_eventsView->resizeColumnsToContents();
    m_indicatorsView->resizeColumnsToContents();
}

} // namespace sigmaui
