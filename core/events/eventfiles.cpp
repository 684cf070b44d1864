#include "events/eventfiles.h"

#include "events/evtx/evtxformat.h"
#include "util/asciitext.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <utility>

namespace sigma {

namespace {

constexpr std::array<std::string_view, 5> kExtensions{".evtx", ".xml", ".json", ".jsonl", ".ndjson"};

namespace fs = std::filesystem;

/// A file or folder as the file system knows it, whatever link led to it.
using Identity = std::pair<dev_t, ino_t>;

/// One search of a folder given on the command line.
class FolderSearch {
public:
    explicit FolderSearch(Diagnostics& diagnostics)
        : m_diagnostics(diagnostics)
    {}

    std::vector<std::string> run(const fs::path& root, const struct stat& rootStatus)
    {
        m_seen.insert(identity(rootStatus));
        enter(root, identity(rootStatus));
        std::sort(m_found.begin(), m_found.end());
        return std::move(m_found);
    }

private:
    static Identity identity(const struct stat& st) { return {st.st_dev, st.st_ino}; }

    void enter(const fs::path& dir, Identity id)
    {
        m_active.emplace_back(id, dir);
        // Entries in name order, so that of two links to one file or folder the first by name is
        // the one listed, whatever order the file system keeps.
        std::vector<fs::path> entries;
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec))
            entries.push_back(it->path());
        if (ec)
            m_diagnostics.push_back(
                makeDiagnostic(Severity::Error, "io-error", "cannot list the folder: " + ec.message(), dir.string()));
        std::sort(entries.begin(), entries.end());
        for (const auto& entry : entries)
            visit(entry);
        m_active.pop_back();
    }

    void visit(const fs::path& path)
    {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            const int error = errno;
            struct stat link {};
            // A link that leads nowhere (or around in circles): worth a word when it looks like an
            // event file or may have been a folder; other unreadable entries are not ours.
            if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode))
                m_diagnostics.push_back(makeDiagnostic(
                    Severity::Warning, "broken-link",
                    std::string("cannot follow the symbolic link, skipped: ") + std::strerror(error), path.string()));
            return;
        }
        const Identity id = identity(st);
        if (S_ISDIR(st.st_mode)) {
            for (const auto& [ancestor, ancestorPath] : m_active)
                if (ancestor == id) {
                    m_diagnostics.push_back(makeDiagnostic(Severity::Warning, "symlink-loop",
                                                           "symbolic link loop: leads back to " +
                                                               ancestorPath.string() + ", not followed again",
                                                           path.string()));
                    return;
                }
            if (m_seen.insert(id).second)
                enter(path, id);
            return;
        }
        if (S_ISREG(st.st_mode) && isEventFileName(path.filename().string()) && m_seen.insert(id).second)
            m_found.push_back(path.string());
    }

    Diagnostics& m_diagnostics;
    std::vector<std::pair<Identity, fs::path>> m_active; ///< folders being searched, outermost first
    std::set<Identity> m_seen;                           ///< folders and files met in this search
    std::vector<std::string> m_found;
};

} // namespace

std::span<const std::string_view> eventFileExtensions()
{
    return kExtensions;
}

bool isEventFileName(std::string_view name)
{
    return std::any_of(kExtensions.begin(), kExtensions.end(), [&](std::string_view ext) {
        return name.size() > ext.size() && asciiEqualsIgnoringCase(name.substr(name.size() - ext.size()), ext);
    });
}

std::string eventFilePatterns()
{
    std::string out;
    for (const auto ext : kExtensions) {
        if (!out.empty())
            out += ' ';
        out += '*';
        out += ext;
    }
    return out;
}

std::vector<std::string> collectEventFiles(const std::vector<std::string>& paths, Diagnostics& diagnostics)
{
    std::vector<std::string> files;
    for (const auto& path : paths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            const int error = errno;
            diagnostics.push_back(makeDiagnostic(Severity::Error, "io-error",
                                                 error == ENOENT ? std::string("no such file or folder")
                                                                 : std::string("cannot open: ") + std::strerror(error),
                                                 path));
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            files.push_back(path);
            continue;
        }
        try {
            auto found = FolderSearch(diagnostics).run(path, st);
            files.insert(files.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
        } catch (const std::exception& e) { // std::bad_alloc, fs::path conversions: never across the API
            diagnostics.push_back(
                makeDiagnostic(Severity::Error, "io-error", std::string("cannot list the folder: ") + e.what(), path));
        }
    }
    return files;
}

std::uint64_t announcedEventCount(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::uint8_t header[8] = {};
    if (!in.read(reinterpret_cast<char*>(header), sizeof header) || std::memcmp(header, "ElfFile\0", 8) != 0)
        return 0;
    std::uint64_t count = 0;
    std::uint8_t chunk[48];
    for (std::uint64_t at = evtx::fileHeaderSize;; at += evtx::chunkSize) {
        in.seekg(std::streamoff(at));
        if (!in.read(reinterpret_cast<char*>(chunk), sizeof chunk))
            break;
        if (const auto h = evtx::readChunkHeader(evtx::Bytes(chunk, sizeof chunk)))
            count += h->recordCount();
    }
    return count;
}

} // namespace sigma
