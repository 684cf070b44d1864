#include "engine/batchmatch.h"

#include <algorithm>

namespace sigma {

BatchMatch matchBatch(const RuleSet& set, std::span<const Event> events, unsigned threads, std::size_t grain)
{
    BatchMatch result;
    ParallelOptions parallel;
    parallel.threads = threads;
    parallel.grain = std::max<std::size_t>(grain, 1);
    // Each worker keeps its own hits; claims are merged in event order below.
    std::vector<std::vector<BatchHit>> perWorker(parallelSlots(events.size(), parallel));
    const ParallelRun run = parallelFor(
        events.size(),
        [&](std::size_t begin, std::size_t end, unsigned worker) {
            std::vector<std::size_t> matched;
            auto& out = perWorker[worker];
            for (std::size_t i = begin; i < end; ++i) {
                set.match(events[i], matched);
                for (auto r : matched)
                    out.push_back(BatchHit{i, r});
            }
        },
        parallel);
    result.complete = run.complete();
    result.error = run.error;
    std::size_t total = 0;
    for (const auto& v : perWorker)
        total += v.size();
    result.hits.reserve(total);
    for (auto& v : perWorker)
        result.hits.insert(result.hits.end(), v.begin(), v.end());
    std::sort(result.hits.begin(), result.hits.end(), [](const BatchHit& a, const BatchHit& b) {
        return a.event != b.event ? a.event < b.event : a.rule < b.rule;
    });
    return result;
}

} // namespace sigma
