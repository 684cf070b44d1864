// Reading rule documents: detection (search identifiers, items, modifiers, conditions) and the
// rule's own keys.
#include "rule/converter.h"

#include "rule/condition.h"
#include "rule/modifiers.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma::reader {
namespace {

int editDistance(std::string_view a, std::string_view b)
{
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string suggestModifier(std::string_view written)
{
    const std::string l = asciiLowered(written);
    if (modifierFromName(l))
        return l; // wrong case
    std::string best;
    int bestDistance = 3;
    for (const std::string_view name : modifierSpellings()) {
        const int d = editDistance(l, name);
        if (d < bestDistance && name.size() > 2) {
            bestDistance = d;
            best = name;
        }
    }
    return best;
}

} // namespace

void Converter::checkModifiers(DetectionItem& item, const Node* valueNode)
{
    bool reSeen = false;
    const Modifier* terminal = nullptr;
    for (const auto& m : item.modifiers) {
        const ModifierInfo& info = modifierInfo(m.kind);
        const bool reFlag = info.role == ModifierRole::RegexFlag;
        if (reFlag && !reSeen)
            error("re-flag-without-re", "the regular expression flag '" + m.written + "' needs 're' before it", m.span);
        else if (terminal && m.kind != ModifierKind::All)
            error("comparator-not-last",
                  "'" + m.written + "' cannot follow '" + terminal->written + "': a comparison comes last", m.span);
        else if (reSeen && !reFlag && m.kind != ModifierKind::All && m.kind != ModifierKind::Re)
            error("comparator-not-last", "'" + m.written + "' cannot follow 're': only the flags i, m and s can",
                  m.span);
        if (m.kind == ModifierKind::Re)
            reSeen = true;
        if (info.terminal && !terminal)
            terminal = &m;
    }
    const SourceSpan where = valueNode ? span(valueNode) : item.keySpan;
    if (item.has(ModifierKind::All) && (!item.valueIsList || item.values.size() < 2))
        error("all-single-value", "'all' needs a list of two or more values", where);
    for (const auto& v : item.values) {
        if (auto problem = checkModifierValue(item, v))
            error(problem->code.c_str(), problem->message, v.span);
        if (v.type == Value::Type::Null && item.valueIsList)
            error("null-in-list", "null is not allowed inside a value list; use a separate selection", v.span);
    }
}

DetectionItem Converter::detectionItem(const Node* k, const Node* v)
{
    DetectionItem item;
    const std::string& key = k->value;
    const auto offsets = yamltree::scalarOffsets(*k, m_text);
    auto rangeSpan = [&](std::size_t from, std::size_t to) { // value byte range -> span
        if (from >= to)
            return spanOffsets(offsets[std::min(from, key.size())], offsets[std::min(from, key.size())]);
        return spanOffsets(offsets[from], offsets[to - 1] + 1);
    };
    item.keySpan = span(k);
    std::size_t bar = key.find('|');
    item.field = key.substr(0, bar);
    item.fieldSpan = rangeSpan(0, item.field.size());
    while (bar != std::string::npos) {
        const std::size_t start = bar + 1;
        bar = key.find('|', start);
        const std::size_t stop = bar == std::string::npos ? key.size() : bar;
        const std::string written = key.substr(start, stop - start);
        const SourceSpan mspan = rangeSpan(start, stop);
        if (written.empty()) {
            error("unknown-modifier", "empty modifier ('||' or a trailing '|') in '" + key + "'",
                  rangeSpan(start - 1, start));
            continue;
        }
        const auto kind = modifierFromName(written);
        if (!kind) {
            const auto suggestion = suggestModifier(written);
            error("unknown-modifier",
                  "unknown modifier '" + written + "'" +
                      (suggestion.empty() ? std::string() : "; did you mean '" + suggestion + "'?"),
                  mspan);
            continue;
        }
        item.modifiers.push_back({*kind, written, mspan});
    }
    item.isKeyword = item.field.empty();
    if (item.isKeyword && item.modifiers.empty() && !key.empty())
        error("wrong-type", "an empty field name", item.keySpan);
    if (v->kind == NodeKind::Map) {
        error("wrong-type", "the value of '" + key + "' cannot be a mapping", span(v));
    } else if (v->kind == NodeKind::Sequence) {
        item.valueIsList = true;
        for (const Node* e : v->children) {
            if (e->kind == NodeKind::Scalar || e->kind == NodeKind::Null)
                item.values.push_back(value(e));
            else
                error("wrong-type", "a value list can only hold single values", span(e));
        }
        if (v->children.empty())
            warning("empty-value-list", "the value list of '" + key + "' is empty: it matches nothing", span(v));
    } else {
        item.values.push_back(value(v));
    }
    item.span = {m_lines.pos(k->begin), m_lines.pos(std::max(k->end, v->end))};
    checkModifiers(item, v);
    return item;
}

DetectionMap Converter::detectionMap(const Node* map)
{
    DetectionMap dm;
    dm.span = span(map);
    for (const auto& [k, v] : mapEntries(map))
        dm.items.push_back(detectionItem(k, v));
    if (map->children.empty())
        error("empty-search-identifier", "an empty mapping matches nothing", span(map));
    return dm;
}

DetectionMap Converter::keywordMap(const std::vector<const Node*>& values, const Node* whole)
{
    DetectionMap dm;
    dm.span = span(whole);
    DetectionItem item;
    item.isKeyword = true;
    item.valueIsList = whole->kind == NodeKind::Sequence;
    item.span = span(whole);
    for (const Node* e : values) {
        item.values.push_back(value(e));
        if (e->kind == NodeKind::Null)
            error("null-in-list", "null is not allowed as a keyword", span(e));
    }
    dm.items.push_back(std::move(item));
    return dm;
}

SearchIdentifier Converter::searchIdentifier(const Node* k, const Node* v)
{
    SearchIdentifier s;
    s.name = k->value;
    s.nameSpan = span(k);
    s.span = {m_lines.pos(k->begin), m_lines.pos(std::max(k->end, v->end))};
    if (v->kind == NodeKind::Map) {
        s.kind = SearchIdentifier::Kind::Map;
        s.maps.push_back(detectionMap(v));
    } else if (v->kind == NodeKind::Sequence) {
        const bool allMaps =
            !v->children.empty() &&
            std::all_of(v->children.begin(), v->children.end(), [](const Node* c) { return c->kind == NodeKind::Map; });
        const bool anyMap =
            std::any_of(v->children.begin(), v->children.end(), [](const Node* c) { return c->kind == NodeKind::Map; });
        if (allMaps) {
            s.kind = SearchIdentifier::Kind::ListOfMaps;
            for (const Node* c : v->children)
                s.maps.push_back(detectionMap(c));
        } else if (!anyMap) {
            s.kind = SearchIdentifier::Kind::Keywords;
            std::vector<const Node*> values;
            for (const Node* c : v->children) {
                if (c->kind == NodeKind::Sequence)
                    error("wrong-type", "a keyword list cannot contain a list", span(c));
                else
                    values.push_back(c);
            }
            if (v->children.empty())
                error("empty-search-identifier", "the search identifier '" + s.name + "' is an empty list", span(v));
            s.maps.push_back(keywordMap(values, v));
        } else {
            // a list mixing maps and keywords: OR of maps, keywords as one-item maps (pySigma does the same)
            s.kind = SearchIdentifier::Kind::ListOfMaps;
            warning("mixed-detection-list",
                    "the list of '" + s.name + "' mixes field mappings and keywords; split it in two", span(v));
            for (const Node* c : v->children) {
                if (c->kind == NodeKind::Map)
                    s.maps.push_back(detectionMap(c));
                else if (c->kind == NodeKind::Sequence)
                    error("wrong-type", "a detection list cannot contain a list", span(c));
                else {
                    auto dm = keywordMap({c}, c);
                    dm.items.front().valueIsList = false;
                    s.maps.push_back(std::move(dm));
                }
            }
        }
    } else if (v->kind == NodeKind::Scalar) {
        s.kind = SearchIdentifier::Kind::Keywords;
        s.maps.push_back(keywordMap({v}, v));
    } else {
        error("empty-search-identifier", "the search identifier '" + s.name + "' has no value", s.nameSpan);
    }
    return s;
}

Condition Converter::condition(const Node* n)
{
    Condition c;
    c.text = n->value;
    c.span = span(n);
    const auto offsets = yamltree::scalarOffsets(*n, m_text);
    const ConditionOffsetMapper mapper = [&](std::size_t off) {
        return m_lines.pos(offsets[std::min(off, offsets.size() - 1)]);
    };
    auto result = parseCondition(c.text, mapper, m_out.file);
    c.root = std::move(result.root);
    c.tokens = std::move(result.tokens);
    for (auto& d : result.diagnostics)
        m_out.diagnostics.push_back(std::move(d));
    return c;
}

/// Parses a detection-like mapping: search identifiers and 'condition' (rules and filters).
void Converter::detection(const Node* map, std::vector<SearchIdentifier>& identifiers,
                          std::vector<Condition>& conditions, std::string* timeframe, const std::set<std::string>& skip,
                          SourceSpan where)
{
    if (map->kind != NodeKind::Map) {
        error("wrong-type", "'detection' must be a mapping of search identifiers and a condition", span(map));
        return;
    }
    const Node* conditionNode = nullptr;
    const Node* conditionKey = nullptr;
    for (const auto& [k, v] : mapEntries(map)) {
        if (k->value == "condition") {
            conditionNode = v;
            conditionKey = k;
        } else if (k->value == "timeframe") {
            if (timeframe)
                scalarText(v, "timeframe", *timeframe);
            warning("deprecated-timeframe", "'timeframe' in detection is deprecated: use a correlation rule", span(k));
        } else if (!skip.count(k->value)) {
            identifiers.push_back(searchIdentifier(k, v));
        }
    }
    if (!conditionNode) {
        error("missing-condition", "the detection has no 'condition'", where);
        return;
    }
    if (conditionNode->kind == NodeKind::Scalar) {
        conditions.push_back(condition(conditionNode));
    } else if (conditionNode->kind == NodeKind::Sequence) {
        for (const Node* c : conditionNode->children) {
            if (c->kind == NodeKind::Scalar)
                conditions.push_back(condition(c));
            else
                error("wrong-type", "each condition of the list must be a string", span(c));
        }
    } else {
        error("missing-condition", "the condition is empty", span(conditionKey));
        return;
    }
    // references
    std::vector<std::string> names;
    for (const auto& s : identifiers)
        names.push_back(s.name);
    std::set<std::string> used;
    for (const auto& c : conditions) {
        if (!c.root)
            continue;
        checkReferences(*c.root, names, used);
    }
    if (std::any_of(conditions.begin(), conditions.end(), [](const Condition& c) { return !c.root; }))
        return; // do not report unused identifiers when a condition did not parse
    for (const auto& s : identifiers)
        if (!used.count(s.name))
            warning("unused-identifier", "the search identifier '" + s.name + "' is not used by the condition",
                    s.nameSpan);
}

void Converter::checkReferences(const ConditionNode& node, const std::vector<std::string>& names,
                                std::set<std::string>& used)
{
    switch (node.kind) {
    case ConditionNode::Kind::Identifier:
        if (std::find(names.begin(), names.end(), node.name) == names.end())
            error("undefined-identifier", "the condition refers to '" + node.name + "', which is not defined",
                  node.nameSpan);
        else
            used.insert(node.name);
        break;
    case ConditionNode::Kind::OneOf:
    case ConditionNode::Kind::AllOf: {
        const auto matched = expandConditionPattern(node.name, names);
        if (matched.empty())
            error("pattern-matches-nothing",
                  node.name == "them" ? std::string("'them' refers to no search identifier")
                                      : "no search identifier matches '" + node.name + "'",
                  node.nameSpan);
        used.insert(matched.begin(), matched.end());
        break;
    }
    default:
        for (const auto& c : node.children)
            checkReferences(c, names, used);
    }
}

Rule Converter::rule(const Entries& entries, const Node* root)
{
    Rule r;
    const SourceSpan docStart{m_lines.pos(root->begin), m_lines.pos(root->begin)};
    bool haveTitle = false, haveLogsource = false;
    for (const auto& [k, v] : entries) {
        const std::string& key = k->value;
        recordSpans(r, k, v);
        if (key == "title")
            haveTitle = scalarText(v, key, r.title);
        else if (key == "id")
            scalarText(v, key, r.id);
        else if (key == "name")
            scalarText(v, key, r.name);
        else if (key == "taxonomy")
            scalarText(v, key, r.taxonomy);
        else if (key == "status")
            scalarText(v, key, r.status);
        else if (key == "description")
            scalarText(v, key, r.description);
        else if (key == "license")
            scalarText(v, key, r.license);
        else if (key == "author")
            scalarText(v, key, r.author);
        else if (key == "date")
            scalarText(v, key, r.date);
        else if (key == "modified")
            scalarText(v, key, r.modified);
        else if (key == "level")
            scalarText(v, key, r.level);
        else if (key == "references")
            r.references = stringList(v, key);
        else if (key == "fields")
            r.fields = stringList(v, key);
        else if (key == "falsepositives")
            r.falsepositives = stringList(v, key);
        else if (key == "tags")
            r.tags = stringList(v, key, &r.tagSpans);
        else if (key == "scope")
            r.scope = stringList(v, key);
        else if (key == "related")
            r.related = related(v);
        else if (key == "logsource") {
            r.logsource = logsource(v);
            haveLogsource = true;
        } else if (key == "detection")
            detection(v, r.detection, r.conditions, &r.timeframe, {}, span(k));
        else
            r.custom.push_back(custom(k, v));
    }
    if (!haveTitle)
        error("missing-title", "the rule has no 'title'", docStart);
    if (!haveLogsource)
        error("missing-logsource", "the rule has no 'logsource'", docStart);
    return r;
}

std::vector<RelatedRule> Converter::related(const Node* v)
{
    std::vector<RelatedRule> out;
    if (v->kind != NodeKind::Sequence) {
        if (v->kind != NodeKind::Null)
            error("wrong-type", "'related' must be a list of {id, type} mappings", span(v));
        return out;
    }
    for (const Node* item : v->children) {
        if (item->kind != NodeKind::Map) {
            error("wrong-type", "each 'related' entry must be a mapping with 'id' and 'type'", span(item));
            continue;
        }
        RelatedRule rr;
        for (const auto& [k, val] : mapEntries(item)) {
            if (k->value == "id")
                scalarText(val, "related.id", rr.id);
            else if (k->value == "type")
                scalarText(val, "related.type", rr.type);
        }
        out.push_back(std::move(rr));
    }
    return out;
}

} // namespace sigma::reader
