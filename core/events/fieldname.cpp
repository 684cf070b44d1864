#include "events/fieldname.h"

#include <deque>
#include <shared_mutex>
#include <string>
#include <utility>

namespace sigma {
namespace {

using FieldNames::Id;

struct Entry {
    std::string text;
    Id key = 0;
    std::uint32_t references = 0; ///< FieldNameSets holding the name
    bool permanent = false;       ///< interned by the program itself
};

struct Table {
    std::shared_mutex mutex;
    std::deque<Entry> entries; // stable storage, index = id
    std::vector<Id> freeIds;
    std::unordered_map<std::string_view, Id> ids; // views into entries[].text
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

Id findOrInsertLocked(Table& t, std::string_view name)
{
    if (auto it = t.ids.find(name); it != t.ids.end())
        return it->second;
    Id id;
    if (!t.freeIds.empty()) {
        id = t.freeIds.back();
        t.freeIds.pop_back();
    } else {
        id = static_cast<Id>(t.entries.size());
        t.entries.emplace_back();
    }
    Entry& e = t.entries[id];
    e.text.assign(name);
    e.key = id;
    e.references = 0;
    e.permanent = false;
    t.ids.emplace(e.text, id);
    return id;
}

/// The name and its key, inserted when new.
FieldNameSet::Name insertLocked(Table& t, std::string_view name)
{
    const Id id = findOrInsertLocked(t, name);
    const std::string fold = folded(name);
    const Id key = fold == name ? id : findOrInsertLocked(t, fold);
    t.entries[id].key = key;
    return {id, key};
}

void releaseLocked(Table& t, Id id)
{
    Entry& e = t.entries[id];
    if (--e.references > 0 || e.permanent)
        return;
    t.ids.erase(std::string_view(e.text));
    std::string().swap(e.text);
    t.freeIds.push_back(id);
}

thread_local std::shared_ptr<FieldNameSet> currentSet;

} // namespace

namespace FieldNames {

Id intern(std::string_view name)
{
    Table& t = table();
    {
        std::shared_lock lock(t.mutex);
        if (auto it = t.ids.find(name); it != t.ids.end()) {
            const Entry& e = t.entries[it->second];
            if (e.permanent && t.entries[e.key].permanent)
                return it->second;
        }
    }
    std::unique_lock lock(t.mutex);
    const auto name2 = insertLocked(t, name);
    t.entries[name2.id].permanent = true;
    t.entries[name2.key].permanent = true;
    return name2.id;
}

Id key(Id id)
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    return id < t.entries.size() ? t.entries[id].key : id;
}

Id findKey(std::string_view name)
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    if (auto it = t.ids.find(name); it != t.ids.end())
        return t.entries[it->second].key;
    // Another spelling of an interned key ("IMAGE" for "Image"): its folded text is the key.
    if (auto it = t.ids.find(folded(name)); it != t.ids.end())
        return it->second;
    return kNone;
}

std::string_view text(Id id)
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    return id < t.entries.size() ? std::string_view(t.entries[id].text) : std::string_view();
}

Stats stats()
{
    Table& t = table();
    std::shared_lock lock(t.mutex);
    return Stats{t.ids.size(), t.entries.size()};
}

} // namespace FieldNames

FieldNameSet::~FieldNameSet()
{
    Table& t = table();
    std::unique_lock lock(t.mutex);
    for (const Id id : m_held)
        releaseLocked(t, id);
}

FieldNameSet::Name FieldNameSet::intern(std::string_view name)
{
    std::lock_guard own(m_mutex);
    if (auto it = m_names.find(name); it != m_names.end())
        return it->second;
    Table& t = table();
    std::unique_lock lock(t.mutex);
    const Name n = insertLocked(t, name);
    // One reference for each of the two entries (the same one twice when the name is its key).
    ++t.entries[n.id].references;
    ++t.entries[n.key].references;
    m_held.push_back(n.id);
    m_held.push_back(n.key);
    m_names.emplace(std::string_view(t.entries[n.id].text), n);
    return n;
}

std::size_t FieldNameSet::size() const
{
    std::lock_guard own(m_mutex);
    return m_names.size();
}

FieldNameSet::Scope::Scope(std::shared_ptr<FieldNameSet> set)
    : m_previous(std::exchange(currentSet, std::move(set)))
{}

FieldNameSet::Scope::~Scope()
{
    currentSet = std::move(m_previous);
}

const std::shared_ptr<FieldNameSet>& FieldNameSet::current()
{
    return currentSet;
}

} // namespace sigma
