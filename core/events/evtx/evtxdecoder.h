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

/// Where the decoder gets a file's bytes, piece by piece, so that a large file is never in memory
/// whole: the file header, each chunk header (for the progress total) and each batch of chunks.
struct FileSource {
    std::size_t size = 0; ///< of the whole file
    /// The bytes [begin, end) of the file (end <= size), valid until the next call; shorter when
    /// they could not all be read (a read error, or the file shrank meanwhile).
    std::function<Bytes(std::size_t begin, std::size_t end)> read;
};
void decodeFile(const FileSource& file, const std::string& name, const ReadOptions& options, ReadResult& result);

/// The Event XML of one record, decoded again from its chunk: the record of chunk `chunk` whose
/// EventRecordID is `recordId` (Event::origin). For a detail view: the XML is not kept for every
/// event. Nullopt when there is no such record (the file changed). Never throws.
std::optional<std::string> recordXml(Bytes file, std::uint32_t chunk, std::uint64_t recordId);
std::optional<std::string> recordXml(const FileSource& file, std::uint32_t chunk, std::uint64_t recordId);

/// Threads used to decode chunks: 0 (default) = the number of cores.
void setDecoderThreads(unsigned threads);

} // namespace sigma::evtx
