#include "indicatorscontroller.h"

#include "corpussession.h"
#include "indicatorspane.h"

#include "../liveevaluator.h"
#include "../ruledocument.h"
#include "../ruleeditor.h"
#include "../rulemarks.h"
#include "../workbenchcontext.h"

#include "corpus/baseline.h"
#include "engine/nearmiss.h"
#include "rule/parser.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QTextBlock>

namespace sigmaui {

IndicatorsController::IndicatorsController(WorkbenchContext* context, CorpusSession* session, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_session(session)
    , m_pane(new IndicatorsPane(context->window()))
    , m_dock(new QDockWidget(tr("Indicators"), context->window()))
{
    m_dock->setObjectName(QStringLiteral("indicatorsDock"));
    m_dock->setWidget(m_pane);
    m_baselineDelay.setSingleShot(true);
    m_baselineDelay.setInterval(BaselineDelayMs);
    connect(&m_baselineDelay, &QTimer::timeout, this, &IndicatorsController::startBaseline);
    connect(m_pane, &IndicatorsPane::indicatorActivated, this, &IndicatorsController::selectIndicator);
    connect(m_context, &WorkbenchContext::resultShown, this, &IndicatorsController::update);
    connect(m_context, &WorkbenchContext::eventsLoaded, this, &IndicatorsController::update);
    connect(m_context, &WorkbenchContext::documentAdded, this, &IndicatorsController::watch);
    connect(m_session, &CorpusSession::loaded, this, [this](const CorpusLoadResultPtr& result) {
        if (!result->error.isEmpty())
            return;
        m_shownCorpus.reset();
        update();
    });
    connect(m_dock->toggleViewAction(), &QAction::toggled, this, [this](bool open) {
        if (open)
            update(); // counts the baseline put off while the pane was closed
        else
            cancelBaseline();
    });
    for (RuleDocument* document : m_context->documents())
        watch(document);
}

IndicatorsController::~IndicatorsController()
{
    cancelBaseline();
}

void IndicatorsController::watch(RuleDocument* document)
{
    // An edit makes the baseline being counted stale: stop it before the edit's evaluation starts.
    connect(document->editor()->document(), &QTextDocument::contentsChanged, this, [this, document] {
        if (document == m_context->currentDocument())
            cancelBaseline();
    });
}

void IndicatorsController::update()
{
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    const EventListPtr events = m_context->events();
    const CorpusPtr corpus = m_session->corpus();
    if (!last || !last->parsed || !last->parsed->firstRule()) {
        if (!last || !last->parsed) {
            m_pane->model()->clear();
            m_shownParsed.reset();
            m_shownText.clear();
        }
        m_pane->setSummary(last ? tr("The rule does not parse; the indicators are from its last good version.")
                                : tr("Open a rule to see its indicators."));
        Q_EMIT updated();
        return;
    }
    if (last->parsed == m_shownParsed && events == m_shownEvents && corpus == m_shownCorpus) {
        scheduleBaseline(); // if it was put off
        return;
    }
    // Only the corpus changed (it loaded, at every start): the baseline counted for this rule and
    // these events stays, instead of turning into dashes until the next edit.
    std::vector<std::optional<std::size_t>> keptBaseline;
    std::size_t keptScope = 0;
    if (last->parsed == m_shownParsed && events == m_shownEvents && !m_baselineJob.isPending()) {
        for (int r = 0; r < m_pane->model()->rowCount(); ++r)
            keptBaseline.push_back(m_pane->model()->figuresAt(r)->baseline);
        keptScope = m_pane->model()->eventsInScope();
    }
    cancelBaseline();
    m_shownParsed = last->parsed;
    m_shownText = last->text;
    m_shownEvents = events;
    m_shownCorpus = corpus;

    const sigma::Rule* rule = last->parsed->firstRule();
    const std::string file = document->path().toStdString();
    const auto indicators = sigma::ruleIndicators(*rule);
    std::vector<IndicatorFigures> rows;
    rows.reserve(indicators.size());
    for (const auto& ind : indicators) {
        IndicatorFigures f;
        f.indicator = ind;
        if (corpus) {
            f.reach = corpus->reach(ind);
            f.otherRules = file.empty() ? *f.reach : corpus->reachExcludingFile(ind, file);
            f.reachByVendor = corpus->reachByVendor(ind.key());
        }
        rows.push_back(std::move(f));
    }
    if (keptBaseline.size() == rows.size())
        for (std::size_t i = 0; i < rows.size(); ++i)
            rows[i].baseline = keptBaseline[i];
    else
        keptScope = 0;
    const std::size_t corpusRules = corpus ? corpus->rules().size() : 0;
    m_pane->model()->setIndicators(std::move(rows), corpusRules, keptScope);
    m_summary = tr("%n indicator(s)", nullptr, int(indicators.size()));
    m_summary += corpus ? tr(" · reach over %n corpus rule(s)", nullptr, int(corpusRules))
                        : tr(" · no corpus loaded: Corpus ▸ Open Corpus Folder… counts each indicator's reach over "
                             "a rules folder (a SigmaHQ checkout's rules/, Elastic or Splunk rules)");
    m_pane->setSummary(m_summary);
    if (!events || events->empty()) {
        Q_EMIT updated();
        return;
    }
    scheduleBaseline();
}

void IndicatorsController::scheduleBaseline()
{
    if (m_dock->isHidden())
        startBaseline(); // says at once that the count waits for the pane
    else
        m_baselineDelay.start();
}

void IndicatorsController::startBaseline()
{
    const auto parsed = std::static_pointer_cast<const sigma::ParsedFile>(m_shownParsed);
    const EventListPtr events = m_shownEvents;
    if (!parsed || !parsed->firstRule() || !events || events->empty() || m_baselineParsed == m_shownParsed)
        return; // nothing to count, or counted (or being counted) already
    // A pass over every loaded event: put off while the pane is closed, and never run beside a
    // newer evaluation (an edit cancels it; the next result starts it again).
    RuleDocument* document = m_context->currentDocument();
    const LiveEvaluator* evaluator = document ? document->evaluator() : nullptr;
    if (m_dock->isHidden() || (evaluator && !evaluator->isSettled())) {
        if (m_dock->isHidden())
            m_pane->setSummary(m_summary + tr(" · baseline hits are counted when the pane is open"));
        Q_EMIT updated();
        return;
    }
    m_baselineParsed = m_shownParsed;
    const QString summary = m_summary;
    m_pane->setSummary(summary + tr(" · counting baseline hits…"));
    const std::string file = document ? document->path().toStdString() : std::string();
    sigma::BaselineOptions options;
    options.lowPriority = true; // yields the cores to the live evaluation and the GUI
    // The same events in scope as the Test pane: Security 5156 read as network connections when
    // its switch is on.
    options.translateSecurity5156 = m_context->compileOptions().translateSecurity5156;
    sigma::CompileOptions compile = m_context->compileOptions();
    struct Counts {
        sigma::BaselineResult baseline;
        std::vector<std::size_t> nearMissChanges; ///< parallel to baseline.indicators (empty: not counted)
    };
    m_baselineJob.start(
        [parsed, events, file, options, compile](const JobContext& job) mutable {
            options.cancel = job.cancelFlag();
            Counts counts{sigma::baselineNoise(*parsed->firstRule(), file, *events, options), {}};
            // What removing each value would do to the near misses: one explanation per event in scope.
            const sigma::CompileResult compiled = sigma::compileRule(*parsed->firstRule(), file, compile);
            if (!compiled.rule || job.isCancelled())
                return counts;
            std::vector<std::size_t> inScope;
            for (std::size_t i = 0; i < events->size(); ++i)
                if (compiled.rule->inScope((*events)[i]))
                    inScope.push_back(i);
            sigma::NearMissListOptions nm;
            nm.cancel = job.cancelFlag();
            nm.lowPriority = true;
            bool complete = false;
            const auto impact = sigma::nearMissImpact(*compiled.rule, *events, inScope, nm, &complete);
            if (!complete)
                return counts;
            for (const auto& ind : counts.baseline.indicators) {
                const auto it =
                    impact.find(sigma::ValueRef{ind.searchIndex, ind.mapIndex, ind.itemIndex, ind.valueIndex});
                counts.nearMissChanges.push_back(it == impact.end() ? 0 : it->second);
            }
            return counts;
        },
        [this, events, summary](const Counts& counts) {
            const sigma::BaselineResult& result = counts.baseline;
            m_pane->model()->setBaseline(result.hits, result.eventsConsidered, counts.nearMissChanges);
            QString s = summary + tr(" · %1 of %2 loaded events in the rule's log source")
                                      .arg(result.eventsConsidered)
                                      .arg(events->size());
            if (result.ruleCompiled)
                s += tr(", the whole rule matches %1").arg(result.ruleHits);
            m_pane->setSummary(s);
            Q_EMIT updated();
        });
}

void IndicatorsController::cancelBaseline()
{
    m_baselineDelay.stop();
    if (m_baselineJob.isPending()) {
        m_baselineJob.cancel();
        m_baselineParsed.reset(); // its count never arrives: counted again with the next result
    }
}

void IndicatorsController::selectIndicator(const IndicatorFigures& figures)
{
    RuleDocument* document = m_context->currentDocument();
    const sigma::SourceSpan& span = figures.indicator.span;
    if (!document || !span.valid())
        return;
    RuleEditor* editor = document->editor();
    QTextDocument* doc = editor->document();
    const auto [b, e] = characterRange(doc, span);
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

} // namespace sigmaui
