// Sigma YAML -> model (rule/rule.h). See parser.h for the position conventions.
#include "rule/parser.h"

#include "rule/condition.h"
#include "rule/modifiers.h"
#include "rule/yamltree.h"
#include "util/asciitext.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

namespace sigma {
namespace {

using yamltree::Node;
using NodeKind = yamltree::Node::Kind;

// --- YAML 1.1 implicit typing of plain scalars (as PyYAML, which pySigma uses, resolves them) ----

bool resolveBool(std::string_view s, bool& out)
{
    static constexpr std::string_view yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static constexpr std::string_view no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (auto y : yes)
        if (s == y)
            return out = true, true;
    for (auto n : no)
        if (s == n)
            return out = false, true;
    return false;
}

bool resolveInt(std::string_view s, long long& out)
{
    if (s.empty())
        return false;
    bool negative = false;
    std::size_t i = 0;
    if (s[0] == '+' || s[0] == '-') {
        negative = s[0] == '-';
        i = 1;
    }
    std::string_view body = s.substr(i);
    if (body.empty())
        return false;
    auto digits = [](std::string_view d, int base, long long& value) {
        if (d.empty() || d.front() == '_')
            return false;
        unsigned long long v = 0;
        bool any = false;
        for (char c : d) {
            if (c == '_')
                continue;
            int x = -1;
            if (c >= '0' && c <= '9')
                x = c - '0';
            else if (c >= 'a' && c <= 'f')
                x = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                x = c - 'A' + 10;
            if (x < 0 || x >= base)
                return false;
            if (v > (~0ULL) / 16)
                return false; // overflow: keep it a string
            v = v * static_cast<unsigned>(base) + static_cast<unsigned>(x);
            any = true;
        }
        if (!any || v > static_cast<unsigned long long>(9223372036854775807LL))
            return false;
        value = static_cast<long long>(v);
        return true;
    };
    long long v = 0;
    bool ok = false;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'))
        ok = body[1] == 'x' && digits(body.substr(2), 16, v);
    else if (body.size() > 2 && body[0] == '0' && body[1] == 'b')
        ok = digits(body.substr(2), 2, v);
    else if (body.size() > 2 && body[0] == '0' && body[1] == 'o')
        ok = digits(body.substr(2), 8, v); // YAML 1.2 form, accepted too
    else if (body.size() > 1 && body[0] == '0' && body.find(':') == std::string_view::npos)
        ok = digits(body.substr(1), 8, v); // YAML 1.1 octal: 017
    else if (body.find(':') != std::string_view::npos) {
        // sexagesimal: [1-9][0-9_]*(:[0-5]?[0-9])+
        if (body[0] < '1' || body[0] > '9')
            return false;
        long long total = 0;
        std::size_t start = 0;
        bool first = true;
        while (start <= body.size()) {
            const auto colon = body.find(':', start);
            auto part = body.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
            long long pv = 0;
            if (!digits(part, 10, pv))
                return false;
            if (!first && (part.size() > 2 || pv > 59))
                return false;
            total = total * 60 + pv;
            first = false;
            if (colon == std::string_view::npos)
                break;
            start = colon + 1;
        }
        v = total;
        ok = true;
    } else {
        ok = isAsciiDigit(body[0]) && digits(body, 10, v);
    }
    if (!ok)
        return false;
    out = negative ? -v : v;
    return true;
}

bool resolveFloat(std::string_view s, double& out)
{
    // PyYAML: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    std::string_view body = s;
    bool negative = false;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
        negative = body[0] == '-';
        body.remove_prefix(1);
    }
    if (body == ".inf" || body == ".Inf" || body == ".INF")
        return out = negative ? -HUGE_VAL : HUGE_VAL, true;
    if (s == ".nan" || s == ".NaN" || s == ".NAN")
        return out = std::nan(""), true;
    std::size_t i = 0;
    std::string clean;
    while (i < body.size() && (isAsciiDigit(body[i]) || (i > 0 && body[i] == '_'))) {
        if (body[i] != '_')
            clean += body[i];
        ++i;
    }
    if (i >= body.size() || body[i] != '.')
        return false;
    clean += '.';
    ++i;
    while (i < body.size() && (isAsciiDigit(body[i]) || body[i] == '_')) {
        if (body[i] != '_')
            clean += body[i];
        ++i;
    }
    if (clean == ".")
        return false;
    if (i < body.size()) {
        if ((body[i] != 'e' && body[i] != 'E') || i + 2 >= body.size() || (body[i + 1] != '+' && body[i + 1] != '-'))
            return false;
        clean += body.substr(i, 2);
        i += 2;
        const std::size_t expStart = i;
        while (i < body.size() && isAsciiDigit(body[i]))
            clean += body[i++];
        if (i != body.size() || i == expStart)
            return false;
    }
    // from_chars, not strtod: the decimal point must not follow the process locale (the GUI runs
    // in the user's, where it may be ',').
    double v = 0;
    std::from_chars(clean.data(), clean.data() + clean.size(), v);
    out = negative ? -v : v;
    return true;
}

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

bool parseTimespan(const std::string& s, long long& seconds)
{
    if (s.size() < 2)
        return false;
    const char unit = s.back();
    const std::string num = s.substr(0, s.size() - 1);
    if (!std::all_of(num.begin(), num.end(), isAsciiDigit) || num.size() > 9)
        return false;
    const long long n = std::atoll(num.c_str());
    long long mult;
    switch (unit) {
    case 's':
        mult = 1;
        break;
    case 'm':
        mult = 60;
        break;
    case 'h':
        mult = 3600;
        break;
    case 'd':
        mult = 86400;
        break;
    case 'w':
        mult = 7 * 86400;
        break;
    case 'M':
        mult = 30 * 86400;
        break;
    case 'y':
        mult = 365 * 86400;
        break;
    default:
        return false;
    }
    seconds = n * mult;
    return n > 0;
}

class Converter {
public:
    Converter(ParsedFile& out, const yamltree::LineIndex& lines, const ParseOptions& options)
        : m_out(out)
        , m_text(out.text)
        , m_lines(lines)
        , m_options(options)
    {}

