// The comparable form of a lowered rule and of a query read back (conversion/readback.h).
#include "conversion/readback.h"
#include "conversion/readbackterm.h"

#include "conversion/backend.h"
#include "query/query.h"
#include "util/ipnetwork.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>

namespace sigma::conversion {

namespace {

using engine::SigmaString;
using PartKind = SigmaString::Part::Kind;

using namespace readback;

struct Style {
    Target target;
    bool lucene() const { return target == Target::Lucene; }
    /// Regular expressions in the Lucene dialect (anchored, no inline flags).
    bool luceneRegex() const { return target != Target::Splunk; }
};

// --- values --------------------------------------------------------------------------------------

/// A pattern as a leaf: its shape decides the operator class; case folded unless cased. `fold`
/// false: compared with a lowered field (TO_LOWER), a value is as written (with capitals it matches
/// nothing, and does not compare equal to the rule's).
Term patternLeaf(const std::string& field, SigmaString pattern, bool cased, const Style& style, bool fold = true)
{
    // merge literals, collapse stars
    SigmaString p;
    for (const auto& part : pattern.parts) {
        if (part.kind == PartKind::Literal) {
            if (!part.text.empty())
                p.appendLiteral(part.text);
        } else if (part.kind == PartKind::Star) {
            if (p.parts.empty() || p.parts.back().kind != PartKind::Star)
                p.parts.push_back(part);
        } else {
            p.parts.push_back(part);
        }
    }
    bool letters = false;
    for (auto& part : p.parts)
        if (part.kind == PartKind::Literal) {
            letters = letters || detail::hasLetters(part.text);
            if (!cased && !style.lucene() && fold)
                part.text = detail::foldedText(part.text);
        }
    if (style.lucene() || !letters)
        cased = false;
    if (p.parts.size() == 1 && p.parts.front().kind == PartKind::Star) {
        if (field.empty()) // a keyword `*`: every event has a value (SPL's `*`, the rule's keyword alike)
            return group(Term::Kind::True, {});
        return leaf(field, "exists");
    }
    std::string literal;
    switch (patternShape(p, &literal)) {
    case Shape::Exact:
        return leaf(field, "eq", literal, cased);
    case Shape::Prefix:
        return leaf(field, "startswith", literal, cased);
    case Shape::Suffix:
        return leaf(field, "endswith", literal, cased);
    case Shape::Contains:
        return leaf(field, "contains", literal, cased);
    case Shape::General:
        break;
    }
    return leaf(field, "like", p.toDisplay(), cased);
}

/// A regular expression that says no more than a wildcard pattern, as that pattern.
std::optional<SigmaString> simpleRegex(std::string_view re, bool lucene, bool dotAll)
{
    SigmaString p;
    std::size_t i = 0, end = re.size();
    if (lucene) {
        // anchored at both ends
    } else {
        if (i < end && re[i] == '^')
            ++i;
        else
            p.appendStar();
        const bool dollar = end > i && re[end - 1] == '$' && (end < 2 || re[end - 2] != '\\');
        if (dollar)
            --end;
    }
    const std::string_view meta = lucene ? ".?+*|{}[]()\"\\#@&<>~" : ".?+*|{}[]()\\^$";
    while (i < end) {
        const char c = re[i];
        if (c == '\\') {
            if (i + 1 >= end)
                return std::nullopt;
            const char n = re[i + 1];
            if (!lucene && std::isalnum(static_cast<unsigned char>(n)))
                return std::nullopt; // \d \w \b ...
            p.appendLiteral(std::string_view(&re[i + 1], 1));
            i += 2;
            continue;
        }
        if (c == '.') {
            if (!lucene && !dotAll)
                return std::nullopt; // `.` without s does not match a line break; `?` does
            if (i + 1 < end && re[i + 1] == '*') {
                p.appendStar();
                i += 2;
            } else {
                SigmaString::Part q;
                q.kind = PartKind::Question;
                p.parts.push_back(q);
                ++i;
            }
            continue;
        }
        if (meta.find(c) != std::string_view::npos)
            return std::nullopt;
        p.appendLiteral(std::string_view(&re[i], 1));
        ++i;
    }
    if (!lucene && !(re.size() > 0 && end < re.size()))
        p.appendStar();
    return p;
}

/// A regular-expression leaf: `flags` are the PCRE flags (Splunk), `cased` false for `i`.
Term regexLeaf(const std::string& field, std::string re, std::string flags, bool cased, const Style& style,
               bool fold = true)
{
    if (!style.luceneRegex() && re.size() > 3 && re.compare(0, 2, "(?") == 0) {
        const auto close = re.find(')');
        const std::string inline_ = close == std::string::npos ? std::string() : re.substr(2, close - 2);
        if (!inline_.empty() && inline_.find_first_not_of("ims") == std::string::npos) {
            flags += inline_;
            re.erase(0, close + 1);
        }
    }
    if (flags.find('i') != std::string::npos)
        cased = false;
    if (style.luceneRegex()) { // `\/` is `/` (the query string's delimiter escaped)
        std::string plain;
        for (std::size_t i = 0; i < re.size(); ++i) {
            if (re[i] == '\\' && i + 1 < re.size()) {
                if (re[i + 1] != '/')
                    plain += re[i];
                plain += re[++i];
                continue;
            }
            plain += re[i];
        }
        re = std::move(plain);
    }
    if (auto p = simpleRegex(re, style.luceneRegex(), flags.find('s') != std::string::npos))
        return patternLeaf(field, std::move(*p), cased, style, fold);
    std::string f;
    for (const char c : std::string("ms")) // `i` is `cased`
        if (flags.find(c) != std::string::npos)
            f += c;
    Term t = leaf(field, f.empty() ? "regex" : "regex/" + f, re, style.lucene() ? false : cased);
    return t;
}

std::string numberText(double d)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}

std::string cidrText(const std::string& net)
{
    const auto n = parseIpNetwork(net);
    return n ? n->text() : net;
}

// --- the rule's tree -----------------------------------------------------------------------------

Term fromRule(const Node& n, const Style& style)
{
    switch (n.kind) {
    case Node::Kind::Constant:
        return group(n.constant ? Term::Kind::True : Term::Kind::False, {});
    case Node::Kind::And:
    case Node::Kind::Or:
    case Node::Kind::Not: {
        std::vector<Term> c;
        for (const auto& child : n.children)
            c.push_back(fromRule(child, style));
        return group(n.kind == Node::Kind::And  ? Term::Kind::And
                     : n.kind == Node::Kind::Or ? Term::Kind::Or
                                                : Term::Kind::Not,
                     std::move(c));
    }
    case Node::Kind::Predicate:
        break;
    }
    const Predicate& p = n.predicate;
    switch (p.kind) {
    case Predicate::Kind::String:
        // Lucene: `field:"10.0.0.0/8"` is a CIDR test on an ip field and an exact term on a keyword
        // field (the mapping decides), so an equality with a network says what |cidr says
        if (style.lucene() && !p.pattern.hasWildcards() && p.pattern.plain().find('/') != std::string::npos &&
            parseIpNetwork(p.pattern.plain()))
            return leaf(p.field, "cidr", cidrText(p.pattern.plain()));
        return patternLeaf(p.field, p.pattern, p.cased, style);
    case Predicate::Kind::Keyword:
        return patternLeaf(p.field, p.pattern, p.cased, style);
    case Predicate::Kind::Regex: {
        std::string flags =
            std::string(p.reIgnoreCase ? "i" : "") + (p.reMultiline ? "m" : "") + (p.reDotAll ? "s" : "");
        std::string re = p.text;
        if (style.luceneRegex()) {
            std::string why;
            if (!detail::pcreToLucene(p, style.target == Target::Esql && p.reIgnoreCase, re, why))
                return leaf(p.field, "regex-untranslatable", p.text);
            flags = p.reIgnoreCase ? "i" : "";
        }
        return regexLeaf(p.field, re, flags, !p.reIgnoreCase, style);
    }
    case Predicate::Kind::Cidr:
        return leaf(p.field, "cidr", cidrText(p.text));
    case Predicate::Kind::Exists:
        return leaf(p.field, "exists");
    case Predicate::Kind::Null: {
        std::vector<Term> c;
        c.push_back(negate(leaf(p.field, "exists")));
        c.push_back(leaf(p.field, "eq"));
        return group(Term::Kind::Or, std::move(c));
    }
    case Predicate::Kind::Compare: {
        static const char* const ops[] = {"eq", "neq", "gt", "gte", "lt", "lte"};
        return leaf(p.field, ops[int(p.op)], numberText(p.number));
    }
    case Predicate::Kind::FieldRef: {
        static const char* const anchors[] = {"fieldref-eq", "fieldref-contains", "fieldref-startswith",
                                              "fieldref-endswith"};
        return leaf(p.field, anchors[int(p.anchor)], p.text, p.cased);
    }
    }
    return leaf(p.field, "opaque");
}

// --- the query's tree ----------------------------------------------------------------------------

SigmaString queryPattern(const QueryValue& v, CompareOp op)
{
    SigmaString p;
    if (op == CompareOp::Contains || op == CompareOp::EndsWith)
        p.appendStar();
    std::string lit;
    for (std::size_t i = 0; i < v.text.size(); ++i) {
        const auto w =
            std::find_if(v.wildcards.begin(), v.wildcards.end(), [&](const QueryWildcard& x) { return x.pos == i; });
        if (w == v.wildcards.end()) {
            lit += v.text[i];
            continue;
        }
        p.appendLiteral(lit);
        lit.clear();
        if (w->any) {
            p.appendStar();
        } else {
            SigmaString::Part q;
            q.kind = PartKind::Question;
            p.parts.push_back(q);
        }
    }
    p.appendLiteral(lit);
    if (op == CompareOp::Contains || op == CompareOp::StartsWith)
        p.appendStar();
    return p;
}

/// A comparison of two fields as the rule's |fieldref leaf (other comparisons of two fields: opaque).
Term fieldRefLeaf(const std::string& field, CompareOp op, const std::string& other, bool cased)
{
    switch (op) {
    case CompareOp::Equals:
        return leaf(field, "fieldref-eq", other, cased);
    case CompareOp::StartsWith:
        return leaf(field, "fieldref-startswith", other, cased);
    case CompareOp::EndsWith:
        return leaf(field, "fieldref-endswith", other, cased);
    case CompareOp::Contains:
        return leaf(field, "fieldref-contains", other, cased);
    default:
        break;
    }
    return leaf(field, "opaque", std::string("field ") + compareOpName(op) + " " + other);
}

struct QueryReading {
    const Style& style;
    std::size_t whereColumn; ///< Splunk: leaves from this column on are in `| where` (0: none)

