#pragma once

// Internal: what the EQL and ES|QL readers share when they read an expression: the token cursor
// (peek, accept, expect, spans), the operand of a comparison, the boolean layer
// (`a or b`, `a and b`, `not a`) and the arithmetic layer (`a + b`, `a * b`), whose result is an
// opaque operand. Each reader supplies its keywords, its predicates and its unary operands.

#include "query/predicate.h"
#include "query/querysource.h"
#include "query/treebuild.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::querytree {

/// One side of a comparison while reading.
struct Operand {
    enum class Kind { Field, Literal, Function, Other };
    Kind kind = Kind::Other;
    std::string name;      ///< Field: the path; Function: the function name (as each reader keeps it)
    bool optional = false; ///< EQL's ?field
    QueryValue literal;
    std::vector<Operand> args;
    int nested = -1; ///< Other: a parenthesised boolean expression, its index in the reader's nested list
    std::size_t begin = 0, end = 0;
};

/// `==`, `=` and `:` (equality), `!=`, `<`, `<=`, `>`, `>=`.
inline CompareOp comparisonOperator(std::string_view opText)
{
    if (opText == "!=")
        return CompareOp::NotEquals;
    if (opText == "<")
        return CompareOp::Less;
    if (opText == "<=")
        return CompareOp::LessOrEqual;
    if (opText == ">")
        return CompareOp::Greater;
    if (opText == ">=")
        return CompareOp::GreaterOrEqual;
    return CompareOp::Equals;
}

/// A reader over the tokens of one language. `Derived` provides:
///  - `bool acceptWord(std::string_view)`: the keyword (`or`, `and`, `not`) as the language spells it;
///  - `PredicateNode predicate()`: one comparison or boolean term;
///  - `bool additiveOperator() const`, `bool multiplicativeOperator() const`: the next token is one;
///  - `Operand unary()`: a signed or plain operand.
/// Token needs `kind` (with Kind::Error), `text`, `value`, `begin` and `end`.
template <class Derived, class Token>
class ExpressionReader {
public:
    using Kind = typename Token::Kind;

protected:
    ExpressionReader(const QuerySource& source, std::vector<Token> tokens)
        : m_src(source)
        , m_tok(std::move(tokens))
    {}

    const Token& peek(std::size_t ahead = 0) const { return m_tok[std::min(m_i + ahead, m_tok.size() - 1)]; }
    const Token& next() { return m_tok[std::min(m_i++, m_tok.size() - 1)]; }
    bool accept(Kind kind)
    {
        if (peek().kind != kind)
            return false;
        ++m_i;
        return true;
    }
    /// Throws the syntax error at the next token (a lexer error token: its own message).
    [[noreturn]] void fail(const std::string& message) const
    {
        const auto& t = peek();
        if (t.kind == Kind::Error)
            throw QuerySyntaxError{std::string(t.text), t.begin, t.end};
        throw QuerySyntaxError{message, t.begin, t.end};
    }
    void expect(Kind kind, const char* what)
    {
        if (!accept(kind))
            fail(std::string("expected ") + what);
    }
    std::size_t lastEnd() const { return m_i ? m_tok[m_i - 1].end : 0; }
    SourceSpan spanFrom(std::size_t begin) const { return m_src.span(begin, lastEnd()); }
    std::string sourceText(std::size_t begin) const
    {
        return std::string(m_src.text().substr(begin, lastEnd() - begin));
    }

    // --- boolean layer ---------------------------------------------------------------------------

    PredicateNode orExpression()
    {
        const DepthGuard depthGuard(m_depth, peek().begin);
        const std::size_t begin = peek().begin;
        std::vector<PredicateNode> parts{andExpression()};
        while (self().acceptWord("or"))
            parts.push_back(andExpression());
        return logical(PredicateNode::Kind::Or, std::move(parts), spanFrom(begin));
    }

    PredicateNode andExpression()
    {
        const std::size_t begin = peek().begin;
        std::vector<PredicateNode> parts{notExpression()};
        while (self().acceptWord("and"))
            parts.push_back(notExpression());
        return logical(PredicateNode::Kind::And, std::move(parts), spanFrom(begin));
    }

    PredicateNode notExpression()
    {
        const std::size_t begin = peek().begin;
        if (self().acceptWord("not")) {
            const DepthGuard depthGuard(m_depth, begin);
            PredicateNode inner = notExpression();
            return negation(std::move(inner), spanFrom(begin));
        }
        return self().predicate();
    }

    // --- arithmetic layer: any arithmetic makes an opaque (Other) operand ------------------------

    Operand additive()
    {
        Operand left = multiplicative();
        while (self().additiveOperator()) {
            ++m_i;
            Operand right = multiplicative();
            left = combined(left, right);
        }
        return left;
    }

    Operand multiplicative()
    {
        Operand left = self().unary();
        while (self().multiplicativeOperator()) {
            ++m_i;
            Operand right = self().unary();
            left = combined(left, right);
        }
        return left;
    }

    static Operand combined(const Operand& a, const Operand& b)
    {
        Operand o;
        o.kind = Operand::Kind::Other;
        o.begin = a.begin;
        o.end = b.end;
        return o;
    }

    /// Consumes the String or Number token `t` as a literal operand of `type` with `text`.
    Operand literal(const Token& t, QueryValue::Type type, std::string text)
    {
        ++m_i;
        Operand o;
        o.kind = Operand::Kind::Literal;
        o.literal.type = type;
        o.literal.text = std::move(text);
        o.literal.span = m_src.span(t.begin, t.end);
        o.begin = t.begin;
        o.end = t.end;
        return o;
    }

    /// After the opening parenthesis at `begin`: a boolean expression used as an operand, kept as a
    /// nested tree that a standalone use returns as is (takeNestedTree).
    Operand parenthesised(std::size_t begin, Kind closing)
    {
        PredicateNode inner = orExpression();
        expect(closing, "')'");
        return nestedOperand(begin, std::move(inner));
    }

    /// A boolean expression read from `begin` to here, as an operand (isNestedTree).
    Operand nestedOperand(std::size_t begin, PredicateNode inner)
    {
        Operand o;
        o.begin = begin;
        o.kind = Operand::Kind::Other;
        o.end = lastEnd();
        o.nested = static_cast<int>(m_nested.size());
        m_nested.push_back(std::move(inner));
        return o;
    }

    /// The parenthesised expression an operand stands for, used on its own as a boolean.
    bool isNestedTree(const Operand& o) const { return o.kind == Operand::Kind::Other && o.nested >= 0; }
    PredicateNode takeNestedTree(const Operand& o) { return std::move(m_nested[static_cast<std::size_t>(o.nested)]); }

    const QuerySource& m_src;
    std::vector<Token> m_tok;
    std::size_t m_i = 0;
    int m_depth = 0;

private:
    Derived& self() { return static_cast<Derived&>(*this); }
    const Derived& self() const { return static_cast<const Derived&>(*this); }

    std::vector<PredicateNode> m_nested; ///< parenthesised expressions read as operands
};

} // namespace sigma::querytree
