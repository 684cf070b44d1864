// The "field-unknown-for-logsource" lookup backed by the event catalog (see lint.h).
#include "rule/lint.h"

#include "events/catalog.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace sigma {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// category -> lower-case field names (event fields of every catalog entry of that category, plus
/// the System header fields).
using FieldTable = std::map<std::string, std::set<std::string>>;

std::shared_ptr<const FieldTable> buildTable()
{
    auto table = std::make_shared<FieldTable>();
    std::set<std::string> system;
    for (const auto& f : EventCatalog::systemFields())
        system.insert(lower(f));
    for (const auto& e : EventCatalog::all()) {
        if (e.logsource.empty())
            continue;
        auto& fields = (*table)[lower(e.logsource)];
        if (fields.empty())
            fields = system;
        for (const auto& f : e.fields)
            fields.insert(lower(f));
    }
    return table;
}

} // namespace

std::function<std::optional<bool>(const LogSource&, std::string_view field)> eventCatalogFieldLookup()
{
    static const std::shared_ptr<const FieldTable> table = buildTable();
    return [t = table](const LogSource& ls, std::string_view field) -> std::optional<bool> {
        if (lower(ls.product) != "windows" || ls.category.empty() || !ls.service.empty())
            return std::nullopt;
        const auto it = t->find(lower(ls.category));
        if (it == t->end())
            return std::nullopt;
        return it->second.count(lower(field)) > 0;
    };
}

} // namespace sigma
