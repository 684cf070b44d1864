// CompiledRule::explain: which searches, items and values decided the verdict on one event.
#include "engine/casefold.h"
#include "engine/compiled.h"
#include "rule/condition.h"

#include <algorithm>

namespace sigma {

using namespace engine;

namespace {

// --- explanation -----------------------------------------------------------------------------------

Outcome triOutcome(Tri t)
{
    return t == Tri::True ? Outcome::Matched : (t == Tri::Error ? Outcome::Error : Outcome::NotMatched);
}
Tri outcomeTri(Outcome o)
{
    return o == Outcome::Matched ? Tri::True : (o == Outcome::Error ? Tri::Error : Tri::False);
}

void markSkipped(ExplainNode& n)
{
    n.outcome = Outcome::Skipped;
    for (auto& c : n.children)
        markSkipped(c);
}

struct Explainer {
    const CompiledRule::Impl& rule;
    EvalContext& ctx;
    bool shortCircuit;

    ExplainNode searchNode(std::size_t index, bool evaluate)
    {
        const CompiledSearch& s = rule.searches[index];
        ExplainNode n;
        n.kind = ExplainNode::Kind::Search;
        n.label = s.name;
        n.span = s.span;
        n.searchIndex = index;
        bool decided = false, error = false;
        for (const auto& map : s.maps) {
            ExplainNode m;
            m.kind = ExplainNode::Kind::Map;
            m.label = s.maps.size() > 1 ? "map " + std::to_string(map.mapIndex + 1) : "map";
            m.span = map.span;
            m.searchIndex = index;
            m.mapIndex = map.mapIndex;
            const bool evalMap = evaluate && !(decided && shortCircuit);
            bool mapDecided = false;
            Tri mr = Tri::True;
            for (const auto& item : map.items) {
                ExplainNode in;
                in.kind = ExplainNode::Kind::Item;
                in.label = item.label;
                in.span = item.span;
                in.field = item.field;
                in.searchIndex = index;
                in.mapIndex = map.mapIndex;
                in.itemIndex = item.itemIndex;
                if (!evalMap || (mapDecided && shortCircuit)) {
                    // Build the value nodes for display, all skipped.
                    for (const auto& v : item.values)
                        in.children.push_back(valueNode(item, v));
                    markSkipped(in);
                } else {
                    in.outcome = evalItem(item, ctx, &in, shortCircuit);
                    if (in.outcome != Outcome::Matched) {
                        // Like the matcher: the map stops at the first item that does not match.
                        if (in.outcome != Outcome::Error)
                            mr = Tri::False;
                        else if (mr == Tri::True)
                            mr = Tri::Error;
                        mapDecided = true;
                    }
                    // The event value of the item: for a repeated field (unnamed Data), the
                    // occurrence a value matched, else the first occurrence.
                    const auto matched = std::find_if(in.children.begin(), in.children.end(), [](const ExplainNode& v) {
                        return v.outcome == Outcome::Matched && v.eventValue;
                    });
                    if (matched != in.children.end()) {
                        in.eventValue = matched->eventValue;
                        in.eventField = matched->eventField;
                    } else if (!item.keyword) {
                        for (const auto& f : ctx.event().fields)
                            if (f.key == item.key) {
                                in.eventValue = std::string(ctx.event().text(f));
                                in.eventField = std::string(FieldNames::text(f.name));
                                break;
                            }
                    }
                }
                for (auto& vn : in.children) {
                    vn.searchIndex = index;
                    vn.mapIndex = map.mapIndex;
                    vn.itemIndex = item.itemIndex;
                }
                m.children.push_back(std::move(in));
            }
            if (!evalMap) {
                markSkipped(m);
            } else {
                m.outcome = triOutcome(mr);
                if (mr == Tri::True)
                    decided = true;
                error |= mr == Tri::Error;
            }
            n.children.push_back(std::move(m));
        }
        if (!evaluate)
            markSkipped(n);
        else
            n.outcome = decided ? Outcome::Matched : (error ? Outcome::Error : Outcome::NotMatched);
        return n;
    }

