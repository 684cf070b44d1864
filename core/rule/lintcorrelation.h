#pragma once

// Linter checks of correlation documents (docs/lint.md, docs/correlations.md): references to
// rules that are not there, cycles between correlations, group-by fields the referenced rules'
// log sources do not have, aliases naming rules the correlation does not use, timespan units
// outside the specification. (A value_* correlation without `field`, a malformed timespan and a
// value_percentile without `percentile` are the parser's: missing-condition, bad-timespan,
// missing-percentile.)

#include "rule/lint.h"

#include <vector>

namespace sigma {

/// The checks of the documents of `file` that need nothing outside it. References are resolved in
/// the file; an unknown one is reported only when the file holds rules (a self-contained bundle):
/// otherwise the rules are expected elsewhere and lintCorrelationSet() checks them.
void lintCorrelationFile(const ParsedFile& file, const LintOptions& options, Diagnostics& out);

/// References of correlation files that hold no rule, resolved across the set, and cycles
/// spanning files.
void lintCorrelationSet(const std::vector<const ParsedFile*>& files, const LintOptions& options, Diagnostics& out);

/// The codes above, for lintChecks().
const std::vector<LintCheckInfo>& correlationLintChecks();

} // namespace sigma
