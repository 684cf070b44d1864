// Lucene query string (Elasticsearch `query_string`, Elastic's "lucene" rule language), after
// Lucene's classic QueryParser syntax: terms and "phrases", field:value, field:(group), AND / OR /
// NOT, && || !, + and - prefixes, `*` and `?` wildcards in terms, `\` escapes, /regex/, ranges
// [a TO b] and {a TO b}, ^boost and ~fuzziness (ignored). Adjacent clauses are OR'ed (the
// default_operator of query_string). Values compare folded, as in KQL.

#include "query/query.h"
#include "query/treebuild.h"

namespace sigma {

namespace {

using querytree::logical;
using querytree::negation;

constexpr std::string_view luceneSpecials = "+-&|!(){}[]^\"~*?:\\/ \t\r\n";

class LuceneParser {
public:
    explicit LuceneParser(const QuerySource& source)
        : m_src(source)
        , m_t(source.text())
    {}

    PredicateNode run()
    {
        skip();
        if (m_p >= m_t.size()) {
            PredicateNode all;
            all.kind = PredicateNode::Kind::And;
            return all;
        }
        PredicateNode root = orExpr({});
        skip();
        if (m_p < m_t.size())
            fail("unexpected '" + std::string(1, m_t[m_p]) + "'");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& message) const
    {
        throw QuerySyntaxError{message, m_p, std::min(m_p + 1, m_t.size())};
    }
    char at(std::size_t p) const { return p < m_t.size() ? m_t[p] : '\0'; }
    void skip()
    {
        while (m_p < m_t.size() && (m_t[m_p] == ' ' || m_t[m_p] == '\t' || m_t[m_p] == '\r' || m_t[m_p] == '\n'))
            ++m_p;
    }
    /// AND / OR / NOT as an operator: the word not continued by a term character (JavaCC takes the
    /// longest token, so `NOT\ x`, `NOT*`, `OR-x` and `AND&x` are terms). Ends a term: whitespace
    /// (U+3000 too) and ! ( ) : ^ [ ] " { } ~ /.
    bool wordAt(std::string_view w) const
    {
        if (m_t.substr(m_p, w.size()) != w)
            return false;
        const std::size_t end = m_p + w.size();
        constexpr std::string_view termEnds = " \t\r\n!():^[]\"{}~/";
        return end >= m_t.size() || termEnds.find(m_t[end]) != std::string_view::npos ||
               m_t.substr(end, 3) == "\xE3\x80\x80";
    }
    bool atClauseEnd()
    {
        skip();
        return m_p >= m_t.size() || at(m_p) == ')';
    }

    enum class Occur { Should, Must, MustNot };

    /// A group of clauses, combined as Lucene's classic parser does with default_operator OR:
    /// `AND` makes both neighbours required, `+` required, `-` / `!` / `NOT` prohibited; the group
    /// matches when every required clause matches, no prohibited one does, and (without required
    /// clauses) at least one optional clause does.
    PredicateNode orExpr(const std::string& field)
    {
        const querytree::DepthGuard depthGuard(m_depth, m_p);
        const std::size_t begin = m_p;
        std::vector<std::pair<Occur, PredicateNode>> clauses;
        while (!atClauseEnd()) {
            bool conjAnd = false;
            if (!clauses.empty()) {
                if (wordAt("AND") || m_t.substr(m_p, 2) == "&&") {
                    m_p += at(m_p) == '&' ? 2 : 3;
                    conjAnd = true;
                } else if (wordAt("OR") || m_t.substr(m_p, 2) == "||") {
                    m_p += 2;
                }
                skip();
            }
            Occur occur = conjAnd ? Occur::Must : Occur::Should;
            if (wordAt("NOT") || at(m_p) == '!' || at(m_p) == '-') {
                m_p += wordAt("NOT") ? 3 : 1;
                occur = Occur::MustNot;
                skip();
            } else if (at(m_p) == '+') {
                ++m_p;
                occur = Occur::Must;
                skip();
            }
            if (conjAnd && clauses.back().first == Occur::Should)
                clauses.back().first = Occur::Must;
            PredicateNode c = clause(field);
            clauses.emplace_back(occur, std::move(c));
        }
        if (clauses.empty())
            fail("expected a clause");
        std::vector<PredicateNode> must, should;
        bool anyMust = false;
        for (const auto& [occur, node] : clauses)
            anyMust = anyMust || occur == Occur::Must;
        for (auto& [occur, node] : clauses) {
            if (occur == Occur::MustNot) {
                const SourceSpan nodeSpan = node.span;
                must.push_back(negation(std::move(node), nodeSpan));
            } else if (occur == Occur::Must)
                must.push_back(std::move(node));
            else if (!anyMust)
                should.push_back(std::move(node));
        }
        const SourceSpan span = m_src.span(begin, m_p);
        if (!should.empty())
            must.insert(must.begin(), logical(PredicateNode::Kind::Or, std::move(should), span));
        return logical(PredicateNode::Kind::And, std::move(must), span);
    }

