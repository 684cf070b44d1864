// Lowering a rule into the conversion IR (conversion/conversion.h): the same reading of items,
// values and modifiers as the engine (rule/modifiers.h for the matcher family, engine/valueexpansion.h
// for the strings a value stands for), so a query means what the engine tests.
#include "conversion/conversion.h"

#include "engine/errorsink.h"
#include "engine/valueexpansion.h"
#include "engine/valuematchers.h"
#include "rule/condition.h"
#include "rule/modifiers.h"
#include "util/ipnetwork.h"

namespace sigma::conversion {

namespace {

using engine::SigmaString;

Node predicateNode(Predicate p, const SourceSpan& span)
{
    Node n;
    n.kind = Node::Kind::Predicate;
    n.predicate = std::move(p);
    n.span = span;
    return n;
}

Node group(Node::Kind kind, std::vector<Node> children, const SourceSpan& span)
{
    if (children.size() == 1)
        return std::move(children.front());
    Node n;
    n.kind = kind;
    n.children = std::move(children);
    n.span = span;
    return n;
}

Node negation(Node child, const SourceSpan& span)
{
    Node n;
    n.kind = Node::Kind::Not;
    n.span = span;
    n.children.push_back(std::move(child));
    return n;
}

struct Lowerer : engine::ErrorSink {
    const Rule& rule;
    const ConversionOptions& options;

    Predicate base(const DetectionItem& item, Predicate::Kind kind)
    {
        Predicate p;
        p.kind = kind;
        p.field = item.field;
        p.cased = item.has(ModifierKind::Cased);
        return p;
    }

    /// One value of an item: one predicate, or an Or of its expansions.
    std::optional<Node> value(const DetectionItem& item, const Value& v)
    {
        const MatcherFamily family = matcherFamilyOf(item);
        const bool neq = item.has(ModifierKind::Neq);
        const SourceSpan& span = v.span.valid() ? v.span : item.span;
        auto present = [&](Node test) {
            // neq: the field is present and the test fails (the engine's negated matchers).
            std::vector<Node> both;
            Predicate e = base(item, Predicate::Kind::Exists);
            both.push_back(predicateNode(e, span));
            both.push_back(negation(std::move(test), span));
            return group(Node::Kind::And, std::move(both), span);
        };
        if (const auto problem = checkModifierValue(item, v)) {
            error(span, problem->code, problem->message);
            return std::nullopt;
        }
        switch (family) {
        case MatcherFamily::Exists: {
            if (v.type != Value::Type::Boolean) {
                error(span, "exists-not-boolean", "exists needs true or false, not '" + v.text + "'");
                return std::nullopt;
            }
            Node n = predicateNode(base(item, Predicate::Kind::Exists), span);
            return v.boolValue ? n : negation(std::move(n), span);
        }
        case MatcherFamily::TimePart:
            error(item.keySpan.valid() ? item.keySpan : span, "conversion-unsupported",
                  "time-part modifiers (minute .. year) cannot be converted to a query");
            return std::nullopt;
        case MatcherFamily::Number: {
            Predicate p = base(item, Predicate::Kind::Compare);
            const auto n = engine::parseNumber(v.text);
            if (!n || v.type == Value::Type::Boolean || v.type == Value::Type::Null) {
                error(span, "comparison-not-number", "'" + v.text + "' is not a number");
                return std::nullopt;
            }
            p.number = *n;
            p.text = v.text;
            p.op = neq ? Predicate::Op::Neq : Predicate::Op::Eq;
            for (const auto& m : item.modifiers) {
                if (m.kind == ModifierKind::Gt)
                    p.op = Predicate::Op::Gt;
                else if (m.kind == ModifierKind::Gte)
                    p.op = Predicate::Op::Gte;
                else if (m.kind == ModifierKind::Lt)
                    p.op = Predicate::Op::Lt;
                else if (m.kind == ModifierKind::Lte)
                    p.op = Predicate::Op::Lte;
            }
            return predicateNode(p, span);
        }
        case MatcherFamily::Cidr: {
            const auto network = parseIpNetwork(v.text);
            if (!network) {
                error(span, "invalid-cidr", "'" + v.text + "' is not an IPv4 or IPv6 network");
                return std::nullopt;
            }
            Predicate p = base(item, Predicate::Kind::Cidr);
            p.text = network->text();
            return predicateNode(p, span);
        }
        case MatcherFamily::Regex: {
            Predicate p = base(item, Predicate::Kind::Regex);
            p.text = v.text;
            p.reIgnoreCase = item.has(ModifierKind::ReIgnoreCase);
            p.reMultiline = item.has(ModifierKind::ReMultiline);
            p.reDotAll = item.has(ModifierKind::ReDotAll);
            // Leading inline flags `(?i)`, `(?s)`, `(?ims)` are the modifier flags written in the
            // expression: the same for PCRE, and some targets can only take them as flags.
            if (p.text.size() > 3 && p.text.compare(0, 2, "(?") == 0) {
                const auto close = p.text.find(')');
                const std::string flags = close == std::string::npos ? std::string() : p.text.substr(2, close - 2);
                if (!flags.empty() && flags.find_first_not_of("ims") == std::string::npos) {
                    p.reIgnoreCase = p.reIgnoreCase || flags.find('i') != std::string::npos;
                    p.reMultiline = p.reMultiline || flags.find('m') != std::string::npos;
                    p.reDotAll = p.reDotAll || flags.find('s') != std::string::npos;
                    p.text.erase(0, close + 1);
                }
            }
            return predicateNode(p, span);
        }
        case MatcherFamily::FieldRef: {
            Predicate p = base(item, Predicate::Kind::FieldRef);
            p.text = v.text;
            if (item.has(ModifierKind::Contains))
                p.anchor = Predicate::Anchor::Contains;
            else if (item.has(ModifierKind::StartsWith))
                p.anchor = Predicate::Anchor::Start;
            else if (item.has(ModifierKind::EndsWith))
                p.anchor = Predicate::Anchor::End;
            Node n = predicateNode(p, span);
            if (!neq)
                return n;
            // The engine's negated fieldref needs both fields present.
            std::vector<Node> all;
            Predicate other = base(item, Predicate::Kind::Exists);
            other.field = v.text;
            all.push_back(predicateNode(other, span));
            all.push_back(present(std::move(n)));
            return group(Node::Kind::And, std::move(all), span);
        }
        case MatcherFamily::String:
            break;
        }
        if (v.type == Value::Type::Null) {
            if (item.isKeyword || item.field.empty()) {
                error(span, "conversion-unsupported", "a keyword cannot be null");
                return std::nullopt;
            }
            return predicateNode(base(item, Predicate::Kind::Null), span);
        }
        engine::ValueExpansion x = engine::expandItemValue(item, v, options.placeholders, options.maxExpansions);
        if (!x.ok()) {
            error(x.errorSpan.valid() ? x.errorSpan : span, x.errorCode, x.errorMessage);
            return std::nullopt;
        }
        const bool keyword = item.isKeyword || item.field.empty();
        std::vector<Node> alternatives;
        for (auto& s : x.strings) {
            Predicate p = base(item, keyword ? Predicate::Kind::Keyword : Predicate::Kind::String);
            p.pattern = std::move(s);
            p.integer = v.type == Value::Type::Integer && !keyword && p.pattern.parts.size() == 1 &&
                        p.pattern.parts.front().kind == SigmaString::Part::Kind::Literal &&
                        p.pattern.parts.front().text == v.text &&
                        v.text.find_first_not_of("0123456789") == std::string::npos;
            alternatives.push_back(predicateNode(std::move(p), span));
        }
        Node n = group(Node::Kind::Or, std::move(alternatives), span);
        return neq && !keyword ? present(std::move(n)) : n;
    }

