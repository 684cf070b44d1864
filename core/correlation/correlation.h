#pragma once

// Correlation rules and filters (Sigma specification v2.1, pySigma where it is silent), evaluated.
//
// A set of parsed documents (rules, correlations, filters, from any number of files) is compiled
// into one CorrelationUnit: every rule compiled once, each filter attached to the rules it names
// (by id or name) so that a filtered event no longer matches them, each correlation's `rules`
// resolved (base rules and other correlations: chains) and its `aliases` applied to its group-by.
//
// A CorrelationEvaluator then takes events (or the base rules they matched) one by one and keeps,
// per correlation and per group, only the base-rule hits of the open window (never the events):
//
//   auto unit = sigma::compileCorrelationUnit(parsedFiles, compileOptions);
//   sigma::CorrelationEvaluator eval(unit.unit, {});
//   for (const auto& e : events) eval.add(e);
//   sigma::CorrelationReport report = eval.finish();
//
// Windows slide over event time (TimeCreated_SystemTime as the readers normalise it); see
// docs/correlations.md for the window definition, the order of ties and the memory bound.

#include "engine/engine.h"
#include "events/event.h"
#include "events/fieldname.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma {

/// Microseconds since 1970-01-01T00:00:00Z.
using EventTime = std::int64_t;

/// Parses "YYYY-MM-DDTHH:MM:SS[.f...][Z|+00:00]" (the form TimeCreated_SystemTime is normalised to,
/// also with a space instead of 'T'); nullopt for anything else.
std::optional<EventTime> parseEventTime(std::string_view text);
/// "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string formatEventTime(EventTime time);

enum class CorrelationKind {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile, ///< also value_median (pySigma), as the 50th percentile
};

enum class CorrelationOp { Gt, Gte, Lt, Lte, Eq, Neq };

struct CorrelationTerm {
    CorrelationOp op = CorrelationOp::Gte;
    double value = 0;
};

/// One compiled correlation document.
struct CompiledCorrelation {
    Correlation doc; ///< as parsed
    std::string file;
    CorrelationKind kind = CorrelationKind::EventCount;
    double percentile = 50; ///< value_percentile / value_median
    /// One per entry of `rules`, in order: a base rule or another correlation (index into the unit's lists).
    struct Input {
        bool isCorrelation = false;
        std::size_t index = 0;
        std::string reference; ///< as written in `rules`
    };
    std::vector<Input> inputs;
    /// Per input, per group-by field: the event field (or, for a correlation input, its group-by
    /// name) the value is read from, after `aliases`.
    std::vector<std::vector<std::string>> groupFields;
    std::vector<std::vector<FieldNames::Id>> groupKeys; ///< groupFields as interned keys (lookups)
    /// Holds the names of groupKeys and valueKeys while the correlation lives (not for the process:
    /// correlation documents are user input, engine/rulenames.h).
    std::shared_ptr<FieldNameSet> names = std::make_shared<FieldNameSet>();
    /// Per input: the fields of `condition.field` (one; value_count: a list), aliases applied.
    std::vector<std::vector<std::string>> valueFields;
    std::vector<std::vector<FieldNames::Id>> valueKeys; ///< valueFields as interned keys
    std::vector<CorrelationTerm> condition;             ///< all must hold; temporal default: gte number of rules
    EventTime span = 0;                                 ///< timespan in microseconds
    /// The condition can only become true as hits are added (every term gt/gte on a count):
    /// evaluated at each hit on the window ending there, and fires as soon as it holds. Otherwise
    /// evaluated on each window [first hit, first hit + timespan] when it closes.
    bool earlyFire = true;
    /// Reported alone: not referenced by another correlation, or by one with generate: true.
    bool reportAlone = true;
    /// Position in evaluation order (a correlation comes after every correlation it references).
    std::size_t order = 0;
    /// How far behind the newest hit its inputs may arrive (chains of window-close evaluations).
    EventTime delay = 0;

    const std::string& displayId() const { return doc.id.empty() ? doc.name : doc.id; }
    /// "gte 10", "gt 100 and lte 200"
    std::string conditionText() const;
};

