#include "rule/yamlbuilder.h"

#include <algorithm>
#include <optional>

namespace sigma::yamltree::detail {

namespace {

/// Thrown by the fast reader when the input leaves the subset it reads; parse() then uses yaml-cpp.
struct GiveUp {};

/// A reader for the block-style YAML subset Sigma rules are written in. It emits the same events,
/// with the same marks, as yaml-cpp's parser would, into the same Builder; anything outside the
/// subset (see yamltree.h) makes it give up.
class FastReader {
public:
    FastReader(std::string_view text, const LineIndex& lines, Builder& builder)
        : m_text(text)
        , m_index(lines)
        , m_b(builder)
    {}

    void run()
    {
        precheck();
        splitLines();
        m_li = 0;
        while (true) {
            skipBlank();
            if (m_li >= m_lines.size())
                break;
            std::size_t docMark;
            if (isDocStart(m_li)) {
                docMark = m_lines[m_li].begin;
                const std::size_t rest = m_lines[m_li].begin + 3;
                endOfLine(rest, m_lines[m_li].end);
                ++m_li;
                skipBlank();
                if (m_li >= m_lines.size() || isDocStart(m_li))
                    throw GiveUp{}; // empty document
            } else {
                docMark = m_lines[m_li].begin + static_cast<std::size_t>(m_lines[m_li].indent);
            }
            if (m_lines[m_li].indent != 0)
                throw GiveUp{};
            m_b.OnDocumentStart(mark(docMark));
            blockNode(-1);
            skipBlank();
            if (m_li < m_lines.size() && !isDocStart(m_li))
                throw GiveUp{};
            m_b.OnDocumentEnd();
        }
    }

private:
    struct Line {
        std::size_t begin = 0;
        std::size_t end = 0; ///< exclusive, without the '\n'
        int indent = 0;
        bool blank = false; ///< empty, spaces only, or a comment only
    };

    YAML::Mark mark(std::size_t offset) const
    {
        const SourcePos p = m_index.pos(offset);
        YAML::Mark m;
        m.pos = static_cast<int>(offset);
        m.line = p.line - 1;
        m.column = p.column - 1;
        return m;
    }

    /// YAML limits an implicit key to 1024 characters; yaml-cpp (counting bytes) reads a longer one
    /// as no key. Keys near the limit go to yaml-cpp (fuzz_rule_parser found the difference).
    static constexpr std::size_t kMaxKeyBytes = 1000;

    void precheck() const
    {
        if (m_text.size() > (std::size_t(1) << 30))
            throw GiveUp{};
        // yaml-cpp reads a stream that starts with FE FF or FF FE as UTF-16 (or UTF-32)
        if (!m_text.empty() &&
            (static_cast<unsigned char>(m_text[0]) == 0xFE || static_cast<unsigned char>(m_text[0]) == 0xFF))
            throw GiveUp{};
        for (std::size_t i = 0; i < m_text.size(); ++i) {
            const auto c = static_cast<unsigned char>(m_text[i]);
            if (c < 0x20 && c != '\n')
                throw GiveUp{}; // tabs, CR, control characters
            if (c == 0x7F)
                throw GiveUp{};
            if (c == 0xC2 && i + 1 < m_text.size() && static_cast<unsigned char>(m_text[i + 1]) == 0x85)
                throw GiveUp{}; // NEL
            if (c == 0xE2 && i + 2 < m_text.size() && static_cast<unsigned char>(m_text[i + 1]) == 0x80 &&
                (static_cast<unsigned char>(m_text[i + 2]) == 0xA8 ||
                 static_cast<unsigned char>(m_text[i + 2]) == 0xA9))
                throw GiveUp{}; // LS, PS
            if (c == 0xEF && i + 2 < m_text.size() && static_cast<unsigned char>(m_text[i + 1]) == 0xBB)
                throw GiveUp{}; // BOM, specials
        }
    }

    void splitLines()
    {
        std::size_t pos = 0;
        while (pos <= m_text.size()) {
            Line l;
            l.begin = pos;
            std::size_t e = m_text.find('\n', pos);
            const bool last = e == std::string_view::npos;
            l.end = last ? m_text.size() : e;
            std::size_t c = l.begin;
            while (c < l.end && m_text[c] == ' ')
                ++c;
            l.indent = static_cast<int>(c - l.begin);
            l.blank = c == l.end || m_text[c] == '#';
            if (c < l.end && l.indent == 0 && (m_text[c] == '%' || m_text.substr(c, 3) == "..."))
                throw GiveUp{}; // directives, document end markers
            m_lines.push_back(l);
            if (last)
                break;
            pos = e + 1;
        }
    }

