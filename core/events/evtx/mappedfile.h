#pragma once

// Internal: an .evtx file for our decoder (evtxdecoder.h), never in memory whole. A file up to
// 8 MiB is read at once into a buffer the thread keeps for its next file (of a clean file, each
// chunk only up to its free-space offset, see usedPart, and no block past the declared chunks
// that holds none: the rest reads as zeros); a larger one stays
// open and each piece the decoder asks for (FileSource) is read into one buffer, reused from
// batch to batch. Not mapped: unmapping flushes the TLB (30 % of `sigmawb match` over a folder of
// small logs in a VM, perf), and the first touch of each page of a mapping cost more than
// decoding it (`bench_events decode`: a 50 MiB log of Sysmon chunks 135k-147k records/s mapped,
// 200k read).
#include "events/evtx/evtxdecoder.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sigma::evtx {

class MappedFile {
public:
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    /// Empty string on success, else why not.
    std::string open(const std::string& path);
    /// The file, read piece by piece; valid while this lives.
    FileSource source();

    /// Files up to this size are read at once, larger ones piece by piece.
    static constexpr std::size_t kReadWhole = 8u << 20;
    /// The first read of a file read by used parts: its header and the first chunk's first bytes.
    static constexpr std::size_t kFirstRead = 16u << 10;
    /// A buffer up to this size is kept by its thread for the next file.
    static constexpr std::size_t kKeepBuffer = 8u << 20;

private:
    Bytes readRange(std::size_t begin, std::size_t end);
    /// Reads the used parts of a clean file into m_buffer; false (nothing decided) when the file is
    /// not clean, or a read failed.
    bool readUsedPart(int fd);

    int m_fd = -1; ///< a large file, read piece by piece
    std::size_t m_size = 0;
    bool m_whole = false;               ///< m_buffer holds the whole (small) file
    std::vector<std::uint8_t> m_buffer; ///< the small file, or the large file's last piece
    /// Bytes of m_buffer from its start that may not be zero (the rest is): a clean chunk's
    /// unused part is zeros without writing all of it for every file.
    std::size_t m_written = 0;
    /// Bytes of an earlier, larger file past the end of a smaller one (the buffer is never made
    /// smaller): they may not be zero either.
    std::size_t m_staleFrom = 0, m_staleTo = 0;
    bool m_usedPartOnly = false; ///< m_written is meaningful (else all of m_buffer was written)
};

} // namespace sigma::evtx
