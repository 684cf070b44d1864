// Lucene query string (Elasticsearch `query_string`, Kibana's Lucene mode).
//
// Case: the query string has no case-insensitive operator; a term matches case-insensitively only
// where the field's mapping folds case (text fields, keyword fields with a lowercase normalizer,
// ECS `wildcard` fields queried through `case_insensitive`). The query writes values as the rule
// writes them, as pySigma's Lucene backend does (docs/conversion.md says so); `|re|i` cannot be
// expressed (Lucene regular expressions have no flags) and is an error. Escaping: every reserved
// character (+ - = & | > < ! ( ) { } [ ] ^ " ~ * ? : \ / and blanks) of a literal is escaped with a
// backslash; `*` and `?` wildcards stay bare. An empty value is `f:""`. Lists: `f:(a OR b)`.
// `|fieldref` cannot be expressed (a query string compares fields with constants only). Field names
// the query string cannot name literally are errors: `_exists_` is its existence operator, and `*`
// or `?` in a field name make a field pattern even when escaped (Elasticsearch's `city.\*:x`
// searches every `city.` field).
#include "conversion/backend.h"

#include <cstring>

namespace sigma::conversion::detail {

namespace {

/// Backslashes before the query syntax's special characters and before its whitespace (space, tab,
/// CR, LF and U+3000, which would end the term).
void escapeTo(std::string_view s, std::string& out)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if ((c != 0 && std::strchr("+-=&|><!(){}[]^\"~*?:\\/", c)) || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
            s.substr(i, 3) == "\xE3\x80\x80")
            out += '\\';
        out += c;
    }
}

std::string field(const std::string& f)
{
    std::string out;
    escapeTo(f, out);
    return out;
}

/// Why the query string cannot name `f` as a single field, or empty.
std::string fieldProblem(const std::string& f)
{
    if (f == "_exists_")
        return "the field name `_exists_` is the query string's existence operator and cannot name a field";
    if (f.find_first_of("*?") != std::string::npos)
        return "the field name `" + f +
               "` has `*` or `?`, which the query string reads as a field pattern even "
               "when escaped";
    return {};
}

std::string value(const engine::SigmaString& pattern)
{
    if (pattern.parts.empty())
        return "\"\"";
    // The operator words cannot be escaped with a backslash: a phrase keeps them a term.
    const std::string plain = pattern.hasWildcards() ? std::string() : pattern.plain();
    if (plain == "AND" || plain == "OR" || plain == "NOT")
        return "\"" + plain + "\"";
    return wildcardPattern(pattern, "*", "?", escapeTo);
}

class LuceneWriter : public ExprWriter {
public:
    using ExprWriter::ExprWriter;

protected:
    void writeConstant(const Node& n) override { put(n.constant ? "*:*" : "(NOT *:*)"); }
    // The query string reads `NOT a OR b` as `b AND NOT a` (a prohibited clause beside optional
    // ones): a NOT operand of an OR is parenthesised, where Elasticsearch reads `(NOT a)` as every
    // document but a's.
    void writeNot(const Node& child) override
    {
        const bool inOr = m_notParent == 1;
        if (inOr)
            put("(");
        ExprWriter::writeNot(child);
        if (inOr)
            put(")");
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        if (p.kind != Predicate::Kind::Keyword) {
            if (const std::string why = fieldProblem(p.field); !why.empty()) {
                m_out.unsupported(n.span, why);
                return;
            }
        }
        const std::string f = field(p.field);
        switch (p.kind) {
        case Predicate::Kind::String:
            put(f + ":" + value(p.pattern));
            return;
        case Predicate::Kind::Keyword:
            put(value(p.pattern));
            return;
        case Predicate::Kind::Regex: {
            if (p.reIgnoreCase) {
                m_out.unsupported(n.span, "Lucene regular expressions have no case-insensitive flag (re|i)");
                return;
            }
            std::string re, why;
            if (!pcreToLucene(p, false, re, why)) {
                m_out.unsupported(n.span, why);
                return;
            }
            put(f + ":/" + re + "/");
            return;
        }
        case Predicate::Kind::Cidr:
            put(f + ":" + cQuoted(p.text));
            return;
        case Predicate::Kind::Exists:
            put("_exists_:" + f);
            return;
        case Predicate::Kind::Null:
            put("((NOT _exists_:" + f + ") OR " + f + ":\"\")");
            return;
        case Predicate::Kind::Compare: {
            static const char* ops[] = {"", "", ">", ">=", "<", "<="};
            if (p.op == Predicate::Op::Neq) {
                put("(_exists_:" + f + " AND NOT " + f + ":" + p.text + ")");
                return;
            }
            put(f + ":" + ops[static_cast<int>(p.op)] + p.text);
            return;
        }
        case Predicate::Kind::FieldRef:
            m_out.unsupported(n.span, "a query string cannot compare a field with another field (fieldref)");
            return;
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        if (!fieldProblem(nodes.front()->predicate.field).empty())
            return false; // each predicate says why
        std::string list;
        for (const Node* n : nodes)
            list += (list.empty() ? "" : " OR ") + value(n->predicate.pattern);
        put(field(nodes.front()->predicate.field) + ":(" + list + ")");
        return true;
    }
};

} // namespace

void writeLucene(const Node& root, Output& out)
{
    LuceneWriter w(out);
    w.write(root);
}

} // namespace sigma::conversion::detail
