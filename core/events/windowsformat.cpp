#include "events/windowsformat.h"

#include "util/civildate.h"
#include "util/numbertext.h"
#include "util/utf8.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace sigma::windows {

namespace {

constexpr char lowerDigits[] = "0123456789abcdef";
constexpr char upperDigits[] = "0123456789ABCDEF";

std::uint64_t readLe(std::span<const std::uint8_t> bytes, std::size_t offset, std::size_t size)
{
    std::uint64_t v = 0;
    for (std::size_t i = size; i-- > 0;)
        v = (v << 8) | bytes[offset + i];
    return v;
}

char* writeHexByte(char* p, std::uint8_t b)
{
    *p++ = upperDigits[b >> 4];
    *p++ = upperDigits[b & 0x0f];
    return p;
}

void appendHexByte(std::string& out, std::uint8_t b)
{
    char buffer[2];
    writeHexByte(buffer, b);
    out.append(buffer, 2);
}

/// `value` in decimal, at least `width` digits (zeros before, width <= 20), written at `p`;
/// returns the end. Values are written into a buffer and appended once: a character at a time
/// cost as much as the rest of decoding a GUID or a time.
char* writePadded(char* p, std::uint64_t value, int width)
{
    char buffer[24];
    int n = 0;
    do {
        buffer[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0 && n < 20);
    for (int i = n; i < width; ++i)
        *p++ = '0';
    while (n > 0)
        *p++ = buffer[--n];
    return p;
}

void appendDateTime(std::string& out, std::int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                    unsigned second, std::uint64_t nanoseconds)
{
    char buffer[7 * 20 + 8]; // seven numbers of at most 20 digits, seven separators
    char* p = writePadded(buffer, static_cast<std::uint64_t>(year < 0 ? 0 : year), 4);
    *p++ = '-';
    p = writePadded(p, month, 2);
    *p++ = '-';
    p = writePadded(p, day, 2);
    *p++ = 'T';
    p = writePadded(p, hour, 2);
    *p++ = ':';
    p = writePadded(p, minute, 2);
    *p++ = ':';
    p = writePadded(p, second, 2);
    *p++ = '.';
    p = writePadded(p, nanoseconds, 9);
    *p++ = 'Z';
    out.append(buffer, std::size_t(p - buffer));
}

std::string dateTime(std::int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute, unsigned second,
                     std::uint64_t nanoseconds)
{
    std::string out;
    out.reserve(30);
    appendDateTime(out, year, month, day, hour, minute, second, nanoseconds);
    return out;
}

void appendGuid(std::string& out, std::span<const std::uint8_t, 16> b)
{
    // Data1 (4 bytes), Data2, Data3 (2 bytes each) little-endian; Data4 (8 bytes) as stored.
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    char buffer[38];
    char* p = buffer;
    *p++ = '{';
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        p = writeHexByte(p, b[static_cast<std::size_t>(order[i])]);
    }
    *p++ = '}';
    out.append(buffer, std::size_t(p - buffer));
}

void appendFileTime(std::string& out, std::uint64_t ticks)
{
    constexpr std::uint64_t ticksPerSecond = 10'000'000;
    constexpr std::int64_t daysFrom1601To1970 = 134774;
    const std::uint64_t seconds = ticks / ticksPerSecond;
    const std::uint64_t fraction = ticks % ticksPerSecond;
    const auto days = static_cast<std::int64_t>(seconds / 86400) - daysFrom1601To1970;
    const auto secondOfDay = static_cast<unsigned>(seconds % 86400);
    const CivilDate date = civilFromDays(days);
    appendDateTime(out, date.year, date.month, date.day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60,
                   fraction * 100);
}

template <class T>
void appendNumber(std::string& out, T value)
{
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, std::size_t(r.ptr - buffer));
}

void appendHex(std::string& out, std::uint64_t value)
{
    char buffer[18];
    char* end = buffer + sizeof buffer;
    char* p = end;
    do {
        *--p = lowerDigits[value & 0x0f];
        value >>= 4;
    } while (value != 0);
    *--p = 'x';
    *--p = '0';
    out.append(p, std::size_t(end - p));
}