    std::optional<Node> item(const DetectionItem& it)
    {
        if (it.values.empty()) {
            error(it.span, "empty-value-list", "'" + it.field + "' has no values");
            return std::nullopt;
        }
        std::vector<Node> values;
        for (const auto& v : it.values)
            if (auto n = value(it, v))
                values.push_back(std::move(*n));
        if (values.size() != it.values.size())
            return std::nullopt;
        return group(it.has(ModifierKind::All) ? Node::Kind::And : Node::Kind::Or, std::move(values), it.span);
    }

    std::optional<Node> search(const SearchIdentifier& s)
    {
        std::vector<Node> maps;
        bool good = true;
        for (const auto& m : s.maps) {
            std::vector<Node> items;
            for (const auto& it : m.items) {
                auto n = item(it);
                good = good && n.has_value();
                if (n)
                    items.push_back(std::move(*n));
            }
            if (items.empty()) {
                Node t;
                t.kind = Node::Kind::Constant;
                t.constant = true; // an empty map holds (AND of nothing)
                t.span = m.span;
                items.push_back(t);
            }
            maps.push_back(group(Node::Kind::And, std::move(items), m.span));
        }
        if (!good)
            return std::nullopt;
        if (maps.empty()) {
            error(s.nameSpan.valid() ? s.nameSpan : s.span, "conversion-unsupported",
                  "search identifier '" + s.name + "' is empty");
            return std::nullopt;
        }
        return group(Node::Kind::Or, std::move(maps), s.span);
    }

