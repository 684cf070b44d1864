#include "corpus/vendorrule.h"

#include "corpus/vendorindicators.h"
#include "corpus/vendorrulesupport.h"
#include "events/catalog.h"
#include "util/asciitext.h"

#include <algorithm>
#include <set>

namespace sigma {

const char* ruleVendorName(RuleVendor vendor)
{
    switch (vendor) {
    case RuleVendor::Elastic:
        return "Elastic";
    case RuleVendor::Splunk:
        return "Splunk";
    case RuleVendor::Sigma:
        break;
    }
    return "Sigma";
}

const char* ruleVendorId(RuleVendor vendor)
{
    switch (vendor) {
    case RuleVendor::Elastic:
        return "elastic";
    case RuleVendor::Splunk:
        return "splunk";
    case RuleVendor::Sigma:
        break;
    }
    return "sigma";
}

bool ruleVendorFromName(std::string_view name, RuleVendor* vendor)
{
    const std::string l = asciiLowered(name);
    for (RuleVendor v : {RuleVendor::Sigma, RuleVendor::Elastic, RuleVendor::Splunk})
        if (l == ruleVendorId(v)) {
            *vendor = v;
            return true;
        }
    return false;
}

namespace {

/// Some line of `text` (without its '\n') passes `test`.
template <class Test>
bool anyLine(std::string_view text, Test&& test)
{
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto eol = text.find('\n', pos);
        if (test(text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos)))
            return true;
        if (eol == std::string_view::npos)
            break;
        pos = eol + 1;
    }
    return false;
}

/// Top-level mapping keys of a YAML file (lines starting in column 1 with `key:`).
bool hasTopLevelKey(std::string_view text, std::string_view key)
{
    return anyLine(text, [&](std::string_view line) {
        return line.substr(0, key.size()) == key && line.size() > key.size() && line[key.size()] == ':';
    });
}

bool hasTomlTable(std::string_view text, std::string_view header)
{
    return anyLine(text, [&](std::string_view line) {
        const auto first = line.find_first_not_of(" \t");
        return first != std::string_view::npos && line.substr(first, header.size()) == header;
    });
}

} // namespace

RuleFileKind detectRuleFile(const std::filesystem::path& path, std::string_view text)
{
    const std::string ext = asciiLowered(path.extension().string());
    if (ext == ".toml")
        return hasTomlTable(text, "[rule]") ? RuleFileKind::Elastic : RuleFileKind::NotARule;
    if (hasTopLevelKey(text, "detection") || hasTopLevelKey(text, "correlation") || hasTopLevelKey(text, "filter"))
        return RuleFileKind::Sigma;
    if (hasTopLevelKey(text, "search") && !hasTopLevelKey(text, "title"))
        return RuleFileKind::Splunk;
    if (hasTopLevelKey(text, "definition") && hasTopLevelKey(text, "name") && !hasTopLevelKey(text, "title"))
        return RuleFileKind::SplunkMacro;
    if (hasTopLevelKey(text, "name") && !hasTopLevelKey(text, "title"))
        return RuleFileKind::NotARule;
    return RuleFileKind::Sigma; // the Sigma reader says what is wrong with it
}

