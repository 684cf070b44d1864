#pragma once

// Internal: what the SPL expression readers (splsearch.cpp, spleval.cpp, splfields.cpp) share.

#include "query/treebuild.h"
#include "util/asciitext.h"

#include <string>
#include <string_view>

namespace sigma::splsupport {

/// A name without the double or single quotes around it.
inline std::string unquoted(std::string s)
{
    if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'')))
        return s.substr(1, s.size() - 2);
    return s;
}

/// A cursor over the expanded text [p, e).
struct Cursor {
    const std::string& t;
    std::size_t p;
    std::size_t e;

    char at(std::size_t i) const { return i < e ? t[i] : '\0'; }
    char cur() const { return at(p); }
    bool done() const { return p >= e; }
    void skip()
    {
        while (p < e && querytree::isBlank(t[p]))
            ++p;
    }
    /// An upper-case operator word (AND, OR, NOT, IN) at p, ending at a separator.
    bool word(std::string_view w, bool anyCase = false) const
    {
        if (p + w.size() > e)
            return false;
        std::string_view s = std::string_view(t).substr(p, w.size());
        if (anyCase ? asciiLowered(s) != asciiLowered(w) : s != w)
            return false;
        const char n = at(p + w.size());
        return n == '\0' || querytree::isBlank(n) || n == '(' || n == ')' || n == '"' || n == '[';
    }
};

} // namespace sigma::splsupport
