#pragma once

// The Sigma linter: pySigma's core validators, the SigmaHQ conventions and the workbench's own
// checks, each with a stable code (see docs/lint.md and lintChecks()).
//
// Suppression (see docs/lint.md):
//  - `x-sigmawb-ignore: [code, ...]` (or a single string) at the top level of a document
//    suppresses those codes for the whole document;
//  - a comment `# sigmawb-ignore: code[, code...]` at the end of a line suppresses those codes on
//    that line; on a line of its own, on the next line that is not a comment;
//  - a comment `# sigmawb-ignore-file: code[, code...]` anywhere suppresses them in the whole file.
//  `all` stands for every code. Parser errors (severity error from rule/parser.h) are never
//  suppressed; parser warnings and lint diagnostics are.

#include "rule/rule.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct LintOptions {
    /// SigmaHQ repository conventions (title length, status values, required author/date/...).
    bool sigmahqConventions = true;
    /// Codes switched off globally.
    std::vector<std::string> disabled;
    /// Known fields of a log source, from the event catalog. Return nullopt when the log source is
    /// unknown to the catalog (the check is then skipped), true/false for a field. Not set: the
    /// "field-unknown-for-logsource" check is skipped. engine/logsourcefields.h has one backed by
    /// the log-source table and the event catalog.
    std::function<std::optional<bool>(const LogSource&, std::string_view field)> fieldKnown;

    /// What a log source already selects: the events a rule with it sees all have one of these
    /// channels, providers and EventIDs. An empty list says nothing about that field.
    struct Scope {
        std::vector<std::string> channels;
        std::vector<std::string> providers;
        std::vector<std::uint32_t> eventIds;
    };
    /// The scope of a log source (nullopt when unknown). Not set: "field-implied-by-logsource" is
    /// skipped. engine/lintscope.h has one backed by the log-source table.
    std::function<std::optional<Scope>(const LogSource&)> logSourceScope;

    /// The id the "missing-id" quick fix inserts; not set: a random UUID (rule/lintfix.h).
    /// Tests set it to get a known text.
    std::function<std::string()> newId;
};

/// The parse diagnostics of `file` plus the lint diagnostics of each of its documents, with
/// suppressions applied, sorted by position.
Diagnostics lintFile(const ParsedFile& file, const LintOptions& options = {});

/// Checks across a set of files: duplicate ids ("duplicate-id") and titles ("duplicate-title").
/// Suppressions of each file apply.
Diagnostics lintSet(const std::vector<const ParsedFile*>& files, const LintOptions& options = {});

struct LintCheckInfo {
    std::string code;
    Severity severity;
    std::string description;
};
/// Every lint check, for documentation and `--list`.
const std::vector<LintCheckInfo>& lintChecks();

/// Codes suppressed at a given line (1-based) of a file, `all` included as is; used by lintFile.
struct Suppressions {
    std::vector<std::string> fileWide;
    std::vector<std::pair<int, std::string>> byLine; ///< (line, code)
    struct Range {
        int firstLine = 0;
        int lastLine = 0; ///< inclusive
        std::vector<std::string> codes;
    };
    std::vector<Range> documents; ///< x-sigmawb-ignore of each document
    bool suppressed(const Diagnostic& d) const;
};
Suppressions collectSuppressions(const ParsedFile& file);

} // namespace sigma
