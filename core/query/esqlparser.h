#pragma once

// Internal: the ES|QL reader (query/esql.cpp). Its commands (FROM, EVAL, STATS, RENAME, GROK, ...,
// and which names they compute or alias) are read in esqlcommands.cpp; WHERE expressions, built
// into predicates, in esql.cpp over the ExpressionReader shared with EQL.

#include "query/esqllexer.h"
#include "query/exprreader.h"
#include "query/query.h"
#include "util/asciitext.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::esql {

using querytree::Operand; // Function: the lower-case function name
using Token = EsqlToken;
using TK = EsqlToken::Kind;

class EsqlParser : public querytree::ExpressionReader<EsqlParser, EsqlToken> {
public:
    EsqlParser(const QuerySource& source, ParsedQuery& out)
        : ExpressionReader(source, lexEsql(source.text()))
        , m_out(out)
    {}

    PredicateNode run();

private:
    friend class querytree::ExpressionReader<EsqlParser, EsqlToken>;
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
    bool op(std::string_view o, std::size_t ahead = 0) const
    {
        return peek(ahead).kind == TK::Op && peek(ahead).text == o;
    }
    bool additiveOperator() const { return op("+") || op("-"); }
    bool multiplicativeOperator() const { return op("*") || op("/") || op("%"); }
    /// The end of the command (an Error token ends it too: the caller reports it).
    bool atCommandEnd() const { return peek().kind == TK::Pipe || peek().kind == TK::End || peek().kind == TK::Error; }
    /// Skips to the next token at bracket depth 0 that ends the command (`|`), or with
    /// `expressionOnly` that ends an expression of a list (`|`, `,`, BY); reports a lexer error.
    void skipBalanced(bool expressionOnly);
    void skipToCommandEnd() { skipBalanced(false); }
    void note(QueryNote::Kind kind, std::string text, std::size_t begin);
    void command(bool first, std::vector<PredicateNode>& filters);
    void fromCommand(std::size_t begin);

    /// name = expr, ... (EVAL): each name is computed, or an alias of `to_lower(field)`.
    void assignments(bool evalAliases);
    void skipExpression() { skipBalanced(true); }
    void statsCommand(bool inlineStats);
    void renameCommand();

    /// GROK / DISSECT field "pattern": the names the pattern extracts are computed.
    void patternCommand();

    // --- boolean expressions -----------------------------------------------------------------------

    PredicateNode predicate();

    /// A comparison of `subject` with the literal `items`.
    PredicateNode build(const Operand& subject, CompareOp cop, const std::string& opText,
                        const std::vector<Operand>& items, std::size_t begin, bool likePattern);

    /// LIKE patterns: `*` any run, `?` one character, `\` escapes the next character.
    static QueryValue likeValue(const QueryValue& in);

    /// The offsets in the query of each byte of the string token's value (lexEsql's unescaping).
    std::vector<std::size_t> stringOffsets(std::size_t begin, std::size_t end) const;

    /// KQL("...") and QSTR("...") (a Lucene query string) filter with another query language.
    PredicateNode embeddedQuery(const Operand& o, std::size_t begin);
    PredicateNode standalone(const Operand& o, std::size_t begin);

    // --- value expressions ------------------------------------------------------------------------

    Operand unary();
    Operand operand();

    /// A function argument: a value, a boolean expression (CASE(x like "a", 1, 0)) or an options
    /// map ({ "fuzziness": 1 }).
    Operand argument();

    struct Alias {
        std::string field;
        std::string function;
    };
    ParsedQuery& m_out;
    std::set<std::string> m_computed;
    std::map<std::string, Alias> m_aliases;
    bool m_aggregated = false;
    std::set<std::string> m_groupKeys;
};

} // namespace sigma::esql
