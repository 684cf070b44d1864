// Elasticsearch ES|QL: `FROM <index> | WHERE <expression>`.
//
// Case: ES|QL compares strings case-sensitively, so the field is lowered with TO_LOWER() and the
// value is written case-folded (`TO_LOWER(f) == "cmd.exe"`, `TO_LOWER(f) LIKE "*\\cmd.exe"`);
// `cased` values compare the field as it is. Wildcards: LIKE's `*` and `?`; a literal `*`, `?` or
// `\` in a LIKE pattern is escaped with a backslash, and the pattern is then written as a string
// literal (backslashes and quotes escaped again). Lists: `TO_LOWER(f) IN ("a", "b")` for exact
// values. Regular expressions: RLIKE takes Lucene expressions (anchored, no \d, no flags), so a
// `|re` is translated (backend.h pcreToLucene); `i` lowers the field and the expression.
// Three-valued logic: a test of a missing field is null and NOT keeps it null, so a NOT over tests
// of one field is written `(f IS NULL OR NOT x)`, a NOT over AND/OR is pushed down (De Morgan) to
// such single-field negations, and what is left (fieldref, keywords) is `NOT COALESCE(x, FALSE)`.
#include "conversion/backend.h"

namespace sigma::conversion::detail {

namespace {

/// ES|QL strings have no numeric escape: a control character other than \n \r \t goes in as it is.
std::string esqlQuoted(std::string_view s)
{
    return cQuoted(s, ControlChars::Raw);
}

std::string field(const std::string& f)
{
    return backquotedField(f);
}

std::string likePattern(const engine::SigmaString& pattern, bool fold)
{
    return esqlQuoted(wildcardPattern(pattern, "*", "?", [fold](std::string_view text, std::string& v) {
        for (const char c : fold ? foldedText(text) : std::string(text)) {
            if (c == '*' || c == '?' || c == '\\')
                v += '\\';
            v += c;
        }
    }));
}

class EsqlWriter : public ExprWriter {
public:
    using ExprWriter::ExprWriter;

protected:
    void writeConstant(const Node& n) override { put(n.constant ? "TRUE" : "FALSE"); }
    void writeNot(const Node& child) override
    {
        if (const Predicate* p = missingField(child)) {
            put(field(p->field) + " IS NULL");
            return;
        }
        std::string only;
        if (singleField(child, only)) {
            // Every test under the NOT is on one field and is null exactly when the field is: a
            // missing field makes the NOT hold, as in the engine.
            put("(" + field(only) + " IS NULL OR NOT ");
            operand(child);
            put(")");
            return;
        }
        if (child.kind == Node::Kind::And || child.kind == Node::Kind::Or) {
            // De Morgan, so each negation is over one field again: NOT (a OR b) = NOT a AND NOT b.
            put("(");
            for (std::size_t i = 0; i < child.children.size(); ++i) {
                if (i)
                    put(child.kind == Node::Kind::And ? " OR " : " AND ");
                writeNot(child.children[i]);
            }
            put(")");
            return;
        }
        if (child.kind == Node::Kind::Not) {
            operand(child.children.front()); // NOT NOT x: x (a null x is false at any level above)
            return;
        }
        put("NOT COALESCE(");
        writeNode(child, 0);
        put(", FALSE)");
    }
    /// True when every predicate of `n` tests the field `only` with a test that is null when the
    /// field is missing (not exists / null / fieldref, which are not).
    static bool singleField(const Node& n, std::string& only)
    {
        if (n.kind == Node::Kind::Constant)
            return false;
        if (n.kind != Node::Kind::Predicate) {
            for (const auto& c : n.children)
                if (!singleField(c, only))
                    return false;
            return true;
        }
        const Predicate& p = n.predicate;
        if (p.kind == Predicate::Kind::Exists || p.kind == Predicate::Kind::Null ||
            p.kind == Predicate::Kind::FieldRef || p.kind == Predicate::Kind::Keyword)
            return false;
        if (only.empty())
            only = p.field;
        return p.field == only;
    }
    /// The field as compared: lowered unless the value is cased or has no letters.
    static std::string subject(const Predicate& p, bool letters = true)
    {
        return p.cased || !letters ? field(p.field) : "TO_LOWER(" + field(p.field) + ")";
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        const std::string f = field(p.field);
        switch (p.kind) {
        case Predicate::Kind::String: {
            std::string literal;
            const Shape shape = patternShape(p.pattern, &literal);
            const bool letters = !caseless(p.pattern);
            if (shape == Shape::Exact) {
                put(subject(p, letters) + " == " + esqlQuoted(p.cased ? literal : foldedText(literal)));
                return;
            }
            put(subject(p, letters) + " LIKE " + likePattern(p.pattern, !p.cased));
            return;
        }
        case Predicate::Kind::Keyword:
            if (m_out.options.fullTextField.empty()) {
                m_out.unsupported(n.span, "keywords need a full-text field (ConversionOptions::fullTextField)");
                return;
            }
            put((p.cased ? field(m_out.options.fullTextField)
                         : "TO_LOWER(" + field(m_out.options.fullTextField) + ")") +
                " LIKE " + likePattern(p.pattern, !p.cased));
            return;
        case Predicate::Kind::Regex: {
            std::string re, why;
            if (!pcreToLucene(p, p.reIgnoreCase, re, why)) {
                m_out.unsupported(n.span, why);
                return;
            }
            put((p.reIgnoreCase ? "TO_LOWER(" + f + ")" : f) + " RLIKE " + esqlQuoted(re));
            return;
        }
        case Predicate::Kind::Cidr:
            put("CIDR_MATCH(" + f + ", " + esqlQuoted(p.text) + ")");
            return;
        case Predicate::Kind::Exists:
            put(f + " IS NOT NULL");
            return;
        case Predicate::Kind::Null:
            put("(" + f + " IS NULL OR " + f + " == \"\")");
            return;
        case Predicate::Kind::Compare: {
            static const char* ops[] = {"==", "!=", ">", ">=", "<", "<="};
            put("TO_DOUBLE(" + f + ") " + ops[static_cast<int>(p.op)] + " " + p.text);
            return;
        }
        case Predicate::Kind::FieldRef:
            put(fieldRefText(p, f, field(p.text), "TO_LOWER",
                             {.whole = "{a} == {b}",
                              .start = "STARTS_WITH({a}, {b})",
                              .end = "ENDS_WITH({a}, {b})",
                              .contains = "LOCATE({a}, {b}) > 0"}));
            return;
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        std::string list;
        bool letters = false;
        for (const Node* n : nodes) {
            letters = letters || !caseless(n->predicate.pattern);
            std::string literal;
            if (patternShape(n->predicate.pattern, &literal) != Shape::Exact)
                return false;
            list += (list.empty() ? "" : ", ") + esqlQuoted(n->predicate.cased ? literal : foldedText(literal));
        }
        put(subject(nodes.front()->predicate, letters) + " IN (" + list + ")");
        return true;
    }
};

} // namespace

void writeEsql(const Node& root, Output& out)
{
    out.text() += "FROM " + out.options.esqlIndex + " | WHERE ";
    EsqlWriter w(out);
    w.write(root);
}

} // namespace sigma::conversion::detail
