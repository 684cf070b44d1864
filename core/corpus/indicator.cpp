#include "corpus/indicator.h"

#include "rule/condition.h"
#include "util/asciitext.h"

#include <charconv>
#include <set>

namespace sigma {

namespace {

struct KindName {
    IndicatorKind kind;
    const char* name;
};

constexpr KindName kindNames[] = {
    {IndicatorKind::Eq, "eq"},
    {IndicatorKind::Contains, "contains"},
    {IndicatorKind::StartsWith, "starts_with"},
    {IndicatorKind::EndsWith, "ends_with"},
    {IndicatorKind::Wildcard, "wildcard"},
    {IndicatorKind::RegexMatch, "regex_match"},
    {IndicatorKind::Cidr, "cidr"},
    {IndicatorKind::Exists, "exists"},
    {IndicatorKind::Gt, "gt"},
    {IndicatorKind::Gte, "gte"},
    {IndicatorKind::Lt, "lt"},
    {IndicatorKind::Lte, "lte"},
    {IndicatorKind::Neq, "neq"},
    {IndicatorKind::FieldRef, "fieldref"},
    {IndicatorKind::Keyword, "keyword"},
    {IndicatorKind::Null, "null"},
};

/// Positions of the unescaped wildcards (`*`, `?`) of a plain Sigma value. A backslash escapes a
/// following `*`, `?` or backslash; any other backslash is literal.
std::vector<std::size_t> wildcardPositions(std::string_view text)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
            ++i;
            continue;
        }
        if (c == '*' || c == '?')
            out.push_back(i);
    }
    return out;
}

/// The literal text of a value without wildcards: escapes resolved.
std::string unescapeLiteral(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
            out.push_back(text[++i]);
            continue;
        }
        out.push_back(text[i]);
    }
    return out;
}

const char* transformationName(ModifierKind kind)
{
    switch (kind) {
    case ModifierKind::Base64:
        return "base64";
    case ModifierKind::Base64Offset:
        return "base64offset";
    case ModifierKind::Utf16le:
        return "wide";
    case ModifierKind::Utf16be:
        return "utf16be";
    case ModifierKind::Utf16:
        return "utf16";
    case ModifierKind::Windash:
        return "windash";
    case ModifierKind::All:
        return "all";
    case ModifierKind::Cased:
        return "cased";
    case ModifierKind::Expand:
        return "expand";
    case ModifierKind::ReIgnoreCase:
        return "i";
    case ModifierKind::ReMultiline:
        return "m";
    case ModifierKind::ReDotAll:
        return "s";
    case ModifierKind::Minute:
        return "minute";
    case ModifierKind::Hour:
        return "hour";
    case ModifierKind::Day:
        return "day";
    case ModifierKind::Week:
        return "week";
    case ModifierKind::Month:
        return "month";
    case ModifierKind::Year:
        return "year";
    default:
        return nullptr;
    }
}

void collectPolarity(const Rule& rule, const ConditionNode& node, bool negated, std::set<std::string>& positive,
                     std::set<std::string>& negative)
{
    auto mark = [&](const std::string& name) { (negated ? negative : positive).insert(name); };
    switch (node.kind) {
    case ConditionNode::Kind::Not:
        for (const auto& c : node.children)
            collectPolarity(rule, c, !negated, positive, negative);
        break;
    case ConditionNode::Kind::And:
    case ConditionNode::Kind::Or:
        for (const auto& c : node.children)
            collectPolarity(rule, c, negated, positive, negative);
        break;
    case ConditionNode::Kind::Identifier:
        mark(node.name);
        break;
    case ConditionNode::Kind::OneOf:
    case ConditionNode::Kind::AllOf:
        for (const auto& s : rule.detection) {
            if (conditionOperandSelects(node.name, s.name))
                mark(s.name);
        }
        break;
    }
}

} // namespace

const char* indicatorKindName(IndicatorKind kind)
{
    for (const auto& k : kindNames)
        if (k.kind == kind)
            return k.name;
    return "eq";
}

