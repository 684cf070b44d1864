#include "events/jsonreader.h"

#include "events/normalize.h"

#include <nlohmann/json.hpp>

#include <array>
#include <memory>

namespace sigma::detail {

namespace {

using Json = nlohmann::ordered_json;

constexpr int maxDepth = 32;

/// Scalar JSON value as event text: strings as they are, numbers in their shortest form,
/// booleans as true/false, null as empty.
std::string scalarText(const Json& v)
{
    switch (v.type()) {
    case Json::value_t::string:
        return v.get_ref<const std::string&>();
    case Json::value_t::boolean:
        return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
        return std::to_string(v.get<std::int64_t>());
    case Json::value_t::number_unsigned:
        return std::to_string(v.get<std::uint64_t>());
    case Json::value_t::number_float:
        return v.dump();
    case Json::value_t::null:
        return {};
    default:
        return v.dump();
    }
}

bool isAttributeKey(const std::string& key)
{
    return key == "#attributes";
}
bool isTextKey(const std::string& key)
{
    return key == "#text" || key == "$";
}
/// xmltodict-style attribute ("@Name").
bool isAtAttribute(const std::string& key)
{
    return key.size() > 1 && key[0] == '@';
}

/// The attributes of an element in either convention.
template <typename F>
void forEachAttribute(const Json& element, F&& f)
{
    if (!element.is_object())
        return;
    for (auto it = element.begin(); it != element.end(); ++it) {
        if (isAttributeKey(it.key()) && it->is_object()) {
            for (auto a = it->begin(); a != it->end(); ++a)
                f(std::string_view(a.key()), *a);
        } else if (isAtAttribute(it.key())) {
            f(std::string_view(it.key()).substr(1), *it);
        }
    }
}

/// The text of an element: itself when scalar, its "#text" when an object (arrays joined).
std::optional<std::string> elementText(const Json& element)
{
    if (!element.is_object() && !element.is_array())
        return scalarText(element);
    if (element.is_object()) {
        for (auto it = element.begin(); it != element.end(); ++it)
            if (isTextKey(it.key()))
                return elementText(*it);
        return std::nullopt;
    }
    std::string joined;
    for (const auto& part : element)
        joined += scalarText(part);
    return joined;
}

void appendSystem(const Json& system, FieldSink& sink)
{
    for (auto it = system.begin(); it != system.end(); ++it) {
        const std::string& name = it.key();
        if (isAttributeKey(name) || isAtAttribute(name))
            continue;
        if (auto text = elementText(*it))
            sink.system(name, *text);
        forEachAttribute(*it, [&](std::string_view attr, const Json& value) {
            sink.systemAttribute(name, attr, scalarText(value));
        });
    }
}

void appendDataValue(const Json& value, FieldSink& sink, int depth)
{
    // One <Data> element, in any of the JSON renderings.
    if (value.is_array()) {
        if (depth < maxDepth)
            for (const auto& part : value)
                appendDataValue(part, sink, depth + 1);
        return;
    }
    if (value.is_object()) {
        std::string name;
        forEachAttribute(value, [&](std::string_view attr, const Json& v) {
            if (attr == "Name")
                name = scalarText(v);
        });
        const Json* text = nullptr;
        for (auto it = value.begin(); it != value.end(); ++it)
            if (isTextKey(it.key()))
                text = &*it;
        if (!name.empty()) {
            sink.data(name, text ? elementText(*text).value_or(std::string()) : std::string());
        } else if (text && text->is_array()) {
            if (depth < maxDepth)
                for (const auto& part : *text)
                    appendDataValue(part, sink, depth + 1);
        } else {
            sink.unnamedData(text ? elementText(*text).value_or(std::string()) : std::string());
        }
        return;
    }
    sink.unnamedData(scalarText(value));
}

void appendEventData(const Json& data, FieldSink& sink)
{
    if (!data.is_object())
        return;
    for (auto it = data.begin(); it != data.end(); ++it) {
        const std::string& name = it.key();
        if (isAttributeKey(name) || isAtAttribute(name))
            continue;
        if (name == "Data") {
            appendDataValue(*it, sink, 0);
        } else if (it->is_array()) {
            for (const auto& part : *it)
                sink.data(name, elementText(part).value_or(std::string()));
        } else {
            sink.data(name, elementText(*it).value_or(std::string()));
        }
    }
}

void appendUserData(const Json& node, FieldSink& sink, int depth)
{
    if (!node.is_object() || depth > maxDepth)
        return;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string& name = it.key();
        if (isAttributeKey(name) || isAtAttribute(name))
            continue;
        const Json& child = *it;
        forEachAttribute(child, [&](std::string_view attr, const Json& v) {
            if (!isNamespaceAttribute(attr))
                sink.data(sink.joined(name, attr), scalarText(v));
        });
        bool hasChildren = false;
        if (child.is_object())
            for (auto c = child.begin(); c != child.end(); ++c)
                if (!isAttributeKey(c.key()) && !isAtAttribute(c.key()) && !isTextKey(c.key()))
                    hasChildren = true;
        if (hasChildren) {
            appendUserData(child, sink, depth + 1);
        } else if (depth > 0) {
            if (child.is_array()) {
                for (const auto& part : child)
                    sink.data(name, elementText(part).value_or(std::string()));
            } else {
                sink.data(name, elementText(child).value_or(std::string()));
            }
        }
    }
}

/// evtx_dump / xmltodict shape: {"Event": {"System": {...}, "EventData": {...}}}.
void appendNested(const Json& eventObject, Event& event)
{
    FieldSink sink(event);
    for (auto it = eventObject.begin(); it != eventObject.end(); ++it) {
        if (!it->is_object())
            continue;
        if (it.key() == "System")
            appendSystem(*it, sink);
        else if (it.key() == "EventData")
            appendEventData(*it, sink);
        else if (it.key() == "UserData")
            appendUserData(*it, sink, 0);
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

void appendFlatValue(Event& event, const std::string& name, const Json& value, int depth)
{
    if (value.is_object()) {
        if (depth >= maxDepth)
            return;
        for (auto it = value.begin(); it != value.end(); ++it)
            appendFlatValue(event, name + '_' + it.key(), *it, depth + 1);
        return;
    }
    if (value.is_array()) {
        if (depth >= maxDepth)
            return;
        for (const auto& part : value)
            appendFlatValue(event, name, part, depth + 1);
        return;
    }
    std::string_view target = name;
    for (const auto& alias : flatAliases)
        if (alias.from == name) {
            target = alias.to;
            break;
        }
    if (target != std::string_view(name) && event.value(target))
        return; // e.g. both TimeCreated and SystemTime: keep the first
    if (target == "TimeCreated_SystemTime")
        event.add(target, normalizeTime(scalarText(value)));
    else
        event.add(target, scalarText(value));
}

void appendFlat(const Json& object, Event& event)
{
    for (auto it = object.begin(); it != object.end(); ++it)
        appendFlatValue(event, it.key(), *it, 0);
    // NXLog/Logstash without TimeCreated: "@timestamp" is UTC ("EventTime" is the collector's
    // local time without a zone, so it is not used).
    if (!event.value("TimeCreated_SystemTime"))
        if (auto ts = object.find("@timestamp"); ts != object.end() && ts->is_string())
            event.add("TimeCreated_SystemTime", normalizeTime(ts->get_ref<const std::string&>()));
}

/// Winlogbeat / Elastic Agent shape: {"@timestamp": ..., "winlog": {"event_data": {...}, ...}}.
void appendWinlog(const Json& object, const Json& winlog, Event& event)
{
    FieldSink sink(event);
    auto sys = [&](const char* key, std::string_view name) {
        if (auto it = winlog.find(key); it != winlog.end() && !it->is_structured())
            sink.system(name, scalarText(*it));
    };
    sys("provider_name", "Provider_Name");
    sys("provider_guid", "Provider_Guid");
    sys("event_id", "EventID");
    sys("version", "Version");
    if (auto ts = object.find("@timestamp"); ts != object.end() && ts->is_string())
        sink.system("TimeCreated_SystemTime", normalizeTime(ts->get_ref<const std::string&>()));
    sys("record_id", "EventRecordID");
    sys("activity_id", "Correlation_ActivityID");
    if (auto p = winlog.find("process"); p != winlog.end() && p->is_object()) {
        if (auto pid = p->find("pid"); pid != p->end())
            sink.system("Execution_ProcessID", scalarText(*pid));
        if (auto t = p->find("thread"); t != p->end() && t->is_object())
            if (auto tid = t->find("id"); tid != t->end())
                sink.system("Execution_ThreadID", scalarText(*tid));
    }
    sys("channel", "Channel");
    sys("computer_name", "Computer");
    if (auto u = winlog.find("user"); u != winlog.end() && u->is_object())
        if (auto id = u->find("identifier"); id != u->end())
            sink.system("Security_UserID", scalarText(*id));
    if (auto d = winlog.find("event_data"); d != winlog.end() && d->is_object())
        for (auto it = d->begin(); it != d->end(); ++it)
            sink.data(it.key(), elementText(*it).value_or(std::string()));
    if (auto d = winlog.find("user_data"); d != winlog.end() && d->is_object()) {
        Json wrapped = Json::object();
        wrapped["UserData"] = *d;
        appendUserData(wrapped, sink, 0);
    }
}

class JsonReader {
public:
    JsonReader(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_text(text)
        , m_file(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
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

    void readArray(std::size_t pos)
    {
        Json doc = Json::parse(m_text.substr(pos), nullptr, false);
        if (doc.is_discarded()) {
            // Locate the error for the message.
            try {
                [[maybe_unused]] const Json again = Json::parse(m_text.substr(pos));
            } catch (const Json::parse_error& e) {
                const std::size_t at = pos + (e.byte > 0 ? e.byte - 1 : 0);
                diag(Severity::Error, lineOfOffset(m_text, at), std::string("not valid JSON: ") + shortWhat(e.what()),
                     "json-syntax");
                return;
            } catch (const std::exception& e) {
                diag(Severity::Error, 1, std::string("not valid JSON: ") + e.what(), "json-syntax");
                return;
            }
            diag(Severity::Error, 1, "not valid JSON", "json-syntax");
            return;
        }
        std::size_t i = 0;
        for (const auto& element : doc) {
            ++i;
            if (!emit(element, 1, "array element " + std::to_string(i)))
                return;
            if (!progress(pos + (m_text.size() - pos) * i / std::max<std::size_t>(doc.size(), 1)))
                return;
        }
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
            if (m_text[pos] != '{') {
                const std::size_t eol = std::min(m_text.find('\n', pos), m_text.size());
                const std::string_view line = m_text.substr(pos, eol - pos);
                if (!(line.substr(0, 7) == "Record " || line.empty())) {
                    if (!any && m_result.events.empty()) {
                        diag(Severity::Error, lineOfOffset(m_text, pos),
                             "not JSON events: expected '{' or '[' at the start", "json-syntax");
                        return;
                    }
                    diag(Severity::Warning, lineOfOffset(m_text, pos), "skipped text that is not a JSON object",
                         "json-damaged-event");
                    ++m_result.skipped;
                }
                pos = eol;
                continue;
            }
            const std::size_t end = endOfObject(pos);
            const std::string_view piece = m_text.substr(pos, end - pos);
            const int line = lineOfOffset(m_text, pos);
            Json value = Json::parse(piece, nullptr, false);
            if (value.is_discarded()) {
                diag(Severity::Warning, line, "skipped damaged JSON object starting on this line",
                     "json-damaged-event");
                ++m_result.skipped;
            } else {
                any = true;
                if (!emit(value, line, "object"))
                    return;
            }
            pos = end;
            if (!progress(pos))
                return;
        }
        if (m_result.events.empty() && !hasErrors(m_result.diagnostics))
            diag(Severity::Error, 1,
                 m_result.skipped ? "not valid JSON, no event could be read" : "no JSON events found",
                 m_result.skipped ? "json-syntax" : "json-no-events");
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

    bool emit(const Json& value, int line, const std::string& what)
    {
        if (!value.is_object()) {
            diag(Severity::Warning, line, "skipped " + what + ": not a JSON object", "json-damaged-event");
            ++m_result.skipped;
            return true;
        }
        Event event;
        if (auto it = value.find("Event"); it != value.end() && it->is_object())
            appendNested(*it, event);
        else if (auto w = value.find("winlog"); w != value.end() && w->is_object())
            appendWinlog(value, *w, event);
        else if (auto s = value.find("System"); s != value.end() && s->is_object())
            appendNested(value, event);
        else
            appendFlat(value, event);
        event.origin.file = m_file;
        event.origin.index = m_result.events.size() + m_result.skipped + 1;
        if (const std::string* rid = event.value("EventRecordID"))
            event.origin.recordId = parseUnsigned(*rid);
        event.fields.shrink_to_fit();
        m_result.events.push_back(std::move(event));
        return !(m_options.limit && m_result.events.size() >= m_options.limit);
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
    std::size_t m_tick = 0;
};

} // namespace

void readJsonText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    JsonReader(text, name, options, result).run();
}

} // namespace sigma::detail
