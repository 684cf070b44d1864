#include "rule/yamltree.h"

#include "rule/yamlbuilder.h"

#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>

namespace sigma::yamltree {

namespace {

/// An istream over a string_view without copying it.
class ViewBuf : public std::streambuf {
public:
    explicit ViewBuf(std::string_view text)
    {
        char* p = const_cast<char*>(text.data());
        setg(p, p, p + text.size());
    }
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
        detail::Builder builder(fast, text, lines, limits);
        try {
            detail::readFast(text, lines, builder);
            fast.fastPath = true;
            return fast;
        } catch (...) {
            // outside the subset, or a limit: let yaml-cpp read it and report
        }
        if (reader == Reader::Fast)
            return Tree{};
    }
    Tree tree;
    detail::Builder builder(tree, text, lines, limits);
    auto error = [&](const std::string& code, const std::string& message, SourcePos pos) {
        tree.diagnostics.push_back({Severity::Error, code, message, file, {pos, {pos.line, pos.column + 1}}});
    };
    try {
        ViewBuf buf(text);
        std::istream in(&buf);
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const detail::LimitError& e) {
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
        detail::align(node, text, &out);
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
