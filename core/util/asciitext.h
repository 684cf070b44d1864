#pragma once

// ASCII-only case helpers for names the specification spells in ASCII (field names, log-source
// keys, ATT&CK ids). Values use the engine's Unicode folding (engine/casefold.h) instead.

#include <algorithm>
#include <string>
#include <string_view>

namespace sigma {

inline char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string asciiLowered(std::string_view s)
{
    std::string out(s);
    for (auto& c : out)
        c = asciiLower(c);
    return out;
}

inline bool asciiEqualsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return asciiLower(x) == asciiLower(y); });
}

} // namespace sigma
