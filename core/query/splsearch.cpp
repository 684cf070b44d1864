#include "query/splsearch.h"
#include "query/splcursor.h"

#include <algorithm>

namespace sigma {

namespace {

using querytree::logical;
using querytree::negation;
using splsupport::Cursor;

/// Data selectors of the search command: noted as sources, never indicators.
bool isSourceField(std::string_view f)
{
    const std::string l = asciiLowered(f);
    return l == "index" || l == "sourcetype" || l == "source" || l == "eventtype";
}

} // namespace

using splsupport::unquoted;

SplSearchReader::SplSearchReader(const SplExpanded& expanded, const QuerySource& source)
    : m_ex(expanded)
    , m_src(source)
{}

SourceSpan SplSearchReader::span(std::size_t b, std::size_t e) const
{
    if (m_ex.text.empty())
        return m_src.span(0, 0);
    b = std::min(b, m_ex.text.size() - 1);
    if (e <= b)
        return m_src.span(m_ex.from[b], m_ex.from[b]);
    e = std::min(e, m_ex.text.size());
    return m_src.span(m_ex.from[b], std::max(m_ex.to[e - 1], m_ex.from[b]));
}

SplSearchReader::Resolved SplSearchReader::resolve(const std::string& written) const
{
    const std::string name = unquoted(written);
    if (auto it = m_aliases.find(name); it != m_aliases.end())
        return {it->second.field, it->second.function, true};
    if (m_computed.count(name))
        return {name, {}, false};
    Resolved r{name, {}, true};
    if (name.find('.') == std::string::npos && !m_prefixDrops.empty()) {
        const std::string candidate = m_prefixDrops.back() + "." + name;
        if (!m_aggregated || m_groupKeys.count(candidate))
            r.field = candidate;
    }
    if (m_aggregated && !m_groupKeys.count(r.field))
        r.onEventField = false;
    return r;
}

void SplSearchReader::setComputed(const std::string& written)
{
    const std::string name = unquoted(written);
    m_aliases.erase(name);
    m_computed.insert(name);
}

void SplSearchReader::setAlias(const std::string& written, std::string field, std::string function)
{
    const std::string name = unquoted(written);
    m_computed.erase(name);
    m_aliases[name] = {std::move(field), std::move(function)};
}

// --- the search command ---------------------------------------------------------------------------

class SplSearchParser {
public:
    SplSearchParser(SplSearchReader& reader, std::size_t b, std::size_t e, ParsedQuery& out)
        : m_r(reader)
        , m_c{reader.m_ex.text, b, e}
        , m_out(out)
    {}

    PredicateNode run()
    {
        m_c.skip();
        if (m_c.done()) {
            PredicateNode all;
            all.kind = PredicateNode::Kind::And;
            return all;
        }
        PredicateNode n = andExpr();
        m_c.skip();
        if (!m_c.done())
            fail("unexpected '" + std::string(1, m_c.cur()) + "'");
        return n;
    }

private:
    [[noreturn]] void fail(const std::string& message) const
    {
        const std::size_t at = std::min(m_c.p, m_r.m_ex.text.size() - 1);
        throw QuerySyntaxError{message, m_r.m_ex.from[at], m_r.m_ex.to[at]};
    }

    PredicateNode andExpr()
    {
        const querytree::DepthGuard depthGuard(m_depth, m_r.m_ex.from[std::min(m_c.p, m_r.m_ex.text.size() - 1)]);
        const std::size_t begin = m_c.p;
        std::vector<PredicateNode> parts{orExpr()};
        while (true) {
            m_c.skip();
            if (m_c.done() || m_c.cur() == ')')
                break;
            if (m_c.word("AND")) {
                m_c.p += 3;
                m_c.skip();
            }
            parts.push_back(orExpr());
        }
        return logical(PredicateNode::Kind::And, std::move(parts), m_r.span(begin, m_c.p));
    }

    PredicateNode orExpr()
    {
        const std::size_t begin = m_c.p;
        std::vector<PredicateNode> parts{notExpr()};
        while (true) {
            const std::size_t save = m_c.p;
            m_c.skip();
            if (!m_c.word("OR")) {
                m_c.p = save;
                break;
            }
            m_c.p += 2;
            m_c.skip();
            parts.push_back(notExpr());
        }
        return logical(PredicateNode::Kind::Or, std::move(parts), m_r.span(begin, m_c.p));
    }

    PredicateNode notExpr()
    {
        m_c.skip();
        const std::size_t begin = m_c.p;
        if (m_c.word("NOT")) {
            const querytree::DepthGuard depthGuard(m_depth, m_r.m_ex.from[std::min(m_c.p, m_r.m_ex.text.size() - 1)]);
            m_c.p += 3;
            m_c.skip();
            PredicateNode inner = notExpr();
            return negation(std::move(inner), m_r.span(begin, m_c.p));
        }
        return primary();
    }

    struct Word {
        std::string text;
        std::size_t begin = 0, end = 0;
        bool quoted = false;
    };

