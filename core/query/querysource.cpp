#include "query/querysource.h"

#include "rule/yamltree.h"

#include <algorithm>

namespace sigma {

QuerySource::QuerySource(std::string text, std::string file)
    : m_text(std::move(text))
    , m_file(std::move(file))
    , m_lines(std::make_shared<const yamltree::LineIndex>(m_text))
{}

QuerySource::QuerySource(std::string text, std::string file, std::string_view fileText,
                         std::vector<std::size_t> fileOffsets)
    : m_text(std::move(text))
    , m_file(std::move(file))
    , m_lines(std::make_shared<const yamltree::LineIndex>(fileText))
    , m_offsets(std::move(fileOffsets))
{
    if (m_offsets.size() != m_text.size() + 1) {
        m_offsets.clear(); // inconsistent map: positions count in the query itself
        return;
    }
    m_ends.resize(m_text.size());
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        std::size_t e = std::max(m_offsets[i + 1], m_offsets[i] + 1);
        while (
            e > m_offsets[i] + 1 && e <= fileText.size() &&
            (fileText[e - 1] == ' ' || fileText[e - 1] == '\t' || fileText[e - 1] == '\n' || fileText[e - 1] == '\r'))
            --e;
        m_ends[i] = e;
    }
}

QuerySource QuerySource::embedded(std::string text, const std::vector<std::size_t>& offsets) const
{
    QuerySource out;
    out.m_file = m_file;
    out.m_lines = m_lines;
    out.m_offsets.reserve(text.size() + 1);
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const std::size_t q = i < offsets.size() ? offsets[i] : (offsets.empty() ? 0 : offsets.back());
        out.m_offsets.push_back(fileOffset(q));
        if (i < text.size())
            out.m_ends.push_back(m_ends.empty() ? fileOffset(q) + 1 : m_ends[std::min(q, m_ends.size() - 1)]);
    }
    out.m_text = std::move(text);
    return out;
}

std::size_t QuerySource::fileOffset(std::size_t offset) const
{
    offset = std::min(offset, m_text.size());
    return m_offsets.empty() ? offset : m_offsets[offset];
}

SourcePos QuerySource::pos(std::size_t offset) const
{
    return m_lines ? m_lines->pos(fileOffset(offset)) : SourcePos{};
}

SourceSpan QuerySource::span(std::size_t begin, std::size_t end) const
{
    begin = std::min(begin, m_text.size());
    end = std::clamp(end, begin, m_text.size());
    SourceSpan s{pos(begin), pos(end)};
    if (end > begin && !m_ends.empty())
        s.end = m_lines->pos(m_ends[end - 1]);
    return s;
}

Diagnostic querySyntaxDiagnostic(const QuerySource& source, const QuerySyntaxError& error)
{
    const std::size_t end = std::max(error.end, error.begin + 1);
    return makeDiagnostic(Severity::Error, "query-syntax", error.message, source.file(),
                          source.span(error.begin, std::min(end, source.text().size())));
}

} // namespace sigma
