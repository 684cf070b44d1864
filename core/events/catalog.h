#pragma once

// The built-in event catalog: what a Windows provider's EventID means and which fields its events
// carry (resources/data/event-catalog.txt), and CatalogEventRef, one event of it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// One entry of the built-in event catalog (resources/data/event-catalog.txt): what a
/// provider's EventID means and which fields its events carry (Sigma field names, as the
/// readers produce them for EventData/UserData).
struct CatalogEntry {
    std::string provider;  ///< e.g. "Microsoft-Windows-Sysmon"
    std::string channel;   ///< e.g. "Microsoft-Windows-Sysmon/Operational"
    std::string logsource; ///< Sigma logsource hint, e.g. "windows/process_creation" (may be empty)
    int eventId = 0;
    std::string title;               ///< e.g. "Process creation"
    std::vector<std::string> fields; ///< event-specific fields in their usual order
};

/// One event of the catalog (provider + EventID), e.g. Microsoft-Windows-Sysmon 3.
struct CatalogEventRef {
    std::string provider; ///< full provider name, e.g. "Microsoft-Windows-Security-Auditing"
    std::uint32_t eventId = 0;
    std::string title; ///< from the event catalog; may be empty

    /// The provider without "Microsoft-Windows-" ("Sysmon", "Security-Auditing").
    std::string shortProvider() const;
    /// "Provider/EventID", the form FieldScope::events uses.
    std::string key() const { return provider + '/' + std::to_string(eventId); }
    friend bool operator==(const CatalogEventRef& a, const CatalogEventRef& b)
    {
        return a.provider == b.provider && a.eventId == b.eventId;
    }
    friend bool operator<(const CatalogEventRef& a, const CatalogEventRef& b)
    {
        return a.provider != b.provider ? a.provider < b.provider : a.eventId < b.eventId;
    }
};

/// The event catalog. Provider names compare case-insensitively; common short aliases are
/// accepted ("Sysmon", "Security", "PowerShell" for the Microsoft-Windows-* providers).
namespace EventCatalog {

/// Every entry, ordered by provider then EventID.
const std::vector<CatalogEntry>& all();

/// The entry for provider + EventID; nullptr when unknown. When `channel` is given and the
/// provider is empty, the channel alone selects the entry (e.g. "Security" + 4688).
const CatalogEntry* find(std::string_view provider, int eventId, std::string_view channel = {});

/// The fields for provider + EventID, empty when unknown.
std::vector<std::string> fields(std::string_view provider, int eventId, std::string_view channel = {});

/// Every field name known for a provider (union over its EventIDs; all providers when empty),
/// sorted and unique; for completion in the editor.
std::vector<std::string> allFields(std::string_view provider = {});

/// Names of the System fields every Windows event has (Provider_Name, EventID, Channel, ...).
const std::vector<std::string>& systemFields();

} // namespace EventCatalog

} // namespace sigma