    bool quoted(Word& w)
    {
        if (m_c.cur() != '"')
            return false;
        w = {};
        w.quoted = true;
        w.begin = m_c.p++;
        while (true) {
            if (m_c.done())
                fail("unterminated quoted string");
            const char c = m_c.cur();
            if (c == '"')
                break;
            if (c == '\\' && (m_c.at(m_c.p + 1) == '"' || m_c.at(m_c.p + 1) == '\\')) {
                w.text += m_c.at(m_c.p + 1);
                m_c.p += 2;
                continue;
            }
            w.text += c;
            ++m_c.p;
        }
        ++m_c.p;
        w.end = m_c.p;
        return true;
    }

    static bool stops(char c, char next)
    {
        return querytree::isBlank(c) || c == '(' || c == ')' || c == '"' || c == '=' || c == '<' || c == '>' ||
               c == ',' || c == '[' || c == ']' || (c == '!' && next == '=');
    }

    /// A bare word. As a value (after an operator), parentheses closed within the word belong
    /// to it (process=*GetCurrent()*).
    bool bare(Word& w, bool asValue = false)
    {
        w = {};
        w.begin = m_c.p;
        while (!m_c.done()) {
            const char c = m_c.cur();
            if (asValue && c == '(') {
                std::size_t q = m_c.p + 1;
                while (q < m_c.e && m_c.t[q] != ')' && !querytree::isBlank(m_c.t[q]) && m_c.t[q] != '(')
                    ++q;
                if (q < m_c.e && m_c.t[q] == ')' && q > m_c.p) {
                    w.text.append(m_c.t, m_c.p, q + 1 - m_c.p);
                    m_c.p = q + 1;
                    continue;
                }
            }
            if (stops(c, m_c.at(m_c.p + 1)))
                break;
            if (c == '\\' && (m_c.at(m_c.p + 1) == '\\' || m_c.at(m_c.p + 1) == '"')) {
                w.text += m_c.at(m_c.p + 1);
                m_c.p += 2;
                continue;
            }
            w.text += c;
            ++m_c.p;
        }
        w.end = m_c.p;
        return w.end > w.begin;
    }

    bool value(Word& w, bool asValue = false) { return quoted(w) || bare(w, asValue); }

    QueryValue valueOf(const Word& w) const
    {
        QueryValue v;
        v.text = w.text;
        v.span = m_r.span(w.begin, w.end);
        v.wildcards = querytree::wildcardsIn(v.text, false);
        if (!w.quoted && v.wildcards.empty() && querytree::looksNumeric(v.text))
            v.type = QueryValue::Type::Number;
        return v;
    }

    /// The comparison operator at the cursor (after optional spaces), or empty.
    std::string comparisonAhead()
    {
        std::size_t q = m_c.p;
        while (q < m_c.e && querytree::isBlank(m_c.t[q]))
            ++q;
        const char c = m_c.at(q), n = m_c.at(q + 1);
        if (c == '!' && n == '=')
            return "!=";
        if ((c == '<' || c == '>') && n == '=')
            return std::string(1, c) + "=";
        if (c == '=' && n == '=')
            return "==";
        if (c == '=' || c == '<' || c == '>')
            return std::string(1, c);
        return {};
    }

    PredicateNode compareNode(const Word& field, std::size_t begin) const
    {
        PredicateNode n;
        const auto r = m_r.resolve(field.text);
        n.field = r.field;
        if (r.field != field.text)
            n.fieldAsWritten = field.text;
        n.function = r.function;
        n.onEventField = r.onEventField;
        n.fieldSpan = m_r.span(field.begin, field.end);
        n.span = m_r.span(begin, m_c.p);
        return n;
    }