    struct Term {
        std::string text;
        std::vector<std::uint32_t> escaped;
        std::size_t begin = 0, end = 0;
    };

    bool term(Term& out)
    {
        out = {};
        out.begin = m_p;
        while (m_p < m_t.size()) {
            const char c = m_t[m_p];
            if (c == '\\' && m_p + 1 < m_t.size()) {
                out.escaped.push_back(static_cast<std::uint32_t>(out.text.size()));
                out.text += m_t[m_p + 1];
                m_p += 2;
                continue;
            }
            if (c == '*' || c == '?' || ((c == '-' || c == '+') && !out.text.empty())) {
                out.text += c;
                ++m_p;
                continue;
            }
            if (luceneSpecials.find(c) != std::string_view::npos)
                break;
            out.text += c;
            ++m_p;
        }
        out.end = m_p;
        return out.end > out.begin;
    }

    void modifiers()
    {
        while (at(m_p) == '^' || at(m_p) == '~') {
            ++m_p;
            while ((at(m_p) >= '0' && at(m_p) <= '9') || at(m_p) == '.')
                ++m_p;
        }
    }

    PredicateNode compare(const std::string& field, std::size_t fieldBegin, std::size_t fieldEnd, QueryValue value,
                          CompareOp op, std::size_t begin)
    {
        PredicateNode n;
        n.field = field;
        if (!field.empty() && fieldEnd > fieldBegin)
            n.fieldSpan = m_src.span(fieldBegin, fieldEnd);
        n.op = op;
        n.opText = ":";
        n.values.push_back(std::move(value));
        n.span = m_src.span(begin, m_p);
        return n;
    }

    PredicateNode clause(const std::string& outerField)
    {
        const std::size_t begin = m_p;
        std::string field = outerField;
        std::size_t fieldBegin = m_fieldBegin, fieldEnd = m_fieldEnd;
        // field:
        if (at(m_p) != '(' && at(m_p) != '"' && at(m_p) != '/' && at(m_p) != '[' && at(m_p) != '{') {
            const std::size_t save = m_p;
            Term t;
            if (term(t) && at(m_p) == ':') {
                field = t.text;
                fieldBegin = t.begin;
                fieldEnd = t.end;
                ++m_p;
                skip();
            } else {
                m_p = save;
            }
        }
        const char c = at(m_p);
        if (c == '(') {
            ++m_p;
            const std::size_t sb = m_fieldBegin, se = m_fieldEnd;
            m_fieldBegin = fieldBegin;
            m_fieldEnd = fieldEnd;
            PredicateNode inner = orExpr(field);
            m_fieldBegin = sb;
            m_fieldEnd = se;
            skip();
            if (at(m_p) != ')')
                fail("expected ')'");
            ++m_p;
            modifiers();
            return inner;
        }
        if (c == '"') {
            const std::size_t vb = m_p++;
            QueryValue v;
            while (true) {
                if (m_p >= m_t.size())
                    fail("unterminated phrase");
                if (m_t[m_p] == '"')
                    break;
                if (m_t[m_p] == '\\' && m_p + 1 < m_t.size())
                    ++m_p;
                v.text += m_t[m_p++];
            }
            ++m_p;
            v.span = m_src.span(vb, m_p);
            modifiers();
            return compare(field, fieldBegin, fieldEnd, std::move(v), CompareOp::Equals, begin);
        }
        if (c == '/') {
            const std::size_t vb = m_p++;
            QueryValue v;
            while (true) {
                if (m_p >= m_t.size())
                    fail("unterminated regular expression");
                if (m_t[m_p] == '/')
                    break;
                if (m_t[m_p] == '\\' && at(m_p + 1) == '/')
                    ++m_p;
                v.text += m_t[m_p++];
            }
            ++m_p;
            v.span = m_src.span(vb, m_p);
            return compare(field, fieldBegin, fieldEnd, std::move(v), CompareOp::Regex, begin);
        }
        if (c == '[' || c == '{')
            return range(field, fieldBegin, fieldEnd, begin);
        if ((c == '>' || c == '<') && !field.empty()) { // field:>5, field:<=5 (one-sided ranges)
            const bool orEqual = at(m_p + 1) == '=';
            const CompareOp op = c == '>' ? (orEqual ? CompareOp::GreaterOrEqual : CompareOp::Greater)
                                          : (orEqual ? CompareOp::LessOrEqual : CompareOp::Less);
            m_p += orEqual ? 2 : 1;
            Term bound;
            if (!term(bound))
                fail("expected a value after the comparison");
            QueryValue v;
            v.text = bound.text;
            v.type = querytree::looksNumeric(bound.text) ? QueryValue::Type::Number : QueryValue::Type::String;
            v.span = m_src.span(bound.begin, bound.end);
            PredicateNode n = compare(field, fieldBegin, fieldEnd, std::move(v), op, begin);
            n.opText = std::string(1, c) + (orEqual ? "=" : "");
            return n;
        }
        Term t;
        if (!term(t))
            fail("expected a term");
        modifiers();
        QueryValue v;
        v.text = t.text;
        v.span = m_src.span(t.begin, t.end);
        if (t.text == "*" && t.escaped.empty() && !field.empty()) {
            v.wildcards.push_back({0, true});
            return compare(field, fieldBegin, fieldEnd, std::move(v), CompareOp::Exists,
                           begin); // value shown as written
        }
        if (field == "_exists_") { // _exists_:name: the field exists
            PredicateNode n = compare(t.text, t.begin, t.end, std::move(v), CompareOp::Exists, begin);
            n.opText = "_exists_";
            n.values.clear();
            return n;
        }
        v.wildcards = querytree::wildcardsIn(t.text, true, t.escaped);
        if (v.wildcards.empty() && querytree::looksNumeric(t.text))
            v.type = QueryValue::Type::Number;
        return compare(field, fieldBegin, fieldEnd, std::move(v), CompareOp::Equals, begin);
    }

