// One JSON object into one Event, in each shape the JSON reader knows (see jsonshapes.h).
#include "events/jsonshapes.h"

#include "events/normalize.h"

#include <array>
#include <charconv>
#include <cstring>
#include <optional>

namespace sigma::detail::json {

namespace {

constexpr int maxDepth = 32;

/// A real as nlohmann::json's dump() writes it (the reader's output before simdjson, kept so that
/// values do not change): the shortest digits that read back to the same double; plain notation
/// for decimal exponents -4 < n <= 15, with ".0" when there is no fraction, otherwise d.ddde+XX
/// with at least two exponent digits.
std::string realText(double value)
{
    std::array<char, 64> buffer{};
    const auto [end, ec] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
    if (ec != std::errc())
        return {};
    std::string_view s(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
    std::string out;
    if (!s.empty() && s[0] == '-') {
        out += '-';
        s.remove_prefix(1);
    }
    const std::size_t e = s.find('e');
    if (e == std::string_view::npos)
        return std::string(buffer.data(), end); // inf/nan: not in JSON
    std::string digits(1, s[0]);
    if (e > 1)
        digits.append(s.substr(2, e - 2));
    int exponent = 0;
    std::string_view ex = s.substr(e + 1);
    if (!ex.empty() && ex[0] == '+')
        ex.remove_prefix(1);
    std::from_chars(ex.data(), ex.data() + ex.size(), exponent);
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1; // digits before the decimal point
    if (k <= n && n <= 15) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= 15) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n));
    } else if (-4 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1);
        }
        out += 'e';
        int x = n - 1;
        out += x < 0 ? '-' : '+';
        x = x < 0 ? -x : x;
        if (x < 10)
            out += '0';
        out += std::to_string(x);
    }
    return out;
}

/// Scalar JSON value as event text: strings as they are, numbers in their shortest form,
/// booleans as true/false, null as empty.
std::string scalarText(Element v)
{
    switch (v.type()) {
    case Type::STRING:
        return std::string(v.get_string().value_unsafe());
    case Type::BOOL:
        return v.get_bool().value_unsafe() ? "true" : "false";
    case Type::INT64:
        return std::to_string(v.get_int64().value_unsafe());
    case Type::UINT64:
        return std::to_string(v.get_uint64().value_unsafe());
    case Type::DOUBLE:
        return realText(v.get_double().value_unsafe());
    case Type::NULL_VALUE:
        return {};
    case Type::ARRAY:
    case Type::OBJECT:
        break;
    }
    return simdjson::minify(v);
}

/// The member of an object, if there.
std::optional<Element> member(Object o, std::string_view key)
{
    Element value;
    if (o.at_key(key).get(value) != simdjson::SUCCESS)
        return std::nullopt;
    return value;
}

bool isAttributeKey(std::string_view key)
{
    return key == "#attributes";
}
bool isTextKey(std::string_view key)
{
    return key == "#text" || key == "$";
}
/// xmltodict-style attribute ("@Name").
bool isAtAttribute(std::string_view key)
{
    return key.size() > 1 && key[0] == '@';
}

/// The attributes of an element in either convention.
template <typename F>
void forEachAttribute(Element element, F&& f)
{
    if (!isObject(element))
        return;
    for (const auto [key, value] : asObject(element)) {
        if (isAttributeKey(key) && isObject(value)) {
            for (const auto [name, attribute] : asObject(value))
                f(name, attribute);
        } else if (isAtAttribute(key)) {
            f(key.substr(1), value);
        }
    }
}

/// The text of an element: itself when scalar, its "#text" when an object (arrays joined).
std::optional<std::string> elementText(Element element)
{
    if (isObject(element)) {
        for (const auto [key, value] : asObject(element))
            if (isTextKey(key))
                return elementText(value);
        return std::nullopt;
    }
    if (!isArray(element))
        return scalarText(element);
    std::string joined;
    for (const Element part : asArray(element))
        joined += scalarText(part);
    return joined;
}

void appendSystem(Object system, FieldSink& sink)
{
    for (const auto [key, value] : system) {
        const std::string_view name = key;
        if (isAttributeKey(name) || isAtAttribute(name))
            continue;
        if (auto text = elementText(value))
            sink.system(name, *text);
        forEachAttribute(value,
                         [&](std::string_view attr, Element v) { sink.systemAttribute(name, attr, scalarText(v)); });
    }
}

