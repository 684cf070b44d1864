#include "events/catalog.h"

#include "util/resources.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

namespace sigma::EventCatalog {

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        parts.push_back(trim(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start)));
        if (pos == std::string_view::npos)
            break;
        start = pos + 1;
    }
    return parts;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

struct ProviderAlias {
    std::string_view alias;
    std::string_view provider;
};
constexpr std::array providerAliases{
    ProviderAlias{"Sysmon", "Microsoft-Windows-Sysmon"},
    ProviderAlias{"Security", "Microsoft-Windows-Security-Auditing"},
    ProviderAlias{"Security-Auditing", "Microsoft-Windows-Security-Auditing"},
    ProviderAlias{"Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell"},
    ProviderAlias{"Windows PowerShell", "PowerShell"},
    ProviderAlias{"Eventlog", "Microsoft-Windows-Eventlog"},
    ProviderAlias{"SCM", "Service Control Manager"},
};

std::string_view canonicalProvider(std::string_view provider)
{
    for (const auto& a : providerAliases)
        if (equalsIgnoreCase(a.alias, provider))
            return a.provider;
    return provider;
}

std::vector<CatalogEntry> load()
{
    std::vector<CatalogEntry> entries;
    const auto text = resources::data("event-catalog.txt");
    if (!text)
        return entries;
    std::size_t start = 0;
    while (start < text->size()) {
        auto end = text->find('\n', start);
        if (end == std::string_view::npos)
            end = text->size();
        const std::string_view line = trim(text->substr(start, end - start));
        start = end + 1;
        if (line.empty() || line.front() == '#')
            continue;
        const auto parts = split(line, '|');
        if (parts.size() != 6)
            continue; // tested: every line of our file has six parts
        CatalogEntry e;
        e.provider = std::string(parts[0]);
        e.channel = std::string(parts[1]);
        const auto id = parts[2];
        if (std::from_chars(id.data(), id.data() + id.size(), e.eventId).ec != std::errc())
            continue;
        e.logsource = std::string(parts[3]);
        e.title = std::string(parts[4]);
        for (auto f : split(parts[5], ';'))
            if (!f.empty())
                e.fields.emplace_back(f);
        entries.push_back(std::move(e));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const CatalogEntry& a, const CatalogEntry& b) {
        return a.provider != b.provider ? a.provider < b.provider : a.eventId < b.eventId;
    });
    return entries;
}

} // namespace

const std::vector<CatalogEntry>& all()
{
    static const std::vector<CatalogEntry> entries = load();
    return entries;
}

const CatalogEntry* find(std::string_view provider, int eventId, std::string_view channel)
{
    provider = canonicalProvider(trim(provider));
    const CatalogEntry* byChannel = nullptr;
    for (const auto& e : all()) {
        if (e.eventId != eventId)
            continue;
        if (!provider.empty() && equalsIgnoreCase(e.provider, provider)) {
            if (channel.empty() || equalsIgnoreCase(e.channel, channel))
                return &e;
            byChannel = byChannel ? byChannel : &e;
        } else if (provider.empty() && !channel.empty() && equalsIgnoreCase(e.channel, channel) && !byChannel) {
            byChannel = &e;
        }
    }
    return byChannel;
}

std::vector<std::string> fields(std::string_view provider, int eventId, std::string_view channel)
{
    const CatalogEntry* e = find(provider, eventId, channel);
    return e ? e->fields : std::vector<std::string>();
}

std::vector<std::string> allFields(std::string_view provider)
{
    provider = canonicalProvider(trim(provider));
    std::set<std::string> names;
    for (const auto& e : all())
        if (provider.empty() || equalsIgnoreCase(e.provider, provider))
            names.insert(e.fields.begin(), e.fields.end());
    return {names.begin(), names.end()};
}

const std::vector<std::string>& systemFields()
{
    static const std::vector<std::string> names{"Provider_Name",
                                                "Provider_Guid",
                                                "EventID",
                                                "Version",
                                                "Level",
                                                "Task",
                                                "Opcode",
                                                "Keywords",
                                                "TimeCreated_SystemTime",
                                                "EventRecordID",
                                                "Correlation_ActivityID",
                                                "Correlation_RelatedActivityID",
                                                "Execution_ProcessID",
                                                "Execution_ThreadID",
                                                "Channel",
                                                "Computer",
                                                "Security_UserID"};
    return names;
}

} // namespace sigma::EventCatalog

namespace sigma {

std::string CatalogEventRef::shortProvider() const
{
    constexpr std::string_view prefix = "Microsoft-Windows-";
    if (provider.size() > prefix.size() && std::string_view(provider).substr(0, prefix.size()) == prefix)
        return provider.substr(prefix.size());
    return provider;
}

} // namespace sigma