bool indicatorKindFromName(std::string_view name, IndicatorKind* kind)
{
    for (const auto& k : kindNames)
        if (name == k.name) {
            *kind = k.kind;
            return true;
        }
    return false;
}

bool isEventSelectorField(std::string_view field)
{
    auto f = asciiLowered(field);
    return f == "eventid" || f == "channel" || f == "provider_name" || f == "provider_guid";
}

bool isExcludedIdentifier(const Rule& rule, std::string_view identifier)
{
    std::set<std::string> positive, negative;
    for (const auto& c : rule.conditions)
        if (c.root)
            collectPolarity(rule, *c.root, false, positive, negative);
    std::string id(identifier);
    return negative.count(id) && !positive.count(id);
}

std::string Indicator::key() const
{
    std::string k = asciiLowered(field);
    k += '\x1f';
    k += indicatorKindName(kind);
    k += '\x1f';
    std::string v = value;
    switch (kind) {
    case IndicatorKind::Eq:
    case IndicatorKind::Contains:
    case IndicatorKind::StartsWith:
    case IndicatorKind::EndsWith:
    case IndicatorKind::Neq:
        v = unescapeLiteral(v);
        break;
    default:
        break;
    }
    // Numbers by their decimal text: 03389 and 3389 are one value.
    if (!v.empty() && v.size() < 19 && v.find_first_not_of("0123456789") == std::string::npos) {
        long long n = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec == std::errc() && ptr == v.data() + v.size())
            v = std::to_string(n);
    }
    k += cased ? v : asciiLowered(v);
    return k;
}

