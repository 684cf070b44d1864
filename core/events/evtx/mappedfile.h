#pragma once

// Internal: an .evtx file mapped read-only for our decoder (evtxdecoder.h). A small file is read
// in at once; a large one is paged in batch by batch and dropped behind the decoder (FileWindow),
// so that it is never resident whole.
#include "events/evtx/evtxdecoder.h"

#include <cstddef>
#include <string>

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

private:
    static constexpr std::size_t kPopulateWhole = 64u << 20;
    void advise(std::size_t begin, std::size_t end, bool populate);

    void* m_data = nullptr;
    std::size_t m_size = 0;
    bool m_large = false;
};

} // namespace sigma::evtx