/// A rule of the unit and the filters that apply to it.
struct UnitRule {
    std::shared_ptr<const CompiledRule> rule;
    std::vector<std::shared_ptr<const CompiledRule>> filters; ///< each filter's condition; all must hold
    std::vector<std::string> filterTitles;
    /// Reported alone: not referenced by a correlation, or by one with generate: true.
    bool reportAlone = true;
    /// (correlation, input) pairs that read this rule's hits.
    std::vector<std::pair<std::size_t, std::size_t>> consumers;
    int document = -1; ///< Document::index of the rule in its file
};

/// Rules, filters and correlations compiled together. Immutable: share it across threads.
class CorrelationUnit {
public:
    const std::vector<UnitRule>& rules() const { return m_rules; }
    const std::vector<CompiledCorrelation>& correlations() const { return m_correlations; }
    /// Correlations in evaluation order (indices into correlations()).
    const std::vector<std::size_t>& evaluationOrder() const { return m_order; }
    /// The rules (indices into rules(), ascending) that match the event, filters applied.
    void match(const Event& event, std::vector<std::size_t>& out) const;
    /// The rules as one set (indices as in rules()), without the filters: for batch matching
    /// (engine/batchmatch.h), followed by passesFilters() on each hit.
    const RuleSet& ruleSet() const { return m_set; }
    /// The filters of rule `rule` let the event through (true when the rule has none).
    bool passesFilters(const Event& event, std::size_t rule) const;
    /// A correlation by id or name, or nullopt.
    std::optional<std::size_t> findCorrelation(std::string_view idOrName) const;
    /// A rule by id or name, or nullopt.
    std::optional<std::size_t> findRule(std::string_view idOrName) const;

private:
    friend struct CorrelationUnitBuilder;
    std::vector<UnitRule> m_rules;
    std::vector<CompiledCorrelation> m_correlations;
    std::vector<std::size_t> m_order;
    RuleSet m_set; ///< the rules, for matching
};

struct CorrelationUnitResult {
    std::shared_ptr<const CorrelationUnit> unit; ///< never null; documents with errors are left out
    Diagnostics diagnostics;                     ///< parse errors of the files, compile and reference errors
    std::size_t filters = 0;                     ///< filter documents applied
};

/// Compiles every document of the files. A correlation whose references cannot be resolved (or
/// that is part of a cycle) is left out with an error naming the file and line.
CorrelationUnitResult compileCorrelationUnit(const std::vector<ParsedFile>& files, const CompileOptions& options = {});
/// Parses the files (rule/parser.h) then compiles them.
CorrelationUnitResult loadCorrelationUnit(const std::vector<std::string>& paths, const CompileOptions& options = {});

/// Where an event came from, and when.
struct CorrelationEventRef {
    std::shared_ptr<const std::string> file;
    std::size_t index = 0; ///< 1-based, in its file
    std::optional<std::uint64_t> recordId;
    EventTime time = 0;
    std::size_t rule = 0; ///< the base rule (index into CorrelationUnit::rules()) it matched
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    /// The event's position in the caller's list (CorrelationEvaluator::add with a position), else npos.
    std::size_t position = npos;
};

/// One firing of a correlation for one group.
struct CorrelationResult {
    std::size_t correlation = 0;                            ///< index into CorrelationUnit::correlations()
    std::vector<std::pair<std::string, std::string>> group; ///< group-by field -> value ("" when absent)
    EventTime start = 0;                                    ///< the first hit of the window
    EventTime end = 0;                       ///< the hit that made it fire (gt/gte counts), else start + timespan
    EventTime time = 0;                      ///< when it is known to hold: its time as a hit of a chained correlation
    double value = 0;                        ///< the aggregated value compared with the condition
    std::vector<CorrelationEventRef> events; ///< contributing events, at most CorrelationOptions::maxEvents
    std::size_t eventCount = 0;              ///< all contributing events
    /// Hits of the window per input of the correlation (its `rules`, in order).
    std::vector<std::size_t> perInput;
    /// value_count: the distinct values with their counts (at most maxEvents of them); with a list
    /// of fields, each tuple's values joined by ", ".
    std::vector<std::pair<std::string, std::size_t>> distinct;
};