    void document(const yamltree::Document& doc, int index)
    {
        Document d;
        d.index = index;
        d.span = {m_lines.pos(doc.begin), m_lines.pos(doc.end)};
        const Node* root = doc.root;
        if (!root || root->kind == NodeKind::Null) {
            return; // an empty document (e.g. a trailing '---'): nothing to check
        }
        if (root->kind != NodeKind::Map) {
            error("not-a-mapping", "a Sigma document must be a mapping of keys to values", span(root));
            m_out.documents.push_back(std::move(d));
            return;
        }
        const auto entries = mapEntries(root);
        auto has = [&](std::string_view key) {
            return std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first->value == key; });
        };
        if (has("correlation"))
            d.content = correlation(entries, root);
        else if (has("filter") && !has("detection"))
            d.content = filter(entries, root);
        else if (has("detection"))
            d.content = rule(entries, root);
        else
            error("unknown-document",
                  "not a Sigma rule, correlation or filter: the document has no 'detection', 'correlation' or 'filter' "
                  "key",
                  {m_lines.pos(root->begin), m_lines.pos(root->begin)});
        m_out.documents.push_back(std::move(d));
    }

private:
    using Entries = std::vector<std::pair<const Node*, const Node*>>;

    SourceSpan span(const Node* n) const { return {m_lines.pos(n->begin), m_lines.pos(n->end)}; }
    SourceSpan spanOffsets(std::size_t b, std::size_t e) const { return {m_lines.pos(b), m_lines.pos(e)}; }

    void diag(Severity s, const char* code, std::string message, SourceSpan where)
    {
        m_out.diagnostics.push_back({s, code, std::move(message), m_out.file, where});
    }
    void error(const char* code, std::string message, SourceSpan where)
    {
        diag(Severity::Error, code, std::move(message), where);
    }
    void warning(const char* code, std::string message, SourceSpan where)
    {
        diag(Severity::Warning, code, std::move(message), where);
    }

    /// Key/value pairs of a map; non-scalar keys are reported and skipped, duplicates reported.
    Entries mapEntries(const Node* map)
    {
        Entries out;
        std::set<std::string_view> seen;
        for (std::size_t i = 0; i + 1 < map->children.size(); i += 2) {
            const Node* k = map->children[i];
            const Node* v = map->children[i + 1];
            if (k->kind != NodeKind::Scalar) {
                if (k->kind == NodeKind::Null)
                    error("wrong-type", "a key cannot be empty", span(k));
                else
                    error("wrong-type", "a key must be a plain scalar, not a list or a mapping", span(k));
                continue;
            }
            if (!seen.insert(k->value).second)
                warning("duplicate-key",
                        "the key '" + k->value + "' appears twice in this mapping; YAML readers keep only the last",
                        span(k));
            out.emplace_back(k, v);
        }
        return out;
    }

    bool scalarText(const Node* v, const std::string& key, std::string& out)
    {
        if (v->kind == NodeKind::Scalar) {
            out = v->value;
            return true;
        }
        if (v->kind == NodeKind::Null) {
            out.clear();
            return true;
        }
        error("wrong-type",
              "'" + key + "' must be a single value, not a " + (v->kind == NodeKind::Map ? "mapping" : "list"),
              span(v));
        return false;
    }

    /// A list of strings; a single scalar is accepted as a one-element list (with a warning).
    std::vector<std::string> stringList(const Node* v, const std::string& key, std::vector<SourceSpan>* spans = nullptr)
    {
        std::vector<std::string> out;
        if (v->kind == NodeKind::Null)
            return out;
        if (v->kind == NodeKind::Scalar) {
            warning("expected-list", "'" + key + "' should be a list", span(v));
            out.push_back(v->value);
            if (spans)
                spans->push_back(span(v));
            return out;
        }
        if (v->kind == NodeKind::Map) {
            error("wrong-type", "'" + key + "' must be a list of values, not a mapping", span(v));
            return out;
        }
        for (const Node* item : v->children) {
            if (item->kind == NodeKind::Scalar) {
                out.push_back(item->value);
                if (spans)
                    spans->push_back(span(item));
            } else if (item->kind != NodeKind::Null) {
                error("wrong-type", "the items of '" + key + "' must be single values", span(item));
            }
        }
        return out;
    }

    Value value(const Node* n)
    {
        Value v;
        v.span = span(n);
        if (n->kind == NodeKind::Null) {
            v.type = Value::Type::Null;
            return v;
        }
        v.text = n->value;
        v.quoted = n->tag != "?"; // quoted, block scalar or explicitly tagged: not typed implicitly
        const std::string& tag = n->tag;
        if (tag == "?") {
            if (n->value == "~" || n->value == "null" || n->value == "Null" || n->value == "NULL")
                v.type = Value::Type::Null;
            else if (resolveBool(n->value, v.boolValue))
                v.type = Value::Type::Boolean;
            else if (resolveInt(n->value, v.intValue)) {
                v.type = Value::Type::Integer;
                v.floatValue = static_cast<double>(v.intValue);
            } else if (resolveFloat(n->value, v.floatValue))
                v.type = Value::Type::Float;
        } else if (tag == "tag:yaml.org,2002:int" && resolveInt(n->value, v.intValue)) {
            v.type = Value::Type::Integer;
        } else if (tag == "tag:yaml.org,2002:float" && resolveFloat(n->value, v.floatValue)) {
            v.type = Value::Type::Float;
        } else if (tag == "tag:yaml.org,2002:bool" && resolveBool(n->value, v.boolValue)) {
            v.type = Value::Type::Boolean;
        } else if (tag == "tag:yaml.org,2002:null") {
            v.type = Value::Type::Null;
        }
        return v;
    }

    /// Re-emits a node as compact YAML (flow style), for custom attributes.
    void emit(const Node* n, std::string& out, int depth)
    {
        if (depth > m_options.maxDepth || out.size() > 65536) {
            out += "...";
            return;
        }
        switch (n->kind) {
        case NodeKind::Null:
            out += "null";
            break;
        case NodeKind::Scalar: {
            const bool plainSafe = n->tag == "?";
            if (plainSafe && !n->value.empty()) {
                out += n->value;
            } else {
                out += '"';
                for (char c : n->value) {
                    if (c == '"' || c == '\\')
                        out += '\\', out += c;
                    else if (c == '\n')
                        out += "\\n";
                    else if (c == '\t')
                        out += "\\t";
                    else
                        out += c;
                }
                out += '"';
            }
            break;
        }
        case NodeKind::Sequence:
            out += '[';
            for (std::size_t i = 0; i < n->children.size(); ++i) {
                if (i)
                    out += ", ";
                emit(n->children[i], out, depth + 1);
            }
            out += ']';
            break;
        case NodeKind::Map:
            out += '{';
            for (std::size_t i = 0; i + 1 < n->children.size(); i += 2) {
                if (i)
                    out += ", ";
                emit(n->children[i], out, depth + 1);
                out += ": ";
                emit(n->children[i + 1], out, depth + 1);
            }
            out += '}';
            break;
        }
    }

    CustomAttribute custom(const Node* k, const Node* v)
    {
        CustomAttribute c;
        c.key = k->value;
        emit(v, c.yaml, 0);
        c.span = {m_lines.pos(k->begin), m_lines.pos(std::max(k->end, v->end))};
        return c;
    }

    LogSource logsource(const Node* v)
    {
        LogSource ls;
        ls.span = span(v);
        if (v->kind != NodeKind::Map) {
            error("wrong-type", "'logsource' must be a mapping (category, product, service, definition)", span(v));
            return ls;
        }
        for (const auto& [k, val] : mapEntries(v)) {
            std::string text;
            if (!scalarText(val, "logsource." + k->value, text))
                continue;
            ls.valueSpans[k->value] = span(val);
            ls.keySpans[k->value] = span(k);
            if (k->value == "category")
                ls.category = text;
            else if (k->value == "product")
                ls.product = text;
            else if (k->value == "service")
                ls.service = text;
            else if (k->value == "definition")
                ls.definition = text;
        }
        return ls;
    }

    // --- detection -------------------------------------------------------------------------------

    void checkModifiers(DetectionItem& item, const Node* valueNode)
    {
        bool reSeen = false;
        const Modifier* terminal = nullptr;
        for (const auto& m : item.modifiers) {
            const ModifierInfo& info = modifierInfo(m.kind);
            const bool reFlag = info.role == ModifierRole::RegexFlag;
            if (reFlag && !reSeen)
                error("re-flag-without-re", "the regular expression flag '" + m.written + "' needs 're' before it",
                      m.span);
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

    DetectionItem detectionItem(const Node* k, const Node* v)
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

    DetectionMap detectionMap(const Node* map)
    {
        DetectionMap dm;
        dm.span = span(map);
        for (const auto& [k, v] : mapEntries(map))
            dm.items.push_back(detectionItem(k, v));
        if (map->children.empty())
            error("empty-search-identifier", "an empty mapping matches nothing", span(map));
        return dm;
    }

    DetectionMap keywordMap(const std::vector<const Node*>& values, const Node* whole)
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

    SearchIdentifier searchIdentifier(const Node* k, const Node* v)
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
                !v->children.empty() && std::all_of(v->children.begin(), v->children.end(),
                                                    [](const Node* c) { return c->kind == NodeKind::Map; });
            const bool anyMap = std::any_of(v->children.begin(), v->children.end(),
                                            [](const Node* c) { return c->kind == NodeKind::Map; });
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
                    error("empty-search-identifier", "the search identifier '" + s.name + "' is an empty list",
                          span(v));
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

    Condition condition(const Node* n)
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
    void detection(const Node* map, std::vector<SearchIdentifier>& identifiers, std::vector<Condition>& conditions,
                   std::string* timeframe, const std::set<std::string>& skip, SourceSpan where)
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
                warning("deprecated-timeframe", "'timeframe' in detection is deprecated: use a correlation rule",
                        span(k));
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

    void checkReferences(const ConditionNode& node, const std::vector<std::string>& names, std::set<std::string>& used)
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

    // --- documents -----------------------------------------------------------------------------------

    template <typename T>
    void recordSpans(T& model, const Node* k, const Node* v)
    {
        model.keySpans[k->value] = span(k);
        model.valueSpans[k->value] = span(v);
    }

    Rule rule(const Entries& entries, const Node* root)
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

    std::vector<RelatedRule> related(const Node* v)
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

    Correlation correlation(const Entries& entries, const Node* root)
    {
        Correlation c;
        const SourceSpan docStart{m_lines.pos(root->begin), m_lines.pos(root->begin)};
        bool haveTitle = false;
        for (const auto& [k, v] : entries) {
            const std::string& key = k->value;
            recordSpans(c, k, v);
            if (key == "title")
                haveTitle = scalarText(v, key, c.title);
            else if (key == "id")
                scalarText(v, key, c.id);
            else if (key == "name")
                scalarText(v, key, c.name);
            else if (key == "status")
                scalarText(v, key, c.status);
            else if (key == "level")
                scalarText(v, key, c.level);
            else if (key == "correlation")
                correlationBody(c, k, v);
            else
                c.custom.push_back(custom(k, v));
        }
        if (!haveTitle)
            error("missing-title", "the correlation has no 'title'", docStart);
        return c;
    }

    void correlationBody(Correlation& c, const Node* key, const Node* v)
    {
        if (v->kind != NodeKind::Map) {
            error("wrong-type", "'correlation' must be a mapping (type, rules, timespan, ...)", span(v));
            return;
        }
        static const std::set<std::string> types{"event_count", "value_count", "temporal",        "temporal_ordered",
                                                 "value_sum",   "value_avg",   "value_percentile"};
        bool haveType = false, haveRules = false, haveTimespan = false, haveCondition = false;
        SourceSpan conditionSpan;
        for (const auto& [k, val] : mapEntries(v)) {
            const std::string& name = k->value;
            c.keySpans["correlation." + name] = span(k);
            c.valueSpans["correlation." + name] = span(val);
            if (name == "type") {
                haveType = scalarText(val, "type", c.type);
                if (haveType && !types.count(c.type))
                    error("invalid-correlation-type",
                          "unknown correlation type '" + c.type +
                              "' (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, "
                              "value_percentile)",
                          span(val));
            } else if (name == "rules") {
                c.rules =
                    val->kind == NodeKind::Scalar ? std::vector<std::string>{val->value} : stringList(val, "rules");
                haveRules = !c.rules.empty();
            } else if (name == "group-by") {
                c.groupBy =
                    val->kind == NodeKind::Scalar ? std::vector<std::string>{val->value} : stringList(val, "group-by");
            } else if (name == "timespan" || name == "timeframe") {
                if (scalarText(val, name, c.timespan)) {
                    haveTimespan = true;
                    if (!parseTimespan(c.timespan, c.timespanSeconds))
                        error("bad-timespan",
                              "'" + c.timespan +
                                  "' is not a timespan: a positive number and a unit s, m, h, d, w, M or y (e.g. 15m)",
                              span(val));
                }
            } else if (name == "condition") {
                haveCondition = true;
                conditionSpan = span(val);
                correlationCondition(c, val);
            } else if (name == "aliases") {
                aliases(c, val);
            } else if (name == "generate") {
                const Value gv = value(val);
                if (gv.type != Value::Type::Boolean)
                    error("wrong-type", "'generate' must be true or false", span(val));
                c.generate = gv.boolValue;
            } else {
                warning("unknown-key", "unknown key '" + name + "' in 'correlation'", span(k));
            }
        }
        const SourceSpan where = span(key);
        if (!haveType)
            error("missing-correlation-type", "the correlation has no 'type'", where);
        if (!haveRules)
            error("missing-correlation-rules", "the correlation has no 'rules'", where);
        if (!haveTimespan)
            error("bad-timespan", "the correlation has no 'timespan'", where);
        const bool temporal = c.type == "temporal" || c.type == "temporal_ordered";
        if (!haveCondition && haveType && !temporal)
            error("missing-condition", "a '" + c.type + "' correlation needs a 'condition'", where);
        if (haveCondition && c.type.rfind("value_", 0) == 0 && c.conditionField.empty())
            error("missing-condition", "a '" + c.type + "' correlation needs 'field' in its condition", conditionSpan);
        if (c.type == "event_count" || temporal)
            if (!c.conditionField.empty())
                warning("unknown-key", "'field' has no meaning in a '" + c.type + "' condition", conditionSpan);
    }

    void correlationCondition(Correlation& c, const Node* v)
    {
        if (v->kind != NodeKind::Map) {
            error("wrong-type", "the correlation 'condition' must be a mapping such as {gte: 10}", span(v));
            return;
        }
        static const std::set<std::string> ops{"gt", "gte", "lt", "lte", "eq", "neq"};
        for (const auto& [k, val] : mapEntries(v)) {
            if (k->value == "field") {
                scalarText(val, "field", c.conditionField);
                continue;
            }
            if (!ops.count(k->value)) {
                error("invalid-correlation-condition",
                      "unknown operator '" + k->value + "' (gt, gte, lt, lte, eq, neq)", span(k));
                continue;
            }
            const Value cv = value(val);
            if (cv.type != Value::Type::Integer && cv.type != Value::Type::Float)
                error("invalid-correlation-condition", "the value of '" + k->value + "' must be a number", span(val));
            c.condition.push_back({k->value, cv.text, {m_lines.pos(k->begin), m_lines.pos(val->end)}});
        }
    }

    void aliases(Correlation& c, const Node* v)
    {
        if (v->kind != NodeKind::Map) {
            error("wrong-type", "'aliases' must map alias names to {rule: field} mappings", span(v));
            return;
        }
        for (const auto& [k, val] : mapEntries(v)) {
            if (val->kind != NodeKind::Map) {
                error("wrong-type", "the alias '" + k->value + "' must map rule names to field names", span(val));
                continue;
            }
            auto& target = c.aliases[k->value];
            for (const auto& [rk, rv] : mapEntries(val)) {
                std::string field;
                if (scalarText(rv, "alias field", field))
                    target[rk->value] = field;
            }
        }
    }

    Filter filter(const Entries& entries, const Node* root)
    {
        Filter f;
        const SourceSpan docStart{m_lines.pos(root->begin), m_lines.pos(root->begin)};
        bool haveTitle = false, haveLogsource = false;
        for (const auto& [k, v] : entries) {
            const std::string& key = k->value;
            recordSpans(f, k, v);
            if (key == "title")
                haveTitle = scalarText(v, key, f.title);
            else if (key == "id")
                scalarText(v, key, f.id);
            else if (key == "name")
                scalarText(v, key, f.name);
            else if (key == "description")
                scalarText(v, key, f.description);
            else if (key == "logsource") {
                f.logsource = logsource(v);
                haveLogsource = true;
            } else if (key == "filter") {
                if (v->kind == NodeKind::Map) {
                    bool haveRules = false;
                    for (const auto& [fk, fv] : mapEntries(v)) {
                        if (fk->value == "rules") {
                            f.rules = fv->kind == NodeKind::Scalar ? std::vector<std::string>{fv->value}
                                                                   : stringList(fv, "rules");
                            haveRules = true;
                        }
                    }
                    if (!haveRules)
                        error("missing-filter-rules", "the filter has no 'rules' (rule ids or names)", span(k));
                }
                detection(v, f.detection, f.conditions, nullptr, {"rules"}, span(k));
            } else
                f.custom.push_back(custom(k, v));
        }
        if (!haveTitle)
            error("missing-title", "the filter has no 'title'", docStart);
        if (!haveLogsource)
            error("missing-logsource", "the filter has no 'logsource'", docStart);
        return f;
    }

    ParsedFile& m_out;
    std::string_view m_text;
    const yamltree::LineIndex& m_lines;
    const ParseOptions& m_options;
};

} // namespace

