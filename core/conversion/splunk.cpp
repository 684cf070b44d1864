// Splunk SPL. The query is a `search` (the terms before the first pipe) followed, for what search
// terms cannot say, by `| regex field="..."` and `| where <eval expression>` stages, which AND with
// it; so only the conjuncts of the top-level AND may leave the search.
//
// Case: field values in search terms compare case-insensitively (Splunk search semantics); in
// eval expressions (`| where`) strings compare case-sensitively, so values there are regular
// expressions with `(?i)` (`match(f, "(?i)^...$")`). Quoting: every value is a double-quoted string
// with `\` and `"` escaped by a backslash; `*` is the search wildcard. A search term cannot hold a
// literal `*` and has no one-character wildcard, so such values (and `cased` ones) go to `| where`.
// Splunk's search reads `a b OR c` as `a (b OR c)` (OR binds tighter than the implicit AND): an AND
// inside an OR is parenthesised.
#include "conversion/backend.h"

namespace sigma::conversion::detail {

namespace {

using Kind = engine::SigmaString::Part::Kind;

/// SPL expands no backslash sequence but \" \\ \| (Splunk's "Backslashes"): a control character, tab
/// and newline too, goes in as it is.
std::string splQuoted(std::string_view s)
{
    return cQuoted(s, ControlChars::Verbatim);
}

/// Field names: plain ones as they are; others in single quotes (eval) or double quotes (search).
bool plainField(std::string_view f)
{
    if (f.empty())
        return false;
    for (const char c : f)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
            return false;
    return true;
}

std::string searchField(const std::string& f)
{
    return plainField(f) ? f : splQuoted(f);
}

std::string evalField(const std::string& f)
{
    if (plainField(f) && !(f[0] >= '0' && f[0] <= '9') && f.find('.') == std::string::npos)
        return f;
    return quoteBackslashed(f, "'", "'", '\'');
}

/// A search-term value: `*` wildcards, the rest escaped; false when the pattern cannot be one.
bool searchValue(const engine::SigmaString& pattern, std::string& out)
{
    std::string v;
    for (const auto& p : pattern.parts) {
        if (p.kind == Kind::Question)
            return false;
        if (p.kind == Kind::Star) {
            v += '*';
            continue;
        }
        if (p.text.find('*') != std::string::npos)
            return false;
        v += p.text;
    }
    out = splQuoted(v);
    return true;
}

bool searchable(const Node& n)
{
    switch (n.kind) {
    case Node::Kind::Constant:
        return true;
    case Node::Kind::And:
    case Node::Kind::Or:
    case Node::Kind::Not:
        for (const auto& c : n.children)
            if (!searchable(c))
                return false;
        return true;
    case Node::Kind::Predicate:
        break;
    }
    const Predicate& p = n.predicate;
    std::string ignored;
    switch (p.kind) {
    case Predicate::Kind::String:
    case Predicate::Kind::Keyword:
        return !p.cased && searchValue(p.pattern, ignored);
    case Predicate::Kind::Exists:
    case Predicate::Kind::Null:
    case Predicate::Kind::Compare:
        return true;
    default:
        return false;
    }
}

const char* compareOp(Predicate::Op op, bool eval)
{
    switch (op) {
    case Predicate::Op::Eq:
        return eval ? "==" : "=";
    case Predicate::Op::Neq:
        return "!=";
    case Predicate::Op::Gt:
        return ">";
    case Predicate::Op::Gte:
        return ">=";
    case Predicate::Op::Lt:
        return "<";
    case Predicate::Op::Lte:
        return "<=";
    }
    return "=";
}

class SearchWriter : public ExprWriter {
public:
    explicit SearchWriter(Output& out)
        : ExprWriter(out)
    {
        m_parenAndInOr = true;
    }

protected:
    const char* andWord() const override { return " "; }
    void writeConstant(const Node& n) override { put(n.constant ? "*" : "NOT *"); }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        std::string v;
        switch (p.kind) {
        case Predicate::Kind::String:
            searchValue(p.pattern, v);
            put(searchField(p.field) + "=" + (p.integer ? p.pattern.plain() : v));
            return;
        case Predicate::Kind::Keyword:
            searchValue(p.pattern, v);
            put(v);
            return;
        case Predicate::Kind::Exists:
            put(searchField(p.field) + "=*");
            return;
        case Predicate::Kind::Null:
            put("(NOT " + searchField(p.field) + "=* OR " + searchField(p.field) + "=\"\")");
            return;
        case Predicate::Kind::Compare:
            put(searchField(p.field) + compareOp(p.op, false) + p.text);
            return;
        default:
            return;
        }
    }
    bool writeList(const std::vector<const Node*>& nodes) override
    {
        // `field IN (...)` takes a field name as it is: a "quoted" one is written as an OR of
        // "field"=value terms instead
        if (!plainField(nodes.front()->predicate.field))
            return false;
        std::string list;
        for (const Node* n : nodes) {
            std::string v;
            if (!searchValue(n->predicate.pattern, v))
                return false;
            if (n->predicate.integer)
                v = n->predicate.pattern.plain();
            list += (list.empty() ? "" : ", ") + v;
        }
        put(searchField(nodes.front()->predicate.field) + " IN (" + list + ")");
        return true;
    }
};

class EvalWriter : public ExprWriter {
public:
    using ExprWriter::ExprWriter;

protected:
    void writeConstant(const Node& n) override { put(n.constant ? "true()" : "false()"); }
    void writeNot(const Node& child) override
    {
        put("NOT ");
        operand(child);
    }
    void writePredicate(const Node& n) override
    {
        const Predicate& p = n.predicate;
        static constexpr const char* unquotable = "`\"|[";
        if (p.field.find_first_of(unquotable) != std::string::npos ||
            (p.kind == Predicate::Kind::FieldRef && p.text.find_first_of(unquotable) != std::string::npos)) {
            // Splunk expands `macro` calls and finds the pipes and [subsearches] before it reads a
            // command, skipping "strings" only: a backtick, double quote, pipe or bracket inside a
            // 'field name' is read as what it is outside one
            m_out.unsupported(n.span, "a field name with a backtick (`), a double quote, a pipe (|) or a bracket ([) "
                                      "cannot be written in an SPL eval expression: Splunk reads it as a macro call, "
                                      "a string, the next command or a subsearch");
            return;
        }
        const std::string f = evalField(p.field);
        // Under a NOT, a test of a missing field must be false, not null (which NOT keeps null).
        const std::string guard = negations() > 0 ? "isnotnull(" + f + ") AND " : "";
        auto guarded = [&](const std::string& test) { put(guard.empty() ? test : "(" + guard + test + ")"); };
        switch (p.kind) {
        case Predicate::Kind::String: {
            // Exact values that case cannot change compare with == (numbers unquoted).
            std::string literal;
            if (patternShape(p.pattern, &literal) == Shape::Exact && (p.cased || !hasLetters(literal))) {
                guarded(f + "==" + (p.integer ? literal : splQuoted(literal)));
                return;
            }
            guarded("match(" + f + ", " + splQuoted(patternToRegex(p.pattern, p.cased)) + ")");
            return;
        }
        case Predicate::Kind::Keyword: {
            // The pattern is *value*: the regex without its anchors and leading/trailing `.*`.
            guarded("match(_raw, " + splQuoted(patternToRegex(p.pattern, p.cased)) + ")");
            return;
        }
        case Predicate::Kind::Regex:
            guarded("match(" + f + ", " + splQuoted(regexWithFlags(p)) + ")");
            return;
        case Predicate::Kind::Cidr:
            guarded("cidrmatch(" + splQuoted(p.text) + ", " + f + ")");
            return;
        case Predicate::Kind::Exists:
            put("isnotnull(" + f + ")");
            return;
        case Predicate::Kind::Null:
            put("(isnull(" + f + ") OR " + f + "==\"\")");
            return;
        case Predicate::Kind::Compare:
            guarded("tonumber(" + f + ")" + compareOp(p.op, true) + p.text);
            return;
        case Predicate::Kind::FieldRef: {
            if (p.anchor == Predicate::Anchor::Contains) {
                m_out.unsupported(n.span, "eval has no substring test against another field's value "
                                          "(fieldref with contains)");
                return;
            }
            const std::string both = "(isnotnull({f}) AND isnotnull({g}) AND ";
            const std::string whole = both + "{a}=={b})";
            const std::string start = both + "substr({a}, 1, len({g}))=={b})";
            const std::string end = both + "len({f})>=len({g}) AND substr({a}, len({f})-len({g})+1)=={b})";
            put(fieldRefText(p, f, evalField(p.text), "lower",
                             {.whole = whole, .start = start, .end = end, .contains = {}}));
            return;
        }
        }
    }
};

} // namespace

