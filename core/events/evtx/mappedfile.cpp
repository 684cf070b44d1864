#include "events/evtx/mappedfile.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace sigma::evtx {

namespace {
/// The buffer of the thread's last file, kept for its next one (no allocation per file), and
/// where it may not be zero (MappedFile::m_written, m_staleFrom, m_staleTo).
struct Spare {
    std::vector<std::uint8_t> buffer;
    std::size_t written = 0;
    std::size_t staleFrom = 0, staleTo = 0;
};
/// One for files of one chunk, one for larger ones: the bytes a larger file leaves in a buffer
/// are zeroed again for every small file after it (most of the samples people share are small
/// and one chunk each: zeroing 53 KiB was a third of reading one after a larger file).
thread_local std::array<Spare, 2> spares;

std::size_t spareClass(std::size_t fileSize)
{
    return fileSize > fileHeaderSize + chunkSize ? 1 : 0;
}

/// Reads bytes [begin, end) of `fd` into `out` (at the same offsets); false when not all could be.
bool readAt(int fd, std::uint8_t* out, std::size_t begin, std::size_t end)
{
    while (begin < end) {
        const ssize_t n = ::pread(fd, out + begin, end - begin, static_cast<off_t>(begin));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        begin += static_cast<std::size_t>(n);
    }
    return true;
}

/// Reads `size` bytes of `fd` into `out`; empty string on success, else why not.
std::string readAll(int fd, std::size_t size, std::vector<std::uint8_t>& out)
{
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, out.data() + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::string("cannot read the file: ") + std::strerror(errno);
        if (n == 0)
            break; // shrank while being read: decode what is there
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return {};
}
} // namespace

MappedFile::~MappedFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    Spare& spare = spares[spareClass(m_size)];
    if (m_buffer.capacity() > spare.buffer.capacity() && m_buffer.capacity() <= kKeepBuffer) {
        spare.written = m_usedPartOnly ? m_written : m_buffer.size();
        spare.staleFrom = m_usedPartOnly ? m_staleFrom : 0;
        spare.staleTo = m_usedPartOnly ? m_staleTo : 0;
        spare.buffer.swap(m_buffer);
    }
}

std::string MappedFile::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::string("cannot open the file: ") + std::strerror(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const std::string error = std::string("cannot read the file: ") + std::strerror(errno);
        ::close(fd);
        return error;
    }
    m_size = static_cast<std::size_t>(st.st_size);
    Spare& spare = spares[spareClass(m_size)];
    m_buffer.swap(spare.buffer);
    m_written = std::min(spare.written, m_buffer.size());
    m_staleFrom = std::min(spare.staleFrom, m_buffer.size());
    m_staleTo = std::min(spare.staleTo, m_buffer.size());
    spare.written = spare.staleFrom = spare.staleTo = 0;
    if (m_size > kReadWhole) {
        m_fd = fd;
#ifdef POSIX_FADV_SEQUENTIAL
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
        return {};
    }
    if (readUsedPart(fd)) {
        ::close(fd);
        m_whole = true;
        m_usedPartOnly = true;
        return {};
    }
    const std::string error = readAll(fd, m_size, m_buffer);
    ::close(fd);
    m_size = m_buffer.size();
    m_whole = true;
    return error;
}

