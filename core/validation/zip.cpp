#include "validation/zip.h"

#include "util/fileio.h"

#include <zip.h>

#include <memory>

namespace sigma {

namespace {

struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

std::string zipError(zip_error_t* e)
{
    std::string text = zip_error_strerror(e);
    zip_error_fini(e);
    return text;
}

} // namespace

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
    Entry e;
    e.name = std::move(name);
    e.data = std::move(data);
    m_entries.push_back(std::move(e));
    return true;
}

bool ZipWriter::build(std::string& out, std::string& error) const
{
    // The archive is made in memory by libzip (deflated entries, UTF-8 names, ZIP64 when needed),
    // then written atomically by the caller.
    zip_error_t err;
    zip_error_init(&err);
    SourcePtr buffer(zip_source_buffer_create(nullptr, 0, 0, &err));
    if (!buffer) {
        error = "cannot create the archive: " + zipError(&err);
        return false;
    }
    zip_source_keep(buffer.get()); // zip_close must leave the buffer to us
    zip_t* archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &err);
    if (!archive) {
        error = "cannot create the archive: " + zipError(&err);
        return false;
    }
    auto fail = [&](const std::string& what) {
        error = what + ": " + zip_strerror(archive);
        zip_discard(archive);
        return false;
    };
    for (const auto& e : m_entries) {
        zip_source_t* data = zip_source_buffer(archive, e.data.data(), e.data.size(), 0);
        if (!data)
            return fail("cannot add '" + e.name + "'");
        const zip_int64_t index = zip_file_add(archive, e.name.c_str(), data, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(data);
            return fail("cannot add '" + e.name + "'");
        }
        const auto i = static_cast<zip_uint64_t>(index);
        if (zip_set_file_compression(archive, i, ZIP_CM_DEFLATE, 9) != 0 ||
            zip_file_set_dostime(archive, i, m_dosTime, m_dosDate, 0) != 0 ||
            zip_file_set_external_attributes(archive, i, 0, ZIP_OPSYS_UNIX, 0100644u << 16) != 0)
            return fail("cannot add '" + e.name + "'");
    }
    if (zip_close(archive) != 0)
        return fail("cannot write the archive");

    zip_stat_t st;
    if (zip_source_stat(buffer.get(), &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        zip_source_open(buffer.get()) != 0) {
        error = "cannot read the archive back from memory";
        return false;
    }
    out.assign(static_cast<std::size_t>(st.size), '\0');
    const zip_int64_t n = zip_source_read(buffer.get(), out.data(), out.size());
    zip_source_close(buffer.get());
    if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
        error = "cannot read the archive back from memory";
        return false;
    }
    return true;
}

std::string ZipWriter::bytes() const
{
    std::string out;
    std::string error;
    return build(out, error) ? out : std::string();
}

bool ZipWriter::write(const std::string& path)
{
    std::string data;
    return build(data, m_error) && writeFileAtomically(path, data, m_error);
}

} // namespace sigma
