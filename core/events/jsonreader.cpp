#include "events/jsonreader.h"

#include "events/normalize.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>

namespace sigma::detail {

namespace {

// simdjson's DOM: each object (or the whole array) is parsed into a tape, then walked here in
// document order. simdjson reads up to SIMDJSON_PADDING bytes past the end of what it parses.
using Element = simdjson::dom::element;
using Object = simdjson::dom::object;
using Type = simdjson::dom::element_type;

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

bool isObject(Element v)
{
    return v.type() == Type::OBJECT;
}
bool isArray(Element v)
{
    return v.type() == Type::ARRAY;
}
Object asObject(Element v)
{
    return v.get_object().value_unsafe();
}
simdjson::dom::array asArray(Element v)
{
    return v.get_array().value_unsafe();
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

/// evtx_dump / xmltodict shape: {"Event": {"System": {...}, "EventData": {...}}}.
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

/// Flat objects. JSON Lines of one shape repeat their keys in the same order: the name at each
/// position of the event is remembered (with its alias resolved), so that a line like the one
/// before costs a comparison per field, not a hash lookup.
class FlatReader {
public:
    explicit FlatReader(FieldNameSet& names)
        : m_names(names)
        , m_time(names.intern("TimeCreated_SystemTime"))
    {}

    void read(Object object, Event& event)
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

private:
    struct Slot {
        std::string text; ///< the name as read
        FieldNameSet::Name name{};
        bool alias = false;
        bool time = false; ///< TimeCreated_SystemTime, normalised
    };

    /// `name` is the field name so far (nested objects append "_Inner"); restored on return.
    void append(Event& event, std::string& name, Element value, int depth)
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

    const Slot& resolve(std::size_t position, std::string_view name)
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

    FieldNameSet& m_names;
    const FieldNameSet::Name m_time;
    std::vector<Slot> m_slots;
};

/// Winlogbeat / Elastic Agent shape: {"@timestamp": ..., "winlog": {"event_data": {...}, ...}}.
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

class JsonReader {
public:
    JsonReader(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_text(text)
        , m_file(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
        , m_names(FieldNameSet::current() ? FieldNameSet::current() : std::make_shared<FieldNameSet>())
        , m_flat(*m_names)
        , m_recordId(m_names->intern("EventRecordID"))
    {}

    void run()
    {
        m_result.format = EventFormat::Json;
        std::size_t pos = skipBlank(0);
        if (pos < m_text.size() && m_text[pos] == '[') {
            readArray(pos);
            return;
        }
        readSequence(pos);
    }

private:
    std::size_t skipBlank(std::size_t pos) const
    {
        if (pos == 0 && m_text.substr(0, 3) == "\xEF\xBB\xBF")
            pos = 3;
        while (pos < m_text.size() &&
               (m_text[pos] == ' ' || m_text[pos] == '\t' || m_text[pos] == '\r' || m_text[pos] == '\n'))
            ++pos;
        return pos;
    }

    int lineAt(std::size_t offset) { return m_lines.lineAt(offset); }

    /// Parses text[begin, end) (one JSON value) into the parser's document.
    simdjson::error_code parse(std::size_t begin, std::size_t end, Element& out)
    {
        // In place when the padding simdjson reads past the end is still inside the text;
        // otherwise (the last values of the text) from a padded copy.
        const bool inPlace = end + simdjson::SIMDJSON_PADDING <= m_text.size();
        return m_parser.parse(m_text.data() + begin, end - begin, !inPlace).get(out);
    }

    void readArray(std::size_t pos)
    {
        Element doc;
        if (parse(pos, m_text.size(), doc) != simdjson::SUCCESS || !isArray(doc)) {
            arrayError(pos);
            return;
        }
        const auto array = asArray(doc);
        const std::size_t count = array.size();
        std::size_t i = 0;
        for (const Element element : array) {
            ++i;
            if (!emit(element, std::string_view::npos, "array element " + std::to_string(i)))
                return;
            if (!progress(pos + (m_text.size() - pos) * i / std::max<std::size_t>(count, 1)))
                return;
        }
    }

    /// A broken array: where it breaks (simdjson does not say; nlohmann's parser does, and this
    /// runs only for a broken file).
    void arrayError(std::size_t pos)
    {
        try {
            [[maybe_unused]] const auto again = nlohmann::json::parse(m_text.substr(pos));
        } catch (const nlohmann::json::parse_error& e) {
            const std::size_t at = pos + (e.byte > 0 ? e.byte - 1 : 0);
            diag(Severity::Error, lineAt(at), std::string("not valid JSON: ") + shortWhat(e.what()), "json-syntax");
            return;
        } catch (const std::exception& e) {
            diag(Severity::Error, 1, std::string("not valid JSON: ") + e.what(), "json-syntax");
            return;
        }
        diag(Severity::Error, 1, "not valid JSON", "json-syntax");
    }

    /// JSON Lines, concatenated or pretty-printed objects, with "Record N" lines (evtx_dump's
    /// default output) between them. Each object is parsed alone, so a damaged one is skipped.
    void readSequence(std::size_t pos)
    {
        bool any = false;
        while (true) {
            pos = skipBlank(pos);
            if (pos >= m_text.size())
                break;
            const std::size_t eol = std::min(m_text.find('\n', pos), m_text.size());
            if (m_text[pos] != '{') {
                const std::string_view line = m_text.substr(pos, eol - pos);
                if (!(line.substr(0, 7) == "Record " || line.empty())) {
                    if (!any && m_result.count() == 0) {
                        diag(Severity::Error, lineAt(pos), "not JSON events: expected '{' or '[' at the start",
                             "json-syntax");
                        return;
                    }
                    diag(Severity::Warning, lineAt(pos), "skipped text that is not a JSON object",
                         "json-damaged-event");
                    ++m_result.skipped;
                }
                pos = eol;
                continue;
            }
            // JSON Lines: a line that is one whole object (the common case) is parsed as it is;
            // anything else (pretty-printed, several objects on a line, damage) is split by
            // endOfObject. Both give the same object for a whole line.
            Element value;
            std::size_t end = lastNonBlank(pos, eol);
            bool parsed = end > pos && m_text[end - 1] == '}' && parse(pos, end, value) == simdjson::SUCCESS;
            if (!parsed) {
                end = endOfObject(pos);
                parsed = parse(pos, end, value) == simdjson::SUCCESS;
            }
            if (!parsed) {
                diag(Severity::Warning, lineAt(pos), "skipped damaged JSON object starting on this line",
                     "json-damaged-event");
                ++m_result.skipped;
            } else {
                any = true;
                if (!emit(value, pos, "object"))
                    return;
            }
            pos = end;
            if (!progress(pos))
                return;
        }
        if (m_result.count() == 0 && !hasErrors(m_result.diagnostics))
            diag(Severity::Error, 1,
                 m_result.skipped ? "not valid JSON, no event could be read" : "no JSON events found",
                 m_result.skipped ? "json-syntax" : "json-no-events");
    }

    std::size_t lastNonBlank(std::size_t begin, std::size_t end) const
    {
        while (end > begin && (m_text[end - 1] == '\r' || m_text[end - 1] == ' ' || m_text[end - 1] == '\t'))
            --end;
        return end;
    }

    /// End of the object starting at `pos` (brace matching outside strings). A newline directly
    /// followed by '{' while still inside an object ends it early: in JSON Lines that is the next
    /// record after a truncated one.
    std::size_t endOfObject(std::size_t pos) const
    {
        int depth = 0;
        bool inString = false;
        for (std::size_t i = pos; i < m_text.size(); ++i) {
            const char c = m_text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
                else if (c == '\n')
                    inString = false; // a raw newline cannot be inside a JSON string
                continue;
            }
            switch (c) {
            case '"':
                inString = true;
                break;
            case '{':
            case '[':
                ++depth;
                break;
            case '}':
            case ']':
                if (--depth == 0)
                    return i + 1;
                break;
            case '\n':
                if (depth > 0 && i + 1 < m_text.size() && m_text[i + 1] == '{')
                    return i + 1;
                break;
            default:
                break;
            }
        }
        return m_text.size();
    }

    static std::string shortWhat(const char* what)
    {
        std::string s(what);
        if (const auto p = s.find("] "); p != std::string::npos)
            s = s.substr(p + 2);
        return s;
    }

    /// `offset` locates the value for a warning (lines are counted only then); npos in an array.
    bool emit(Element value, std::size_t offset, const std::string& what)
    {
        if (!isObject(value)) {
            diag(Severity::Warning, offset == std::string_view::npos ? 1 : lineAt(offset),
                 "skipped " + what + ": not a JSON object", "json-damaged-event");
            ++m_result.skipped;
            return true;
        }
        const Object object = asObject(value);
        // The shape, from the first member of each name (as at_key would find it), in one pass.
        std::optional<Element> nested, winlog, system;
        for (const auto [key, member] : object) {
            if (key == "Event" && !nested)
                nested = member;
            else if (key == "winlog" && !winlog)
                winlog = member;
            else if (key == "System" && !system)
                system = member;
        }
        Event event;
        event.names = m_names;
        if (nested && isObject(*nested)) {
            appendNested(asObject(*nested), event);
        } else if (winlog && isObject(*winlog)) {
            appendWinlog(object, asObject(*winlog), event);
        } else if (system && isObject(*system)) {
            appendNested(object, event);
        } else {
            event.fields.reserve(object.size());
            m_flat.read(object, event);
        }
        event.origin.file = m_file;
        event.origin.index = m_result.count() + m_result.skipped + 1;
        if (const std::string* rid = event.valueByKey(m_recordId.key))
            event.origin.recordId = parseUnsigned(*rid);
        event.fields.shrink_to_fit();
        m_result.events.push_back(std::move(event));
        return !(m_options.limit && m_result.count() >= m_options.limit) && deliverBatch(m_options, m_result);
    }

    bool progress(std::size_t done)
    {
        if (!m_options.progress || (++m_tick % 64) != 0)
            return true;
        if (!m_options.progress(done, m_text.size())) {
            m_result.cancelled = true;
            return false;
        }
        return true;
    }

    void diag(Severity severity, int line, std::string message, std::string code)
    {
        m_result.diagnostics.push_back(Diagnostic{severity, std::move(code), std::move(message), *m_file,
                                                  SourceSpan{SourcePos{line, 0}, SourcePos{line, 0}}});
    }

    std::string_view m_text;
    std::shared_ptr<const std::string> m_file;
    const ReadOptions& m_options;
    ReadResult& m_result;
    simdjson::dom::parser m_parser;
    std::shared_ptr<FieldNameSet> m_names;
    FlatReader m_flat;
    FieldNameSet::Name m_recordId;
    std::size_t m_tick = 0;
    LineCounter m_lines{m_text};
};

} // namespace

void readJsonText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    JsonReader(text, name, options, result).run();
}

} // namespace sigma::detail
