// EQL (Elastic's Event Query Language): a lexer and recursive-descent reader following
// endgame's grammar (eql/etc/eql.g, which detection-rules uses) with the Elastic stack's
// semantics (Elasticsearch EqlBase.g4 and the EQL syntax reference):
//   `category where expr`, `any where`, sequence [by keys] [with maxspan=N] [ ... ] [ ... ] until [ ... ],
//   `with runs=N`, missing events `![ ... ]`, sample by keys, join; pipes (noted);
//   == != < <= > >= (case-sensitive), `:` (case-insensitive, `*` and `?` wildcards, lists),
//   like / like~ (wildcards), regex / regex~, in / in~ / not in, not, ?field, field paths with
//   dots, [n] and `escaped` parts; strings "..." '...' with escapes, """raw""", ?"raw";
//   functions startsWith, endsWith, stringContains, wildcard, cidrMatch (predicates) and
//   length, substring, ... (named on the comparison, not event fields).

#include "query/eqllexer.h"
#include "query/exprreader.h"
#include "query/query.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma {

namespace {

using querytree::negation;
using querytree::Operand; // Function: the function name as written (with ~)
using Tok = EqlToken::Kind;

class EqlParser : public querytree::ExpressionReader<EqlParser, EqlToken> {
public:
    EqlParser(const QuerySource& source, ParsedQuery& out)
        : ExpressionReader(source, lexEql(source.text()))
        , m_out(out)
    {}

    PredicateNode run()
    {
        PredicateNode root = baseQuery();
        while (peek().kind == Tok::Pipe)
            pipe();
        if (peek().kind != Tok::End)
            fail("unexpected '" + std::string(peek().text) + "'");
        return root;
    }

private:
    friend class querytree::ExpressionReader<EqlParser, EqlToken>;

    bool keyword(std::string_view word, std::size_t ahead = 0) const
    {
        const auto& t = peek(ahead);
        return t.kind == Tok::Name && t.text == word;
    }
    /// EQL keywords are lower case and case-sensitive.
    bool acceptWord(std::string_view word)
    {
        if (!keyword(word))
            return false;
        ++m_i;
        return true;
    }
    bool additiveOperator() const { return peek().kind == Tok::Plus || peek().kind == Tok::Minus; }
    bool multiplicativeOperator() const
    {
        return peek().kind == Tok::Star || peek().kind == Tok::Slash || peek().kind == Tok::Percent;
    }

    PredicateNode baseQuery()
    {
        if (keyword("sequence") || keyword("join"))
            return sequence();
        if (keyword("sample"))
            return sample();
        return eventQuery(PredicateNode::EventRole::Term);
    }

    PredicateNode eventQuery(PredicateNode::EventRole role)
    {
        const std::size_t begin = peek().begin;
        PredicateNode ev;
        ev.kind = PredicateNode::Kind::Event;
        ev.role = role;
        if ((peek().kind == Tok::Name || peek().kind == Tok::String) && keyword("where", 1)) {
            ev.category = std::string(next().text);
            ++m_i; // where
        } else {
            ev.category = "any"; // endgame allows a bare expression
        }
        addSource(ev.category);
        ev.children.push_back(orExpression());
        ev.span = spanFrom(begin);
        return ev;
    }

    void addSource(const std::string& category)
    {
        if (std::find(m_out.sources.begin(), m_out.sources.end(), category) == m_out.sources.end())
            m_out.sources.push_back(category);
    }

    std::string joinKeys()
    {
        // by expr, expr, ...: noted, not predicates
        const std::size_t begin = peek().begin;
        ++m_i; // by
        do {
            additive();
        } while (accept(Tok::Comma));
        return "by " + std::string(m_src.text().substr(begin + 3, lastEnd() - begin - 3));
    }

    std::string withParams()
    {
        // with maxspan=N[unit] | with runs=N
        ++m_i; // with
        const std::size_t begin = peek().begin;
        if (!keyword("maxspan") && !keyword("runs"))
            fail("expected 'maxspan' or 'runs' after 'with'");
        ++m_i;
        expect(Tok::Assign, "'='");
        if (peek().kind != Tok::Number)
            fail("expected a number");
        ++m_i;
        if (peek().kind == Tok::Name && !keyword("by") && peek().begin == m_tok[m_i - 1].end)
            ++m_i; // the unit, written right after the number (5m, 30s)
        return std::string(m_src.text().substr(begin, lastEnd() - begin));
    }

