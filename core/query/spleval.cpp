// The where-command (eval expression) reader of SPL: AND binds tighter than OR, comparisons are
// case-sensitive, like(), match(), isnull(), isnotnull(), cidrmatch(), in() are predicates. A field
// compared with a field (a==b, lower(a)==lower(b), substr(a, 1, len(b))==b) has a Field value.
#include "query/splcursor.h"
#include "query/splsearch.h"

#include <optional>

namespace sigma {

using querytree::logical;
using querytree::negation;
using splsupport::Cursor;

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
        const querytree::DepthGuard depthGuard(m_depth, m_r.m_ex.from[std::min(m_c.p, m_r.m_ex.text.size() - 1)]);
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
            const querytree::DepthGuard depthGuard(m_depth, m_r.m_ex.from[std::min(m_c.p, m_r.m_ex.text.size() - 1)]);
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
            if ((op == "=" || op == "==") && left.kind == Operand::Kind::Function)
                if (auto n = substrFieldRef(left, right, begin))
                    return std::move(*n);
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

    /// A field's start or end compared with another field, as `substr(a, 1, len(b))==b` and
    /// `substr(a, len(a)-len(b)+1)==b` (a and b plain, or both lower()): a StartsWith / EndsWith
    /// comparison of two fields (|fieldref|startswith, |endswith).
    std::optional<PredicateNode> substrFieldRef(const Operand& subject, const Operand& item, std::size_t begin)
    {
        if (subject.name != "substr" || subject.args.size() < 2)
            return std::nullopt;
        const Operand& x = subject.args[0];
        const Operand* other = querytree::otherField(x, item);
        if (!other)
            return std::nullopt;
        const Operand& a = x.kind == Operand::Kind::Field ? x : x.args[0];
        const auto source = [&](const Operand& o) { // as written, without blanks outside 'quoted names'
            std::string out;
            bool quoted = false;
            for (std::size_t i = o.begin; i < o.end && i < m_c.t.size(); ++i) {
                quoted = quoted != (m_c.t[i] == '\'');
                if (quoted || !querytree::isBlank(m_c.t[i]))
                    out += m_c.t[i];
            }
            return out;
        };
        // each field as written where it is compared: plain, or 'quoted' (a name with blanks or symbols)
        const std::string lenB = "len(" + source(*other) + ")";
        CompareOp op;
        if (subject.args.size() == 3 && source(subject.args[1]) == "1" && source(subject.args[2]) == lenB)
            op = CompareOp::StartsWith;
        else if (subject.args.size() == 2 && source(subject.args[1]) == "len(" + source(a) + ")-" + lenB + "+1")
            op = CompareOp::EndsWith;
        else
            return std::nullopt;
        return build(x, op, op == CompareOp::StartsWith ? "substr-start" : "substr-end", {item}, begin, false);
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
            if (it.kind == Operand::Kind::Field || it.kind == Operand::Kind::Function) {
                // a field compared with a field: a==b, lower(a)==lower(b)
                const Operand* other = querytree::otherField(subject, it);
                if (!other)
                    return querytree::opaque("comparison: " + text(begin), n.span);
                QueryValue v;
                v.type = QueryValue::Type::Field;
                v.text = m_r.resolve(other->name).field;
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

    // Arithmetic is read for its extent only: the operands of `+ - .` (sum) and `* / %` (product)
    // merge into one opaque operand spanning both.
    template <typename IsOperator, typename ReadOperand>
    Operand operatorChain(IsOperator isOperator, ReadOperand readOperand)
    {
        Operand left = readOperand();
        while (true) {
            m_c.skip();
            if (!isOperator(m_c.cur()))
                break;
            ++m_c.p;
            Operand right = readOperand();
            Operand o;
            o.begin = left.begin;
            o.end = right.end;
            left = o;
        }
        return left;
    }

    Operand sum()
    {
        return operatorChain(
            [this](char c) { return c == '+' || c == '-' || (c == '.' && querytree::isBlank(m_c.at(m_c.p + 1))); },
            [this] { return product(); });
    }

    Operand product()
    {
        return operatorChain([](char c) { return c == '*' || c == '/' || c == '%'; }, [this] { return unary(); });
    }

    Operand unary()
    {
        m_c.skip();
        if (m_c.cur() == '-') {
            const querytree::DepthGuard depthGuard(m_depth, m_r.m_ex.from[std::min(m_c.p, m_r.m_ex.text.size() - 1)]);
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
            // 'field name', with \' and \\ inside (what a quote or backslash of the name is written as)
            std::string name;
            std::size_t q = m_c.p + 1;
            while (true) {
                if (q >= m_c.e)
                    fail("unterminated 'field name'");
                if (m_c.t[q] == '\'')
                    break;
                if (m_c.t[q] == '\\' && q + 1 < m_c.e && (m_c.t[q + 1] == '\'' || m_c.t[q + 1] == '\\'))
                    ++q;
                name += m_c.t[q++];
            }
            o.kind = Operand::Kind::Field;
            o.name = std::move(name);
            m_c.p = q + 1;
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
    int m_depth = 0;
};

PredicateNode SplSearchReader::where(std::size_t b, std::size_t e)
{
    return SplEvalParser(*this, b, e).run();
}

} // namespace sigma
