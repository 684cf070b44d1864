#include "engine/logsourcefields.h"

#include "events/catalog.h"
#include "util/asciitext.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace sigma {

std::optional<std::vector<std::string>> catalogFieldsFor(const LogSource& logsource, const LogSourceTable& table)
{
    bool known = false;
    const auto rows = table.lookup(asciiLowered(logsource.product), asciiLowered(logsource.category),
                                   asciiLowered(logsource.service), known);
    if (!known)
        return std::nullopt;
    std::set<std::string> fields;
    for (const LogSourceEntry* row : rows) {
        if (row->eventIds.empty()) {
            if (!row->provider.empty())
                for (auto& f : EventCatalog::allFields(row->provider))
                    fields.insert(std::move(f));
            continue;
        }
        for (const std::uint32_t id : row->eventIds)
            for (auto& f : EventCatalog::fields(row->provider, static_cast<int>(id), row->channel))
                fields.insert(std::move(f));
    }
    if (fields.empty())
        return std::nullopt;
    for (const auto& f : EventCatalog::systemFields())
        fields.insert(f);
    return std::vector<std::string>(fields.begin(), fields.end());
}

std::function<std::optional<bool>(const LogSource&, std::string_view field)>
eventCatalogFieldLookup(const LogSourceTable& table)
{
    // category -> lower-case fields (nullopt: unknown), filled as categories are asked for; the
    // linter may run on several threads.
    struct Cache {
        std::mutex mutex;
        std::map<std::string, std::optional<std::set<std::string>>> byCategory;
    };
    // The table is shared, not captured by value: callers copy the function for every lint (the live
    // analysis does per keystroke), and each copy copied the table's entries.
    return [table = std::make_shared<const LogSourceTable>(table),
            cache = std::make_shared<Cache>()](const LogSource& ls, std::string_view field) -> std::optional<bool> {
        if (!asciiEqualsIgnoringCase(ls.product, "windows") || ls.category.empty() || !ls.service.empty())
            return std::nullopt;
        const std::string category = asciiLowered(ls.category);
        const std::lock_guard lock(cache->mutex);
        auto it = cache->byCategory.find(category);
        if (it == cache->byCategory.end()) {
            std::optional<std::set<std::string>> lowered;
            if (const auto fields = catalogFieldsFor(ls, *table)) {
                lowered.emplace();
                for (const auto& f : *fields)
                    lowered->insert(asciiLowered(f));
            }
            it = cache->byCategory.emplace(category, std::move(lowered)).first;
        }
        if (!it->second)
            return std::nullopt;
        return it->second->count(asciiLowered(field)) > 0;
    };
}

} // namespace sigma