    PredicateNode sequence()
    {
        const std::size_t begin = peek().begin;
        const bool join = keyword("join");
        ++m_i;
        PredicateNode seq;
        seq.kind = PredicateNode::Kind::Sequence;
        std::string note;
        auto addNote = [&](const std::string& s) { note += (note.empty() ? "" : " ") + s; };
        for (int k = 0; k < 2; ++k) {
            if (keyword("by"))
                addNote(joinKeys());
            else if (keyword("with"))
                addNote(withParams());
        }
        seq.note = join ? ("join" + (note.empty() ? "" : " " + note)) : note;
        while (peek().kind == Tok::LBracket || peek().kind == Tok::MissingOpen)
            seq.children.push_back(term(PredicateNode::EventRole::Term));
        if (seq.children.empty())
            fail("expected '[' starting a sequence term");
        if (acceptWord("until"))
            seq.children.push_back(term(PredicateNode::EventRole::Until));
        seq.span = spanFrom(begin);
        m_out.notes.push_back({QueryNote::Kind::Aggregation, join ? "join" : "sequence", seq.span});
        return seq;
    }

    PredicateNode sample()
    {
        const std::size_t begin = peek().begin;
        ++m_i;
        PredicateNode s;
        s.kind = PredicateNode::Kind::Sample;
        if (keyword("by"))
            s.note = joinKeys();
        while (peek().kind == Tok::LBracket)
            s.children.push_back(term(PredicateNode::EventRole::Term));
        if (s.children.empty())
            fail("expected '[' starting a sample term");
        s.span = spanFrom(begin);
        m_out.notes.push_back({QueryNote::Kind::Aggregation, "sample", s.span});
        return s;
    }

    PredicateNode term(PredicateNode::EventRole role)
    {
        const std::size_t begin = peek().begin;
        if (accept(Tok::MissingOpen))
            role = PredicateNode::EventRole::Missing;
        else
            expect(Tok::LBracket, "'['");
        PredicateNode ev = eventQuery(role);
        expect(Tok::RBracket, "']'");
        std::string note;
        auto addNote = [&](const std::string& s) { note += (note.empty() ? "" : " ") + s; };
        while (true) {
            if (keyword("fork")) {
                ++m_i;
                if (accept(Tok::Assign) || accept(Tok::Equals))
                    ++m_i;
                addNote("fork");
            } else if (keyword("by")) {
                addNote(joinKeys());
            } else if (keyword("with")) {
                addNote(withParams());
            } else if (keyword("as") && peek(1).kind == Tok::Name) {
                m_i += 2;
            } else {
                break;
            }
        }
        ev.note = note;
        ev.span = spanFrom(begin);
        return ev;
    }

    void pipe()
    {
        const std::size_t begin = peek().begin;
        ++m_i; // |
        if (peek().kind != Tok::Name)
            fail("expected a pipe name after '|'");
        const std::string name(next().text);
        while (peek().kind != Tok::Pipe && peek().kind != Tok::End) {
            if (peek().kind == Tok::Error)
                fail("");
            ++m_i;
        }
        m_out.notes.push_back(
            {name == "filter" ? QueryNote::Kind::Other : QueryNote::Kind::Aggregation, name, spanFrom(begin)});
    }

    // --- expressions -----------------------------------------------------------------------------

    static bool isComparison(Tok k)
    {
        return k == Tok::Equals || k == Tok::NotEquals || k == Tok::Less || k == Tok::LessEq || k == Tok::Greater ||
               k == Tok::GreaterEq || k == Tok::Assign;
    }

