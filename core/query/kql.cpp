// KQL (Kibana Query Language, Elastic's "kuery"): a PEG reader following Kibana's own grammar
// (kbn-es-query kuery/grammar/grammar.peggy) rule by rule, with the detection-rules reading
// (lib/kql/kql/kql.g) where they agree:
//   or/and/not with whitespace around or/and, parentheses, field:value, field:(a or b and not c),
//   quoted phrases (no wildcards inside), unquoted literals (may hold inner spaces; `*` is a
//   wildcard; `\` escapes the specials \():<>"*{} and or/and/not; \t \r \n \uXXXX), field:*
//   (exists), ranges (< <= > >=), nested field:{ query }, free-text values without a field.
// `:` compares folded here (see docs/vendor-queries.md: ECS keyword fields are case-sensitive in
// Elasticsearch, but the indicator rows merge a rule's intent across case, as for Sigma).

#include "query/query.h"
#include "query/treebuild.h"
#include "util/asciitext.h"
#include "util/hexdigit.h"

namespace sigma {

namespace {

using querytree::logical;
using querytree::negation;

constexpr std::string_view specials = "\\():<>\"*{}";

class KqlParser {
public:
    explicit KqlParser(const QuerySource& source)
        : m_src(source)
        , m_t(source.text())
    {}

    PredicateNode run()
    {
        skipSpaces();
        if (m_p >= m_t.size()) {
            PredicateNode all; // an empty query matches everything
            all.kind = PredicateNode::Kind::And;
            return all;
        }
        PredicateNode root = orQuery();
        skipSpaces();
        if (m_p < m_t.size())
            fail("expected 'and', 'or' or the end of the query");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& message) const
    {
        throw QuerySyntaxError{message, m_p, std::min(m_p + 1, m_t.size())};
    }

    std::size_t spaceAt(std::size_t p) const
    {
        if (p >= m_t.size())
            return 0;
        const char c = m_t[p];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            return 1;
        if (static_cast<unsigned char>(c) == 0xC2 && p + 1 < m_t.size() &&
            static_cast<unsigned char>(m_t[p + 1]) == 0xA0)
            return 2; // U+00A0
        return 0;
    }
    std::size_t skipSpacesAt(std::size_t p) const
    {
        while (std::size_t n = spaceAt(p))
            p += n;
        return p;
    }
    void skipSpaces() { m_p = skipSpacesAt(m_p); }

    bool wordAt(std::size_t p, std::string_view word) const
    {
        return p + word.size() <= m_t.size() && asciiEqualsIgnoringCase(m_t.substr(p, word.size()), word);
    }
    /// Space+ word Space+ at p: the position after it, or npos.
    std::size_t binaryKeyword(std::size_t p, std::string_view word) const
    {
        const std::size_t a = skipSpacesAt(p);
        if (a == p || !wordAt(a, word))
            return std::string_view::npos;
        const std::size_t b = skipSpacesAt(a + word.size());
        return b == a + word.size() ? std::string_view::npos : b;
    }
    /// 'not' Space+ at p: the position after it, or npos.
    std::size_t notKeyword(std::size_t p) const
    {
        if (!wordAt(p, "not"))
            return std::string_view::npos;
        const std::size_t b = skipSpacesAt(p + 3);
        return b == p + 3 ? std::string_view::npos : b;
    }
    /// Kibana's Keyword lookahead inside unquoted literals: Space or Space / Space and Space / not Space.
    bool keywordAt(std::size_t p) const
    {
        if (const std::size_t s = spaceAt(p)) {
            for (std::string_view w : {std::string_view("or"), std::string_view("and")})
                if (wordAt(p + s, w) && spaceAt(p + s + w.size()))
                    return true;
        }
        return wordAt(p, "not") && spaceAt(p + 3);
    }

