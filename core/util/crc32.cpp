#include "util/crc32.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SIGMA_CRC32_CLMUL 1
#endif

namespace sigma {

namespace {

/// zlib's CRC-32 (its table code): the reference, and the bytes the folding below leaves over.
std::uint32_t crc32Zlib(const std::uint8_t* p, std::size_t size, std::uint32_t previous)
{
    // zlib takes uInt lengths: feed larger buffers in pieces.
    auto crc = static_cast<uLong>(previous);
    while (size > 0) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
        crc = ::crc32(crc, p, n);
        p += n;
        size -= n;
    }
    return static_cast<std::uint32_t>(crc);
}

#ifdef SIGMA_CRC32_CLMUL
// Carry-less multiplication folding (Intel, "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ Instruction", 2009), for the bit-reflected polynomial 0x04C11DB7. Four 128-bit lanes
// are folded 64 bytes at a time, then into one lane, then reduced to 32 bits (Barrett). Each
// constant is x^n mod P for the distance n it folds over, bit-reflected and shifted by one:
constexpr std::uint64_t kFold4Low = 0x154442bd4;  // 4 lanes: x^(4*128+32)
constexpr std::uint64_t kFold4High = 0x1c6e41596; //          x^(4*128-32)
constexpr std::uint64_t kFold1Low = 0x1751997d0;  // 1 lane:  x^(128+32)
constexpr std::uint64_t kFold1High = 0x0ccaa009e; //          x^(128-32)
constexpr std::uint64_t kFold64 = 0x163cd6124;    // 64 -> 32 bits: x^64
constexpr std::uint64_t kPoly = 0x1db710641;      // P, reflected, with its x^32 term
constexpr std::uint64_t kMu = 0x1f7011641;        // floor(x^64 / P), reflected

__attribute__((target("pclmul,sse2"))) inline __m128i fold(__m128i lane, __m128i constants, __m128i next)
{
    const __m128i low = _mm_clmulepi64_si128(lane, constants, 0x00);
    const __m128i high = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(low, high), next);
}

/// The CRC state (not inverted) after `size` bytes, a multiple of 16 and at least 64.
__attribute__((target("pclmul,sse2"))) std::uint32_t crc32Folded(const std::uint8_t* p, std::size_t size,
                                                                 std::uint32_t state)
{
    auto load = [](const std::uint8_t* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); };
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(state)));
    __m128i x1 = load(p + 16);
    __m128i x2 = load(p + 32);
    __m128i x3 = load(p + 48);
    p += 64;
    size -= 64;
    const __m128i k4 = _mm_set_epi64x(static_cast<long long>(kFold4High), static_cast<long long>(kFold4Low));
    for (; size >= 64; p += 64, size -= 64) {
        x0 = fold(x0, k4, load(p));
        x1 = fold(x1, k4, load(p + 16));
        x2 = fold(x2, k4, load(p + 32));
        x3 = fold(x3, k4, load(p + 48));
    }
    const __m128i k1 = _mm_set_epi64x(static_cast<long long>(kFold1High), static_cast<long long>(kFold1Low));
    __m128i x = fold(x0, k1, x1);
    x = fold(x, k1, x2);
    x = fold(x, k1, x3);
    for (; size >= 16; p += 16, size -= 16)
        x = fold(x, k1, load(p));
    // 128 -> 96 bits: the low half folded onto the high one (32 zero bits appended).
    x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(x, k1, 0x10));
    // 96 -> 64 bits.
    const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
    const __m128i k64 = _mm_set_epi64x(0, static_cast<long long>(kFold64));
    x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, mask32), k64, 0x00));
    // 64 -> 32 bits: Barrett reduction.
    const __m128i barrett = _mm_set_epi64x(static_cast<long long>(kMu), static_cast<long long>(kPoly));
    __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), barrett, 0x00);
    x = _mm_xor_si128(x, t);
    return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(x, 4)));
}

bool haveClmul()
{
    static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
    return yes;
}
#endif

} // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t previous)
{
    const auto* p = static_cast<const std::uint8_t*>(data);
#ifdef SIGMA_CRC32_CLMUL
    // The chunks of an EVTX file are checked as they are read: zlib's table code was 5-10 % of
    // decoding a small log (a few records in a 64 KiB chunk).
    if (size >= 64 && haveClmul()) {
        const std::size_t folded = size & ~std::size_t(15);
        const std::uint32_t state = crc32Folded(p, folded, ~previous);
        return crc32Zlib(p + folded, size - folded, ~state);
    }
#endif
    return crc32Zlib(p, size, previous);
}

std::uint32_t crc32Reference(const void* data, std::size_t size, std::uint32_t previous)
{
    return crc32Zlib(static_cast<const std::uint8_t*>(data), size, previous);
}

} // namespace sigma