std::vector<Indicator> extractIndicators(const Rule& rule, const IndicatorOptions& options)
{
    const FieldMap& map = options.fieldMap ? *options.fieldMap : FieldMap::builtin();
    std::set<std::string> positive, negative;
    for (const auto& c : rule.conditions)
        if (c.root)
            collectPolarity(rule, *c.root, false, positive, negative);

    std::vector<Indicator> out;
    for (std::size_t si = 0; si < rule.detection.size(); ++si) {
        const auto& search = rule.detection[si];
        const bool excluded = negative.count(search.name) && !positive.count(search.name);
        for (std::size_t mi = 0; mi < search.maps.size(); ++mi) {
            const auto& dmap = search.maps[mi];
            for (std::size_t ii = 0; ii < dmap.items.size(); ++ii) {
                const auto& item = dmap.items[ii];
                if (!item.isKeyword && isEventSelectorField(item.field))
                    continue;
                FieldMap::Mapping mapping;
                if (!item.isKeyword)
                    mapping = map.lookup(item.field, options.scope);

                IndicatorKind modifierKind = IndicatorKind::Eq;
                bool hasComparator = false;
                std::vector<std::string> transformations;
                bool cased = false, isRe = false, reIgnoreCase = false;
                for (const auto& m : item.modifiers) {
                    auto setKind = [&](IndicatorKind k) {
                        // fieldref keeps its kind when combined with neq; neq is then noted.
                        if (modifierKind == IndicatorKind::FieldRef && k == IndicatorKind::Neq) {
                            transformations.emplace_back("neq");
                            return;
                        }
                        if (k == IndicatorKind::FieldRef && modifierKind == IndicatorKind::Neq)
                            transformations.emplace_back("neq");
                        modifierKind = k;
                        hasComparator = true;
                    };
                    switch (m.kind) {
                    case ModifierKind::Contains:
                        setKind(IndicatorKind::Contains);
                        break;
                    case ModifierKind::StartsWith:
                        setKind(IndicatorKind::StartsWith);
                        break;
                    case ModifierKind::EndsWith:
                        setKind(IndicatorKind::EndsWith);
                        break;
                    case ModifierKind::Re:
                        setKind(IndicatorKind::RegexMatch);
                        isRe = true;
                        break;
                    case ModifierKind::Cidr:
                        setKind(IndicatorKind::Cidr);
                        break;
                    case ModifierKind::Exists:
                        setKind(IndicatorKind::Exists);
                        break;
                    case ModifierKind::Gt:
                        setKind(IndicatorKind::Gt);
                        break;
                    case ModifierKind::Gte:
                        setKind(IndicatorKind::Gte);
                        break;
                    case ModifierKind::Lt:
                        setKind(IndicatorKind::Lt);
                        break;
                    case ModifierKind::Lte:
                        setKind(IndicatorKind::Lte);
                        break;
                    case ModifierKind::Neq:
                        setKind(IndicatorKind::Neq);
                        break;
                    case ModifierKind::FieldRef:
                        setKind(IndicatorKind::FieldRef);
                        break;
                    default:
                        if (auto name = transformationName(m.kind))
                            transformations.emplace_back(name);
                        if (m.kind == ModifierKind::Cased)
                            cased = true;
                        if (m.kind == ModifierKind::ReIgnoreCase)
                            reIgnoreCase = true;
                        break;
                    }
                }

                for (std::size_t vi = 0; vi < item.values.size(); ++vi) {
                    const auto& v = item.values[vi];
                    Indicator ind;
                    ind.searchIndex = si;
                    ind.mapIndex = mi;
                    ind.itemIndex = ii;
                    ind.valueIndex = vi;
                    ind.writtenField = item.isKeyword ? std::string() : item.field;
                    ind.field = item.isKeyword ? std::string() : mapping.canonical;
                    ind.transformations = transformations;
                    ind.excluded = excluded;
                    ind.cased = cased || (isRe && !reIgnoreCase);
                    ind.searchIdentifier = search.name;
                    ind.span = v.span;
                    ind.fieldSpan = item.isKeyword ? SourceSpan{} : item.fieldSpan;
                    ind.itemSpan = item.span;
                    if (v.type == Value::Type::Null) {
                        ind.kind = IndicatorKind::Null;
                    } else if (item.isKeyword) {
                        ind.kind = IndicatorKind::Keyword;
                        ind.value = v.text;
                    } else if (hasComparator) {
                        ind.kind = modifierKind;
                        ind.value = v.text;
                    } else {
                        const std::string& t = v.text;
                        auto wc = wildcardPositions(t);
                        if (wc.empty()) {
                            ind.kind = IndicatorKind::Eq;
                            ind.value = t;
                        } else if (t.size() > 1 && wc.size() == 1 && wc[0] == t.size() - 1 && t.back() == '*') {
                            ind.kind = IndicatorKind::StartsWith;
                            ind.value = t.substr(0, t.size() - 1);
                        } else if (t.size() > 1 && wc.size() == 1 && wc[0] == 0 && t.front() == '*') {
                            ind.kind = IndicatorKind::EndsWith;
                            ind.value = t.substr(1);
                        } else if (t.size() > 2 && wc.size() == 2 && wc[0] == 0 && wc[1] == t.size() - 1 &&
                                   t.front() == '*' && t.back() == '*') {
                            ind.kind = IndicatorKind::Contains;
                            ind.value = t.substr(1, t.size() - 2);
                        } else {
                            ind.kind = IndicatorKind::Wildcard;
                            ind.value = t;
                        }
                    }
                    // An alias holding the file name of the canonical path (process.name vs Image).
                    if (mapping.basename) {
                        if (ind.kind == IndicatorKind::Eq) {
                            ind.kind = IndicatorKind::EndsWith;
                            ind.value = "\\" + ind.value;
                        } else if (ind.kind == IndicatorKind::StartsWith) {
                            ind.kind = IndicatorKind::Contains;
                            ind.value = "\\" + ind.value;
                        }
                    }
                    if (v.type == Value::Type::Integer) {
                        long long n = 0;
                        auto [ptr, ec] = std::from_chars(ind.value.data(), ind.value.data() + ind.value.size(), n);
                        if (ec == std::errc() && ptr == ind.value.data() + ind.value.size())
                            ind.value = std::to_string(n);
                    }
                    out.push_back(std::move(ind));
                }
            }
        }
    }
    return out;
}

} // namespace sigma
