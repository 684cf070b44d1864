#include "events/evtx/mappedfile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sigma::evtx {

namespace {
/// The buffer of the thread's last small file, kept for its next one (no allocation per file),
/// and how much of it from the start may not be zero.
thread_local std::vector<std::uint8_t> spareBuffer;
thread_local std::size_t spareWritten = 0;

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
    if (m_buffer.capacity() > spareBuffer.capacity() && m_buffer.capacity() <= kKeepBuffer) {
        const std::size_t written = m_usedPartOnly ? m_written : m_buffer.size();
        spareBuffer.swap(m_buffer);
        spareWritten = written;
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
    m_buffer.swap(spareBuffer);
    m_written = std::min(spareWritten, m_buffer.size());
    spareWritten = 0;
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
    if (m_buffer.size() < m_size)
        m_buffer.resize(m_size); // the bytes added are zeros
    const std::size_t before = std::min(m_written, m_size);
    std::uint8_t* data = m_buffer.data();
    std::size_t readTo = 0; // bytes [0, readTo) are the file's; past it only the regions below
    std::size_t written = 0;
    auto read = [&](std::size_t begin, std::size_t end) {
        if (begin > readTo && readTo < before) // a region left unread: cleared
            std::memset(data + readTo, 0, std::min(begin, before) - readTo);
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
    if (readTo < before && readTo < m_size)
        std::memset(data + readTo, 0, before - readTo);
    m_buffer.resize(m_size);
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
    if (m_whole)
        return Bytes(m_buffer.data(), m_buffer.size()).subspan(begin, end - begin);
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
