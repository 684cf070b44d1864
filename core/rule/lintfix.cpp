// Applying quick fixes (see lintfix.h). The fixes themselves are built by the checks
// (lintfixes.cpp).
#include "rule/lintfix.h"

#include "rule/parser.h"

#include <algorithm>
#include <random>

namespace sigma {

TextPositions::TextPositions(std::string_view text)
    : m_text(text)
{
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' && i + 1 < text.size())
            m_starts.push_back(i + 1);
}

std::optional<std::size_t> TextPositions::offset(SourcePos p) const
{
    if (p.line < 1 || p.column < 1)
        return std::nullopt;
    if (static_cast<std::size_t>(p.line) > m_starts.size()) {
        // the position just after a final line break
        if (static_cast<std::size_t>(p.line) == m_starts.size() + 1 && p.column == 1 && !m_text.empty() &&
            m_text.back() == '\n')
            return m_text.size();
        return std::nullopt;
    }
    const std::size_t start = m_starts[static_cast<std::size_t>(p.line) - 1];
    std::size_t end = m_text.find('\n', start);
    end = end == std::string_view::npos ? m_text.size() : end;
    const std::size_t at = start + static_cast<std::size_t>(p.column) - 1;
    if (at > end)
        return std::nullopt;
    return at;
}

std::string_view TextPositions::slice(SourceSpan span) const
{
    const auto b = offset(span.begin);
    const auto e = offset(span.end);
    if (!b || !e || *e < *b)
        return {};
    return m_text.substr(*b, *e - *b);
}

std::string_view TextPositions::line(int line) const
{
    if (line < 1 || static_cast<std::size_t>(line) > m_starts.size())
        return {};
    const std::size_t start = m_starts[static_cast<std::size_t>(line) - 1];
    std::size_t end = m_text.find('\n', start);
    end = end == std::string_view::npos ? m_text.size() : end;
    if (end > start && m_text[end - 1] == '\r')
        --end;
    return m_text.substr(start, end - start);
}

std::string_view TextPositions::lineBreak() const
{
    const auto nl = m_text.find('\n');
    return nl != std::string_view::npos && nl > 0 && m_text[nl - 1] == '\r' ? "\r\n" : "\n";
}

namespace {

struct ByteEdit {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string replacement;
    friend bool operator==(const ByteEdit&, const ByteEdit&) = default;
};

bool conflict(const ByteEdit& a, const ByteEdit& b)
{
    if (a == b)
        return false;
    if (a.begin == a.end && b.begin == b.end)
        return a.begin == b.begin;             // two insertions at one place: their order is unknown
    return a.begin < b.end && b.begin < a.end; // an insertion where a replacement starts goes before it
}

std::optional<std::vector<ByteEdit>> toBytes(const TextPositions& pos, const std::vector<TextEdit>& edits)
{
    std::vector<ByteEdit> out;
    for (const auto& e : edits) {
        const auto b = pos.offset(e.range.begin);
        const auto en = pos.offset(e.range.end);
        if (!b || !en || *en < *b)
            return std::nullopt;
        out.push_back({*b, *en, e.replacement});
    }
    return out;
}

std::string applyBytes(std::string_view text, std::vector<ByteEdit> edits)
{
    std::sort(edits.begin(), edits.end(), [](const ByteEdit& a, const ByteEdit& b) {
        return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
    });
    edits.erase(std::unique(edits.begin(), edits.end()), edits.end());
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t at = 0;
    for (const auto& e : edits) {
        out.append(text.substr(at, e.begin - at));
        out += e.replacement;
        at = e.end;
    }
    out.append(text.substr(at));
    return out;
}

} // namespace

std::optional<std::string> applyTextEdits(std::string_view text, std::vector<TextEdit> edits)
{
    const TextPositions pos(text);
    auto bytes = toBytes(pos, edits);
    if (!bytes)
        return std::nullopt;
    for (std::size_t i = 0; i < bytes->size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (conflict((*bytes)[i], (*bytes)[j]))
                return std::nullopt;
    return applyBytes(text, std::move(*bytes));
}

FixReport fixText(const std::string& text, const std::string& file, const LintOptions& options,
                  const std::vector<std::string>& codes, int maxRounds)
{
    FixReport report;
    const bool bom = text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0;
    std::string current = bom ? text.substr(3) : text;
    for (int round = 0; round < maxRounds; ++round) {
        const ParsedFile parsed = parseRuleText(current, file);
        const Diagnostics diagnostics = lintFile(parsed, options);
        const TextPositions pos(parsed.text);
        std::vector<ByteEdit> taken;
        std::vector<std::string> applied;
        for (const auto& d : diagnostics) {
            if (!d.fix || d.fix->edits.empty())
                continue;
            if (!codes.empty() && std::find(codes.begin(), codes.end(), d.code) == codes.end())
                continue;
            const auto edits = toBytes(pos, d.fix->edits);
            if (!edits)
                continue;
            bool clash = false, allTaken = true;
            for (const auto& e : *edits) {
                const bool already = std::find(taken.begin(), taken.end(), e) != taken.end();
                allTaken = allTaken && already;
                for (const auto& t : taken)
                    clash = clash || conflict(e, t);
            }
            if (clash || allTaken)
                continue; // overlaps a fix taken before (next pass), or is the same fix again
            taken.insert(taken.end(), edits->begin(), edits->end());
            applied.push_back(d.code);
        }
        if (applied.empty())
            break;
        current = applyBytes(parsed.text, std::move(taken));
        report.codes.insert(report.codes.end(), applied.begin(), applied.end());
        ++report.rounds;
    }
    report.text = bom ? "\xEF\xBB\xBF" + current : current;
    return report;
}

std::string randomUuid()
{
    thread_local std::mt19937_64 gen{[] {
        std::random_device rd;
        return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }()};
    std::uniform_int_distribution<int> nibble(0, 15);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out += '-';
        int v = nibble(gen);
        if (i == 12)
            v = 4; // version 4
        else if (i == 16)
            v = 8 | (v & 3); // variant 10xx
        out += hex[v];
    }
    return out;
}

} // namespace sigma
