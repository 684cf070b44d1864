#pragma once

// Internal: our own .evtx decoder (the default; libevtx stays as reference and fallback, see
// evtxreader.h). Validates the file header and each chunk (signatures, CRC32s), decodes the
// chunks in parallel (each chunk is independent: its own string and template tables) and keeps
// the record order. Damaged chunks and records are skipped with a warning naming the file, the
// chunk and the record; records past a chunk's free-space offset (a dirty file), chunks past the
// header's chunk count and records in a chunk's slack space are read too.
#include "events/evtx/evtxformat.h"
#include "events/reader.h"

#include <functional>
#include <optional>
#include <string>

namespace sigma::evtx {

/// Decodes the bytes of a whole .evtx file. `name` names it in origins and diagnostics. Never
/// throws.
void decodeFile(Bytes file, const std::string& name, const ReadOptions& options, ReadResult& result);

/// What the decoder tells the owner of the bytes as it goes, so that a mapped file is never
/// resident whole: which bytes it reads next (to page them in at once), and which it is done with
/// for now (to drop those pages; the chunk headers after the first scan, each batch of chunks
/// once decoded).
struct FileWindow {
    std::function<void(std::size_t begin, std::size_t end)> willRead;
    std::function<void(std::size_t begin, std::size_t end)> done;
};
void decodeFile(Bytes file, const std::string& name, const ReadOptions& options, ReadResult& result,
                const FileWindow& window);

/// The Event XML of one record, decoded again from its chunk: the record of chunk `chunk` whose
/// EventRecordID is `recordId` (Event::origin). For a detail view: the XML is not kept for every
/// event. Nullopt when there is no such record (the file changed). Never throws.
std::optional<std::string> recordXml(Bytes file, std::uint32_t chunk, std::uint64_t recordId);

/// Threads used to decode chunks: 0 (default) = the number of cores.
void setDecoderThreads(unsigned threads);

} // namespace sigma::evtx
