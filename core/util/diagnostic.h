#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sigma {

/// A position in a source file, 1-based; 0 means "unknown".
struct SourcePos {
    int line = 0;
    int column = 0;

    friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// A half-open range [begin, end) in a source file. For single-line tokens end.column is the column
/// just after the last character.
struct SourceSpan {
    SourcePos begin;
    SourcePos end;

    bool valid() const { return begin.line > 0; }
    friend bool operator==(const SourceSpan&, const SourceSpan&) = default;
};

enum class Severity { Error, Warning, Info };

/// Replace the text of `range` (of the original text) by `replacement`; an empty range inserts.
struct TextEdit {
    SourceSpan range;
    std::string replacement;
    friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

/// A mechanical repair of a diagnostic: edits on the text the diagnostic was found in, applied
/// together (rule/lintfix.h applies them). Untouched lines keep their comments and formatting.
struct Fix {
    std::string title; ///< what it does, for a menu ("Write 'Image|endswith'")
    std::vector<TextEdit> edits;
};

const char* severityName(Severity severity);

/// A problem found in user input. Every public core API reports problems this way; no exception
/// crosses the core API.
struct Diagnostic {
    Severity severity = Severity::Error;
    std::string code;    ///< stable identifier, e.g. "yaml-syntax", "unknown-modifier"
    std::string message; ///< human readable, without the location
    std::string file;    ///< file the problem is in (may be empty for in-memory text)
    SourceSpan span;
    std::optional<Fix> fix; ///< a mechanical repair, when there is one (lint diagnostics)

    /// "file:line:col: severity: message [code]" (compiler style)
    std::string format() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool hasErrors(const Diagnostics& diagnostics);

Diagnostic makeDiagnostic(Severity severity, std::string code, std::string message, std::string file,
                          SourceSpan span = {});

} // namespace sigma
