#include "query/splsearch.h"

#include "query/treebuild.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma {

namespace {

using querytree::logical;
using querytree::negation;

std::string unquoted(std::string s)
{
    if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'')))
        return s.substr(1, s.size() - 2);
    return s;
}

/// Data selectors of the search command: noted as sources, never indicators.
bool isSourceField(std::string_view f)
{
    const std::string l = asciiLowered(f);
    return l == "index" || l == "sourcetype" || l == "source" || l == "eventtype";
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

} // namespace

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
};

PredicateNode SplSearchReader::search(std::size_t b, std::size_t e, ParsedQuery& out)
{
    return SplSearchParser(*this, b, e, out).run();
}

// --- where / eval expressions -----------------------------------------------------------------------

class SplEvalParser {
public:
    SplEvalParser(SplSearchReader& reader, std::size_t b, std::size_t e)
        : m_r(reader)
        , m_c{reader.m_ex.text, b, e}
    {}

    PredicateNode run()
    {
        m_c.skip();
        if (m_c.done())
            fail("expected an expression after where");
        PredicateNode n = orExpr();
        m_c.skip();
        if (!m_c.done())
            fail("unexpected '" + std::string(1, m_c.cur()) + "' in the where expression");
        return n;
    }

private:
    struct Operand {
        enum class Kind { Field, Literal, Function, Other };
        Kind kind = Kind::Other;
        std::string name; ///< Field: as written; Function: lower case
        QueryValue literal;
        std::vector<Operand> args;
        int nested = -1;
        std::size_t begin = 0, end = 0;
    };

    [[noreturn]] void fail(const std::string& message) const
    {
        const std::size_t at = std::min(m_c.p, m_r.m_ex.text.size() - 1);
        throw QuerySyntaxError{message, m_r.m_ex.from[at], m_r.m_ex.to[at]};
    }

    bool keyword(std::string_view w)
    {
        m_c.skip();
        return m_c.word(w, true);
    }

    PredicateNode orExpr()
    {
        const std::size_t begin = m_c.p;
        std::vector<PredicateNode> parts{andExpr()};
        while (keyword("OR") || (m_c.cur() == '|' && m_c.at(m_c.p + 1) == '|')) {
            m_c.p += 2;
            parts.push_back(andExpr());
        }
        return logical(PredicateNode::Kind::Or, std::move(parts), m_r.span(begin, m_c.p));
    }

    PredicateNode andExpr()
    {
        const std::size_t begin = m_c.p;
        std::vector<PredicateNode> parts{notExpr()};
        while (keyword("AND") || (m_c.cur() == '&' && m_c.at(m_c.p + 1) == '&')) {
            m_c.p += m_c.cur() == '&' ? 2 : 3;
            parts.push_back(notExpr());
        }
        return logical(PredicateNode::Kind::And, std::move(parts), m_r.span(begin, m_c.p));
    }

    PredicateNode notExpr()
    {
        m_c.skip();
        const std::size_t begin = m_c.p;
        if (keyword("NOT") || (m_c.cur() == '!' && m_c.at(m_c.p + 1) != '=')) {
            m_c.p += m_c.cur() == '!' ? 1 : 3;
            PredicateNode inner = notExpr();
            return negation(std::move(inner), m_r.span(begin, m_c.p));
        }
        return comparison();
    }

    std::string relOp()
    {
        m_c.skip();
        const char c = m_c.cur(), n = m_c.at(m_c.p + 1);
        if ((c == '=' || c == '!' || c == '<' || c == '>') && n == '=')
            return std::string{c, n};
        if (c == '=' || c == '<' || c == '>')
            return std::string(1, c);
        return {};
    }

