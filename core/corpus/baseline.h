#pragma once

// Baseline noise: how many events of a loaded event set each indicator of a rule matches on its
// own, and how many the whole rule matches.

#include "corpus/indicator.h"
#include "events/eventlist.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace sigma {

struct BaselineOptions {
    /// Only count events of the rule's log source (as the engine scopes it). When false every
    /// event is tried, which shows how an indicator would fare without the log-source filter.
    bool scopeToLogSource = true;
    /// Read Security 5156 as network connections, as the engine does with
    /// CompileOptions::translateSecurity5156 (the workbench's switch, the CLI's --translate-5156).
    bool translateSecurity5156 = false;
    const std::atomic<bool>* cancel = nullptr;
    /// Worker threads for large event sets (0: hardware concurrency; small sets use one).
    unsigned threads = 0;
    /// Count on threads of lower scheduling priority (Linux: nice +10, each on its own thread,
    /// the caller's thread is left as it is), so that a background count yields the cores to
    /// interactive work (the workbench's live evaluation).
    bool lowPriority = false;
};

struct BaselineResult {
    std::vector<Indicator> indicators; ///< ruleIndicators(rule)
    std::vector<std::size_t> hits;     ///< parallel to indicators: events the value alone matches
    std::size_t ruleHits = 0;          ///< events the whole rule matches
    std::size_t eventsConsidered = 0;  ///< events in scope
    bool ruleCompiled = false;
    Diagnostics diagnostics; ///< compile problems, naming the rule file and line
};

BaselineResult baselineNoise(const Rule& rule, const std::string& file, const EventList& events,
                             const BaselineOptions& options = {});

/// The same counts over events that come in batches (a stream of files, see events/eventstream.h):
/// memory is bounded by the batch, whatever the number of events.
class BaselineCounter {
public:
    BaselineCounter(const Rule& rule, const std::string& file, const BaselineOptions& options = {});
    ~BaselineCounter();
    BaselineCounter(const BaselineCounter&) = delete;
    BaselineCounter& operator=(const BaselineCounter&) = delete;

    /// Counts a batch; false once cancelled (the counts so far are kept).
    bool add(const std::vector<Event>& events);
    bool add(const EventList& events);
    /// The counts of every batch added.
    BaselineResult take();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sigma
