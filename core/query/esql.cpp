// ES|QL: a lexer and a reader of the pipeline following the ES|QL reference (commands, operators,
// functions) and Elasticsearch's esql grammar (EsqlBaseParser.g4):
//   FROM indices [METADATA ...] | WHERE <boolean expression> | EVAL | STATS ... BY | INLINE STATS
//   | KEEP | DROP | RENAME | SORT | LIMIT | GROK | DISSECT | ENRICH | LOOKUP JOIN | MV_EXPAND ...
// WHERE expressions: AND / OR / NOT, == != < <= > >= (case-sensitive), LIKE / RLIKE (and lists),
// [NOT] IN, IS [NOT] NULL, the match operator `:`, functions (to_lower(f) == "x" compares folded;
// starts_with, ends_with, cidr_match are predicates; others are named, not event fields).
// Names that EVAL, GROK, DISSECT or STATS compute are not event fields; every WHERE after the first
// STATS filters aggregated rows (its comparisons are noted, not indicators), except on BY keys.

#include "query/esqllexer.h"
#include "query/query.h"
#include "query/treebuild.h"
#include "util/asciitext.h"

#include <map>
#include <set>

namespace sigma {

namespace {

using querytree::logical;
using querytree::negation;

using Token = EsqlToken;
using TK = EsqlToken::Kind;

struct Operand {
    enum class Kind { Field, Literal, Function, Other };
    Kind kind = Kind::Other;
    std::string name; ///< Field: the name; Function: lower-case function name
    QueryValue literal;
    std::vector<Operand> args;
    int nested = -1;
    std::size_t begin = 0, end = 0;
};

class EsqlParser {
public:
    EsqlParser(const QuerySource& source, ParsedQuery& out)
        : m_src(source)
        , m_out(out)
        , m_tok(lexEsql(source.text()))
    {}

    PredicateNode run()
    {
        std::vector<PredicateNode> filters;
        bool first = true;
        while (true) {
            if (peek().kind == TK::Error)
                fail("");
            if (peek().kind == TK::End) {
                if (first)
                    fail("expected a source command (FROM)");
                break;
            }
            command(first, filters);
            first = false;
            if (peek().kind == TK::Pipe) {
                ++m_i;
                continue;
            }
            if (peek().kind != TK::End)
                fail("unexpected '" + std::string(peek().text) + "'");
        }
        return logical(PredicateNode::Kind::And, std::move(filters), m_src.span(0, m_src.text().size()));
    }

private:
    const Token& peek(std::size_t ahead = 0) const { return m_tok[std::min(m_i + ahead, m_tok.size() - 1)]; }
    bool word(std::string_view w, std::size_t ahead = 0) const
    {
        return peek(ahead).kind == TK::Name && asciiEqualsIgnoringCase(peek(ahead).text, w);
    }
    bool acceptWord(std::string_view w)
    {
        if (!word(w))
            return false;
        ++m_i;
        return true;
    }
    bool accept(TK k)
    {
        if (peek().kind != k)
            return false;
        ++m_i;
        return true;
    }
    bool op(std::string_view o, std::size_t ahead = 0) const
    {
        return peek(ahead).kind == TK::Op && peek(ahead).text == o;
    }
    [[noreturn]] void fail(const std::string& message) const
    {
        const auto& t = peek();
        if (t.kind == TK::Error)
            throw QuerySyntaxError{std::string(t.text), t.begin, t.end};
        throw QuerySyntaxError{message, t.begin, t.end};
    }
    void expect(TK k, const char* what)
    {
        if (!accept(k))
            fail(std::string("expected ") + what);
    }
    std::size_t lastEnd() const { return m_i ? m_tok[m_i - 1].end : 0; }
    SourceSpan spanFrom(std::size_t begin) const { return m_src.span(begin, lastEnd()); }
    /// The end of the command (an Error token ends it too: the caller reports it).
    bool atCommandEnd() const { return peek().kind == TK::Pipe || peek().kind == TK::End || peek().kind == TK::Error; }
    void skipToCommandEnd()
    {
        int depth = 0;
        while (peek().kind != TK::End && peek().kind != TK::Error && !(depth == 0 && peek().kind == TK::Pipe)) {
            if (peek().kind == TK::LParen || peek().kind == TK::LBracket || peek().kind == TK::LBrace)
                ++depth;
            else if (peek().kind == TK::RParen || peek().kind == TK::RBracket || peek().kind == TK::RBrace)
                --depth;
            ++m_i;
        }
        if (peek().kind == TK::Error)
            fail("");
    }

