#pragma once

// Loading many rules: files and folders (recursive, *.yml / *.yaml), parsed and compiled,
// optionally on several threads. Used by `sigmawb match`, the benchmarks and the corpus tools.

#include "engine/engine.h"
#include "events/eventfiles.h" // collectEventFiles, for the loaders of rules and events

#include <memory>
#include <string>
#include <vector>

namespace sigma {

/// The rule files under `paths` (folders recursively, sorted; files as given). Unreadable
/// folders are reported.
std::vector<std::string> collectRuleFiles(const std::vector<std::string>& paths, Diagnostics& diagnostics);

struct LoadedRules {
    /// Compiled rules, in file order (and document order inside a file).
    std::vector<std::shared_ptr<const CompiledRule>> rules;
    /// Parse and compile problems of every file (errors and warnings; no info).
    Diagnostics diagnostics;
    std::size_t files = 0;
    std::size_t ruleDocuments = 0;  ///< rule documents found (compiled or not)
    std::size_t otherDocuments = 0; ///< correlation / filter documents (not compiled here)
    /// Files with at least one rule that failed to parse or compile.
    std::vector<std::string> failedFiles;
    /// Of those, the ones whose only errors are unresolved placeholders.
    std::vector<std::string> placeholderFiles;
    /// With `keepParsed`: every file as parsed, in file order (for compileCorrelationUnit without
    /// parsing the files a second time).
    std::vector<ParsedFile> parsed;
};

/// Parses and compiles every rule of the files. `threads` 0 = hardware concurrency.
LoadedRules loadRules(const std::vector<std::string>& files, const CompileOptions& options = {}, unsigned threads = 1,
                      bool keepParsed = false);

} // namespace sigma