    bool isDocStart(std::size_t li) const
    {
        const Line& l = m_lines[li];
        return l.end - l.begin >= 3 && m_text.substr(l.begin, 3) == "---" &&
               (l.end - l.begin == 3 || m_text[l.begin + 3] == ' ');
    }

    void skipBlank()
    {
        while (m_li < m_lines.size() && m_lines[m_li].blank)
            ++m_li;
    }

    /// Only blanks and a comment may follow position p on its line.
    void endOfLine(std::size_t p, std::size_t lineEnd) const
    {
        const std::size_t start = p;
        while (p < lineEnd && m_text[p] == ' ')
            ++p;
        if (p == lineEnd)
            return;
        if (m_text[p] == '#' && p > start)
            return;
        throw GiveUp{};
    }

    static bool isNullString(std::string_view v) { return v == "~" || v == "null" || v == "Null" || v == "NULL"; }

    static bool isIndicator(char c)
    {
        switch (c) {
        case '-':
        case '?':
        case ':':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '#':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '\'':
        case '"':
        case '%':
        case '@':
        case '`':
            return true;
        default:
            return false;
        }
    }

    bool isSeqEntry(std::size_t c, std::size_t lineEnd) const
    {
        return c < lineEnd && m_text[c] == '-' && (c + 1 == lineEnd || m_text[c + 1] == ' ');
    }

    /// A single-line quoted scalar at p: its value and the position after the closing quote.
    std::pair<std::string, std::size_t> quoted(std::size_t p, std::size_t lineEnd) const
    {
        const char q = m_text[p];
        std::string v;
        std::size_t j = p + 1;
        while (true) {
            if (j >= lineEnd)
                throw GiveUp{}; // multi-line quoted scalar
            const char c = m_text[j];
            if (q == '"' && c == '\\')
                throw GiveUp{}; // escapes: leave them to yaml-cpp
            if (c == q) {
                if (q == '\'' && j + 1 < lineEnd && m_text[j + 1] == '\'') {
                    v += '\'';
                    j += 2;
                    continue;
                }
                return {v, j + 1};
            }
            v += c;
            ++j;
        }
    }

    struct Key {
        std::size_t begin = 0;
        std::size_t afterColon = 0;
        std::string value;
        bool quoted = false;
    };