ParsedFile parseRuleText(std::string text, std::string file, const ParseOptions& options)
{
    ParsedFile out;
    out.file = std::move(file);
    if (text.size() > options.maxBytes) {
        out.diagnostics.push_back(
            {Severity::Error,
             "file-too-large",
             "the file has " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(options.maxBytes),
             out.file,
             {{1, 1}, {1, 1}}});
        return out;
    }
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3);
    out.text = std::move(text);
    try {
        const yamltree::LineIndex lines(out.text);
        const yamltree::Limits limits{options.maxDepth, options.maxNodes};
        yamltree::Tree tree = yamltree::parse(out.text, lines, limits, out.file);
        out.diagnostics = std::move(tree.diagnostics);
        Converter converter(out, lines, options);
        for (std::size_t i = 0; i < tree.documents.size(); ++i)
            converter.document(tree.documents[i], static_cast<int>(i));
        if (tree.documents.empty() && out.diagnostics.empty())
            out.diagnostics.push_back(
                {Severity::Warning, "empty-file", "the file holds no YAML document", out.file, {{1, 1}, {1, 1}}});
    } catch (const std::exception& e) {
        out.diagnostics.push_back({Severity::Error,
                                   "internal-error",
                                   std::string("internal error: ") + e.what(),
                                   out.file,
                                   {{1, 1}, {1, 1}}});
    } catch (...) {
        out.diagnostics.push_back({Severity::Error, "internal-error", "internal error", out.file, {{1, 1}, {1, 1}}});
    }
    std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::pair(a.span.begin.line, a.span.begin.column) < std::pair(b.span.begin.line, b.span.begin.column);
    });
    return out;
}

