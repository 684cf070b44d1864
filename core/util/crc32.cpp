#include "util/crc32.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace sigma {

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous)
{
    // zlib takes uInt lengths: feed larger buffers in pieces.
    auto crc = static_cast<uLong>(previous);
    const auto* p = static_cast<const Bytef*>(data);
    while (size > 0) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
        crc = ::crc32(crc, p, n);
        p += n;
        size -= n;
    }
    return static_cast<std::uint32_t>(crc);
}

} // namespace sigma
