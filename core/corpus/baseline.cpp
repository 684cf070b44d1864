#include "corpus/baseline.h"

#include "corpus/corpus.h"
#include "engine/engine.h"

#include <memory>

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

    for (const auto& event : events) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed))
            break;
        // Without a compiled rule there is no scope to apply: every event is considered.
        if (compiled.rule && !compiled.rule->inScope(event))
            continue;
        ++result.eventsConsidered;
        if (compiled.rule && compiled.rule->matches(event))
            ++result.ruleHits;
        for (std::size_t i = 0; i < matchers.size(); ++i)
            if (matchers[i] && matchers[i]->matches(event))
                ++result.hits[i];
    }
    return result;
}

} // namespace sigma