std::string formatReal(double value)
{
    if (std::isnan(value))
        return "-1.#IND";
    if (std::isinf(value))
        return value > 0 ? "1.#INF" : "-1.#INF";
    if (value == 0)
        return std::signbit(value) ? "-0" : "0";
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        return fixedText(value, 0);
    if (std::fabs(value) >= 1e-6)
        return fixedText(value, 6);
    // Three exponent digits, as the Microsoft C runtime writes them ("1.234568e-007").
    std::string out = scientificText(value, 6);
    const auto e = out.find('e');
    if (e != std::string::npos && e + 2 < out.size()) {
        std::string digits = out.substr(e + 2);
        while (digits.size() < 3)
            digits.insert(digits.begin(), '0');
        out = out.substr(0, e + 2) + digits;
    }
    return out;
}

/// Fixed element size of a (non-array) type, 0 for variable-size types.
std::size_t fixedSize(BinXmlType type)
{
    switch (type) {
    case BinXmlType::Int8:
    case BinXmlType::UInt8:
        return 1;
    case BinXmlType::Int16:
    case BinXmlType::UInt16:
        return 2;
    case BinXmlType::Int32:
    case BinXmlType::UInt32:
    case BinXmlType::HexInt32:
    case BinXmlType::Real32:
    case BinXmlType::Bool:
        return 4;
    case BinXmlType::Int64:
    case BinXmlType::UInt64:
    case BinXmlType::HexInt64:
    case BinXmlType::Real64:
    case BinXmlType::FileTime:
        return 8;
    case BinXmlType::Guid:
    case BinXmlType::SysTime:
        return 16;
    default:
        return 0;
    }
}

/// One fixed-size item of `type` at `bytes`.
std::string formatFixed(BinXmlType type, std::span<const std::uint8_t> bytes)
{
    const std::uint64_t v = readLe(bytes, 0, bytes.size() > 8 ? 8 : bytes.size());
    switch (type) {
    case BinXmlType::Int8:
        return formatSigned(static_cast<std::int8_t>(v));
    case BinXmlType::Int16:
        return formatSigned(static_cast<std::int16_t>(v));
    case BinXmlType::Int32:
        return formatSigned(static_cast<std::int32_t>(v));
    case BinXmlType::Int64:
        return formatSigned(static_cast<std::int64_t>(v));
    case BinXmlType::UInt8:
    case BinXmlType::UInt16:
    case BinXmlType::UInt32:
    case BinXmlType::UInt64:
        return formatUnsigned(v);
    case BinXmlType::HexInt32:
    case BinXmlType::HexInt64:
    case BinXmlType::SizeT:
        return formatHex(v);
    case BinXmlType::Bool:
        return formatBool(v != 0 ? 1 : 0);
    case BinXmlType::Real32: {
        float f;
        const auto bits = static_cast<std::uint32_t>(v);
        std::memcpy(&f, &bits, sizeof f);
        return formatReal32(f);
    }
    case BinXmlType::Real64: {
        double d;
        std::memcpy(&d, &v, sizeof d);
        return formatReal64(d);
    }
    case BinXmlType::FileTime:
        return formatFileTime(v);
    case BinXmlType::Guid:
        return formatGuid(bytes.first<16>());
    case BinXmlType::SysTime:
        return formatSystemTime(bytes);
    default:
        return {};
    }
}

} // namespace

std::string formatSigned(std::int64_t value)
{
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, r.ptr);
}

std::string formatUnsigned(std::uint64_t value)
{
    char buffer[24];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, r.ptr);
}

std::string formatHex(std::uint64_t value)
{
    std::string out;
    appendHex(out, value);
    return out;
}

std::string formatBool(std::uint32_t value)
{
    return value != 0 ? "true" : "false";
}

std::string formatReal32(float value)
{
    return formatReal(static_cast<double>(value));
}

std::string formatReal64(double value)
{
    return formatReal(value);
}

std::string formatBinary(std::span<const std::uint8_t> bytes)
{
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes)
        appendHexByte(out, b);
    return out;
}

std::string formatGuid(std::span<const std::uint8_t, 16> b)
{
    std::string out;
    out.reserve(38);
    appendGuid(out, b);
    return out;
}

std::size_t sidSize(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() < 8)
        return 0;
    const std::size_t size = 8 + 4 * std::size_t(bytes[1]);
    return size <= bytes.size() ? size : 0;
}

