#pragma once

// The text of a query and where each of its bytes is in the rule file: a query sits in a TOML
// multi-line string or a YAML scalar, so its offsets map back through the file's quoting and
// escapes to line:column of the file.

#include "util/diagnostic.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

namespace yamltree {
class LineIndex;
}

class QuerySource {
public:
    QuerySource() = default;
    /// A query on its own (tests, pasted text): positions count from line 1, column 1 of `text`.
    explicit QuerySource(std::string text, std::string file = {});
    /// A query taken from a rule file: `fileOffsets[i]` is the byte offset in `fileText` of the
    /// query's byte i, with one more element for the end (as yamltree::scalarOffsets gives them).
    QuerySource(std::string text, std::string file, std::string_view fileText, std::vector<std::size_t> fileOffsets);

    /// A query embedded in this one (ES|QL `KQL("...")`): `offsets[i]` is the offset in this
    /// query's text of the embedded text's byte i, plus one for the end.
    QuerySource embedded(std::string text, const std::vector<std::size_t>& offsets) const;

    std::string_view text() const { return m_text; }
    const std::string& file() const { return m_file; }

    /// Line and column in the file of the query's byte `offset` (the end of the text is allowed).
    SourcePos pos(std::size_t offset) const;
    /// The file span of the query's bytes [begin, end).
    SourceSpan span(std::size_t begin, std::size_t end) const;

private:
    std::size_t fileOffset(std::size_t offset) const;

    std::string m_text;
    std::string m_file;
    std::shared_ptr<const yamltree::LineIndex> m_lines;
    std::vector<std::size_t> m_offsets; ///< empty: the identity
    /// Per query byte: the file offset just after the source it came from (an escape, a doubled
    /// quote), without the line break or indentation a folded scalar puts after it.
    std::vector<std::size_t> m_ends;
};

/// A parse error inside a reader, at the query's bytes [begin, end). Thrown by the recursive-
/// descent readers and turned into a diagnostic at their public entry points; never crosses the
/// core API.
struct QuerySyntaxError {
    std::string message;
    std::size_t begin = 0;
    std::size_t end = 0;
};

/// The "query-syntax" error diagnostic for a syntax error, located in the file.
Diagnostic querySyntaxDiagnostic(const QuerySource& source, const QuerySyntaxError& error);

} // namespace sigma
