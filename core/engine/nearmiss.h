#pragma once

// Near misses: events of a rule's log source that the rule does not match, but would if exactly
// one of its decisions went the other way. The decisions are the leaves of the condition as the
// engine evaluates it:
//   - a field item (`Image|endswith: [...]`: the whole value list is one decision),
//   - a keyword list (a search identifier that is a list of values),
//   - a search identifier under `not` (a filter): the whole filter is one decision.
// An event is a near miss when it is in scope, not matched, and flipping one such decision alone
// would make the condition true. The answer is read off one explanation of the event (every
// predicate evaluated once, no short-circuit); nothing is matched again (docs/near-misses.md).
//
//   const sigma::NearMiss nm = sigma::findNearMiss(*compiled, event);
//   if (nm.isNearMiss()) nm.predicates.front() ... // the decision that failed

#include "engine/engine.h"
#include "events/eventlist.h"

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sigma {

/// One decision that, flipped alone, would make the rule match the event.
struct NearMissPredicate {
    enum class Kind {
        Item,     ///< a field item that did not match
        Keywords, ///< a keyword list that did not match
        Filter,   ///< a search identifier under `not` that matched (it vetoed the event)
    };
    Kind kind = Kind::Item;
    std::string selection;                 ///< the search identifier's name
    std::string label;                     ///< Item/Keywords: "Image|endswith"; Filter: the identifier
    std::string field;                     ///< Item: the field as written (empty otherwise)
    std::vector<std::string> ruleValues;   ///< Item/Keywords: the values as written in the rule
    SourceSpan span;                       ///< the item (or the filter's definition) in the rule
    Outcome outcome = Outcome::NotMatched; ///< the decision's outcome on the event
    std::optional<std::string> eventValue; ///< Item: the event's value (nullopt: the field is absent)
    std::string eventField;                ///< Item: the event field the value came from
    /// Filter: the items of the filter that matched the event, with the event's values.
    std::vector<NearMissPredicate> vetoItems;
    std::size_t searchIndex = SIZE_MAX, mapIndex = SIZE_MAX, itemIndex = SIZE_MAX;
};

struct NearMiss {
    /// Every single decision whose flip alone would make the rule match (several when the rule
    /// has alternatives, e.g. two selections each one item short); empty: not a near miss.
    std::vector<NearMissPredicate> predicates;
    bool isNearMiss() const { return !predicates.empty(); }
};

/// The near miss of an explanation made with ExplainOptions::shortCircuit off (with skipped
/// nodes the answer may be incomplete). Out of scope, matched, or an evaluation error: none.
NearMiss findNearMiss(const Explanation& explanation);
/// Explains `event` (every predicate evaluated once) and finds its near miss.
NearMiss findNearMiss(const CompiledRule& rule, const Event& event);

struct NearMissListOptions {
    const std::atomic<bool>* cancel = nullptr;
    /// Called with the events done and the total; false stops.
    std::function<bool(std::size_t done, std::size_t total)> progress;
    bool lowPriority = false; ///< see ParallelOptions::lowPriority
};

struct ParallelOptions; // util/parallel.h
/// How a pass over events for near misses runs in parallel (findNearMisses, nearMissImpact).
ParallelOptions parallelOptionsOf(const NearMissListOptions& options);

/// findNearMiss() of events[indices[i]] for every i, on the cores of the process-wide budget
/// (give the indices of the events in scope and not matched). Returns one entry per index; when
/// stopped early, `complete` (if given) is set false and entries not reached are empty.
std::vector<NearMiss> findNearMisses(const CompiledRule& rule, const EventList& events,
                                     const std::vector<std::size_t>& indices, const NearMissListOptions& options = {},
                                     bool* complete = nullptr);

/// Where a value is in the rule: Rule::detection[search].maps[map].items[item].values[value].
struct ValueRef {
    std::size_t search = 0, map = 0, item = 0, value = 0;
    auto operator<=>(const ValueRef&) const = default;
};

/// The condition's verdict on the explained event, read off the outcomes of its field items,
/// keyword lists and (under `not`) search identifiers: what the tree's nodes say, decided again
/// (false when out of scope). For explanations whose outcomes were edited (nearMissChangesWithout).
bool verdictOf(const Explanation& explanation);

/// Whether removing `value` from the rule would change whether the explained event is a near miss
/// (it would become one, or stop being one: match, or fail by two decisions). Read off the
/// explanation (made with ExplainOptions::shortCircuit off): the value's node is taken out, its
/// item, map and search identifier are decided again from their other children, and the near miss
/// of that tree is compared with the event's. Nothing is matched again. Removing an item's only
/// value removes the item.
bool nearMissChangesWithout(const Explanation& explanation, const ValueRef& value);

/// For each value of the rule, how many of events[indices] (give the events in scope) would change
/// their near-miss status if it were removed; values that change none are not listed. One
/// explanation per event, on the cores of the process-wide budget; `complete` as findNearMisses.
std::map<ValueRef, std::size_t> nearMissImpact(const CompiledRule& rule, const EventList& events,
                                               const std::vector<std::size_t>& indices,
                                               const NearMissListOptions& options = {}, bool* complete = nullptr);

/// "Image|endswith: event 'C:\x\a.exe' vs rule '\b.exe'": one line for a list or a tooltip.
std::string describeNearMiss(const NearMissPredicate& predicate);

} // namespace sigma
