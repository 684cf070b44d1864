#include "query/treebuild.h"

#include "util/hexdigit.h"

#include "engine/casefold.h"

#include <algorithm>

namespace sigma::querytree {

PredicateNode logical(PredicateNode::Kind kind, std::vector<PredicateNode> children, SourceSpan span)
{
    if (children.size() == 1)
        return std::move(children.front());
    PredicateNode n;
    n.kind = kind;
    n.span = span;
    for (auto& c : children) {
        if (c.kind == kind) {
            for (auto& g : c.children)
                n.children.push_back(std::move(g));
        } else {
            n.children.push_back(std::move(c));
        }
    }
    return n;
}

PredicateNode negation(PredicateNode child, SourceSpan span)
{
    PredicateNode n;
    n.kind = PredicateNode::Kind::Not;
    n.span = span;
    n.children.push_back(std::move(child));
    return n;
}

PredicateNode opaque(std::string note, SourceSpan span)
{
    PredicateNode n;
    n.kind = PredicateNode::Kind::Opaque;
    n.note = std::move(note);
    n.span = span;
    return n;
}

namespace {

bool sameComparison(const PredicateNode& a, const PredicateNode& b)
{
    return a.kind == PredicateNode::Kind::Compare && b.kind == PredicateNode::Kind::Compare && a.field == b.field &&
           a.op == b.op && a.opText == b.opText && a.cased == b.cased && a.function == b.function &&
           a.optionalField == b.optionalField && a.onEventField == b.onEventField &&
           (a.op == CompareOp::Equals || a.op == CompareOp::Contains || a.op == CompareOp::StartsWith ||
            a.op == CompareOp::EndsWith || a.op == CompareOp::Regex || a.op == CompareOp::Cidr);
}

} // namespace

void mergeOrLists(PredicateNode& node)
{
    for (auto& c : node.children)
        mergeOrLists(c);
    if (node.kind != PredicateNode::Kind::Or || node.children.empty())
        return;
    const auto& first = node.children.front();
    if (!std::all_of(node.children.begin(), node.children.end(),
                     [&](const PredicateNode& c) { return sameComparison(first, c); }))
        return;
    PredicateNode merged = std::move(node.children.front());
    for (std::size_t i = 1; i < node.children.size(); ++i)
        for (auto& v : node.children[i].values)
            merged.values.push_back(std::move(v));
    merged.span = node.span;
    node = std::move(merged);
}

std::vector<QueryWildcard> wildcardsIn(const std::string& text, bool questionMark,
                                       const std::vector<std::uint32_t>& literal)
{
    std::vector<QueryWildcard> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '*' && !(questionMark && c == '?'))
            continue;
        if (std::find(literal.begin(), literal.end(), static_cast<std::uint32_t>(i)) != literal.end())
            continue;
        out.push_back({static_cast<std::uint32_t>(i), c == '*'});
    }
    return out;
}

SourceSpan join(const SourceSpan& a, const SourceSpan& b)
{
    if (!a.valid())
        return b;
    if (!b.valid())
        return a;
    return {a.begin, b.end};
}

bool appendUtf8(std::string& out, std::uint32_t cp)
{
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return false;
    engine::appendUtf8(static_cast<char32_t>(cp), out);
    return true;
}

bool looksNumeric(std::string_view t)
{
    if (!t.empty() && (t.front() == '-' || t.front() == '+'))
        t.remove_prefix(1);
    if (t.empty())
        return false;
    bool digits = false, dot = false;
    for (char c : t) {
        if (c >= '0' && c <= '9')
            digits = true;
        else if (c == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

} // namespace sigma::querytree