void appendDataValue(Element value, FieldSink& sink, int depth)
{
    // One <Data> element, in any of the JSON renderings.
    if (isArray(value)) {
        if (depth < maxDepth)
            for (const Element part : asArray(value))
                appendDataValue(part, sink, depth + 1);
        return;
    }
    if (isObject(value)) {
        std::string name;
        forEachAttribute(value, [&](std::string_view attr, Element v) {
            if (attr == "Name")
                name = scalarText(v);
        });
        std::optional<Element> text;
        for (const auto [key, v] : asObject(value))
            if (isTextKey(key))
                text = v;
        if (!name.empty()) {
            sink.data(name, text ? elementText(*text).value_or(std::string()) : std::string());
        } else if (text && isArray(*text)) {
            if (depth < maxDepth)
                for (const Element part : asArray(*text))
                    appendDataValue(part, sink, depth + 1);
        } else {
            sink.unnamedData(text ? elementText(*text).value_or(std::string()) : std::string());
        }
        return;
    }
    sink.unnamedData(scalarText(value));
}

void appendEventData(Element data, FieldSink& sink)
{
    if (!isObject(data))
        return;
    for (const auto [name, value] : asObject(data)) {
        if (isAttributeKey(name) || isAtAttribute(name))
            continue;
        if (name == "Data") {
            appendDataValue(value, sink, 0);
        } else if (isArray(value)) {
            for (const Element part : asArray(value))
                sink.data(name, elementText(part).value_or(std::string()));
        } else {
            sink.data(name, elementText(value).value_or(std::string()));
        }
    }
}

void appendUserData(Element node, FieldSink& sink, int depth);

/// One child `name` of a UserData element at `depth`.
void appendUserDataChild(std::string_view name, Element child, FieldSink& sink, int depth)
{
    if (isAttributeKey(name) || isAtAttribute(name))
        return;
    forEachAttribute(child, [&](std::string_view attr, Element v) {
        if (!isNamespaceAttribute(attr))
            sink.data(sink.joined(name, attr), scalarText(v));
    });
    bool hasChildren = false;
    if (isObject(child))
        for (const auto [key, value] : asObject(child))
            if (!isAttributeKey(key) && !isAtAttribute(key) && !isTextKey(key))
                hasChildren = true;
    if (hasChildren) {
        appendUserData(child, sink, depth + 1);
    } else if (depth > 0) {
        if (isArray(child)) {
            for (const Element part : asArray(child))
                sink.data(name, elementText(part).value_or(std::string()));
        } else {
            sink.data(name, elementText(child).value_or(std::string()));
        }
    }
}

void appendUserData(Element node, FieldSink& sink, int depth)
{
    if (!isObject(node) || depth > maxDepth)
        return;
    for (const auto [name, child] : asObject(node))
        appendUserDataChild(name, child, sink, depth);
}

// Flat objects (NXLog, Security-Datasets): System names that differ from Sigma's.
struct Alias {
    std::string_view from;
    std::string_view to;
};
constexpr std::array flatAliases{
    Alias{"SourceName", "Provider_Name"},
    Alias{"ProviderName", "Provider_Name"},
    Alias{"ProviderGuid", "Provider_Guid"},
    Alias{"Hostname", "Computer"},
    Alias{"TimeCreated", "TimeCreated_SystemTime"},
    Alias{"SystemTime", "TimeCreated_SystemTime"},
    Alias{"RecordNumber", "EventRecordID"},
    Alias{"RecordID", "EventRecordID"},
    Alias{"ExecutionProcessID", "Execution_ProcessID"},
    Alias{"ExecutionThreadID", "Execution_ThreadID"},
    Alias{"ThreadID", "Execution_ThreadID"}, // NXLog (ProcessID is left alone: 5156 has EventData ProcessID)
    Alias{"ActivityID", "Correlation_ActivityID"},
    Alias{"RelatedActivityID", "Correlation_RelatedActivityID"},
    Alias{"UserID", "Security_UserID"},
};

} // namespace

