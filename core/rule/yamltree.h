#pragma once

// Internal: a YAML document tree built from yaml-cpp's event API, with the byte offset of every
// node's start and end. Aliases point at the anchored node (no copy); the builder refuses trees
// deeper than a limit or larger than a node budget after alias expansion (alias bombs).

#include "util/diagnostic.h"

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::yamltree {

struct Node {
    enum class Kind { Null, Scalar, Sequence, Map };
    enum class Style { Plain, SingleQuoted, DoubleQuoted, Literal, Folded, Flow, Block };
    Kind kind = Kind::Null;
    Style style = Style::Plain;
    std::string value;                 ///< Scalar: the unquoted text
    std::string tag;                   ///< "?" plain, "!" non-plain, or an explicit tag
    std::size_t begin = 0;             ///< byte offset of the node's content (after anchor/tag properties)
    std::size_t end = 0;               ///< byte offset just after the node
    bool explicitNull = false;         ///< Null written as null/~ (not an empty value)
    std::vector<const Node*> children; ///< Sequence: items; Map: key, value, key, value, ...
    std::size_t expandedSize = 1;      ///< nodes in this subtree with aliases expanded (saturating)
};

struct Document {
    const Node* root = nullptr;
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Limits {
    int maxDepth = 64;
    std::size_t maxNodes = 200000;
};

/// Line-start table for offset -> 1-based line/column conversion.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    SourcePos pos(std::size_t offset) const;
    std::size_t offset(int line0, int column0) const; ///< 0-based line/column as yaml-cpp marks them
    std::size_t lineStart(int line0) const;
    std::size_t lines() const { return m_starts.size(); }

private:
    std::vector<std::size_t> m_starts;
    std::size_t m_size = 0;
};

struct Tree {
    std::deque<Node> nodes; ///< storage
    std::vector<Document> documents;
    Diagnostics diagnostics; ///< yaml-syntax, yaml-too-deep, yaml-too-many-nodes
    bool fastPath = false;   ///< read by the fast reader (not yaml-cpp)
};

/// How parse() reads the YAML. Auto: a fast reader for the block-style subset Sigma rules are
/// written in, falling back to yaml-cpp for anything else (anchors, tags, flow mappings, multi-line
/// plain or quoted scalars, folded scalars, tabs, CR, ...); both give the same tree (checked on the
/// SigmaHQ snapshot and by the fuzz target). YamlCpp: yaml-cpp only. Fast: the fast reader only
/// (Tree::fastPath false and no documents when it gave up).
enum class Reader { Auto, YamlCpp, Fast };

/// Parses every document of `text`. Never throws.
Tree parse(std::string_view text, const LineIndex& lines, const Limits& limits, const std::string& file,
           Reader reader = Reader::Auto);

/// True when two trees have the same documents and nodes (kinds, styles, tags, values, offsets).
bool sameTree(const Tree& a, const Tree& b);

/// For each byte of a scalar's value, the source offset it came from; one extra element at the end
/// (the offset just after the scalar's last source character).
std::vector<std::size_t> scalarOffsets(const Node& node, std::string_view text);

} // namespace sigma::yamltree