void writeSplunk(const Node& root, Output& out)
{
    std::vector<const Node*> conjuncts;
    if (root.kind == Node::Kind::And)
        for (const auto& c : root.children)
            conjuncts.push_back(&c);
    else
        conjuncts.push_back(&root);
    std::vector<const Node*> search, regex, where;
    for (const Node* c : conjuncts) {
        if (searchable(*c))
            search.push_back(c);
        else if (c->kind == Node::Kind::Predicate && c->predicate.kind == Predicate::Kind::Regex &&
                 plainField(c->predicate.field))
            regex.push_back(c); // `| regex field=...` takes the field name as it is; others go to `| where`
        else
            where.push_back(c);
    }
    auto writeAll = [&](ExprWriter& w, const std::vector<const Node*>& nodes) {
        Node n;
        n.kind = Node::Kind::And;
        for (const Node* c : nodes)
            n.children.push_back(*c);
        w.write(nodes.size() == 1 ? *nodes.front() : n);
    };
    if (search.empty()) {
        out.text() += "*";
    } else {
        SearchWriter w(out);
        writeAll(w, search);
    }
    for (const Node* r : regex) {
        const std::size_t begin = out.text().size();
        out.text() += " | regex " + searchField(r->predicate.field) + "=" + splQuoted(regexWithFlags(r->predicate));
        out.result.fragments.push_back({begin + 9, out.text().size(), r->span});
    }
    if (!where.empty()) {
        out.text() += " | where ";
        EvalWriter w(out);
        writeAll(w, where);
    }
}

} // namespace sigma::conversion::detail
