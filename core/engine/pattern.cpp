#include "engine/pattern.h"

#include "engine/casefold.h"
#include "util/asciitext.h"

#include <cstdint>
#include <cstring>
#include <string.h> // memmem

namespace sigma::engine {

using Kind = SigmaString::Part::Kind;

SigmaString SigmaString::parse(std::string_view text)
{
    SigmaString s;
    std::string lit;
    auto flush = [&] {
        if (!lit.empty()) {
            s.parts.push_back({Kind::Literal, std::move(lit)});
            lit.clear();
        }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            const char next = i + 1 < text.size() ? text[i + 1] : '\0';
            if (next == '*' || next == '?' || next == '\\') {
                lit += next;
                ++i;
            } else {
                lit += '\\';
            }
        } else if (c == '*') {
            flush();
            if (s.parts.empty() || s.parts.back().kind != Kind::Star)
                s.parts.push_back({Kind::Star, {}});
        } else if (c == '?') {
            flush();
            s.parts.push_back({Kind::Question, {}});
        } else {
            lit += c;
        }
    }
    flush();
    return s;
}

SigmaString SigmaString::literal(std::string_view text)
{
    SigmaString s;
    s.appendLiteral(text);
    return s;
}

bool SigmaString::hasWildcards() const
{
    for (const auto& p : parts)
        if (p.kind != Kind::Literal)
            return true;
    return false;
}

void SigmaString::appendLiteral(std::string_view text)
{
    if (text.empty())
        return;
    if (!parts.empty() && parts.back().kind == Kind::Literal)
        parts.back().text += text;
    else
        parts.push_back({Kind::Literal, std::string(text)});
}

void SigmaString::appendStar()
{
    if (!endsWithStar())
        parts.push_back({Kind::Star, {}});
}

void SigmaString::prependStar()
{
    if (!startsWithStar())
        parts.insert(parts.begin(), Part{Kind::Star, {}});
}

std::string SigmaString::toDisplay() const
{
    std::string out;
    for (const auto& p : parts) {
        switch (p.kind) {
        case Kind::Star:
            out += '*';
            break;
        case Kind::Question:
            out += '?';
            break;
        case Kind::Literal:
            for (std::size_t i = 0; i < p.text.size(); ++i) {
                const char c = p.text[i];
                if (c == '*' || c == '?')
                    out += '\\';
                else if (c == '\\' && (i + 1 == p.text.size() || p.text[i + 1] == '\\'))
                    out += '\\'; // would otherwise combine with what follows
                out += c;
            }
            break;
        }
    }
    return out;
}

std::string SigmaString::plain() const
{
    std::string out;
    for (const auto& p : parts)
        if (p.kind == Kind::Literal)
            out += p.text;
    return out;
}

// --- expansions -----------------------------------------------------------------------------------

