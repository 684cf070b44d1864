#pragma once

// Internal to core/conversion: what the backends share. ExprWriter writes a boolean tree of the IR
// in an infix language (precedence, parentheses, same-field value lists, fragments); a backend
// supplies the operator words and the predicates. Regex helpers translate Sigma patterns and PCRE
// into the regular-expression dialects of the targets.

#include "conversion/conversion.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::conversion::detail {

/// Where a backend writes: the result (query text, fragments, diagnostics) and the rule's file.
struct Output {
    ConversionResult& result;
    const ConversionOptions& options;
    const std::string& file;
    std::string& text() { return result.query; }
    /// An error: the target cannot express the construct at `span`.
    void unsupported(const SourceSpan& span, const std::string& message);
    bool failed() const { return hasErrors(result.diagnostics); }
};

class ExprWriter {
public:
    explicit ExprWriter(Output& out)
        : m_out(out)
    {}
    virtual ~ExprWriter() = default;
    /// Writes the whole tree.
    void write(const Node& node) { writeNode(node, 0); }

protected:
    virtual const char* andWord() const { return " AND "; }
    virtual const char* orWord() const { return " OR "; }
    virtual void writeNot(const Node& child);
    virtual void writeConstant(const Node& node) = 0;
    virtual void writePredicate(const Node& node) = 0;
    /// Several String predicates of one Or on the same field (same `cased`); true if written as one
    /// list expression. The default writes nothing and returns false.
    virtual bool writeList(const std::vector<const Node*>& nodes);
    /// Writes `node` as an operand of a unary operator (parenthesised unless a predicate).
    void operand(const Node& node);
    void writeNode(const Node& node, int parent);
    void put(std::string_view s) { m_out.text() += s; }
    /// How many Not nodes enclose what is being written (predicates under one may need to be made
    /// two-valued where a missing field makes a comparison null).
    int negations() const { return m_negations; }

    Output& m_out;
    /// Parenthesise an And inside an Or: Splunk's search reads `a b OR c` as `a (b OR c)` and
    /// Lucene's query string has no boolean precedence; elsewhere it is for the reader.
    bool m_parenAndInOr = true;
    /// Node is Not(Exists(field)): the field, else null (targets write "is missing" directly).
    static const Predicate* missingField(const Node& notChild);
    int m_negations = 0;
    /// In writeNot: the precedence of what encloses the NOT (1: an Or operand, 2: an And operand).
    int m_notParent = 0;
    /// More operands than this in one And/Or are written as nested halves (0: no limit).
    std::size_t m_maxOperands = 0;
};

/// A writer for targets whose boolean operators are the lowercase words `and` / `or` and whose
/// constants are `true` / `false` (EQL, KQL).
class LowercaseWriter : public ExprWriter {
public:
    using ExprWriter::ExprWriter;

protected:
    const char* andWord() const override { return " and "; }
    const char* orWord() const override { return " or "; }
    void writeConstant(const Node& n) override { put(n.constant ? "true" : "false"); }
};

// --- strings ---------------------------------------------------------------------------------------

