// The condition grammar: tokenizer and recursive-descent parser (see condition.h).
#include "rule/condition.h"

#include "util/asciitext.h"
#include "util/glob.h"

#include <algorithm>

namespace sigma {
namespace {

constexpr int kMaxConditionDepth = 200;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool isNumber(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), isAsciiDigit);
}

SourceSpan spanOf(std::size_t offset, std::size_t length, const ConditionOffsetMapper& map)
{
    SourceSpan span;
    if (map) {
        span.begin = map(offset);
        span.end = map(offset + (length ? length - 1 : 0));
        if (length)
            ++span.end.column;
    } else {
        span.begin = {1, static_cast<int>(offset) + 1};
        span.end = {1, static_cast<int>(offset + length) + 1};
    }
    return span;
}

SourceSpan join(const SourceSpan& a, const SourceSpan& b)
{
    return {a.begin, b.end};
}

class Parser {
public:
    Parser(std::vector<ConditionToken> tokens, std::string_view text, const ConditionOffsetMapper& map,
           const std::string& file)
        : m_tokens(std::move(tokens))
        , m_text(text)
        , m_map(map)
        , m_file(file)
    {}

    ConditionParseResult run()
    {
        ConditionParseResult result;
        for (const auto& t : m_tokens) {
            if (t.kind == ConditionToken::Kind::Pipe) {
                error(t.span, "the aggregation syntax ('| count() ...') was removed in Sigma 2; use a correlation rule",
                      "condition-aggregation");
                result.diagnostics = std::move(m_diagnostics);
                result.tokens = std::move(m_tokens);
                return result;
            }
            if (t.kind == ConditionToken::Kind::Invalid) {
                error(t.span, "invalid token '" + t.text + "' in condition", "condition-syntax");
                result.diagnostics = std::move(m_diagnostics);
                result.tokens = std::move(m_tokens);
                return result;
            }
        }
        if (m_tokens.empty()) {
            error(spanOf(0, m_text.size(), m_map), "the condition is empty", "condition-empty");
        } else {
            auto node = parseOr(0);
            if (node && m_pos < m_tokens.size()) {
                const auto& t = m_tokens[m_pos];
                error(t.span,
                      t.kind == ConditionToken::Kind::RParen ? std::string("unbalanced ')' in condition")
                                                             : "unexpected '" + t.text + "' in condition",
                      "condition-syntax");
                node.reset();
            }
            if (node && m_diagnostics.empty())
                result.root = std::move(node);
        }
        result.diagnostics = std::move(m_diagnostics);
        result.tokens = std::move(m_tokens);
        return result;
    }

private:
    using Kind = ConditionToken::Kind;

    const ConditionToken* peek() const { return m_pos < m_tokens.size() ? &m_tokens[m_pos] : nullptr; }

    void error(const SourceSpan& span, std::string message, const char* code)
    {
        if (!m_diagnostics.empty())
            return; // report the first problem only: the rest is usually a consequence
        m_diagnostics.push_back({Severity::Error, code, std::move(message), m_file, span});
    }

    SourceSpan endSpan() const
    {
        const auto n = m_text.size();
        // position just after the last character
        auto s = spanOf(n ? n - 1 : 0, n ? 1 : 0, m_map);
        return {s.end, s.end};
    }

    std::optional<ConditionNode> parseBinary(int depth, Kind op)
    {
        auto first = op == Kind::Or ? parseBinary(depth, Kind::And) : parseNot(depth);
        if (!first)
            return std::nullopt;
        const auto* t = peek();
        if (!t || t->kind != op)
            return first;
        ConditionNode node;
        node.kind = op == Kind::Or ? ConditionNode::Kind::Or : ConditionNode::Kind::And;
        node.operatorSpan = t->span;
        node.children.push_back(std::move(*first));
        while ((t = peek()) && t->kind == op) {
            const auto opToken = *t;
            ++m_pos;
            if (!peek()) {
                error(opToken.span, "'" + opToken.text + "' needs an operand on its right", "condition-syntax");
                return std::nullopt;
            }
            auto next = op == Kind::Or ? parseBinary(depth, Kind::And) : parseNot(depth);
            if (!next)
                return std::nullopt;
            node.children.push_back(std::move(*next));
        }
        node.span = join(node.children.front().span, node.children.back().span);
        return node;
    }

