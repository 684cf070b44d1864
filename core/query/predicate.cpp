#include "query/predicate.h"

#include <algorithm>

namespace sigma {

namespace {

struct LanguageName {
    QueryLanguage language;
    const char* name;
};

constexpr LanguageName languageNames[] = {
    {QueryLanguage::Kql, "kuery"},     {QueryLanguage::Eql, "eql"}, {QueryLanguage::Esql, "esql"},
    {QueryLanguage::Lucene, "lucene"}, {QueryLanguage::Spl, "spl"},
};

std::string describeValue(const QueryValue& v)
{
    switch (v.type) {
    case QueryValue::Type::Null:
        return "null";
    case QueryValue::Type::Number:
    case QueryValue::Type::Boolean:
        return v.text;
    case QueryValue::Type::Field:
        return "field:" + v.text;
    case QueryValue::Type::String:
        break;
    }
    std::string out = "\"";
    for (std::size_t i = 0; i < v.text.size(); ++i) {
        const char c = v.text[i];
        const bool wildcard =
            std::any_of(v.wildcards.begin(), v.wildcards.end(), [&](const QueryWildcard& w) { return w.pos == i; });
        if (!wildcard && (c == '*' || c == '?'))
            out += '\\';
        if (c == '"')
            out += '\\';
        out += c;
    }
    return out + '"';
}

void describe(const PredicateNode& n, std::string& out)
{
    auto children = [&](const char* head) {
        out += '(';
        out += head;
        for (const auto& c : n.children) {
            out += ' ';
            describe(c, out);
        }
        out += ')';
    };
    switch (n.kind) {
    case PredicateNode::Kind::And:
        children("and");
        return;
    case PredicateNode::Kind::Or:
        children("or");
        return;
    case PredicateNode::Kind::Not:
        children("not");
        return;
    case PredicateNode::Kind::Sequence:
        children(n.note.empty() ? "sequence" : ("sequence " + n.note).c_str());
        return;
    case PredicateNode::Kind::Sample:
        children(n.note.empty() ? "sample" : ("sample " + n.note).c_str());
        return;
    case PredicateNode::Kind::Event: {
        std::string head = n.role == PredicateNode::EventRole::Until     ? "until "
                           : n.role == PredicateNode::EventRole::Missing ? "missing "
                                                                         : "";
        head += n.category;
        if (!n.note.empty())
            head += " " + n.note;
        children(head.c_str());
        return;
    }
    case PredicateNode::Kind::Opaque:
        out += "(opaque " + n.note + ')';
        return;
    case PredicateNode::Kind::Compare:
        break;
    }
    out += '(';
    if (!n.function.empty())
        out += n.function + '(' + (n.optionalField ? "?" : "") + n.field + ')';
    else
        out += (n.optionalField ? "?" : "") + (n.field.empty() ? std::string("_") : n.field);
    out += ' ';
    out += n.opText.empty() ? compareOpName(n.op) : n.opText;
    for (const auto& v : n.values)
        out += ' ' + describeValue(v);
    if (n.cased)
        out += " cased";
    if (!n.onEventField)
        out += " computed";
    out += ')';
}

} // namespace

const char* queryLanguageName(QueryLanguage language)
{
    for (const auto& l : languageNames)
        if (l.language == language)
            return l.name;
    return "kuery";
}

bool queryLanguageFromName(std::string_view name, QueryLanguage* language)
{
    for (const auto& l : languageNames)
        if (name == l.name) {
            *language = l.language;
            return true;
        }
    return false;
}

const char* compareOpName(CompareOp op)
{
    switch (op) {
    case CompareOp::Equals:
        return "equals";
    case CompareOp::NotEquals:
        return "not_equals";
    case CompareOp::Less:
        return "lt";
    case CompareOp::LessOrEqual:
        return "lte";
    case CompareOp::Greater:
        return "gt";
    case CompareOp::GreaterOrEqual:
        return "gte";
    case CompareOp::Contains:
        return "contains";
    case CompareOp::StartsWith:
        return "starts_with";
    case CompareOp::EndsWith:
        return "ends_with";
    case CompareOp::Regex:
        return "regex";
    case CompareOp::Cidr:
        return "cidr";
    case CompareOp::Exists:
        return "exists";
    case CompareOp::IsNull:
        return "is_null";
    }
    return "equals";
}

const char* queryNoteKindName(QueryNote::Kind kind)
{
    switch (kind) {
    case QueryNote::Kind::Aggregation:
        return "aggregation";
    case QueryNote::Kind::Projection:
        return "projection";
    case QueryNote::Kind::Lookup:
        return "lookup";
    case QueryNote::Kind::Source:
        return "source";
    case QueryNote::Kind::Other:
        break;
    }
    return "other";
}

std::string describePredicate(const PredicateNode& node)
{
    std::string out;
    describe(node, out);
    return out;
}

} // namespace sigma