namespace {
/// A SID of `size` bytes (sidSize) as S-R-A-S1-…, appended to `out`.
void appendSid(std::string& out, std::span<const std::uint8_t> bytes, std::size_t size)
{
    std::uint64_t authority = 0;
    for (std::size_t i = 2; i < 8; ++i)
        authority = (authority << 8) | bytes[i];
    out += "S-";
    appendNumber(out, bytes[0]);
    out += '-';
    if (authority >= (std::uint64_t(1) << 32)) {
        out += "0x";
        for (std::size_t i = 2; i < 8; ++i)
            appendHexByte(out, bytes[i]);
    } else {
        appendNumber(out, authority);
    }
    for (std::size_t i = 8; i < size; i += 4) {
        out += '-';
        appendNumber(out, readLe(bytes, i, 4));
    }
}
} // namespace

std::string formatSid(std::span<const std::uint8_t> bytes)
{
    const std::size_t size = sidSize(bytes);
    std::string out;
    if (size > 0)
        appendSid(out, bytes, size);
    return out;
}

std::string formatFileTime(std::uint64_t ticks)
{
    std::string out;
    out.reserve(30);
    appendFileTime(out, ticks);
    return out;
}

std::string formatSystemTime(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != 16)
        return {};
    auto field = [&](std::size_t i) { return static_cast<unsigned>(readLe(bytes, 2 * i, 2)); };
    // Field 2 is the day of the week, which the text does not show.
    return dateTime(field(0), field(1), field(3), field(4), field(5), field(6), std::uint64_t(field(7)) * 1'000'000);
}

std::string utf16ToUtf8(std::span<const std::uint8_t> bytes)
{
    const std::size_t units = bytes.size() / 2;
    // ASCII, by far the most common text of event logs, is copied a byte per unit.
    std::size_t ascii = 0;
    while (ascii < units && bytes[2 * ascii + 1] == 0 && bytes[2 * ascii] != 0 && bytes[2 * ascii] < 0x80)
        ++ascii;
    std::string out(ascii, '\0');
    for (std::size_t i = 0; i < ascii; ++i)
        out[i] = static_cast<char>(bytes[2 * i]);
    if (ascii == units)
        return out;
    out.reserve(units + units / 2);
    for (std::size_t i = ascii; i < units; ++i) {
        const char32_t u = static_cast<char32_t>(readLe(bytes, 2 * i, 2));
        if (u == 0)
            break;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
            const char32_t low = static_cast<char32_t>(readLe(bytes, 2 * (i + 1), 2));
            if (low >= 0xDC00 && low <= 0xDFFF) {
                appendUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
                ++i;
                continue;
            }
        }
        appendUtf8((u >= 0xD800 && u <= 0xDFFF) ? char32_t(0xFFFD) : u, out);
    }
    return out;
}