    PredicateNode predicate()
    {
        const std::size_t begin = peek().begin;
        Operand left = additive();
        const auto& t = peek();
        if (isComparison(t.kind)) {
            const std::string opText(next().text);
            Operand right = additive();
            return comparison(left, opText, right, begin);
        }
        bool negated = false;
        if (keyword("not") && (keyword("in", 1) || keyword("in~", 1) || keyword("like", 1) || keyword("like~", 1) ||
                               keyword("regex", 1) || keyword("regex~", 1))) {
            ++m_i;
            negated = true;
        }
        if (keyword("in") || keyword("in~")) {
            const std::string opText(next().text);
            expect(Tok::LParen, "'(' after in");
            std::vector<Operand> items;
            if (peek().kind != Tok::RParen) {
                do {
                    if (peek().kind == Tok::RParen)
                        break; // trailing comma
                    items.push_back(additive());
                } while (accept(Tok::Comma));
            }
            expect(Tok::RParen, "')'");
            PredicateNode n = membership(left, opText, items, begin);
            return negated ? negation(std::move(n), spanFrom(begin)) : n;
        }
        if (peek().kind == Tok::Colon || keyword("like") || keyword("like~") || keyword("regex") || keyword("regex~")) {
            const std::string opText(next().text);
            std::vector<Operand> items;
            if (accept(Tok::LParen)) {
                do {
                    if (peek().kind == Tok::RParen)
                        break;
                    items.push_back(additive());
                } while (accept(Tok::Comma));
                expect(Tok::RParen, "')'");
            } else {
                items.push_back(additive());
            }
            PredicateNode n = stringPredicate(left, opText, items, begin);
            return negated ? negation(std::move(n), spanFrom(begin)) : n;
        }
        if (negated)
            fail("expected in, like or regex after 'not'");
        return standalone(left, begin);
    }

    // operands (the arithmetic layer is the ExpressionReader's)

    Operand unary()
    {
        if (peek().kind == Tok::Minus || peek().kind == Tok::Plus) {
            const querytree::DepthGuard depthGuard(m_depth, peek().begin);
            const auto& sign = next();
            Operand o = primary();
            if (o.kind == Operand::Kind::Literal && o.literal.type == QueryValue::Type::Number && sign.text == "-")
                o.literal.text = "-" + o.literal.text;
            else if (o.kind != Operand::Kind::Literal)
                o.kind = Operand::Kind::Other;
            o.begin = sign.begin;
            return o;
        }
        return primary();
    }

    Operand primary()
    {
        const EqlToken& t = peek();
        Operand o;
        o.begin = t.begin;
        switch (t.kind) {
        case Tok::String:
            return literal(t, QueryValue::Type::String, t.value);
        case Tok::Number:
            return literal(t, QueryValue::Type::Number, std::string(t.text));
        case Tok::OptionalField:
        case Tok::EscapedName:
            ++m_i;
            o.kind = Operand::Kind::Field;
            o.name = t.value;
            o.optional = t.kind == Tok::OptionalField;
            o.end = t.end;
            return o;
        case Tok::LParen:
            ++m_i;
            return parenthesised(t.begin, Tok::RParen);
        case Tok::Name:
            break;
        default:
            fail("expected a field, a value or a function");
        }
        const std::string name = t.value;
        ++m_i;
        o.end = t.end;
        if (name == "true" || name == "false") {
            o.kind = Operand::Kind::Literal;
            o.literal.type = QueryValue::Type::Boolean;
            o.literal.text = name;
            o.literal.span = m_src.span(t.begin, t.end);
            return o;
        }
        if (name == "null") {
            o.kind = Operand::Kind::Literal;
            o.literal.type = QueryValue::Type::Null;
            o.literal.text = "null";
            o.literal.span = m_src.span(t.begin, t.end);
            return o;
        }
        if (peek().kind == Tok::LParen && !isReserved(name)) {
            ++m_i;
            o.kind = Operand::Kind::Function;
            o.name = name;
            if (peek().kind != Tok::RParen) {
                do {
                    if (peek().kind == Tok::RParen)
                        break;
                    o.args.push_back(additive());
                } while (accept(Tok::Comma));
            }
            expect(Tok::RParen, "')' closing the function call");
            o.end = lastEnd();
            return o;
        }
        if (keyword("of") && (peek(1).kind == Tok::LBracket)) {
            // descendant of [ ... ], child of, event of: a relationship over another event, whose
            // own predicates are about that other event
            m_i += 2;
            eventQuery(PredicateNode::EventRole::Term);
            expect(Tok::RBracket, "']'");
            o.kind = Operand::Kind::Other;
            o.end = lastEnd();
            o.name = name + " of";
            return o;
        }
        if (isReserved(name))
            fail("unexpected '" + name + "'");
        o.kind = Operand::Kind::Field;
        o.name = name;
        return o;
    }