    void note(QueryNote::Kind kind, std::string text, std::size_t begin)
    {
        m_out.notes.push_back({kind, std::move(text), spanFrom(begin)});
    }

    void command(bool first, std::vector<PredicateNode>& filters)
    {
        const std::size_t begin = peek().begin;
        if (peek().kind != TK::Name)
            fail("expected a command");
        const std::string name = asciiLowered(peek().text);
        ++m_i;
        if (first) {
            if (name == "from" || name == "ts") {
                fromCommand(begin);
                return;
            }
            if (name == "row" || name == "show") {
                skipToCommandEnd();
                note(QueryNote::Kind::Source, name, begin);
                return;
            }
            fail("expected FROM, ROW or SHOW at the start of the query");
        }
        if (name == "where") {
            PredicateNode expr = booleanExpression();
            if (!atCommandEnd())
                fail("unexpected '" + std::string(peek().text) + "' in WHERE");
            filters.push_back(std::move(expr));
            return;
        }
        if (name == "eval") {
            assignments(true);
            note(QueryNote::Kind::Projection, "EVAL", begin);
            return;
        }
        if (name == "stats" || name == "inlinestats" || (name == "inline" && word("stats"))) {
            const bool inlineStats = name != "stats";
            if (name == "inline")
                ++m_i;
            statsCommand(inlineStats);
            note(QueryNote::Kind::Aggregation, inlineStats ? "INLINE STATS" : "STATS", begin);
            return;
        }
        if (name == "rename") {
            renameCommand();
            note(QueryNote::Kind::Projection, "RENAME", begin);
            return;
        }
        if (name == "grok" || name == "dissect") {
            patternCommand();
            note(QueryNote::Kind::Projection, name == "grok" ? "GROK" : "DISSECT", begin);
            return;
        }
        skipToCommandEnd();
        QueryNote::Kind kind = QueryNote::Kind::Other;
        if (name == "keep" || name == "drop" || name == "mv_expand")
            kind = QueryNote::Kind::Projection;
        else if (name == "enrich" || name == "lookup")
            kind = QueryNote::Kind::Lookup;
        note(kind, asciiUppered(name), begin);
    }

