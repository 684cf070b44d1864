#include "corpus/baseline.h"

#include "corpus/corpus.h"
#include "engine/engine.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sigma {

namespace {
/// Nice +10 for the calling thread only (Linux applies nice per thread); elsewhere nothing.
void lowerThisThreadsPriority()
{
#if defined(__linux__)
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    (void)::setpriority(PRIO_PROCESS, tid, 10);
#endif
}
} // namespace

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

    struct Counts {
        std::vector<std::size_t> hits;
        std::size_t ruleHits = 0;
        std::size_t considered = 0;
    };
    auto count = [&](std::size_t begin, std::size_t end, Counts& c) {
        c.hits.assign(matchers.size(), 0);
        for (std::size_t e = begin; e < end; ++e) {
            if (((e - begin) & 255) == 0 && options.cancel && options.cancel->load(std::memory_order_relaxed))
                break;
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
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    if (events.size() < 4096)
        threads = 1;
    std::vector<Counts> parts(threads);
    std::vector<std::thread> pool;
    const std::size_t chunk = (events.size() + threads - 1) / threads;
    auto part = [&](unsigned t) {
        if (options.lowPriority)
            lowerThisThreadsPriority();
        count(std::min(events.size(), t * chunk), std::min(events.size(), (t + 1) * chunk), parts[t]);
    };
    // With lowPriority every part runs on a thread of its own: the priority stays with the thread.
    for (unsigned t = options.lowPriority ? 0 : 1; t < threads; ++t)
        pool.emplace_back(part, t);
    if (!options.lowPriority)
        count(0, std::min(events.size(), chunk), parts[0]);
    for (auto& th : pool)
        th.join();
    for (const auto& p : parts) {
        result.eventsConsidered += p.considered;
        result.ruleHits += p.ruleHits;
        for (std::size_t i = 0; i < p.hits.size(); ++i)
            result.hits[i] += p.hits[i];
    }
    return result;
}

} // namespace sigma
