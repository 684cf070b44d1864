#include "events/fieldname.h"

#include <atomic>
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
    std::uint32_t releasedAt = 0; ///< Table::releases when it was last released
    bool permanent = false;       ///< interned by the program itself
    bool released = false;        ///< held by nobody, kept for reuse (Table::released)
};

/// How many names nobody holds stay in the table, for the next set that interns them: reading
/// file after file, each with a set of its own, interns the same few dozen names again each time.
/// Released names are invisible (findKey, stats) and give up their id first when ids run out.
constexpr std::size_t kReleasedKept = 4096;

struct Table {
    std::shared_mutex mutex;
    std::deque<Entry> entries; // stable storage, index = id
    std::vector<Id> freeIds;
    std::unordered_map<std::string_view, Id, FieldNameHash> ids; // views into entries[].text
    /// Released names, oldest first, as (id, releasedAt): an item is stale when its name was
    /// interned again since (or released again later).
    std::deque<std::pair<Id, std::uint32_t>> released;
    std::size_t releasedCount = 0; ///< entries with `released` set
    std::uint32_t releases = 0;
};

bool live(const Entry& e)
{
    return !e.released;
}

/// Forgets the oldest released name (its id becomes free); false when there is none.
bool dropOldestReleased(Table& t)
{
    while (!t.released.empty()) {
        const auto [id, at] = t.released.front();
        t.released.pop_front();
        Entry& e = t.entries[id];
        if (!e.released || e.releasedAt != at)
            continue;
        e.released = false;
        --t.releasedCount;
        t.ids.erase(std::string_view(e.text));
        std::string().swap(e.text);
        t.freeIds.push_back(id);
        return true;
    }
    return false;
}

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

/// Whether `key` is folded(name), without making it.
bool isFoldOf(std::string_view key, std::string_view name)
{
    std::size_t k = 0;
    for (char c : name) {
        if (c == ' ')
            continue;
        if (k == key.size() || key[k++] != (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c))
            return false;
    }
    return k == key.size();
}

Id findOrInsertLocked(Table& t, std::string_view name)
{
    if (auto it = t.ids.find(name); it != t.ids.end()) {
        Entry& e = t.entries[it->second];
        if (e.released) { // interned again before its id was given to another name
            e.released = false;
            --t.releasedCount;
        }
        return it->second;
    }
    Id id;
    // A new id while fewer than kReleasedKept names wait for reuse: taking the oldest's id instead
    // made files of different event kinds read in turn drop each other's names every time.
    if (t.freeIds.empty() && t.releasedCount >= kReleasedKept)
        dropOldestReleased(t);
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
    e.released = false;
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
    if (--e.references > 0 || e.permanent || e.released)
        return;
    e.released = true;
    e.releasedAt = ++t.releases;
    ++t.releasedCount;
    t.released.emplace_back(id, e.releasedAt);
    while (t.releasedCount > kReleasedKept)
        dropOldestReleased(t);
    // Stale items (names interned again) are dropped when they outnumber the released names.
    if (t.released.size() > 2 * t.releasedCount + 64) {
        std::erase_if(t.released, [&](const auto& r) {
            const Entry& x = t.entries[r.first];
            return !x.released || x.releasedAt != r.second;
        });
    }
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
            if (e.permanent && t.entries[e.key].permanent) // permanent names are never released
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
    if (auto it = t.ids.find(name); it != t.ids.end() && live(t.entries[it->second]))
        return t.entries[it->second].key;
    // Another spelling of an interned key ("IMAGE" for "Image"): its folded text is the key.
    if (auto it = t.ids.find(folded(name)); it != t.ids.end() && live(t.entries[it->second]))
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
    return Stats{t.ids.size() - t.releasedCount, t.entries.size(), t.releasedCount};
}

} // namespace FieldNames

namespace {
std::atomic<std::uint64_t> nextSetSerial{1};
} // namespace

FieldNameSet::FieldNameSet()
    : m_serial(nextSetSerial.fetch_add(1, std::memory_order_relaxed))
{}

FieldNameSet::~FieldNameSet()
{
    if (m_count == 0)
        return;
    Table& t = table();
    std::unique_lock lock(t.mutex);
    for (const Slot& s : m_slots)
        if (s.text) {
            releaseLocked(t, s.name.id);
            releaseLocked(t, s.name.key);
        }
}

const FieldNameSet::Slot* FieldNameSet::findLocked(std::string_view name, std::uint64_t hash) const
{
    if (m_slots.empty())
        return nullptr;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
        const Slot& s = m_slots[i];
        if (!s.text)
            return nullptr;
        if (s.hash == hash && std::string_view(s.text, s.size) == name)
            return &s;
    }
}

FieldNameSet::Name FieldNameSet::intern(std::string_view name)
{
    const std::uint64_t hash = FieldNameHash{}(name);
    std::lock_guard own(m_mutex);
    if (const Slot* s = findLocked(name, hash))
        return s->name;
    Table& t = table();
    std::unique_lock lock(t.mutex);
    return holdLocked(insertLocked(t, name), hash);
}

FieldNameSet::Name FieldNameSet::intern(std::string_view name, Name hint)
{
    const std::uint64_t hash = FieldNameHash{}(name);
    std::lock_guard own(m_mutex);
    if (const Slot* s = findLocked(name, hash))
        return s->name;
    Table& t = table();
    std::unique_lock lock(t.mutex);
    // Still the name's ids: its entry has its text and the key its key's text (a released name
    // keeps both until its id is given to another; ids of names given away fail the comparison).
    if (hint.id < t.entries.size() && hint.key < t.entries.size()) {
        Entry& e = t.entries[hint.id];
        Entry& k = t.entries[hint.key];
        if (e.key == hint.key && e.text == name && !k.text.empty() && k.key == hint.key &&
            (hint.key == hint.id || isFoldOf(k.text, name))) {
            for (Entry* x : {&e, &k}) {
                if (x->released) {
                    x->released = false;
                    --t.releasedCount;
                }
            }
            return holdLocked(hint, hash);
        }
    }
    return holdLocked(insertLocked(t, name), hash);
}

FieldNameSet::Name FieldNameSet::holdLocked(Name n, std::uint64_t hash)
{
    Table& t = table();
    // One reference for each of the two entries (the same one twice when the name is its key).
    ++t.entries[n.id].references;
    ++t.entries[n.key].references;
    if (2 * (m_count + 1) > m_slots.size()) {
        std::vector<Slot> old(m_slots.empty() ? 64 : 2 * m_slots.size());
        old.swap(m_slots);
        const std::size_t mask = m_slots.size() - 1;
        for (const Slot& s : old) {
            if (!s.text)
                continue;
            std::size_t i = static_cast<std::size_t>(s.hash) & mask;
            while (m_slots[i].text)
                i = (i + 1) & mask;
            m_slots[i] = s;
        }
    }
    const std::string& text = t.entries[n.id].text;
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = static_cast<std::size_t>(hash) & mask;
    while (m_slots[i].text)
        i = (i + 1) & mask;
    m_slots[i] = Slot{hash, text.data(), text.size(), n};
    ++m_count;
    return n;
}

std::size_t FieldNameSet::size() const
{
    std::lock_guard own(m_mutex);
    return m_count;
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