namespace {

bool isWordByte(unsigned char c)
{
    // Python's \w on str is Unicode-aware: treat every non-ASCII byte as part of a word character.
    return c >= 0x80 || isAsciiAlnum(static_cast<char>(c)) || c == '_';
}

using Segments = std::vector<std::vector<SigmaString>>; // per segment: its alternatives

void append(SigmaString& a, const SigmaString& b)
{
    for (const auto& p : b.parts) {
        if (p.kind == Kind::Literal)
            a.appendLiteral(p.text);
        else if (p.kind == Kind::Star)
            a.appendStar();
        else
            a.parts.push_back(p);
    }
}

std::vector<SigmaString> literals(const std::vector<std::string>& texts)
{
    std::vector<SigmaString> out;
    for (const auto& t : texts)
        out.push_back(SigmaString::literal(t));
    return out;
}

bool product(const SigmaString& value, const std::vector<Segments>& perPart, std::vector<SigmaString>& out,
             std::size_t limit)
{
    // perPart[i]: for a literal part, a list of "segment alternatives" (concatenated in order);
    // for others, empty.
    std::vector<SigmaString> acc(1);
    for (std::size_t i = 0; i < value.parts.size(); ++i) {
        const auto& part = value.parts[i];
        if (part.kind != Kind::Literal) {
            for (auto& a : acc) {
                if (part.kind == Kind::Star)
                    a.appendStar();
                else
                    a.parts.push_back(part);
            }
            continue;
        }
        for (const auto& segment : perPart[i]) {
            if (segment.size() == 1) {
                for (auto& a : acc)
                    append(a, segment.front());
                continue;
            }
            if (acc.size() * segment.size() > limit)
                return false;
            std::vector<SigmaString> next;
            next.reserve(acc.size() * segment.size());
            for (const auto& a : acc)
                for (const auto& alt : segment) {
                    SigmaString n = a;
                    append(n, alt);
                    next.push_back(std::move(n));
                }
            acc = std::move(next);
        }
    }
    for (auto& a : acc)
        out.push_back(std::move(a));
    return true;
}

// Splits every literal part of `value` into segment alternatives with `split(text, segments)` and
// takes their product: the one expansion both windash and placeholders are.
template <typename SplitLiteral>
bool expandLiterals(const SigmaString& value, std::vector<SigmaString>& out, std::size_t limit, SplitLiteral split)
{
    std::vector<Segments> perPart(value.parts.size());
    for (std::size_t i = 0; i < value.parts.size(); ++i)
        if (value.parts[i].kind == Kind::Literal)
            split(value.parts[i].text, perPart[i]);
    return product(value, perPart, out, limit);
}

} // namespace

bool expandWindash(const SigmaString& value, std::vector<SigmaString>& out, std::size_t limit)
{
    static const std::vector<SigmaString> dashes = literals({"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"});
    return expandLiterals(value, out, limit, [](const std::string& t, Segments& segments) {
        std::string run;
        for (std::size_t k = 0; k < t.size(); ++k) {
            const char c = t[k];
            // \B before: the previous character (or the start) is not a word character, as '-'/'/'
            // are not; \b after: the next character is a word character.
            const bool prevWord = k > 0 && isWordByte(static_cast<unsigned char>(t[k - 1]));
            const bool nextWord = k + 1 < t.size() && isWordByte(static_cast<unsigned char>(t[k + 1]));
            if ((c == '-' || c == '/') && !prevWord && nextWord) {
                if (!run.empty())
                    segments.push_back({SigmaString::literal(run)});
                run.clear();
                segments.push_back(dashes);
            } else {
                run += c;
            }
        }
        if (!run.empty())
            segments.push_back({SigmaString::literal(run)});
    });
}

bool expandPlaceholders(const SigmaString& value, const std::map<std::string, std::vector<std::string>>& placeholders,
                        std::vector<SigmaString>& out, std::vector<std::string>& missing, std::size_t limit)
{
    return expandLiterals(value, out, limit, [&](const std::string& t, Segments& segments) {
        std::size_t pos = 0;
        while (pos < t.size()) {
            const auto open = t.find('%', pos);
            const auto close = open == std::string::npos ? std::string::npos : t.find('%', open + 1);
            if (close == std::string::npos) {
                segments.push_back({SigmaString::literal(t.substr(pos))});
                break;
            }
            if (open > pos)
                segments.push_back({SigmaString::literal(t.substr(pos, open - pos))});
            const std::string name = t.substr(open + 1, close - open - 1);
            auto it = placeholders.find(name);
            if (it == placeholders.end() || it->second.empty()) {
                missing.push_back(name);
                segments.push_back({SigmaString::literal(t.substr(open, close - open + 1))});
            } else {
                // Placeholder values are Sigma strings: their wildcards are wildcards (pySigma).
                std::vector<SigmaString> alts;
                for (const auto& v : it->second)
                    alts.push_back(SigmaString::parse(v));
                segments.push_back(std::move(alts));
            }
            pos = close + 1;
        }
    });
}

