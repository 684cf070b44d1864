// ES|QL: a lexer and a reader of the pipeline following the ES|QL reference (commands, operators,
// functions) and Elasticsearch's esql grammar (EsqlBaseParser.g4):
//   FROM indices [METADATA ...] | WHERE <boolean expression> | EVAL | STATS ... BY | INLINE STATS
//   | KEEP | DROP | RENAME | SORT | LIMIT | GROK | DISSECT | ENRICH | LOOKUP JOIN | MV_EXPAND ...
// WHERE expressions: AND / OR / NOT, == != < <= > >= (case-sensitive), LIKE / RLIKE (and lists),
// [NOT] IN, IS [NOT] NULL, the match operator `:`, functions (to_lower(f) == "x" compares folded;
// starts_with, ends_with, cidr_match and LOCATE(f, x) > 0 are predicates; others are named, not
// event fields). A field compared with a field (a == b, TO_LOWER(a) == TO_LOWER(b)) has a Field value.
// Names that EVAL, GROK, DISSECT or STATS compute are not event fields; every WHERE after the first
// STATS filters aggregated rows (its comparisons are noted, not indicators), except on BY keys.

#include "query/esqlparser.h"

namespace sigma {
namespace esql {

using querytree::negation;

PredicateNode EsqlParser::predicate()
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
        PredicateNode n = build(left, isNot ? CompareOp::Exists : CompareOp::IsNull, isNot ? "IS NOT NULL" : "IS NULL",
                                {}, begin, false);
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
        const CompareOp cop = querytree::comparisonOperator(o);
        if (cop == CompareOp::Greater && left.kind == Operand::Kind::Function && left.name == "locate" &&
            left.args.size() == 2 && right.kind == Operand::Kind::Literal &&
            right.literal.type == QueryValue::Type::Number && right.literal.text == "0")
            return build(left.args[0], CompareOp::Contains, "LOCATE", {left.args[1]}, begin, false); // 1-based
        PredicateNode n = build(left, cop, o, {right}, begin, false);
        if (o == ":")
            n.cased = false; // the match operator runs a full-text match query
        return n;
    }
    return standalone(left, begin);
}

PredicateNode EsqlParser::build(const Operand& subject, CompareOp cop, const std::string& opText,
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
        if (it.kind == Operand::Kind::Field || it.kind == Operand::Kind::Function) {
            // a field compared with a field: a == b, TO_LOWER(a) == TO_LOWER(b)
            const Operand* other = querytree::otherField(subject, it);
            if (!other)
                return querytree::opaque("comparison: " + sourceText(begin), n.span);
            QueryValue v;
            v.type = QueryValue::Type::Field;
            v.text = other->name;
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

QueryValue EsqlParser::likeValue(const QueryValue& in)
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

std::vector<std::size_t> EsqlParser::stringOffsets(std::size_t begin, std::size_t end) const
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

PredicateNode EsqlParser::embeddedQuery(const Operand& o, std::size_t begin)
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

PredicateNode EsqlParser::standalone(const Operand& o, std::size_t begin)
{
    if (isNestedTree(o))
        return takeNestedTree(o);
    if (o.kind == Operand::Kind::Function && (o.name == "kql" || o.name == "qstr") && o.args.size() >= 1 &&
        o.args[0].kind == Operand::Kind::Literal && o.args[0].literal.type == QueryValue::Type::String)
        return embeddedQuery(o, begin);
    if (o.kind == Operand::Kind::Function && o.name == "coalesce" && o.args.size() == 2 && isNestedTree(o.args[0]) &&
        o.args[1].kind == Operand::Kind::Literal && o.args[1].literal.type == QueryValue::Type::Boolean &&
        (o.args[1].literal.text == "false" || o.args[1].literal.text == "FALSE")) {
        // COALESCE(x, FALSE): x made two-valued (a null x is false), as a NOT over it needs
        PredicateNode n;
        n.kind = PredicateNode::Kind::And;
        n.span = spanFrom(begin);
        n.note = "coalesce";
        n.children.push_back(takeNestedTree(o.args[0]));
        return n;
    }
    const auto fieldOrFolded = [](const Operand& a) {
        return a.kind == Operand::Kind::Field || (a.kind == Operand::Kind::Function && querytree::isCaseFold(a.name) &&
                                                  a.args.size() == 1 && a.args[0].kind == Operand::Kind::Field);
    };
    if (o.kind == Operand::Kind::Function && o.args.size() >= 2 && fieldOrFolded(o.args[0])) {
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

Operand EsqlParser::unary()
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

Operand EsqlParser::operand()
{
    const Token& t = peek();
    Operand o;
    o.begin = t.begin;
    switch (t.kind) {
    case TK::String:
        return literal(t, QueryValue::Type::String, t.value);
    case TK::Number:
        o = literal(t, QueryValue::Type::Number, t.value);
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
    case TK::LParen:
        ++m_i;
        return parenthesised(t.begin, TK::RParen);
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

Operand EsqlParser::argument()
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
    PredicateNode inner = orExpression(); // a boolean argument, COALESCE(a == b, FALSE): a nested tree
    return nestedOperand(o.begin, std::move(inner));
}

} // namespace esql

ParsedQuery parseEsql(const QuerySource& source)
{
    return querytree::readQuery(QueryLanguage::Esql, source, [&](ParsedQuery& result) {
        esql::EsqlParser parser(source, result);
        result.root = parser.run();
    });
}

} // namespace sigma
