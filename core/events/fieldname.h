#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma {

/// A hash of field names: they are short, so 8 bytes at a time, multiplied and folded (std::hash's
/// Murmur was 3 % of `sigmawb match`).
struct FieldNameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const
    {
        std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
            h ^= h >> 29;
        }
        std::uint64_t tail = 0;
        if (i < s.size())
            std::memcpy(&tail, s.data() + i, s.size() - i);
        h = (h ^ tail) * 0x94D049BB133111EBull;
        return static_cast<std::size_t>(h ^ (h >> 32));
    }
};

/// Interning of field names. Thread-safe.
///
/// Every field name has an id (exact spelling) and a key: the id of its case-folded spelling without
/// spaces, so `TargetFileName` and `TargetFilename` share one key, and so do Windows Defender's
/// `Source Name` and a rule's `SourceName`. Matching uses keys (Sigma field names are
/// case-insensitive); display uses ids. Ids are small and dense (the engine indexes tables by key).
///
/// Names the program asks for itself (System names) are interned for the process lifetime. Names
/// read from event files belong to the FieldNameSet of the load that read them, and a compiled
/// rule's, indicator's or correlation's field names to a set that rule holds (engine/rulenames.h);
/// they are released, and their ids reused, when the last holder is gone: untrusted files with
/// arbitrary keys, or every spelling typed in the editor, cannot make the table grow without bound.
namespace FieldNames {
using Id = std::uint32_t;
/// No such name (findKey).
constexpr Id kNone = 0xFFFFFFFEu;

/// Interns for the process lifetime.
Id intern(std::string_view name);
Id key(Id id);
inline Id internKey(std::string_view name)
{
    return key(intern(name));
}
/// The key of a name if some interned name has it, else kNone; never interns.
Id findKey(std::string_view name);
/// Valid while the name is interned (for the process, or while a FieldNameSet holding it lives).
std::string_view text(Id id);

struct Stats {
    std::size_t names = 0;    ///< names interned now (spellings and keys)
    std::size_t slots = 0;    ///< ids ever handed out; freed ids are reused
    std::size_t released = 0; ///< names nobody holds, kept with their ids for the next set
};
Stats stats();
} // namespace FieldNames

/// The field names of one event set (one file read, one load). Names interned through it stay
/// interned while the set lives; events read by a reader hold their set (Event::names), so the set
/// goes with the last of its events. Thread-safe.
class FieldNameSet {
public:
    struct Name {
        FieldNames::Id id;
        FieldNames::Id key;
    };

    FieldNameSet();
    ~FieldNameSet();
    FieldNameSet(const FieldNameSet&) = delete;
    FieldNameSet& operator=(const FieldNameSet&) = delete;

    Name intern(std::string_view name);
    /// The same, given the ids `name` had in another set (a cache of the caller's): when they are
    /// still its ids (interned, or released but not yet given to another name), no lookup by text
    /// is made.
    Name intern(std::string_view name, Name hint);
    std::size_t size() const;
    /// Unique to this set in the process (never reused, unlike its address).
    std::uint64_t serial() const { return m_serial; }

    /// Makes `set` the one Event::add() interns into on this thread, for events without a set of
    /// their own, until the scope ends (readers open one per file, so every reader's events get it).
    class Scope {
    public:
        explicit Scope(std::shared_ptr<FieldNameSet> set);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        std::shared_ptr<FieldNameSet> m_previous;
    };
    /// The set of the innermost Scope on this thread, or null.
    static const std::shared_ptr<FieldNameSet>& current();

private:
    /// A name the set holds (one reference on its id and one on its key): its text is the
    /// interned entry's, which stays put while held. Open addressing, at most half full: a set per
    /// file read alone interns a few dozen names, and a node per name was a third of that cost.
    struct Slot {
        std::uint64_t hash = 0;
        const char* text = nullptr; ///< null: empty slot
        std::size_t size = 0;
        Name name{};
    };
    const Slot* findLocked(std::string_view name, std::uint64_t hash) const;
    Name holdLocked(Name n, std::uint64_t hash);

    const std::uint64_t m_serial;
    mutable std::mutex m_mutex;
    std::vector<Slot> m_slots;
    std::size_t m_count = 0;
};

} // namespace sigma
