#include "events/evtxvalues.h"

#include "events/windowsformat.h"
#include "util/numbertext.h"

#include <cstdio>
#include <cstring>

namespace sigma::detail {

namespace {

std::uint64_t le(std::span<const std::uint8_t> b, std::size_t at, std::size_t size)
{
    std::uint64_t v = 0;
    for (std::size_t i = size; i-- > 0;)
        v = (v << 8) | b[at + i];
    return v;
}

bool readFragment(std::span<const std::uint8_t> chunk, std::size_t pos, std::size_t end, std::vector<EvtxValue>& out,
                  int depth)
{
    if (depth > 8 || pos + 5 > end || chunk[pos] != 0x0F)
        return false;
    pos += 4;
    if (chunk[pos] != 0x0C)
        return true; // a plain element: no substitution values
    ++pos;
    if (pos + 9 > end)
        return false;
    const std::uint64_t definition = le(chunk, pos + 5, 4);
    pos += 9;
    if (definition == pos) { // the template definition is stored here: skip it
        if (pos + 24 > end)
            return false;
        pos += 24 + le(chunk, pos + 20, 4);
    }
    if (pos + 4 > end)
        return false;
    const std::uint64_t count = le(chunk, pos, 4);
    pos += 4;
    if (count > (end - pos) / 4)
        return false;
    std::size_t value = pos + 4 * count;
    for (std::uint64_t i = 0; i < count; ++i, pos += 4) {
        const std::size_t size = le(chunk, pos, 2);
        const std::uint8_t type = chunk[pos + 2];
        if (value + size > end)
            return false;
        if (type == static_cast<std::uint8_t>(BinXmlType::BinXml))
            readFragment(chunk, value, value + size, out, depth + 1);
        else
            out.push_back(EvtxValue{type, chunk.subspan(value, size)});
        value += size;
    }
    return true;
}

std::string padded(std::uint64_t value, int digits)
{
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buffer;
}

/// Texts libevtx may have written for the item `index` of a value, where they differ from Windows'.
void libevtxTexts(const EvtxValue& v, std::size_t index, std::vector<std::string>& out)
{
    const auto type = static_cast<BinXmlType>(v.type & ~binXmlArrayFlag);
    const bool array = (v.type & binXmlArrayFlag) != 0;
    std::size_t size = 0;
    switch (type) {
    case BinXmlType::Int8:
    case BinXmlType::Int16:
    case BinXmlType::Int32:
    case BinXmlType::Int64:
        size = type == BinXmlType::Int8 ? 1 : type == BinXmlType::Int16 ? 2 : type == BinXmlType::Int32 ? 4 : 8;
        break;
    case BinXmlType::HexInt32:
    case BinXmlType::Real32:
        size = 4;
        break;
    case BinXmlType::HexInt64:
    case BinXmlType::Real64:
        size = 8;
        break;
    case BinXmlType::SizeT:
        size = array ? (v.bytes.size() % 8 == 0 ? 8 : 4) : v.bytes.size();
        break;
    case BinXmlType::SysTime:
        size = 16;
        break;
    default:
        return;
    }
    if (size == 0 || (index + 1) * size > v.bytes.size())
        return;
    const std::size_t at = index * size;
    const std::uint64_t raw = le(v.bytes, at, size < 8 ? size : 8);
    switch (type) {
    case BinXmlType::HexInt32:
    case BinXmlType::HexInt64:
        out.push_back(padded(raw, int(size) * 2));
        break;
    case BinXmlType::SizeT: // 20181227: decimal; later versions: zero-padded hex
        out.push_back(windows::formatUnsigned(raw));
        out.push_back(padded(raw, int(size) * 2));
        break;
    case BinXmlType::Int8:
    case BinXmlType::Int16:
    case BinXmlType::Int32:
    case BinXmlType::Int64: { // 20181227 writes a negative value as '-' and its bits without the sign bit
        const std::uint64_t sign = std::uint64_t(1) << (8 * size - 1);
        if (raw & sign)
            out.push_back('-' + windows::formatUnsigned(raw & (sign - 1)));
        break;
    }
    case BinXmlType::Real32:
    case BinXmlType::Real64: { // "5.000000e-001": six digits and a three-digit exponent
        double d;
        if (size == 4) {
            float f;
            const auto bits = static_cast<std::uint32_t>(raw);
            std::memcpy(&f, &bits, 4);
            d = f;
        } else {
            std::memcpy(&d, &raw, 8);
        }
        std::string text = scientificText(d, 6);
        const auto e = text.find('e');
        if (e != std::string::npos && e + 2 < text.size() && text.size() - (e + 2) < 3)
            text.insert(e + 2, 3 - (text.size() - (e + 2)), '0');
        out.push_back(text);
        break;
    }
    case BinXmlType::SysTime: { // milliseconds: "2019-02-01T19:55:16.500Z"
        const std::string windowsText = windows::formatSystemTime(v.bytes.subspan(at, 16));
        if (windowsText.size() == 30)
            out.push_back(windowsText.substr(0, 23) + 'Z');
        break;
    }
    default:
        break;
    }
}

} // namespace

bool readRecordValues(std::span<const std::uint8_t> chunk, std::size_t recordOffset, std::vector<EvtxValue>& out)
{
    if (recordOffset + 28 > chunk.size() || le(chunk, recordOffset, 4) != 0x00002a2a)
        return false;
    const std::uint64_t size = le(chunk, recordOffset + 4, 4);
    if (size < 28 || size > chunk.size() - recordOffset)
        return false;
    return readFragment(chunk, recordOffset + 24, recordOffset + size - 4, out, 0);
}

void LibevtxCorrections::build(const std::vector<EvtxValue>& values)
{
    m_fixes.clear();
    std::vector<std::vector<std::string>> windowsItems(values.size());
    std::vector<std::string> alternatives;
    for (std::size_t v = 0; v < values.size(); ++v) {
        if (!windows::formatValue(values[v].type, values[v].bytes, windowsItems[v]))
            continue;
        for (std::size_t i = 0; i < windowsItems[v].size(); ++i) {
            alternatives.clear();
            libevtxTexts(values[v], i, alternatives);
            for (auto& a : alternatives)
                if (a != windowsItems[v][i])
                    m_fixes.emplace_back(std::move(a), windowsItems[v][i]);
        }
    }
    if (m_fixes.empty())
        return;
    // A text that another value of the record has (as Windows' text or as another libevtx text
    // with another meaning) is ambiguous: leave it.
    std::vector<bool> ambiguous(m_fixes.size(), false);
    for (std::size_t f = 0; f < m_fixes.size(); ++f) {
        for (const auto& items : windowsItems)
            for (const auto& w : items)
                if (w.size() == m_fixes[f].first.size() && w == m_fixes[f].first && w != m_fixes[f].second)
                    ambiguous[f] = true;
        for (std::size_t g = 0; g < m_fixes.size(); ++g)
            if (m_fixes[g].first == m_fixes[f].first && m_fixes[g].second != m_fixes[f].second)
                ambiguous[f] = true;
    }
    std::size_t kept = 0;
    for (std::size_t f = 0; f < m_fixes.size(); ++f) {
        if (ambiguous[f])
            continue;
        if (kept != f)
            m_fixes[kept] = std::move(m_fixes[f]);
        ++kept;
    }
    m_fixes.resize(kept);
}

const std::string* LibevtxCorrections::correct(std::string_view text) const
{
    for (const auto& [from, to] : m_fixes)
        if (from == text)
            return &to;
    return nullptr;
}

void LibevtxCorrections::applyToXml(std::string& xml) const
{
    for (const auto& [from, to] : m_fixes) {
        for (const char* delimiters : {"><", "\"\""}) {
            const std::string needle = delimiters[0] + from + delimiters[1];
            const std::string replacement = delimiters[0] + to + delimiters[1];
            for (std::size_t at = xml.find(needle); at != std::string::npos;
                 at = xml.find(needle, at + replacement.size()))
                xml.replace(at, needle.size(), replacement);
        }
    }
}

} // namespace sigma::detail