CatalogEventRef catalogEventOfSplunkDataSource(std::string_view ds)
{
    CatalogEventRef ref;
    const auto space = ds.find_last_of(' ');
    if (space == std::string_view::npos)
        return ref;
    const std::string_view number = ds.substr(space + 1);
    if (number.empty() || number.size() > 6 ||
        !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return ref;
    const int id = std::stoi(std::string(number));
    const std::string head = asciiLowered(ds.substr(0, space));
    std::string provider, channel;
    if (head == "sysmon eventid")
        provider = "Microsoft-Windows-Sysmon";
    else if (head == "windows event log security")
        provider = "Microsoft-Windows-Security-Auditing";
    else if (head == "powershell script block logging" || head == "powershell module logging")
        provider = "Microsoft-Windows-PowerShell";
    else if (head == "windows event log system")
        channel = "System";
    else if (head == "windows event log application")
        channel = "Application";
    else
        return ref;
    const CatalogEntry* entry = EventCatalog::find(provider, id, provider.empty() ? channel : std::string());
    if (!entry && provider.empty())
        return ref;
    ref.provider = entry ? entry->provider : provider;
    ref.eventId = static_cast<std::uint32_t>(id);
    if (entry)
        ref.title = entry->title;
    return ref;
}

namespace vendorrule {

namespace {

void gather(const PredicateNode& n, bool negated, Evidence& ev)
{
    switch (n.kind) {
    case PredicateNode::Kind::Not:
        for (const auto& c : n.children)
            gather(c, !negated, ev);
        return;
    case PredicateNode::Kind::Event:
        if (!negated && n.role == PredicateNode::EventRole::Term && n.category != "any")
            ev.ecsCategories.insert(asciiLowered(n.category));
        for (const auto& c : n.children)
            gather(c, negated || n.role != PredicateNode::EventRole::Term, ev);
        return;
    case PredicateNode::Kind::Compare: {
        if (negated || (n.op != CompareOp::Equals) || n.field.empty())
            return;
        const std::string f = asciiLowered(n.field);
        for (const auto& v : n.values) {
            if (v.isPattern())
                continue;
            const std::string value = asciiLowered(v.text);
            if (f == "event.category")
                ev.ecsCategories.insert(value);
            else if (f == "host.os.type" || f == "os.type" || f == "host.os.family")
                ev.os = value;
            else if (f == "event.code" || f == "eventcode" || f == "eventid" || f == "winlog.event_id") {
                if (!value.empty() && value.size() < 7 &&
                    std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
                    ev.eventCodes.insert(static_cast<std::uint32_t>(std::stoul(value)));
            } else if (f == "event.provider" || f == "winlog.provider_name") {
                ev.providers.insert(v.text);
            } else if (f == "winlog.channel" || f == "channel") {
                if (value == "security")
                    ev.providers.insert("Microsoft-Windows-Security-Auditing");
                else if (value.find("sysmon") != std::string::npos)
                    ev.providers.insert("Microsoft-Windows-Sysmon");
                else if (value.find("powershell") != std::string::npos)
                    ev.providers.insert("Microsoft-Windows-PowerShell");
            }
        }
        return;
    }
    default:
        for (const auto& c : n.children)
            gather(c, negated, ev);
        return;
    }
}

} // namespace

Evidence evidenceOf(const ParsedQuery& query)
{
    Evidence ev;
    if (query.analysed())
        gather(query.root, false, ev);
    return ev;
}

void finish(CorpusRule& cr, VendorRule& vr, const Evidence& ev, const VendorReadOptions& options)
{
    // Log-source categories, one per distinct event category (an EQL sequence may have several).
    std::set<std::string> categories;
    for (const auto& c : ev.sigmaCategories)
        categories.insert(c);
    for (const auto& c : ev.ecsCategories)
        if (auto s = sigmaCategoryOfEcs(c); !s.empty())
            categories.insert(s);
    vr.categories.assign(categories.begin(), categories.end());
    if (vr.os.empty())
        vr.os = ev.os;
    cr.logsource.product = vr.os;
    if (vr.categories.size() == 1)
        cr.logsource.category = vr.categories.front();

    std::set<CatalogEventRef> events(ev.explicitEvents.begin(), ev.explicitEvents.end());
    if (vr.os == "windows") {
        for (const auto& c : vr.categories) {
            LogSource ls;
            ls.product = "windows";
            ls.category = c;
            for (auto& e : catalogEventsFor(ls, ev.eventCodes, ev.providers))
                events.insert(std::move(e));
        }
        if (vr.categories.empty() && !ev.eventCodes.empty()) {
            LogSource ls;
            ls.product = "windows";
            std::set<std::string> providers = ev.providers;
            if (providers.empty()) // the catalog's provider, when one has that EventID
                for (auto id : ev.eventCodes) {
                    std::set<std::string> seen;
                    for (const auto& entry : EventCatalog::all())
                        if (entry.eventId == static_cast<int>(id))
                            seen.insert(entry.provider);
                    if (seen.size() == 1)
                        providers.insert(*seen.begin());
                }
            for (auto& e : catalogEventsFor(ls, ev.eventCodes, providers))
                events.insert(std::move(e));
        }
    }
    // A provider the rule names (event.provider, the index) narrows the log source's events.
    if (!ev.providers.empty()) {
        std::set<CatalogEventRef> named;
        for (const auto& e : events)
            if (ev.providers.count(e.provider) || ev.explicitEvents.count(e))
                named.insert(e);
        if (!named.empty())
            events = std::move(named);
    }
    cr.events.assign(events.begin(), events.end());

    VendorIndicatorOptions io;
    io.fieldMap = options.fieldMap;
    io.scope.category = cr.logsource.category;
    for (const auto& e : cr.events)
        io.scope.events.push_back(e.key());
    cr.indicators = queryIndicators(vr.parsed, io);
    cr.language = vr.languageName;
    cr.ruleType = vr.ruleType;
    cr.queryAnalysed = vr.hasQuery && vr.parsed.analysed();
}

void addTechnique(CorpusRule& cr, std::string id)
{
    id = asciiUppered(id);
    const bool valid =
        id.size() >= 5 && id[0] == 'T' &&
        std::all_of(id.begin() + 1, id.begin() + 5, [](char c) { return c >= '0' && c <= '9'; }) &&
        (id.size() == 5 || (id.size() == 9 && id[5] == '.' &&
                            std::all_of(id.begin() + 6, id.end(), [](char c) { return c >= '0' && c <= '9'; })));
    if (valid && std::find(cr.techniques.begin(), cr.techniques.end(), id) == cr.techniques.end())
        cr.techniques.push_back(std::move(id));
}

Diagnostic notAnalysedWarning(const Diagnostic& error)
{
    Diagnostic d = error;
    d.severity = Severity::Warning;
    d.code = "query-not-analysed";
    d.message = "query not analysed: " + error.message;
    return d;
}

} // namespace vendorrule

} // namespace sigma
