#pragma once

// Internal: building predicate trees in the readers (flattening and/or, merging or-lists of one
// field into one comparison with several values).

#include "query/predicate.h"
#include "query/querysource.h"

#include <string>
#include <string_view>
#include <vector>

namespace sigma::querytree {

/// And / Or of the children: nested nodes of the same kind are flattened, a single child is
/// returned as is. `span` covers the whole expression.
PredicateNode logical(PredicateNode::Kind kind, std::vector<PredicateNode> children, SourceSpan span);

/// Not of the child (not of not is kept: the reader states what was written).
PredicateNode negation(PredicateNode child, SourceSpan span);

/// An Or whose children are all comparisons of the same field with the same operator and flags
/// becomes one comparison with all their values (`field:(a or b)`, `f in (a, b)`); recursive.
void mergeOrLists(PredicateNode& node);

/// An Opaque node (recognised, not stated as a predicate).
PredicateNode opaque(std::string note, SourceSpan span);

/// The wildcard positions of `*` (any) and, with `questionMark`, `?` (one) in `text`, skipping
/// the positions in `literal` (characters that were escaped in the query).
std::vector<QueryWildcard> wildcardsIn(const std::string& text, bool questionMark,
                                       const std::vector<std::uint32_t>& literal = {});

/// Case-folding functions (`lower`, `to_lower`, `upper`, `to_upper`; ES|QL and SPL spellings).
inline bool isCaseFold(std::string_view function)
{
    return function == "lower" || function == "to_lower" || function == "upper" || function == "to_upper";
}

/// In a field-to-field comparison, the other field: `item` itself when both sides are plain fields,
/// the field inside `item` when both are the same case-folding function of one field (`lower(a) ==
/// lower(b)`); null otherwise (`lower(a) == b` is no case-insensitive comparison of two fields).
/// `Operand` is a reader's operand (kind Field / Function, name, args).
template <typename Operand>
const Operand* otherField(const Operand& subject, const Operand& item)
{
    using Kind = typename Operand::Kind;
    if (item.kind == Kind::Field)
        return subject.kind == Kind::Field ? &item : nullptr;
    const auto folded = [](const Operand& o) {
        return o.kind == Kind::Function && isCaseFold(o.name) && o.args.size() == 1 && o.args[0].kind == Kind::Field;
    };
    if (folded(subject) && folded(item) && subject.name == item.name)
        return &item.args[0];
    return nullptr;
}

/// The span from the start of `a` to the end of `b`.
SourceSpan join(const SourceSpan& a, const SourceSpan& b);

/// True for ASCII letters, digits and `_`.
inline bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Appends the UTF-8 encoding of a code point (for \uXXXX escapes); false for surrogates and
/// values past U+10FFFF.
bool appendUtf8(std::string& out, std::uint32_t codePoint);

/// Space, tab, CR or LF.
inline bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Moves `pos` past blanks and `//` and `/* */` comments (EQL, ES|QL). False, with `pos` at the
/// comment, when a `/*` is never closed.
inline bool skipBlanksAndComments(std::string_view text, std::size_t& pos)
{
    while (pos < text.size()) {
        if (isBlank(text[pos])) {
            ++pos;
        } else if (text.substr(pos, 2) == "//") {
            while (pos < text.size() && text[pos] != '\n')
                ++pos;
        } else if (text.substr(pos, 2) == "/*") {
            const auto close = text.find("*/", pos + 2);
            if (close == std::string_view::npos)
                return false;
            pos = close + 2;
        } else {
            break;
        }
    }
    return true;
}

/// How deeply parentheses, `not`s and nested expressions may nest: deeper queries are refused
/// (a hostile file must not exhaust the stack); real rules nest a handful of levels.
inline constexpr int maxQueryDepth = 100;

/// Counts one level of nesting for the life of the object; throws QuerySyntaxError at `at` past
/// maxQueryDepth.
class DepthGuard {
public:
    DepthGuard(int& depth, std::size_t at)
        : m_depth(depth)
    {
        if (++m_depth > maxQueryDepth) {
            --m_depth;
            throw QuerySyntaxError{
                "the query is nested too deeply (more than " + std::to_string(maxQueryDepth) + " levels)", at, at + 1};
        }
    }
    ~DepthGuard() { --m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

private:
    int& m_depth;
};

/// The reader's public entry: runs `read` (which fills `result.root` and may throw
/// QuerySyntaxError), merges or-lists, and turns a syntax error into the diagnostic of a query
/// that was not analysed (empty tree, no notes, no sources).
template <class Read>
ParsedQuery readQuery(QueryLanguage language, const QuerySource& source, Read&& read)
{
    ParsedQuery result;
    result.language = language;
    try {
        read(result);
        mergeOrLists(result.root);
    } catch (const QuerySyntaxError& e) {
        result.root = {};
        result.root.kind = PredicateNode::Kind::And;
        result.notes.clear();
        result.sources.clear();
        result.diagnostics.push_back(querySyntaxDiagnostic(source, e));
    }
    return result;
}

/// `text` parses as a (possibly signed) decimal or floating number.
bool looksNumeric(std::string_view text);

} // namespace sigma::querytree
