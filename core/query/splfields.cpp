// What SPL commands do to field names (eval, rex, rename, stats, lookup, tstats, join), so a later
// filter's field resolves to the event field it stands for.
#include "query/splcursor.h"
#include "query/splsearch.h"

#include <algorithm>

namespace sigma {

using splsupport::unquoted;

namespace {

/// Top-level comma-separated parts of [b, e).
std::vector<std::string> commaParts(const std::string& t, std::size_t b, std::size_t e)
{
    std::vector<std::string> out;
    int depth = 0;
    std::size_t start = b;
    for (std::size_t i = b; i <= e; ++i) {
        if (i == e || (t[i] == ',' && depth == 0)) {
            out.push_back(t.substr(start, i - start));
            start = i + 1;
            continue;
        }
        if (t[i] == '"') {
            for (++i; i < e && t[i] != '"'; ++i)
                if (t[i] == '\\')
                    ++i;
        } else if (t[i] == '(') {
            ++depth;
        } else if (t[i] == ')') {
            --depth;
        }
    }
    return out;
}

std::string trim(std::string s)
{
    while (!s.empty() && querytree::isBlank(s.front()))
        s.erase(0, 1);
    while (!s.empty() && querytree::isBlank(s.back()))
        s.pop_back();
    return s;
}

/// Whitespace-separated words of s, keeping f(a, b) and "quoted text" together.
std::vector<std::string> words(const std::string& s)
{
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            cur += c;
            if (c == '\\' && i + 1 < s.size())
                cur += s[++i];
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"')
            quoted = true;
        if (c == '(')
            ++depth;
        if (c == ')')
            --depth;
        if ((querytree::isBlank(c) || c == ',') && depth == 0) {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
            continue;
        }
        cur += c;
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

} // namespace

void SplSearchReader::evalCommand(std::size_t b, std::size_t e)
{
    for (const auto& part : commaParts(m_ex.text, b, e)) {
        const auto eq = part.find('=');
        if (eq == std::string::npos || (eq + 1 < part.size() && part[eq + 1] == '='))
            continue;
        const std::string target = trim(part.substr(0, eq));
        std::string expr = trim(part.substr(eq + 1));
        expr.erase(std::remove_if(expr.begin(), expr.end(), querytree::isBlank), expr.end());
        const std::string l = asciiLowered(expr);
        auto isName = [](const std::string& s) {
            return !s.empty() &&
                   std::all_of(s.begin(), s.end(), [](char c) { return querytree::isWordChar(c) || c == '.'; }) &&
                   !querytree::looksNumeric(s);
        };
        bool aliased = false;
        for (std::string fn : {"lower", "upper"}) {
            if (aliased || !l.starts_with(fn + "(") || l.back() != ')')
                continue;
            const std::string inner = expr.substr(fn.size() + 1, expr.size() - fn.size() - 2);
            if (!isName(inner))
                continue;
            if (const auto r = resolve(inner); r.onEventField) {
                setAlias(target, r.field, fn);
                aliased = true;
            }
        }
        if (!aliased && isName(expr)) {
            if (const auto r = resolve(expr); r.onEventField) {
                setAlias(target, r.field, r.function);
                aliased = true;
            }
        }
        if (!aliased)
            setComputed(target);
    }
}

void SplSearchReader::rexCommand(std::size_t b, std::size_t e)
{
    const std::string s = m_ex.text.substr(b, e - b);
    if (s.find("mode=sed") != std::string::npos)
        return;
    for (std::size_t i = s.find("(?<"); i != std::string::npos; i = s.find("(?<", i + 3)) {
        const auto close = s.find('>', i + 3);
        if (close != std::string::npos)
            setComputed(s.substr(i + 3, close - i - 3));
    }
    for (std::size_t i = s.find("(?P<"); i != std::string::npos; i = s.find("(?P<", i + 4)) {
        const auto close = s.find('>', i + 4);
        if (close != std::string::npos)
            setComputed(s.substr(i + 4, close - i - 4));
    }
}

void SplSearchReader::renameCommand(std::size_t b, std::size_t e)
{
    for (const auto& part : commaParts(m_ex.text, b, e)) {
        const auto w = words(part);
        for (std::size_t i = 0; i + 2 < w.size(); i += 3) {
            if (asciiLowered(w[i + 1]) != "as")
                break;
            const std::string from = unquoted(w[i]), to = unquoted(w[i + 2]);
            if (from.size() > 2 && from.ends_with(".*") && to == "*") {
                m_prefixDrops.push_back(from.substr(0, from.size() - 2));
                continue;
            }
            const auto r = resolve(from);
            if (r.onEventField)
                setAlias(to, r.field, r.function);
            else
                setComputed(to);
        }
    }
}

void SplSearchReader::outputsOf(std::size_t b, std::size_t e, bool aliasValues)
{
    const auto w = words(m_ex.text.substr(b, e - b));
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (w[i].find('=') != std::string::npos && w[i].find('(') == std::string::npos)
            continue; // options: summariesonly=t
        if (i + 2 < w.size() && asciiLowered(w[i + 1]) == "as") {
            const std::string& agg = w[i];
            const auto open = agg.find('(');
            const std::string fn = open == std::string::npos ? asciiLowered(agg) : asciiLowered(agg.substr(0, open));
            const std::string arg =
                open == std::string::npos ? std::string() : trim(agg.substr(open + 1, agg.size() - open - 2));
            if (aliasValues && !arg.empty() &&
                (fn == "values" || fn == "latest" || fn == "earliest" || fn == "first" || fn == "last")) {
                const auto r = resolve(arg);
                if (r.onEventField) {
                    setAlias(w[i + 2], r.field, r.function);
                    i += 2;
                    continue;
                }
            }
            setComputed(w[i + 2]);
            i += 2;
            continue;
        }
        setComputed(w[i]); // count, dc(x): named after themselves
    }
}

void SplSearchReader::statsCommand(std::size_t b, std::size_t e, bool collapses)
{
    // ... by keys
    const std::string s = m_ex.text.substr(b, e - b);
    std::size_t by = std::string::npos;
    const auto w = words(s);
    std::size_t offset = 0;
    for (const auto& word : w) {
        const auto at = s.find(word, offset);
        if (asciiLowered(word) == "by") {
            by = at;
            break;
        }
        offset = at + word.size();
    }
    outputsOf(b, by == std::string::npos ? e : b + by, true);
    if (collapses)
        groupBy(by == std::string::npos ? e : b + by + 2, e);
}

void SplSearchReader::lookupCommand(std::size_t b, std::size_t e)
{
    const auto w = words(m_ex.text.substr(b, e - b));
    bool output = false;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const std::string l = asciiLowered(w[i]);
        if (l == "output" || l == "outputnew") {
            output = true;
            continue;
        }
        if (!output)
            continue;
        if (i + 2 < w.size() && asciiLowered(w[i + 1]) == "as") {
            setComputed(w[i + 2]);
            i += 2;
        } else {
            setComputed(w[i]);
        }
    }
}