    static bool isReserved(const std::string& n)
    {
        return n == "and" || n == "or" || n == "not" || n == "in" || n == "in~" || n == "where" || n == "by" ||
               n == "until" || n == "with" || n == "sequence" || n == "sample" || n == "join" || n == "like" ||
               n == "like~" || n == "regex" || n == "regex~";
    }

    // --- building nodes --------------------------------------------------------------------------

    PredicateNode compareNode(const Operand& subject, CompareOp op, std::string opText, bool cased,
                              std::size_t begin) const
    {
        PredicateNode n;
        n.op = op;
        n.opText = std::move(opText);
        n.cased = cased;
        n.span = spanFrom(begin);
        const Operand* field = &subject;
        if (subject.kind == Operand::Kind::Function) {
            n.function = subject.name;
            field = nullptr;
            for (const auto& a : subject.args)
                if (a.kind == Operand::Kind::Field) {
                    field = &a;
                    break;
                }
            n.onEventField = false; // length(f) > 3, substring(f, 0, 2) == "ab": not the field's value
        }
        if (field && field->kind == Operand::Kind::Field) {
            n.field = field->name;
            n.optionalField = field->optional;
            n.fieldSpan = m_src.span(field->begin, field->end);
        }
        return n;
    }

    QueryValue patternValue(const Operand& o, bool wildcards) const
    {
        QueryValue v = o.literal;
        if (wildcards && v.type == QueryValue::Type::String)
            v.wildcards = querytree::wildcardsIn(v.text, true);
        return v;
    }

    PredicateNode opaqueFrom(std::size_t begin, const std::string& what) const
    {
        return querytree::opaque(what + ": " + std::string(m_src.text().substr(begin, lastEnd() - begin)),
                                 spanFrom(begin));
    }

    PredicateNode comparison(Operand left, std::string opText, Operand right, std::size_t begin)
    {
        if (left.kind == Operand::Kind::Literal && right.kind != Operand::Kind::Literal) {
            std::swap(left, right);
            if (opText == "<")
                opText = ">";
            else if (opText == ">")
                opText = "<";
            else if (opText == "<=")
                opText = ">=";
            else if (opText == ">=")
                opText = "<=";
        }
        if ((left.kind != Operand::Kind::Field && left.kind != Operand::Kind::Function) ||
            (right.kind != Operand::Kind::Literal && right.kind != Operand::Kind::Field))
            return opaqueFrom(begin, "comparison");
        const CompareOp op = querytree::comparisonOperator(opText);
        const bool eq = op == CompareOp::Equals;
        const bool ne = op == CompareOp::NotEquals;
        if (right.kind == Operand::Kind::Literal && right.literal.type == QueryValue::Type::Null && (eq || ne)) {
            PredicateNode n = compareNode(left, eq ? CompareOp::IsNull : CompareOp::Exists, opText, false, begin);
            n.values.push_back(right.literal); // shown as written; not a value to compare
            return n;
        }
        PredicateNode n = compareNode(left, op, opText, true, begin);
        if (right.kind == Operand::Kind::Field) {
            QueryValue v;
            v.type = QueryValue::Type::Field;
            v.text = right.name;
            v.span = m_src.span(right.begin, right.end);
            n.values.push_back(std::move(v));
        } else {
            n.values.push_back(right.literal);
        }
        return n;
    }

