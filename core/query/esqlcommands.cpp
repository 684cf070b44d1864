// ES|QL commands: the pipeline (FROM, WHERE, EVAL, STATS, RENAME, GROK, DISSECT, KEEP, ...) and
// the names its commands compute or alias (see esql.cpp for what the reader follows).

#include "query/esqlparser.h"

namespace sigma::esql {

using querytree::logical;

PredicateNode EsqlParser::run()
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

void EsqlParser::skipBalanced(bool expressionOnly)
{
    auto stopsHere = [&] {
        return peek().kind == TK::Pipe || (expressionOnly && (peek().kind == TK::Comma || word("by")));
    };
    int depth = 0;
    while (peek().kind != TK::End && peek().kind != TK::Error && !(depth == 0 && stopsHere())) {
        if (peek().kind == TK::LParen || peek().kind == TK::LBracket || peek().kind == TK::LBrace)
            ++depth;
        else if (peek().kind == TK::RParen || peek().kind == TK::RBracket || peek().kind == TK::RBrace)
            --depth;
        ++m_i;
    }
    if (peek().kind == TK::Error)
        fail("");
}

void EsqlParser::note(QueryNote::Kind kind, std::string text, std::size_t begin)
{
    m_out.notes.push_back({kind, std::move(text), spanFrom(begin)});
}

void EsqlParser::command(bool first, std::vector<PredicateNode>& filters)
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
        PredicateNode expr = orExpression();
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

void EsqlParser::fromCommand(std::size_t begin)
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

void EsqlParser::assignments(bool evalAliases)
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
            } else if (evalAliases && simpleEnd && rhs.kind == Operand::Kind::Field && !m_computed.count(rhs.name)) {
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

void EsqlParser::statsCommand(bool inlineStats)
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

void EsqlParser::renameCommand()
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

void EsqlParser::patternCommand()
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

} // namespace sigma::esql
