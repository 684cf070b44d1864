#pragma once

// The ZIP archive that hands a validated rule with its tests to CI or a colleague: entry names are
// checked here (relative, '/'-separated, no "..", no duplicates), the archive is written by libzip
// (deflated, UTF-8 names, ZIP64 when needed) and saved atomically.

#include <cstdint>
#include <string>
#include <vector>

namespace sigma {

class ZipWriter {
public:
    /// Adds a file; `name` uses '/' separators and must be relative (no leading '/', no "..").
    /// Returns false (and sets error()) for an invalid name or a duplicate.
    bool add(std::string name, std::string data);
    /// The whole archive (empty if libzip fails).
    std::string bytes() const;
    /// Writes the archive atomically to `path`.
    bool write(const std::string& path);

    const std::string& error() const { return m_error; }
    std::size_t size() const { return m_entries.size(); }

    /// DOS date/time stored for every entry (default: 1980-01-01 00:00, for reproducible archives).
    void setTimestamp(int year, int month, int day, int hour, int minute, int second);

private:
    bool build(std::string& out, std::string& error) const;

    struct Entry {
        std::string name;
        std::string data;
    };
    std::vector<Entry> m_entries;
    std::string m_error;
    std::uint16_t m_dosDate = (0 << 9) | (1 << 5) | 1;
    std::uint16_t m_dosTime = 0;
};

} // namespace sigma