void SplSearchReader::outputNames(std::size_t b, std::size_t e)
{
    for (const auto& w : words(m_ex.text.substr(b, e - b)))
        if (asciiLowered(w).starts_with("output="))
            setComputed(w.substr(7));
}

void SplSearchReader::aggregates(std::size_t b, std::size_t e)
{
    outputsOf(b, e, true);
}

void SplSearchReader::importFields(const SplSearchReader& inner)
{
    for (const auto& [name, alias] : inner.m_aliases)
        setAlias(name, alias.field, alias.function);
    for (const auto& key : inner.m_groupKeys) {
        std::string name = key;
        for (const auto& prefix : inner.m_prefixDrops)
            if (name.starts_with(prefix + "."))
                name = name.substr(prefix.size() + 1);
        if (!resolve(name).onEventField)
            setAlias(name, key);
        if (m_aggregated)
            m_groupKeys.insert(key);
    }
}

void SplSearchReader::groupBy(std::size_t b, std::size_t e)
{
    std::set<std::string> keys;
    for (const auto& w : words(m_ex.text.substr(b, std::max(e, b) - b))) {
        if (w.find('=') != std::string::npos)
            continue; // span=1h
        keys.insert(resolve(w).field);
    }
    m_groupKeys = std::move(keys);
    m_aggregated = true;
}

} // namespace sigma
