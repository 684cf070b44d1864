#include "events/reader.h"

#include "events/evtx/evtxdecoder.h"
#include "events/evtx/mappedfile.h"
#include "events/evtxreader.h"
#include "events/jsonreader.h"
#include "events/xmlevent.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

namespace sigma {

const char* eventFormatName(EventFormat format)
{
    switch (format) {
    case EventFormat::EventXml:
        return "xml";
    case EventFormat::Evtx:
        return "evtx";
    case EventFormat::Json:
        return "json";
    case EventFormat::Unknown:
        break;
    }
    return "unknown";
}

EventFormat detectFormat(std::string_view bytes)
{
    if (bytes.substr(0, 8) == std::string_view("ElfFile\0", 8))
        return EventFormat::Evtx;
    std::size_t pos = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
        pos = 3;
    else if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
        return EventFormat::EventXml; // UTF-16 text: only XML is accepted in UTF-16 (pugixml converts)
    while (pos < bytes.size() && (bytes[pos] == ' ' || bytes[pos] == '\t' || bytes[pos] == '\r' || bytes[pos] == '\n'))
        ++pos;
    if (pos >= bytes.size())
        return EventFormat::Unknown;
    switch (bytes[pos]) {
    case '<':
        return EventFormat::EventXml;
    case '{':
    case '[':
        return EventFormat::Json;
    default:
        break;
    }
    // Tool output with a banner before the events (evtxexport -f xml, evtx_dump's "Record N").
    const std::string_view head = bytes.substr(pos, 4096);
    const auto xml = head.find("<Event");
    const auto json = head.find("\n{");
    if (xml != std::string_view::npos && (json == std::string_view::npos || xml < json))
        return EventFormat::EventXml;
    if (json != std::string_view::npos && head.substr(0, 7) == "Record ")
        return EventFormat::Json;
    return EventFormat::Unknown;
}

namespace {

Diagnostic fileError(const std::string& file, std::string message, std::string code)
{
    return Diagnostic{Severity::Error, std::move(code), std::move(message), file, {}};
}

void readText(std::string_view text, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    const EventFormat format = detectFormat(text.substr(0, 8192));
    switch (format) {
    case EventFormat::EventXml:
        detail::readXmlText(text, name, options, result);
        return;
    case EventFormat::Json:
        detail::readJsonText(text, name, options, result);
        return;
    case EventFormat::Evtx:
        result.format = EventFormat::Evtx;
        result.diagnostics.push_back(fileError(name, "EVTX data must be read as a file", "evtx-open"));
        return;
    case EventFormat::Unknown:
        break;
    }
    result.diagnostics.push_back(
        fileError(name,
                  text.empty() ? std::string("the file is empty")
                               : std::string("not an event file: expected EVTX (\"ElfFile\" signature), Windows "
                                             "Event XML or JSON"),
                  "unknown-format"));
}

} // namespace

bool deliverBatch(const ReadOptions& options, ReadResult& result, bool final)
{
    if (!options.onBatch || result.events.empty() || (!final && result.events.size() < options.batchSize))
        return true;
    result.delivered += result.events.size();
    const bool go = options.onBatch(result.events);
    result.events.clear();
    if (!go)
        result.cancelled = true;
    return go;
}

ReadResult readEventsText(std::string_view text, const std::string& name, const ReadOptions& options)
{
    ReadResult result;
    try {
        const FieldNameSet::Scope names(options.names ? options.names : std::make_shared<FieldNameSet>());
        readText(text, name, options, result);
        if (!result.cancelled)
            deliverBatch(options, result, true);
    } catch (const std::exception& e) { // e.g. std::bad_alloc: never across the API
        result.diagnostics.push_back(fileError(name, std::string("reading failed: ") + e.what(), "read-failed"));
    }
    return result;
}

ReadResult readEventsFile(const std::string& path, const ReadOptions& options)
{
    ReadResult result;
    try {
        // The names of this file's events are theirs: released with the last of them.
        const FieldNameSet::Scope names(options.names ? options.names : std::make_shared<FieldNameSet>());
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            result.diagnostics.push_back(
                fileError(path, std::string("cannot open the file: ") + std::strerror(errno), "file-open"));
            return result;
        }
        char head[8] = {};
        in.read(head, sizeof head);
        if (detectFormat(std::string_view(head, static_cast<std::size_t>(in.gcount()))) == EventFormat::Evtx) {
            in.close();
            detail::readEvtxFile(path, path, options, result);
            if (!result.cancelled)
                deliverBatch(options, result, true);
            return result;
        }
        in.clear();
        in.seekg(0);
        std::ostringstream buffer;
        buffer << in.rdbuf();
        if (in.bad()) {
            result.diagnostics.push_back(fileError(path, "cannot read the file", "file-read"));
            return result;
        }
        const std::string text = std::move(buffer).str();
        readText(text, path, options, result);
        if (!result.cancelled)
            deliverBatch(options, result, true);
    } catch (const std::exception& e) {
        result.diagnostics.push_back(fileError(path, std::string("reading failed: ") + e.what(), "read-failed"));
    }
    return result;
}

std::string loadOriginalXml(const Event& event)
{
    if (event.originalXml)
        return *event.originalXml;
    if (event.origin.file && event.origin.index > 0) {
        ReadOptions options;
        options.keepOriginalXml = true;
        options.limit = event.origin.index; // positions count skipped records: at most this many
        const ReadResult again = readEventsFile(*event.origin.file, options);
        for (auto it = again.events.rbegin(); it != again.events.rend(); ++it)
            if (it->origin.index == event.origin.index && it->originalXml)
                return *it->originalXml;
    }
    return event.xml();
}

std::string eventXml(const Event& event)
{
    if (event.originalXml)
        return *event.originalXml;
    if (event.origin.file && event.origin.chunk && event.origin.recordId) {
        evtx::MappedFile file;
        if (file.open(*event.origin.file).empty())
            if (auto xml = evtx::recordXml(file.source(), *event.origin.chunk, *event.origin.recordId))
                return std::move(*xml);
    }
    return event.xml();
}

ReadResult readEvtxBytes(std::string_view bytes, const std::string& name, const ReadOptions& options)
{
    ReadResult result;
    result.format = EventFormat::Evtx;
    // libevtx reads from a path: give it an anonymous in-memory file.
    const int fd = memfd_create("sigma-evtx", MFD_CLOEXEC);
    if (fd < 0) {
        result.diagnostics.push_back(fileError(name, "cannot create an in-memory file", "evtx-open"));
        return result;
    }
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0)
            break;
        written += static_cast<std::size_t>(n);
    }
    try {
        const FieldNameSet::Scope names(options.names ? options.names : std::make_shared<FieldNameSet>());
        detail::readEvtxFile("/proc/self/fd/" + std::to_string(fd), name, options, result);
        if (!result.cancelled)
            deliverBatch(options, result, true);
    } catch (const std::exception& e) {
        result.diagnostics.push_back(fileError(name, std::string("reading failed: ") + e.what(), "read-failed"));
    }
    ::close(fd);
    return result;
}

} // namespace sigma
