#include "events/event.h"

namespace sigma {

void Event::add(std::string_view name, std::string value)
{
    const auto id = FieldNames::intern(name);
    fields.push_back(EventField{id, FieldNames::key(id), std::move(value)});
}

const std::string* Event::value(std::string_view name) const
{
    return valueByKey(FieldNames::internKey(name));
}

namespace {
std::string_view fieldOrEmpty(const Event& e, std::string_view name)
{
    const std::string* v = e.value(name);
    return v ? std::string_view(*v) : std::string_view();
}

void appendEscaped(std::string& out, std::string_view s)
{
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
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

std::string Event::xml() const
{
    if (originalXml)
        return *originalXml;
    // Rendered from the fields: not the original layout, but every field with its value.
    std::string out = "<Event>\n";
    for (const auto& f : fields) {
        out += "  <Data Name=\"";
        appendEscaped(out, FieldNames::text(f.name));
        out += "\">";
        appendEscaped(out, f.value);
        out += "</Data>\n";
    }
    out += "</Event>\n";
    return out;
}

} // namespace sigma
