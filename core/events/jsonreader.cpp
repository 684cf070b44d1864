// JSON event files: a JSON array, JSON Lines, or concatenated or pretty-printed objects (with
// evtx_dump's "Record N" lines between them); each object becomes an Event through jsonshapes.h.
#include "events/jsonreader.h"

#include "events/jsonshapes.h"
#include "events/normalize.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>

namespace sigma::detail {

namespace {

using json::asArray;
using json::asObject;
using json::Element;
using json::isArray;
using json::isObject;
using json::Object;

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
            json::appendNested(asObject(*nested), event);
        } else if (winlog && isObject(*winlog)) {
            json::appendWinlog(object, asObject(*winlog), event);
        } else if (system && isObject(*system)) {
            json::appendNested(object, event);
        } else {
            event.fields.reserve(object.size());
            m_flat.read(object, event);
        }
        event.origin.file = m_file;
        event.origin.index = m_result.count() + m_result.skipped + 1;
        if (const auto rid = event.valueByKey(m_recordId.key))
            event.origin.recordId = parseUnsigned(*rid);
        event.shrinkToFit();
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
    json::FlatReader m_flat;
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
