#pragma once

// Parsing Sigma YAML (rules, correlations, filters; multi-document files) into the model of
// rule/rule.h, keeping the source span of every key, value, modifier, search identifier and
// condition token.
//
// Positions are 1-based; columns count UTF-8 bytes from the start of the line (like compilers do;
// a leading BOM is removed before parsing). End positions are exclusive (see SourceSpan).
// Condition tokens are mapped back to the file through the scalar's quoting: plain and quoted
// single-line conditions map exactly; for multi-line, folded or escaped scalars every byte of the
// unquoted text is mapped to the source character it came from (escape sequences map to their
// backslash, folded line breaks to the start of the next line's text).
//
// YAML is read by yaml-cpp's event parser, or, for the block-style subset rules are written in
// (about 99.7% of SigmaHQ), by a faster reader that emits the same events and marks and hands
// anything else to yaml-cpp (rule/yamltree.h); tests and the fuzz target check both agree.
//
// Nothing escapes as an exception: YAML syntax errors, limits and model errors become diagnostics
// in ParsedFile::diagnostics (yaml-cpp exceptions are caught here).

#include "rule/rule.h"

#include <cstddef>
#include <string>

namespace sigma {

struct ParseOptions {
    std::size_t maxBytes = 8 << 20; ///< larger files are refused ("file-too-large")
    int maxDepth = 64;              ///< deeper YAML nesting is refused ("yaml-too-deep")
    std::size_t maxNodes = 200000;  ///< YAML nodes after alias expansion ("yaml-too-many-nodes")
};

/// Parses `text` (the contents of `file`, which is only used in diagnostics).
ParsedFile parseRuleText(std::string text, std::string file, const ParseOptions& options = {});

/// Reads and parses a file; an I/O error becomes an "io-error" diagnostic.
ParsedFile parseRuleFile(const std::string& path, const ParseOptions& options = {});

/// Every diagnostic code the parser can emit, with its default severity and a short description.
struct DiagnosticCodeInfo {
    const char* code;
    Severity severity;
    const char* description;
};
const std::vector<DiagnosticCodeInfo>& parserDiagnosticCodes();

} // namespace sigma
