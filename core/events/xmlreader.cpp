#include "events/normalize.h"
#include "events/xmlevent.h"
#include "util/asciitext.h"

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

namespace sigma::detail {

namespace {

// No end-of-line normalisation: values keep their bytes (CR LF in a Data value stays CR LF, as
// in the EVTX record), so XML, EVTX and JSON renderings of one event give identical fields.
constexpr unsigned parseFlags = pugi::parse_default & ~pugi::parse_eol;

bool nameIs(const pugi::xml_node& node, std::string_view name)
{
    return localName(node.name()) == name;
}

/// Text of an element: the concatenation of its PCDATA/CDATA children.
std::string_view elementText(const pugi::xml_node& node, std::string& scratch)
{
    const pugi::xml_node first = node.first_child();
    if (!first)
        return {};
    if (!first.next_sibling() && (first.type() == pugi::node_pcdata || first.type() == pugi::node_cdata))
        return first.value();
    scratch.clear();
    for (auto child = first; child; child = child.next_sibling())
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            scratch += child.value();
    return scratch;
}

bool hasElementChildren(const pugi::xml_node& node)
{
    for (auto child = node.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_element)
            return true;
    return false;
}

void appendSystem(const pugi::xml_node& system, FieldSink& sink, std::string& scratch)
{
    for (auto child = system.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        const std::string_view name = localName(child.name());
        sink.system(name, elementText(child, scratch));
        for (auto attr = child.first_attribute(); attr; attr = attr.next_attribute())
            sink.systemAttribute(name, localName(attr.name()), attr.value());
    }
}

void appendEventData(const pugi::xml_node& eventData, FieldSink& sink, std::string& scratch)
{
    for (auto child = eventData.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        const std::string_view name = localName(child.name());
        const std::string_view text = elementText(child, scratch);
        if (name == "Data") {
            const pugi::xml_attribute attrName = child.attribute("Name");
            if (attrName && *attrName.value())
                sink.data(attrName.value(), text);
            else
                sink.unnamedData(text);
        } else {
            sink.data(name, text);
        }
    }
}

void appendUserData(const pugi::xml_node& node, FieldSink& sink, std::string& scratch, int depth)
{
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        const std::string_view name = localName(child.name());
        for (auto attr = child.first_attribute(); attr; attr = attr.next_attribute())
            if (!isNamespaceAttribute(attr.name()))
                sink.data(sink.joined(name, localName(attr.name())), attr.value());
        if (hasElementChildren(child)) {
            if (depth < 32)
                appendUserData(child, sink, scratch, depth + 1);
        } else if (depth > 0) { // depth 0 is the wrapper element (e.g. <LogFileCleared>)
            sink.data(name, elementText(child, scratch));
        }
    }
}

void appendWithFlags(const pugi::xml_node& eventNode, Event& event)
{
    FieldSink sink(event);
    std::string scratch;
    for (auto section = eventNode.first_child(); section; section = section.next_sibling()) {
        if (section.type() != pugi::node_element)
            continue;
        if (nameIs(section, "System"))
            appendSystem(section, sink, scratch);
        else if (nameIs(section, "EventData"))
            appendEventData(section, sink, scratch);
        else if (nameIs(section, "UserData"))
            appendUserData(section, sink, scratch, 0);
        // RenderingInfo (and anything else) is for display only: kept in the original XML.
    }
}

struct StringWriter : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

std::shared_ptr<const std::string> serialize(const pugi::xml_node& node)
{
    StringWriter writer;
    node.print(writer, "  ", pugi::format_default);
    return std::make_shared<const std::string>(std::move(writer.out));
}

pugi::xml_node firstEvent(const pugi::xml_node& parent)
{
    for (auto child = parent.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_element && nameIs(child, "Event"))
            return child;
    return {};
}

class XmlReader {
public:
    XmlReader(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_text(text)
        , m_file(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
    {}

    void run()
    {
        pugi::xml_document doc;
        const pugi::xml_parse_result parsed =
            doc.load_buffer(m_text.data(), m_text.size(), parseFlags | pugi::parse_fragment, pugi::encoding_auto);
        if (parsed) {
            visitContainer(doc, 0);
            if (m_result.count() == 0 && m_result.diagnostics.empty() && !m_sawEvent)
                error(1, "no <Event> element found (not Windows Event XML)", "xml-no-events");
            return;
        }
        // Not well-formed as a whole: read event by event so one damaged event does not lose the rest.
        recoverEventByEvent(parsed);
    }

private:
    // Visits <Events> / <Event> elements at the top levels. Returns false when stopped.
    bool visitContainer(const pugi::xml_node& parent, int depth)
    {
        for (auto child = parent.first_child(); child; child = child.next_sibling()) {
            if (child.type() != pugi::node_element)
                continue;
            if (nameIs(child, "Event")) {
                m_sawEvent = true;
                if (!emit(child, static_cast<std::size_t>(child.offset_debug())))
                    return false;
            } else if (depth < 4) {
                if (!visitContainer(child, depth + 1))
                    return false;
            }
        }
        return true;
    }

    bool emit(const pugi::xml_node& node, std::size_t offset)
    {
        Event event;
        appendWithFlags(node, event);
        event.origin.file = m_file;
        event.origin.index = m_result.count() + m_result.skipped + 1;
        ++m_index;
        static const FieldNames::Id recordIdKey = FieldNames::internKey("EventRecordID");
        if (const auto rid = event.valueByKey(recordIdKey))
            event.origin.recordId = parseUnsigned(*rid);
        if (m_options.keepOriginalXml)
            event.originalXml = serialize(node);
        event.fields.shrink_to_fit();
        m_result.events.push_back(std::move(event));
        if (m_options.limit && m_result.count() >= m_options.limit)
            return false;
        if (!deliverBatch(m_options, m_result))
            return false;
        return progress(offset);
    }

    bool progress(std::size_t offset)
    {
        if (!m_options.progress || (m_index % 64) != 0)
            return true;
        if (!m_options.progress(offset, m_text.size())) {
            m_result.cancelled = true;
            return false;
        }
        return true;
    }

    void error(int line, std::string message, std::string code)
    {
        m_result.diagnostics.push_back(Diagnostic{Severity::Error, std::move(code), std::move(message), *m_file,
                                                  SourceSpan{SourcePos{line, 0}, SourcePos{line, 0}}});
    }
    void warning(int line, std::string message, std::string code)
    {
        m_result.diagnostics.push_back(Diagnostic{Severity::Warning, std::move(code), std::move(message), *m_file,
                                                  SourceSpan{SourcePos{line, 0}, SourcePos{line, 0}}});
    }

    static bool isEventStart(std::string_view text, std::size_t pos)
    {
        // "<Event" or "<prefix:Event" followed by whitespace, '>' or '/'.
        std::size_t p = pos + 1;
        std::size_t nameStart = p;
        while (p < text.size() &&
               (isAsciiAlnum(text[p]) || text[p] == ':' || text[p] == '_' || text[p] == '-' || text[p] == '.'))
            ++p;
        const std::string_view tag = localName(text.substr(nameStart, p - nameStart));
        if (tag != "Event" || p >= text.size())
            return false;
        const char c = text[p];
        return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    void recoverEventByEvent(const pugi::xml_parse_result& whole)
    {
        std::vector<std::size_t> starts;
        for (std::size_t pos = m_text.find('<'); pos != std::string_view::npos; pos = m_text.find('<', pos + 1))
            if (isEventStart(m_text, pos))
                starts.push_back(pos);
        if (starts.empty()) {
            const int line = lineOfOffset(m_text, static_cast<std::size_t>(std::max<std::ptrdiff_t>(whole.offset, 0)));
            error(line, std::string("not well-formed XML: ") + whole.description(), "xml-syntax");
            return;
        }
        std::string buffer;
        LineCounter lines(m_text);
        for (std::size_t i = 0; i < starts.size(); ++i) {
            const std::size_t begin = starts[i];
            std::size_t end = i + 1 < starts.size() ? starts[i + 1] : m_text.size();
            std::string_view piece = m_text.substr(begin, end - begin);
            // Cut at the end of this event's closing tag so trailing </Events> etc. do not count.
            if (const auto close = piece.rfind("Event>"); close != std::string_view::npos)
                piece = piece.substr(0, close + 6);
            buffer.assign(piece);
            pugi::xml_document doc;
            const auto parsed = doc.load_buffer_inplace(buffer.data(), buffer.size(), parseFlags | pugi::parse_fragment,
                                                        pugi::encoding_utf8);
            const pugi::xml_node node = parsed ? firstEvent(doc) : pugi::xml_node();
            const int line = lines.lineAt(begin);
            if (!node) {
                const int errLine =
                    lines.lineAt(begin + static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)));
                warning(errLine,
                        "skipped damaged event #" + std::to_string(m_index + m_result.skipped + 1) +
                            " starting on line " + std::to_string(line) + ": " + parsed.description(),
                        "xml-damaged-event");
                ++m_result.skipped;
                continue;
            }
            m_sawEvent = true;
            if (!emit(node, begin))
                return;
        }
        if (m_result.count() == 0) {
            const int line = lineOfOffset(m_text, static_cast<std::size_t>(std::max<std::ptrdiff_t>(whole.offset, 0)));
            error(line, std::string("not well-formed XML, no event could be read: ") + whole.description(),
                  "xml-syntax");
        }
    }

    std::string_view m_text;
    std::shared_ptr<const std::string> m_file;
    const ReadOptions& m_options;
    ReadResult& m_result;
    std::size_t m_index = 0;
    bool m_sawEvent = false;
};

} // namespace

void appendXmlEvent(const pugi::xml_node& eventNode, Event& event)
{
    appendWithFlags(eventNode, event);
}

bool parseSingleXmlEvent(char* buffer, std::size_t size, Event& event, std::string& error)
{
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer_inplace(buffer, size, parseFlags | pugi::parse_fragment, pugi::encoding_utf8);
    if (!parsed) {
        error = parsed.description();
        return false;
    }
    const pugi::xml_node node = firstEvent(doc);
    if (!node) {
        error = "no <Event> element";
        return false;
    }
    appendWithFlags(node, event);
    return true;
}

void readXmlText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    result.format = EventFormat::EventXml;
    XmlReader(text, name, options, result).run();
}

} // namespace sigma::detail
