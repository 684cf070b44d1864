#pragma once

// The value of a hexadecimal digit, for the readers that unescape \xNN, \uNNNN and the like.

namespace sigma {

/// 0-15 for 0-9, a-f, A-F; -1 for anything else.
inline int asciiHexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace sigma