    /// A mapping key at p ("key:" followed by a blank or the end of the line), or nullopt.
    std::optional<Key> scanKey(std::size_t p, std::size_t lineEnd) const
    {
        Key k;
        k.begin = p;
        if (p >= lineEnd)
            return std::nullopt;
        if (m_text[p] == '\'' || m_text[p] == '"') {
            std::size_t j = p + 1;
            const char q = m_text[p];
            while (j < lineEnd) { // find the closing quote without giving up: this may not be a key
                if (q == '"' && m_text[j] == '\\')
                    return std::nullopt;
                if (m_text[j] == q) {
                    if (q == '\'' && j + 1 < lineEnd && m_text[j + 1] == '\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            if (j >= lineEnd)
                return std::nullopt;
            std::size_t c = j + 1;
            while (c < lineEnd && m_text[c] == ' ')
                ++c;
            if (c >= lineEnd || m_text[c] != ':' || (c + 1 < lineEnd && m_text[c + 1] != ' '))
                return std::nullopt;
            if (c - p > kMaxKeyBytes)
                throw GiveUp{};
            k.value = quoted(p, lineEnd).first;
            k.quoted = true;
            k.afterColon = c + 1;
            return k;
        }
        if (isIndicator(m_text[p]))
            return std::nullopt;
        for (std::size_t j = p; j < lineEnd; ++j) {
            const char c = m_text[j];
            if (c == '#' && j > p && m_text[j - 1] == ' ')
                return std::nullopt;
            if (c == '[' || c == ']' || c == '{' || c == '}' || c == ',' || c == '\'' || c == '"')
                return std::nullopt;
            if (c == ':' && (j + 1 == lineEnd || m_text[j + 1] == ' ')) {
                if (j - p > kMaxKeyBytes)
                    throw GiveUp{};
                std::size_t e = j;
                while (e > p && m_text[e - 1] == ' ')
                    --e;
                k.value = std::string(m_text.substr(p, e - p));
                if (k.value.empty() || isNullString(k.value))
                    return std::nullopt;
                k.afterColon = j + 1;
                return k;
            }
        }
        return std::nullopt;
    }

    /// The node starting at the current line, indented more than parentIndent.
    void blockNode(int parentIndent)
    {
        const Line& l = m_lines[m_li];
        if (l.indent <= parentIndent)
            throw GiveUp{};
        const std::size_t c = l.begin + static_cast<std::size_t>(l.indent);
        if (isSeqEntry(c, l.end))
            sequence(l.indent);
        else if (scanKey(c, l.end))
            mapping(l.indent, c);
        else
            throw GiveUp{};
    }

    void mapping(int indent, std::size_t firstKey)
    {
        m_b.OnMapStart(mark(firstKey), "?", YAML::NullAnchor, YAML::EmitterStyle::Block);
        std::size_t keyPos = firstKey;
        while (true) {
            const Line& l = m_lines[m_li];
            const auto key = scanKey(keyPos, l.end);
            if (!key)
                throw GiveUp{};
            m_b.OnScalar(mark(keyPos), key->quoted ? "!" : "?", YAML::NullAnchor, key->value);
            mappingValue(indent, key->afterColon, l.end);
            skipBlank();
            if (m_li >= m_lines.size())
                break;
            const Line& n = m_lines[m_li];
            if (n.indent < indent || (indent == 0 && isDocStart(m_li)))
                break;
            if (n.indent > indent)
                throw GiveUp{};
            keyPos = n.begin + static_cast<std::size_t>(indent);
        }
        m_b.OnMapEnd();
    }

    void mappingValue(int indent, std::size_t p, std::size_t lineEnd)
    {
        const std::size_t colon = p - 1;
        while (p < lineEnd && m_text[p] == ' ')
            ++p;
        if (p == lineEnd || (m_text[p] == '#' && p > colon + 1)) {
            ++m_li;
            skipBlank();
            if (m_li < m_lines.size() && !(m_lines[m_li].indent == 0 && isDocStart(m_li))) {
                const Line& n = m_lines[m_li];
                const std::size_t c = n.begin + static_cast<std::size_t>(n.indent);
                if (n.indent > indent) {
                    blockNode(indent);
                    return;
                }
                if (n.indent == indent && isSeqEntry(c, n.end)) {
                    sequence(indent);
                    return;
                }
            }
            m_b.OnNull(mark(colon + 1), YAML::NullAnchor); // placed after its key by the builder
            return;
        }
        inlineValue(p, lineEnd, indent);
    }

    void sequence(int indent)
    {
        const Line& first = m_lines[m_li];
        m_b.OnSequenceStart(mark(first.begin + static_cast<std::size_t>(indent)), "?", YAML::NullAnchor,
                            YAML::EmitterStyle::Block);
        while (true) {
            const Line& l = m_lines[m_li];
            std::size_t p = l.begin + static_cast<std::size_t>(indent) + 1;
            while (p < l.end && m_text[p] == ' ')
                ++p;
            if (p == l.end || m_text[p] == '#') {
                ++m_li;
                skipBlank();
                if (m_li >= m_lines.size() || m_lines[m_li].indent <= indent)
                    throw GiveUp{}; // a null item
                blockNode(indent);
            } else if (isSeqEntry(p, l.end)) {
                throw GiveUp{}; // "- - x"
            } else if (scanKey(p, l.end)) {
                mapping(static_cast<int>(p - l.begin), p);
            } else {
                inlineValue(p, l.end, indent);
            }
            skipBlank();
            if (m_li >= m_lines.size())
                break;
            const Line& n = m_lines[m_li];
            if (n.indent < indent)
                break;
            if (n.indent > indent)
                throw GiveUp{};
            if (!isSeqEntry(n.begin + static_cast<std::size_t>(indent), n.end))
                break;
        }
        m_b.OnSequenceEnd();
    }

    /// A value that starts on the key's or the dash's line: scalar, flow sequence or literal block.
    void inlineValue(std::size_t p, std::size_t lineEnd, int parentIndent)
    {
        const char c = m_text[p];
        if (c == '\'' || c == '"') {
            auto [v, after] = quoted(p, lineEnd);
            endOfLine(after, lineEnd);
            m_b.OnScalar(mark(p), "!", YAML::NullAnchor, v);
            ++m_li;
            return;
        }
        if (c == '[') {
            flowSequence(p, lineEnd);
            ++m_li;
            return;
        }
        if (c == '|') {
            literal(p, lineEnd, parentIndent);
            return;
        }
        if ((c == '-' || c == '?' || c == ':') && (p + 1 == lineEnd || m_text[p + 1] == ' '))
            throw GiveUp{};
        if (c != '-' && c != '?' && c != ':' && isIndicator(c))
            throw GiveUp{};
        std::size_t e = p;
        while (e < lineEnd && !(m_text[e] == '#' && m_text[e - 1] == ' ')) {
            if (m_text[e] == ':' && (e + 1 == lineEnd || m_text[e + 1] == ' '))
                throw GiveUp{};
            ++e;
        }
        while (e > p && m_text[e - 1] == ' ')
            --e;
        const std::string v(m_text.substr(p, e - p));
        if (isNullString(v))
            m_b.OnNull(mark(p), YAML::NullAnchor);
        else
            m_b.OnScalar(mark(p), "?", YAML::NullAnchor, v);
        ++m_li;
    }

    void flowSequence(std::size_t p, std::size_t lineEnd)
    {
        m_b.OnSequenceStart(mark(p), "?", YAML::NullAnchor, YAML::EmitterStyle::Flow);
        std::size_t j = p + 1;
        auto skip = [&] {
            while (j < lineEnd && m_text[j] == ' ')
                ++j;
        };
        skip();
        if (j < lineEnd && m_text[j] == ']') {
            ++j;
        } else {
            while (true) {
                skip();
                if (j >= lineEnd)
                    throw GiveUp{};
                const char c = m_text[j];
                if (c == '\'' || c == '"') {
                    auto [v, after] = quoted(j, lineEnd);
                    m_b.OnScalar(mark(j), "!", YAML::NullAnchor, v);
                    j = after;
                } else {
                    if (isIndicator(c) && c != '-')
                        throw GiveUp{};
                    if (c == '-' && (j + 1 >= lineEnd || m_text[j + 1] == ' ' || m_text[j + 1] == ','))
                        throw GiveUp{};
                    std::size_t e = j;
                    while (e < lineEnd && m_text[e] != ',' && m_text[e] != ']') {
                        const char x = m_text[e];
                        if (x == '[' || x == '{' || x == '}' || x == '#' || x == '"' || x == '\'' ||
                            (x == ':' && (e + 1 == lineEnd || m_text[e + 1] == ' ' || m_text[e + 1] == ',' ||
                                          m_text[e + 1] == ']')))
                            throw GiveUp{};
                        ++e;
                    }
                    std::size_t t = e;
                    while (t > j && m_text[t - 1] == ' ')
                        --t;
                    const std::string v(m_text.substr(j, t - j));
                    if (v.empty())
                        throw GiveUp{};
                    if (isNullString(v))
                        m_b.OnNull(mark(j), YAML::NullAnchor);
                    else
                        m_b.OnScalar(mark(j), "?", YAML::NullAnchor, v);
                    j = e;
                }
                skip();
                if (j < lineEnd && m_text[j] == ',') {
                    ++j;
                    skip();
                    if (j < lineEnd && m_text[j] == ']')
                        throw GiveUp{}; // trailing comma
                    continue;
                }
                if (j < lineEnd && m_text[j] == ']') {
                    ++j;
                    break;
                }
                throw GiveUp{};
            }
        }
        endOfLine(j, lineEnd);
        m_b.OnSequenceEnd();
    }

    /// A literal block scalar ('|' or '|-'), its content indented more than parentIndent.
    void literal(std::size_t p, std::size_t lineEnd, int parentIndent)
    {
        std::size_t j = p + 1;
        bool strip = false;
        if (j < lineEnd && m_text[j] == '-') {
            strip = true;
            ++j;
        } else if (j < lineEnd && (m_text[j] == '+' || (m_text[j] >= '0' && m_text[j] <= '9'))) {
            throw GiveUp{};
        }
        endOfLine(j, lineEnd);
        ++m_li;
        if (m_li >= m_lines.size())
            throw GiveUp{};
        auto spacesOnly = [&](const Line& l) { return l.indent == static_cast<int>(l.end - l.begin); };
        const Line& first = m_lines[m_li];
        if (spacesOnly(first) || first.indent <= parentIndent)
            throw GiveUp{};
        const int contentIndent = first.indent;
        std::string value;
        std::size_t pendingEmpty = 0;
        std::size_t lastContentLine = m_li;
        while (m_li < m_lines.size()) {
            const Line& l = m_lines[m_li];
            if (spacesOnly(l)) {
                if (l.indent > contentIndent)
                    throw GiveUp{};
                ++pendingEmpty;
                ++m_li;
                continue;
            }
            if (l.indent < contentIndent)
                break;
            if (!value.empty() || lastContentLine != m_li) {
                value += '\n';
                value.append(pendingEmpty, '\n');
            }
            pendingEmpty = 0;
            value.append(m_text.substr(l.begin + static_cast<std::size_t>(contentIndent),
                                       l.end - l.begin - static_cast<std::size_t>(contentIndent)));
            lastContentLine = m_li;
            ++m_li;
        }
        if (m_lines[lastContentLine].end >= m_text.size())
            throw GiveUp{}; // no final line break
        if (!strip)
            value += '\n';
        m_b.OnScalar(mark(p), "!", YAML::NullAnchor, value);
    }

    std::string_view m_text;
    const LineIndex& m_index;
    Builder& m_b;
    std::vector<Line> m_lines;
    std::size_t m_li = 0;
};

} // namespace

void readFast(std::string_view text, const LineIndex& lines, Builder& builder)
{
    FastReader(text, lines, builder).run();
}

} // namespace sigma::yamltree::detail
