#pragma once

// Live evaluation of a file that holds correlations (and usually their base rules, after `---`):
// every base rule matched over the loaded events, the correlations evaluated over those hits, and
// one row per group: its firing windows, or, for a group that did not fire, its fullest window.
// The workbench's Correlations pane shows the rows; core computes them (tested without Qt).

#include "correlation/correlation.h"
#include "events/eventlist.h"
#include "rule/rule.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sigma {

enum class Verdict : unsigned char; // live/evaluator.h
struct EventVerdicts;               // live/evaluator.h

/// One group's window of one correlation.
struct LiveCorrelationRow {
    std::size_t correlation = 0;                            ///< index into CorrelationUnit::correlations()
    std::vector<std::pair<std::string, std::string>> group; ///< group-by field -> value
    EventTime start = 0, end = 0;
    std::optional<double> value; ///< nullopt: nothing to aggregate
    bool fired = false;
    /// The contributing events: positions in the evaluated event list, ascending, with the base rule
    /// (index into CorrelationUnit::rules()) each matched (capped, see eventCount).
    std::vector<std::pair<std::size_t, std::size_t>> events;
    std::size_t eventCount = 0; ///< all contributing events
};

/// The correlations of a file over a list of events.
struct LiveCorrelation {
    std::shared_ptr<const CorrelationUnit> unit;
    /// Every base-rule match, filters applied: (event position, rule index), ascending.
    std::vector<std::pair<std::size_t, std::size_t>> hits;
    std::vector<LiveCorrelationRow> rows; ///< per correlation (file order): fired windows by time, then misses
    std::size_t untimed = 0;              ///< base-rule matches read by a correlation whose event has no time
    Diagnostics diagnostics;              ///< the unit's compile and reference errors
    /// Per base rule (as in unit->rules()): its own verdicts, scope rows and search cache, which the
    /// next evaluation reuses: whole when the rule's document text is the same, else through the
    /// rule with the same identity (its scope rows and unchanged search identifiers).
    struct RuleVerdicts {
        std::string identity; ///< id, else name, else title
        std::string text;     ///< the rule's document, as written
        std::shared_ptr<const EventVerdicts> verdicts;
        bool reused = false; ///< taken whole from the previous evaluation (same text, same events)
    };
    std::vector<RuleVerdicts> ruleVerdicts;
    /// Per event: its time as the correlations read it (CorrelationEvaluator::eventTime), read once
    /// for an event a base rule matched and kept for the next evaluation of the same events;
    /// kTimeUnread where not read yet, kNoTime where the event has none.
    std::shared_ptr<const std::vector<EventTime>> eventTimes;
    static constexpr EventTime kTimeUnread = std::numeric_limits<EventTime>::min();
    static constexpr EventTime kNoTime = std::numeric_limits<EventTime>::min() + 1;
    double rulesMs = 0, correlateMs = 0, rowsMs = 0; ///< the parts of the evaluation (figures)
    /// Rule files next to the edited one that gave rules or correlations it references (siblings).
    std::vector<std::string> companionFiles;
};

/// True when the parsed file holds a correlation document.
bool holdsCorrelation(const ParsedFile& parsed);

struct LiveCorrelationOptions {
    CompileOptions compile;
    std::function<bool()> stop;   ///< polled between blocks of events: true stops (returns false)
    std::size_t maxEvents = 1000; ///< contributing events kept per row
    /// An earlier evaluation of the file (compiled with the same options): each base rule reuses
    /// the scope rows and search outcomes of the rule with its identity there, when `sameEvents`.
    const LiveCorrelation* previous = nullptr;
    bool sameEvents = false;
    /// Rules and correlations the file references but does not hold are looked up in the rule files
    /// of its folder (*.yml, *.yaml; not sub-folders), when the file's path names a folder: what
    /// `sigmawb match -r FOLDER` (and pySigma's collection of the files given) would resolve.
    bool siblings = true;
};

/// The documents of the rule files next to `file` (its folder, not sub-folders, not `file` itself)
/// that the correlations of `parsed` need: the rules and correlations they reference, by id or name,
/// transitively, and the filters naming those. Files with parse errors are left out. Each file is
/// parsed once and kept while its size and modification time stay (a process-wide cache).
std::vector<ParsedFile> siblingDocuments(const ParsedFile& parsed, const std::string& file);

/// Compiles the file's documents into a unit and evaluates it over `events`; `verdicts` (one per
/// event) becomes the union of the base rules: Match when one matched, NoMatch when in one's scope.
/// Returns false when stopped.
bool evaluateCorrelationsLive(const ParsedFile& parsed, const EventList& events, const LiveCorrelationOptions& options,
                              LiveCorrelation& out, std::vector<Verdict>& verdicts);

} // namespace sigma
