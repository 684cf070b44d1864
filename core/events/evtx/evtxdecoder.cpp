#include "events/evtx/evtxdecoder.h"

#include "events/eventrecycler.h"
#include "events/evtx/binxml.h"
#include "events/evtx/evtxevent.h"
#include "events/normalize.h"
#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <thread>

namespace sigma::evtx {

namespace {

std::atomic<unsigned> configuredThreads{0};

/// The key of EventRecordID, looked up once (a lookup by name takes the name table's lock).
FieldNames::Id recordIdKey()
{
    static const FieldNames::Id key = FieldNames::internKey("EventRecordID");
    return key;
}

/// A diagnostic of a chunk, finished when the chunk's results are merged (record positions are
/// known only then).
struct PendingDiagnostic {
    Severity severity = Severity::Warning;
    std::string code;
    std::optional<std::uint64_t> recordId;
    std::string message;
    std::size_t position = 0; ///< 1-based position within the chunk of a skipped record, else 0
};

struct ChunkResult {
    std::vector<Event> events; ///< origin.index: the position within the chunk, 1-based
    std::size_t positions = 0; ///< events + skipped
    std::size_t skipped = 0;
    std::vector<PendingDiagnostic> diagnostics;
    bool hasChunk = false; ///< a chunk signature was there
};

class ChunkJob {
public:
    ChunkJob(Bytes chunk, std::uint32_t number, bool dirtyFile, bool pastDeclared, const ReadOptions& options,
             const std::shared_ptr<const std::string>& file, const std::shared_ptr<FieldNameSet>& names,
             ChunkResult& out)
        : m_chunk(chunk)
        , m_number(number)
        , m_dirtyFile(dirtyFile)
        , m_pastDeclared(pastDeclared)
        , m_names(names)
        , m_options(options)
        , m_file(file)
        , m_out(out)
    {}

    void run()
    {
        const auto header = readChunkHeader(m_chunk);
        if (!header) {
            // Past the chunks a clean file's header declares, a block without a chunk is unused
            // space (preallocated, or left by an earlier log): not inspected, so not read from disk.
            if (!(m_pastDeclared && !m_dirtyFile) && !allZero(m_chunk))
                note(Severity::Warning, "evtx-damaged-chunk", std::nullopt,
                     "no chunk signature (\"ElfChnk\"): " + std::to_string(m_chunk.size()) +
                         " bytes of garbage or overwritten data skipped");
            return;
        }
        m_out.hasChunk = true;
        const bool truncated = m_chunk.size() < chunkSize;
        if (m_chunk.size() >= chunkHeaderSize && !header->headerChecksumOk)
            note(Severity::Warning, "evtx-corrupted", std::nullopt,
                 "the chunk header's CRC32 does not match (damaged header): each record is checked on its own");
        else if (!truncated && !recordsChecksumOk(m_chunk, *header))
            note(Severity::Warning, "evtx-corrupted", std::nullopt,
                 "the CRC32 of the chunk's records does not match (a chunk being written, or damaged): each "
                 "record is checked on its own");
        std::vector<RecordSpan> records;
        std::vector<RecordGap> gaps;
        const Bytes used = usedPart(m_chunk, *header, m_dirtyFile);
        findRecords(used, *header, m_dirtyFile, records, gaps);
        if (m_options.recycler)
            m_options.recycler->take(m_spare, records.size());
        m_out.events.reserve(m_out.events.size() + records.size());
        ChunkDecoder decoder(used);
        NameIds& ids = NameIds::forThisThread();
        ids.use(m_names.get());
        FieldBuilder builder(&ids);
        std::string error;
        std::size_t gap = 0;
        std::size_t beyond = 0;
        std::uint64_t previousId = 0;
        for (const RecordSpan& r : records) {
            for (; gap < gaps.size() && gaps[gap].offset < r.offset; ++gap)
                skipGap(gaps[gap], previousId);
            previousId = r.id;
            beyond += r.beyondFreeSpace ? 1 : 0;
            Event event = newEvent();
            builder.reset(event);
            error.clear();
            bool ok = decoder.decodeFields(r, builder, error);
            if (ok && !builder.sawEvent()) {
                ok = false;
                error = "the record's root element is not <Event>";
            }
            if (!ok) {
                skipRecord(r.id, error);
                EventRecycler::reset(event);
                m_spare.push_back(std::move(event));
                continue;
            }
            event.names = m_names;
            event.origin.file = m_file;
            event.origin.chunk = m_number;
            event.origin.index = ++m_out.positions;
            if (const auto rid = event.valueByKey(recordIdKey()))
                event.origin.recordId = detail::parseUnsigned(*rid);
            if (m_options.keepOriginalXml) {
                XmlRenderer xml;
                if (decoder.decode(r, xml, error))
                    event.originalXml = std::make_shared<const std::string>(xml.take());
            }
            // The largest event so far sizes the next one's buffers: one allocation each, mostly;
            // events kept are trimmed when that left much unused.
            m_fieldsHint = std::max(m_fieldsHint, event.fields.size());
            m_textHint = std::max(m_textHint, event.textSize());
            if (!m_options.recycler && (event.fields.capacity() > event.fields.size() + 8 ||
                                        event.textCapacity() > event.textSize() + event.textSize() / 8 + 64))
                event.shrinkToFit();
            m_out.events.push_back(std::move(event));
        }
        for (; gap < gaps.size(); ++gap)
            skipGap(gaps[gap], previousId);
        if (beyond > 0)
            note(Severity::Info, "evtx-recovered-records", std::nullopt,
                 std::to_string(beyond) +
                     " record(s) read beyond the chunk header's free-space offset (a chunk still being written: "
                     "dirty file, or records in slack space)");
        if (truncated)
            reportTruncation(*header, records.size());
        if (m_options.recycler && !m_spare.empty())
            m_options.recycler->giveBack(m_spare);
    }

private:
    /// An empty event: one given back by the consumer (its buffers reused), else a new one.
    Event newEvent()
    {
        if (!m_spare.empty()) {
            Event event = std::move(m_spare.back());
            m_spare.pop_back();
            return event;
        }
        Event event;
        event.reserve(m_fieldsHint, m_textHint);
        return event;
    }

