#include "rule/yamltree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <map>
#include <optional>
#include <streambuf>

namespace sigma::yamltree {
namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// An istream over a string_view without copying it.
class ViewBuf : public std::streambuf {
public:
    explicit ViewBuf(std::string_view text)
    {
        char* p = const_cast<char*>(text.data());
        setg(p, p, p + text.size());
    }
};

struct LimitError {
    std::string code;
    std::string message;
    std::size_t offset;
};

std::size_t saturatingAdd(std::size_t a, std::size_t b)
{
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

int utf8Length(unsigned long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Aligns a scalar's value with its source; fills `out` (if given) with one offset per value byte
/// and returns the offset just after the scalar.
std::size_t align(const Node& node, std::string_view text, std::vector<std::size_t>* out)
{
    const std::string& v = node.value;
    const std::size_t n = text.size();
    if (out)
        out->assign(v.size() + 1, node.begin);
    std::size_t j = node.begin;
    const bool block = node.style == Node::Style::Literal || node.style == Node::Style::Folded;
    const bool single = node.style == Node::Style::SingleQuoted;
    const bool dbl = node.style == Node::Style::DoubleQuoted;
    if (block) {
        while (j < n && text[j] != '\n')
            ++j;
        if (j < n)
            ++j;
    } else if (single || dbl) {
        ++j; // opening quote
    }
    std::size_t lastContent = std::string::npos; // offset of the last non-line-break source char
    std::size_t i = 0;
    while (i < v.size() && j < n) {
        const char c = v[i];
        const char r = text[j];
        if (dbl && r == '\\' && j + 1 < n) {
            const char e = text[j + 1];
            if (e == '\n' || e == '\r') { // escaped line break: produces nothing
                j += 2;
                while (j < n && isBlank(text[j]))
                    ++j;
                continue;
            }
            std::size_t escLen = 2;
            int produced = 1;
            auto hex = [&](int digits) {
                unsigned long cp = 0;
                for (int k = 0; k < digits && j + 2 + k < n; ++k) {
                    const int h = hexValue(text[j + 2 + k]);
                    if (h < 0)
                        break;
                    cp = cp * 16 + static_cast<unsigned long>(h);
                }
                escLen = 2 + static_cast<std::size_t>(digits);
                produced = utf8Length(cp);
            };
            if (e == 'x')
                hex(2);
            else if (e == 'u')
                hex(4);
            else if (e == 'U')
                hex(8);
            else if (e == 'N' || e == '_')
                produced = 2;
            else if (e == 'L' || e == 'P')
                produced = 3;
            for (int k = 0; k < produced && i < v.size(); ++k, ++i)
                if (out)
                    (*out)[i] = j;
            lastContent = j + escLen - 1;
            j += escLen;
            continue;
        }
        if (single && r == '\'' && j + 1 < n && text[j + 1] == '\'' && c == '\'') {
            if (out)
                (*out)[i] = j;
            lastContent = j + 1;
            ++i;
            j += 2;
            continue;
        }
        if (r == c) {
            if (out)
                (*out)[i] = j;
            if (r != '\n')
                lastContent = j;
            ++i;
            ++j;
            continue;
        }
        if (isBlank(r)) { // folding, indentation
            ++j;
            continue;
        }
        break; // unexpected: stop aligning (best effort)
    }
    if (out)
        for (; i < v.size(); ++i)
            (*out)[i] = std::min(j, n);
    std::size_t end;
    if (single || dbl) {
        const char q = single ? '\'' : '"';
        while (j < n && text[j] != q) {
            if (dbl && text[j] == '\\')
                ++j;
            ++j;
        }
        end = std::min(j + 1, n);
    } else if (lastContent != std::string::npos) {
        end = lastContent + 1;
    } else {
        end = block ? std::min(j, n) : node.begin;
        if (block) { // empty block scalar: end of the header line
            std::size_t k = node.begin;
            while (k < n && text[k] != '\n' && text[k] != '\r')
                ++k;
            end = k;
        }
    }
    if (out)
        out->back() = end;
    return end;
}

class Builder : public YAML::EventHandler {
public:
    Builder(Tree& tree, std::string_view text, const LineIndex& lines, const Limits& limits)
        : m_tree(tree)
        , m_text(text)
        , m_lines(lines)
        , m_limits(limits)
    {}

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        m_docBegin = offsetOf(mark);
        m_root = nullptr;
        m_anchors.clear();
        m_stack.clear();
    }
    void OnDocumentEnd() override
    {
        Document d;
        d.root = m_root;
        d.begin = m_docBegin;
        d.end = m_root ? m_root->end : m_docBegin;
        m_tree.documents.push_back(d);
    }
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        Node& node = create(Node::Kind::Null, mark);
        static constexpr std::string_view nulls[] = {"null", "Null", "NULL", "~"};
        node.end = node.begin;
        for (auto s : nulls) {
            if (m_text.substr(node.begin, s.size()) == s) {
                const std::size_t after = node.begin + s.size();
                if (after >= m_text.size() || isBlank(m_text[after]) || m_text[after] == ',' || m_text[after] == ']' ||
                    m_text[after] == '}' || m_text[after] == '#') {
                    node.explicitNull = true;
                    node.end = after;
                }
                break;
            }
        }
        finish(node, anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        const auto it = m_anchors.find(anchor);
        if (it == m_anchors.end())
            throw LimitError{"yaml-alias", "an alias refers to a node that contains it", offsetOf(mark)};
        count(it->second->expandedSize, offsetOf(mark));
        attach(it->second);
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override
    {
        Node& node = create(Node::Kind::Scalar, mark);
        node.value = value;
        node.tag = tag;
        const char c = node.begin < m_text.size() ? m_text[node.begin] : '\0';
        if (tag == "?")
            node.style = Node::Style::Plain;
        else if (c == '\'')
            node.style = Node::Style::SingleQuoted;
        else if (c == '"')
            node.style = Node::Style::DoubleQuoted;
        else if (c == '|')
            node.style = Node::Style::Literal;
        else if (c == '>')
            node.style = Node::Style::Folded;
        node.end = align(node, m_text, nullptr);
        if (node.style == Node::Style::SingleQuoted || node.style == Node::Style::DoubleQuoted) {
            const char q = node.style == Node::Style::SingleQuoted ? '\'' : '"';
            if (node.end < node.begin + 2 || m_text[node.end - 1] != q)
                throw LimitError{"yaml-syntax", "YAML syntax error: the quoted string is not closed", node.begin};
        }
        finish(node, anchor);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override
    {
        open(Node::Kind::Sequence, mark, tag, anchor, style);
    }
    void OnSequenceEnd() override { close(']'); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override
    {
        open(Node::Kind::Map, mark, tag, anchor, style);
    }
    void OnMapEnd() override { close('}'); }

private:
    std::size_t offsetOf(const YAML::Mark& mark) const
    {
        if (mark.line < 0 || mark.column < 0)
            return 0;
        return m_lines.offset(mark.line, mark.column);
    }

    /// Skips node properties (anchor, tag) and the blanks and comments after them.
    std::size_t skipProperties(std::size_t o) const
    {
        const std::size_t n = m_text.size();
        while (o < n && (m_text[o] == '&' || m_text[o] == '!')) {
            while (o < n && !isBlank(m_text[o]))
                ++o;
            while (o < n && (isBlank(m_text[o]) || m_text[o] == '#')) {
                if (m_text[o] == '#')
                    while (o < n && m_text[o] != '\n')
                        ++o;
                else
                    ++o;
            }
        }
        return o;
    }

    void count(std::size_t nodes, std::size_t offset)
    {
        m_total = saturatingAdd(m_total, nodes);
        if (m_total > m_limits.maxNodes)
            throw LimitError{"yaml-too-many-nodes",
                             "the YAML has more than " + std::to_string(m_limits.maxNodes) +
                                 " nodes once aliases are expanded (alias bomb?)",
                             offset};
    }

    Node& create(Node::Kind kind, const YAML::Mark& mark)
    {
        const std::size_t at = offsetOf(mark);
        count(1, at);
        Node& node = m_tree.nodes.emplace_back();
        node.kind = kind;
        node.begin = skipProperties(at);
        return node;
    }

    void attach(const Node* node)
    {
        if (m_stack.empty()) {
            m_root = node;
            return;
        }
        Node* parent = m_stack.back();
        if (node->kind == Node::Kind::Null && !node->explicitNull && parent->kind == Node::Kind::Map &&
            parent->children.size() % 2 == 1) {
            // an empty value: place it just after its key
            auto* n = const_cast<Node*>(node);
            std::size_t at = parent->children.back()->end;
            if (at < m_text.size() && m_text[at] == ':')
                ++at;
            n->begin = n->end = at;
        }
        parent->children.push_back(node);
    }

    void finish(Node& node, YAML::anchor_t anchor)
    {
        if (anchor != YAML::NullAnchor)
            m_anchors[anchor] = &node;
        attach(&node);
    }

    void open(Node::Kind kind, const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
              YAML::EmitterStyle::value style)
    {
        Node& node = create(kind, mark);
        node.tag = tag;
        node.style = style == YAML::EmitterStyle::Flow ? Node::Style::Flow : Node::Style::Block;
        if (static_cast<int>(m_stack.size()) >= m_limits.maxDepth)
            throw LimitError{"yaml-too-deep",
                             "the YAML is nested more than " + std::to_string(m_limits.maxDepth) + " levels deep",
                             node.begin};
        m_stack.push_back(&node);
        m_openAnchors.push_back(anchor);
    }

    void close(char bracket)
    {
        Node* node = m_stack.back();
        m_stack.pop_back();
        const auto anchor = m_openAnchors.back();
        m_openAnchors.pop_back();
        std::size_t e = node->children.empty() ? node->begin + 1 : node->children.back()->end;
        if (node->style == Node::Style::Flow) {
            const std::size_t n = m_text.size();
            while (e < n && m_text[e] != bracket) {
                if (m_text[e] == '#')
                    while (e < n && m_text[e] != '\n')
                        ++e;
                else if (isBlank(m_text[e]) || m_text[e] == ',')
                    ++e;
                else
                    break;
            }
            node->end = e < n && m_text[e] == bracket ? e + 1 : e;
        } else {
            node->end = std::max(e, node->begin);
        }
        std::size_t size = 1;
        for (const Node* c : node->children)
            size = saturatingAdd(size, c->expandedSize);
        node->expandedSize = size;
        finish(*node, anchor);
    }

    Tree& m_tree;
    std::string_view m_text;
    const LineIndex& m_lines;
    const Limits& m_limits;
    std::size_t m_docBegin = 0;
    const Node* m_root = nullptr;
    std::vector<Node*> m_stack;
    std::vector<YAML::anchor_t> m_openAnchors;
    std::map<YAML::anchor_t, const Node*> m_anchors;
    std::size_t m_total = 0;
};

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

    void precheck() const
    {
        if (m_text.size() > (std::size_t(1) << 30))
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

LineIndex::LineIndex(std::string_view text)
    : m_size(text.size())
{
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n')
            m_starts.push_back(i + 1);
}

SourcePos LineIndex::pos(std::size_t offset) const
{
    offset = std::min(offset, m_size);
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
    const auto line = static_cast<int>(it - m_starts.begin()); // 1-based
    return {line, static_cast<int>(offset - m_starts[static_cast<std::size_t>(line - 1)]) + 1};
}

std::size_t LineIndex::lineStart(int line0) const
{
    if (line0 < 0)
        return 0;
    if (static_cast<std::size_t>(line0) >= m_starts.size())
        return m_size;
    return m_starts[static_cast<std::size_t>(line0)];
}

std::size_t LineIndex::offset(int line0, int column0) const
{
    return std::min(lineStart(line0) + static_cast<std::size_t>(std::max(column0, 0)), m_size);
}

Tree parse(std::string_view text, const LineIndex& lines, const Limits& limits, const std::string& file, Reader reader)
{
    if (reader != Reader::YamlCpp) {
        Tree fast;
        Builder builder(fast, text, lines, limits);
        try {
            FastReader(text, lines, builder).run();
            fast.fastPath = true;
            return fast;
        } catch (...) {
            // outside the subset, or a limit: let yaml-cpp read it and report
        }
        if (reader == Reader::Fast)
            return Tree{};
    }
    Tree tree;
    Builder builder(tree, text, lines, limits);
    auto error = [&](const std::string& code, const std::string& message, SourcePos pos) {
        tree.diagnostics.push_back({Severity::Error, code, message, file, {pos, {pos.line, pos.column + 1}}});
    };
    try {
        ViewBuf buf(text);
        std::istream in(&buf);
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const LimitError& e) {
        error(e.code, e.message, lines.pos(e.offset));
    } catch (const YAML::Exception& e) {
        SourcePos pos{1, 1};
        if (e.mark.line >= 0 && e.mark.column >= 0)
            pos = lines.pos(lines.offset(e.mark.line, e.mark.column));
        std::string msg = e.msg.empty() ? std::string("invalid YAML") : e.msg;
        error("yaml-syntax", "YAML syntax error: " + msg, pos);
    } catch (const std::exception& e) {
        error("yaml-syntax", std::string("YAML error: ") + e.what(), {1, 1});
    } catch (...) {
        error("yaml-syntax", "YAML error", {1, 1});
    }
    return tree;
}

std::vector<std::size_t> scalarOffsets(const Node& node, std::string_view text)
{
    std::vector<std::size_t> out;
    if (node.kind == Node::Kind::Scalar)
        align(node, text, &out);
    else
        out.assign(1, node.end);
    return out;
}

} // namespace sigma::yamltree

namespace sigma::yamltree {

namespace {
bool sameNode(const Node* a, const Node* b, int depth)
{
    if (a == b)
        return true;
    if (!a || !b || depth > 1000)
        return false;
    if (a->kind != b->kind || a->style != b->style || a->value != b->value || a->begin != b->begin ||
        a->end != b->end || a->explicitNull != b->explicitNull || a->children.size() != b->children.size())
        return false;
    if (a->kind == Node::Kind::Scalar && a->tag != b->tag)
        return false;
    for (std::size_t i = 0; i < a->children.size(); ++i)
        if (!sameNode(a->children[i], b->children[i], depth + 1))
            return false;
    return true;
}
} // namespace

bool sameTree(const Tree& a, const Tree& b)
{
    if (a.documents.size() != b.documents.size() || a.diagnostics.size() != b.diagnostics.size())
        return false;
    for (std::size_t i = 0; i < a.documents.size(); ++i) {
        const auto& x = a.documents[i];
        const auto& y = b.documents[i];
        if (x.begin != y.begin || x.end != y.end || !sameNode(x.root, y.root, 0))
            return false;
    }
    return true;
}

} // namespace sigma::yamltree
