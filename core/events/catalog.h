#pragma once

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
