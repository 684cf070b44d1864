#include "live/correlationlive.h"

#include "live/evaluator.h"
#include "util/parallel.h"

#include <algorithm>
#include <map>
#include <mutex>

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

    // Every base rule over the events, on the cores: per block, its hits in event order.
    ParallelOptions parallel;
    parallel.grain = 2048;
    if (options.stop)
        parallel.progress = [&options](std::size_t, std::size_t) { return !options.stop(); };
    std::map<std::size_t, std::vector<std::pair<std::size_t, std::size_t>>> blocks;
    std::mutex blocksMutex;
    const ParallelRun run = parallelFor(
        n,
        [&](std::size_t begin, std::size_t end, unsigned) {
            std::vector<std::pair<std::size_t, std::size_t>> hits;
            std::vector<std::size_t> matched;
            for (std::size_t i = begin; i < end; ++i) {
                const Event& e = events[i];
                unit.match(e, matched);
                for (const std::size_t r : matched)
                    hits.emplace_back(i, r);
                bool inScope = !matched.empty();
                for (std::size_t r = 0; !inScope && r < unit.rules().size(); ++r)
                    inScope = unit.rules()[r].rule->scopeRow(e) >= 0;
                verdicts[i] = !matched.empty() ? Verdict::Match : inScope ? Verdict::NoMatch : Verdict::OutOfScope;
            }
            std::lock_guard lock(blocksMutex);
            blocks.emplace(begin, std::move(hits));
        },
        parallel);
    if (!run.complete())
        return false;
    out.hits.clear();
    for (auto& [begin, hits] : blocks)
        out.hits.insert(out.hits.end(), hits.begin(), hits.end());

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
    return true;
}

} // namespace sigma