    void note(Severity severity, std::string code, std::optional<std::uint64_t> recordId, std::string message,
              std::size_t position = 0)
    {
        m_out.diagnostics.push_back(
            PendingDiagnostic{severity, std::move(code), recordId, std::move(message), position});
    }

    void skipRecord(std::uint64_t recordId, const std::string& why)
    {
        ++m_out.skipped;
        note(Severity::Warning, "evtx-damaged-record", recordId, why, ++m_out.positions);
    }

    void skipGap(const RecordGap& g, std::uint64_t previousId)
    {
        ++m_out.skipped;
        char offset[16];
        std::snprintf(offset, sizeof offset, "0x%x", g.offset);
        note(Severity::Warning, "evtx-damaged-record", previousId ? std::optional(previousId + 1) : std::nullopt,
             std::string("damaged data at chunk offset ") + offset + " (" + g.reason +
                 "); reading resumed at the next record",
             ++m_out.positions);
    }

    void reportTruncation(const ChunkHeader& header, std::size_t found)
    {
        const std::uint64_t expected = header.recordCount();
        const std::uint64_t lost = expected > found ? expected - found : 0;
        m_out.skipped += lost;
        m_out.positions += lost;
        note(Severity::Warning, "evtx-truncated-chunk", std::nullopt,
             "the file ends " + std::to_string(m_chunk.size()) +
                 " bytes into this 65536-byte chunk (truncated): " + std::to_string(m_out.events.size()) + " of its " +
                 std::to_string(expected) + " record(s) read, " + std::to_string(lost) + " lost (records " +
                 std::to_string(header.firstRecordId) + " to " + std::to_string(header.lastRecordId) + ")");
    }

    Bytes m_chunk;
    std::uint32_t m_number;
    bool m_dirtyFile;
    bool m_pastDeclared; ///< past the chunk count of the file header
    const std::shared_ptr<FieldNameSet>& m_names;
    std::size_t m_fieldsHint = 16;
    std::size_t m_textHint = 256;
    const ReadOptions& m_options;
    const std::shared_ptr<const std::string>& m_file;
    ChunkResult& m_out;
    std::vector<Event> m_spare; ///< from ReadOptions::recycler
};

void runChunk(Bytes chunk, std::uint32_t number, bool dirtyFile, bool pastDeclared, const ReadOptions& options,
              const std::shared_ptr<const std::string>& name, const std::shared_ptr<FieldNameSet>& names,
              ChunkResult& out)
{
    try {
        ChunkJob(chunk, number, dirtyFile, pastDeclared, options, name, names, out).run();
    } catch (const std::exception& e) { // std::bad_alloc: the chunk is lost, the file goes on
        out.events.clear();
        out.diagnostics.push_back(PendingDiagnostic{Severity::Warning, "evtx-damaged-chunk", std::nullopt,
                                                    std::string("the chunk could not be decoded: ") + e.what(), 0});
    }
}

class FileDecoder {
public:
    FileDecoder(const FileSource& file, const std::string& name, const ReadOptions& options, ReadResult& result)
        : m_file(file)
        , m_name(std::make_shared<const std::string>(name))
        , m_options(options)
        , m_result(result)
        , m_names(FieldNameSet::current() ? FieldNameSet::current() : std::make_shared<FieldNameSet>())
    {}