/// Sigma's case-folding of a literal (engine/casefold.h), for targets that compare lowered text.
std::string foldedText(std::string_view s);
/// Only ASCII letters lowered (SQLite lower() and LIKE fold nothing else).
std::string asciiLower(std::string_view s);
/// True when case folding may change `s` (an ASCII letter or any non-ASCII byte).
bool hasLetters(std::string_view s);
/// True when a pattern's literals have no letters (case does not matter for it).
bool caseless(const engine::SigmaString& pattern);
/// How cQuoted() writes a control character other than \n \r \t.
enum class ControlChars {
    JsonU,    ///< \u0000: the default (Kusto, Lucene)
    EqlBrace, ///< \u{00}: EQL's only numeric escape (2 to 8 hex digits)
    Raw,      ///< as it is: ES|QL strings have no numeric escape and take any character but CR, LF, `"`, `\`.
    Verbatim, ///< every control character as it is, \n \r \t too: SPL expands no backslash sequence but \" \\ (\|)
};
/// `"..."` with `\` and `"` escaped by a backslash, \n \r \t escaped, other control characters as
/// `control` says.
std::string cQuoted(std::string_view s, ControlChars control = ControlChars::JsonU);
/// `s` between two `quote`s, a `quote` inside doubled (SQL strings and identifiers, backquotes).
std::string quoteDoubled(std::string_view s, char quote);
/// `s` between `open` and `close`, `quote` and `\` inside escaped by a backslash (KQL `['...']`,
/// SPL eval `'...'`).
std::string quoteBackslashed(std::string_view s, std::string_view open, std::string_view close, char quote);
/// A field name of ES|QL and EQL: as it is when plain, else backquoted. Plain: dot-separated parts,
/// each an identifier both grammars take unquoted (an ASCII letter, `_` or `@` first, then letters,
/// digits and `_`; `_` or `@` alone is not one), and the name not a keyword of either language.
std::string backquotedField(const std::string& f);
/// A Sigma pattern in a target's wildcard syntax: `star` and `question` for its wildcards, each
/// literal part appended by `literal` (which escapes what the target needs escaped).
std::string wildcardPattern(const engine::SigmaString& pattern, std::string_view star, std::string_view question,
                            const std::function<void(std::string_view text, std::string& out)>& literal);

/// How a target writes a FieldRef predicate, one form an anchor. In a form `{a}` stands for the
/// field and `{b}` for the other field, each wrapped in the target's lowering function unless the
/// predicate is `cased`; `{f}` and `{g}` for the two fields as they are.
struct FieldRefForms {
    std::string_view whole, start, end, contains;
};
/// The FieldRef predicate `p` (field `f`, other field `g`, both written as the target names fields)
/// in the target's `forms`; `lower` names the target's lowering function.
std::string fieldRefText(const Predicate& p, const std::string& f, const std::string& g, std::string_view lower,
                         const FieldRefForms& forms);

// --- regular expressions ---------------------------------------------------------------------------

/// A Sigma pattern as a PCRE/RE2 regular expression anchored at both ends (`^...$`), wildcards as
/// `.*` / `.`, literals escaped, `(?i)` first unless `cased`. `dotAll`: `(?s)` so `*` spans lines.
std::string patternToRegex(const engine::SigmaString& pattern, bool cased);

/// PCRE with flags as one PCRE/RE2 text: the flags as a leading `(?ims)` group.
std::string regexWithFlags(const Predicate& p);

/// A PCRE `|re` value translated to the Lucene regular-expression dialect (Elasticsearch regexp
/// queries, ES|QL RLIKE, EQL regex): Lucene expressions are anchored at both ends and know no `\d`
/// `\w` `\s`, lazy quantifiers, lookaround, backreferences or inline flags. `lower`: literals and
/// classes lowered (matched against a lowered field, for `i`). Returns false with `why` set when the
/// pattern uses something Lucene cannot express.
bool pcreToLucene(const Predicate& p, bool lower, std::string& out, std::string& why);
/// A Sigma pattern as a Lucene regular expression (literals escaped, `*` -> `.*`, `?` -> `.`).
std::string patternToLuceneRegex(const engine::SigmaString& pattern, bool lower);
/// The first construct of a PCRE pattern that RE2 (KQL) does not support, or empty.
std::string re2Unsupported(std::string_view pcre);

// --- the backends ------------------------------------------------------------------------------------

void writeSplunk(const Node& root, Output& out);
void writeEsql(const Node& root, Output& out);
void writeEql(const Node& root, Output& out);
void writeLucene(const Node& root, Output& out);
void writeKusto(const Node& root, Output& out);
void writeSqlite(const Node& root, Output& out);

} // namespace sigma::conversion::detail
