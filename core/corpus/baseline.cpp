#include "corpus/baseline.h"

#include "corpus/corpus.h"
#include "engine/engine.h"
#include "live/evaluator.h"
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
    co.translateSecurity5156 = options.translateSecurity5156;
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

    // The rule's scope and verdict per event, as the live evaluation computes them.
    ParallelOptions parallel;
    parallel.threads = events.size() < 4096 ? 1 : options.threads; // small sets: one thread
    parallel.grain = 1024;
    parallel.cancel = options.cancel;
    parallel.lowPriority = options.lowPriority;
    EventVerdicts verdicts;
    if (compiled.rule) {
        EvaluateOptions evaluate;
        evaluate.threads = parallel.threads;
        evaluate.cancel = options.cancel;
        evaluate.lowPriority = options.lowPriority;
        evaluate.searchCache = false;                               // one version of the rule: nothing to keep
        evaluateEvents(*compiled.rule, events, evaluate, verdicts); // cancelled: counts so far
        for (const Verdict v : verdicts.verdicts) {
            result.ruleHits += v == Verdict::Match;
            result.eventsConsidered += v == Verdict::Match || v == Verdict::NoMatch;
        }
    }

    // Each indicator on its own, over the events in scope. Without a compiled rule there is no
    // scope to apply: every event is considered.
    struct Counts {
        std::vector<std::size_t> hits;
        std::size_t considered = 0;
    };
    std::vector<Counts> parts(parallelSlots(events.size(), parallel));
    for (auto& p : parts)
        p.hits.assign(matchers.size(), 0);
    const ParallelRun run = parallelFor(
        events.size(),
        [&](std::size_t begin, std::size_t end, unsigned worker) {
            Counts& c = parts[worker];
            for (std::size_t e = begin; e < end; ++e) {
                const Event& event = events[e];
                const int row = compiled.rule ? verdicts.scopeRows[e] : 0;
                if (row < 0 || (compiled.rule && verdicts.verdicts[e] == Verdict::Unknown))
                    continue;
                ++c.considered;
                // The indicators see the event as the rule does: Security 4688 as Sysmon 1, ...
                const std::optional<Event> translated =
                    compiled.rule ? compiled.rule->translatedForRow(event, row) : std::nullopt;
                const Event& seen = translated ? *translated : event;
                for (std::size_t i = 0; i < matchers.size(); ++i)
                    if (matchers[i] && matchers[i]->matches(seen))
                        ++c.hits[i];
            }
        },
        parallel);
    if (!run.error.empty())
        result.diagnostics.push_back(
            Diagnostic{Severity::Error, "internal-error", "counting stopped: " + run.error, file, {}});
    for (const auto& p : parts) {
        if (!compiled.rule)
            result.eventsConsidered += p.considered;
        for (std::size_t i = 0; i < p.hits.size(); ++i)
            result.hits[i] += p.hits[i];
    }
    return result;
}

} // namespace sigma
