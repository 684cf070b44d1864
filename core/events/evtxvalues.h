#pragma once

// Internal: the typed substitution values of an EVTX record, read from the record's own bytes, and
// the corrections that turn libevtx's text for them into Windows' text (windowsformat.h). libevtx
// renders a record as XML text and loses the value types; reading the values again from the chunk
// tells which text came from which type, so only text that is known to be a typed value is
// rewritten (docs/events.md, "Typed values").
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::detail {

/// One substitution value of a record: its Binary XML type (array flag included) and bytes.
struct EvtxValue {
    std::uint8_t type = 0;
    std::span<const std::uint8_t> bytes;
};

/// Appends the substitution values of the record at `recordOffset` of a chunk (the chunk's bytes
/// from its header on): the template instance data of the record's fragment, and of the template
/// instances held in its BinXml-typed values. Returns false when the record or its template
/// instance is malformed (what was read is kept); a record without a template instance has no
/// values and gives true.
bool readRecordValues(std::span<const std::uint8_t> chunk, std::size_t recordOffset, std::vector<EvtxValue>& out);

/// Text corrections for one record: libevtx's rendering of one of its typed values -> Windows'.
/// libevtx 20181227 zero-pads HexInt32/HexInt64 ("0x00000017"), writes SizeT in decimal, negative
/// integers wrongly ("-123" for -5), reals as "5.000000e-001" and SYSTEMTIME with milliseconds;
/// later libevtx versions write SizeT as padded hex. A text is corrected only when every value of
/// the record that libevtx could have rendered as that text has the same Windows text (a string
/// "0x00000017" beside a HexInt32 0x17, or a UInt32 3628 beside a SizeT 3628, stays as it is).
class LibevtxCorrections {
public:
    void build(const std::vector<EvtxValue>& values);
    bool empty() const { return m_fixes.empty(); }
    /// Windows' text for a value libevtx wrote as `text`; nullptr when it needs no correction.
    const std::string* correct(std::string_view text) const;
    /// Rewrites element text and attribute values of libevtx's XML rendering of the record.
    void applyToXml(std::string& xml) const;

private:
    std::vector<std::pair<std::string, std::string>> m_fixes; ///< libevtx text, Windows text
};

} // namespace sigma::detail
