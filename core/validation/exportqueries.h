#pragma once

// Internal to core/validation: the queries of an export (ExportOptions::queryTargets) and their
// section of REPORT.md.

#include "validation/export.h"

#include <ostream>
#include <string>

namespace sigma {

/// Converts `rule` (null: the rule did not parse) into each target after the pipelines: files
/// `queries/<stem>.<ext>`, refusals for targets it cannot be converted into, diagnostics for
/// unknown targets and unreadable pipelines.
void planQueries(ExportPlan& plan, const Rule* rule, const std::string& stem, const ExportOptions& options);
/// The "Queries" section of the report (nothing when no target was asked for).
void appendQueriesReport(const ExportPlan& plan, std::ostream& out);

} // namespace sigma
