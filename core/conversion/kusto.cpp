// Microsoft KQL (Sentinel, Defender advanced hunting, Azure Data Explorer): `<Table> | where ...`,
// or the bare `where` expression when no table is given (as pySigma's Kusto backend without a
// pipeline).
//
// Case: the string operators `=~`, `in~`, `contains`, `startswith`, `endswith` compare
// case-insensitively; `cased` values use `==`, `in`, `contains_cs`, `startswith_cs`,
// `endswith_cs`. Values with inner wildcards, `?` or literal `*` become `matches regex` with an RE2
// expression (`(?i)` unless cased). Strings are double-quoted with `\` and `"` escaped. `|re`
// values go to `matches regex` as they are, after a check that RE2 supports them (no lookaround,
// backreferences, possessive quantifiers or atomic groups). Keywords search every column:
// `* contains "x"`.
#include "conversion/backend.h"

namespace sigma::conversion::detail {

namespace {

std::string field(const std::string& f)
{
    bool plain = !f.empty() && !(f[0] >= '0' && f[0] <= '9');
    for (const char c : f)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    if (plain)
        return f;
    return quoteBackslashed(f, "['", "']", '\'');
}

class KustoWriter : public LowercaseWriter {
public:
    using LowercaseWriter::LowercaseWriter;

protected:
    void writeNot(const Node& child) override
    {
        if (const Predicate* p = missingField(child)) {
            put("isnull(" + field(p->field) + ")");
            return;
        }
        put("not(");
        writeNode(child, 0);
        put(")");
    }
    void stringTest(const std::string& f, const Predicate& p)
    {
        std::string literal;
        const char* cs = p.cased ? "_cs " : " ";
        switch (patternShape(p.pattern, &literal)) {
        case Shape::Exact:
            if (p.integer)
                put(f + " == " + literal);
            else
                put(f + (p.cased || !hasLetters(literal) ? " == " : " =~ ") + cQuoted(literal));
            return;
        case Shape::Prefix:
            put(f + " startswith" + cs + cQuoted(literal));
            return;
        case Shape::Suffix:
            put(f + " endswith" + cs + cQuoted(literal));
            return;
        case Shape::Contains:
            put(f + " contains" + cs + cQuoted(literal));
            return;
        case Shape::General:
            put(f + " matches regex " + cQuoted(patternToRegex(p.pattern, p.cased)));
            return;
        }
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        const std::string f = field(p.field);
        switch (p.kind) {
        case Predicate::Kind::String:
            stringTest(f, p);
            return;
        case Predicate::Kind::Keyword:
            if (patternShape(p.pattern) != Shape::Contains) {
                m_out.unsupported(n.span, "a keyword with inner wildcards cannot search every column");
                return;
            }
            stringTest("*", p);
            return;
        case Predicate::Kind::Regex: {
            const std::string bad = re2Unsupported(p.text);
            if (!bad.empty()) {
                m_out.unsupported(n.span, "the regular expression '" + p.text + "' uses " + bad +
                                              ", which RE2 (KQL matches regex) lacks");
                return;
            }
            put(f + " matches regex " + cQuoted(regexWithFlags(p)));
            return;
        }
        case Predicate::Kind::Cidr:
            put((p.text.find(':') != std::string::npos ? "ipv6_is_in_range(" : "ipv4_is_in_range(") + f + ", " +
                cQuoted(p.text) + ")");
            return;
        case Predicate::Kind::Exists:
            put("isnotnull(" + f + ")");
            return;
        case Predicate::Kind::Null:
            put("isempty(" + f + ")");
            return;
        case Predicate::Kind::Compare: {
            static const char* ops[] = {"==", "!=", ">", ">=", "<", "<="};
            put("todouble(" + f + ") " + ops[static_cast<int>(p.op)] + " " + p.text);
            return;
        }
        case Predicate::Kind::FieldRef: {
            const std::string g = field(p.text);
            const char* cs = p.cased ? "_cs " : " ";
            switch (p.anchor) {
            case Predicate::Anchor::Whole:
                put(f + (p.cased ? " == " : " =~ ") + g);
                return;
            case Predicate::Anchor::Start:
                put(f + " startswith" + cs + g);
                return;
            case Predicate::Anchor::End:
                put(f + " endswith" + cs + g);
                return;
            case Predicate::Anchor::Contains:
                put(f + " contains" + cs + g);
                return;
            }
            return;
        }
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        bool letters = false, integers = true;
        for (const Node* n : nodes) {
            std::string literal;
            if (patternShape(n->predicate.pattern, &literal) != Shape::Exact)
                return false;
            letters = letters || hasLetters(literal);
            integers = integers && n->predicate.integer;
        }
        // Integers unquoted (numeric columns such as EventID), other values quoted.
        std::string list;
        for (const Node* n : nodes) {
            const std::string literal = n->predicate.pattern.plain();
            list += (list.empty() ? "" : ", ") + (integers ? literal : cQuoted(literal));
        }
        const bool exact = nodes.front()->predicate.cased || !letters;
        put(field(nodes.front()->predicate.field) + (exact ? " in (" : " in~ (") + list + ")");
        return true;
    }
};

} // namespace

void writeKusto(const Node& root, Output& out)
{
    if (!out.options.kustoTable.empty())
        out.text() += out.options.kustoTable + "\n| where ";
    KustoWriter w(out);
    w.write(root);
}

} // namespace sigma::conversion::detail
