#include "live/evaluator.h"

#include "util/parallel.h"

#include <chrono>
#include <map>

namespace sigma {

namespace {
double msSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Security 5156 events in scope through a translating row (one translatedForRow() per row).
std::size_t countTranslated5156(const CompiledRule& rule, const EventList& events,
                                const std::vector<std::int16_t>& rows)
{
    std::map<int, bool> translates;
    std::size_t count = 0;
    for (std::size_t i = 0; i < events.size() && i < rows.size(); ++i) {
        const Event& e = events[i];
        if (rows[i] < 0 || e.eventId() != "5156" || e.provider() != "Microsoft-Windows-Security-Auditing")
            continue;
        auto it = translates.find(rows[i]);
        if (it == translates.end())
            it = translates.emplace(rows[i], rule.translatedForRow(e, rows[i]).has_value()).first;
        count += it->second ? 1 : 0;
    }
    return count;
}
} // namespace

std::string scopeKeyOf(const Rule& rule)
{
    const LogSource& l = rule.logsource;
    std::string key;
    key.reserve(l.category.size() + l.product.size() + l.service.size() + l.definition.size() + 4);
    for (const std::string* part : {&l.category, &l.product, &l.service, &l.definition}) {
        key += *part;
        key += '\0';
    }
    return key;
}

bool evaluateEvents(const CompiledRule& rule, const EventList& events, const EvaluateOptions& options,
                    EventVerdicts& out)
{
    const std::size_t n = events.size();
    out.verdicts.assign(n, Verdict::Unknown);
    out.matches = out.inScope = out.translated5156 = 0;
    // Editing the detection leaves each event's scope as it was: take it from the previous
    // verdicts rather than asking the log-source table again for every event.
    out.scopeKey = scopeKeyOf(rule.rule());
    const EventVerdicts* previous = options.previous;
    const bool reuse =
        previous && options.sameEvents && previous->scopeRows.size() == n && previous->scopeKey == out.scopeKey;
    const std::vector<std::int16_t>* rows = reuse ? &previous->scopeRows : nullptr;
    out.scopeReused = reuse;
    std::vector<std::int16_t> scopeRows(n, -1);
    std::shared_ptr<SearchCache> cache;
    if (options.searchCache)
        cache = rule.prepareSearchCache(n, reuse && previous->searchCache ? previous->searchCache.get() : nullptr);

    // Blocks of events over the cores (within the process-wide thread budget); a stale
    // evaluation stops between blocks.
    ParallelOptions parallel;
    parallel.threads = options.threads;
    parallel.grain = 1024;
    parallel.cancel = options.cancel;
    parallel.lowPriority = options.lowPriority;
    if (options.stop)
        parallel.progress = [&options](std::size_t, std::size_t) { return !options.stop(); };
    const ParallelRun run = parallelFor(
        n,
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i) {
                const Event& e = events[i];
                // The row matters beyond in/out: Security 4688 (and 5156 when asked) are read
                // through the row's translation, as `sigmawb match` does.
                const int row = rows ? (*rows)[i] : rule.scopeRow(e);
                scopeRows[i] = static_cast<std::int16_t>(row);
                const bool match =
                    row >= 0 && (cache ? rule.matchesInRowCached(e, row, i, *cache) : rule.matchesInRow(e, row));
                out.verdicts[i] = row < 0 ? Verdict::OutOfScope : match ? Verdict::Match : Verdict::NoMatch;
            }
        },
        parallel);
    out.scopeRows = std::move(scopeRows);
    out.searchCache = std::move(cache);
    if (!run.complete())
        return false;
    for (const Verdict v : out.verdicts) {
        out.matches += v == Verdict::Match;
        out.inScope += v != Verdict::OutOfScope;
    }
    if (options.count5156)
        out.translated5156 = countTranslated5156(rule, events, out.scopeRows);
    return true;
}

