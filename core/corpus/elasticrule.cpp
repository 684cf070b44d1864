// Elastic detection-rules TOML files (toml++), with the query string's bytes mapped back to the
// file through TOML's quoting so that every predicate is located in the .toml file.

#include "corpus/vendorindicators.h"
#include "corpus/vendorrulesupport.h"
#include "query/treebuild.h"
#include "rule/yamltree.h"
#include "util/asciitext.h"
#include "util/hexdigit.h"

#include <toml++/toml.h>

#include <optional>

namespace sigma {

namespace {

struct MappedString {
    std::string value;
    std::vector<std::size_t> offsets; ///< per byte of value, plus the end
};

/// The TOML string starting at `at` (its opening quote) with the file offset of each value byte:
/// '''literal''', """basic""" (escapes, line-ending backslashes), 'literal', "basic".
std::optional<MappedString> tomlString(std::string_view t, std::size_t at)
{
    MappedString out;
    auto put = [&](char c, std::size_t from) {
        out.value += c;
        out.offsets.push_back(from);
    };
    const bool multi = t.substr(at, 3) == "'''" || t.substr(at, 3) == "\"\"\"";
    if (at >= t.size() || (t[at] != '\'' && t[at] != '"'))
        return std::nullopt;
    const char q = t[at];
    const bool literal = q == '\'';
    std::size_t p = at + (multi ? 3 : 1);
    if (multi) { // a newline right after the opening delimiter is trimmed
        if (t.substr(p, 2) == "\r\n")
            p += 2;
        else if (p < t.size() && t[p] == '\n')
            ++p;
    }
    while (true) {
        if (p >= t.size())
            return std::nullopt;
        const char c = t[p];
        if (c == q) {
            if (!multi)
                break;
            if (t.substr(p, 3) == std::string(3, q)) {
                // up to two more quotes before the closing delimiter belong to the value
                std::size_t extra = 0;
                while (extra < 2 && p + 3 + extra < t.size() && t[p + 3 + extra] == q)
                    ++extra;
                for (std::size_t i = 0; i < extra; ++i)
                    put(q, p + i);
                p += extra;
                break;
            }
        }
        if (!multi && c == '\n')
            return std::nullopt;
        if (literal || c != '\\') {
            put(c, p++);
            continue;
        }
        const char e = p + 1 < t.size() ? t[p + 1] : '\0';
        switch (e) {
        case 'b':
            put('\b', p);
            break;
        case 't':
            put('\t', p);
            break;
        case 'n':
            put('\n', p);
            break;
        case 'f':
            put('\f', p);
            break;
        case 'r':
            put('\r', p);
            break;
        case 'e':
            put('\x1b', p);
            break;
        case '"':
        case '\\':
            put(e, p);
            break;
        case 'u':
        case 'U': {
            const std::size_t n = e == 'u' ? 4 : 8;
            std::uint32_t cp = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const int h = p + 2 + i < t.size() ? asciiHexValue(t[p + 2 + i]) : -1;
                if (h < 0)
                    return std::nullopt;
                cp = (cp << 4) | static_cast<std::uint32_t>(h);
            }
            std::string bytes;
            if (!querytree::appendUtf8(bytes, cp))
                return std::nullopt;
            for (char b : bytes)
                put(b, p);
            p += 2 + n;
            continue;
        }
        default: {
            // line-ending backslash: trims whitespace and newlines up to the next character
            std::size_t r = p + 1;
            while (r < t.size() && (t[r] == ' ' || t[r] == '\t'))
                ++r;
            if (!multi || (r < t.size() && t[r] != '\n' && t[r] != '\r'))
                return std::nullopt;
            while (r < t.size() && (t[r] == ' ' || t[r] == '\t' || t[r] == '\n' || t[r] == '\r'))
                ++r;
            p = r;
            continue;
        }
        }
        p += 2;
    }
    out.offsets.push_back(p);
    return out;
}

/// The byte offset of a toml++ position (line and column in code points, 1-based).
std::size_t offsetOf(std::string_view t, const yamltree::LineIndex& lines, const toml::source_position& pos)
{
    std::size_t p = lines.lineStart(static_cast<int>(pos.line) - 1);
    for (std::size_t col = 1; col < pos.column && p < t.size() && t[p] != '\n'; ++col) {
        ++p;
        while (p < t.size() && (static_cast<unsigned char>(t[p]) & 0xC0) == 0x80)
            ++p;
    }
    return p;
}

std::vector<std::string> stringArray(const toml::node_view<const toml::node>& node)
{
    std::vector<std::string> out;
    if (const auto* arr = node.as_array())
        for (const auto& el : *arr)
            if (auto s = el.value<std::string>())
                out.push_back(*s);
    return out;
}

std::string osFromTags(const std::vector<std::string>& tags)
{
    for (const auto& tag : tags) {
        const std::string l = asciiLowered(tag);
        if (l == "os: windows")
            return "windows";
        if (l == "os: linux")
            return "linux";
        if (l == "os: macos")
            return "macos";
    }
    return {};
}

void evidenceFromIndex(const std::vector<std::string>& index, vendorrule::Evidence& ev, std::string& os)
{
    for (const auto& pattern : index) {
        const std::string l = asciiLowered(pattern);
        if (l.find("sysmon_operational") != std::string::npos)
            ev.providers.insert("Microsoft-Windows-Sysmon");
        if (l.find("system.security") != std::string::npos)
            ev.providers.insert("Microsoft-Windows-Security-Auditing");
        if (l.find("windows.powershell") != std::string::npos)
            ev.providers.insert("Microsoft-Windows-PowerShell");
        if (os.empty() && (l.starts_with("winlogbeat") || l.find("logs-windows.") != std::string::npos ||
                           l.find("logs-system.security") != std::string::npos))
            os = "windows";
        // Elastic Defend data streams: logs-endpoint.events.<category>-*
        constexpr std::string_view defend = "logs-endpoint.events.";
        if (l.starts_with(defend)) {
            std::string c = l.substr(defend.size());
            c = c.substr(0, c.find_first_of("-*"));
            if (!sigmaCategoryOfEcs(c).empty())
                ev.ecsCategories.insert(c);
        }
    }
}

} // namespace