/// One evaluation of a window of the traced group (for explanations).
struct CorrelationTrace {
    EventTime start = 0, end = 0;
    std::optional<double> value; ///< nullopt: nothing to aggregate (no numeric value)
    bool fired = false;
    std::vector<std::size_t> perInput;
    std::size_t orderedFound = 0; ///< temporal_ordered: how many of the rules were found in order
    std::vector<std::pair<std::string, std::size_t>> distinct;
    std::vector<CorrelationEventRef> events; ///< capped like results
    std::size_t eventCount = 0;
};

/// The fullest window of a group that never fired (CorrelationOptions::nearMisses): what the
/// live pane shows for the groups below the threshold.
struct CorrelationNearMiss {
    std::size_t correlation = 0;                            ///< index into CorrelationUnit::correlations()
    std::vector<std::pair<std::string, std::string>> group; ///< as CorrelationResult::group
    CorrelationTrace window; ///< the window with the highest value (the earliest of equal ones)
};

struct CorrelationOptions {
    /// Contributing events kept per result (the count is always exact).
    std::size_t maxEvents = 100;
    /// How far out of time order hits may arrive. nullopt (default): unlimited: the hits (matches
    /// only, not the events) are kept and sorted when finish() is called. A value: hits are
    /// evaluated once they are that much older than the newest hit; an older one is counted as
    /// late and not evaluated (streaming with bounded memory).
    std::optional<EventTime> reorderWindow;
    /// Trace every window evaluation of this correlation for the group with these values (in
    /// group-by order).
    std::optional<std::size_t> traceCorrelation;
    std::vector<std::string> traceGroup;
    std::size_t maxTrace = 1000;
    /// Keep, per correlation and group that never fires, its fullest window (the one with the
    /// highest value, taken when it closes), at most maxNearMisses of them.
    bool nearMisses = false;
    std::size_t maxNearMisses = 1000;
    /// When set, each result is handed over here as it fires (in firing order) instead of being
    /// kept for finish(): a stream's memory then stays the open windows.
    std::function<void(const CorrelationResult&)> onResult;
};

struct CorrelationReport {
    std::vector<CorrelationResult> results; ///< sorted by time, then correlation, then group (none with onResult)
    /// Base-rule matches of referenced rules whose event has no usable time: not evaluated.
    std::vector<CorrelationEventRef> untimed; ///< at most maxEvents
    std::size_t untimedCount = 0;
    std::size_t lateHits = 0; ///< hits older than reorderWindow allowed (streaming only)
    std::size_t hits = 0;     ///< base-rule hits read by correlations
    std::vector<CorrelationTrace> trace;
    /// Groups that did not fire (CorrelationOptions::nearMisses), by correlation then group.
    std::vector<CorrelationNearMiss> nearMisses;
};

/// Evaluates the correlations of a unit over events given in any order (see reorderWindow).
class CorrelationEvaluator {
public:
    CorrelationEvaluator(std::shared_ptr<const CorrelationUnit> unit, CorrelationOptions options = {});
    ~CorrelationEvaluator();
    CorrelationEvaluator(const CorrelationEvaluator&) = delete;
    CorrelationEvaluator& operator=(const CorrelationEvaluator&) = delete;

    /// Matches the event against the unit's rules, then add(event, matched).
    void add(const Event& event);
    /// The event matched these rules of the unit (indices into rules(), as match() gives them).
    /// `position` (the event's place in the caller's list) comes back in CorrelationEventRef::position.
    void add(const Event& event, const std::vector<std::size_t>& matchedRules,
             std::size_t position = CorrelationEventRef::npos);
    /// The same with the event's time already read (eventTime(event): a caller that evaluates the
    /// same events again keeps them).
    void add(const Event& event, std::optional<EventTime> time, const std::vector<std::size_t>& matchedRules,
             std::size_t position = CorrelationEventRef::npos);
    /// The time add() reads from an event (TimeCreated_SystemTime, parseEventTime()); nullopt: none.
    static std::optional<EventTime> eventTime(const Event& event);
    /// Closes every window and returns every result.
    CorrelationReport finish();
    /// Groups with open state and hits held (memory checks, benchmarks).
    std::size_t openGroups() const;
    std::size_t heldHits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// "User=alice, Computer=ws1" ("(no group-by)" when empty).
std::string formatGroup(const std::vector<std::pair<std::string, std::string>>& group);

} // namespace sigma
