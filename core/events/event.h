#pragma once

#include "events/fieldname.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// One field of an Event: 16 bytes. The value is UTF-8 text in its event's value text (Event::text()).
struct EventField {
    FieldNames::Id name = 0;  ///< exact spelling as in the source
    FieldNames::Id key = 0;   ///< case-folded key, used for matching
    std::uint32_t offset = 0; ///< of the value in the event's value text (kShared set: in its shared values)
    std::uint32_t size = 0;   ///< of the value, in bytes

    /// Set in `offset` when the value is one of the event's shared values (shareRepeatedValues()).
    static constexpr std::uint32_t kShared = 0x80000000u;
};

/// Where an event came from.
struct EventOrigin {
    std::shared_ptr<const std::string> file; ///< shared by all events of one file
    std::size_t index = 0;                   ///< 1-based position in its file, in file order
    std::optional<std::uint64_t> recordId;   ///< EventRecordID when known
    std::optional<std::uint32_t> chunk;      ///< EVTX chunk number (0-based) when from .evtx
};

/// One Windows event, normalised to Sigma field names (System children and attributes joined
/// with '_', EventData/Data by @Name, unnamed Data as repeated "Data", UserData flattened; see
/// docs/events.md). Fields keep their document order. TimeCreated_SystemTime is normalised to
/// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, microseconds).
///
/// Compact storage (issue 18): the values of all fields are one text buffer per event, a field is
/// 16 bytes (name and key ids, offset and size of its value), instead of 40 bytes and a heap string
/// each. The views value(), values() and text() return stay valid while the event lives, moves
/// included (the buffer is on the heap and moves with it), until a field is added or changed (the
/// buffer may grow). Copies are independent.
///
/// Values repeated among the events of one file (provider, channel, computer, SIDs, ...) can be
/// stored once for all of them (shareRepeatedValues(), the workbench does it for the events it
/// keeps): such a field's value is in a text shared by those events, read the same way.
class Event {
public:
    std::vector<EventField> fields;
    EventOrigin origin;
    /// The names of the fields, for events read from files: shared by the events of one read
    /// (FieldNameSet), so that the names go when the last of them does.
    std::shared_ptr<FieldNameSet> names;

    /// Appends a field. The name is interned in `names`; without one, in the reading thread's
    /// FieldNameSet::current() (which becomes `names`), else for the process lifetime.
    void add(std::string_view name, std::string_view value);
    /// Appends a field whose name the reader interned in `names` already.
    void add(FieldNameSet::Name name, std::string_view value) { add(name.id, name.key, value); }
    void add(FieldNames::Id name, FieldNames::Id key, std::string_view value)
    {
        fields.push_back(EventField{name, key, appendText(value), std::uint32_t(value.size())});
    }
    /// Appends fields whose values are in `text`, each at its offset there (readers: the values of
    /// a record copied at once).
    void add(std::span<const EventField> added, std::string_view text)
    {
        const std::uint32_t base = appendText(text);
        fields.reserve(fields.size() + added.size());
        for (EventField f : added) {
            f.offset += base;
            fields.push_back(f);
        }
    }
    /// Replaces the value of fields[index] (the old text stays in the buffer).
    void setValue(std::size_t index, std::string_view value)
    {
        fields[index].offset = appendText(value);
        fields[index].size = std::uint32_t(value.size());
    }
    /// No fields (the buffers are kept for reuse).
    void clear()
    {
        fields.clear();
        m_text.clear();
        m_shared.reset();
    }

    /// The value of one of this event's fields.
    std::string_view text(const EventField& f) const
    {
        if (f.offset & EventField::kShared) [[unlikely]]
            return {m_shared->data() + (f.offset & ~EventField::kShared), f.size};
        return {m_text.data() + f.offset, f.size};
    }
    std::string_view text(std::size_t index) const { return text(fields[index]); }

    /// Room for `fieldCount` fields and `textBytes` bytes of values (readers: fewer reallocations).
    void reserve(std::size_t fieldCount, std::size_t textBytes)
    {
        fields.reserve(fieldCount);
        m_text.reserve(textBytes);
    }
    /// Bytes of value text held (used) by this event alone, for figures.
    std::size_t textSize() const { return m_text.size(); }
    std::size_t textCapacity() const { return m_text.capacity(); }
    /// The values this event shares with others (shareRepeatedValues()), or null.
    const std::shared_ptr<const std::string>& sharedText() const { return m_shared; }
    /// Frees spare capacity (readers call it on events that are kept).
    void shrinkToFit()
    {
        fields.shrink_to_fit();
        m_text.shrink_to_fit();
    }

    /// First value of the field with this name, compared case-insensitively; nullopt if absent.
    std::optional<std::string_view> value(std::string_view name) const;
    /// First value of the field with this case-folded key; nullopt if absent.
    std::optional<std::string_view> valueByKey(FieldNames::Id key) const
    {
        for (const auto& f : fields)
            if (f.key == key)
                return text(f);
        return std::nullopt;
    }

    /// Every value of the field (a field may repeat: unnamed EventData/Data elements are all named
    /// "Data", in order), compared case-insensitively. Sigma matches such a field if any value does.
    std::vector<std::string_view> values(std::string_view name) const;

    // Convenience accessors for the System header (empty when absent).
    std::string_view provider() const;
    std::string_view channel() const;
    std::string_view eventId() const;
    std::string_view time() const;

    /// The event as Windows Event XML: the original text when the reader kept it, otherwise
    /// rendered from the fields.
    std::string xml() const;
    std::shared_ptr<const std::string> originalXml; ///< may be null

private:
    std::uint32_t appendText(std::string_view value)
    {
        const auto offset = std::uint32_t(m_text.size());
        m_text.insert(m_text.end(), value.begin(), value.end());
        return offset;
    }
    std::vector<char> m_text; ///< the values of all fields; a vector, so that moving keeps the views valid
    std::shared_ptr<const std::string> m_shared; ///< values shared with other events (kShared fields)

    friend struct EventSharing;
};

/// Stores the values repeated among `events` (typically the events of one file: provider, channel,
/// computer, SIDs, logon ids, ...) once, in a text the events share, and trims each event's own
/// buffers to the values only it has. The events read the same afterwards (values, order, names);
/// only their memory changes. Returns the bytes of value text saved. Linear in the values. Done
/// `block` events at a time (0: all at once), each block with its own shared text: the working
/// memory is a hash table of a block's distinct values.
std::size_t shareRepeatedValues(std::span<Event> events, std::size_t block = 32768);

} // namespace sigma
