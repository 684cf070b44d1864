#include "events/evtxreader.h"

#include "events/normalize.h"
#include "events/xmlevent.h"

// libevtx.h includes libbfio.h (not packaged with libevtx-dev) only for the file-IO-handle API,
// which is not used here.
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

namespace sigma::detail {

namespace {

constexpr std::size_t fileHeaderSize = 4096;
constexpr std::size_t chunkSize = 65536;

std::string takeError(libevtx_error_t*& error)
{
    std::string text;
    if (error) {
        char buffer[2048] = {};
        if (libevtx_error_sprint(error, buffer, sizeof buffer) > 0)
            text = buffer;
        libevtx_error_free(&error);
    }
    // libevtx prints one line per frame, innermost last; the last line is the most specific.
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    if (const auto nl = text.rfind('\n'); nl != std::string::npos)
        text = text.substr(nl + 1);
    return text.empty() ? std::string("unknown libevtx error") : text;
}

std::uint64_t le64(const unsigned char* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

/// What the chunk headers say, used to name chunk and record in warnings (libevtx does not say
/// which chunk a failed record index is in).
struct ChunkInfo {
    std::uint32_t number = 0;
    std::uint64_t firstRecordNumber = 0;
    std::uint64_t lastRecordNumber = 0;
    std::uint64_t firstRecordId = 0;
    bool valid = false;
};

std::vector<ChunkInfo> scanChunks(const std::string& path)
{
    std::vector<ChunkInfo> chunks;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return chunks;
    in.seekg(static_cast<std::streamoff>(fileHeaderSize));
    unsigned char header[48];
    for (std::uint32_t n = 0; n < 65536; ++n) {
        in.seekg(static_cast<std::streamoff>(fileHeaderSize + std::uint64_t(n) * chunkSize));
        if (!in.read(reinterpret_cast<char*>(header), sizeof header))
            break;
        ChunkInfo c;
        c.number = n;
        c.valid = std::memcmp(header, "ElfChnk", 8) == 0;
        if (c.valid) {
            c.firstRecordNumber = le64(header + 8);
            c.lastRecordNumber = le64(header + 16);
            c.firstRecordId = le64(header + 24);
            if (c.lastRecordNumber < c.firstRecordNumber || c.lastRecordNumber - c.firstRecordNumber > 65536)
                c.valid = false;
        }
        chunks.push_back(c);
    }
    return chunks;
}

struct RecordPlace {
    std::optional<std::uint32_t> chunk;
    std::optional<std::uint64_t> recordId;
};

/// Where the record with this 0-based index (in libevtx's order) probably is.
RecordPlace placeOfIndex(const std::vector<ChunkInfo>& chunks, std::uint64_t index)
{
    std::uint64_t before = 0;
    for (const auto& c : chunks) {
        if (!c.valid)
            continue;
        const std::uint64_t count = c.lastRecordNumber - c.firstRecordNumber + 1;
        if (index < before + count)
            return {c.number, c.firstRecordId + (index - before)};
        before += count;
    }
    return {};
}

struct FileCloser {
    libevtx_file_t* file = nullptr;
    bool open = false;
    ~FileCloser()
    {
        if (file) {
            libevtx_error_t* error = nullptr;
            if (open)
                libevtx_file_close(file, &error);
            libevtx_error_free(&error);
            libevtx_file_free(&file, &error);
            libevtx_error_free(&error);
        }
    }
};

struct RecordFree {
    libevtx_record_t* record = nullptr;
    ~RecordFree()
    {
        if (record) {
            libevtx_error_t* error = nullptr;
            libevtx_record_free(&record, &error);
            libevtx_error_free(&error);
        }
    }
};

class EvtxReader {
public:
    EvtxReader(const std::string& path, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_path(path)
        , m_file(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
    {}

    void run()
    {
        m_result.format = EventFormat::Evtx;
        FileCloser handle;
        libevtx_error_t* error = nullptr;
        if (libevtx_file_initialize(&handle.file, &error) != 1) {
            fail("cannot initialise libevtx: " + takeError(error), "evtx-open");
            return;
        }
        if (libevtx_file_open(handle.file, m_path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
            fail("not a readable EVTX file: " + takeError(error), "evtx-open");
            return;
        }
        handle.open = true;
        int count = 0;
        if (libevtx_file_get_number_of_records(handle.file, &count, &error) != 1) {
            fail("cannot count the records: " + takeError(error), "evtx-open");
            return;
        }
        if (libevtx_file_is_corrupted(handle.file, &error) == 1)
            warn({}, {}, "the file is flagged as corrupted (dirty or with damaged chunks); reading what is readable",
                 "evtx-corrupted");
        libevtx_error_free(&error);

        std::vector<char> xml;
        const auto total = static_cast<std::uint64_t>(count);
        for (int i = 0; i < count; ++i) {
            if (m_options.progress && (i % 256) == 0 && !m_options.progress(static_cast<std::uint64_t>(i), total)) {
                m_result.cancelled = true;
                return;
            }
            readRecord(handle.file, i, xml);
            if (m_options.limit && m_result.events.size() >= m_options.limit)
                return;
        }
        if (m_options.progress && !m_options.progress(total, total))
            m_result.cancelled = true;
    }

private:
    void readRecord(libevtx_file_t* file, int i, std::vector<char>& xml)
    {
        libevtx_error_t* error = nullptr;
        RecordFree record;
        if (libevtx_file_get_record_by_index(file, i, &record.record, &error) != 1) {
            skip(i, "cannot read the record: " + takeError(error));
            return;
        }
        std::size_t size = 0;
        if (libevtx_record_get_utf8_xml_string_size(record.record, &size, &error) != 1 || size == 0) {
            skip(i, "cannot render the record as XML: " + takeError(error));
            return;
        }
        if (xml.size() < size)
            xml.resize(size);
        if (libevtx_record_get_utf8_xml_string(record.record, reinterpret_cast<std::uint8_t*>(xml.data()), size,
                                               &error) != 1) {
            skip(i, "cannot render the record as XML: " + takeError(error));
            return;
        }
        const std::size_t length = strnlen(xml.data(), size);
        Event event;
        std::shared_ptr<const std::string> original;
        if (m_options.keepOriginalXml)
            original = std::make_shared<const std::string>(xml.data(), length);
        std::string parseError;
        if (!parseSingleXmlEvent(xml.data(), length, event, parseError)) {
            skip(i, "the record's XML is not well-formed: " + parseError);
            return;
        }
        event.origin.file = m_file;
        event.origin.index = m_result.events.size() + m_result.skipped + 1;
        off64_t offset = 0;
        if (libevtx_record_get_offset(record.record, &offset, &error) == 1 &&
            offset >= static_cast<off64_t>(fileHeaderSize))
            event.origin.chunk =
                static_cast<std::uint32_t>((static_cast<std::uint64_t>(offset) - fileHeaderSize) / chunkSize);
        libevtx_error_free(&error);
        // EventRecordID from the record's own XML; libevtx's identifier is the chunk-level record number.
        if (const std::string* rid = event.value("EventRecordID"))
            event.origin.recordId = parseUnsigned(*rid);
        event.originalXml = std::move(original);
        event.fields.shrink_to_fit();
        m_result.events.push_back(std::move(event));
    }

    void skip(int index, const std::string& why)
    {
        if (!m_chunksScanned) {
            m_chunks = scanChunks(m_path);
            m_chunksScanned = true;
        }
        const RecordPlace place = placeOfIndex(m_chunks, static_cast<std::uint64_t>(index));
        ++m_result.skipped;
        warn(place.chunk, place.recordId, "skipped damaged record #" + std::to_string(index + 1) + ": " + why,
             "evtx-damaged-record");
    }

    void warn(std::optional<std::uint32_t> chunk, std::optional<std::uint64_t> recordId, const std::string& message,
              std::string code)
    {
        std::string where;
        if (chunk)
            where += "chunk " + std::to_string(*chunk);
        if (recordId)
            where += (where.empty() ? "" : ", ") + std::string("EventRecordID ") + std::to_string(*recordId);
        m_result.diagnostics.push_back(Diagnostic{
            Severity::Warning, std::move(code), where.empty() ? message : where + ": " + message, *m_file, {}});
    }

    void fail(const std::string& message, std::string code)
    {
        m_result.diagnostics.push_back(Diagnostic{Severity::Error, std::move(code), message, *m_file, {}});
    }

    const std::string& m_path;
    std::shared_ptr<const std::string> m_file;
    const ReadOptions& m_options;
    ReadResult& m_result;
    std::vector<ChunkInfo> m_chunks;
    bool m_chunksScanned = false;
};

} // namespace

void readEvtxFile(const std::string& path, const std::string& displayName, const ReadOptions& options,
                  ReadResult& result)
{
    EvtxReader(path, displayName, options, result).run();
}

} // namespace sigma::detail