std::string ansiToUtf8(std::span<const std::uint8_t> bytes)
{
    // Windows-1252 in 0x80-0x9F; the rest of the upper half is Latin-1.
    static constexpr char16_t cp1252[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                            0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(bytes.size());
    for (std::uint8_t b : bytes) {
        if (b == 0)
            break;
        appendUtf8(b >= 0x80 && b < 0xA0 ? char32_t(cp1252[b - 0x80]) : char32_t(b), out);
    }
    return out;
}

bool formatValue(std::uint8_t rawType, std::span<const std::uint8_t> bytes, std::vector<std::string>& items)
{
    const bool array = (rawType & binXmlArrayFlag) != 0;
    const auto type = static_cast<BinXmlType>(rawType & ~binXmlArrayFlag);
    switch (type) {
    case BinXmlType::Null:
        items.emplace_back();
        return true;
    case BinXmlType::String:
    case BinXmlType::AnsiString: {
        const bool wide = type == BinXmlType::String;
        auto convert = [&](std::span<const std::uint8_t> s) { return wide ? utf16ToUtf8(s) : ansiToUtf8(s); };
        if (!array) {
            items.push_back(convert(bytes));
            return true;
        }
        // NUL-terminated items; a trailing terminator ends the last one, not a new empty item.
        const std::size_t unit = wide ? 2 : 1;
        const std::size_t before = items.size();
        std::size_t start = 0;
        for (std::size_t i = 0; i + unit <= bytes.size(); i += unit) {
            const bool nul = wide ? (bytes[i] == 0 && bytes[i + 1] == 0) : bytes[i] == 0;
            if (nul) {
                items.push_back(convert(bytes.subspan(start, i - start)));
                start = i + unit;
            }
        }
        if (start + unit <= bytes.size())
            items.push_back(convert(bytes.subspan(start)));
        if (items.size() == before)
            items.emplace_back();
        return true;
    }
    case BinXmlType::Binary:
        if (array)
            return false;
        items.push_back(formatBinary(bytes));
        return true;
    case BinXmlType::Sid: {
        if (!array) {
            if (sidSize(bytes) != bytes.size())
                return false;
            items.push_back(formatSid(bytes));
            return true;
        }
        std::vector<std::string> out;
        for (std::size_t at = 0; at < bytes.size();) {
            const std::size_t size = sidSize(bytes.subspan(at));
            if (size == 0)
                return false;
            out.push_back(formatSid(bytes.subspan(at, size)));
            at += size;
        }
        if (out.empty())
            out.emplace_back();
        items.insert(items.end(), out.begin(), out.end());
        return true;
    }
    case BinXmlType::SizeT: {
        // 4 bytes on 32-bit Windows, 8 on 64-bit; an array is read as 64-bit items when it can be.
        const std::size_t size = array ? (bytes.size() % 8 == 0 ? 8 : 4) : bytes.size();
        if ((size != 4 && size != 8) || bytes.size() % size != 0 || (!array && bytes.empty()))
            return false;
        if (bytes.empty())
            items.emplace_back();
        for (std::size_t at = 0; at < bytes.size(); at += size)
            items.push_back(formatHex(readLe(bytes, at, size)));
        return true;
    }
    case BinXmlType::Bool:
        if (!array && !bytes.empty() && bytes.size() <= 8) {
            // 32-bit by the specification; other sizes are seen in the wild and read the same way.
            items.push_back(formatBool(readLe(bytes, 0, bytes.size()) != 0 ? 1 : 0));
            return true;
        }
        break;
    default:
        break;
    }
    const std::size_t size = fixedSize(type);
    if (size == 0)
        return false; // BinXml, EvtHandle, EvtXml, unknown
    if (!array) {
        if (bytes.size() != size)
            return false;
        items.push_back(formatFixed(type, bytes));
        return true;
    }
    if (bytes.size() % size != 0)
        return false;
    if (bytes.empty())
        items.emplace_back();
    for (std::size_t at = 0; at < bytes.size(); at += size)
        items.push_back(formatFixed(type, bytes.subspan(at, size)));
    return true;
}

bool appendScalar(std::uint8_t rawType, std::span<const std::uint8_t> bytes, std::string& out)
{
    if (rawType & binXmlArrayFlag)
        return false;
    const auto type = static_cast<BinXmlType>(rawType);
    if (type == BinXmlType::Null)
        return true;
    if (type == BinXmlType::Sid) { // one SID filling the bytes exactly; else as formatValue says
        if (bytes.empty() || sidSize(bytes) != bytes.size())
            return false;
        appendSid(out, bytes, bytes.size());
        return true;
    }
    if (fixedSize(type) != bytes.size())
        return false;
    const std::uint64_t v = readLe(bytes, 0, bytes.size() > 8 ? 8 : bytes.size());
    switch (type) {
    case BinXmlType::Int8:
        appendNumber(out, static_cast<std::int8_t>(v));
        return true;
    case BinXmlType::Int16:
        appendNumber(out, static_cast<std::int16_t>(v));
        return true;
    case BinXmlType::Int32:
        appendNumber(out, static_cast<std::int32_t>(v));
        return true;
    case BinXmlType::Int64:
        appendNumber(out, static_cast<std::int64_t>(v));
        return true;
    case BinXmlType::UInt8:
    case BinXmlType::UInt16:
    case BinXmlType::UInt32:
    case BinXmlType::UInt64:
        appendNumber(out, v);
        return true;
    case BinXmlType::HexInt32:
    case BinXmlType::HexInt64:
        appendHex(out, v);
        return true;
    case BinXmlType::FileTime:
        appendFileTime(out, v);
        return true;
    case BinXmlType::Guid:
        appendGuid(out, bytes.first<16>());
        return true;
    default:
        return false;
    }
}

} // namespace sigma::windows
