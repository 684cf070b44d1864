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
} // namespace

MappedFile::~MappedFile()
{
    if (m_data && m_data != MAP_FAILED)
        ::munmap(m_data, m_size);
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
    } else if (st.st_size > 0) {
        m_size = static_cast<std::size_t>(st.st_size);
        // Read in full, in order: populating the mapping at once costs far less than a page
        // fault per 4 KiB. A large file is paged in batch by batch instead (window()), and
        // dropped behind the decoder, so that it is never resident whole.
        m_large = m_size > kPopulateWhole;
        m_data = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE | (m_large ? 0 : MAP_POPULATE), fd, 0);
        if (m_data == MAP_FAILED)
            error = std::string("cannot map the file: ") + std::strerror(errno);
    }
    ::close(fd);
    return error;
}

Bytes MappedFile::bytes() const
{
    if (!m_data || m_data == MAP_FAILED)
        return {};
    return {static_cast<const std::uint8_t*>(m_data), m_size};
}

FileWindow MappedFile::window()
{
    FileWindow w;
    if (!m_large || !m_data || m_data == MAP_FAILED)
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