    PredicateNode orQuery()
    {
        const querytree::DepthGuard depthGuard(m_depth, m_p);
        const std::size_t start = m_p;
        std::vector<PredicateNode> parts{andQuery()};
        for (std::size_t next; (next = binaryKeyword(m_p, "or")) != std::string_view::npos;) {
            m_p = next;
            parts.push_back(andQuery());
        }
        return logical(PredicateNode::Kind::Or, std::move(parts), m_src.span(start, m_p));
    }

    PredicateNode andQuery()
    {
        const std::size_t start = m_p;
        std::vector<PredicateNode> parts{notQuery()};
        for (std::size_t next; (next = binaryKeyword(m_p, "and")) != std::string_view::npos;) {
            m_p = next;
            parts.push_back(notQuery());
        }
        return logical(PredicateNode::Kind::And, std::move(parts), m_src.span(start, m_p));
    }

    PredicateNode notQuery()
    {
        const std::size_t start = m_p;
        if (const std::size_t next = notKeyword(m_p); next != std::string_view::npos) {
            const querytree::DepthGuard depthGuard(m_depth, m_p);
            m_p = next;
            PredicateNode q = subQuery();
            return negation(std::move(q), m_src.span(start, m_p));
        }
        return subQuery();
    }

    PredicateNode subQuery()
    {
        if (m_p < m_t.size() && m_t[m_p] == '(') {
            ++m_p;
            skipSpaces();
            PredicateNode q = orQuery();
            skipSpaces();
            expect(')');
            return q;
        }
        return expression();
    }

    void expect(char c)
    {
        if (m_p >= m_t.size() || m_t[m_p] != c)
            fail(std::string("expected '") + c + "'");
        ++m_p;
    }

    struct Literal {
        std::string text;
        std::vector<std::uint32_t> escaped; ///< positions of characters that were escaped
        bool quoted = false;
        bool wildcard = false; ///< an unescaped `*`
        std::size_t begin = 0, end = 0;
    };

    bool quotedString(Literal& lit)
    {
        if (m_p >= m_t.size() || m_t[m_p] != '"')
            return false;
        lit = {};
        lit.quoted = true;
        lit.begin = m_p++;
        while (true) {
            if (m_p >= m_t.size())
                fail("unterminated quoted string");
            const char c = m_t[m_p];
            if (c == '"')
                break;
            if (c == '\\' && m_p + 1 < m_t.size()) {
                const char n = m_t[m_p + 1];
                if (n == 't' || n == 'r' || n == 'n') {
                    lit.text += n == 't' ? '\t' : n == 'r' ? '\r' : '\n';
                    m_p += 2;
                    continue;
                }
                if (n == 'u' && unicodeEscape(m_p + 2, lit.text)) {
                    m_p += 6;
                    continue;
                }
                if (n == '\\' || n == '"') {
                    lit.text += n;
                    m_p += 2;
                    continue;
                }
            }
            lit.text += c; // a backslash before anything else is itself
            ++m_p;
        }
        ++m_p;
        lit.end = m_p;
        return true;
    }

    bool unicodeEscape(std::size_t p, std::string& out) const
    {
        if (p + 4 > m_t.size())
            return false;
        std::uint32_t cp = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const int h = asciiHexValue(m_t[p + i]);
            if (h < 0)
                return false;
            cp = (cp << 4) | static_cast<std::uint32_t>(h);
        }
        return querytree::appendUtf8(out, cp);
    }

