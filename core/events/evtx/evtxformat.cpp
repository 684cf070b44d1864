#include "events/evtx/evtxformat.h"

#include "util/crc32.h"

#include <cstring>

namespace sigma::evtx {

namespace {

bool isRecordAt(Bytes chunk, std::size_t pos, RecordSpan& out)
{
    if (pos + 28 > chunk.size())
        return false;
    const std::uint8_t* p = chunk.data() + pos;
    if (std::memcmp(p, "**\0\0", 4) != 0)
        return false;
    const std::uint32_t size = le32(p + 4);
    if (size < 28 || size > chunk.size() - pos || le32(p + size - 4) != size)
        return false;
    out.offset = static_cast<std::uint32_t>(pos);
    out.size = size;
    out.id = le64(p + 8);
    out.written = le64(p + 16);
    return true;
}

/// The next offset at or after `from` where a record is.
std::optional<RecordSpan> nextRecord(Bytes chunk, std::size_t from)
{
    for (std::size_t pos = from; pos + 28 <= chunk.size(); ++pos) {
        const void* star = std::memchr(chunk.data() + pos, '*', chunk.size() - 27 - pos);
        if (!star)
            break;
        pos = static_cast<std::size_t>(static_cast<const std::uint8_t*>(star) - chunk.data());
        RecordSpan r;
        if (isRecordAt(chunk, pos, r))
            return r;
    }
    return std::nullopt;
}

} // namespace

std::optional<FileHeader> readFileHeader(Bytes file)
{
    if (file.size() < 128 || std::memcmp(file.data(), "ElfFile\0", 8) != 0)
        return std::nullopt;
    const std::uint8_t* p = file.data();
    FileHeader h;
    h.firstChunk = le64(p + 8);
    h.lastChunk = le64(p + 16);
    h.nextRecordId = le64(p + 24);
    h.minorVersion = le16(p + 36);
    h.majorVersion = le16(p + 38);
    h.chunkCount = le16(p + 42);
    h.flags = le32(p + 120);
    h.checksumOk = crc32(p, 120) == le32(p + 124);
    return h;
}

std::uint64_t ChunkHeader::recordCount() const
{
    if (lastRecordNumber < firstRecordNumber || lastRecordNumber - firstRecordNumber >= chunkSize / 28)
        return 0;
    return lastRecordNumber - firstRecordNumber + 1;
}

std::optional<ChunkHeader> readChunkHeader(Bytes chunk)
{
    if (chunk.size() < 48 || std::memcmp(chunk.data(), "ElfChnk\0", 8) != 0)
        return std::nullopt;
    const std::uint8_t* p = chunk.data();
    ChunkHeader h;
    h.firstRecordNumber = le64(p + 8);
    h.lastRecordNumber = le64(p + 16);
    h.firstRecordId = le64(p + 24);
    h.lastRecordId = le64(p + 32);
    if (chunk.size() < chunkHeaderSize)
        return h;
    h.lastRecordOffset = le32(p + 44);
    h.freeSpaceOffset = le32(p + 48);
    h.recordsChecksum = le32(p + 52);
    h.headerChecksumOk = crc32(p + 128, chunkHeaderSize - 128, crc32(p, 120)) == le32(p + 124);
    return h;
}

bool recordsChecksumOk(Bytes chunk, const ChunkHeader& h)
{
    if (h.freeSpaceOffset < chunkHeaderSize || h.freeSpaceOffset > chunk.size())
        return false;
    return crc32(chunk.data() + chunkHeaderSize, h.freeSpaceOffset - chunkHeaderSize) == h.recordsChecksum;
}

bool allZero(Bytes bytes)
{
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word != 0)
            return false;
    }
    for (; i < bytes.size(); ++i)
        if (bytes[i] != 0)
            return false;
    return true;
}

void findRecords(Bytes chunk, const ChunkHeader& header, bool dirtyFile, std::vector<RecordSpan>& records,
                 std::vector<RecordGap>& gaps)
{
    const bool freeSpaceKnown = header.freeSpaceOffset >= chunkHeaderSize && header.freeSpaceOffset <= chunkSize;
    const std::size_t freeSpace = freeSpaceKnown ? header.freeSpaceOffset : chunk.size();
    // The file ends before the records may: in a clean file they end at the free-space offset
    // (usedPart gives a chunk that ends there), in a dirty one they may go on to the chunk's end.
    const bool truncated = chunk.size() < (dirtyFile || !freeSpaceKnown ? chunkSize : header.freeSpaceOffset);
    std::size_t pos = chunkHeaderSize;
    std::uint64_t lastId = 0;
    std::uint64_t lastWritten = 0;
    bool any = false;
    while (pos + 28 <= chunk.size()) {
        // Past the free-space offset of a clean file nothing more is accepted (below): the slack
        // is not scanned.
        if (pos >= freeSpace && !dirtyFile)
            break;
        RecordSpan r;
        if (isRecordAt(chunk, pos, r)) {
            // Past the free-space offset only records continuing the sequence are this log's
            // (written after the header was last updated); others are stale remnants of
            // overwritten records, whose templates may be gone.
            const bool continues =
                dirtyFile && (any ? r.id == lastId + 1 && r.written >= lastWritten : r.id == header.firstRecordId);
            if (pos < freeSpace || continues) {
                r.beyondFreeSpace = pos >= freeSpace;
                records.push_back(r);
                lastId = r.id;
                lastWritten = r.written;
                any = true;
            }
            pos += r.size;
            continue;
        }
        // No record here. Below the free-space offset this is damage; above it, the end of the
        // records (zeros) or slack space, where a later record may still be found.
        if (truncated && pos + 8 <= chunk.size() && std::memcmp(chunk.data() + pos, "**\0\0", 4) == 0 &&
            le32(chunk.data() + pos + 4) > chunk.size() - pos)
            break; // the record the file ends in: reported as a truncated chunk
        if (pos < freeSpace) {
            std::string reason;
            if (std::memcmp(chunk.data() + pos, "**\0\0", 4) != 0)
                reason = "no record signature";
            else if (const std::uint32_t size = le32(chunk.data() + pos + 4); size < 28 || size > chunk.size() - pos)
                reason = "record size " + std::to_string(size) + " out of range";
            else
                reason = "the record's size and its copy at its end differ";
            gaps.push_back(RecordGap{static_cast<std::uint32_t>(pos), std::move(reason)});
        }
        const auto next = nextRecord(chunk, pos + 1);
        if (!next)
            break;
        pos = next->offset;
    }
}

Bytes usedPart(Bytes chunk, const ChunkHeader& header, bool dirtyFile)
{
    if (dirtyFile || !header.headerChecksumOk || header.freeSpaceOffset < chunkHeaderSize ||
        header.freeSpaceOffset > chunk.size())
        return chunk;
    return chunk.first(header.freeSpaceOffset);
}

} // namespace sigma::evtx