    PredicateNode membership(const Operand& left, const std::string& opText, const std::vector<Operand>& items,
                             std::size_t begin)
    {
        if (left.kind != Operand::Kind::Field && left.kind != Operand::Kind::Function)
            return opaqueFrom(begin, "in");
        PredicateNode n = compareNode(left, CompareOp::Equals, opText, opText.back() != '~', begin);
        for (const auto& it : items) {
            if (it.kind != Operand::Kind::Literal)
                return opaqueFrom(begin, "in");
            n.values.push_back(it.literal);
        }
        return n;
    }

    PredicateNode stringPredicate(const Operand& left, const std::string& opText, const std::vector<Operand>& items,
                                  std::size_t begin)
    {
        if (left.kind != Operand::Kind::Field && left.kind != Operand::Kind::Function)
            return opaqueFrom(begin, opText);
        const bool regex = opText.starts_with("regex");
        const bool insensitive = opText == ":" || opText.back() == '~';
        if (items.size() == 1 && items[0].kind == Operand::Kind::Literal &&
            items[0].literal.type == QueryValue::Type::Null) {
            PredicateNode n = compareNode(left, CompareOp::IsNull, opText, false, begin);
            n.values.push_back(items[0].literal);
            return n;
        }
        PredicateNode n = compareNode(left, regex ? CompareOp::Regex : CompareOp::Equals, opText, !insensitive, begin);
        for (const auto& it : items) {
            if (it.kind != Operand::Kind::Literal)
                return opaqueFrom(begin, opText);
            n.values.push_back(patternValue(it, !regex));
        }
        return n;
    }

    /// A function or field used as a boolean on its own.
    PredicateNode standalone(const Operand& o, std::size_t begin)
    {
        if (isNestedTree(o))
            return takeNestedTree(o);
        if (o.kind == Operand::Kind::Other && o.name.ends_with(" of"))
            return querytree::opaque(o.name, spanFrom(begin));
        if (o.kind != Operand::Kind::Function)
            return opaqueFrom(begin, o.kind == Operand::Kind::Field ? "field as boolean" : "expression");
        std::string fn = o.name;
        const bool insensitive = fn.ends_with('~');
        if (insensitive)
            fn.pop_back();
        const std::string lower = asciiLowered(fn);
        CompareOp op;
        bool wildcards = false;
        if (lower == "startswith")
            op = CompareOp::StartsWith;
        else if (lower == "endswith")
            op = CompareOp::EndsWith;
        else if (lower == "stringcontains")
            op = CompareOp::Contains;
        else if (lower == "wildcard") {
            op = CompareOp::Equals;
            wildcards = true;
        } else if (lower == "cidrmatch")
            op = CompareOp::Cidr;
        else
            return opaqueFrom(begin, "function " + o.name);
        if (o.args.size() < 2 || o.args[0].kind != Operand::Kind::Field)
            return opaqueFrom(begin, "function " + o.name);
        PredicateNode n;
        n.op = op;
        n.opText = o.name;
        n.cased = op != CompareOp::Cidr && !insensitive;
        n.field = o.args[0].name;
        n.optionalField = o.args[0].optional;
        n.fieldSpan = m_src.span(o.args[0].begin, o.args[0].end);
        n.span = spanFrom(begin);
        const bool substring = op == CompareOp::StartsWith || op == CompareOp::EndsWith || op == CompareOp::Contains;
        for (std::size_t i = 1; i < o.args.size(); ++i) {
            if (substring && o.args.size() == 2 && o.args[i].kind == Operand::Kind::Field) {
                // startsWith(a, b) with two fields: how EQL compares fields (`a == b` is refused)
                QueryValue v;
                v.type = QueryValue::Type::Field;
                v.text = o.args[i].name;
                v.span = m_src.span(o.args[i].begin, o.args[i].end);
                n.values.push_back(std::move(v));
                continue;
            }
            if (o.args[i].kind != Operand::Kind::Literal)
                return opaqueFrom(begin, "function " + o.name);
            n.values.push_back(patternValue(o.args[i], wildcards));
        }
        return n;
    }

    ParsedQuery& m_out;
};

} // namespace

ParsedQuery parseEql(const QuerySource& source)
{
    return querytree::readQuery(QueryLanguage::Eql, source, [&](ParsedQuery& result) {
        EqlParser parser(source, result);
        result.root = parser.run();
    });
}

} // namespace sigma
