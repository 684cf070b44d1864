#pragma once

// ASCII-only character helpers for names the specification spells in ASCII (field names,
// log-source keys, modifiers, condition keywords, ATT&CK ids). Unlike <cctype> they do not depend
// on the process locale (the GUI runs in the user's: a Turkish one lowers 'I' to dotless i, a
// Latin-1 one calls byte 0xE4 a lower-case letter). Values use the engine's Unicode folding
// (engine/casefold.h) instead.

#include <algorithm>
#include <string>
#include <string_view>

namespace sigma {

inline bool isAsciiDigit(char c)
{
    return c >= '0' && c <= '9';
}

inline bool isAsciiLowerLetter(char c)
{
    return c >= 'a' && c <= 'z';
}

inline bool isAsciiUpperLetter(char c)
{
    return c >= 'A' && c <= 'Z';
}

inline bool isAsciiLetter(char c)
{
    return isAsciiLowerLetter(c) || isAsciiUpperLetter(c);
}

inline bool isAsciiAlnum(char c)
{
    return isAsciiLetter(c) || isAsciiDigit(c);
}

inline bool isAsciiHexDigit(char c)
{
    return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline char asciiLower(char c)
{
    return isAsciiUpperLetter(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

inline char asciiUpper(char c)
{
    return isAsciiLowerLetter(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string asciiLowered(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = asciiLower(c);
    return out;
}

inline std::string asciiUppered(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = asciiUpper(c);
    return out;
}

/// Equal bytes compare once; two bytes that differ are the same letter only when they differ in the
/// case bit alone and are letters. Hot: the log-source scope compares each event's provider and
/// channel with it (a plain lowering of both sides per byte cost ~7 % more per event).
inline bool asciiEqualsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (x == y)
            continue;
        const auto lower = static_cast<unsigned char>(x | 0x20);
        if ((x ^ y) != 0x20 || lower < 'a' || lower > 'z')
            return false;
    }
    return true;
}

} // namespace sigma
