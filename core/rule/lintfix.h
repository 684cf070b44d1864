#pragma once

// Quick fixes of lint diagnostics (see docs/lint.md, "Quick fixes"). A lint diagnostic with a
// mechanical repair carries a Fix (util/diagnostic.h): text edits on the text it was found in,
// so comments and the formatting of every untouched line are kept (the YAML is never re-emitted).
// Here: applying edits, and fixing a whole text until nothing is left to fix (`sigmawb lint --fix`).

#include "rule/lint.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// Byte offsets of 1-based line:column positions (columns count bytes) in a text.
class TextPositions {
public:
    explicit TextPositions(std::string_view text);
    /// The offset of `p`; nullopt when it is not inside the text (the end of a line and the end of
    /// the text are inside).
    std::optional<std::size_t> offset(SourcePos p) const;
    /// The text of `span`; empty when the span is invalid.
    std::string_view slice(SourceSpan span) const;
    /// Line `line` (1-based) without its line break ("\n" or "\r\n"); empty when out of range.
    std::string_view line(int line) const;
    int lineCount() const { return static_cast<int>(m_starts.size()); }
    /// "\r\n" when the text's first line break is one, else "\n".
    std::string_view lineBreak() const;

private:
    std::string_view m_text;
    std::vector<std::size_t> m_starts;
};

/// `text` with `edits` applied (their positions refer to `text`); identical edits count once.
/// nullopt when an edit is outside the text or two edits overlap (or insert at the same place).
std::optional<std::string> applyTextEdits(std::string_view text, std::vector<TextEdit> edits);

struct FixReport {
    std::string text;               ///< the fixed text (the input when nothing was fixed)
    std::vector<std::string> codes; ///< the code of each fix applied, in the order applied
    int rounds = 0;                 ///< lint passes that applied something
};

/// Lints `text` (the contents of `file`) and applies every fix that does not overlap one taken
/// before it in the same pass, then lints again, until a pass has nothing left to fix (at most
/// `maxRounds` passes). Only the codes in `codes` when it is not empty. A leading BOM is kept.
/// Applying it to its own result changes nothing.
FixReport fixText(const std::string& text, const std::string& file, const LintOptions& options,
                  const std::vector<std::string>& codes = {}, int maxRounds = 8);

/// A random version 4 UUID in lower case (the default of LintOptions::newId).
std::string randomUuid();

} // namespace sigma
