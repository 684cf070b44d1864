#pragma once

// The open window of one correlation group (internal to core/correlation): the hits it holds and
// the running aggregates the condition reads (counts per rule, distinct values, sum, the rules
// found in order). CorrelationEvaluator (evaluator.cpp) feeds and closes the windows.

#include "correlation/correlation.h"

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sigma::correlationwindow {

/// One base-rule match (or one result of a referenced correlation) as a correlation reads it. Kept
/// small: it is moved into the sort and the windows, one per hit (the live pane's hot path).
struct Hit {
    EventTime time = 0;
    std::uint64_t seq = 0; ///< arrival order: ties in time keep it
    std::uint32_t input = 0;
    std::uint32_t file = 0; ///< base hit: index into the evaluator's file list
    std::uint32_t rule = 0; ///< base hit: the rule it matched
    bool hasValue = false;  ///< condition.field present (all of its fields, for a list)
    double number = 0;      ///< value_sum/avg/percentile: condition.field as a number (hasValue)
    std::string group;      ///< the group-by values, each followed by kSeparator: the group's key
    std::string value;      ///< value_count: condition.field's value (a tuple: joined by kSeparator)
    std::size_t index = 0;  ///< base hit: the event's index in its file
    std::size_t position = CorrelationEventRef::npos;
    std::optional<std::uint64_t> recordId;
    std::shared_ptr<const CorrelationResult> inner; ///< chained: the inner result
};

inline bool laterThan(const Hit& a, const Hit& b) // heap order: earliest on top
{
    if (a.time != b.time)
        return a.time > b.time;
    if (a.seq != b.seq)
        return a.seq > b.seq;
    return a.input > b.input;
}

struct GroupState {
    std::vector<std::string> values; ///< the group-by values
    std::deque<Hit> hits;
    std::map<std::string, std::size_t> distinct;
    std::vector<std::size_t> perInput;
    double sum = 0;
    std::size_t numeric = 0;
    std::size_t eventCount = 0;
    /// temporal_ordered: the rules found in order by the greedy scan of `hits`, kept as hits are
    /// appended (the scan of the longer window continues where it stopped); rescanned after a hit
    /// leaves the front.
    std::size_t ordered = 0;
    bool orderedValid = true;

    void clear()
    {
        hits.clear();
        distinct.clear();
        std::fill(perInput.begin(), perInput.end(), 0);
        sum = 0;
        numeric = 0;
        eventCount = 0;
        ordered = 0;
        orderedValid = true;
    }

    /// A hit joins the window (at its end: hits arrive in time order).
    void add(const CompiledCorrelation& c, Hit&& h);
    /// The earliest hit leaves the window.
    void popFront(const CompiledCorrelation& c);
    /// The window's value and, for temporal_ordered, how many rules were found in order (`found`).
    std::optional<double> value(const CompiledCorrelation& c, std::size_t& found);
};

struct CorrState {
    std::unordered_map<std::string, GroupState> groups;
    std::vector<Hit> pending; ///< heap (laterThan) when streaming; arrival order in batch
    EventTime lastFed = std::numeric_limits<EventTime>::min();
    EventTime lastSweep = std::numeric_limits<EventTime>::min();
};

} // namespace sigma::correlationwindow
