#include "events/evtxreader.h"

#include "events/evtx/evtxdecoder.h"
#include "events/evtx/mappedfile.h"
#include "events/evtxvalues.h"
#include "events/normalize.h"
#include "events/xmlevent.h"

// libevtx.h includes libbfio.h (not packaged with libevtx-dev) only for the file-IO-handle API,
// which is not used here.
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <sys/mman.h>
#include <unistd.h>
#include <unordered_map>

namespace sigma::detail {

namespace {

using evtx::chunkSize;
using evtx::fileHeaderSize;
using evtx::le32;
using evtx::le64;
constexpr std::size_t initialXmlBuffer = 256 * 1024;

/// The innermost libevtx/libfwevt message (the actual cause), without the function name, plus
/// the file offset when a frame names one.
std::string takeError(libevtx_error_t*& error)
{
    std::string text;
    if (error) {
        char buffer[4096] = {};
        if (libevtx_error_backtrace_sprint(error, buffer, sizeof buffer) > 0)
            text = buffer;
        libevtx_error_free(&error);
    }
    std::string cause = text.substr(0, text.find('\n'));
    if (const auto colon = cause.find(": "); colon != std::string::npos && cause.find(' ') > colon)
        cause = cause.substr(colon + 2);
    while (!cause.empty() && (cause.back() == '.' || cause.back() == ' '))
        cause.pop_back();
    if (const auto at = text.find("at offset: 0x"); at != std::string::npos) {
        const auto end = text.find_first_of(".\n", at + 11);
        cause +=
            " (file offset " + text.substr(at + 11, end == std::string::npos ? std::string::npos : end - at - 11) + ")";
    }
    return cause.empty() ? std::string("unknown libevtx error") : cause;
}

/// What the chunk headers say, used to name chunk and record in warnings (libevtx does not say
/// which chunk a failed record index is in).
struct ChunkInfo {
    std::uint32_t number = 0;
    std::uint64_t firstRecordNumber = 0;
    std::uint64_t lastRecordNumber = 0;
    std::uint64_t firstRecordId = 0;
    std::uint64_t lastRecordId = 0;
    std::uint64_t bytesPresent = 0; ///< < chunkSize when the file ends inside the chunk
    bool valid = false;
    bool complete() const { return bytesPresent >= chunkSize; }
};

std::vector<ChunkInfo> scanChunks(const std::string& path)
{
    std::vector<ChunkInfo> chunks;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return chunks;
    in.seekg(0, std::ios::end);
    const auto fileSize = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
    unsigned char header[48];
    for (std::uint32_t n = 0; n < 65536; ++n) {
        in.seekg(static_cast<std::streamoff>(fileHeaderSize + std::uint64_t(n) * chunkSize));
        if (!in.read(reinterpret_cast<char*>(header), sizeof header))
            break;
        ChunkInfo c;
        c.number = n;
        c.bytesPresent = std::min<std::uint64_t>(fileSize - (fileHeaderSize + std::uint64_t(n) * chunkSize), chunkSize);
        const auto h = evtx::readChunkHeader(evtx::Bytes(header, sizeof header));
        c.valid = h.has_value();
        if (h) {
            // Record identifiers as in each record's header (what libevtx_record_get_identifier
            // gives). A log exported from a live one keeps the original EventRecordID in the XML
            // but renumbers these from 1.
            c.firstRecordNumber = h->firstRecordNumber;
            c.lastRecordNumber = h->lastRecordNumber;
            c.firstRecordId = h->firstRecordId;
            c.lastRecordId = h->lastRecordId;
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

/// An in-memory copy of a file, extended with zeros to `size` bytes.
class PaddedCopy {
public:
    PaddedCopy() = default;
    PaddedCopy(const PaddedCopy&) = delete;
    PaddedCopy& operator=(const PaddedCopy&) = delete;
    ~PaddedCopy()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool make(const std::string& source, std::uint64_t size)
    {
        if (size > maxPaddedSize)
            return false; // keep memory bounded: very large truncated files lose their last chunk
        std::ifstream in(source, std::ios::binary);
        m_fd = memfd_create("sigma-evtx-padded", MFD_CLOEXEC);
        if (!in || m_fd < 0)
            return false;
        std::vector<char> buffer(1 << 20);
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const auto n = static_cast<std::size_t>(in.gcount());
            std::size_t done = 0;
            while (done < n) {
                const ssize_t w = ::write(m_fd, buffer.data() + done, n - done);
                if (w <= 0)
                    return false;
                done += static_cast<std::size_t>(w);
            }
        }
        return ::ftruncate(m_fd, static_cast<off_t>(size)) == 0;
    }

    std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

private:
    static constexpr std::uint64_t maxPaddedSize = 512ull << 20;
    int m_fd = -1;
};

/// The bytes of one chunk at a time, with where each record (by identifier) starts in it: the
/// typed values are read from there (libevtx gives only text).
class ChunkBytes {
public:
    explicit ChunkBytes(const std::string& path)
        : m_path(path)
    {}

    /// The chunk holding the record, and the record's offset in it; empty when not found.
    std::span<const std::uint8_t> find(std::uint32_t chunk, std::uint64_t recordId, std::size_t& offset)
    {
        if (m_chunk != chunk && !load(chunk))
            return {};
        const auto it = m_records.find(recordId);
        if (it == m_records.end())
            return {};
        offset = it->second;
        return m_bytes;
    }

private:
    bool load(std::uint32_t chunk)
    {
        m_chunk = chunk;
        m_records.clear();
        m_bytes.assign(chunkSize, 0);
        std::ifstream in(m_path, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(fileHeaderSize + std::uint64_t(chunk) * chunkSize));
        if (!in)
            return false;
        in.read(reinterpret_cast<char*>(m_bytes.data()), static_cast<std::streamsize>(chunkSize));
        for (std::size_t at = 512; at + 24 <= chunkSize;) {
            const unsigned char* p = m_bytes.data() + at;
            const std::uint32_t size = le32(p + 4);
            if (std::memcmp(p, "**\0\0", 4) != 0 || size < 28 || size > chunkSize - at)
                break;
            m_records.emplace(le64(p + 8), at);
            at += size;
        }
        return true;
    }

    const std::string& m_path;
    std::optional<std::uint32_t> m_chunk;
    std::vector<std::uint8_t> m_bytes;
    std::unordered_map<std::uint64_t, std::size_t> m_records;
};

class EvtxReader {
public:
    EvtxReader(const std::string& path, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_path(path)
        , m_file(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
        , m_chunkBytes(path)
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
        // libevtx does not say which chunk a record is in (its record offset is 0): the chunk
        // headers' EventRecordID ranges do.
        m_chunks = scanChunks(m_path);
        m_chunksScanned = true;
        // libevtx drops a chunk the file ends in, even when most of its records are complete:
        // reading a copy padded with zeros to the chunk's size recovers every complete record.
        std::string openPath = m_path;
        PaddedCopy padded;
        if (!m_chunks.empty() && m_chunks.back().valid && !m_chunks.back().complete() &&
            padded.make(m_path, fileHeaderSize + m_chunks.size() * chunkSize))
            openPath = padded.path();
        if (libevtx_file_open(handle.file, openPath.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
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

        if (count == 0) {
            // A cleared log has a chunk without records; a truncated or zeroed file has no chunk.
            if (std::none_of(m_chunks.begin(), m_chunks.end(), [](const ChunkInfo& c) { return c.valid; })) {
                fail("no event chunk in the file (truncated or not EVTX): the file header is followed by " +
                         std::to_string(m_chunks.size()) + " chunk(s), none with the \"ElfChnk\" signature",
                     "evtx-open");
                return;
            }
        }
        std::vector<char> xml;
        const auto total = static_cast<std::uint64_t>(count);
        for (int i = 0; i < count; ++i) {
            if (m_options.progress && (i % 256) == 0 && !m_options.progress(static_cast<std::uint64_t>(i), total)) {
                m_result.cancelled = true;
                return;
            }
            readRecord(handle.file, i, xml);
            if (m_options.limit && m_result.count() >= m_options.limit)
                return;
            if (!deliverBatch(m_options, m_result))
                return;
        }
        if (m_options.progress && !m_options.progress(total, total))
            m_result.cancelled = true;
        reportTruncatedChunks();
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
        // Rendering is the costly part of libevtx: render once into a buffer that is usually big
        // enough, and ask for the exact size only when it was not.
        if (xml.size() < initialXmlBuffer)
            xml.resize(initialXmlBuffer);
        std::size_t size = xml.size();
        if (libevtx_record_get_utf8_xml_string(record.record, reinterpret_cast<std::uint8_t*>(xml.data()), size,
                                               &error) != 1) {
            libevtx_error_free(&error);
            if (libevtx_record_get_utf8_xml_string_size(record.record, &size, &error) != 1 || size == 0) {
                skip(i, "cannot render the record as XML: " + takeError(error));
                return;
            }
            xml.resize(std::max(size, xml.size() * 2));
            size = xml.size();
            if (libevtx_record_get_utf8_xml_string(record.record, reinterpret_cast<std::uint8_t*>(xml.data()), size,
                                                   &error) != 1) {
                skip(i, "cannot render the record as XML: " + takeError(error));
                return;
            }
        }
        const std::size_t length = strnlen(xml.data(), size);
        Event event;
        std::string original;
        if (m_options.keepOriginalXml)
            original.assign(xml.data(), length);
        std::string parseError;
        if (!parseSingleXmlEvent(xml.data(), length, event, parseError)) {
            skip(i, "the record's XML is not well-formed: " + parseError);
            return;
        }
        event.origin.file = m_file;
        event.origin.index = m_result.count() + m_result.skipped + 1;
        // EventRecordID from the record's own XML; libevtx's identifier is the chunk-level record number.
        if (const auto rid = event.value("EventRecordID"))
            event.origin.recordId = parseUnsigned(*rid);
        std::uint64_t identifier = 0;
        if (libevtx_record_get_identifier(record.record, &identifier, &error) == 1) {
            event.origin.chunk = chunkOfRecordId(identifier);
            if (event.origin.chunk)
                correctTypedValues(*event.origin.chunk, identifier, event, original);
        }
        libevtx_error_free(&error);
        if (m_options.keepOriginalXml)
            event.originalXml = std::make_shared<const std::string>(std::move(original));
        event.shrinkToFit();
        if (event.origin.chunk)
            ++m_readPerChunk[*event.origin.chunk];
        m_result.events.push_back(std::move(event));
    }

    /// libevtx's text for typed values (zero-padded hex, …) made Windows' text, where the record's
    /// own bytes say which text is which typed value (evtxvalues.h).
    void correctTypedValues(std::uint32_t chunk, std::uint64_t identifier, Event& event, std::string& xml)
    {
        std::size_t offset = 0;
        const std::span<const std::uint8_t> bytes = m_chunkBytes.find(chunk, identifier, offset);
        if (bytes.empty())
            return;
        m_values.clear();
        readRecordValues(bytes, offset, m_values);
        m_corrections.build(m_values);
        if (m_corrections.empty())
            return;
        for (std::size_t i = 0; i < event.fields.size(); ++i)
            if (const std::string* windows = m_corrections.correct(event.text(i)))
                event.setValue(i, *windows);
        if (!xml.empty())
            m_corrections.applyToXml(xml);
    }

    void reportTruncatedChunks()
    {
        for (const auto& c : m_chunks) {
            if (!c.valid || c.complete())
                continue;
            const std::uint64_t expected = c.lastRecordNumber - c.firstRecordNumber + 1;
            const auto found = m_readPerChunk.find(c.number);
            const std::uint64_t read = found == m_readPerChunk.end() ? 0 : found->second;
            const std::uint64_t lost = expected > read ? expected - read : 0;
            m_result.skipped += lost;
            warn(c.number, std::nullopt,
                 "the file ends " + std::to_string(c.bytesPresent) +
                     " bytes into this 65536-byte chunk (truncated): " + std::to_string(read) + " of its " +
                     std::to_string(expected) + " record(s) read, " + std::to_string(lost) + " lost (records " +
                     std::to_string(c.firstRecordId) + " to " + std::to_string(c.lastRecordId) + ")",
                 "evtx-truncated-chunk");
        }
    }

    std::optional<std::uint32_t> chunkOfRecordId(std::uint64_t id)
    {
        // Records come in chunk order: start looking where the last one was found.
        for (std::size_t n = 0; n < m_chunks.size(); ++n) {
            const ChunkInfo& c = m_chunks[(m_lastChunk + n) % m_chunks.size()];
            if (c.valid && id >= c.firstRecordId && id <= c.lastRecordId) {
                m_lastChunk = (m_lastChunk + n) % m_chunks.size();
                return c.number;
            }
        }
        // A chunk still being written (dirty file) may have stale header ranges: take the chunk
        // that starts closest below the ID.
        const ChunkInfo* best = nullptr;
        for (const auto& c : m_chunks)
            if (c.valid && c.firstRecordId <= id && (!best || c.firstRecordId > best->firstRecordId))
                best = &c;
        return best ? std::optional<std::uint32_t>(best->number) : std::nullopt;
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
            where += (where.empty() ? "" : ", ") + std::string("record ") + std::to_string(*recordId);
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
    std::unordered_map<std::uint32_t, std::uint64_t>
        m_readPerChunk; ///< records read per chunk (events may be handed over in batches)
    ChunkBytes m_chunkBytes;
    std::vector<EvtxValue> m_values;
    LibevtxCorrections m_corrections;
    bool m_chunksScanned = false;
    std::size_t m_lastChunk = 0;
};

} // namespace

EvtxDecoder defaultEvtxDecoder()
{
    // Read once: the environment is searched string by string, and a folder of small logs asked
    // for every file (its cache misses were a tenth of the data misses of reading one cold).
    static const EvtxDecoder decoder = [] {
        const char* env = std::getenv("SIGMA_EVTX_DECODER");
        return env && std::string_view(env) == "libevtx" ? EvtxDecoder::Libevtx : EvtxDecoder::Own;
    }();
    return decoder;
}

void readEvtxFile(const std::string& path, const std::string& displayName, const ReadOptions& options,
                  ReadResult& result)
{
    readEvtxFileWith(defaultEvtxDecoder(), path, displayName, options, result);
}

void readEvtxFileWith(EvtxDecoder decoder, const std::string& path, const std::string& displayName,
                      const ReadOptions& options, ReadResult& result)
{
    if (decoder == EvtxDecoder::Libevtx) {
        EvtxReader(path, displayName, options, result).run();
        return;
    }
    result.format = EventFormat::Evtx;
    evtx::MappedFile file;
    if (const std::string error = file.open(path); !error.empty()) {
        result.diagnostics.push_back(Diagnostic{Severity::Error, "file-open", error, displayName, {}});
        return;
    }
    evtx::decodeFile(file.source(), displayName, options, result);
}

} // namespace sigma::detail
