#pragma once

// A small EVTX writer for tests (library sigma_evtxwriter, no Qt): an .evtx file with a file
// header, one or more 64 KiB chunks with correct CRC32s, and records whose Binary XML is a template
// instance (the template defined inline in each record, or in an earlier record of the chunk)
// carrying typed substitution values. It
// lets a test make a record holding any value type without committing a real log.
//
// Layout and tokens follow [MS-EVEN6] and libyal's "Windows XML Event Log (EVTX)" notes; libevtx
// and Windows read what it writes.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sigmatest::evtx {

struct Record;

/// A substitution value: a Binary XML value type (0x80 set for an array) and its bytes.
struct Value {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> bytes;
    /// The type the template's substitution declares (windowsEvent()); 0: `type`.
    std::uint8_t declared = 0;
    /// binXml(): a nested fragment, written in place of `bytes` (its template defined inline).
    std::shared_ptr<const Record> nested;
};

Value null();
Value string(std::string_view utf8); ///< StringType (UTF-16LE, no terminator)
Value ansiString(std::string_view latin1);
Value int8(std::int8_t v);
Value uint8(std::uint8_t v);
Value int16(std::int16_t v);
Value uint16(std::uint16_t v);
Value int32(std::int32_t v);
Value uint32(std::uint32_t v);
Value int64(std::int64_t v);
Value uint64(std::uint64_t v);
Value real32(float v);
Value real64(double v);
Value boolean(bool v); ///< BoolType, 32-bit
Value binary(std::vector<std::uint8_t> bytes);
Value guid(std::string_view text); ///< from "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (braces optional)
Value sizeT32(std::uint32_t v);    ///< a SizeT value (type 0x10 in the value descriptor)
Value sizeT64(std::uint64_t v);
/// A win:Pointer as Windows writes it: the substitution declares SizeT, the value is a HexInt32 /
/// HexInt64 (libyal's EVTX notes; libevtx 20240504 cannot render SizeT-typed values).
Value pointer32(std::uint32_t v);
Value pointer64(std::uint64_t v);
Value fileTime(std::uint64_t ticks); ///< 100 ns since 1601-01-01 UTC
Value sysTime(int year, int month, int dayOfWeek, int day, int hour, int minute, int second, int milliseconds);
Value sid(std::string_view text); ///< from "S-1-5-21-…" (decimal authority)
Value hexInt32(std::uint32_t v);
Value hexInt64(std::uint64_t v);
/// A nested Binary XML fragment (BinXmlType): `inner`'s template instance (its root element and
/// values; its id only gives its template GUID), as Windows holds a record's EventData.
Value binXml(const Record& inner);
/// An array of the items' type (all items must have one type): bytes concatenated, strings
/// NUL-terminated each.
Value array(const std::vector<Value>& items);

/// FILETIME ticks of a UTC date and time (100 ns since 1601-01-01).
std::uint64_t fileTimeOf(int year, int month, int day, int hour, int minute, int second, std::uint32_t ticks100ns = 0);

/// The content of an element or an attribute value in a template: literal text, or substitution
/// `index` (of the record's values) declared with `type`; an optional substitution drops its
/// element or attribute when the value is Null.
struct Content {
    enum Kind { Text, Substitution, OptionalSubstitution } kind = Text;
    std::string text;
    std::uint16_t index = 0;
    std::uint8_t type = 0;
};
Content text(std::string text);
Content substitution(std::uint16_t index, std::uint8_t type, bool optional = false);

/// A template element: attributes, then either child elements or content.
struct Element {
    std::string name;
    std::vector<std::pair<std::string, Content>> attributes;
    std::vector<Element> children;
    std::vector<Content> content;
};

struct Record {
    std::uint64_t id = 1;      ///< event record identifier (also the record number)
    std::uint64_t written = 0; ///< FILETIME the record was written
    Element root;              ///< the template
    std::vector<Value> values; ///< the template instance's substitution values
    /// Zero: a template of its own (GUID derived from the record id), defined in the record.
    /// Otherwise records of one chunk with the same GUID share the definition the first of them
    /// holds, as Windows writes them (the records must then have the same template).
    std::array<std::uint8_t, 16> templateGuid{};
};

/// One named EventData item (an empty name gives an unnamed <Data>).
struct DataItem {
    std::string name;
    Value value;
};

/// A Windows event with the System header Windows writes (Provider Name/Guid, EventID, Version,
/// Level, Task, Opcode, Keywords, TimeCreated, EventRecordID, Correlation, Execution, Channel,
/// Computer, Security) as typed substitutions, and EventData/Data items.
struct EventSpec {
    std::string provider = "Microsoft-Windows-Security-Auditing";
    std::string providerGuid = "{54849625-5478-4994-A5BA-3E3B0328C30D}";
    std::uint16_t eventId = 4688;
    std::uint8_t version = 0;
    std::uint8_t level = 0;
    std::uint16_t task = 13312;
    std::uint8_t opcode = 0;
    std::uint64_t keywords = 0x8020000000000000ull;
    std::uint64_t time = 0; ///< FILETIME; 0: 2024-03-05T10:15:42.9922301Z
    std::uint64_t recordId = 1;
    std::string activityId; ///< empty: no ActivityID attribute
    std::uint32_t processId = 4;
    std::uint32_t threadId = 100;
    std::string channel = "Security";
    std::string computer = "WKS01.example.test";
    std::string userSid; ///< empty: <Security/> without UserID
    std::vector<DataItem> data;
};
Record windowsEvent(const EventSpec& spec);

struct FileOptions {
    std::uint32_t fileFlags = 0; ///< 1 dirty, 2 full
    /// Each name stored once per chunk, where it is first used, and referred to by its offset
    /// afterwards, as Windows writes them (false: every name inline where it is used).
    bool namesOnce = false;
};

/// The bytes of an .evtx file holding the records in order; a record that does not fit in the
/// current chunk starts the next one. A record larger than a chunk is an error (empty result).
std::string writeFile(const std::vector<Record>& records, const FileOptions& options = {});

/// CRC32 (RFC 1952, as EVTX uses it).
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

} // namespace sigmatest::evtx
