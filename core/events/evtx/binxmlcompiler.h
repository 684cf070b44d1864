#pragma once

// Internal to the EVTX decoder (binxml.cpp, fieldplan.cpp): the Binary XML tokens and the compiler of a
// template definition into a CompiledTemplate. Not part of core's public API.

#include "events/evtx/binxml.h"
#include "events/windowsformat.h"
#include "util/utf8.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::evtx {

namespace binxml {

/// Internal: thrown where the Binary XML is damaged, caught in ChunkDecoder::decode.
struct Damaged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void damaged(const std::string& what, std::size_t offset)
{
    throw Damaged(what + " at chunk offset " + std::to_string(offset));
}

constexpr int maxElementDepth = 64;
constexpr int maxFragmentDepth = 8;

enum Token : std::uint8_t {
    EndOfFragment = 0x00,
    OpenStartElement = 0x01,
    CloseStartElement = 0x02,
    CloseEmptyElement = 0x03,
    EndElement = 0x04,
    ValueText = 0x05,
    Attribute = 0x06,
    CDataSection = 0x07,
    CharRef = 0x08,
    EntityRef = 0x09,
    PITarget = 0x0A,
    PIData = 0x0B,
    TemplateInstance = 0x0C,
    NormalSubstitution = 0x0D,
    OptionalSubstitution = 0x0E,
    FragmentHeader = 0x0F,
};
constexpr std::uint8_t moreFlag = 0x40;

/// A UTF-16 unit as UTF-8; a lone surrogate becomes U+FFFD.
inline void appendUtf8(std::string& out, std::uint32_t cp)
{
    sigma::appendUtf8(cp >= 0xD800 && cp <= 0xDFFF ? char32_t(0xFFFD) : char32_t(cp), out);
}

inline std::string entityText(std::string_view name)
{
    if (name == "amp")
        return "&";
    if (name == "lt")
        return "<";
    if (name == "gt")
        return ">";
    if (name == "quot")
        return "\"";
    if (name == "apos")
        return "'";
    return "&" + std::string(name) + ";";
}

} // namespace binxml

using namespace binxml;

void templateDestroyed(); ///< binxml.cpp: templateGeneration() changes

/// A template definition (or a fragment without one) compiled to a tree. Parts of a node's content
/// and of an attribute value are literal text (strings[ref]), a substitution, or a child element.
struct CompiledTemplate {
    CompiledTemplate() = default;
    CompiledTemplate(const CompiledTemplate&) = delete;
    CompiledTemplate& operator=(const CompiledTemplate&) = delete;
    ~CompiledTemplate() { templateDestroyed(); }

    struct Part {
        enum Kind : std::uint8_t { Literal, Substitution, Element } kind = Literal;
        bool optional = false;
        std::uint16_t index = 0;
        std::uint32_t ref = 0;
    };
    struct Attr {
        std::uint32_t name = 0; ///< strings index
        std::uint32_t firstPart = 0, partCount = 0;
    };
    struct Node {
        std::uint32_t name = 0;
        std::uint32_t firstAttr = 0, attrCount = 0;
        std::uint32_t firstPart = 0, partCount = 0;
    };
    std::vector<Node> nodes;
    std::vector<Attr> attrs;
    std::vector<Part> parts;
    std::vector<std::string> strings;
    std::uint32_t root = 0;
};

/// Compiles the Binary XML of one element (and its descendants) into a CompiledTemplate.
class ChunkDecoder::Compiler {
public:
    Compiler(ChunkDecoder& decoder, CompiledTemplate& t, std::size_t end)
        : m_d(decoder)
        , m_t(t)
        , m_end(end)
    {}