void appendNested(Object eventObject, Event& event)
{
    FieldSink sink(event);
    for (const auto [key, value] : eventObject) {
        if (!isObject(value))
            continue;
        if (key == "System")
            appendSystem(asObject(value), sink);
        else if (key == "EventData")
            appendEventData(value, sink);
        else if (key == "UserData")
            appendUserData(value, sink, 0);
    }
}

void FlatReader::read(Object object, Event& event)
{
    std::string name;
    for (const auto [key, value] : object) {
        name.assign(key);
        append(event, name, value, 0);
    }
    // NXLog/Logstash without TimeCreated: "@timestamp" is UTC ("EventTime" is the collector's
    // local time without a zone, so it is not used).
    if (!event.valueByKey(m_time.key))
        if (auto ts = member(object, "@timestamp"); ts && ts->type() == Type::STRING)
            event.add(m_time, normalizeTime(ts->get_string().value_unsafe()));
}

void FlatReader::append(Event& event, std::string& name, Element value, int depth)
{
    if (isObject(value)) {
        if (depth >= maxDepth)
            return;
        const std::size_t size = name.size();
        for (const auto [key, inner] : asObject(value)) {
            name += '_';
            name += key;
            append(event, name, inner, depth + 1);
            name.resize(size);
        }
        return;
    }
    if (isArray(value)) {
        if (depth >= maxDepth)
            return;
        for (const Element part : asArray(value))
            append(event, name, part, depth + 1);
        return;
    }
    const Slot& slot = resolve(event.fields.size(), name);
    if (slot.alias && event.valueByKey(slot.name.key))
        return; // e.g. both TimeCreated and SystemTime: keep the first
    if (slot.time)
        event.add(slot.name, normalizeTime(scalarText(value)));
    else
        event.add(slot.name, scalarText(value));
}

const FlatReader::Slot& FlatReader::resolve(std::size_t position, std::string_view name)
{
    if (position >= m_slots.size())
        m_slots.resize(position + 1);
    Slot& slot = m_slots[position];
    if (slot.text == name && !slot.text.empty())
        return slot;
    slot.text.assign(name);
    std::string_view target = name;
    for (const auto& alias : flatAliases)
        if (alias.from == name) {
            target = alias.to;
            break;
        }
    slot.alias = target.data() != name.data();
    slot.time = target == "TimeCreated_SystemTime";
    slot.name = m_names.intern(target);
    return slot;
}

void appendWinlog(Object object, Object winlog, Event& event)
{
    FieldSink sink(event);
    auto scalar = [](const std::optional<Element>& v) { return v && !isObject(*v) && !isArray(*v); };
    auto sys = [&](std::string_view key, std::string_view name) {
        if (auto v = member(winlog, key); scalar(v))
            sink.system(name, scalarText(*v));
    };
    sys("provider_name", "Provider_Name");
    sys("provider_guid", "Provider_Guid");
    sys("event_id", "EventID");
    sys("version", "Version");
    if (auto ts = member(object, "@timestamp"); ts && ts->type() == Type::STRING)
        sink.system("TimeCreated_SystemTime", normalizeTime(ts->get_string().value_unsafe()));
    sys("record_id", "EventRecordID");
    sys("activity_id", "Correlation_ActivityID");
    if (auto p = member(winlog, "process"); p && isObject(*p)) {
        if (auto pid = member(asObject(*p), "pid"))
            sink.system("Execution_ProcessID", scalarText(*pid));
        if (auto t = member(asObject(*p), "thread"); t && isObject(*t))
            if (auto tid = member(asObject(*t), "id"))
                sink.system("Execution_ThreadID", scalarText(*tid));
    }
    sys("channel", "Channel");
    sys("computer_name", "Computer");
    if (auto u = member(winlog, "user"); u && isObject(*u))
        if (auto id = member(asObject(*u), "identifier"))
            sink.system("Security_UserID", scalarText(*id));
    if (auto d = member(winlog, "event_data"); d && isObject(*d))
        for (const auto [key, value] : asObject(*d))
            sink.data(key, elementText(value).value_or(std::string()));
    if (auto d = member(winlog, "user_data"); d && isObject(*d))
        appendUserDataChild("UserData", *d, sink, 0);
}

} // namespace sigma::detail::json