    std::optional<ConditionNode> parseOr(int depth)
    {
        if (depth > kMaxConditionDepth) {
            error(peek() ? peek()->span : endSpan(), "the condition is nested too deeply", "condition-syntax");
            return std::nullopt;
        }
        return parseBinary(depth, Kind::Or);
    }

    std::optional<ConditionNode> parseNot(int depth)
    {
        const auto* t = peek();
        if (t && t->kind == Kind::Not) {
            if (depth > kMaxConditionDepth) {
                error(t->span, "the condition is nested too deeply", "condition-syntax");
                return std::nullopt;
            }
            const auto notToken = *t;
            ++m_pos;
            if (!peek()) {
                error(notToken.span, "'not' needs an operand", "condition-syntax");
                return std::nullopt;
            }
            auto operand = parseNot(depth + 1);
            if (!operand)
                return std::nullopt;
            ConditionNode node;
            node.kind = ConditionNode::Kind::Not;
            node.operatorSpan = notToken.span;
            node.span = join(notToken.span, operand->span);
            node.children.push_back(std::move(*operand));
            return node;
        }
        return parsePrimary(depth);
    }

    std::optional<ConditionNode> parsePrimary(int depth)
    {
        const auto* t = peek();
        if (!t) {
            error(endSpan(), "the condition ends where an operand is expected", "condition-syntax");
            return std::nullopt;
        }
        switch (t->kind) {
        case Kind::Quantifier: {
            const auto q = *t;
            ++m_pos;
            const auto* ofToken = peek(); // the tokenizer only makes a Quantifier before "of"
            ++m_pos;
            const auto* operand = peek();
            if (!operand || (operand->kind != Kind::Them && operand->kind != Kind::Pattern)) {
                error(operand ? operand->span : ofToken->span,
                      "'" + q.text + " of' needs 'them' or an identifier pattern", "condition-syntax");
                return std::nullopt;
            }
            const auto ql = asciiLowered(q.text);
            if (ql != "1" && ql != "any" && ql != "all") {
                error(q.span, "only '1 of', 'any of' and 'all of' are valid quantifiers, not '" + q.text + " of'",
                      "condition-syntax");
                return std::nullopt;
            }
            ++m_pos;
            ConditionNode node;
            node.kind = ql == "all" ? ConditionNode::Kind::AllOf : ConditionNode::Kind::OneOf;
            node.name = operand->kind == Kind::Them ? std::string("them") : operand->text;
            node.operatorSpan = join(q.span, ofToken->span);
            node.nameSpan = operand->span;
            node.span = join(q.span, operand->span);
            return node;
        }
        case Kind::Identifier: {
            ConditionNode node;
            node.kind = ConditionNode::Kind::Identifier;
            node.name = t->text;
            node.nameSpan = t->span;
            node.span = t->span;
            ++m_pos;
            return node;
        }
        case Kind::LParen: {
            const auto open = *t;
            ++m_pos;
            if (peek() && peek()->kind == Kind::RParen) {
                error(peek()->span, "empty parentheses in condition", "condition-syntax");
                return std::nullopt;
            }
            auto inner = parseOr(depth + 1);
            if (!inner)
                return std::nullopt;
            const auto* close = peek();
            if (!close || close->kind != Kind::RParen) {
                error(open.span, "unbalanced '(' in condition: no matching ')'", "condition-syntax");
                return std::nullopt;
            }
            ++m_pos;
            inner->span = join(open.span, close->span);
            return inner;
        }
        case Kind::Pattern:
            error(t->span, "the wildcard pattern '" + t->text + "' can only follow '1 of', 'any of' or 'all of'",
                  "condition-syntax");
            return std::nullopt;
        case Kind::Them:
            error(t->span, "'them' can only follow '1 of', 'any of' or 'all of'", "condition-syntax");
            return std::nullopt;
        case Kind::RParen:
            error(t->span, "unbalanced ')' in condition", "condition-syntax");
            return std::nullopt;
        default:
            error(t->span, "unexpected '" + t->text + "' where an operand is expected", "condition-syntax");
            return std::nullopt;
        }
    }