    Term compare(const PredicateNode& n)
    {
        // SPL: free text is searched in _raw, so a test of _raw (match(_raw, ...)) is a keyword search
        const std::string f = style.target == Target::Splunk && n.field == "_raw" ? std::string() : n.field;
        bool cased = n.cased;
        const bool lowered = n.function == "to_lower" || n.function == "lower"; // ES|QL, SPL
        if (!n.function.empty()) {
            if (lowered)
                cased = false;
            else if (n.function.rfind("to_", 0) != 0 &&
                     n.function != "tonumber") // ES|QL to_double..., SPL tonumber: numeric reading
                return leaf(f, "opaque", n.function);
        }
        switch (n.op) {
        case CompareOp::Exists:
            return leaf(f, "exists");
        case CompareOp::IsNull:
            return negate(leaf(f, "exists"));
        default:
            break;
        }
        std::vector<Term> alternatives;
        for (const auto& v : n.values) {
            if (v.type == QueryValue::Type::Field) { // a field compared with a field (the readers, folded or not)
                alternatives.push_back(fieldRefLeaf(f, n.op, v.text, cased));
                continue;
            }
            switch (n.op) {
            case CompareOp::Less:
            case CompareOp::LessOrEqual:
            case CompareOp::Greater:
            case CompareOp::GreaterOrEqual: {
                static const char* const ops[] = {"lt", "lte", "gt", "gte"};
                const double d = std::strtod(v.text.c_str(), nullptr);
                alternatives.push_back(leaf(f, ops[int(n.op) - int(CompareOp::Less)], numberText(d)));
                break;
            }
            case CompareOp::Regex:
                alternatives.push_back(regexLeaf(f, v.text, {}, cased, style, !lowered));
                break;
            case CompareOp::Cidr:
                alternatives.push_back(leaf(f, "cidr", cidrText(v.text)));
                break;
            case CompareOp::NotEquals: {
                std::vector<Term> both;
                both.push_back(leaf(f, "exists"));
                both.push_back(negate(patternLeaf(f, queryPattern(v, CompareOp::Equals), cased, style, !lowered)));
                alternatives.push_back(group(Term::Kind::And, std::move(both)));
                break;
            }
            default:
                if (style.lucene() && v.wildcards.empty() && v.text.find('/') != std::string::npos &&
                    parseIpNetwork(v.text)) {
                    // an ip field compared with a network in the query string is a CIDR test
                    alternatives.push_back(leaf(f, "cidr", cidrText(v.text)));
                    break;
                }
                alternatives.push_back(patternLeaf(f, queryPattern(v, n.op), cased, style, !lowered));
            }
        }
        if (alternatives.size() == 1)
            return std::move(alternatives.front());
        return group(Term::Kind::Or, std::move(alternatives));
    }

