#pragma once

// Internal: the two consumers of a decoded record. FieldBuilder turns the element stream into the
// event's fields with the naming rules every reader shares (normalize.h, docs/events.md) — no
// XML text is made. XmlRenderer writes the record as indented Event XML, only when asked for it
// (Event Detail, `keepOriginalXml`).
#include "events/event.h"
#include "events/evtx/binxml.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sigma::evtx {

class FieldBuilder final : public XmlSink {
public:
    /// Starts a new event (fields appended to `event`).
    void reset(Event& event);
    /// False when the record's root element is not <Event>.
    bool sawEvent() const { return m_sawEvent; }

    void startElement(std::string_view name, std::span<const XmlAttribute> attributes) override;
    void text(std::string_view text) override;
    void endElement() override;

private:
    enum class Section { None, System, EventData, UserData, Other };
    struct Frame {
        std::string name;
        std::string text;
        std::string dataName; ///< EventData: the Name attribute
        bool hasName = false;
        bool hasElementChildren = false;
        std::vector<std::pair<std::string, std::string>> attributes; ///< System elements
    };

    void addField(std::string_view name, std::string_view value);
    void addField(std::string_view name, std::string&& value);

    /// Interned ids of the names seen (the process-wide table is locked; most names repeat).
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::pair<FieldNames::Id, FieldNames::Id>, NameHash, std::equal_to<>> m_ids;

    Event* m_event = nullptr;
    std::vector<Frame> m_frames; ///< reused across records
    std::size_t m_depth = 0;
    Section m_section = Section::None;
    bool m_sawEvent = false;
    std::string m_scratch;
};

class XmlRenderer final : public XmlSink {
public:
    std::string take() { return std::move(m_out); }

    void startElement(std::string_view name, std::span<const XmlAttribute> attributes) override;
    void text(std::string_view text) override;
    void endElement() override;

private:
    struct Open {
        std::string name;
        bool children = false;
        bool text = false;
    };
    void closeStartTag(bool forChild);

    std::string m_out;
    std::vector<Open> m_open;
};

} // namespace sigma::evtx