    std::optional<Node> condition(const ConditionNode& c)
    {
        switch (c.kind) {
        case ConditionNode::Kind::Identifier: {
            const SearchIdentifier* s = rule.searchIdentifier(c.name);
            if (!s) {
                error(c.nameSpan.valid() ? c.nameSpan : c.span, "unknown-search-identifier",
                      "the condition refers to '" + c.name + "', which is not defined under detection");
                return std::nullopt;
            }
            return search(*s);
        }
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            std::vector<Node> parts;
            bool any = false;
            for (const auto& s : rule.detection)
                if (conditionOperandSelects(c.name, s.name)) {
                    any = true;
                    auto n = search(s);
                    if (!n)
                        return std::nullopt;
                    parts.push_back(std::move(*n));
                }
            if (!any) {
                error(c.nameSpan.valid() ? c.nameSpan : c.span, "unknown-search-identifier",
                      "'" + c.name + "' matches no search identifier");
                return std::nullopt;
            }
            return group(c.kind == ConditionNode::Kind::AllOf ? Node::Kind::And : Node::Kind::Or, std::move(parts),
                         c.span);
        }
        case ConditionNode::Kind::Not: {
            if (c.children.size() != 1)
                return std::nullopt;
            auto n = condition(c.children.front());
            if (!n)
                return std::nullopt;
            return negation(std::move(*n), c.operatorSpan.valid() ? c.operatorSpan : c.span);
        }
        case ConditionNode::Kind::And:
        case ConditionNode::Kind::Or: {
            std::vector<Node> parts;
            for (const auto& child : c.children) {
                auto n = condition(child);
                if (!n)
                    return std::nullopt;
                parts.push_back(std::move(*n));
            }
            return group(c.kind == ConditionNode::Kind::And ? Node::Kind::And : Node::Kind::Or, std::move(parts),
                         c.span);
        }
        }
        return std::nullopt;
    }
};

/// Merges nested And/And and Or/Or (the query reads flatter), folds constants.
Node simplify(Node n)
{
    if (n.kind == Node::Kind::Not) {
        n.children.front() = simplify(std::move(n.children.front()));
        if (n.children.front().kind == Node::Kind::Constant) {
            Node c = n.children.front();
            c.constant = !c.constant;
            return c;
        }
        return n;
    }
    if (n.kind != Node::Kind::And && n.kind != Node::Kind::Or)
        return n;
    const bool isAnd = n.kind == Node::Kind::And;
    std::vector<Node> flat;
    for (auto& c : n.children) {
        Node s = simplify(std::move(c));
        if (s.kind == Node::Kind::Constant) {
            if (s.constant == isAnd)
                continue; // neutral element
            return s;     // absorbing element
        }
        if (s.kind == n.kind)
            for (auto& g : s.children)
                flat.push_back(std::move(g));
        else
            flat.push_back(std::move(s));
    }
    if (flat.empty()) {
        Node c;
        c.kind = Node::Kind::Constant;
        c.constant = isAnd;
        c.span = n.span;
        return c;
    }
    if (flat.size() == 1)
        return std::move(flat.front());
    n.children = std::move(flat);
    return n;
}

} // namespace

LoweringResult lower(const Rule& rule, const ConversionOptions& options, const std::string& file)
{
    LoweringResult out;
    Lowerer l{{file, out.diagnostics}, rule, options};
    if (rule.conditions.empty()) {
        l.error(rule.keySpans.count("detection") ? rule.keySpans.at("detection") : SourceSpan{},
                "conversion-no-condition", "the rule has no condition");
        return out;
    }
    std::vector<Node> conditions;
    for (const auto& c : rule.conditions) {
        if (!c.root) {
            l.error(c.span, "condition-syntax", "the condition '" + c.text + "' does not parse");
            continue;
        }
        if (auto n = l.condition(*c.root))
            conditions.push_back(std::move(*n));
    }
    if (!l.ok)
        return out;
    out.root = simplify(group(Node::Kind::Or, std::move(conditions), rule.conditions.front().span));
    return out;
}

Shape patternShape(const SigmaString& pattern, std::string* literal)
{
    using K = SigmaString::Part::Kind;
    const auto& p = pattern.parts;
    std::string lit;
    std::size_t literals = 0, stars = 0, questions = 0;
    for (const auto& part : p) {
        if (part.kind == K::Literal) {
            ++literals;
            lit += part.text;
        } else if (part.kind == K::Star) {
            ++stars;
        } else {
            ++questions;
        }
    }
    auto result = [&](Shape s) {
        if (literal)
            *literal = lit;
        return s;
    };
    if (questions == 0 && literals <= 1) {
        if (stars == 0)
            return result(Shape::Exact);
        const bool front = p.front().kind == K::Star;
        const bool back = p.back().kind == K::Star;
        if (literals == 0 && stars == 1)
            return result(Shape::Contains); // "*": anything (contains "")
        if (stars == 1 && front && !back)
            return result(Shape::Suffix);
        if (stars == 1 && back && !front)
            return result(Shape::Prefix);
        if (stars == 2 && front && back)
            return result(Shape::Contains);
    }
    return Shape::General;
}

} // namespace sigma::conversion
