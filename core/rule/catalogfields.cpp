// The "field-unknown-for-logsource" lookup backed by the event catalog (see lint.h).
#include "rule/lint.h"

#include "events/catalog.h"
#include "util/asciitext.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace sigma {
namespace {

/// category -> lower-case field names (event fields of every catalog entry of that category, plus
/// the System header fields).
using FieldTable = std::map<std::string, std::set<std::string>>;

std::shared_ptr<const FieldTable> buildTable()
{
    auto table = std::make_shared<FieldTable>();
    std::set<std::string> system;
    for (const auto& f : EventCatalog::systemFields())
        system.insert(asciiLowered(f));
    for (const auto& e : EventCatalog::all()) {
        if (e.logsource.empty())
            continue;
        auto& fields = (*table)[asciiLowered(e.logsource)];
        if (fields.empty())
            fields = system;
        for (const auto& f : e.fields)
            fields.insert(asciiLowered(f));
    }
    return table;
}

} // namespace

std::function<std::optional<bool>(const LogSource&, std::string_view field)> eventCatalogFieldLookup()
{
    static const std::shared_ptr<const FieldTable> table = buildTable();
    return [t = table](const LogSource& ls, std::string_view field) -> std::optional<bool> {
        if (asciiLowered(ls.product) != "windows" || ls.category.empty() || !ls.service.empty())
            return std::nullopt;
        const auto it = t->find(asciiLowered(ls.category));
        if (it == t->end())
            return std::nullopt;
        return it->second.count(asciiLowered(field)) > 0;
    };
}

} // namespace sigma
