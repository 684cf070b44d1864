#include "corpus/vendorindicators.h"

#include "util/asciitext.h"

#include <algorithm>
#include <array>

namespace sigma {

namespace {

bool isWildcardAt(const QueryValue& v, std::size_t i)
{
    return std::any_of(v.wildcards.begin(), v.wildcards.end(), [&](const QueryWildcard& w) { return w.pos == i; });
}

struct Statement {
    IndicatorKind kind = IndicatorKind::Eq;
    std::string value;
};

/// How a plain value (equality, possibly with wildcards) is stated, as extractIndicators() states
/// a Sigma plain value: a single leading / trailing `*` make ends_with / starts_with / contains.
Statement plainStatement(const QueryValue& v)
{
    if (v.type == QueryValue::Type::Null)
        return {IndicatorKind::Null, {}};
    if (v.type == QueryValue::Type::Field)
        return {IndicatorKind::FieldRef, v.text};
    if (v.wildcards.empty())
        return {IndicatorKind::Eq, sigmaEscaped(v.text)};
    const auto& w = v.wildcards;
    const std::size_t n = v.text.size();
    if (n == 1 && w.size() == 1 && w[0].any)
        return {IndicatorKind::Exists, "true"};
    if (w.size() == 1 && w[0].any && w[0].pos == n - 1)
        return {IndicatorKind::StartsWith, sigmaEscaped(std::string_view(v.text).substr(0, n - 1))};
    if (w.size() == 1 && w[0].any && w[0].pos == 0)
        return {IndicatorKind::EndsWith, sigmaEscaped(std::string_view(v.text).substr(1))};
    if (w.size() == 2 && n > 2 && w[0].any && w[1].any &&
        ((w[0].pos == 0 && w[1].pos == n - 1) || (w[1].pos == 0 && w[0].pos == n - 1)))
        return {IndicatorKind::Contains, sigmaEscaped(std::string_view(v.text).substr(1, n - 2))};
    return {IndicatorKind::Wildcard, sigmaPattern(v)};
}

/// The statement on the path field of a statement on its file-name alias (process.name = "x" is
/// Image ends_with "\x"); false when it has no path form.
bool onPath(Statement& s, const QueryValue& v, bool startsWithFunction)
{
    switch (s.kind) {
    case IndicatorKind::Eq:
        s.kind = IndicatorKind::EndsWith;
        s.value = sigmaEscaped("\\" + v.text);
        return true;
    case IndicatorKind::StartsWith:
        s.kind = IndicatorKind::Contains;
        s.value = sigmaEscaped("\\" + (startsWithFunction ? v.text : v.text.substr(0, v.text.size() - 1)));
        return true;
    case IndicatorKind::Wildcard: {
        QueryValue p;
        p.text = "*\\" + v.text;
        p.wildcards.push_back({0, true});
        for (const auto& w : v.wildcards)
            p.wildcards.push_back({w.pos + 2, w.any});
        s.value = sigmaPattern(p);
        return true;
    }
    case IndicatorKind::EndsWith: // a suffix of the name is a suffix of the path
    case IndicatorKind::Contains:
    case IndicatorKind::Exists:
    case IndicatorKind::Null:
        return true;
    default:
        return false;
    }
}

class Extractor {
public:
    Extractor(const ParsedQuery& query, const VendorIndicatorOptions& options, std::vector<Indicator>& out)
        : m_query(query)
        , m_map(options.fieldMap ? *options.fieldMap : FieldMap::builtin())
        , m_out(out)
    {
        m_scopes.push_back(options.scope);
    }