    bool unquotedLiteral(Literal& lit)
    {
        lit = {};
        lit.begin = m_p;
        std::size_t lastNonSpace = m_p;
        std::size_t textNonSpace = 0;
        std::size_t leading = 0; // leading spaces are trimmed
        while (m_p < m_t.size()) {
            const char c = m_t[m_p];
            if (c == '\\' && m_p + 1 < m_t.size()) {
                const char n = m_t[m_p + 1];
                if (n == 't' || n == 'r' || n == 'n') {
                    lit.text += n == 't' ? '\t' : n == 'r' ? '\r' : '\n';
                    m_p += 2;
                } else if (specials.find(n) != std::string_view::npos) {
                    lit.escaped.push_back(static_cast<std::uint32_t>(lit.text.size()));
                    lit.text += n;
                    m_p += 2;
                } else if (n == 'u' && unicodeEscape(m_p + 2, lit.text)) {
                    m_p += 6;
                } else if (wordAt(m_p + 1, "or") || wordAt(m_p + 1, "and") || wordAt(m_p + 1, "not")) {
                    const std::size_t len = wordAt(m_p + 1, "or") ? 2 : 3;
                    lit.text.append(m_t.substr(m_p + 1, len));
                    m_p += 1 + len;
                } else {
                    break; // an invalid escape ends the literal (Kibana rejects it)
                }
                lastNonSpace = m_p;
                textNonSpace = lit.text.size();
                continue;
            }
            if (c == '*') {
                lit.wildcard = true;
                lit.text += c;
                ++m_p;
                lastNonSpace = m_p;
                textNonSpace = lit.text.size();
                continue;
            }
            if (specials.find(c) != std::string_view::npos || keywordAt(m_p))
                break;
            if (const std::size_t s = spaceAt(m_p)) {
                if (lit.text.empty()) {
                    leading += s;
                    m_p += s;
                    continue;
                }
                lit.text.append(m_t.substr(m_p, s));
                m_p += s;
                continue;
            }
            lit.text += c;
            ++m_p;
            lastNonSpace = m_p;
            textNonSpace = lit.text.size();
        }
        lit.text.resize(textNonSpace);
        m_p = lastNonSpace; // trailing spaces belong to what follows
        lit.begin += leading;
        lit.end = m_p;
        return !lit.text.empty() || lit.end > lit.begin;
    }

    bool literal(Literal& lit) { return quotedString(lit) || unquotedLiteral(lit); }

    QueryValue valueOf(const Literal& lit) const
    {
        QueryValue v;
        v.text = lit.text;
        v.span = m_src.span(lit.begin, lit.end);
        if (!lit.quoted) {
            if (lit.text == "null" && lit.escaped.empty())
                v.type = QueryValue::Type::Null;
            else if ((lit.text == "true" || lit.text == "false") && lit.escaped.empty())
                v.type = QueryValue::Type::Boolean;
            else if (querytree::looksNumeric(lit.text))
                v.type = QueryValue::Type::Number;
            if (lit.wildcard)
                v.wildcards = querytree::wildcardsIn(lit.text, false, lit.escaped);
        }
        return v;
    }

    PredicateNode exists(const std::string& field, std::size_t begin, std::size_t end) const
    {
        PredicateNode n;
        n.field = field;
        n.op = CompareOp::Exists;
        n.opText = ":";
        n.span = m_src.span(begin, end);
        return n;
    }

    PredicateNode compare(const std::string& field, const Literal& fieldLit, const Literal& value) const
    {
        if (!value.quoted && value.text == "*" && value.escaped.empty()) {
            PredicateNode n = exists(field, fieldLit.begin, value.end);
            n.fieldSpan = m_src.span(fieldLit.begin, fieldLit.end);
            n.values.push_back(valueOf(value)); // shown as written
            return n;
        }
        PredicateNode n;
        n.field = field;
        n.fieldSpan = field.empty() ? SourceSpan{} : m_src.span(fieldLit.begin, fieldLit.end);
        n.op = CompareOp::Equals;
        n.opText = ":";
        n.values.push_back(valueOf(value));
        n.span = m_src.span(field.empty() ? value.begin : fieldLit.begin, value.end);
        return n;
    }

    std::string fieldName(const Literal& lit) const { return m_nested.empty() ? lit.text : m_nested + "." + lit.text; }

