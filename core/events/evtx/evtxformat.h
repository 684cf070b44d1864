#pragma once

// Internal: the container layout of an .evtx file ([MS-EVEN6] 2.2, libyal's "Windows XML Event
// Log (EVTX)" notes): a 4096-byte file header, then 64 KiB chunks, each with a 512-byte header
// (CRC32 of itself and of its records), the chunk's common-string and template tables, and event
// records ("**\0\0", size, record identifier, written time, Binary XML, size again). Pure
// functions over bytes, no I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sigma::evtx {

using Bytes = std::span<const std::uint8_t>;

inline constexpr std::size_t fileHeaderSize = 4096;
inline constexpr std::size_t chunkSize = 65536;
inline constexpr std::size_t chunkHeaderSize = 512;
inline constexpr std::size_t recordHeaderSize = 24;

inline std::uint16_t le16(const std::uint8_t* p)
{
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
inline std::uint32_t le32(const std::uint8_t* p)
{
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
inline std::uint64_t le64(const std::uint8_t* p)
{
    return std::uint64_t(le32(p)) | std::uint64_t(le32(p + 4)) << 32;
}

struct FileHeader {
    std::uint64_t firstChunk = 0;
    std::uint64_t lastChunk = 0;
    std::uint64_t nextRecordId = 0;
    std::uint16_t minorVersion = 0;
    std::uint16_t majorVersion = 0;
    std::uint16_t chunkCount = 0;
    std::uint32_t flags = 0; ///< 1 dirty, 2 full
    bool checksumOk = false;
    bool dirty() const { return (flags & 1) != 0; }
};

/// The file header; nullopt when the bytes do not start with "ElfFile\0" and 128 header bytes.
std::optional<FileHeader> readFileHeader(Bytes file);

struct ChunkHeader {
    std::uint64_t firstRecordNumber = 0;
    std::uint64_t lastRecordNumber = 0;
    std::uint64_t firstRecordId = 0;
    std::uint64_t lastRecordId = 0;
    std::uint32_t lastRecordOffset = 0;
    std::uint32_t freeSpaceOffset = 0;
    std::uint32_t recordsChecksum = 0;
    bool headerChecksumOk = false; ///< CRC32 of bytes 0-119 and 128-511
    /// Records the header announces (0 when its numbers are inconsistent).
    std::uint64_t recordCount() const;
};

/// The header of the chunk held in `chunk` (up to chunkSize bytes; fewer when the file ends in
/// it). nullopt without the "ElfChnk\0" signature or with fewer than 48 bytes. Checksums that
/// need bytes beyond the end are reported as not OK.
std::optional<ChunkHeader> readChunkHeader(Bytes chunk);

/// Whether the CRC32 of the chunk's records, up to the header's free-space offset, is the one
/// the header holds (false when that offset is out of range or beyond the bytes there are).
bool recordsChecksumOk(Bytes chunk, const ChunkHeader& header);

/// True when every byte is zero (a chunk the log allocated but never wrote).
bool allZero(Bytes bytes);

/// A record found in a chunk.
struct RecordSpan {
    std::uint32_t offset = 0; ///< from the chunk start
    std::uint32_t size = 0;
    std::uint64_t id = 0;
    std::uint64_t written = 0;    ///< FILETIME
    bool beyondFreeSpace = false; ///< found past the header's free-space offset (dirty chunk, slack)
};

/// A region of a chunk where a record was expected but none could be read.
struct RecordGap {
    std::uint32_t offset = 0;
    std::string reason;
};

/// The records of a chunk, in order: the chain from offset 512 (each record's size leads to the
/// next) up to the header's free-space offset. In a dirty file (copied while the log was open)
/// the chunk header may lag behind its records: there the chain goes on past the free-space
/// offset, and the slack space is searched, for records that continue the sequence (next
/// identifier, written no earlier). Anything else past the free-space offset is a stale remnant
/// of overwritten records (a cleared log, a re-used file), whose templates may be gone: left. A
/// record is taken when its signature, size and trailing size copy agree.
void findRecords(Bytes chunk, const ChunkHeader& header, bool dirtyFile, std::vector<RecordSpan>& records,
                 std::vector<RecordGap>& gaps);

/// The part of a chunk its records, names and templates are read from: in a clean file (not
/// dirty, its header's CRC32 right), a chunk whose header's CRC32 is right ends at its free-space
/// offset (Windows writes a record, and the names and templates it points to, before moving that
/// offset past it; what lies beyond is slack). Elsewhere the whole chunk. Lets a reader of a clean
/// file read only the used part (MappedFile) and decode the same as from the whole file.
Bytes usedPart(Bytes chunk, const ChunkHeader& header, bool dirtyFile);

} // namespace sigma::evtx