    std::vector<ConditionToken> m_tokens;
    std::string_view m_text;
    const ConditionOffsetMapper& m_map;
    const std::string& m_file;
    std::size_t m_pos = 0;
    Diagnostics m_diagnostics;
};

} // namespace

std::vector<ConditionToken> tokenizeCondition(std::string_view text, const ConditionOffsetMapper& map)
{
    std::vector<ConditionToken> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (isSpace(c)) {
            ++i;
            continue;
        }
        ConditionToken t;
        t.offset = i;
        if (c == '(' || c == ')' || c == '|') {
            t.kind = c == '('   ? ConditionToken::Kind::LParen
                     : c == ')' ? ConditionToken::Kind::RParen
                                : ConditionToken::Kind::Pipe;
            t.text = std::string(1, c);
            ++i;
        } else {
            std::size_t j = i;
            while (j < text.size() && !isSpace(text[j]) && text[j] != '(' && text[j] != ')' && text[j] != '|')
                ++j;
            t.text = std::string(text.substr(i, j - i));
            t.kind = ConditionToken::Kind::Identifier;
            i = j;
        }
        t.span = spanOf(t.offset, t.text.size(), map);
        tokens.push_back(std::move(t));
    }
    // Classify words, looking at their neighbours ("all" is a quantifier only before "of").
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        auto& t = tokens[k];
        if (t.kind != ConditionToken::Kind::Identifier)
            continue;
        const auto l = asciiLowered(t.text);
        const bool prevIsOf = k > 0 && tokens[k - 1].kind == ConditionToken::Kind::Of;
        const bool nextIsOf = k + 1 < tokens.size() && tokens[k + 1].kind == ConditionToken::Kind::Identifier &&
                              asciiLowered(tokens[k + 1].text) == "of";
        if (prevIsOf)
            t.kind = l == "them" ? ConditionToken::Kind::Them : ConditionToken::Kind::Pattern;
        else if (l == "and")
            t.kind = ConditionToken::Kind::And;
        else if (l == "or")
            t.kind = ConditionToken::Kind::Or;
        else if (l == "not")
            t.kind = ConditionToken::Kind::Not;
        else if (l == "of")
            t.kind = ConditionToken::Kind::Of;
        else if (nextIsOf && (l == "any" || l == "all" || isNumber(l)))
            t.kind = ConditionToken::Kind::Quantifier;
        else if (l == "them")
            t.kind = ConditionToken::Kind::Them;
        else if (t.text.find('*') != std::string::npos)
            t.kind = ConditionToken::Kind::Pattern;
    }
    return tokens;
}

ConditionParseResult parseCondition(std::string_view text, const ConditionOffsetMapper& map, const std::string& file)
{
    Parser parser(tokenizeCondition(text, map), text, map, file);
    return parser.run();
}

bool conditionOperandSelects(std::string_view operand, std::string_view identifier)
{
    if (asciiEqualsIgnoringCase(operand, "them"))
        return !identifier.empty() && identifier.front() != '_';
    return starPatternMatches(operand, identifier);
}

std::vector<std::string> expandConditionPattern(std::string_view pattern, const std::vector<std::string>& identifiers)
{
    std::vector<std::string> out;
    for (const auto& id : identifiers) {
        if (conditionOperandSelects(pattern, id))
            out.push_back(id);
    }
    return out;
}

namespace {
void collectReferences(const ConditionNode& node, const std::vector<std::string>& identifiers,
                       std::vector<std::string>& out)
{
    auto add = [&](const std::string& name) {
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    };
    switch (node.kind) {
    case ConditionNode::Kind::Identifier:
        add(node.name);
        break;
    case ConditionNode::Kind::OneOf:
    case ConditionNode::Kind::AllOf:
        for (const auto& n : expandConditionPattern(node.name, identifiers))
            add(n);
        break;
    default:
        for (const auto& c : node.children)
            collectReferences(c, identifiers, out);
    }
}
} // namespace

std::vector<std::string> referencedIdentifiers(const ConditionNode& node, const std::vector<std::string>& identifiers)
{
    std::vector<std::string> out;
    collectReferences(node, identifiers, out);
    return out;
}

} // namespace sigma