ParsedFile parseRuleFile(const std::string& path, const ParseOptions& options)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back(
            {Severity::Error, "io-error", "cannot open the file: " + std::string(std::strerror(errno)), path, {}});
        return out;
    }
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0 && static_cast<std::size_t>(size) > options.maxBytes) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back({Severity::Error,
                                   "file-too-large",
                                   "the file has " + std::to_string(static_cast<long long>(size)) +
                                       " bytes; the limit is " + std::to_string(options.maxBytes),
                                   path,
                                   {{1, 1}, {1, 1}}});
        return out;
    }
    std::string text;
    if (size > 0)
        text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad() || (size < 0)) {
        ParsedFile out;
        out.file = path;
        out.diagnostics.push_back({Severity::Error, "io-error", "cannot read the file", path, {}});
        return out;
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parseRuleText(std::move(text), path, options);
}

const std::vector<DiagnosticCodeInfo>& parserDiagnosticCodes()
{
    static const std::vector<DiagnosticCodeInfo> codes{
        {"io-error", Severity::Error, "the file cannot be read"},
        {"file-too-large", Severity::Error, "the file is larger than the parser's limit (ParseOptions::maxBytes)"},
        {"yaml-syntax", Severity::Error, "the YAML does not parse"},
        {"yaml-too-deep", Severity::Error, "the YAML is nested deeper than the limit (ParseOptions::maxDepth)"},
        {"yaml-too-many-nodes", Severity::Error, "too many YAML nodes once aliases are expanded (alias bomb)"},
        {"yaml-alias", Severity::Error, "an alias refers to a node that contains it"},
        {"empty-file", Severity::Warning, "the file holds no YAML document"},
        {"not-a-mapping", Severity::Error, "a document is not a mapping"},
        {"unknown-document", Severity::Error, "a document is neither a rule, a correlation nor a filter"},
        {"duplicate-key", Severity::Warning, "a key appears twice in a mapping"},
        {"wrong-type", Severity::Error, "a value has the wrong YAML type (list where a string is expected, ...)"},
        {"expected-list", Severity::Warning, "a single value where the specification expects a list"},
        {"missing-title", Severity::Error, "no 'title'"},
        {"missing-logsource", Severity::Error, "no 'logsource'"},
        {"missing-condition", Severity::Error, "no condition (detection, or a correlation that needs one)"},
        {"deprecated-timeframe", Severity::Warning, "'timeframe' in detection (Sigma 1): use a correlation"},
        {"unknown-modifier", Severity::Error, "a modifier that Sigma v2.1 and pySigma do not define"},
        {"comparator-not-last", Severity::Error, "a modifier after gt/gte/lt/lte/cidr/exists/time parts or after re"},
        {"re-flag-without-re", Severity::Error, "i/m/s (ignorecase/multiline/dotall) without 're' before"},
        {"all-single-value", Severity::Error, "'all' on a single value"},
        {"re-non-string", Severity::Error, "'re' with a number, boolean or null"},
        {"invalid-regex", Severity::Error, "'re' with a regular expression that does not compile"},
        {"exists-not-boolean", Severity::Error, "'exists' with something other than true/false"},
        {"comparison-not-number", Severity::Error, "gt/gte/lt/lte or a time part with a non-number"},
        {"invalid-cidr", Severity::Error, "'cidr' with something that is not a network"},
        {"null-in-list", Severity::Error, "null inside a value list"},
        {"empty-value-list", Severity::Warning, "an empty value list"},
        {"empty-search-identifier", Severity::Error, "a search identifier with no value"},
        {"mixed-detection-list", Severity::Warning, "a list mixing field mappings and keywords"},
        {"condition-syntax", Severity::Error, "the condition does not parse"},
        {"condition-empty", Severity::Error, "the condition is empty"},
        {"condition-aggregation", Severity::Error, "the Sigma 1 aggregation syntax '| count() ...'"},
        {"undefined-identifier", Severity::Error, "the condition refers to an undefined search identifier"},
        {"pattern-matches-nothing", Severity::Error, "an x-of pattern or 'them' designates no search identifier"},
        {"unused-identifier", Severity::Warning, "a search identifier the condition does not use"},
        {"invalid-correlation-type", Severity::Error, "unknown correlation type"},
        {"missing-correlation-type", Severity::Error, "a correlation without 'type'"},
        {"missing-correlation-rules", Severity::Error, "a correlation without 'rules'"},
        {"bad-timespan", Severity::Error, "a missing or malformed correlation timespan"},
        {"invalid-correlation-condition", Severity::Error, "a correlation condition operator or value is invalid"},
        {"missing-filter-rules", Severity::Error, "a filter without 'rules'"},
        {"unknown-key", Severity::Warning, "an unknown key inside 'correlation'"},
        {"internal-error", Severity::Error, "a bug in the parser (please report it)"},
    };
    return codes;
}

} // namespace sigma
