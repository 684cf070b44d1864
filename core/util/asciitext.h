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

inline bool asciiEqualsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return asciiLower(x) == asciiLower(y); });
}

} // namespace sigma