    PredicateNode primary()
    {
        m_c.skip();
        const std::size_t begin = m_c.p;
        const char c = m_c.cur();
        if (c == '(') {
            ++m_c.p;
            PredicateNode inner = andExpr();
            m_c.skip();
            if (m_c.cur() != ')')
                fail("expected ')'");
            ++m_c.p;
            return inner;
        }
        if (c == '[') {
            int depth = 0;
            for (; !m_c.done(); ++m_c.p) {
                if (m_c.cur() == '[')
                    ++depth;
                else if (m_c.cur() == ']' && --depth == 0)
                    break;
            }
            if (m_c.done())
                fail("unterminated [subsearch]");
            ++m_c.p;
            return querytree::opaque("subsearch", m_r.span(begin, m_c.p));
        }
        if (c == ',' || c == ']') {
            ++m_c.p; // stray separators between terms
            return primary();
        }
        Word w;
        if (!value(w))
            fail("expected a search term");
        // TERM(x) / CASE(x)
        if (!w.quoted && (w.text == "TERM" || w.text == "CASE") && m_c.cur() == '(') {
            const auto close = m_c.t.find(')', m_c.p);
            if (close == std::string::npos || close >= m_c.e)
                fail("expected ')' closing " + w.text + "(");
            Word inner{m_c.t.substr(m_c.p + 1, close - m_c.p - 1), m_c.p + 1, close, false};
            m_c.p = close + 1;
            PredicateNode n;
            n.opText = w.text;
            n.cased = w.text == "CASE";
            n.values.push_back(valueOf(inner));
            n.span = m_r.span(begin, m_c.p);
            return n;
        }
        const std::string op = comparisonAhead();
        if (!op.empty()) {
            m_c.skip();
            m_c.p += op.size();
            m_c.skip();
            Word v;
            if (!value(v, true))
                v = {"", m_c.p, m_c.p, false};
            PredicateNode n = compareNode(w, begin);
            n.span = m_r.span(begin, m_c.p);
            n.opText = op;
            if (isSourceField(w.text) && op == "=")
                addSource(asciiLowered(w.text) + "=" + v.text);
            if (!v.quoted && v.text == "*") {
                n.op = op == "!=" ? CompareOp::IsNull : CompareOp::Exists;
                n.values.push_back(valueOf(v)); // shown as written
                return n;
            }
            n.op = op == "=" || op == "==" ? CompareOp::Equals
                   : op == "!="            ? CompareOp::NotEquals
                   : op == "<"             ? CompareOp::Less
                   : op == "<="            ? CompareOp::LessOrEqual
                   : op == ">"             ? CompareOp::Greater
                                           : CompareOp::GreaterOrEqual;
            n.values.push_back(valueOf(v));
            return n;
        }
        // field IN (a, b, ...)
        {
            const std::size_t save = m_c.p;
            m_c.skip();
            if (!w.quoted && m_c.word("IN")) {
                m_c.p += 2;
                m_c.skip();
                if (m_c.cur() == '(') {
                    ++m_c.p;
                    PredicateNode n = compareNode(w, begin);
                    n.op = CompareOp::Equals;
                    n.opText = "IN";
                    while (true) {
                        m_c.skip();
                        if (m_c.cur() == ',') {
                            ++m_c.p;
                            continue;
                        }
                        if (m_c.cur() == ')')
                            break;
                        Word v;
                        if (!value(v))
                            fail("expected a value or ')' in the IN list");
                        n.values.push_back(valueOf(v));
                    }
                    ++m_c.p;
                    n.span = m_r.span(begin, m_c.p);
                    return n;
                }
            }
            m_c.p = save;
        }
        // a term or phrase: free text
        PredicateNode n;
        n.opText = "term";
        n.values.push_back(valueOf(w));
        n.span = m_r.span(begin, m_c.p);
        return n;
    }

    void addSource(const std::string& s)
    {
        if (std::find(m_out.sources.begin(), m_out.sources.end(), s) == m_out.sources.end())
            m_out.sources.push_back(s);
    }

    SplSearchReader& m_r;
    Cursor m_c;
    ParsedQuery& m_out;
    int m_depth = 0;
};

PredicateNode SplSearchReader::search(std::size_t b, std::size_t e, ParsedQuery& out)
{
    return SplSearchParser(*this, b, e, out).run();
}

// --- where / eval expressions -----------------------------------------------------------------------

PredicateNode SplSearchReader::regexCommand(std::size_t b, std::size_t e)
{
    Cursor c{m_ex.text, b, e};
    c.skip();
    std::string field = "_raw";
    std::size_t fieldBegin = c.p, fieldEnd = c.p;
    bool negated = false;
    // field= / field!=
    std::size_t q = c.p;
    while (q < e && (querytree::isWordChar(m_ex.text[q]) || m_ex.text[q] == '.'))
        ++q;
    if (q > c.p && q < e && (m_ex.text[q] == '=' || (m_ex.text[q] == '!' && q + 1 < e && m_ex.text[q + 1] == '='))) {
        field = m_ex.text.substr(c.p, q - c.p);
        fieldEnd = q;
        negated = m_ex.text[q] == '!';
        c.p = q + (negated ? 2 : 1);
    }
    c.skip();
    std::string pattern;
    const std::size_t vb = c.p;
    if (c.cur() == '"') {
        ++c.p;
        while (!c.done() && c.cur() != '"') {
            if (c.cur() == '\\' && (c.at(c.p + 1) == '"' || c.at(c.p + 1) == '\\')) {
                pattern += c.at(c.p + 1);
                c.p += 2;
                continue;
            }
            pattern += c.cur();
            ++c.p;
        }
        if (c.done())
            throw QuerySyntaxError{"unterminated regular expression", m_ex.from[vb], m_ex.to[vb]};
        ++c.p;
    } else {
        while (!c.done() && !querytree::isBlank(c.cur()))
            pattern += m_ex.text[c.p++];
    }
    PredicateNode n;
    const auto r = resolve(field);
    n.field = r.field;
    if (r.field != field)
        n.fieldAsWritten = field;
    n.onEventField = r.onEventField;
    n.fieldSpan = fieldEnd > fieldBegin ? span(fieldBegin, fieldEnd) : SourceSpan{};
    n.op = CompareOp::Regex;
    n.opText = "regex";
    n.cased = !pattern.starts_with("(?i)");
    QueryValue v;
    v.text = std::move(pattern);
    v.span = span(vb, c.p);
    n.values.push_back(std::move(v));
    n.span = span(b, c.p);
    if (negated)
        return negation(std::move(n), span(b, c.p));
    return n;
}

// --- what commands do to names ------------------------------------------------------------------

} // namespace sigma
