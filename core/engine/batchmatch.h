#pragma once

// Matching a batch of events against a rule set over the cores: the streaming consumer of
// `sigmawb match` (readers hand over batches, see ReadOptions::onBatch) and of the benchmarks.
//
//   sigma::ReadOptions read;
//   read.onBatch = [&](std::vector<sigma::Event>& batch) {
//       for (const sigma::BatchHit& hit : sigma::matchBatch(set, batch).hits)
//           report(batch[hit.event], *set.at(hit.rule));
//       return true;
//   };
//   sigma::readEventsFile(path, read);

#include "engine/engine.h"
#include "events/event.h"
#include "util/parallel.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace sigma {

/// One match: the event's position in the batch and the rule's index in the set.
struct BatchHit {
    std::size_t event = 0;
    std::size_t rule = 0;
};

struct BatchMatch {
    std::vector<BatchHit> hits; ///< ordered by event, then rule (deterministic whatever the threads)
    bool complete = true;       ///< false: a worker stopped (see error), the hits are partial
    std::string error;
};

/// Every (event, rule) match of `events`, the events split over up to `threads` threads
/// (util/parallel.h; 0: all cores) in claims of `grain` events.
BatchMatch matchBatch(const RuleSet& set, std::span<const Event> events, unsigned threads = 0, std::size_t grain = 256);

} // namespace sigma