bool MappedFile::readUsedPart(int fd)
{
    // Each 64 KiB block: its chunk header, then the chunk up to its free-space offset (usedPart);
    // a block without a chunk past the chunks the header declares not at all (ChunkJob does not
    // inspect it). What is not read must read as zeros: only what an earlier file wrote there is
    // cleared.
    if (m_size < fileHeaderSize + chunkHeaderSize)
        return false;
    // The bytes added are zeros. Never made smaller: zeroing a larger file's size again for each
    // such file after a small one was 8 % of reading the shared logs (the bytes of an earlier file
    // past a smaller one's end stay: m_staleFrom, m_staleTo).
    if (m_buffer.size() < m_size)
        m_buffer.resize(m_size);
    std::uint8_t* data = m_buffer.data();
    // Bytes [from, to) left unread: zeroed where an earlier file wrote.
    const auto clear = [&](std::size_t from, std::size_t to) {
        for (const auto& [a, b] : {std::pair{std::size_t(0), m_written}, std::pair{m_staleFrom, m_staleTo}})
            if (const std::size_t x = std::max(from, a), y = std::min(to, b); x < y)
                std::memset(data + x, 0, y - x);
    };
    std::size_t readTo = 0; // bytes [0, readTo) are the file's; past it only the regions below
    std::size_t written = 0;
    auto read = [&](std::size_t begin, std::size_t end) {
        if (begin > readTo) // a region left unread
            clear(readTo, begin);
        if (!readAt(fd, data, begin, end))
            return false;
        readTo = end;
        written = std::max(written, end);
        return true;
    };
    // The first read takes the start of the first chunk's records too: in a log of a few records
    // (most of the samples people share) that is its whole used part, and one read instead of two
    // (a system call costs about as much as copying 8 KiB here).
    if (!read(0, std::min(m_size, kFirstRead)))
        return false;
    const auto file = readFileHeader(Bytes(data, fileHeaderSize));
    if (!file || !file->checksumOk || file->dirty())
        return false;
    const std::size_t blocks = (m_size - fileHeaderSize + chunkSize - 1) / chunkSize;
    for (std::size_t n = 0; n < blocks; ++n) {
        const std::size_t base = fileHeaderSize + n * chunkSize;
        const std::size_t end = std::min(base + chunkSize, m_size);
        const bool full = end - base == chunkSize;
        // The next block's header comes with a read that ends where it starts.
        const std::size_t next = end + chunkHeaderSize <= m_size ? end + chunkHeaderSize : end;
        if (!full || readTo < base + chunkHeaderSize) {
            if (!full) { // the file ends inside this block: all of it
                if (!read(std::max(readTo, base), m_size))
                    return false;
                break;
            }
            if (!read(base, base + chunkHeaderSize))
                return false;
        }
        const auto chunk = readChunkHeader(Bytes(data + base, chunkHeaderSize));
        if (!chunk && n >= file->chunkCount)
            continue; // unused space
        const std::size_t used = chunk ? usedPart(Bytes(data + base, chunkSize), *chunk, false).size() : chunkSize;
        const std::size_t to = used == chunkSize ? next : base + used;
        if (readTo < to && !read(std::max(readTo, base + chunkHeaderSize), to))
            return false;
    }
    if (readTo < m_size)
        clear(readTo, m_size);
    // What may not be zero now: this file's bytes up to `written`, and earlier files' past its end.
    if (const std::size_t staleTo = std::max(m_written, m_staleTo); staleTo > m_size) {
        m_staleFrom = m_size;
        m_staleTo = staleTo;
    } else {
        m_staleFrom = m_staleTo = 0;
    }
    m_written = written;
    return true;
}

FileSource MappedFile::source()
{
    return FileSource{m_size, [this](std::size_t begin, std::size_t end) { return readRange(begin, end); }};
}

Bytes MappedFile::readRange(std::size_t begin, std::size_t end)
{
    begin = std::min(begin, m_size);
    end = std::max(begin, std::min(end, m_size));
    if (m_whole) // the buffer may be larger than the file (readUsedPart)
        return Bytes(m_buffer.data(), m_size).subspan(begin, end - begin);
    if (m_fd < 0)
        return {};
    m_buffer.resize(end - begin); // the same buffer batch after batch: its pages fault in once
    std::size_t done = 0;
    while (done < m_buffer.size()) {
        const ssize_t n =
            ::pread(m_fd, m_buffer.data() + done, m_buffer.size() - done, static_cast<off_t>(begin + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // a read error or the file shrank: what was read is decoded, the rest is missing
        done += static_cast<std::size_t>(n);
    }
    return {m_buffer.data(), done};
}

} // namespace sigma::evtx