    PredicateNode comparison()
    {
        const std::size_t begin = m_c.p;
        Operand left = sum();
        bool negated = false;
        {
            const std::size_t save = m_c.p;
            if (keyword("NOT")) {
                m_c.p += 3;
                if (keyword("IN") || keyword("LIKE"))
                    negated = true;
                else
                    m_c.p = save;
            }
        }
        auto maybeNot = [&](PredicateNode n) { return negated ? negation(std::move(n), m_r.span(begin, m_c.p)) : n; };
        if (keyword("IN")) {
            m_c.p += 2;
            m_c.skip();
            if (m_c.cur() != '(')
                fail("expected '(' after IN");
            ++m_c.p;
            std::vector<Operand> items;
            while (true) {
                m_c.skip();
                if (m_c.cur() == ')')
                    break;
                items.push_back(sum());
                m_c.skip();
                if (m_c.cur() == ',')
                    ++m_c.p;
                else if (m_c.cur() != ')')
                    fail("expected ',' or ')' in the IN list");
            }
            ++m_c.p;
            return maybeNot(build(left, CompareOp::Equals, "IN", items, begin, false));
        }
        if (keyword("LIKE")) {
            m_c.p += 4;
            Operand pattern = sum();
            return maybeNot(build(left, CompareOp::Equals, "LIKE", {pattern}, begin, true));
        }
        const std::string op = relOp();
        if (!op.empty()) {
            m_c.p += op.size();
            Operand right = sum();
            if (left.kind == Operand::Kind::Literal && right.kind != Operand::Kind::Literal)
                std::swap(left, right);
            const CompareOp cop = op == "=" || op == "==" ? CompareOp::Equals
                                  : op == "!="            ? CompareOp::NotEquals
                                  : op == "<"             ? CompareOp::Less
                                  : op == "<="            ? CompareOp::LessOrEqual
                                  : op == ">"             ? CompareOp::Greater
                                                          : CompareOp::GreaterOrEqual;
            return build(left, cop, op, {right}, begin, false);
        }
        return standalone(left, begin);
    }

    QueryValue likeValue(QueryValue v) const
    {
        v.wildcards.clear();
        for (std::size_t i = 0; i < v.text.size(); ++i)
            if (v.text[i] == '%' || v.text[i] == '_')
                v.wildcards.push_back({static_cast<std::uint32_t>(i), v.text[i] == '%'});
        return v;
    }

    PredicateNode build(const Operand& subject, CompareOp cop, const std::string& opText,
                        const std::vector<Operand>& items, std::size_t begin, bool like)
    {
        PredicateNode n;
        n.op = cop;
        n.opText = opText;
        n.cased = true; // eval expressions are case-sensitive
        n.span = m_r.span(begin, m_c.p);
        const Operand* field = nullptr;
        if (subject.kind == Operand::Kind::Field) {
            field = &subject;
        } else if (subject.kind == Operand::Kind::Function && !subject.args.empty() &&
                   subject.args[0].kind == Operand::Kind::Field) {
            field = &subject.args[0];
            n.function = subject.name;
            if ((subject.name == "lower" || subject.name == "upper") && subject.args.size() == 1)
                n.cased = false;
            else
                n.onEventField = false;
        } else {
            return querytree::opaque("comparison: " + text(begin), n.span);
        }
        const auto r = m_r.resolve(field->name);
        n.field = r.field;
        if (r.field != field->name)
            n.fieldAsWritten = field->name;
        if (!r.function.empty()) {
            n.function = r.function;
            n.cased = false;
        }
        n.onEventField = n.onEventField && r.onEventField;
        n.fieldSpan = m_r.span(field->begin, field->end);
        for (const auto& it : items) {
            if (it.kind == Operand::Kind::Field) {
                QueryValue v;
                v.type = QueryValue::Type::Field;
                v.text = m_r.resolve(it.name).field;
                v.span = m_r.span(it.begin, it.end);
                n.values.push_back(std::move(v));
                continue;
            }
            if (it.kind != Operand::Kind::Literal)
                return querytree::opaque("comparison: " + text(begin), n.span);
            if (it.literal.type == QueryValue::Type::Null) {
                n.op = cop == CompareOp::NotEquals ? CompareOp::Exists : CompareOp::IsNull;
                n.cased = false;
                n.values.push_back(it.literal); // shown as written
                continue;
            }
            n.values.push_back(like ? likeValue(it.literal) : it.literal);
        }
        return n;
    }