    void walk(const PredicateNode& n, bool excluded)
    {
        switch (n.kind) {
        case PredicateNode::Kind::And:
        case PredicateNode::Kind::Or:
        case PredicateNode::Kind::Sequence:
        case PredicateNode::Kind::Sample:
            for (const auto& c : n.children)
                walk(c, excluded);
            return;
        case PredicateNode::Kind::Not:
            for (const auto& c : n.children)
                walk(c, !excluded);
            return;
        case PredicateNode::Kind::Event: {
            FieldScope scope = m_scopes.front();
            const std::string category = sigmaCategoryOfEcs(n.category);
            if (!category.empty())
                scope.category = category;
            m_scopes.push_back(std::move(scope));
            const bool stops = n.role != PredicateNode::EventRole::Term;
            for (const auto& c : n.children)
                walk(c, stops ? !excluded : excluded);
            m_scopes.pop_back();
            return;
        }
        case PredicateNode::Kind::Opaque:
            return;
        case PredicateNode::Kind::Compare:
            compare(n, excluded);
            return;
        }
    }

private:
    Indicator base(const PredicateNode& n, bool excluded) const
    {
        Indicator ind;
        ind.writtenField = n.fieldAsWritten.empty() ? n.field : n.fieldAsWritten;
        ind.excluded = excluded;
        ind.cased = n.cased;
        if (n.cased)
            ind.transformations.emplace_back("cased");
        ind.fieldSpan = n.fieldSpan;
        ind.itemSpan = n.span;
        return ind;
    }

    void compare(const PredicateNode& n, bool excluded)
    {
        if (!n.onEventField)
            return;
        if (n.field.empty()) { // free text
            for (std::size_t i = 0; i < n.values.size(); ++i) {
                Indicator ind = base(n, excluded);
                ind.kind = IndicatorKind::Keyword;
                ind.value = n.values[i].wildcards.empty() ? sigmaEscaped(n.values[i].text) : sigmaPattern(n.values[i]);
                ind.writtenValue = n.values[i].text;
                ind.span = n.values[i].span;
                ind.valueIndex = i;
                m_out.push_back(std::move(ind));
            }
            return;
        }
        if (isVendorSelectorField(m_query.language, n.field))
            return;
        const FieldMap::Mapping mapping = m_map.lookup(n.field, m_scopes.back());
        if (isEventSelectorField(mapping.canonical))
            return;
        if (n.op == CompareOp::NotEquals)
            excluded = !excluded; // f != x excludes f = x
        if (n.op == CompareOp::Exists || n.op == CompareOp::IsNull) {
            Indicator ind = base(n, excluded);
            ind.field = mapping.canonical;
            ind.kind = n.op == CompareOp::Exists ? IndicatorKind::Exists : IndicatorKind::Null;
            ind.value = n.op == CompareOp::Exists ? "true" : "";
            ind.span = n.span;
            ind.cased = false;
            ind.transformations.clear();
            m_out.push_back(std::move(ind));
            return;
        }
        for (std::size_t i = 0; i < n.values.size(); ++i) {
            const QueryValue& v = n.values[i];
            Statement s;
            switch (n.op) {
            case CompareOp::Equals:
            case CompareOp::NotEquals:
                s = plainStatement(v);
                if (s.kind == IndicatorKind::FieldRef)
                    s.value = m_map.canonical(v.text, m_scopes.back());
                break;
            case CompareOp::Less:
                s = {IndicatorKind::Lt, v.text};
                break;
            case CompareOp::LessOrEqual:
                s = {IndicatorKind::Lte, v.text};
                break;
            case CompareOp::Greater:
                s = {IndicatorKind::Gt, v.text};
                break;
            case CompareOp::GreaterOrEqual:
                s = {IndicatorKind::Gte, v.text};
                break;
            case CompareOp::Contains:
                s = {IndicatorKind::Contains, sigmaEscaped(v.text)};
                break;
            case CompareOp::StartsWith:
                s = {IndicatorKind::StartsWith, sigmaEscaped(v.text)};
                break;
            case CompareOp::EndsWith:
                s = {IndicatorKind::EndsWith, sigmaEscaped(v.text)};
                break;
            case CompareOp::Regex:
                s = {IndicatorKind::RegexMatch, v.text};
                break;
            case CompareOp::Cidr:
                s = {IndicatorKind::Cidr, v.text};
                break;
            default:
                continue;
            }
            Indicator ind = base(n, excluded);
            ind.field = mapping.canonical;
            if (mapping.basename && !onPath(s, v, n.op == CompareOp::StartsWith))
                ind.field = n.field; // no path form (a regex on the file name): keep the vendor's field
            ind.kind = s.kind;
            ind.value = std::move(s.value);
            ind.writtenValue = v.text;
            ind.span = v.span;
            ind.valueIndex = i;
            if (v.type == QueryValue::Type::Number || v.type == QueryValue::Type::Boolean) {
                ind.cased = false;
                ind.transformations.clear();
            }
            m_out.push_back(std::move(ind));
        }
    }

