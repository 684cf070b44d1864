#pragma once

// Sigma string values: parsing with the specification's wildcard escaping, the value
// transformations (contains/startswith/endswith, windash, base64, base64offset, utf16*, expand)
// and the compiled glob matcher.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::engine {

/// A string with wildcards: literal runs, '*' (any run) and '?' (one character).
struct SigmaString {
    struct Part {
        enum class Kind { Literal, Star, Question };
        Kind kind = Kind::Literal;
        std::string text; ///< Literal only
    };
    std::vector<Part> parts;

    /// Parses a value as written (after YAML unquoting): `*` and `?` are wildcards, `\*` `\?`
    /// literal, `\\` one backslash, a backslash before anything else is itself.
    static SigmaString parse(std::string_view text);
    static SigmaString literal(std::string_view text);

    bool hasWildcards() const;
    bool startsWithStar() const { return !parts.empty() && parts.front().kind == Part::Kind::Star; }
    bool endsWithStar() const { return !parts.empty() && parts.back().kind == Part::Kind::Star; }
    void appendLiteral(std::string_view text);
    void appendStar();
    void prependStar();
    /// For display: wildcards as `*`/`?`, literal wildcards and backslashes before them escaped.
    std::string toDisplay() const;
    /// The plain text when there are no wildcards.
    std::string plain() const;
};

/// pySigma's windash: every `-` or `/` where `\B[-/]\b` holds in a literal run becomes each of
/// `-`, `/`, U+2013, U+2014, U+2015 (all combinations). Returns false if more than `limit`.
bool expandWindash(const SigmaString& value, std::vector<SigmaString>& out, std::size_t limit);
/// Replaces `%name%` in literal runs by each value of the placeholder (all combinations).
/// `missing` receives placeholders without values.
bool expandPlaceholders(const SigmaString& value, const std::map<std::string, std::vector<std::string>>& placeholders,
                        std::vector<SigmaString>& out, std::vector<std::string>& missing, std::size_t limit);

std::string base64Encode(std::string_view bytes);
/// The three base64offset variants of pySigma (the value shifted by 0, 1, 2 bytes, with the
/// characters depending on the neighbours removed).
std::vector<std::string> base64OffsetVariants(std::string_view bytes);
enum class Utf16Kind { LE, BE, WithBom };
/// UTF-8 -> UTF-16 bytes (BOM FF FE + little endian for WithBom, as pySigma).
std::string toUtf16(std::string_view utf8, Utf16Kind kind);

/// A compiled glob over (optionally case-folded) text.
class Glob {
public:
    enum class Shape { Exact, Prefix, Suffix, Contains, Any, General };
    /// `fold`: the pattern is case-folded (the text must then be folded too).
    Glob(const SigmaString& pattern, bool fold);
    bool match(std::string_view text) const;
    Shape shape() const { return m_shape; }
    /// Exact / Prefix / Suffix / Contains: the literal compared (folded when folding).
    const std::string& literal() const { return m_literal; }
    /// The longest literal run (folded when folding): a string every matching text contains.
    const std::string& longestLiteral() const { return m_longest; }
    bool folds() const { return m_fold; }

private:
    struct Elem {
        enum class Kind { Literal, Star, Question } kind;
        std::string text;
    };
    bool matchGeneral(std::string_view text) const;
    Shape m_shape = Shape::General;
    bool m_fold = true;
    std::string m_literal; ///< Exact / Prefix / Suffix / Contains
    std::vector<Elem> m_elems;
    std::string m_longest;
};

} // namespace sigma::engine
