// Elastic EQL: `any where <condition>`.
//
// Case: the `:` operator compares case-insensitively and reads `*` and `?` as wildcards
// (`process.name : "cmd.exe"`, `f : ("a*", "b")` for lists); `cased` values use `==` (exact) or
// `like` (wildcards), which are case-sensitive. `:` has no escape for a literal `*` or `?`, so such
// values become `regex~` / `regex` with a Lucene expression. Strings are double-quoted with `\` and
// `"` escaped. `|re` uses `regex` (`regex~` with `i`) after translation to the Lucene dialect
// (backend.h pcreToLucene). EQL has no full-text search: keywords are an error. `|fieldref` goes
// through the string functions, which take a field for either argument: EQL refuses a comparison
// of a field with a field, even through functions (`a == b`, `length(a) == length(b)`; Elastic's
// EQL syntax reference, "Limitations for comparisons"), so equality is "each starts with the other".
#include "conversion/backend.h"

namespace sigma::conversion::detail {

namespace {

using Kind = engine::SigmaString::Part::Kind;

/// EQL writes a control character as \u{XX} (its only numeric escape).
std::string eqlQuoted(std::string_view s)
{
    return cQuoted(s, ControlChars::EqlBrace);
}

std::string field(const std::string& f)
{
    return backquotedField(f);
}

/// The pattern for `:` / `like` (wildcards as they are); false when a literal holds `*` or `?`.
bool wildcardText(const engine::SigmaString& pattern, std::string& out)
{
    for (const auto& p : pattern.parts)
        if (p.kind != Kind::Star && p.kind != Kind::Question && p.text.find_first_of("*?") != std::string::npos)
            return false;
    out = eqlQuoted(wildcardPattern(pattern, "*", "?", [](std::string_view text, std::string& v) { v += text; }));
    return true;
}

class EqlWriter : public LowercaseWriter {
public:
    using LowercaseWriter::LowercaseWriter;

protected:
    void writeNot(const Node& child) override
    {
        if (const Predicate* p = missingField(child)) {
            put(field(p->field) + " == null");
            return;
        }
        put("not ");
        operand(child);
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        const std::string f = field(p.field);
        switch (p.kind) {
        case Predicate::Kind::String: {
            std::string v;
            if (wildcardText(p.pattern, v)) {
                if (!p.cased)
                    put(f + " : " + v);
                else if (patternShape(p.pattern) == Shape::Exact)
                    put(f + " == " + v);
                else
                    put(f + " like " + v);
                return;
            }
            put(f + (p.cased ? " regex " : " regex~ ") + eqlQuoted(patternToLuceneRegex(p.pattern, false)));
            return;
        }
        case Predicate::Kind::Keyword:
            m_out.unsupported(n.span, "EQL has no full-text search for keywords");
            return;
        case Predicate::Kind::Regex: {
            std::string re, why;
            if (!pcreToLucene(p, false, re, why)) {
                m_out.unsupported(n.span, why);
                return;
            }
            put(f + (p.reIgnoreCase ? " regex~ " : " regex ") + eqlQuoted(re));
            return;
        }
        case Predicate::Kind::Cidr:
            put("cidrMatch(" + f + ", " + eqlQuoted(p.text) + ")");
            return;
        case Predicate::Kind::Exists:
            put(f + " != null");
            return;
        case Predicate::Kind::Null:
            put("(" + f + " == null or " + f + " == \"\")");
            return;
        case Predicate::Kind::Compare: {
            static const char* ops[] = {"==", "!=", ">", ">=", "<", "<="};
            put(f + " " + ops[static_cast<int>(p.op)] + " " + p.text);
            return;
        }
        case Predicate::Kind::FieldRef: {
            const std::string g = field(p.text);
            const char* tilde = p.cased ? "" : "~";
            switch (p.anchor) {
            case Predicate::Anchor::Whole: // each starts with the other (EQL refuses `a == b` of two fields)
                put(std::string("(startsWith") + tilde + "(" + f + ", " + g + ") and startsWith" + tilde + "(" + g +
                    ", " + f + "))");
                return;
            case Predicate::Anchor::Start:
                put(std::string("startsWith") + tilde + "(" + f + ", " + g + ")");
                return;
            case Predicate::Anchor::End:
                put(std::string("endsWith") + tilde + "(" + f + ", " + g + ")");
                return;
            case Predicate::Anchor::Contains:
                put(std::string("stringContains") + tilde + "(" + f + ", " + g + ")");
                return;
            }
            return;
        }
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        if (nodes.front()->predicate.cased)
            return false;
        std::string list;
        for (const Node* n : nodes) {
            std::string v;
            if (!wildcardText(n->predicate.pattern, v))
                return false;
            list += (list.empty() ? "" : ", ") + v;
        }
        put(field(nodes.front()->predicate.field) + " : (" + list + ")");
        return true;
    }
};

} // namespace

void writeEql(const Node& root, Output& out)
{
    out.text() += "any where ";
    EqlWriter w(out);
    w.write(root);
}

} // namespace sigma::conversion::detail
