#include "events/fieldname.h"

#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sigma::FieldNames {
namespace {

struct Table {
    std::shared_mutex mutex;
    std::deque<std::string> names; // stable storage, index = id
    std::vector<Id> keys;
    std::unordered_map<std::string_view, Id> ids;
};

Table& table()
{
    static Table t;
    return t;
}

/// The matching key's text: ASCII case folded and spaces removed, so that a rule's `SourceName`
/// finds Windows Defender's `Source Name` (docs/events.md, "Field names").
std::string folded(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == ' ')
            continue;
        out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

Id insertLocked(Table& t, std::string_view name)
{
    if (auto it = t.ids.find(name); it != t.ids.end())
        return it->second;
    const Id id = static_cast<Id>(t.names.size());
    t.names.emplace_back(name);
    t.keys.push_back(id);
    t.ids.emplace(t.names.back(), id);
    return id;
}

} // namespace

Id intern(std::string_view name)
{
    Table& t = table();
    {
        std::shared_lock lock(t.mutex);
        if (auto it = t.ids.find(name); it != t.ids.end())
            return it->second;
    }
    std::unique_lock lock(t.mutex);
    const Id id = insertLocked(t, name);
    const std::string fold = folded(name);
    const Id key = insertLocked(t, fold);
    t.keys[id] = key;
    t.keys[key] = key;
    return id;
}

Id key(Id id)
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    return id < t.keys.size() ? t.keys[id] : id;
}

std::string_view text(Id id)
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    return id < t.names.size() ? std::string_view(t.names[id]) : std::string_view();
}

} // namespace sigma::FieldNames