    ExplainNode condition(const CompiledCondition& c, bool evaluate)
    {
        ExplainNode n;
        n.label = c.label;
        n.span = c.span;
        n.operatorSpan = c.operatorSpan;
        switch (c.kind) {
        case ConditionNode::Kind::Identifier: {
            // span: the definition under detection; operatorSpan: the reference in the condition.
            n = searchNode(c.searches[0], evaluate);
            n.operatorSpan = c.span;
            return n;
        }
        case ConditionNode::Kind::Not: {
            n.kind = ExplainNode::Kind::Not;
            n.children.push_back(condition(c.children[0], evaluate));
            if (evaluate)
                n.outcome = triOutcome(notTri(outcomeTri(n.children[0].outcome)));
            break;
        }
        case ConditionNode::Kind::And:
        case ConditionNode::Kind::Or:
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            const bool isAnd = c.kind == ConditionNode::Kind::And || c.kind == ConditionNode::Kind::AllOf;
            n.kind = c.kind == ConditionNode::Kind::And     ? ExplainNode::Kind::And
                     : c.kind == ConditionNode::Kind::Or    ? ExplainNode::Kind::Or
                     : c.kind == ConditionNode::Kind::OneOf ? ExplainNode::Kind::OneOf
                                                            : ExplainNode::Kind::AllOf;
            bool decided = false, error = false;
            const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
            for (std::size_t i = 0; i < count; ++i) {
                const bool evalChild = evaluate && !(decided && shortCircuit);
                ExplainNode ch =
                    c.children.empty() ? searchNode(c.searches[i], evalChild) : condition(c.children[i], evalChild);
                if (evalChild) {
                    const Tri t = outcomeTri(ch.outcome);
                    if (t == (isAnd ? Tri::False : Tri::True))
                        decided = true;
                    error |= t == Tri::Error;
                }
                n.children.push_back(std::move(ch));
            }
            if (evaluate) {
                if (decided)
                    n.outcome = isAnd ? Outcome::NotMatched : Outcome::Matched;
                else
                    n.outcome = error ? Outcome::Error : (isAnd ? Outcome::Matched : Outcome::NotMatched);
            }
            break;
        }
        }
        if (!evaluate)
            markSkipped(n);
        return n;
    }
};

bool isOrLike(ExplainNode::Kind k)
{
    return k == ExplainNode::Kind::Or || k == ExplainNode::Kind::OneOf || k == ExplainNode::Kind::Search ||
           k == ExplainNode::Kind::Rule;
}

/// Marks the nodes that decided `n`'s outcome, recursively.
void markDeciding(ExplainNode& n)
{
    n.deciding = true;
    if (n.outcome == Outcome::Skipped)
        return;
    const bool matched = n.outcome == Outcome::Matched;
    bool andLike = false;
    switch (n.kind) {
    case ExplainNode::Kind::Not:
        for (auto& c : n.children)
            markDeciding(c);
        return;
    case ExplainNode::Kind::And:
    case ExplainNode::Kind::AllOf:
    case ExplainNode::Kind::Map:
        andLike = true;
        break;
    case ExplainNode::Kind::Item:
        // An item with |all is an AND of its values; without, an OR. Detect |all from the label.
        andLike = n.label.find("|all") != std::string::npos;
        break;
    case ExplainNode::Kind::Value:
        return;
    default:
        andLike = !isOrLike(n.kind);
        break;
    }
    for (auto& c : n.children) {
        if (c.outcome == Outcome::Skipped)
            continue;
        if (c.kind == ExplainNode::Kind::LogSource || c.kind == ExplainNode::Kind::Translation)
            continue;
        const bool childMatched = c.outcome == Outcome::Matched;
        // OR matched: the matched children; OR failed: all. AND matched: all; AND failed: the failed.
        const bool decides = andLike ? (matched || !childMatched) : (!matched || childMatched);
        if (decides)
            markDeciding(c);
    }
}

} // namespace

Explanation CompiledRule::explain(const Event& event, const ExplainOptions& options) const
{
    const Impl& impl = *m_impl;
    Explanation ex;
    ExplainNode& root = ex.root;
    root.kind = ExplainNode::Kind::Rule;
    root.label = impl.rule.title.empty() ? impl.file : impl.rule.title;
    root.span = impl.rule.logsource.span; // refined below

    ExplainNode ls;
    ls.kind = ExplainNode::Kind::LogSource;
    ls.span = impl.rule.logsource.span;
    const LogSourceEntry* entry = nullptr;
    if (!impl.scoped) {
        ls.outcome = Outcome::Matched;
        ls.label = "log source: not scoped";
        ls.detail = scopeDescription();
        ex.inScope = true;
    } else {
        entry = impl.scopeFor(event);
        ex.inScope = entry != nullptr;
        ls.outcome = entry ? Outcome::Matched : Outcome::NotMatched;
        ls.label = "log source";
        ls.detail = entry ? "event is " + entry->describe()
                          : "event (" + std::string(event.channel()) + " EventID " + std::string(event.eventId()) +
                                ") is not " + scopeDescription();
        ls.eventValue = std::string(event.channel()) + " / " + std::string(event.eventId());
    }
    ls.deciding = !ex.inScope;
    root.children.push_back(ls);

    Event translated;
    const Event* seen = &event;
    if (entry && entry->translation != SourceTranslation::None) {
        ExplainNode tr;
        tr.kind = ExplainNode::Kind::Translation;
        tr.outcome = Outcome::Matched;
        tr.label = entry->translation == SourceTranslation::Security5156 ? "Security 5156 read as Sysmon 3"
                                                                         : "Security 4688 read as Sysmon 1";
        translated = translateEvent(event, entry->translation, &tr.detail);
        seen = &translated;
        root.children.push_back(std::move(tr));
    }

    std::vector<std::string> errors;
    EvalContext ctx(*seen);
    ctx.errors = &errors;
    Explainer explainer{impl, ctx, options.shortCircuit};
    bool decided = false, error = false;
    for (std::size_t i = 0; i < impl.conditions.size(); ++i) {
        const auto& rc = impl.rule.conditions.size() > i ? impl.rule.conditions[i] : Condition{};
        const bool evaluate = ex.inScope && !(decided && options.shortCircuit);
        ExplainNode cn;
        cn.kind = ExplainNode::Kind::Condition;
        cn.label = "condition: " + rc.text;
        cn.span = rc.span;
        cn.children.push_back(explainer.condition(impl.conditions[i], evaluate));
        cn.outcome = evaluate ? cn.children[0].outcome : Outcome::Skipped;
        if (!evaluate)
            markSkipped(cn);
        if (cn.outcome == Outcome::Matched)
            decided = true;
        error |= cn.outcome == Outcome::Error;
        root.children.push_back(std::move(cn));
    }
    ex.matched = ex.inScope && decided;
    root.outcome = ex.matched ? Outcome::Matched : ((ex.inScope && error) ? Outcome::Error : Outcome::NotMatched);
    root.deciding = true;
    if (ex.inScope) {
        for (auto& c : root.children) {
            if (c.kind != ExplainNode::Kind::Condition || c.outcome == Outcome::Skipped)
                continue;
            if (!ex.matched || c.outcome == Outcome::Matched)
                markDeciding(c);
        }
    }
    for (auto& e : errors)
        ex.diagnostics.push_back(Diagnostic{Severity::Error, "regex-limit", e, impl.file, {}});
    return ex;
}

} // namespace sigma
