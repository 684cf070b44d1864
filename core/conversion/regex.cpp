// Regular expressions for the backends (conversion/backend.h): Sigma patterns as PCRE/RE2 and as
// Lucene expressions, and `|re` values translated from PCRE to the Lucene dialect.
#include "conversion/backend.h"

#include <cstring>

namespace sigma::conversion::detail {

namespace {

using Kind = engine::SigmaString::Part::Kind;

void pcreLiteral(std::string_view text, std::string& out)
{
    for (const char c : text) {
        if (std::strchr("\\^$.|?*+()[]{}/", c) && c != 0)
            out += '\\';
        out += c;
    }
}

/// Lucene regexp operators: . ? + * | { } [ ] ( ) " \ and, with the default ALL flags, # @ & < > ~.
bool luceneSpecial(char c)
{
    return c != 0 && std::strchr(".?+*|{}[]()\"\\#@&<>~/^$", c) != nullptr;
}

void luceneLiteral(std::string_view text, bool lower, std::string& out)
{
    for (char c : text) {
        if (lower && c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + 32);
        if (luceneSpecial(c))
            out += '\\';
        out += c;
    }
}

// Character classes written out for Lucene (which knows no \d \w \s): the class body (no brackets).
constexpr const char* kDigit = "0-9";
constexpr const char* kWord = "a-zA-Z0-9_";
// \s without \f and \v: the targets' string literals have no escape for them (docs/conversion.md).
constexpr const char* kSpace = " \t\n\r";

} // namespace

std::string patternToRegex(const engine::SigmaString& pattern, bool cased)
{
    // A leading or trailing `*` is the unanchored search itself: `*\\cmd.exe` -> `\\cmd\.exe$`.
    const auto& parts = pattern.parts;
    std::size_t first = 0, last = parts.size();
    const bool openStart = !parts.empty() && parts.front().kind == Kind::Star;
    const bool openEnd = parts.size() > (openStart ? 1u : 0u) && parts.back().kind == Kind::Star;
    first += openStart ? 1 : 0;
    last -= openEnd ? 1 : 0;
    bool wild = false;
    std::string body;
    for (std::size_t i = first; i < last; ++i) {
        const auto& p = parts[i];
        wild = wild || p.kind != Kind::Literal;
        if (p.kind == Kind::Star)
            body += ".*";
        else if (p.kind == Kind::Question)
            body += '.';
        else
            pcreLiteral(p.text, body);
    }
    // `*` and `?` match any character, line breaks too: dot-all.
    const std::string flags = std::string(cased ? "" : "i") + (wild ? "s" : "");
    return (flags.empty() ? "" : "(?" + flags + ")") + (openStart ? "" : "^") + body + (openEnd ? "" : "$");
}

std::string regexWithFlags(const Predicate& p)
{
    std::string flags;
    if (p.reIgnoreCase)
        flags += 'i';
    if (p.reMultiline)
        flags += 'm';
    if (p.reDotAll)
        flags += 's';
    return flags.empty() ? p.text : "(?" + flags + ")" + p.text;
}

std::string patternToLuceneRegex(const engine::SigmaString& pattern, bool lower)
{
    std::string out;
    for (const auto& p : pattern.parts) {
        if (p.kind == Kind::Star)
            out += ".*";
        else if (p.kind == Kind::Question)
            out += '.';
        else
            luceneLiteral(p.text, lower, out);
    }
    return out;
}

bool pcreToLucene(const Predicate& p, bool lower, std::string& out, std::string& why)
{
    const std::string_view re = p.text;
    std::string body;
    bool anchoredStart = false, anchoredEnd = false;
    auto fail = [&](std::string reason) {
        why = "the regular expression '" + p.text + "' uses " + reason + ", which Lucene regular expressions lack";
        return false;
    };
    auto lowerChar = [&](char c) { return lower && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    const std::string anyButNewline = p.reDotAll ? "." : "[^\n]";
    std::size_t i = 0;
    if (re.substr(0, 1) == "^" && !p.reMultiline) {
        anchoredStart = true;
        i = 1;
    }
    std::size_t end = re.size();
    if (end > i && re[end - 1] == '$' && !p.reMultiline && (end < 2 || re[end - 2] != '\\')) {
        anchoredEnd = true;
        --end;
    }
    int depth = 0;
    while (i < end) {
        const char c = re[i];
        if (c == '\\') {
            if (i + 1 >= end)
                return fail("a trailing backslash");
            const char e = re[i + 1];
            i += 2;
            switch (e) {
            case 'd':
                body += std::string("[") + kDigit + "]";
                continue;
            case 'D':
                body += std::string("[^") + kDigit + "]";
                continue;
            case 'w':
                body += std::string("[") + kWord + "]";
                continue;
            case 'W':
                body += std::string("[^") + kWord + "]";
                continue;
            case 's':
                body += std::string("[") + kSpace + "]";
                continue;
            case 'S':
                body += std::string("[^") + kSpace + "]";
                continue;
            case 'n':
                body += '\n';
                continue;
            case 'r':
                body += '\r';
                continue;
            case 't':
                body += '\t';
                continue;
            default:
                break;
            }
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
                return fail(std::string("the escape \\") + e);
            body += '\\';
            body += e;
            continue;
        }
        if (c == '[') {
            // A class: copied, with \d \w \s written out and letters lowered.
            std::string cls = "[";
            ++i;
            if (i < end && re[i] == '^') {
                cls += '^';
                ++i;
            }
            bool firstChar = true;
            bool closed = false;
            while (i < end) {
                const char d = re[i];
                if (d == ']' && !firstChar) {
                    closed = true;
                    ++i;
                    break;
                }
                firstChar = false;
                if (d == '[' && i + 1 < end && re[i + 1] == ':')
                    return fail("a POSIX class");
                if (d == '\\' && i + 1 < end) {
                    const char e = re[i + 1];
                    i += 2;
                    if (e == 'd')
                        cls += kDigit;
                    else if (e == 'w')
                        cls += kWord;
                    else if (e == 's')
                        cls += kSpace;
                    else if (e == 'n')
                        cls += '\n';
                    else if (e == 'r')
                        cls += '\r';
                    else if (e == 't')
                        cls += '\t';
                    else if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))
                        return fail(std::string("the escape \\") + e + " in a class");
                    else {
                        cls += '\\';
                        cls += e;
                    }
                    continue;
                }
                if (luceneSpecial(d) && d != '-' && d != '^')
                    cls += '\\';
                cls += lowerChar(d);
                ++i;
            }
            if (!closed)
                return fail("an unclosed class");
            body += cls + "]";
            continue;
        }
        if (c == '(') {
            if (i + 1 < end && re[i + 1] == '?') {
                if (i + 2 < end && re[i + 2] == ':') {
                    body += '(';
                    i += 3;
                    ++depth;
                    continue;
                }
                return fail("a group option '(?'");
            }
            body += '(';
            ++depth;
            ++i;
            continue;
        }
        if (c == ')') {
            --depth;
            body += ')';
            ++i;
            continue;
        }
        if (c == '^' || c == '$')
            return fail("an anchor inside the expression");
        if (c == '.') {
            body += anyButNewline;
            ++i;
            continue;
        }
        if (c == '*' || c == '+' || c == '?' || c == '{') {
            if (c == '{') {
                const auto close = re.find('}', i);
                if (close == std::string_view::npos || close >= end) {
                    body += "\\{";
                    ++i;
                    continue;
                }
                body += std::string(re.substr(i, close - i + 1));
                i = close + 1;
            } else {
                body += c;
                ++i;
            }
            // Lazy quantifiers match the same texts (only the match bounds differ); possessive ones do not.
            if (i < end && re[i] == '?')
                ++i;
            else if (i < end && re[i] == '+')
                return fail("a possessive quantifier");
            continue;
        }
        if (c == '|') {
            if (depth == 0 && (anchoredStart || anchoredEnd))
                return fail("an anchored top-level alternation");
            body += '|';
            ++i;
            continue;
        }
        const char l = lowerChar(c);
        if (luceneSpecial(l))
            body += '\\';
        body += l;
        ++i;
    }
    const bool topAlternation = body.find('|') != std::string::npos;
    out.clear();
    if (!anchoredStart)
        out += ".*";
    if (topAlternation)
        out += "(" + body + ")";
    else
        out += body;
    if (!anchoredEnd)
        out += ".*";
    return true;
}

std::string re2Unsupported(std::string_view pcre)
{
    static const char* const constructs[][2] = {
        {"(?=", "a lookahead"},
        {"(?!", "a negative lookahead"},
        {"(?<=", "a lookbehind"},
        {"(?<!", "a negative lookbehind"},
        {"(?>", "an atomic group"},
        {"*+", "a possessive quantifier"},
        {"++", "a possessive quantifier"},
        {"?+", "a possessive quantifier"},
    };
    for (const auto& c : constructs)
        if (pcre.find(c[0]) != std::string_view::npos)
            return c[1];
    for (std::size_t i = 0; i + 1 < pcre.size(); ++i) {
        if (pcre[i] == '\\') {
            if (pcre[i + 1] >= '1' && pcre[i + 1] <= '9')
                return "a backreference";
            ++i;
        }
    }
    return {};
}

} // namespace sigma::conversion::detail
