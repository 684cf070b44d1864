#pragma once

// Internal: an .evtx file in memory for our decoder (evtxdecoder.h). A file up to 8 MiB is read
// into a buffer the thread keeps for its next file (no mapping: unmapping flushes the TLB, which
// took 30 % of `sigmawb match` over a folder of small logs in a VM, perf); a larger one (where a
// fresh buffer's zeroing and faults cost more than the decoding, and the unmap is amortized) is mapped
// read-only, paged in batch by batch and dropped behind the decoder (FileWindow), so that it is
// never resident whole.
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
    Bytes bytes() const;
    /// For a large file: pages in what the decoder reads next, drops what it is done with.
    FileWindow window();

    /// Files up to this size are read into a buffer, larger ones mapped.
    static constexpr std::size_t kReadWhole = 8u << 20;
    /// A buffer up to this size is kept by its thread for the next file.
    static constexpr std::size_t kKeepBuffer = 8u << 20;

private:
    void advise(std::size_t begin, std::size_t end, bool populate);

    void* m_data = nullptr; ///< the mapping of a large file
    std::size_t m_size = 0;
    std::vector<std::uint8_t> m_buffer; ///< the contents of a small file
};

} // namespace sigma::evtx
