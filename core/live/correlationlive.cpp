#include "live/correlationlive.h"

#include "live/evaluator.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace sigma {

bool holdsCorrelation(const ParsedFile& parsed)
{
    return std::any_of(parsed.documents.begin(), parsed.documents.end(),
                       [](const Document& d) { return d.correlation() != nullptr; });
}

namespace {
/// Event positions by where they came from (file, index in the file), for the events that hit.
class PositionIndex {
public:
    PositionIndex(const std::vector<Event>& events, const std::vector<std::pair<std::size_t, std::size_t>>& hits)
    {
        for (const auto& [position, rule] : hits)
            m_positions.emplace(Key{events[position].origin.file.get(), events[position].origin.index}, position);
    }
    std::optional<std::size_t> find(const CorrelationEventRef& ref) const
    {
        const auto it = m_positions.find(Key{ref.file.get(), ref.index});
        return it == m_positions.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }

private:
    using Key = std::pair<const std::string*, std::size_t>;
    std::map<Key, std::size_t> m_positions;
};

LiveCorrelationRow rowOf(std::size_t correlation, std::vector<std::pair<std::string, std::string>> group,
                         EventTime start, EventTime end, std::optional<double> value, bool fired,
                         const std::vector<CorrelationEventRef>& events, std::size_t eventCount,
                         const PositionIndex& positions)
{
    LiveCorrelationRow row;
    row.correlation = correlation;
    row.group = std::move(group);
    row.start = start;
    row.end = end;
    row.value = value;
    row.fired = fired;
    row.eventCount = eventCount;
    for (const auto& ref : events)
        if (const auto position = positions.find(ref))
            row.events.emplace_back(*position, ref.rule);
    std::sort(row.events.begin(), row.events.end());
    row.events.erase(std::unique(row.events.begin(), row.events.end()), row.events.end());
    return row;
}
} // namespace

bool evaluateCorrelationsLive(const ParsedFile& parsed, const std::vector<Event>& events,
                              const LiveCorrelationOptions& options, LiveCorrelation& out,
                              std::vector<Verdict>& verdicts)
{
    CorrelationUnitResult compiled = compileCorrelationUnit({parsed}, options.compile);
    out.unit = compiled.unit;
    out.diagnostics = std::move(compiled.diagnostics);
    const CorrelationUnit& unit = *out.unit;
    const std::size_t n = events.size();
    verdicts.assign(n, Verdict::Unknown);

    // Every base rule over the events as the single-rule live path does it (scope rows and search
    // outcomes of the previous version of the same rule reused), then their union with the filters.
    using Clock = std::chrono::steady_clock;
    const auto msSince = [](Clock::time_point t) {
        return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    };
    auto t0 = Clock::now();
    const auto& rules = unit.rules();
    out.ruleVerdicts.clear();
    for (const UnitRule& r : rules) {
        const Rule& rule = r.rule->rule();
        std::string identity = !rule.id.empty() ? rule.id : !rule.name.empty() ? rule.name : rule.title;
        const EventVerdicts* previous = nullptr;
        if (options.previous)
            for (const auto& [key, earlier] : options.previous->ruleVerdicts)
                if (key == identity && earlier)
                    previous = earlier.get();
        EvaluateOptions evaluate;
        evaluate.previous = previous;
        evaluate.sameEvents = options.sameEvents;
        evaluate.stop = options.stop;
        auto own = std::make_shared<EventVerdicts>();
        if (!evaluateEvents(*r.rule, events, evaluate, *own))
            return false;
        out.ruleVerdicts.emplace_back(std::move(identity), std::move(own));
    }
    out.hits.clear();
    for (std::size_t i = 0; i < n; ++i) {
        Verdict v = Verdict::OutOfScope;
        for (std::size_t r = 0; r < rules.size(); ++r) {
            const Verdict rv = out.ruleVerdicts[r].second->verdicts[i];
            if (rv == Verdict::Match && (rules[r].filters.empty() || unit.passesFilters(events[i], r))) {
                out.hits.emplace_back(i, r);
                v = Verdict::Match;
            } else if (rv != Verdict::OutOfScope && v == Verdict::OutOfScope) {
                v = Verdict::NoMatch;
            }
        }
        verdicts[i] = v;
    }

    out.rulesMs = msSince(t0);
    t0 = Clock::now();
    // The correlations over the hits (sorted by time inside the evaluator).
    CorrelationOptions co;
    co.maxEvents = options.maxEvents;
    co.nearMisses = true;
    CorrelationEvaluator evaluator(out.unit, co);
    std::vector<std::size_t> matched;
    for (std::size_t h = 0; h < out.hits.size();) {
        const std::size_t position = out.hits[h].first;
        matched.clear();
        for (; h < out.hits.size() && out.hits[h].first == position; ++h)
            matched.push_back(out.hits[h].second);
        evaluator.add(events[position], matched);
    }
    if (options.stop && options.stop())
        return false;
    CorrelationReport report = evaluator.finish();
    out.untimed = report.untimedCount;

    out.correlateMs = msSince(t0);
    t0 = Clock::now();
    const PositionIndex positions(events, out.hits);
    out.rows.clear();
    for (std::size_t ci = 0; ci < unit.correlations().size(); ++ci) {
        for (const auto& r : report.results)
            if (r.correlation == ci)
                out.rows.push_back(
                    rowOf(ci, r.group, r.start, r.end, r.value, true, r.events, r.eventCount, positions));
        for (auto& m : report.nearMisses)
            if (m.correlation == ci)
                out.rows.push_back(rowOf(ci, std::move(m.group), m.window.start, m.window.end, m.window.value, false,
                                         m.window.events, m.window.eventCount, positions));
    }
    out.rowsMs = msSince(t0);
    return true;
}

} // namespace sigma