    Term read(const PredicateNode& n)
    {
        switch (n.kind) {
        case PredicateNode::Kind::And:
        case PredicateNode::Kind::Or:
        case PredicateNode::Kind::Not: {
            std::vector<Term> c;
            for (const auto& child : n.children)
                if (n.kind != PredicateNode::Kind::And || !impliedLengthTest(child, n.children))
                    c.push_back(read(child));
            if (n.kind == PredicateNode::Kind::And && n.note == "coalesce") {
                Term t = group(Term::Kind::And, std::move(c));
                t.twoValued = true;
                return t;
            }
            return group(n.kind == PredicateNode::Kind::And  ? Term::Kind::And
                         : n.kind == PredicateNode::Kind::Or ? Term::Kind::Or
                                                             : Term::Kind::Not,
                         std::move(c));
        }
        case PredicateNode::Kind::Event:
            if (n.category == "any" && n.children.size() == 1)
                return read(n.children.front());
            return leaf({}, "opaque", "event " + n.category);
        case PredicateNode::Kind::Compare:
            break;
        default:
            if (const auto constant = booleanLiteral(n); constant)
                return group(*constant ? Term::Kind::True : Term::Kind::False, {});
            return leaf({}, "opaque", n.note);
        }
        if (n.field.empty() && n.op == CompareOp::Equals && n.values.size() == 1 && n.values.front().text == "*" &&
            n.values.front().isPattern())
            return group(Term::Kind::True, {}); // Splunk's `*`: every event
        if (n.field == "*" && n.op == CompareOp::Exists)
            return group(Term::Kind::True, {}); // Lucene's `*:*`: every document
        Term t = compare(n);
        const bool threeValued = n.op != CompareOp::Exists && n.op != CompareOp::IsNull &&
                                 (style.target == Target::Esql || (style.target == Target::Splunk && whereColumn &&
                                                                   std::size_t(n.span.begin.column) >= whereColumn));
        if (threeValued)
            markThreeValued(t);
        return t;
    }
    /// A condition that is a boolean constant (ES|QL `WHERE TRUE`, SPL `true()`), as the readers note it.
    static std::optional<bool> booleanLiteral(const PredicateNode& n)
    {
        if (n.kind != PredicateNode::Kind::Opaque)
            return std::nullopt;
        std::string text;
        for (const char c : n.note.substr(n.note.rfind("expression:", 0) == 0 ? 11 : 0))
            if (c != ' ')
                text += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (text == "true" || text == "true()")
            return true;
        if (text == "false" || text == "false()")
            return false;
        return std::nullopt;
    }
    /// SPL's `len(a)>=len(b)` beside "a ends with field b" (how the Splunk writer guards substr()):
    /// implied by it, so nothing more to compare.
    static bool impliedLengthTest(const PredicateNode& n, const std::vector<PredicateNode>& siblings)
    {
        if (n.kind != PredicateNode::Kind::Opaque)
            return false;
        return std::any_of(siblings.begin(), siblings.end(), [&](const PredicateNode& s) {
            if (s.kind != PredicateNode::Kind::Compare || s.op != CompareOp::EndsWith || s.values.size() != 1 ||
                s.values.front().type != QueryValue::Type::Field)
                return false;
            // compared without blanks and quotes: a field name may be written 'quoted' (blanks, symbols),
            // a quote or backslash inside escaped (\' \\)
            const auto bare = [](std::string_view text, bool escaped = true) {
                std::string out;
                for (std::size_t i = 0; i < text.size(); ++i) {
                    if (escaped && text[i] == '\\' && i + 1 < text.size() &&
                        (text[i + 1] == '\'' || text[i + 1] == '\\'))
                        ++i;
                    if (text[i] != ' ' && text[i] != '\'')
                        out += text[i];
                }
                return out;
            };
            const std::string& a = s.fieldAsWritten.empty() ? s.field : s.fieldAsWritten;
            return bare(n.note) == "comparison:len(" + bare(a) + ")>=len(" + bare(s.values.front().text, false) + ")";
        });
    }
    static void markThreeValued(Term& t)
    {
        if (t.kind == Term::Kind::Leaf && t.op != "exists")
            t.threeValued = true;
        for (auto& c : t.children)
            markThreeValued(c);
    }
};

} // namespace

