#include "events/event.h"

#include "util/xmlescape.h"

#include <optional>
#include <unordered_map>

namespace sigma {

void Event::add(std::string_view name, std::string_view value)
{
    if (!names)
        names = FieldNameSet::current();
    if (names) {
        add(names->intern(name), value);
        return;
    }
    const auto id = FieldNames::intern(name);
    add(id, FieldNames::key(id), value);
}

std::optional<std::string_view> Event::value(std::string_view name) const
{
    // A name nobody interned is in no event: looking it up interns nothing.
    return valueByKey(FieldNames::findKey(name));
}

std::vector<std::string_view> Event::values(std::string_view name) const
{
    std::vector<std::string_view> out;
    const auto key = FieldNames::findKey(name);
    for (const auto& f : fields)
        if (f.key == key)
            out.push_back(text(f));
    return out;
}

/// Event's private storage, for shareRepeatedValues().
struct EventSharing {
    static std::size_t share(std::span<Event> events);
};

std::size_t EventSharing::share(std::span<Event> events)
{
    // 1. How often each value occurs (views into the events' texts, unchanged until step 3).
    std::unordered_map<std::string_view, std::uint32_t> counts;
    std::size_t before = 0;
    for (const auto& e : events) {
        before += e.m_text.size();
        for (const auto& f : e.fields)
            if (f.size > 0)
                ++counts[e.text(f)];
    }
    // 2. The values seen twice or more, once each, in one text (a value of an event shared before
    // is counted like any other: the old shared text goes when no event holds it any more).
    std::string shared;
    std::vector<std::string_view> repeated;
    for (const auto& [value, count] : counts)
        if (count > 1 && shared.size() + value.size() < EventField::kShared) {
            repeated.push_back(value);
            shared += value;
        }
    counts.clear();
    auto text = std::make_shared<const std::string>(std::move(shared));
    std::unordered_map<std::string_view, std::uint32_t> offsets; // views into `text`, which stays
    offsets.reserve(repeated.size());
    std::uint32_t offset = 0;
    for (auto value : repeated) {
        offsets.emplace(std::string_view(text->data() + offset, value.size()), offset);
        offset += std::uint32_t(value.size());
    }
    repeated.clear();
    // 3. Every event: repeated values point into the shared text, the others into a new own text
    // that holds them only.
    std::size_t after = text->size();
    std::vector<char> own;
    for (auto& e : events) {
        own.clear();
        for (auto& f : e.fields) {
            const std::string_view value = e.text(f);
            if (auto it = value.empty() ? offsets.end() : offsets.find(value); it != offsets.end()) {
                f.offset = it->second | EventField::kShared;
            } else {
                f.offset = std::uint32_t(own.size());
                own.insert(own.end(), value.begin(), value.end());
            }
        }
        std::vector<char>(own.begin(), own.end()).swap(e.m_text); // exactly the size needed
        e.m_shared = offsets.empty() ? nullptr : text;
        e.fields.shrink_to_fit();
        after += e.m_text.size();
    }
    return before > after ? before - after : 0;
}

std::size_t shareRepeatedValues(std::span<Event> events, std::size_t block)
{
    if (block == 0)
        block = events.size();
    std::size_t saved = 0;
    for (std::size_t first = 0; first < events.size(); first += block)
        saved += EventSharing::share(events.subspan(first, std::min(block, events.size() - first)));
    return saved;
}

namespace {
std::string_view fieldOrEmpty(const Event& e, std::string_view name)
{
    return e.value(name).value_or(std::string_view());
}

} // namespace

std::string_view Event::provider() const
{
    return fieldOrEmpty(*this, "Provider_Name");
}
std::string_view Event::channel() const
{
    return fieldOrEmpty(*this, "Channel");
}
std::string_view Event::eventId() const
{
    return fieldOrEmpty(*this, "EventID");
}
std::string_view Event::time() const
{
    return fieldOrEmpty(*this, "TimeCreated_SystemTime");
}

namespace {
/// System header fields as the readers name them: element, and attribute when the field is one.
struct SystemName {
    std::string_view element;
    std::string_view attribute;
};

std::optional<SystemName> systemName(std::string_view field)
{
    static constexpr std::string_view textElements[] = {"EventID",  "Version",       "Level",   "Task",    "Opcode",
                                                        "Keywords", "EventRecordID", "Channel", "Computer"};
    static constexpr std::string_view attributeElements[] = {"Provider",    "EventID",   "TimeCreated",
                                                             "Correlation", "Execution", "Security"};
    for (auto e : textElements)
        if (field == e)
            return SystemName{e, {}};
    const auto underscore = field.find('_');
    if (underscore == std::string_view::npos)
        return std::nullopt;
    const std::string_view element = field.substr(0, underscore);
    for (auto e : attributeElements)
        if (element == e)
            return SystemName{e, field.substr(underscore + 1)};
    return std::nullopt;
}
} // namespace

std::string Event::xml() const
{
    if (originalXml)
        return *originalXml;
    // Rendered from the fields: Windows' layout for the System header, every other field as
    // EventData/Data (UserData comes back flattened). Reading this text gives the same fields.
    std::string out = "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n  <System>\n";
    std::size_t i = 0;
    // The System fields come first, grouped by element in their order.
    while (i < fields.size()) {
        const auto name = systemName(FieldNames::text(fields[i].name));
        if (!name)
            break;
        std::string attributes;
        std::string text;
        bool hasText = false;
        while (i < fields.size()) {
            const auto next = systemName(FieldNames::text(fields[i].name));
            if (!next || next->element != name->element)
                break;
            if (next->attribute.empty()) {
                if (hasText)
                    break; // a repeated element: render it again
                hasText = true;
                text = this->text(i);
            } else {
                attributes += ' ';
                attributes += next->attribute;
                attributes += "=\"";
                appendXmlEscaped(attributes, this->text(i), XmlEscape::Attribute);
                attributes += '"';
            }
            ++i;
        }
        out += "    <";
        out += name->element;
        out += attributes;
        if (hasText) {
            out += '>';
            appendXmlEscaped(out, text, XmlEscape::Text);
            out += "</";
            out += name->element;
            out += ">\n";
        } else {
            out += "/>\n";
        }
    }
    out += "  </System>\n";
    if (i < fields.size()) {
        out += "  <EventData>\n";
        for (; i < fields.size(); ++i) {
            const auto name = FieldNames::text(fields[i].name);
            if (name == "Data") {
                out += "    <Data>";
            } else {
                out += "    <Data Name=\"";
                appendXmlEscaped(out, name, XmlEscape::Attribute);
                out += "\">";
            }
            appendXmlEscaped(out, this->text(i), XmlEscape::Text);
            out += "</Data>\n";
        }
        out += "  </EventData>\n";
    }
    out += "</Event>\n";
    return out;
}

} // namespace sigma
