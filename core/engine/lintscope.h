#pragma once

// A LintOptions::logSourceScope backed by a log-source table (engine/logsource.h), so the linter
// (core/rule, which does not know the table) can say when a Channel / Provider_Name / EventID test
// repeats what the log source already selects.

#include "engine/logsource.h"
#include "rule/lint.h"

#include <functional>
#include <optional>

namespace sigma {

/// The scope of a log source in `table` (copied): the union of the channels, providers and
/// EventIDs of its rows. A list is left empty when one of the rows does not restrict that field
/// (a row without channel, a row with any EventID); nullopt when the table does not know the log
/// source.
std::function<std::optional<LintOptions::Scope>(const LogSource&)>
logSourceScopeLookup(const LogSourceTable& table = LogSourceTable::builtin());

} // namespace sigma
