#pragma once

// Windows' text for the typed values of EVTX Binary XML: what Event Viewer, `wevtutil qe /f:xml`
// and every exported Event XML show, so that a rule written against Windows' Event XML matches the
// same event read from an .evtx file. Pure functions, no I/O; docs/events.md ("Typed values") says
// where each rendering comes from.
//
// Used by both EVTX paths: the libevtx reader corrects libevtx's renderings with them, and the
// EVTX decoder calls them for every substitution value it reads.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sigma {

/// The value types of EVTX Binary XML substitutions ([MS-EVEN6] 3.1.4.7.3); an array of a type
/// has the type's value | binXmlArrayFlag.
enum class BinXmlType : std::uint8_t {
    Null = 0x00,
    String = 0x01,     ///< UTF-16LE
    AnsiString = 0x02, ///< 8-bit code page
    Int8 = 0x03,
    UInt8 = 0x04,
    Int16 = 0x05,
    UInt16 = 0x06,
    Int32 = 0x07,
    UInt32 = 0x08,
    Int64 = 0x09,
    UInt64 = 0x0a,
    Real32 = 0x0b,
    Real64 = 0x0c,
    Bool = 0x0d, ///< 32-bit
    Binary = 0x0e,
    Guid = 0x0f,
    SizeT = 0x10, ///< 4 or 8 bytes (win:Pointer)
    FileTime = 0x11,
    SysTime = 0x12,
    Sid = 0x13,
    HexInt32 = 0x14,
    HexInt64 = 0x15,
    EvtHandle = 0x20,
    BinXml = 0x21, ///< an embedded fragment or template instance, not a text value
    EvtXml = 0x23,
};
inline constexpr std::uint8_t binXmlArrayFlag = 0x80;

namespace windows {

/// Decimal, as Windows writes Int8…Int64 ("-5") and UInt8…UInt64 ("4294967295").
std::string formatSigned(std::int64_t value);
std::string formatUnsigned(std::uint64_t value);

/// HexInt32, HexInt64 and SizeT: "0x", lower-case digits, no leading zeros ("0x17", "0x1fffff",
/// "0x3e7", "0x0"). System/Keywords is a HexInt64 like any other ("0x8020000000000000",
/// "0x80000000000000", "0x0"): never zero-padded.
std::string formatHex(std::uint64_t value);

/// Bool: "true" for any non-zero 32-bit value, else "false".
std::string formatBool(std::uint32_t value);

/// Real32/Real64 (see docs/events.md: libevtx's documented observations of Windows' text):
/// integral values as integers ("3", "-0"), others with six fractional digits ("0.500000") or,
/// below 1e-6, as "d.dddddde-NNN"; infinities "1.#INF"/"-1.#INF", NaN "-1.#IND".
std::string formatReal32(float value);
std::string formatReal64(double value);

/// Binary: two upper-case hex digits per byte, no prefix ("0A1BFF"); empty for no bytes.
std::string formatBinary(std::span<const std::uint8_t> bytes);

/// GUID from its 16 bytes as stored (Data1-3 little-endian): "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}".
std::string formatGuid(std::span<const std::uint8_t, 16> bytes);

/// SID from its binary form: "S-1-5-21-…"; an identifier authority of 2^32 or more as "0x" and
/// twelve upper-case hex digits ([MS-DTYP] 2.4.2.1). Empty when the bytes are not a SID.
std::string formatSid(std::span<const std::uint8_t> bytes);
/// The size of the SID at the start of `bytes` (8 + 4 × sub-authorities), 0 when too short.
std::size_t sidSize(std::span<const std::uint8_t> bytes);

/// FILETIME (100 ns since 1601-01-01 UTC) as xs:dateTime with nine fractional digits, the last two
/// always 0: "2015-10-09T05:04:30.000941900Z" (TimeCreated/SystemTime and EventData alike).
std::string formatFileTime(std::uint64_t ticks);

/// SYSTEMTIME (8 little-endian 16-bit fields: year, month, day of week, day, hour, minute,
/// second, milliseconds) as xs:dateTime like a FILETIME: "2019-02-01T19:55:16.500000000Z".
/// Empty when the bytes are not 16.
std::string formatSystemTime(std::span<const std::uint8_t> bytes);

/// UTF-16LE (String) to UTF-8, stopping at the first NUL; an unpaired surrogate becomes U+FFFD.
std::string utf16ToUtf8(std::span<const std::uint8_t> bytes);
/// AnsiString to UTF-8 (bytes above 0x7F read as Windows-1252), stopping at the first NUL.
std::string ansiToUtf8(std::span<const std::uint8_t> bytes);

/// Renders one substitution value of `type` (array flag included) from its little-endian bytes,
/// appending one string per item to `items`: one for a scalar, one per element for an array
/// (Windows repeats the enclosing element for each element; string arrays are NUL-separated).
/// Null gives one empty item. Returns false, appending nothing, when the type has no text
/// (BinXml, EvtHandle, EvtXml, unknown types) or the size does not fit the type.
bool formatValue(std::uint8_t type, std::span<const std::uint8_t> bytes, std::vector<std::string>& items);
/// The same for the scalars decoded most (Null, integers, HexInt32/64, FileTime, Guid, Sid), appended to
/// `out` without a string of their own; false, appending nothing, for any other type (call
/// formatValue then).
bool appendScalar(std::uint8_t type, std::span<const std::uint8_t> bytes, std::string& out);

} // namespace windows
} // namespace sigma