    const ParsedQuery& m_query;
    const FieldMap& m_map;
    std::vector<Indicator>& m_out;
    std::vector<FieldScope> m_scopes;
};

bool equalsFolded(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && asciiLowered(a) == asciiLowered(b);
}

} // namespace

std::string sigmaEscaped(std::string_view literal)
{
    QueryValue v;
    v.text = std::string(literal);
    return sigmaPattern(v);
}

std::string sigmaPattern(const QueryValue& value)
{
    const std::string& t = value.text;
    std::string out;
    out.reserve(t.size() + 4);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (isWildcardAt(value, i)) {
            out += c == '%' ? '*' : c == '_' ? '?' : c;
            continue;
        }
        if (c == '*' || c == '?') {
            out += '\\';
            out += c;
        } else if (c == '\\') {
            const bool special = i + 1 < t.size() &&
                                 (isWildcardAt(value, i + 1) || t[i + 1] == '\\' || t[i + 1] == '*' || t[i + 1] == '?');
            out += special ? "\\\\" : "\\";
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<Indicator> queryIndicators(const ParsedQuery& query, const VendorIndicatorOptions& options)
{
    std::vector<Indicator> out;
    if (!query.analysed())
        return out;
    Extractor(query, options, out).walk(query.root, false);
    return out;
}

bool isVendorSelectorField(QueryLanguage language, std::string_view field)
{
    static constexpr std::array<std::string_view, 16> ecs = {
        "event.category",
        "event.type",
        "event.kind",
        "event.module",
        "event.dataset",
        "data_stream.dataset",
        "data_stream.namespace",
        "data_stream.type",
        "host.os.type",
        "host.os.family",
        "host.os.platform",
        "host.os.name",
        "os.type",
        "agent.type",
        "event.provider",
        "winlog.channel",
    };
    static constexpr std::array<std::string_view, 9> spl = {
        "index", "sourcetype", "source", "eventtype", "earliest", "latest", "nodename", "splunk_server", "tag",
    };
    if (language == QueryLanguage::Spl)
        return std::any_of(spl.begin(), spl.end(), [&](std::string_view s) { return equalsFolded(s, field); });
    return std::any_of(ecs.begin(), ecs.end(), [&](std::string_view s) { return equalsFolded(s, field); });
}

std::string sigmaCategoryOfEcs(std::string_view c)
{
    const std::string l = asciiLowered(c);
    if (l == "process")
        return "process_creation";
    if (l == "file")
        return "file_event";
    if (l == "registry")
        return "registry_event";
    if (l == "network")
        return "network_connection";
    if (l == "library")
        return "image_load";
    if (l == "dns")
        return "dns_query";
    if (l == "driver")
        return "driver_load";
    return {};
}

std::string sigmaCategoryOfDatamodel(std::string_view dm)
{
    std::string l = asciiLowered(dm);
    if (l.starts_with("datamodel="))
        l = l.substr(10);
    if (l == "endpoint.processes")
        return "process_creation";
    if (l == "endpoint.filesystem")
        return "file_event";
    if (l == "endpoint.registry")
        return "registry_event";
    if (l == "network_traffic.all_traffic" || l == "network_traffic")
        return "network_connection";
    if (l == "network_resolution.dns" || l == "network_resolution")
        return "dns_query";
    return {};
}

} // namespace sigma
