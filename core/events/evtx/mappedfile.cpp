#include "events/evtx/mappedfile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sigma::evtx {

namespace {
std::size_t pageSize()
{
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}
/// The buffer of the thread's last small file, kept for its next one (no allocation per file).
thread_local std::vector<std::uint8_t> spareBuffer;

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
    if (m_data && m_data != MAP_FAILED)
        ::munmap(m_data, m_size);
    if (m_buffer.capacity() > spareBuffer.capacity() && m_buffer.capacity() <= kKeepBuffer)
        spareBuffer.swap(m_buffer);
}

std::string MappedFile::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::string("cannot open the file: ") + std::strerror(errno);
    struct stat st {};
    std::string error;
    if (::fstat(fd, &st) != 0) {
        error = std::string("cannot read the file: ") + std::strerror(errno);
    } else if (static_cast<std::size_t>(st.st_size) <= kReadWhole) {
        m_buffer.swap(spareBuffer);
        error = readAll(fd, static_cast<std::size_t>(st.st_size), m_buffer);
        m_size = m_buffer.size();
    } else {
        // Paged in batch by batch instead (window()), and dropped behind the decoder, so that it
        // is never resident whole.
        m_size = static_cast<std::size_t>(st.st_size);
        m_data = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m_data == MAP_FAILED)
            error = std::string("cannot map the file: ") + std::strerror(errno);
    }
    ::close(fd);
    return error;
}

Bytes MappedFile::bytes() const
{
    if (!m_data)
        return {m_buffer.data(), m_buffer.size()};
    if (m_data == MAP_FAILED)
        return {};
    return {static_cast<const std::uint8_t*>(m_data), m_size};
}

FileWindow MappedFile::window()
{
    FileWindow w;
    if (!m_data || m_data == MAP_FAILED)
        return w;
    w.willRead = [this](std::size_t begin, std::size_t end) { advise(begin, end, true); };
    w.done = [this](std::size_t begin, std::size_t end) { advise(begin, end, false); };
    return w;
}

void MappedFile::advise(std::size_t begin, std::size_t end, bool populate)
{
    const std::size_t page = pageSize();
    begin &= ~(page - 1);
    end = populate ? std::min(m_size, (end + page - 1) & ~(page - 1)) : end & ~(page - 1);
    if (end <= begin)
        return;
    char* at = static_cast<char*>(m_data) + begin;
    if (!populate) {
        ::madvise(at, end - begin, MADV_DONTNEED);
        return;
    }
#ifdef MADV_POPULATE_READ
    if (::madvise(at, end - begin, MADV_POPULATE_READ) == 0)
        return;
#endif
    ::madvise(at, end - begin, MADV_WILLNEED); // older kernels: read ahead at least
}

} // namespace sigma::evtx
