#pragma once

// UTF-8 code points one at a time: decoding with validation (overlong forms, surrogates and values
// past U+10FFFF are invalid) and encoding. One home for the engine's case folding and patterns,
// the XML escaping and the event readers.

#include <cstddef>
#include <string>
#include <string_view>

namespace sigma {

/// Decodes the code point at text[pos] (pos < text.size()) and advances pos past it. An invalid
/// sequence decodes as its first byte alone (pos advances by one) and sets *valid to false.
inline char32_t decodeUtf8(std::string_view text, std::size_t& pos, bool* valid = nullptr)
{
    const auto c0 = static_cast<unsigned char>(text[pos]);
    auto fail = [&]() -> char32_t {
        if (valid)
            *valid = false;
        ++pos;
        return c0;
    };
    if (c0 < 0x80) {
        ++pos;
        return c0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if ((c0 & 0xE0) == 0xC0) {
        len = 2;
        cp = c0 & 0x1F;
    } else if ((c0 & 0xF0) == 0xE0) {
        len = 3;
        cp = c0 & 0x0F;
    } else if ((c0 & 0xF8) == 0xF0) {
        len = 4;
        cp = c0 & 0x07;
    } else {
        return fail();
    }
    if (pos + len > text.size())
        return fail();
    for (std::size_t i = 1; i < len; ++i) {
        const auto c = static_cast<unsigned char>(text[pos + i]);
        if ((c & 0xC0) != 0x80)
            return fail();
        cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return fail();
    pos += len;
    return cp;
}

/// Appends the code point (at most U+10FFFF) as UTF-8.
inline void appendUtf8(char32_t cp, std::string& out)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Whether the whole text is valid UTF-8.
inline bool isValidUtf8(std::string_view text)
{
    std::size_t pos = 0;
    bool valid = true;
    while (pos < text.size() && valid)
        decodeUtf8(text, pos, &valid);
    return valid;
}

} // namespace sigma