std::string base64Encode(std::string_view bytes)
{
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        const unsigned v =
            (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::vector<std::string> base64OffsetVariants(std::string_view bytes)
{
    // For shift i (0, 1, 2 bytes of unknown prefix) encode i filler bytes + value, drop the
    // characters that depend on the filler at the start (0, 2, 3) and on the unknown following
    // bytes at the end (none, 3 or 2 characters, by (len + i) % 3).
    static const int startOffsets[3] = {0, 2, 3};
    static const int endOffsets[3] = {0, -3, -2};
    std::vector<std::string> out;
    for (int i = 0; i < 3; ++i) {
        std::string shifted(static_cast<std::size_t>(i), ' ');
        shifted += bytes;
        const std::string encoded = base64Encode(shifted);
        const int endOffset = endOffsets[(bytes.size() + i) % 3];
        const int begin = startOffsets[i];
        const int end = static_cast<int>(encoded.size()) + endOffset;
        out.push_back(end > begin ? encoded.substr(begin, end - begin) : std::string());
    }
    return out;
}

std::string toUtf16(std::string_view utf8, Utf16Kind kind)
{
    std::string out;
    if (kind == Utf16Kind::WithBom)
        out += "\xFF\xFE";
    const bool be = kind == Utf16Kind::BE;
    auto unit = [&](std::uint16_t u) {
        const char lo = static_cast<char>(u & 0xFF), hi = static_cast<char>(u >> 8);
        if (be) {
            out += hi;
            out += lo;
        } else {
            out += lo;
            out += hi;
        }
    };
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const char32_t cp = decodeUtf8(utf8, pos);
        if (cp >= 0x10000) {
            const char32_t v = cp - 0x10000;
            unit(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
            unit(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
        } else {
            unit(static_cast<std::uint16_t>(cp));
        }
    }
    return out;
}

// --- glob -----------------------------------------------------------------------------------------

Glob::Glob(const SigmaString& pattern, bool fold)
    : m_fold(fold)
{
    for (const auto& p : pattern.parts) {
        if (p.kind == Kind::Literal) {
            std::string text = fold ? folded(p.text) : p.text;
            if (!m_elems.empty() && m_elems.back().kind == Elem::Kind::Literal)
                m_elems.back().text += text;
            else
                m_elems.push_back({Elem::Kind::Literal, std::move(text)});
        } else if (p.kind == Kind::Star) {
            if (m_elems.empty() || m_elems.back().kind != Elem::Kind::Star)
                m_elems.push_back({Elem::Kind::Star, {}});
        } else {
            m_elems.push_back({Elem::Kind::Question, {}});
        }
    }
    for (const auto& e : m_elems)
        if (e.kind == Elem::Kind::Literal && e.text.size() > m_longest.size())
            m_longest = e.text;

    bool hasQuestion = false;
    int stars = 0, literals = 0;
    for (const auto& e : m_elems) {
        hasQuestion |= e.kind == Elem::Kind::Question;
        stars += e.kind == Elem::Kind::Star;
        literals += e.kind == Elem::Kind::Literal;
    }
    const auto n = m_elems.size();
    if (hasQuestion) {
        m_shape = Shape::General;
    } else if (n == 0) {
        m_shape = Shape::Exact; // the empty string
    } else if (stars == 0) {
        m_shape = Shape::Exact;
        m_literal = m_elems[0].text;
    } else if (literals == 0) {
        m_shape = Shape::Any;
    } else if (n == 2 && m_elems[0].kind == Elem::Kind::Literal) {
        m_shape = Shape::Prefix;
        m_literal = m_elems[0].text;
    } else if (n == 2) {
        m_shape = Shape::Suffix;
        m_literal = m_elems[1].text;
    } else if (n == 3 && m_elems[1].kind == Elem::Kind::Literal) {
        m_shape = Shape::Contains;
        m_literal = m_elems[1].text;
    } else {
        m_shape = Shape::General;
    }
}

bool Glob::match(std::string_view text) const
{
    switch (m_shape) {
    case Shape::Exact:
        return text == m_literal;
    case Shape::Prefix:
        return text.size() >= m_literal.size() && std::memcmp(text.data(), m_literal.data(), m_literal.size()) == 0;
    case Shape::Suffix:
        return text.size() >= m_literal.size() &&
               std::memcmp(text.data() + text.size() - m_literal.size(), m_literal.data(), m_literal.size()) == 0;
    case Shape::Contains:
        return memmem(text.data(), text.size(), m_literal.data(), m_literal.size()) != nullptr;
    case Shape::Any:
        return true;
    case Shape::General:
        return matchGeneral(text);
    }
    return false;
}

namespace {
constexpr std::size_t npos = std::string_view::npos;

/// Matches chunk elements [first, last) (literals and '?') at pos; the end position or npos.
template <typename It>
std::size_t matchChunkAt(It first, It last, std::string_view text, std::size_t pos)
{
    for (It it = first; it != last; ++it) {
        if (it->kind == decltype(it->kind)::Question) {
            if (pos >= text.size())
                return npos;
            decodeUtf8(text, pos);
        } else {
            const auto& lit = it->text;
            if (text.size() - pos < lit.size() || std::memcmp(text.data() + pos, lit.data(), lit.size()) != 0)
                return npos;
            pos += lit.size();
        }
    }
    return pos;
}

void nextCodePoint(std::string_view text, std::size_t& pos)
{
    if (pos < text.size())
        decodeUtf8(text, pos);
    else
        ++pos;
}
} // namespace

bool Glob::matchGeneral(std::string_view text) const
{
    using EK = Elem::Kind;
    auto begin = m_elems.begin();
    const auto end = m_elems.end();
    std::size_t pos = 0;
    // Leading chunk, anchored at the start.
    auto chunkEnd = [&](decltype(begin) from) {
        while (from != end && from->kind != EK::Star)
            ++from;
        return from;
    };
    auto ce = chunkEnd(begin);
    if (begin != ce || begin == end) {
        pos = matchChunkAt(begin, ce, text, 0);
        if (pos == npos)
            return false;
        if (ce == end)
            return pos == text.size();
    }
    begin = ce; // at a star
    while (begin != end) {
        ++begin; // skip the star
        if (begin == end)
            return true; // trailing star
        ce = chunkEnd(begin);
        // The chunk's possible starts, from pos on, in order: every code point boundary; or, when
        // the chunk begins with a literal whose first byte is ASCII, only the places where that
        // literal occurs (an ASCII byte is never inside a multi-byte sequence, so each is a
        // boundary, and no other boundary can start a match).
        const bool jump = begin->kind == EK::Literal && static_cast<unsigned char>(begin->text[0]) < 0x80;
        auto firstStart = [&](std::size_t from) {
            if (!jump)
                return from;
            if (from > text.size())
                return npos;
            const void* at = memmem(text.data() + from, text.size() - from, begin->text.data(), begin->text.size());
            return at ? static_cast<std::size_t>(static_cast<const char*>(at) - text.data()) : npos;
        };
        auto nextStart = [&](std::size_t s) {
            if (!jump) {
                nextCodePoint(text, s);
                return s;
            }
            return firstStart(s + 1);
        };
        if (ce == end) {
            // Last chunk: must end at the end of the text.
            for (std::size_t s = firstStart(pos); s != npos && s <= text.size(); s = nextStart(s))
                if (matchChunkAt(begin, ce, text, s) == text.size())
                    return true;
            return false;
        }
        // Middle chunk: leftmost occurrence.
        std::size_t found = npos;
        for (std::size_t s = firstStart(pos); s != npos && s <= text.size(); s = nextStart(s)) {
            const std::size_t e = matchChunkAt(begin, ce, text, s);
            if (e != npos) {
                found = e;
                break;
            }
        }
        if (found == npos)
            return false;
        pos = found;
        begin = ce;
    }
    return pos == text.size();
}

} // namespace sigma::engine