std::optional<QueryLanguage> readBackLanguage(Target target)
{
    switch (target) {
    case Target::Splunk:
        return QueryLanguage::Spl;
    case Target::Esql:
        return QueryLanguage::Esql;
    case Target::Eql:
        return QueryLanguage::Eql;
    case Target::Lucene:
        return QueryLanguage::Lucene;
    case Target::Kusto:
    case Target::Sqlite:
        break;
    }
    return std::nullopt;
}

std::string normalRuleTree(const Node& root, Target target)
{
    const Style style{target};
    return normalForm(fromRule(root, style));
}

std::string normalQueryTree(const PredicateNode& root, Target target, const std::string& query)
{
    const Style style{target};
    std::size_t whereColumn = 0;
    if (target == Target::Splunk)
        if (const auto at = query.find(" | where "); at != std::string::npos)
            whereColumn = std::size_t(QuerySource(query).span(at, at + 1).begin.column);
    QueryReading reading{style, whereColumn};
    return normalForm(reading.read(root));
}

ReadBackCheck checkReadBack(const Node& root, const ConversionResult& converted, const std::string& file)
{
    ReadBackCheck check;
    const auto language = readBackLanguage(converted.target);
    if (!language || !converted.ok()) {
        check.problem = !language ? "no reader for this target" : "not converted";
        return check;
    }
    const ParsedQuery q = parseQuery(*language, QuerySource(converted.query, file));
    if (!q.analysed()) {
        check.problem = q.diagnostics.empty() ? "unreadable" : q.diagnostics.front().message;
        return check;
    }
    check.read = true;
    check.rule = normalRuleTree(root, converted.target);
    check.query = normalQueryTree(q.root, converted.target, converted.query);
    check.same = check.rule == check.query;
    return check;
}

} // namespace sigma::conversion
