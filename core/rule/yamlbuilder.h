#pragma once

// Internal to core/rule/yamltree: the tree builder fed by yaml-cpp's event parser or by the fast
// reader (yamlfastreader.cpp), and the alignment of scalar values with their source text.

#include "rule/yamltree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::yamltree::detail {

inline bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct LimitError {
    std::string code;
    std::string message;
    std::size_t offset;
};

inline std::size_t saturatingAdd(std::size_t a, std::size_t b)
{
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

/// Aligns a scalar's value with its source; fills `out` (if given) with one offset per value byte
/// and returns the offset just after the scalar.
std::size_t align(const Node& node, std::string_view text, std::vector<std::size_t>* out);

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
        // yaml-cpp marks an empty map value at the next token, or at its key at the end of the
        // input: a key there starting with `~` or `null` (`~#:`, found by fuzz_rule_parser) is not
        // the value written as null
        const bool inMap = !m_stack.empty() && m_stack.back()->kind == Node::Kind::Map;
        const bool valuePosition = inMap && m_stack.back()->children.size() % 2 == 1;
        const bool keyPosition = inMap && !valuePosition;
        const bool emptyValue = valuePosition && offsetOf(mark) < m_stack.back()->children.back()->end;
        Node& node = create(Node::Kind::Null, mark);
        static constexpr std::string_view nulls[] = {"null", "Null", "NULL", "~"};
        node.end = node.begin;
        for (auto s : nulls) {
            if (emptyValue)
                break;
            if (m_text.substr(node.begin, s.size()) == s) {
                const std::size_t after = node.begin + s.size();
                // (a `#` right after is part of the scalar: a comment needs a blank before it)
                if ((after >= m_text.size() || isBlank(m_text[after]) || m_text[after] == ',' || m_text[after] == ']' ||
                     m_text[after] == '}') &&
                    (keyPosition || onlyCommentFollows(after))) {
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

    /// True when nothing but blanks, a comment or a flow indicator follows `o` on its line: a null
    /// token followed by more text (`~ x:`) is the start of another node that yaml-cpp marked an
    /// empty value at (fuzz_rule_parser: `t:\n~ \xff:`), not the value written as null.
    bool onlyCommentFollows(std::size_t o) const
    {
        const std::size_t n = m_text.size();
        while (o < n && (m_text[o] == ' ' || m_text[o] == '\t'))
            ++o;
        if (o >= n)
            return true;
        const char c = m_text[o];
        return c == '\n' || c == '\r' || c == '#' || c == ',' || c == ']' || c == '}';
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

/// Reads `text` with the fast reader into `builder`; throws when the input leaves the subset it
/// reads (see yamltree.h) or a limit is hit.
void readFast(std::string_view text, const LineIndex& lines, Builder& builder);

} // namespace sigma::yamltree::detail
