#pragma once

// Internal to the JSON reader (events/jsonreader.cpp): one JSON object into one Event, in each
// shape the reader knows: evtx_dump's nested {"Event": {"System": ...}}, Winlogbeat's "winlog" and
// flat NXLog-like objects. jsonreader.cpp finds the objects in the text and picks the shape.

#include "events/event.h"
#include "events/fieldname.h"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace sigma::detail::json {

// simdjson's DOM: each object (or the whole array) is parsed into a tape, then walked in document
// order. simdjson reads up to SIMDJSON_PADDING bytes past the end of what it parses.
using Element = simdjson::dom::element;
using Object = simdjson::dom::object;
using Type = simdjson::dom::element_type;

inline bool isObject(Element v)
{
    return v.type() == Type::OBJECT;
}
inline bool isArray(Element v)
{
    return v.type() == Type::ARRAY;
}
inline Object asObject(Element v)
{
    return v.get_object().value_unsafe();
}
inline simdjson::dom::array asArray(Element v)
{
    return v.get_array().value_unsafe();
}

/// evtx_dump / xmltodict shape: {"Event": {"System": {...}, "EventData": {...}}}; also an object
/// with "System" at its top.
void appendNested(Object eventObject, Event& event);

/// Winlogbeat / Elastic Agent shape: {"@timestamp": ..., "winlog": {"event_data": {...}, ...}}.
void appendWinlog(Object object, Object winlog, Event& event);

/// Flat objects. JSON Lines of one shape repeat their keys in the same order: the name at each
/// position of the event is remembered (with its alias resolved), so that a line like the one
/// before costs a comparison per field, not a hash lookup.
class FlatReader {
public:
    explicit FlatReader(FieldNameSet& names)
        : m_names(names)
        , m_time(names.intern("TimeCreated_SystemTime"))
    {}

    void read(Object object, Event& event);

private:
    struct Slot {
        std::string text; ///< the name as read
        FieldNameSet::Name name{};
        bool alias = false;
        bool time = false; ///< TimeCreated_SystemTime, normalised
    };

    /// `name` is the field name so far (nested objects append "_Inner"); restored on return.
    void append(Event& event, std::string& name, Element value, int depth);

    const Slot& resolve(std::size_t position, std::string_view name);

    FieldNameSet& m_names;
    const FieldNameSet::Name m_time;
    std::vector<Slot> m_slots;
};

} // namespace sigma::detail::json
