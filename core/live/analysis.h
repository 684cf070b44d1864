#pragma once

// A rule's text as the editor holds it, analysed in one step: parsed, linted (with the rule's
// own suppressions) and compiled, every problem in one diagnostics list.

#include "engine/engine.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <memory>
#include <string>

namespace sigma {

struct AnalysisOptions {
    CompileOptions compile;
    /// Run the linter as well (the editor does; a one-off command may not need it).
    bool lint = true;
    /// A text that is not blank and holds no rule is an error ("no-rule").
    bool requireRule = true;
};

struct RuleAnalysis {
    std::shared_ptr<const ParsedFile> parsed;
    std::shared_ptr<const CompiledRule> compiled; ///< the first rule, null when it has errors
    Diagnostics diagnostics;                      ///< parser, linter (or parser only) and compiler

    bool ok() const { return compiled != nullptr; }
    const Rule* rule() const { return compiled ? &compiled->rule() : nullptr; }
};

/// Parses `text` (as the file `file`, which names it in diagnostics), lints it and compiles its
/// first rule. A text that is not blank and holds no rule gets the error "no-rule".
RuleAnalysis analyzeRuleText(std::string text, const std::string& file, const AnalysisOptions& options = {});
/// The same for a file read from disk (an unreadable file: the parser's "io-error").
RuleAnalysis analyzeRuleFile(const std::string& path, const AnalysisOptions& options = {});

} // namespace sigma
