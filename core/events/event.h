#pragma once

#include "events/fieldname.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct EventField {
    FieldNames::Id name = 0; ///< exact spelling as in the source
    FieldNames::Id key = 0;  ///< case-folded key, used for matching
    std::string value;       ///< UTF-8
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
class Event {
public:
    std::vector<EventField> fields;
    EventOrigin origin;
    /// The names of the fields, for events read from files: shared by the events of one read
    /// (FieldNameSet), so that the names go when the last of them does.
    std::shared_ptr<FieldNameSet> names;

    /// Appends a field. The name is interned in `names`; without one, in the reading thread's
    /// FieldNameSet::current() (which becomes `names`), else for the process lifetime.
    void add(std::string_view name, std::string value);
    /// Appends a field whose name the reader interned in `names` already.
    void add(FieldNameSet::Name name, std::string value)
    {
        fields.push_back(EventField{name.id, name.key, std::move(value)});
    }

    /// First value of the field with this name, compared case-insensitively; nullptr if absent.
    const std::string* value(std::string_view name) const;
    /// First value of the field with this case-folded key; nullptr if absent.
    const std::string* valueByKey(FieldNames::Id key) const
    {
        for (const auto& f : fields)
            if (f.key == key)
                return &f.value;
        return nullptr;
    }

    /// Every value of the field (a field may repeat: unnamed EventData/Data elements are all named
    /// "Data", in order), compared case-insensitively. Sigma matches such a field if any value does.
    std::vector<const std::string*> values(std::string_view name) const;

    // Convenience accessors for the System header (empty when absent).
    std::string_view provider() const;
    std::string_view channel() const;
    std::string_view eventId() const;
    std::string_view time() const;

    /// The event as Windows Event XML: the original text when the reader kept it, otherwise
    /// rendered from the fields.
    std::string xml() const;
    std::shared_ptr<const std::string> originalXml; ///< may be null
};

} // namespace sigma