bool evaluateLive(const LiveRequest& request, LiveResult& out)
{
    const auto start = std::chrono::steady_clock::now();
    AnalysisOptions analysis;
    analysis.compile = request.options;
    static_cast<RuleAnalysis&>(out) = analyzeRuleText(request.text, request.file, analysis);
    out.events = request.events;
    out.parseMs = msSince(start);
    if (request.stop && request.stop())
        return false;
    // A file of correlations is evaluated even without a rule of its own (its base rules may be in
    // sibling files) and without events (the unit's reference errors are the text's problems).
    const bool correlations = out.parsed && holdsCorrelation(*out.parsed) && !hasErrors(out.parsed->diagnostics) &&
                              (out.compiled || !out.parsed->firstRule());
    if (!correlations && (!out.compiled || !request.events || request.events->empty()))
        return true;
    const auto evaluation = std::chrono::steady_clock::now();
    if (correlations) {
        static const EventList noEvents;
        const EventList& events = request.events ? *request.events : noEvents;
        // Every base rule and the correlations; the first rule's scope cache does not apply.
        auto correlation = std::make_shared<LiveCorrelation>();
        LiveCorrelationOptions options;
        options.compile = request.options;
        options.stop = request.stop;
        if (request.previous && request.previous->correlation) {
            options.previous = request.previous->correlation.get();
            options.sameEvents = request.previous->events == request.events;
        }
        if (!evaluateCorrelationsLive(*out.parsed, events, options, *correlation, out.verdicts))
            return false;
        if (!out.parsed->firstRule()) {
            // Only correlations: the first base rule (from a sibling file) stands for the file where
            // one rule is needed (an event's explanation); the unit's errors are the text's.
            const auto& rules = correlation->unit->rules();
            if (!rules.empty())
                out.compiled = rules.front().rule;
            for (const auto& d : correlation->diagnostics)
                if (d.severity == Severity::Error && d.file == request.file)
                    out.diagnostics.push_back(d);
        }
        out.scopeRows.clear();
        out.searchCache.reset();
        out.scopeKey.clear();
        out.scopeReused = false;
        out.matches = out.inScope = out.translated5156 = 0;
        for (const Verdict v : out.verdicts) {
            out.matches += v == Verdict::Match;
            out.inScope += v != Verdict::OutOfScope;
        }
        out.correlation = std::move(correlation);
        out.evaluateMs = msSince(evaluation);
        return true;
    }
    const LiveResult* previous = request.previous.get();
    EvaluateOptions options;
    if (previous && previous->ok()) {
        options.previous = previous;
        options.sameEvents = previous->events == request.events;
    }
    options.stop = request.stop;
    options.count5156 = request.options.translateSecurity5156;
    if (!evaluateEvents(*out.compiled, *request.events, options, out))
        return false;
    out.evaluateMs = msSince(evaluation);
    return true;
}

IncrementalEvaluator::IncrementalEvaluator(CompileOptions options)
    : m_options(std::move(options))
{}

void IncrementalEvaluator::setOptions(const CompileOptions& options)
{
    std::lock_guard lock(m_mutex);
    m_options = options;
    m_previous.reset(); // its scope was computed with the old options
    ++m_epoch;
}

CompileOptions IncrementalEvaluator::options() const
{
    std::lock_guard lock(m_mutex);
    return m_options;
}

void IncrementalEvaluator::setEvents(EventListPtr events)
{
    std::lock_guard lock(m_mutex);
    m_events = std::move(events);
    ++m_epoch;
}

EventListPtr IncrementalEvaluator::events() const
{
    std::lock_guard lock(m_mutex);
    return m_events;
}

std::uint64_t IncrementalEvaluator::newTicket()
{
    return ++m_ticket;
}

std::shared_ptr<const LiveResult> IncrementalEvaluator::reuseSource() const
{
    std::lock_guard lock(m_mutex);
    return m_previous;
}

bool IncrementalEvaluator::evaluate(const std::string& text, const std::string& file, std::uint64_t ticket,
                                    const std::shared_ptr<LiveResult>& out)
{
    LiveRequest request;
    std::uint64_t epoch = 0;
    {
        std::lock_guard lock(m_mutex);
        request.events = m_events;
        request.options = m_options;
        request.previous = m_previous;
        epoch = m_epoch;
    }
    request.text = text;
    request.file = file;
    request.stop = [this, ticket] { return isStale(ticket); };
    if (!evaluateLive(request, *out) || isStale(ticket))
        return false;
    if (out->ok() && !out->verdicts.empty()) {
        std::lock_guard lock(m_mutex);
        if (epoch == m_epoch)
            m_previous = out;
    }
    return true;
}

std::shared_ptr<const LiveResult> IncrementalEvaluator::evaluate(const std::string& text, const std::string& file)
{
    auto out = std::make_shared<LiveResult>();
    if (!evaluate(text, file, newTicket(), out))
        return nullptr;
    return out;
}

} // namespace sigma
