#pragma once

// CRC-32 (IEEE 802.3: the checksum of ZIP, gzip and the EVTX file and chunk headers): folded with
// carry-less multiplication where the CPU has it (x86-64 PCLMULQDQ), else zlib's. One home for
// every reader and writer that needs it.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sigma {

/// CRC-32 of `size` bytes; pass the previous value to continue a running checksum.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous = 0);

/// The same by zlib alone (the reference the tests compare with).
std::uint32_t crc32Reference(const void* data, std::size_t size, std::uint32_t previous = 0);

inline std::uint32_t crc32(std::string_view data, std::uint32_t previous = 0)
{
    return crc32(data.data(), data.size(), previous);
}

} // namespace sigma
