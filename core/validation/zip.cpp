#include "validation/zip.h"

#include "util/fileio.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace sigma {

namespace {

constexpr std::array<std::uint32_t, 256> makeCrcTable()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto kCrcTable = makeCrcTable();

void put16(std::string& out, std::uint32_t v)
{
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t v)
{
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}

constexpr std::uint16_t kVersion = 20;       // 2.0: stored entries, folders
constexpr std::uint16_t kFlagUtf8 = 1 << 11; // names are UTF-8

} // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t previous)
{
    std::uint32_t c = previous ^ 0xFFFFFFFFu;
    for (unsigned char b : data)
        c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void ZipWriter::setTimestamp(int year, int month, int day, int hour, int minute, int second)
{
    if (year < 1980)
        year = 1980;
    m_dosDate = static_cast<std::uint16_t>(((year - 1980) << 9) | (month << 5) | day);
    m_dosTime = static_cast<std::uint16_t>((hour << 11) | (minute << 5) | (second / 2));
}

bool ZipWriter::add(std::string name, std::string data)
{
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
        name.find('\0') != std::string::npos) {
        m_error = "invalid entry name '" + name + "'";
        return false;
    }
    for (std::size_t pos = 0; pos <= name.size();) {
        std::size_t slash = name.find('/', pos);
        if (slash == std::string::npos)
            slash = name.size();
        const std::string_view part(name.data() + pos, slash - pos);
        if (part == ".." || part == "." || (part.empty() && slash != name.size())) {
            m_error = "invalid entry name '" + name + "'";
            return false;
        }
        pos = slash + 1;
    }
    for (const auto& e : m_entries)
        if (e.name == name) {
            m_error = "duplicate entry '" + name + "'";
            return false;
        }
    if (data.size() >= std::numeric_limits<std::uint32_t>::max() || name.size() > 0xFFFF ||
        m_entries.size() >= 0xFFFF) {
        m_error = "'" + name + "' is too large for a ZIP without ZIP64";
        return false;
    }
    Entry e;
    e.crc = crc32(data);
    e.name = std::move(name);
    e.data = std::move(data);
    m_entries.push_back(std::move(e));
    return true;
}

std::string ZipWriter::bytes() const
{
    std::string out;
    std::vector<std::uint32_t> offsets;
    for (const auto& e : m_entries) {
        offsets.push_back(static_cast<std::uint32_t>(out.size()));
        put32(out, 0x04034b50); // local file header
        put16(out, kVersion);
        put16(out, kFlagUtf8);
        put16(out, 0); // stored
        put16(out, m_dosTime);
        put16(out, m_dosDate);
        put32(out, e.crc);
        put32(out, static_cast<std::uint32_t>(e.data.size())); // compressed size
        put32(out, static_cast<std::uint32_t>(e.data.size())); // uncompressed size
        put16(out, static_cast<std::uint32_t>(e.name.size()));
        put16(out, 0); // extra field length
        out += e.name;
        out += e.data;
    }
    const auto centralStart = static_cast<std::uint32_t>(out.size());
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const auto& e = m_entries[i];
        put32(out, 0x02014b50);          // central directory header
        put16(out, (3 << 8) | kVersion); // made by: Unix, 2.0
        put16(out, kVersion);
        put16(out, kFlagUtf8);
        put16(out, 0);
        put16(out, m_dosTime);
        put16(out, m_dosDate);
        put32(out, e.crc);
        put32(out, static_cast<std::uint32_t>(e.data.size()));
        put32(out, static_cast<std::uint32_t>(e.data.size()));
        put16(out, static_cast<std::uint32_t>(e.name.size()));
        put16(out, 0);              // extra
        put16(out, 0);              // comment
        put16(out, 0);              // disk number start
        put16(out, 0);              // internal attributes
        put32(out, 0100644u << 16); // external attributes: regular file rw-r--r--
        put32(out, offsets[i]);
        out += e.name;
    }
    const auto centralSize = static_cast<std::uint32_t>(out.size() - centralStart);
    put32(out, 0x06054b50); // end of central directory
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(m_entries.size()));
    put16(out, static_cast<std::uint32_t>(m_entries.size()));
    put32(out, centralSize);
    put32(out, centralStart);
    put16(out, 0); // comment length
    return out;
}

bool ZipWriter::write(const std::string& path)
{
    const std::string data = bytes();
    return writeFileAtomically(path, data, m_error);
}

} // namespace sigma
