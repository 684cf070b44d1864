#pragma once

// Correlation results as the CLI prints them: one JSON object per result (`sigmawb match
// --format jsonl`), one text line, and the explanation of one group (`sigmawb explain --group`).

#include "correlation/correlation.h"

#include <string>

namespace sigma {

/// {"rule_id","rule_title","rule_file","type":"correlation","group":{field: value},
///  "window":{"start","end"},"value","events":[{"event_file","event_index","record_id"}]}
/// plus "events_total" when the events listed are fewer than all of them.
std::string correlationResultJson(const CorrelationUnit& unit, const CorrelationResult& result);

/// "TITLE [ID] FILE: User=alice, 2024-...Z .. 2024-...Z, value 12 (gte 10), 12 events"
std::string correlationResultText(const CorrelationUnit& unit, const CorrelationResult& result);

/// The group values, in group-by order, named by KEY: "value" (one group-by field), or
/// "field=value,field=value" (any order). nullopt and `error` set when KEY does not fit.
std::optional<std::vector<std::string>> parseGroupKey(const CompiledCorrelation& correlation, const std::string& key,
                                                      std::string& error);

/// The explanation of one correlation for one group: its base rules and their hits, each window
/// evaluated with its value against the condition, the order found (temporal_ordered), the
/// distinct values (value_count), and the results.
std::string explainCorrelationGroup(const CorrelationUnit& unit, std::size_t correlation,
                                    const std::vector<std::string>& group, const CorrelationReport& report);

/// The same as JSON Lines: one object per window evaluated for the group, in time order:
/// {"correlation_id","correlation_title","correlation_type","group":{field: value},
///  "window":{"start","end"},"value" (null: nothing to aggregate),"condition","firing",
///  "inputs":[{"rule","hits"}],"found_in_order" (temporal_ordered),"distinct" (value_count),
///  "events":[{"event_file","event_index","record_id","rule_id","rule_title"}],"events_total"}.
std::string explainCorrelationGroupJson(const CorrelationUnit& unit, std::size_t correlation,
                                        const std::vector<std::string>& group, const CorrelationReport& report);

} // namespace sigma
