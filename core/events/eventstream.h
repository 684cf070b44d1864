#pragma once

// Events of many files as one stream of batches, in file order and record order, with memory
// bounded by the batch (and a few small files), not by the number of events: the reading side of
// `sigmawb match` and of anything else that consumes events once.
//
//   sigma::EventStreamOptions options;
//   options.threads = 4;
//   sigma::streamEvents(files, options,
//       [&](std::vector<sigma::Event>& batch) { consume(batch); return true; },
//       [&](const sigma::ReadResult& file, const std::string& path) { report(file.diagnostics); });
//
// A large file is decoded with its chunks spread over the threads and handed over as it goes; a
// run of small files (the usual folder of .evtx samples) is read several files at a time, one per
// thread, so that decoding keeps the cores busy either way.

#include "events/reader.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sigma {

struct EventStreamOptions {
    /// Events per batch (the last one smaller). Batches may span files.
    std::size_t batchSize = 8192;
    /// Threads for decoding (0: all cores).
    unsigned threads = 0;
    /// Files up to this size are read whole, several at a time (one per thread); larger ones are
    /// streamed batch by batch.
    std::uintmax_t smallFileBytes = 4u << 20;
    /// Checked between files and batches.
    const std::atomic<bool>* cancel = nullptr;
};

struct EventStreamTotals {
    std::size_t files = 0;       ///< files read (whatever their outcome)
    std::size_t events = 0;      ///< events handed over
    std::size_t failedFiles = 0; ///< files that could not be read (an Error diagnostic)
    bool stopped = false;        ///< the batch callee said stop, or cancelled
};

/// Called with each batch, in order; the callee may move the events out. False: stop.
using EventBatchSink = std::function<bool(std::vector<Event>& batch)>;
/// Called once per file, in file order, when it has been read, with its result (diagnostics,
/// count(), failed(); its events already handed over) and its path.
using EventFileDone = std::function<void(const ReadResult& result, const std::string& path)>;

/// Reads `files` in order (see readEventsFile) and hands their events over in batches. Never throws.
EventStreamTotals streamEvents(const std::vector<std::string>& files, const EventStreamOptions& options,
                               const EventBatchSink& onBatch, const EventFileDone& onFile = {});

} // namespace sigma