    void run()
    {
        m_result.format = EventFormat::Evtx;
        const auto header = readFileHeader(m_file.read(0, std::min(m_file.size, fileHeaderSize)));
        if (!header) {
            fail("not a readable EVTX file: the file header is incomplete (" + std::to_string(m_file.size) + " bytes)");
            return;
        }
        // A damaged header may have lost the flag: read it as dirty then.
        m_dirty = header->dirty() || !header->checksumOk;
        m_declaredChunks = header->chunkCount;
        if (!header->checksumOk)
            warn(Severity::Warning, "evtx-corrupted",
                 "the file header's CRC32 does not match (damaged header): reading every chunk in the file");
        else if (header->dirty())
            warn(Severity::Info, "evtx-dirty",
                 "the file is flagged dirty (copied while the log was open): records written after a chunk's "
                 "header was last updated are read too");
        const std::size_t chunks =
            m_file.size > fileHeaderSize ? (m_file.size - fileHeaderSize + chunkSize - 1) / chunkSize : 0;
        // The records expected, for progress only (a read per chunk header from a large file), so
        // skipped when nobody asks.
        for (std::size_t n = 0; m_options.progress && n < chunks; ++n) {
            const std::size_t at = chunkOffset(n);
            if (const auto h = readChunkHeader(m_file.read(at, std::min(at + chunkHeaderSize, m_file.size))))
                m_expected += h->recordCount();
        }
        unsigned threads = m_options.threads ? m_options.threads : configuredThreads.load();
        if (threads == 0)
            threads = std::max(1u, std::thread::hardware_concurrency());
        const std::size_t batchSize = m_options.limit ? threads : std::size_t(threads) * 4;
        bool anyChunk = false;
        for (std::size_t first = 0; first < chunks; first += batchSize) {
            const std::size_t count = std::min(batchSize, chunks - first);
            std::vector<ChunkResult> results(count);
            decodeBatch(m_file.read(chunkOffset(first), chunkOffset(first + count)), first, results, threads);
            for (std::size_t i = 0; i < count; ++i) {
                anyChunk = anyChunk || results[i].hasChunk;
                if (!merge(static_cast<std::uint32_t>(first + i), results[i]))
                    return;
            }
        }
        if (!anyChunk) {
            fail("no event chunk in the file (truncated or not EVTX): the file header is followed by " +
                 std::to_string(chunks) + " chunk(s), none with the \"ElfChnk\" signature");
            return;
        }
        const std::uint64_t done = m_result.count() + m_result.skipped;
        if (m_options.progress && !m_options.progress(done, done))
            m_result.cancelled = true;
    }

private:
    std::size_t chunkOffset(std::size_t chunk) const
    {
        return std::min(m_file.size, fileHeaderSize + chunk * chunkSize);
    }

    /// Decodes the chunks from `first` on, whose bytes `batch` holds, into `results`.
    void decodeBatch(Bytes batch, std::size_t first, std::vector<ChunkResult>& results, unsigned threads)
    {
        ParallelOptions options;
        options.threads = threads;
        // runChunk reports what goes wrong in its chunk's result: nothing is thrown here.
        parallelFor(
            results.size(),
            [&](std::size_t begin, std::size_t end, unsigned) {
                for (std::size_t i = begin; i < end; ++i) {
                    const std::size_t at = std::min(batch.size(), i * chunkSize);
                    runChunk(batch.subspan(at, std::min(chunkSize, batch.size() - at)),
                             static_cast<std::uint32_t>(first + i), m_dirty, first + i >= m_declaredChunks, m_options,
                             m_name, m_names, results[i]);
                }
            },
            options);
    }

