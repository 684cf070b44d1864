#include "corpus/baseline.h"

#include "corpus/corpus.h"
#include "engine/engine.h"
#include "util/parallel.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

namespace sigma {

BaselineResult baselineNoise(const Rule& rule, const std::string& file, const std::vector<Event>& events,
                             const BaselineOptions& options)
{
    BaselineResult result;
    result.indicators = ruleIndicators(rule);
    result.hits.assign(result.indicators.size(), 0);

    CompileOptions co;
    co.scopeByLogSource = options.scopeToLogSource;
    auto compiled = compileRule(rule, file, co);
    result.diagnostics = compiled.diagnostics;
    result.ruleCompiled = compiled.rule != nullptr;

    std::vector<std::shared_ptr<const CompiledIndicator>> matchers(result.indicators.size());
    for (std::size_t i = 0; i < result.indicators.size(); ++i) {
        const auto& ind = result.indicators[i];
        const auto& item = rule.detection[ind.searchIndex].maps[ind.mapIndex].items[ind.itemIndex];
        auto r = compileIndicator(item, ind.valueIndex, file, co);
        matchers[i] = r.indicator;
        if (!r.indicator)
            result.diagnostics.insert(result.diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
    }

    struct Counts {
        std::vector<std::size_t> hits;
        std::size_t ruleHits = 0;
        std::size_t considered = 0;
    };
    auto count = [&](std::size_t begin, std::size_t end, Counts& c) {
        for (std::size_t e = begin; e < end; ++e) {
            const Event& event = events[e];
            // Without a compiled rule there is no scope to apply: every event is considered.
            const int row = compiled.rule ? compiled.rule->scopeRow(event) : 0;
            if (row < 0)
                continue;
            ++c.considered;
            if (compiled.rule && compiled.rule->matchesInRow(event, row))
                ++c.ruleHits;
            // The indicators see the event as the rule does: Security 4688 as Sysmon 1, ...
            const std::optional<Event> translated =
                compiled.rule ? compiled.rule->translatedForRow(event, row) : std::nullopt;
            const Event& seen = translated ? *translated : event;
            for (std::size_t i = 0; i < matchers.size(); ++i)
                if (matchers[i] && matchers[i]->matches(seen))
                    ++c.hits[i];
        }
    };
    // Small sets are counted on one thread; large ones in blocks over the cores.
    ParallelOptions parallel;
    parallel.threads = events.size() < 4096 ? 1 : options.threads;
    parallel.grain = 1024;
    parallel.cancel = options.cancel;
    parallel.lowPriority = options.lowPriority;
    std::vector<Counts> parts(parallelSlots(events.size(), parallel));
    for (auto& p : parts)
        p.hits.assign(matchers.size(), 0);
    const ParallelRun run = parallelFor(
        events.size(), [&](std::size_t begin, std::size_t end, unsigned worker) { count(begin, end, parts[worker]); },
        parallel);
    if (!run.error.empty())
        result.diagnostics.push_back(
            Diagnostic{Severity::Error, "internal-error", "counting stopped: " + run.error, file, {}});
    for (const auto& p : parts) {
        result.eventsConsidered += p.considered;
        result.ruleHits += p.ruleHits;
        for (std::size_t i = 0; i < p.hits.size(); ++i)
            result.hits[i] += p.hits[i];
    }
    return result;
}

} // namespace sigma
