#include "events/event.h"

#include "util/xmlescape.h"

#include <optional>

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
