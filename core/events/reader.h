#pragma once

#include "events/event.h"
#include "util/diagnostic.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

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
};

struct ReadResult {
    std::vector<Event> events;
    /// Errors (the input could not be read at all) and warnings (damaged records skipped), each
    /// naming the file and, where known, the line, EVTX chunk and record.
    Diagnostics diagnostics;
    std::size_t skipped = 0; ///< records/elements that could not be read and were skipped
    bool cancelled = false;
    EventFormat format{};

    /// True when the input could not be read (an Error diagnostic).
    bool failed() const { return hasErrors(diagnostics); }
};

/// Reads a file of events in any supported format (Windows Event XML, .evtx, JSON / JSON Lines).
/// Never throws: problems are diagnostics. Events keep file order; Event::origin names the file
/// (one shared string for the whole file), the 1-based index, EventRecordID and EVTX chunk.
ReadResult readEventsFile(const std::string& path, const ReadOptions& options = {});

/// Reads events from text already in memory (XML or JSON; detected from content). `name` is used
/// as the file name in origins and diagnostics.
ReadResult readEventsText(std::string_view text, const std::string& name, const ReadOptions& options = {});

/// The event's original XML for a detail view: Event::originalXml when the reader kept it,
/// otherwise read again from its file (EVTX and XML sources; the file must not have changed),
/// otherwise Event::xml()'s rendering of the fields (JSON sources).
std::string loadOriginalXml(const Event& event);

/// Reads EVTX from memory (used by the fuzzer and tests); `name` as above.
ReadResult readEvtxBytes(std::string_view bytes, const std::string& name, const ReadOptions& options = {});

} // namespace sigma