    PredicateNode standalone(const Operand& o, std::size_t begin)
    {
        if (o.kind == Operand::Kind::Other && o.nested >= 0)
            return std::move(m_nested[static_cast<std::size_t>(o.nested)]);
        if (o.kind != Operand::Kind::Function)
            return querytree::opaque("expression: " + text(begin), m_r.span(begin, m_c.p));
        const std::string& f = o.name;
        auto fieldArg = [&](std::size_t i) { return i < o.args.size() && o.args[i].kind == Operand::Kind::Field; };
        if ((f == "isnull" || f == "isnotnull") && fieldArg(0)) {
            PredicateNode n =
                build(o.args[0], f == "isnull" ? CompareOp::IsNull : CompareOp::Exists, f, {}, begin, false);
            n.cased = false;
            return n;
        }
        if (f == "like" && o.args.size() == 2 && fieldArg(0))
            return build(o.args[0], CompareOp::Equals, "like", {o.args[1]}, begin, true);
        if (f == "match" && o.args.size() == 2 && fieldArg(0)) {
            PredicateNode n = build(o.args[0], CompareOp::Regex, "match", {o.args[1]}, begin, false);
            if (!n.values.empty() && n.values[0].text.starts_with("(?i)"))
                n.cased = false;
            return n;
        }
        if (f == "cidrmatch" && o.args.size() == 2 && fieldArg(1)) {
            PredicateNode n = build(o.args[1], CompareOp::Cidr, "cidrmatch", {o.args[0]}, begin, false);
            n.cased = false;
            return n;
        }
        if (f == "in" && o.args.size() >= 2 && fieldArg(0))
            return build(o.args[0], CompareOp::Equals, "in", {o.args.begin() + 1, o.args.end()}, begin, false);
        return querytree::opaque("function " + f + ": " + text(begin), m_r.span(begin, m_c.p));
    }

    std::string text(std::size_t begin) const { return m_c.t.substr(begin, m_c.p - begin); }

    Operand sum()
    {
        Operand left = product();
        while (true) {
            m_c.skip();
            const char c = m_c.cur();
            if (!(c == '+' || c == '-' || (c == '.' && querytree::isBlank(m_c.at(m_c.p + 1)))))
                break;
            ++m_c.p;
            Operand right = product();
            Operand o;
            o.begin = left.begin;
            o.end = right.end;
            left = o;
        }
        return left;
    }

    Operand product()
    {
        Operand left = unary();
        while (true) {
            m_c.skip();
            const char c = m_c.cur();
            if (!(c == '*' || c == '/' || c == '%'))
                break;
            ++m_c.p;
            Operand right = unary();
            Operand o;
            o.begin = left.begin;
            o.end = right.end;
            left = o;
        }
        return left;
    }

    Operand unary()
    {
        m_c.skip();
        if (m_c.cur() == '-') {
            const std::size_t begin = m_c.p++;
            Operand o = unary();
            if (o.kind == Operand::Kind::Literal && o.literal.type == QueryValue::Type::Number)
                o.literal.text = "-" + o.literal.text;
            else
                o.kind = Operand::Kind::Other;
            o.begin = begin;
            return o;
        }
        return primary();
    }

    /// Words that are operators in eval expressions (IN, LIKE before a list are not calls).
    static bool isOperatorWord(const std::string& w)
    {
        const std::string l = asciiLowered(w);
        return l == "in" || l == "and" || l == "or" || l == "not" || l == "xor";
    }

    static bool nameChar(char c)
    {
        return querytree::isWordChar(c) || c == '.' || c == ':' || c == '@' || c == '{' || c == '}';
    }