VendorFileResult readElasticRule(const std::string& file, std::string_view text, const VendorReadOptions& options)
{
    VendorFileResult result;
    toml::table doc;
    try {
        doc = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        result.diagnostics.push_back(makeDiagnostic(Severity::Error, "toml-syntax", std::string(e.description()), file,
                                                    {{static_cast<int>(b.line), static_cast<int>(b.column)},
                                                     {static_cast<int>(b.line), static_cast<int>(b.column) + 1}}));
        result.broken = true;
        return result;
    }
    const toml::node_view<const toml::node> rule = std::as_const(doc)["rule"];
    if (!rule.is_table()) {
        result.skipped = true;
        return result;
    }
    const std::string maturity = std::as_const(doc)["metadata"]["maturity"].value_or(std::string());
    if (!options.includeDeprecated && maturity == "deprecated") {
        result.skipped = true;
        return result;
    }

    auto vr = std::make_shared<VendorRule>();
    vr->vendor = RuleVendor::Elastic;
    vr->ruleType = rule["type"].value_or(std::string());
    vr->index = stringArray(rule["index"]);

    CorpusRule cr;
    cr.file = file;
    cr.vendor = ruleVendorName(RuleVendor::Elastic);
    cr.id = rule["rule_id"].value_or(std::string());
    cr.title = rule["name"].value_or(std::string());
    cr.level = rule["severity"].value_or(std::string());
    cr.status = maturity;
    for (const auto& a : stringArray(rule["author"]))
        cr.author += (cr.author.empty() ? "" : ", ") + a;
    if (cr.id.empty()) {
        result.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "elastic-rule", "[rule] has no rule_id", file, {{1, 1}, {1, 2}}));
        result.broken = true;
        return result;
    }
    if (const auto* threats = rule["threat"].as_array())
        for (const auto& threat : *threats) {
            const auto* techniques = threat.as_table() ? (*threat.as_table())["technique"].as_array() : nullptr;
            if (!techniques)
                continue;
            for (const auto& tech : *techniques) {
                const auto* t = tech.as_table();
                if (!t)
                    continue;
                vendorrule::addTechnique(cr, (*t)["id"].value_or(std::string()));
                if (const auto* subs = (*t)["subtechnique"].as_array())
                    for (const auto& sub : *subs)
                        if (const auto* st = sub.as_table())
                            vendorrule::addTechnique(cr, (*st)["id"].value_or(std::string()));
            }
        }

    vendorrule::Evidence ev;
    vr->os = osFromTags(stringArray(rule["tags"]));
    evidenceFromIndex(vr->index, ev, vr->os);

    const std::string language = rule["language"].value_or(std::string());
    QueryLanguage lang{};
    const toml::node* queryNode = rule["query"].node();
    if (queryNode && queryNode->is_string() && queryLanguageFromName(language, &lang)) {
        vr->hasQuery = true;
        vr->languageName = language;
        vr->query = *queryNode->value<std::string>();
        const yamltree::LineIndex lines(text);
        const std::size_t at = offsetOf(text, lines, queryNode->source().begin);
        auto mapped = tomlString(text, at);
        std::vector<std::size_t> offsets;
        if (mapped && mapped->value == vr->query)
            offsets = std::move(mapped->offsets);
        else
            offsets.assign(vr->query.size() + 1, at); // unusual quoting: every position at the string
        QuerySource source(vr->query, file, text, std::move(offsets));
        vr->querySpan = source.span(0, vr->query.size());
        QueryOptions qo;
        vr->parsed = parseQuery(lang, source, qo);
        for (const auto& d : vr->parsed.diagnostics)
            if (d.severity == Severity::Error)
                result.diagnostics.push_back(vendorrule::notAnalysedWarning(d));
        const auto qev = vendorrule::evidenceOf(vr->parsed);
        ev.ecsCategories.insert(qev.ecsCategories.begin(), qev.ecsCategories.end());
        ev.eventCodes = qev.eventCodes;
        ev.providers.insert(qev.providers.begin(), qev.providers.end());
        if (!qev.os.empty())
            ev.os = qev.os;
    } else if (!language.empty()) {
        vr->languageName = language;
    }
    vendorrule::finish(cr, *vr, ev, options);
    cr.vendorRule = std::move(vr);
    result.rules.push_back(std::move(cr));
    return result;
}

} // namespace sigma
