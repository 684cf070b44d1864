#include "events/eventstream.h"

#include "events/eventrecycler.h"

#include "util/parallel.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <thread>

namespace sigma {

namespace {

/// Small files read together, per thread: enough that a group's files even out between the
/// threads and the group's start and join are paid rarely (each group is one parallelFor).
constexpr std::size_t kSmallFilesPerThread = 16;

class Streamer {
public:
    Streamer(const EventStreamOptions& options, const EventBatchSink& onBatch, const EventFileDone& onFile)
        : m_options(options)
        , m_onBatch(onBatch)
        , m_onFile(onFile)
        , m_threads(options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency()))
        , m_batchSize(std::max<std::size_t>(options.batchSize, 1))
    {}

    EventStreamTotals run(const std::vector<std::string>& files)
    {
        std::size_t i = 0;
        while (i < files.size() && !stopping()) {
            if (m_threads > 1 && isSmall(files[i])) {
                // A run of small files, several per thread, at most a few files' worth of bytes.
                std::size_t end = i;
                std::uintmax_t bytes = 0;
                while (end < files.size() && end - i < kSmallFilesPerThread * std::size_t(m_threads) &&
                       isSmall(files[end]) && bytes <= m_options.smallFileBytes * m_threads)
                    bytes += size(files[end++]);
                readSmall(files, i, end);
                i = end;
            } else {
                readStreamed(files[i++]);
            }
        }
        if (!m_totals.stopped)
            flush(true);
        return m_totals;
    }

private:
    bool stopping() const
    {
        return m_totals.stopped || (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed));
    }

    std::uintmax_t size(const std::string& path)
    {
        auto [it, inserted] = m_sizes.try_emplace(path, 0);
        if (inserted) {
            std::error_code ec;
            const auto s = std::filesystem::file_size(path, ec);
            it->second = ec ? 0 : s; // unreadable: read alone, the reader says why
        }
        return it->second;
    }
    bool isSmall(const std::string& path) { return size(path) <= m_options.smallFileBytes; }

    void readSmall(const std::vector<std::string>& files, std::size_t begin, std::size_t end)
    {
        ParallelOptions parallel;
        parallel.threads = m_threads;
        parallel.cancel = m_options.cancel;
        std::vector<ReadResult> results = parallelMap<ReadResult>(
            end - begin,
            [&](std::size_t k) {
                ReadOptions read;
                read.threads = 1;
                read.recycler = &m_recycler;
                read.names = m_names;
                return readEventsFile(files[begin + k], read);
            },
            parallel);
        for (std::size_t k = 0; k < results.size() && !stopping(); ++k) {
            ReadResult& r = results[k];
            std::move(r.events.begin(), r.events.end(), std::back_inserter(m_pending));
            r.delivered = r.events.size();
            r.events.clear();
            done(r, files[begin + k]);
            flush(false);
        }
    }

    void readStreamed(const std::string& path)
    {
        ReadOptions read;
        read.threads = m_threads;
        read.batchSize = m_batchSize;
        read.recycler = &m_recycler;
        read.names = m_names;
        read.onBatch = [&](std::vector<Event>& batch) {
            std::move(batch.begin(), batch.end(), std::back_inserter(m_pending));
            batch.clear();
            return flush(false) && !stopping();
        };
        ReadResult r = readEventsFile(path, read);
        done(r, path);
    }

    void done(const ReadResult& r, const std::string& path)
    {
        ++m_totals.files;
        m_totals.events += r.count();
        m_totals.failedFiles += r.failed() ? 1 : 0;
        if (m_onFile)
            m_onFile(r, path);
    }

    /// Hands the pending events over in batches of batchSize (and the rest when `final`).
    bool flush(bool final)
    {
        while (!m_totals.stopped && (m_pending.size() >= m_batchSize || (final && !m_pending.empty()))) {
            std::vector<Event> batch;
            if (m_pending.size() <= m_batchSize) {
                batch.swap(m_pending);
            } else {
                batch.assign(std::make_move_iterator(m_pending.begin()),
                             std::make_move_iterator(m_pending.begin() + std::ptrdiff_t(m_batchSize)));
                m_pending.erase(m_pending.begin(), m_pending.begin() + std::ptrdiff_t(m_batchSize));
            }
            if (!m_onBatch(batch))
                m_totals.stopped = true;
            m_recycler.giveBack(batch); // what the callee did not move out
        }
        return !m_totals.stopped;
    }

    const EventStreamOptions& m_options;
    const EventBatchSink& m_onBatch;
    const EventFileDone& m_onFile;
    unsigned m_threads;
    std::size_t m_batchSize;
    std::vector<Event> m_pending;
    EventRecycler m_recycler{std::max<std::size_t>(m_batchSize, 1024)};
    /// The stream's field names, shared by its files (bounded by the names the stream reads).
    std::shared_ptr<FieldNameSet> m_names = std::make_shared<FieldNameSet>();
    std::map<std::string, std::uintmax_t> m_sizes;
    EventStreamTotals m_totals;
};

} // namespace

EventStreamTotals streamEvents(const std::vector<std::string>& files, const EventStreamOptions& options,
                               const EventBatchSink& onBatch, const EventFileDone& onFile)
{
    try {
        return Streamer(options, onBatch, onFile).run(files);
    } catch (const std::exception&) { // std::bad_alloc: stop, never across the API
        EventStreamTotals stopped;
        stopped.stopped = true;
        return stopped;
    }
}

} // namespace sigma
