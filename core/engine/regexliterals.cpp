// Literal runs of regular expressions: what PCRE2 need not be asked about (see valuematchers.h).
#include "engine/valuematchers.h"

#include <string.h> // memmem

namespace sigma::engine {

std::vector<std::string> regexRequiredRuns(std::string_view p, bool caseless, bool& pure)
{
    std::vector<std::string> runs;
    pure = true;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty())
            runs.push_back(std::move(cur));
        cur.clear();
    };
    auto isAlnum = [](unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); };
    // Skips a character class starting at p[i] == '['; returns the index after it, or npos.
    auto skipClass = [&](std::size_t i) -> std::size_t {
        ++i;
        if (i < p.size() && p[i] == '^')
            ++i;
        if (i < p.size() && p[i] == ']')
            ++i;
        while (i < p.size()) {
            if (p[i] == '\\') {
                if (i + 1 < p.size() && (p[i + 1] == 'Q' || p[i + 1] == 'E'))
                    return std::string_view::npos;
                i += 2;
            } else if (p[i] == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
                const std::size_t close = p.find(std::string{p[i + 1], ']'}, i + 2);
                if (close == std::string_view::npos)
                    return std::string_view::npos;
                i = close + 2;
            } else if (p[i] == ']') {
                return i + 1;
            } else {
                ++i;
            }
        }
        return std::string_view::npos;
    };
    // Skips a group starting at p[i] == '('; returns the index after it, or npos.
    auto skipGroup = [&](std::size_t i) -> std::size_t {
        int depth = 0;
        while (i < p.size()) {
            const char c = p[i];
            if (c == '\\') {
                if (i + 1 < p.size() && (p[i + 1] == 'Q' || p[i + 1] == 'E'))
                    return std::string_view::npos;
                i += 2;
            } else if (c == '[') {
                i = skipClass(i);
                if (i == std::string_view::npos)
                    return i;
            } else if (c == '(') {
                // Only plain, non-capturing and lookaround groups: inline options and verbs change
                // how the rest of the pattern reads.
                if (i + 1 < p.size() && p[i + 1] == '*')
                    return std::string_view::npos;
                if (i + 1 < p.size() && p[i + 1] == '?') {
                    const std::string_view rest = p.substr(i + 2);
                    if (!(rest.starts_with(":") || rest.starts_with("=") || rest.starts_with("!") ||
                          rest.starts_with("<=") || rest.starts_with("<!")))
                        return std::string_view::npos;
                }
                ++depth;
                ++i;
            } else if (c == ')') {
                ++i;
                if (--depth == 0)
                    return i;
            } else {
                ++i;
            }
        }
        return std::string_view::npos;
    };
    std::size_t i = 0;
    while (i < p.size()) {
        const auto c = static_cast<unsigned char>(p[i]);
        int literal = -1; // the atom's byte when it is a literal, else -1 (an atom we do not read)
        const bool dot = c == '.';
        if (c == '\\') {
            if (i + 1 >= p.size())
                return {};
            const auto n = static_cast<unsigned char>(p[i + 1]);
            if (n < 0x80 && n >= 0x20 && !isAlnum(n))
                literal = n;
            else if (std::string_view("dDwWsShHvVbBAzZG").find(static_cast<char>(n)) == std::string_view::npos)
                return {};
            i += 2;
        } else if (c == '[') {
            i = skipClass(i);
            if (i == std::string_view::npos)
                return {};
        } else if (c == '(') {
            i = skipGroup(i);
            if (i == std::string_view::npos)
                return {};
        } else if (c == '|' || c == ')' || c == '*' || c == '+' || c == '?' || c == '{') {
            return {};
        } else if (c == '.' || c == '^' || c == '$') {
            ++i;
        } else if (c >= 0x80) {
            ++i; // one code point, read as an atom we do not know
            while (i < p.size() && (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80)
                ++i;
        } else {
            if (!(caseless && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
                literal = c;
            ++i;
        }
        // A quantifier applies to the atom just read.
        std::size_t min = 1;
        bool quantified = false;
        bool star = false; // the quantifier is '*'
        if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
            min = p[i] == '+' ? 1 : 0;
            star = p[i] == '*';
            quantified = true;
            ++i;
        } else if (i < p.size() && p[i] == '{') {
            std::size_t j = i + 1, digits = 0;
            min = 0;
            while (j < p.size() && p[j] >= '0' && p[j] <= '9') {
                min = std::min<std::size_t>(min * 10 + static_cast<std::size_t>(p[j] - '0'), 100000);
                ++j;
                ++digits;
            }
            if (j < p.size() && p[j] == ',') {
                ++j;
                while (j < p.size() && p[j] >= '0' && p[j] <= '9')
                    ++j;
            }
            if (digits == 0 || j >= p.size() || p[j] != '}')
                return {}; // a literal '{' or a form some PCRE2 version reads otherwise
            i = j + 1;
            quantified = true;
        }
        bool possessive = false;
        if (quantified && i < p.size() && (p[i] == '?' || p[i] == '+')) {
            possessive = p[i] == '+';
            ++i; // lazy / possessive
        }
        const bool gap = dot && star && !possessive; // `.*` or `.*?`
        if (!(gap || (literal >= 0 && !quantified && literal != '\n' && literal != '\r')))
            pure = false;
        if (literal >= 0 && min >= 1) {
            cur += static_cast<char>(literal);
            if (quantified)
                flush(); // what follows need not be adjacent (ab+c matches "abbc")
        } else {
            flush();
        }
    }
    flush();
    if (runs.empty())
        pure = false;
    return runs;
}

bool runsOccur(const std::vector<std::string>& runs, std::string_view text)
{
    std::size_t pos = 0;
    for (const auto& r : runs) {
        const void* at = memmem(text.data() + pos, text.size() - pos, r.data(), r.size());
        if (!at)
            return false;
        pos = static_cast<std::size_t>(static_cast<const char*>(at) - text.data()) + r.size();
    }
    return true;
}

} // namespace sigma::engine
