#pragma once

#include "events/event.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

class EventRecycler;

/// Formats of event files, detected from their content (never from the extension alone).
enum class EventFormat { Unknown, EventXml, Evtx, Json };

/// "xml", "evtx", "json" or "unknown".
const char* eventFormatName(EventFormat format);

/// Guesses the format from the first bytes of a file (a few hundred bytes are enough): the
/// "ElfFile\0" signature is EVTX, a leading '<' (after a BOM and blanks) is XML, '{' or '[' is
/// JSON. Anything else is Unknown.
EventFormat detectFormat(std::string_view firstBytes);

struct ReadOptions {
    /// Called now and then with the bytes (XML/JSON) or records (EVTX) done so far and the total;
    /// return false to cancel. The result then holds the events read so far and `cancelled`.
    std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
    /// Stop after this many events (0 = no limit).
    std::size_t limit = 0;
    /// Keep each event's original XML (EVTX and XML input) for Event::xml(); costs memory.
    bool keepOriginalXml = false;
    /// Streaming: when set, events are handed over in batches of about `batchSize` (in file order,
    /// the last batch of a file smaller) instead of being collected in ReadResult::events, so that
    /// memory is bounded by the batch, not by the file. The callee may move the events out; it
    /// returns false to stop reading (the result is then `cancelled`). Called on the reading thread.
    std::function<bool(std::vector<Event>& batch)> onBatch;
    std::size_t batchSize = 4096;
    /// Threads for decoding (.evtx chunks; 0: the decoder's default, all cores).
    unsigned threads = 0;
    /// Streaming: events a consumer gave back, whose buffers the reader fills again (our .evtx
    /// decoder); such events are not trimmed to their size. May be null.
    EventRecycler* recycler = nullptr;
    /// The set the events' field names are interned in (Event::names): one for a stream or a load,
    /// so that its files share their names instead of interning them again file by file. Null: a
    /// set of the file's own, released with the last of its events.
    std::shared_ptr<FieldNameSet> names;
};

struct ReadResult {
    std::vector<Event> events;
    /// Errors (the input could not be read at all) and warnings (damaged records skipped), each
    /// naming the file and, where known, the line, EVTX chunk and record.
    Diagnostics diagnostics;
    std::size_t skipped = 0; ///< records/elements that could not be read and were skipped
    bool cancelled = false;
    EventFormat format{};
    /// Events handed to ReadOptions::onBatch (they are no longer in `events`).
    std::size_t delivered = 0;

    /// Events read: those delivered in batches plus those in `events`.
    std::size_t count() const { return delivered + events.size(); }

    /// True when the input could not be read (an Error diagnostic).
    bool failed() const { return hasErrors(diagnostics); }
};

/// Reads a file of events in any supported format (Windows Event XML, .evtx, JSON / JSON Lines).
/// Never throws: problems are diagnostics. Events keep file order; Event::origin names the file
/// (one shared string for the whole file), the 1-based index, EventRecordID and EVTX chunk.
ReadResult readEventsFile(const std::string& path, const ReadOptions& options = {});

/// Streaming: hands `result.events` to `options.onBatch` when it holds `batchSize` events or more
/// (or any, when `final`). False when the callee said stop (`result.cancelled` is then set). Does
/// nothing without onBatch. Readers call it after each event; readEventsFile() at the end.
bool deliverBatch(const ReadOptions& options, ReadResult& result, bool final = false);

/// Reads events from text already in memory (XML or JSON; detected from content). `name` is used
/// as the file name in origins and diagnostics.
ReadResult readEventsText(std::string_view text, const std::string& name, const ReadOptions& options = {});

/// The event's original XML for a detail view: Event::originalXml when the reader kept it,
/// otherwise read again from its file (EVTX and XML sources; the file must not have changed),
/// otherwise Event::xml()'s rendering of the fields (JSON sources).
std::string loadOriginalXml(const Event& event);

/// The event's XML for a detail view or a test manifest, at once: Event::originalXml when the reader
/// kept it; for a record of an .evtx file, its chunk decoded again (the workbench does not keep the
/// XML of .evtx events: it is most of their memory); otherwise Event::xml().
std::string eventXml(const Event& event);

/// Reads EVTX from memory (used by the fuzzer and tests); `name` as above.
ReadResult readEvtxBytes(std::string_view bytes, const std::string& name, const ReadOptions& options = {});

} // namespace sigma
