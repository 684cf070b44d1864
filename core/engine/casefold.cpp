#include "engine/casefold.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace sigma::engine {
namespace {

struct FoldPair {
    std::uint32_t from;
    std::uint32_t to;
};

constexpr FoldPair kFoldTable[] = {
#include "engine/casefold_table.inc"
};

} // namespace

bool isAscii(std::string_view text)
{
    // Eight bytes at a time; no early exit, so the compiler can vectorise the loop.
    const char* p = text.data();
    const std::size_t n = text.size();
    std::uint64_t high = 0;
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + k, 8);
        high |= w;
    }
    for (; k < n; ++k)
        high |= static_cast<unsigned char>(p[k]);
    return (high & 0x8080808080808080ull) == 0;
}

char32_t foldCodePoint(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    auto it = std::lower_bound(std::begin(kFoldTable), std::end(kFoldTable), static_cast<std::uint32_t>(cp),
                               [](const FoldPair& p, std::uint32_t v) { return p.from < v; });
    if (it != std::end(kFoldTable) && it->from == cp)
        return it->to;
    return cp;
}

void appendFolded(std::string_view text, std::string& out)
{
    // Simple folding grows a UTF-8 sequence by at most half (2 -> 3 bytes): write into that much
    // room, then cut to what was written (EvalContext reserves the same bound, so its buffer does
    // not move).
    const std::size_t base = out.size();
    out.resize(base + text.size() + text.size() / 2);
    char* const start = out.data() + base;
    char* o = start;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t pos = 0;
    while (pos < n) {
        const unsigned char c = p[pos];
        if (c < 0x80) { // ASCII fast path
            *o++ = static_cast<char>(c + (static_cast<unsigned>(c - 'A') < 26u ? 32 : 0));
            ++pos;
            continue;
        }
        const std::size_t at = pos;
        bool valid = true;
        const char32_t cp = decodeUtf8(text, pos, &valid);
        if (!valid) {
            *o++ = static_cast<char>(p[at]);
            continue;
        }
        const char32_t f = foldCodePoint(cp);
        if (f < 0x80) {
            *o++ = static_cast<char>(f);
        } else if (f < 0x800) {
            *o++ = static_cast<char>(0xC0 | (f >> 6));
            *o++ = static_cast<char>(0x80 | (f & 0x3F));
        } else if (f < 0x10000) {
            *o++ = static_cast<char>(0xE0 | (f >> 12));
            *o++ = static_cast<char>(0x80 | ((f >> 6) & 0x3F));
            *o++ = static_cast<char>(0x80 | (f & 0x3F));
        } else {
            *o++ = static_cast<char>(0xF0 | (f >> 18));
            *o++ = static_cast<char>(0x80 | ((f >> 12) & 0x3F));
            *o++ = static_cast<char>(0x80 | ((f >> 6) & 0x3F));
            *o++ = static_cast<char>(0x80 | (f & 0x3F));
        }
    }
    out.resize(base + static_cast<std::size_t>(o - start));
}

std::string folded(std::string_view text)
{
    std::string out;
    appendFolded(text, out);
    return out;
}

} // namespace sigma::engine