    void fromCommand(std::size_t begin)
    {
        // index patterns: everything up to METADATA or the end, split at top-level commas
        std::size_t partBegin = peek().begin;
        auto flush = [&](std::size_t end) {
            std::string_view s = m_src.text().substr(partBegin, end - partBegin);
            while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '"'))
                s.remove_prefix(1);
            while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '"'))
                s.remove_suffix(1);
            if (!s.empty())
                m_out.sources.emplace_back(s);
        };
        while (!atCommandEnd() && !word("metadata")) {
            if (peek().kind == TK::Error)
                fail("");
            if (peek().kind == TK::Comma) {
                flush(peek().begin);
                partBegin = peek().end;
            }
            ++m_i;
        }
        flush(lastEnd() > partBegin ? lastEnd() : partBegin);
        skipToCommandEnd();
        note(QueryNote::Kind::Source, "FROM", begin);
    }

    /// name = expr, ... (EVAL): each name is computed, or an alias of `to_lower(field)`.
    void assignments(bool evalAliases)
    {
        while (!atCommandEnd()) {
            if (peek().kind == TK::Name && op("=", 1)) {
                const std::string target = peek().value;
                m_i += 2;
                const std::size_t exprBegin = m_i;
                Operand rhs;
                bool simpleEnd = false;
                if (peek().kind == TK::Name && !word("not")) {
                    rhs = operand();
                    simpleEnd = atCommandEnd() || peek().kind == TK::Comma;
                }
                if (!simpleEnd) {
                    m_i = exprBegin;
                    skipExpression();
                }
                m_aliases.erase(target);
                if (evalAliases && simpleEnd && rhs.kind == Operand::Kind::Function &&
                    (rhs.name == "to_lower" || rhs.name == "to_upper") && rhs.args.size() == 1 &&
                    rhs.args[0].kind == Operand::Kind::Field && !m_computed.count(rhs.args[0].name)) {
                    m_aliases[target] = {rhs.args[0].name, rhs.name};
                    m_computed.erase(target);
                } else if (evalAliases && simpleEnd && rhs.kind == Operand::Kind::Field &&
                           !m_computed.count(rhs.name)) {
                    m_aliases[target] = {rhs.name, {}};
                    m_computed.erase(target);
                } else {
                    m_computed.insert(target);
                }
            } else {
                skipExpression(); // an unnamed expression: its column is named after the text
            }
            if (!accept(TK::Comma))
                break;
        }
        if (!atCommandEnd())
            skipToCommandEnd();
    }

    void skipExpression()
    {
        int depth = 0;
        while (peek().kind != TK::End && peek().kind != TK::Error &&
               !(depth == 0 && (peek().kind == TK::Pipe || peek().kind == TK::Comma || word("by")))) {
            if (peek().kind == TK::LParen || peek().kind == TK::LBracket || peek().kind == TK::LBrace)
                ++depth;
            else if (peek().kind == TK::RParen || peek().kind == TK::RBracket || peek().kind == TK::RBrace)
                --depth;
            ++m_i;
        }
        if (peek().kind == TK::Error)
            fail("");
    }

    void statsCommand(bool inlineStats)
    {
        std::set<std::string> keys;
        while (!atCommandEnd() && !word("by")) {
            if (peek().kind == TK::Name && op("=", 1)) {
                m_computed.insert(peek().value);
                m_aliases.erase(peek().value);
                m_i += 2;
            }
            skipExpression();
            if (!accept(TK::Comma))
                break;
        }
        if (acceptWord("by")) {
            while (!atCommandEnd()) {
                if (peek().kind == TK::Name && op("=", 1)) {
                    m_computed.insert(peek().value); // by x = bucket(...)
                    m_i += 2;
                } else if (peek().kind == TK::Name &&
                           (peek(1).kind == TK::Comma || peek(1).kind == TK::Pipe || peek(1).kind == TK::End)) {
                    keys.insert(peek().value);
                }
                skipExpression();
                if (!accept(TK::Comma))
                    break;
            }
        }
        skipToCommandEnd();
        if (!inlineStats) {
            m_aggregated = true;
            m_groupKeys = std::move(keys);
        }
    }

    void renameCommand()
    {
        while (!atCommandEnd()) {
            if (peek().kind == TK::Name && word("as", 1) && peek(2).kind == TK::Name) {
                const std::string from = peek().value, to = peek(2).value;
                m_i += 3;
                if (m_computed.count(from) || m_aggregated)
                    m_computed.insert(to);
                else
                    m_aliases[to] = {from, {}};
            } else if (peek().kind == TK::Name && op("=", 1) && peek(2).kind == TK::Name) {
                const std::string to = peek().value, from = peek(2).value; // RENAME new = old
                m_i += 3;
                if (m_computed.count(from) || m_aggregated)
                    m_computed.insert(to);
                else
                    m_aliases[to] = {from, {}};
            } else {
                skipExpression();
            }
            if (!accept(TK::Comma))
                break;
        }
        skipToCommandEnd();
    }

    /// GROK / DISSECT field "pattern": the names the pattern extracts are computed.
    void patternCommand()
    {
        while (!atCommandEnd()) {
            if (peek().kind == TK::String) {
                const std::string& p = peek().value;
                for (std::size_t i = 0; i < p.size(); ++i) {
                    std::size_t start = std::string::npos;
                    if (p.compare(i, 3, "(?<") == 0)
                        start = i + 3;
                    else if (p.compare(i, 2, "%{") == 0)
                        start = i + 2;
                    if (start == std::string::npos)
                        continue;
                    std::size_t end = start;
                    while (end < p.size() && p[end] != '>' && p[end] != '}')
                        ++end;
                    std::string name = p.substr(start, end - start);
                    if (const auto colon = name.find(':'); colon != std::string::npos) {
                        name = name.substr(colon + 1);
                        if (const auto c2 = name.find(':'); c2 != std::string::npos)
                            name.resize(c2);
                    }
                    while (!name.empty() && (name.front() == '+' || name.front() == '?' || name.front() == '&'))
                        name.erase(0, 1);
                    if (!name.empty())
                        m_computed.insert(name);
                }
            }
            ++m_i;
        }
    }

    // --- boolean expressions -----------------------------------------------------------------------

    PredicateNode booleanExpression()
    {
        const querytree::DepthGuard depthGuard(m_depth, peek().begin);
        const std::size_t begin = peek().begin;
        std::vector<PredicateNode> parts{andExpression()};
        while (acceptWord("or"))
            parts.push_back(andExpression());
        return logical(PredicateNode::Kind::Or, std::move(parts), spanFrom(begin));
    }

    PredicateNode andExpression()
    {
        const std::size_t begin = peek().begin;
        std::vector<PredicateNode> parts{notExpression()};
        while (acceptWord("and"))
            parts.push_back(notExpression());
        return logical(PredicateNode::Kind::And, std::move(parts), spanFrom(begin));
    }

    PredicateNode notExpression()
    {
        const std::size_t begin = peek().begin;
        if (acceptWord("not")) {
            const querytree::DepthGuard depthGuard(m_depth, begin);
            PredicateNode inner = notExpression();
            return negation(std::move(inner), spanFrom(begin));
        }
        return predicate();
    }

    PredicateNode predicate()
    {
        const std::size_t begin = peek().begin;
        Operand left = additive();
        bool negated = false;
        if (word("not") && (word("like", 1) || word("rlike", 1) || word("in", 1))) {
            ++m_i;
            negated = true;
        }
        auto maybeNot = [&](PredicateNode n) { return negated ? negation(std::move(n), spanFrom(begin)) : n; };
        if (word("like") || word("rlike")) {
            const bool regex = word("rlike");
            const std::string opText = regex ? "RLIKE" : "LIKE";
            ++m_i;
            std::vector<Operand> items;
            if (accept(TK::LParen)) {
                do
                    items.push_back(additive());
                while (accept(TK::Comma));
                expect(TK::RParen, "')'");
            } else {
                items.push_back(additive());
            }
            return maybeNot(build(left, regex ? CompareOp::Regex : CompareOp::Equals, opText, items, begin, !regex));
        }
        if (acceptWord("in")) {
            expect(TK::LParen, "'(' after IN");
            std::vector<Operand> items;
            if (peek().kind != TK::RParen)
                do
                    items.push_back(additive());
                while (accept(TK::Comma));
            expect(TK::RParen, "')'");
            return maybeNot(build(left, CompareOp::Equals, "IN", items, begin, false));
        }
        if (negated)
            fail("expected LIKE, RLIKE or IN after NOT");
        if (acceptWord("is")) {
            const bool isNot = acceptWord("not");
            if (!acceptWord("null"))
                fail("expected NULL after IS");
            PredicateNode n = build(left, isNot ? CompareOp::Exists : CompareOp::IsNull,
                                    isNot ? "IS NOT NULL" : "IS NULL", {}, begin, false);
            n.cased = false;
            return n;
        }
        if (peek().kind == TK::Op && (op("==") || op("!=") || op("<") || op("<=") || op(">") || op(">=") || op(":"))) {
            const std::string o(peek().text);
            ++m_i;
            Operand right = additive();
            if (left.kind == Operand::Kind::Literal && right.kind != Operand::Kind::Literal) {
                std::swap(left, right);
            }
            const CompareOp cop = o == "==" || o == ":" ? CompareOp::Equals
                                  : o == "!="           ? CompareOp::NotEquals
                                  : o == "<"            ? CompareOp::Less
                                  : o == "<="           ? CompareOp::LessOrEqual
                                  : o == ">"            ? CompareOp::Greater
                                                        : CompareOp::GreaterOrEqual;
            PredicateNode n = build(left, cop, o, {right}, begin, false);
            if (o == ":")
                n.cased = false; // the match operator runs a full-text match query
            return n;
        }
        return standalone(left, begin);
    }

    /// A comparison of `subject` with the literal `items`.
    PredicateNode build(const Operand& subject, CompareOp cop, const std::string& opText,
                        const std::vector<Operand>& items, std::size_t begin, bool likePattern)
    {
        PredicateNode n;
        n.op = cop;
        n.opText = opText;
        n.cased = true;
        n.span = spanFrom(begin);
        const Operand* field = nullptr;
        if (subject.kind == Operand::Kind::Field) {
            field = &subject;
        } else if (subject.kind == Operand::Kind::Function) {
            n.function = subject.name;
            for (const auto& a : subject.args)
                if (a.kind == Operand::Kind::Field) {
                    field = &a;
                    break;
                }
            if (subject.name == "to_lower" || subject.name == "to_upper")
                n.cased = false;
            else
                n.onEventField = false;
            if (subject.args.size() != 1 && n.cased == false)
                n.onEventField = false;
        } else {
            return querytree::opaque("comparison: " + sourceText(begin), n.span);
        }
        if (field) {
            n.field = field->name;
            n.fieldSpan = m_src.span(field->begin, field->end);
            if (auto it = m_aliases.find(field->name); it != m_aliases.end()) {
                n.field = it->second.field;
                if (!it->second.function.empty()) {
                    n.function = it->second.function;
                    n.cased = false;
                }
            } else if (m_computed.count(field->name) || (m_aggregated && !m_groupKeys.count(field->name))) {
                n.onEventField = false;
            }
        } else {
            n.onEventField = false;
        }
        for (const auto& it : items) {
            if (it.kind == Operand::Kind::Field) {
                QueryValue v;
                v.type = QueryValue::Type::Field;
                v.text = it.name;
                v.span = m_src.span(it.begin, it.end);
                n.values.push_back(std::move(v));
                continue;
            }
            if (it.kind != Operand::Kind::Literal)
                return querytree::opaque("comparison: " + sourceText(begin), n.span);
            QueryValue v = it.literal;
            if (v.type == QueryValue::Type::Null && (cop == CompareOp::Equals || cop == CompareOp::NotEquals)) {
                n.op = cop == CompareOp::Equals ? CompareOp::IsNull : CompareOp::Exists;
                n.cased = false;
                n.values.push_back(std::move(v)); // shown as written
                continue;
            }
            if (likePattern)
                v = likeValue(v);
            n.values.push_back(std::move(v));
        }
        return n;
    }

    /// LIKE patterns: `*` any run, `?` one character, `\` escapes the next character.
    static QueryValue likeValue(const QueryValue& in)
    {
        QueryValue v = in;
        v.text.clear();
        v.wildcards.clear();
        for (std::size_t i = 0; i < in.text.size(); ++i) {
            const char c = in.text[i];
            if (c == '\\' && i + 1 < in.text.size()) {
                v.text += in.text[++i];
                continue;
            }
            if (c == '*' || c == '?')
                v.wildcards.push_back({static_cast<std::uint32_t>(v.text.size()), c == '*'});
            v.text += c;
        }
        return v;
    }

    /// The offsets in the query of each byte of the string token's value (lexEsql's unescaping).
    std::vector<std::size_t> stringOffsets(std::size_t begin, std::size_t end) const
    {
        const std::string_view t = m_src.text().substr(begin, end - begin);
        std::vector<std::size_t> out;
        if (t.starts_with("\"\"\"")) {
            for (std::size_t i = 3; i + 3 < t.size(); ++i)
                out.push_back(begin + i);
            out.push_back(end - 3);
            return out;
        }
        for (std::size_t i = 1; i + 1 < t.size(); ++i) {
            if (t[i] == '\\' && i + 2 < t.size()) {
                const char e = t[i + 1];
                out.push_back(begin + i);
                if (e != 't' && e != 'n' && e != 'r' && e != '"' && e != '\\')
                    out.push_back(begin + i + 1); // kept as written
                ++i;
                continue;
            }
            out.push_back(begin + i);
        }
        out.push_back(end - 1);
        return out;
    }

    /// KQL("...") and QSTR("...") (a Lucene query string) filter with another query language.
    PredicateNode embeddedQuery(const Operand& o, std::size_t begin)
    {
        const Operand& arg = o.args[0];
        auto offsets = stringOffsets(arg.begin, arg.end);
        if (offsets.size() != arg.literal.text.size() + 1)
            offsets.assign(arg.literal.text.size() + 1, arg.begin);
        const QuerySource inner = m_src.embedded(arg.literal.text, offsets);
        ParsedQuery q = o.name == "kql" ? parseKql(inner) : parseLucene(inner);
        if (!q.analysed())
            return querytree::opaque(o.name + " not analysed: " + q.diagnostics.front().message, spanFrom(begin));
        return std::move(q.root);
    }

    PredicateNode standalone(const Operand& o, std::size_t begin)
    {
        if (o.kind == Operand::Kind::Other && o.nested >= 0)
            return std::move(m_nested[static_cast<std::size_t>(o.nested)]);
        if (o.kind == Operand::Kind::Function && (o.name == "kql" || o.name == "qstr") && o.args.size() >= 1 &&
            o.args[0].kind == Operand::Kind::Literal && o.args[0].literal.type == QueryValue::Type::String)
            return embeddedQuery(o, begin);
        if (o.kind == Operand::Kind::Function && o.args.size() >= 2 && o.args[0].kind == Operand::Kind::Field) {
            CompareOp cop;
            if (o.name == "starts_with")
                cop = CompareOp::StartsWith;
            else if (o.name == "ends_with")
                cop = CompareOp::EndsWith;
            else if (o.name == "cidr_match")
                cop = CompareOp::Cidr;
            else if (o.name == "match" || o.name == "match_phrase")
                cop = CompareOp::Equals;
            else
                return querytree::opaque("function " + o.name + ": " + sourceText(begin), spanFrom(begin));
            std::vector<Operand> items(o.args.begin() + 1, o.args.end());
            if (o.name.starts_with("match"))
                items.resize(1); // match(field, query [, options])
            Operand subject = o.args[0];
            PredicateNode n = build(subject, cop, o.name, items, begin, false);
            n.opText = o.name;
            if (cop == CompareOp::Cidr || o.name.starts_with("match"))
                n.cased = false;
            return n;
        }
        return querytree::opaque("expression: " + sourceText(begin), spanFrom(begin));
    }

    std::string sourceText(std::size_t begin) const
    {
        return std::string(m_src.text().substr(begin, lastEnd() - begin));
    }

    // --- value expressions ------------------------------------------------------------------------

    Operand additive()
    {
        Operand left = multiplicative();
        while (op("+") || op("-")) {
            ++m_i;
            Operand right = multiplicative();
            left = combined(left, right);
        }
        return left;
    }

    Operand multiplicative()
    {
        Operand left = unary();
        while (op("*") || op("/") || op("%")) {
            ++m_i;
            Operand right = unary();
            left = combined(left, right);
        }
        return left;
    }

    static Operand combined(const Operand& a, const Operand& b)
    {
        Operand o;
        o.begin = a.begin;
        o.end = b.end;
        return o;
    }

    Operand unary()
    {
        if (op("-") || op("+")) {
            const querytree::DepthGuard depthGuard(m_depth, peek().begin);
            const bool minus = op("-");
            const std::size_t begin = peek().begin;
            ++m_i;
            Operand o = unary();
            if (o.kind == Operand::Kind::Literal && o.literal.type == QueryValue::Type::Number && minus)
                o.literal.text = "-" + o.literal.text;
            else if (o.kind != Operand::Kind::Literal)
                o.kind = Operand::Kind::Other;
            o.begin = begin;
            return o;
        }
        Operand o = operand();
        while (op("::")) { // cast: x::keyword
            ++m_i;
            if (peek().kind != TK::Name)
                fail("expected a type after '::'");
            ++m_i;
            o.end = lastEnd();
        }
        return o;
    }

    Operand operand()
    {
        const Token& t = peek();
        Operand o;
        o.begin = t.begin;
        switch (t.kind) {
        case TK::String:
            ++m_i;
            o.kind = Operand::Kind::Literal;
            o.literal.text = t.value;
            o.literal.span = m_src.span(t.begin, t.end);
            o.end = t.end;
            return o;
        case TK::Number:
            ++m_i;
            o.kind = Operand::Kind::Literal;
            o.literal.type = QueryValue::Type::Number;
            o.literal.text = t.value;
            o.literal.span = m_src.span(t.begin, t.end);
            o.end = t.end;
            if (peek().kind == TK::Name && !word("and") && !word("or") && !word("by") && !word("not") && !word("in") &&
                !word("like") && !word("rlike") && !word("is")) {
                ++m_i; // a time span: 10 minutes
                o.kind = Operand::Kind::Other;
                o.end = lastEnd();
            }
            return o;
        case TK::Param:
            ++m_i;
            o.kind = Operand::Kind::Other;
            o.end = t.end;
            return o;
        case TK::LParen: {
            ++m_i;
            PredicateNode inner = booleanExpression();
            expect(TK::RParen, "')'");
            o.kind = Operand::Kind::Other;
            o.nested = static_cast<int>(m_nested.size());
            m_nested.push_back(std::move(inner));
            o.end = lastEnd();
            return o;
        }
        case TK::LBracket: {
            ++m_i;
            while (peek().kind != TK::RBracket) {
                if (peek().kind == TK::End || peek().kind == TK::Error)
                    fail("expected ']'");
                ++m_i;
            }
            ++m_i;
            o.kind = Operand::Kind::Other;
            o.end = lastEnd();
            return o;
        }
        case TK::Name:
            break;
        default:
            fail("expected a field, a value or a function");
        }
        ++m_i;
        o.end = t.end;
        const std::string lower = asciiLowered(t.text);
        if (peek().kind == TK::LParen) {
            ++m_i;
            o.kind = Operand::Kind::Function;
            o.name = lower;
            if (!accept(TK::RParen)) {
                do {
                    if (op("*")) { // COUNT(*)
                        ++m_i;
                        continue;
                    }
                    o.args.push_back(argument());
                } while (accept(TK::Comma));
                expect(TK::RParen, "')' closing the function call");
            }
            o.end = lastEnd();
            return o;
        }
        if (lower == "null" || lower == "true" || lower == "false") {
            o.kind = Operand::Kind::Literal;
            o.literal.type = lower == "null" ? QueryValue::Type::Null : QueryValue::Type::Boolean;
            o.literal.text = lower;
            o.literal.span = m_src.span(t.begin, t.end);
            return o;
        }
        if (lower == "and" || lower == "or" || lower == "not" || lower == "like" || lower == "rlike" || lower == "in" ||
            lower == "is")
            fail("unexpected '" + std::string(t.text) + "'");
        o.kind = Operand::Kind::Field;
        o.name = t.value;
        return o;
    }

    /// A function argument: a value, a boolean expression (CASE(x like "a", 1, 0)) or an options
    /// map ({ "fuzziness": 1 }).
    Operand argument()
    {
        Operand o;
        o.begin = peek().begin;
        if (peek().kind == TK::LBrace) {
            int depth = 0;
            do {
                if (peek().kind == TK::End || peek().kind == TK::Error)
                    fail("expected '}' closing the map");
                if (peek().kind == TK::LBrace)
                    ++depth;
                else if (peek().kind == TK::RBrace)
                    --depth;
                ++m_i;
            } while (depth > 0);
            o.end = lastEnd();
            return o;
        }
        const std::size_t save = m_i;
        Operand value = additive();
        if (peek().kind == TK::Comma || peek().kind == TK::RParen)
            return value;
        m_i = save;
        booleanExpression();
        o.end = lastEnd();
        return o;
    }

    struct Alias {
        std::string field;
        std::string function;
    };

    const QuerySource& m_src;
    ParsedQuery& m_out;
    std::vector<Token> m_tok;
    std::size_t m_i = 0;
    std::vector<PredicateNode> m_nested;
    int m_depth = 0;
    std::set<std::string> m_computed;
    std::map<std::string, Alias> m_aliases;
    bool m_aggregated = false;
    std::set<std::string> m_groupKeys;
};

} // namespace

ParsedQuery parseEsql(const QuerySource& source)
{
    return querytree::readQuery(QueryLanguage::Esql, source, [&](ParsedQuery& result) {
        EsqlParser parser(source, result);
        result.root = parser.run();
    });
}

} // namespace sigma
