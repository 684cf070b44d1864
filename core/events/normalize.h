#pragma once

// Internal: turning the parts of a Windows event into Sigma field names, shared by the XML,
// EVTX and JSON readers so that one event gives identical fields whatever its format.
#include "events/event.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sigma::detail {

/// Normalises a TimeCreated/SystemTime value to "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, exactly six
/// fractional digits, truncated, not rounded). Accepts 'T' or ' ' between date and time, any
/// number of fractional digits, and a trailing 'Z' or "+00:00". Other text is returned unchanged.
std::string normalizeTime(std::string_view text);
/// The same into `out`, without allocating: false (out undefined) where normalizeTime returns the
/// text unchanged.
bool normalizedTime(std::string_view text, std::array<char, 27>& out);

/// Builds an Event section by section with the naming rules (see docs/events.md):
///  - System: element text under the element's name, attributes as Element_Attribute; empty
///    values are dropped (python-evtx writes Qualifiers="" where Windows writes nothing).
///  - EventData: Data with Name by that name, unnamed Data as repeated "Data" fields in order,
///    other elements by their name.
///  - UserData: leaves by their own name (wrappers skipped), attributes as Leaf_Attribute.
class FieldSink {
public:
    explicit FieldSink(Event& event)
        : m_event(event)
    {}

    void system(std::string_view name, std::string_view value);
    void systemAttribute(std::string_view element, std::string_view attribute, std::string_view value);
    void data(std::string_view name, std::string_view value) { m_event.add(name, std::string(value)); }
    void unnamedData(std::string_view value) { m_event.add("Data", std::string(value)); }

    /// Name for an attribute: "Element_Attribute" (uses a scratch buffer).
    std::string_view joined(std::string_view a, std::string_view b);

private:
    Event& m_event;
    std::string m_scratch;
};

/// True for xmlns / xmlns:prefix attributes, which are never fields.
inline bool isNamespaceAttribute(std::string_view name)
{
    return name == "xmlns" || name.substr(0, 6) == "xmlns:";
}

/// The local part of a possibly prefixed XML name.
inline std::string_view localName(std::string_view name)
{
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// A decimal unsigned number (EventRecordID), nullopt when the text is not one.
std::optional<std::uint64_t> parseUnsigned(std::string_view text);

/// 1-based line of a byte offset in text.
int lineOfOffset(std::string_view text, std::size_t offset);

/// lineOfOffset() for offsets that mostly grow (one per record of a file): counts each newline
/// once, so that numbering every record of a file is linear, not quadratic.
class LineCounter {
public:
    explicit LineCounter(std::string_view text)
        : m_text(text)
    {}
    int lineAt(std::size_t offset);

private:
    std::string_view m_text;
    std::size_t m_offset = 0;
    int m_line = 1;
};

} // namespace sigma::detail