    /// Parses the element starting at `pos`; returns its node index, `pos` moved past it.
    std::uint32_t element(std::size_t& pos, int depth)
    {
        if (depth > maxElementDepth)
            damaged("elements nested too deeply", pos);
        const std::uint8_t token = byte(pos);
        if ((token & ~moreFlag) != OpenStartElement)
            damaged("expected an element, found token 0x" + hex(token), pos);
        // Token, dependency identifier (u16), data size (u32), name offset (u32). Some writers
        // omit the dependency identifier: then the name offset is 2 bytes earlier.
        need(pos, 11);
        std::size_t at = pos + 7;
        if (!plausibleName(le32(m_d.m_chunk.data() + at), at + 4) &&
            plausibleName(le32(m_d.m_chunk.data() + pos + 5), pos + 9))
            at = pos + 5;
        std::size_t p = at;
        const std::uint32_t nameIndex = name(p);
        if (token & moreFlag) {
            need(p, 4);
            p += 4; // attribute list size
        }
        CompiledTemplate::Node node;
        node.name = nameIndex;
        std::vector<CompiledTemplate::Attr> attrs;
        std::vector<CompiledTemplate::Part> attrParts;
        while ((byte(p) & ~moreFlag) == Attribute) {
            ++p;
            CompiledTemplate::Attr a;
            a.name = name(p);
            std::vector<CompiledTemplate::Part> value;
            while (valuePart(p, value)) {
            }
            a.firstPart = static_cast<std::uint32_t>(attrParts.size());
            a.partCount = static_cast<std::uint32_t>(value.size());
            attrParts.insert(attrParts.end(), value.begin(), value.end());
            attrs.push_back(a);
        }
        std::vector<CompiledTemplate::Part> content;
        const std::uint8_t close = byte(p);
        if (close == CloseEmptyElement) {
            ++p;
        } else if (close == CloseStartElement) {
            ++p;
            for (;;) {
                const std::uint8_t t = byte(p);
                if (t == EndElement) {
                    ++p;
                    break;
                }
                if ((t & ~moreFlag) == OpenStartElement) {
                    const std::uint32_t child = element(p, depth + 1);
                    content.push_back({CompiledTemplate::Part::Element, false, 0, child});
                } else if ((t & ~moreFlag) == CDataSection) {
                    ++p;
                    content.push_back({CompiledTemplate::Part::Literal, false, 0, literal(utf16(p))});
                } else if ((t & ~moreFlag) == PITarget) {
                    ++p;
                    name(p);
                } else if ((t & ~moreFlag) == PIData) {
                    ++p;
                    utf16(p);
                } else if (!valuePart(p, content)) {
                    damaged("unexpected token 0x" + hex(t) + " in element content", p);
                }
            }
        } else {
            damaged("unexpected token 0x" + hex(close) + " after the attributes", p);
        }
        // Attribute parts first, then content parts: each list contiguous.
        const auto base = static_cast<std::uint32_t>(m_t.parts.size());
        for (auto& a : attrs)
            a.firstPart += base;
        m_t.parts.insert(m_t.parts.end(), attrParts.begin(), attrParts.end());
        node.firstPart = static_cast<std::uint32_t>(m_t.parts.size());
        node.partCount = static_cast<std::uint32_t>(content.size());
        m_t.parts.insert(m_t.parts.end(), content.begin(), content.end());
        node.firstAttr = static_cast<std::uint32_t>(m_t.attrs.size());
        node.attrCount = static_cast<std::uint32_t>(attrs.size());
        m_t.attrs.insert(m_t.attrs.end(), attrs.begin(), attrs.end());
        m_t.nodes.push_back(node);
        pos = p;
        return static_cast<std::uint32_t>(m_t.nodes.size() - 1);
    }

private:
    /// A value token, substitution, character or entity reference at `p`, appended to `out`;
    /// false (p unchanged) for any other token.
    bool valuePart(std::size_t& p, std::vector<CompiledTemplate::Part>& out)
    {
        const std::uint8_t t = byte(p);
        switch (t & ~moreFlag) {
        case ValueText: {
            need(p, 2);
            const std::uint8_t type = m_d.m_chunk[p + 1];
            if (type != static_cast<std::uint8_t>(BinXmlType::String))
                damaged("value token of type 0x" + hex(type) + " (only strings are defined)", p);
            p += 2;
            out.push_back({CompiledTemplate::Part::Literal, false, 0, literal(utf16(p))});
            return true;
        }
        case NormalSubstitution & ~moreFlag:
        case OptionalSubstitution & ~moreFlag:
            if (t != NormalSubstitution && t != OptionalSubstitution)
                return false;
            need(p, 4);
            out.push_back(
                {CompiledTemplate::Part::Substitution, t == OptionalSubstitution, le16(m_d.m_chunk.data() + p + 1), 0});
            p += 4;
            return true;
        case CharRef: {
            need(p, 3);
            std::string s;
            appendUtf8(s, le16(m_d.m_chunk.data() + p + 1));
            p += 3;
            out.push_back({CompiledTemplate::Part::Literal, false, 0, literal(std::move(s))});
            return true;
        }
        case EntityRef: {
            ++p;
            const std::uint32_t n = name(p);
            out.push_back({CompiledTemplate::Part::Literal, false, 0, literal(entityText(m_t.strings[n]))});
            return true;
        }
        default:
            return false;
        }
    }

    bool plausibleName(std::uint32_t offset, std::size_t here) const
    {
        return offset == here || (offset >= chunkHeaderSize && offset + 8 <= m_d.m_chunk.size() && offset < here);
    }

    /// A name reference at `p` (u32 chunk offset; the name follows inline when it points here).
    std::uint32_t name(std::size_t& p)
    {
        need(p, 4);
        const std::uint32_t offset = le32(m_d.m_chunk.data() + p);
        p += 4;
        const std::string& text = m_d.nameAt(offset);
        if (offset == p) {
            need(p, 8);
            p += 8 + 2 * std::size_t(le16(m_d.m_chunk.data() + p + 6)) + 2;
            if (p > m_end)
                damaged("inline name beyond its fragment", p);
        }
        return literal(text);
    }

    /// A counted UTF-16 string at `p` (u16 characters, then the characters).
    std::string utf16(std::size_t& p)
    {
        need(p, 2);
        const std::size_t count = le16(m_d.m_chunk.data() + p);
        need(p, 2 + 2 * count);
        std::string s = windows::utf16ToUtf8(m_d.m_chunk.subspan(p + 2, 2 * count));
        p += 2 + 2 * count;
        return s;
    }

    std::uint32_t literal(std::string s)
    {
        m_t.strings.push_back(std::move(s));
        return static_cast<std::uint32_t>(m_t.strings.size() - 1);
    }

    std::uint8_t byte(std::size_t p) const
    {
        if (p >= m_end)
            damaged("Binary XML ends early", p);
        return m_d.m_chunk[p];
    }
    void need(std::size_t p, std::size_t n) const
    {
        if (p + n > m_end)
            damaged("Binary XML ends early", p);
    }
    static std::string hex(std::uint8_t b)
    {
        static const char digits[] = "0123456789abcdef";
        return {digits[b >> 4], digits[b & 15]};
    }

    ChunkDecoder& m_d;
    CompiledTemplate& m_t;
    std::size_t m_end;
};

} // namespace sigma::evtx
