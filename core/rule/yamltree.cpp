#include "rule/yamltree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <limits>
#include <map>
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

Tree parse(std::string_view text, const LineIndex& lines, const Limits& limits, const std::string& file)
{
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