    PredicateNode expression()
    {
        const std::size_t start = m_p;
        Literal field;
        if (!literal(field))
            fail("expected a field, a value or '('");
        const std::size_t afterField = m_p;
        skipSpaces();
        if (m_p < m_t.size() && (m_t[m_p] == '<' || m_t[m_p] == '>')) {
            const bool lt = m_t[m_p] == '<';
            const bool eq = m_p + 1 < m_t.size() && m_t[m_p + 1] == '=';
            const std::size_t opBegin = m_p;
            m_p += eq ? 2 : 1;
            skipSpaces();
            Literal value;
            if (!literal(value))
                fail("expected a value after the range operator");
            PredicateNode n;
            n.field = fieldName(field);
            n.fieldSpan = m_src.span(field.begin, field.end);
            n.op = lt ? (eq ? CompareOp::LessOrEqual : CompareOp::Less)
                      : (eq ? CompareOp::GreaterOrEqual : CompareOp::Greater);
            n.opText = std::string(m_t.substr(opBegin, eq ? 2 : 1));
            n.values.push_back(valueOf(value));
            n.span = m_src.span(start, m_p);
            return n;
        }
        if (m_p < m_t.size() && m_t[m_p] == ':') {
            ++m_p;
            skipSpaces();
            if (m_p < m_t.size() && m_t[m_p] == '{') {
                ++m_p;
                skipSpaces();
                const std::string outer = m_nested;
                m_nested = fieldName(field);
                PredicateNode q = orQuery();
                m_nested = outer;
                skipSpaces();
                expect('}');
                return q;
            }
            PredicateNode n = listOfValues(fieldName(field), field);
            n.span = m_src.span(start, m_p);
            return n;
        }
        // A value without a field: free text.
        m_p = afterField;
        return compare({}, field, field);
    }

    PredicateNode listOfValues(const std::string& field, const Literal& fieldLit)
    {
        if (m_p < m_t.size() && m_t[m_p] == '(') {
            ++m_p;
            skipSpaces();
            PredicateNode q = orValues(field, fieldLit);
            skipSpaces();
            expect(')');
            return q;
        }
        Literal value;
        if (!literal(value))
            fail("expected a value");
        return compare(field, fieldLit, value);
    }

    PredicateNode orValues(const std::string& field, const Literal& fieldLit)
    {
        const querytree::DepthGuard depthGuard(m_depth, m_p);
        const std::size_t start = m_p;
        std::vector<PredicateNode> parts{andValues(field, fieldLit)};
        for (std::size_t next; (next = binaryKeyword(m_p, "or")) != std::string_view::npos;) {
            m_p = next;
            parts.push_back(andValues(field, fieldLit));
        }
        return logical(PredicateNode::Kind::Or, std::move(parts), m_src.span(start, m_p));
    }

    PredicateNode andValues(const std::string& field, const Literal& fieldLit)
    {
        const std::size_t start = m_p;
        std::vector<PredicateNode> parts{notValues(field, fieldLit)};
        for (std::size_t next; (next = binaryKeyword(m_p, "and")) != std::string_view::npos;) {
            m_p = next;
            parts.push_back(notValues(field, fieldLit));
        }
        return logical(PredicateNode::Kind::And, std::move(parts), m_src.span(start, m_p));
    }

    PredicateNode notValues(const std::string& field, const Literal& fieldLit)
    {
        const std::size_t start = m_p;
        if (const std::size_t next = notKeyword(m_p); next != std::string_view::npos) {
            const querytree::DepthGuard depthGuard(m_depth, m_p);
            m_p = next;
            PredicateNode q = listOfValues(field, fieldLit);
            return negation(std::move(q), m_src.span(start, m_p));
        }
        return listOfValues(field, fieldLit);
    }

    const QuerySource& m_src;
    std::string_view m_t;
    std::size_t m_p = 0;
    std::string m_nested; ///< the nested path of field:{ ... }
    int m_depth = 0;
};

} // namespace

ParsedQuery parseKql(const QuerySource& source)
{
    return querytree::readQuery(QueryLanguage::Kql, source, [&](ParsedQuery& result) {
        KqlParser parser(source);
        result.root = parser.run();
    });
}

} // namespace sigma
