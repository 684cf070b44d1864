#include "events/normalize.h"

#include "util/asciitext.h"

#include <algorithm>
#include <cstring>

namespace sigma::detail {

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t count)
{
    if (pos + count > s.size())
        return false;
    for (std::size_t i = pos; i < pos + count; ++i)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}
} // namespace

bool normalizedTime(std::string_view text, std::array<char, 27>& out)
{
    // YYYY-MM-DD?HH:MM:SS
    if (text.size() < 19 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
        !digits(text, 8, 2) || (text[10] != 'T' && text[10] != ' ') || !digits(text, 11, 2) || text[13] != ':' ||
        !digits(text, 14, 2) || text[16] != ':' || !digits(text, 17, 2))
        return false;
    std::memcpy(out.data(), text.data(), 19);
    out[10] = 'T';
    out[19] = '.';
    std::size_t pos = 19;
    std::size_t frac = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && isAsciiDigit(text[pos])) {
            if (frac < 6)
                out[20 + frac++] = text[pos];
            ++pos;
        }
    }
    const std::string_view rest = text.substr(pos);
    if (!(rest.empty() || rest == "Z" || rest == "z" || rest == "+00:00" || rest == "+0000" || rest == "-00:00"))
        return false;
    for (; frac < 6; ++frac)
        out[20 + frac] = '0';
    out[26] = 'Z';
    return true;
}

std::string normalizeTime(std::string_view text)
{
    std::array<char, 27> out;
    return normalizedTime(text, out) ? std::string(out.data(), out.size()) : std::string(text);
}

void FieldSink::system(std::string_view name, std::string_view value)
{
    if (value.empty())
        return;
    m_event.add(name, std::string(value));
}

void FieldSink::systemAttribute(std::string_view element, std::string_view attribute, std::string_view value)
{
    if (value.empty() || isNamespaceAttribute(attribute))
        return;
    const std::string_view name = joined(element, attribute);
    if (element == "TimeCreated" && attribute == "SystemTime")
        m_event.add(name, normalizeTime(value));
    else
        m_event.add(name, std::string(value));
}

std::string_view FieldSink::joined(std::string_view a, std::string_view b)
{
    m_scratch.assign(a);
    m_scratch += '_';
    m_scratch.append(b);
    return m_scratch;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text)
{
    if (text.empty() || text.size() > 19)
        return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

int lineOfOffset(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

int LineCounter::lineAt(std::size_t offset)
{
    offset = std::min(offset, m_text.size());
    if (offset < m_offset) {
        m_offset = 0;
        m_line = 1;
    }
    m_line += static_cast<int>(std::count(m_text.begin() + static_cast<std::ptrdiff_t>(m_offset),
                                          m_text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    m_offset = offset;
    return m_line;
}

} // namespace sigma::detail