    /// Appends a chunk's results in order; false when reading stops (cancelled, limit reached).
    bool merge(std::uint32_t chunk, ChunkResult& r)
    {
        const std::size_t base = m_result.count() + m_result.skipped;
        for (auto& d : r.diagnostics) {
            std::string where = "chunk " + std::to_string(chunk);
            if (d.recordId)
                where += ", record " + std::to_string(*d.recordId);
            std::string message =
                d.position && d.code == "evtx-damaged-record" && d.message.find("damaged data") != 0
                    ? "skipped damaged record #" + std::to_string(base + d.position) + ": " + d.message
                    : d.message;
            m_result.diagnostics.push_back(
                Diagnostic{d.severity, std::move(d.code), where + ": " + message, *m_name, {}});
        }
        m_result.skipped += r.skipped;
        if (const std::size_t need = m_result.events.size() + r.events.size(); need > m_result.events.capacity())
            m_result.events.reserve(std::max(need, 2 * m_result.events.capacity())); // moved once, not per doubling
        for (auto& e : r.events) {
            const std::uint64_t position = base + e.origin.index - 1;
            if (m_options.progress) {
                while (position >= m_nextReport) {
                    if (!m_options.progress(position, std::max<std::uint64_t>(m_expected, position))) {
                        m_result.cancelled = true;
                        return false;
                    }
                    m_nextReport += 256;
                }
            }
            e.origin.index = position + 1;
            m_result.events.push_back(std::move(e));
            if (m_options.limit && m_result.count() >= m_options.limit)
                return false;
            if (!deliverBatch(m_options, m_result))
                return false;
        }
        return true;
    }

    void warn(Severity severity, std::string code, std::string message)
    {
        m_result.diagnostics.push_back(Diagnostic{severity, std::move(code), std::move(message), *m_name, {}});
    }
    void fail(std::string message) { warn(Severity::Error, "evtx-open", std::move(message)); }

    const FileSource& m_file;
    std::shared_ptr<const std::string> m_name;
    const ReadOptions& m_options;
    ReadResult& m_result;
    std::uint64_t m_expected = 0;
    bool m_dirty = false;
    std::size_t m_declaredChunks = 0;      ///< the file header's chunk count
    std::shared_ptr<FieldNameSet> m_names; ///< the file's field names (Event::names of its events)
    std::uint64_t m_nextReport = 0;
};

} // namespace

namespace {
FileSource sourceOf(Bytes file)
{
    return FileSource{file.size(), [file](std::size_t begin, std::size_t end) {
                          begin = std::min(begin, file.size());
                          end = std::max(begin, std::min(end, file.size()));
                          return file.subspan(begin, end - begin);
                      }};
}
} // namespace

void decodeFile(Bytes file, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    decodeFile(sourceOf(file), name, options, result);
}

void decodeFile(const FileSource& file, const std::string& name, const ReadOptions& options, ReadResult& result)
{
    try {
        FileDecoder(file, name, options, result).run();
    } catch (const std::exception& e) {
        result.diagnostics.push_back(
            Diagnostic{Severity::Error, "read-failed", std::string("reading failed: ") + e.what(), name, {}});
    }
}

std::optional<std::string> recordXml(Bytes file, std::uint32_t chunk, std::uint64_t recordId)
{
    return recordXml(sourceOf(file), chunk, recordId);
}

std::optional<std::string> recordXml(const FileSource& file, std::uint32_t chunk, std::uint64_t recordId)
{
    try {
        const auto fileHeader = readFileHeader(file.read(0, std::min(file.size, fileHeaderSize)));
        const std::size_t begin = fileHeaderSize + std::size_t(chunk) * chunkSize;
        if (!fileHeader || begin >= file.size)
            return std::nullopt;
        const Bytes bytes = file.read(begin, begin + std::min(chunkSize, file.size - begin));
        const auto header = readChunkHeader(bytes);
        if (!header)
            return std::nullopt;
        std::vector<RecordSpan> records;
        std::vector<RecordGap> gaps;
        const bool dirtyFile = fileHeader->dirty() || !fileHeader->checksumOk;
        const Bytes used = usedPart(bytes, *header, dirtyFile);
        findRecords(used, *header, dirtyFile, records, gaps);
        ChunkDecoder decoder(used);
        FieldBuilder builder;
        std::string error;
        for (const RecordSpan& r : records) {
            Event event;
            builder.reset(event);
            if (!decoder.decodeFields(r, builder, error))
                continue;
            const auto rid = event.valueByKey(recordIdKey());
            if (!rid || detail::parseUnsigned(*rid) != recordId)
                continue;
            XmlRenderer xml;
            if (decoder.decode(r, xml, error))
                return xml.take();
        }
    } catch (const std::exception&) { // std::bad_alloc: no XML, the caller renders the fields
    }
    return std::nullopt;
}

void setDecoderThreads(unsigned threads)
{
    configuredThreads = threads;
}

} // namespace sigma::evtx
