#pragma once

// Internal: Windows Event XML (one <Event> element) to Event, with pugixml.
#include "events/event.h"
#include "events/reader.h"

#include <string_view>

namespace pugi {
class xml_node;
}

namespace sigma::detail {

/// Adds the fields of an <Event> element (namespace prefixes ignored) to `event`.
void appendXmlEvent(const pugi::xml_node& eventNode, Event& event);

/// Parses one event from XML text (the EVTX reader's path: libevtx renders each record as XML).
/// `buffer` is modified in place. Returns false when the text is not well-formed or has no
/// <Event> element; `error` then says why.
bool parseSingleXmlEvent(char* buffer, std::size_t size, Event& event, std::string& error);

/// The XML reader: <Events> lists, single or concatenated <Event> elements.
void readXmlText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result);

} // namespace sigma::detail
