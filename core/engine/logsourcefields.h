#pragma once

// The fields known for a log source: the event catalog's fields (events/catalog.h) of the events
// the log-source table (engine/logsource.h) maps the log source to. One answer for the linter's
// "field-unknown-for-logsource" (injected into LintOptions::fieldKnown, as lintscope.h injects the
// log-source scope: core/rule knows neither table) and the editor's field completion.

#include "engine/logsource.h"
#include "rule/lint.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// The catalog fields of the events `logsource` selects in `table`: for each row, the fields of its
/// provider's EventIDs (every EventID of the provider for a row without EventIDs), plus the
/// System fields every Windows event has; sorted and unique. nullopt when the table does not know
/// the log source or the catalog has no event of its rows.
std::optional<std::vector<std::string>> catalogFieldsFor(const LogSource& logsource,
                                                         const LogSourceTable& table = LogSourceTable::builtin());

/// A LintOptions::fieldKnown over catalogFieldsFor (names compare case-insensitively, as Windows
/// field names match). Only Windows log sources given by category are checked; others are unknown
/// (nullopt): the catalog covers Windows events only, and services (security, system, ...) partly.
std::function<std::optional<bool>(const LogSource&, std::string_view field)>
eventCatalogFieldLookup(const LogSourceTable& table = LogSourceTable::builtin());

} // namespace sigma