    PredicateNode range(const std::string& field, std::size_t fieldBegin, std::size_t fieldEnd, std::size_t begin)
    {
        const bool lowInclusive = at(m_p) == '[';
        ++m_p;
        skip();
        Term low;
        if (!term(low))
            fail("expected the lower bound of the range");
        skip();
        if (m_t.substr(m_p, 2) != "TO")
            fail("expected TO in the range");
        m_p += 2;
        skip();
        Term high;
        if (!term(high))
            fail("expected the upper bound of the range");
        skip();
        if (at(m_p) != ']' && at(m_p) != '}')
            fail("expected ']' or '}' closing the range");
        const bool highInclusive = at(m_p) == ']';
        ++m_p;
        std::vector<PredicateNode> parts;
        auto bound = [&](const Term& t, CompareOp op) {
            if (t.text == "*")
                return;
            QueryValue v;
            v.text = t.text;
            v.type = querytree::looksNumeric(t.text) ? QueryValue::Type::Number : QueryValue::Type::String;
            v.span = m_src.span(t.begin, t.end);
            PredicateNode n = compare(field, fieldBegin, fieldEnd, std::move(v), op, begin);
            n.opText = op == CompareOp::GreaterOrEqual ? ">="
                       : op == CompareOp::Greater      ? ">"
                       : op == CompareOp::LessOrEqual  ? "<="
                                                       : "<";
            parts.push_back(std::move(n));
        };
        bound(low, lowInclusive ? CompareOp::GreaterOrEqual : CompareOp::Greater);
        bound(high, highInclusive ? CompareOp::LessOrEqual : CompareOp::Less);
        if (parts.empty()) {
            PredicateNode n = compare(field, fieldBegin, fieldEnd, {}, CompareOp::Exists, begin);
            n.values.clear();
            return n;
        }
        return logical(PredicateNode::Kind::And, std::move(parts), m_src.span(begin, m_p));
    }

    const QuerySource& m_src;
    std::string_view m_t;
    std::size_t m_p = 0;
    std::size_t m_fieldBegin = 0, m_fieldEnd = 0; ///< the field of an enclosing field:( ... )
    int m_depth = 0;
};

} // namespace

ParsedQuery parseLucene(const QuerySource& source)
{
    return querytree::readQuery(QueryLanguage::Lucene, source, [&](ParsedQuery& result) {
        LuceneParser parser(source);
        result.root = parser.run();
    });
}

} // namespace sigma
