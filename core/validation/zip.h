#pragma once

// A small ZIP writer (stored entries, no compression) with CRC-32, enough to hand a validated rule
// with its tests to CI or a colleague without a new dependency. Entries, names in UTF-8 (flag bit 11),
// sizes below 4 GiB each and fewer than 65535 entries (no ZIP64).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// CRC-32 (IEEE 802.3, as used by ZIP and gzip); pass the previous value to continue.
std::uint32_t crc32(std::string_view data, std::uint32_t previous = 0);

class ZipWriter {
public:
    /// Adds a file; `name` uses '/' separators and must be relative (no leading '/', no "..").
    /// Returns false (and sets error()) for an invalid name, a duplicate, or a size over the limits.
    bool add(std::string name, std::string data);
    /// The whole archive.
    std::string bytes() const;
    /// Writes the archive atomically to `path`.
    bool write(const std::string& path);

    const std::string& error() const { return m_error; }
    std::size_t size() const { return m_entries.size(); }

    /// DOS date/time stored for every entry (default: 1980-01-01 00:00, for reproducible archives).
    void setTimestamp(int year, int month, int day, int hour, int minute, int second);

private:
    struct Entry {
        std::string name;
        std::string data;
        std::uint32_t crc = 0;
    };
    std::vector<Entry> m_entries;
    std::string m_error;
    std::uint16_t m_dosDate = (0 << 9) | (1 << 5) | 1;
    std::uint16_t m_dosTime = 0;
};

} // namespace sigma
