#pragma once

// A new Sigma rule from events: the fields a user ticked in one or several events become one
// selection, under the log source the log-source table gives the events' channel/provider and
// EventID. The workbench's "New rule from selection" and `sigmawb rule-from-event` share it.

#include "engine/logsource.h"
#include "events/event.h"
#include "util/diagnostic.h"

#include <string>
#include <vector>

namespace sigma {

struct RuleFromEventsOptions {
    std::string id;   ///< the rule's id; empty: a new random UUID
    std::string date; ///< the rule's date (YYYY-MM-DD); empty: today (UTC)
    /// The log-source table the log source is chosen from; null: the built-in one.
    const LogSourceTable* table = nullptr;
};

struct RuleFromEvents {
    std::string yaml; ///< the rule; empty when none could be made (an error says why)
    std::string product;
    std::string category; ///< the chosen log source (category or service empty)
    std::string service;
    /// Errors (no event, no field) and warnings (a ticked field absent from an event and left out,
    /// a log source guessed from the channel).
    Diagnostics diagnostics;
};

/// A rule whose one selection holds `fields` (names as the events spell them, compared
/// case-insensitively, in this order) of `events`:
/// - log source: the table's key (product + category, else product + service) whose rows cover
///   every event, a category before a service, the event catalog's category for the first event
///   before others, then the narrowest (fewest EventIDs); Security 5156 rows only serve the
///   optional translation and are not chosen. None covers them: product windows and a service
///   made from the channel ("Microsoft-Windows-TaskScheduler/Operational" -> taskscheduler), with
///   a warning. A row that translates (Security 4688 read as Sysmon 1) renames the fields:
///   NewProcessName ticked is written as Image, with the value the rule sees.
/// - values: one value common to every event (compared case-insensitively, as Sigma matches) is
///   written plain; paths that differ only in their folder (same file name) as
///   `|endswith: '\name.exe'`; otherwise the list of distinct values. Literal `*`, `?` and the
///   backslashes before them are escaped (Sigma 2.1 "Escaping"); strings are single-quoted,
///   integers written as numbers.
/// - metadata to fill in: title, description, author and tags marked TODO, status experimental,
///   the given id and date, level medium.
RuleFromEvents ruleFromEvents(const std::vector<const Event*>& events, const std::vector<std::string>& fields,
                              const RuleFromEventsOptions& options = {});

} // namespace sigma