    Operand primary()
    {
        m_c.skip();
        Operand o;
        o.begin = m_c.p;
        const char c = m_c.cur();
        if (c == '(') {
            ++m_c.p;
            PredicateNode inner = orExpr();
            m_c.skip();
            if (m_c.cur() != ')')
                fail("expected ')'");
            ++m_c.p;
            o.nested = static_cast<int>(m_nested.size());
            m_nested.push_back(std::move(inner));
            o.end = m_c.p;
            return o;
        }
        if (c == '"') {
            ++m_c.p;
            std::string v;
            while (true) {
                if (m_c.done())
                    fail("unterminated string");
                if (m_c.cur() == '"')
                    break;
                if (m_c.cur() == '\\' && (m_c.at(m_c.p + 1) == '"' || m_c.at(m_c.p + 1) == '\\')) {
                    v += m_c.at(m_c.p + 1);
                    m_c.p += 2;
                    continue;
                }
                v += m_c.cur();
                ++m_c.p;
            }
            ++m_c.p;
            o.kind = Operand::Kind::Literal;
            o.literal.text = std::move(v);
            o.literal.span = m_r.span(o.begin, m_c.p);
            o.end = m_c.p;
            return o;
        }
        if (c == '\'') {
            const auto close = m_c.t.find('\'', m_c.p + 1);
            if (close == std::string::npos || close >= m_c.e)
                fail("unterminated 'field name'");
            o.kind = Operand::Kind::Field;
            o.name = m_c.t.substr(m_c.p + 1, close - m_c.p - 1);
            m_c.p = close + 1;
            o.end = m_c.p;
            return o;
        }
        if (!nameChar(c))
            fail("expected a field, a value or a function");
        while (!m_c.done() && nameChar(m_c.cur()))
            ++m_c.p;
        std::string name = m_c.t.substr(o.begin, m_c.p - o.begin);
        o.end = m_c.p;
        if (querytree::looksNumeric(name)) {
            o.kind = Operand::Kind::Literal;
            o.literal.type = QueryValue::Type::Number;
            o.literal.text = name;
            o.literal.span = m_r.span(o.begin, o.end);
            return o;
        }
        std::size_t afterName = m_c.p;
        while (afterName < m_c.e && querytree::isBlank(m_c.t[afterName]))
            ++afterName;
        if (m_c.at(afterName) == '(' && (afterName == m_c.p || !isOperatorWord(name))) {
            m_c.p = afterName + 1;
            o.kind = Operand::Kind::Function;
            o.name = asciiLowered(name);
            while (true) {
                m_c.skip();
                if (m_c.cur() == ')')
                    break;
                if (m_c.done())
                    fail("expected ')' closing " + name + "(");
                if (m_c.cur() == '*') { // count(*)
                    ++m_c.p;
                    continue;
                }
                o.args.push_back(argument());
                m_c.skip();
                if (m_c.cur() == ',')
                    ++m_c.p;
            }
            ++m_c.p;
            o.end = m_c.p;
            if ((o.name == "null" || o.name == "true" || o.name == "false") && o.args.empty()) {
                o.kind = Operand::Kind::Literal;
                o.literal.type = o.name == "null" ? QueryValue::Type::Null : QueryValue::Type::Boolean;
                o.literal.text = o.name;
                o.literal.span = m_r.span(o.begin, o.end);
            }
            return o;
        }
        const std::string l = asciiLowered(name);
        if (l == "true" || l == "false" || l == "null") {
            o.kind = Operand::Kind::Literal;
            o.literal.type = l == "null" ? QueryValue::Type::Null : QueryValue::Type::Boolean;
            o.literal.text = l;
            o.literal.span = m_r.span(o.begin, o.end);
            return o;
        }
        o.kind = Operand::Kind::Field;
        o.name = std::move(name);
        return o;
    }

    /// A function argument: a value, or a boolean expression (if(), case(), searchmatch()).
    Operand argument()
    {
        const std::size_t begin = m_c.p;
        Operand o = sum();
        m_c.skip();
        if (m_c.cur() == ',' || m_c.cur() == ')')
            return o;
        m_c.p = begin;
        orExpr();
        Operand other;
        other.begin = begin;
        other.end = m_c.p;
        return other;
    }

    SplSearchReader& m_r;
    Cursor m_c;
    std::vector<PredicateNode> m_nested;
};

PredicateNode SplSearchReader::where(std::size_t b, std::size_t e)
{
    return SplEvalParser(*this, b, e).run();
}

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
