// Near misses read off an explanation tree: the condition as a boolean formula over its decisions
// (field items, keyword lists, filters under `not`), and the decisions whose flip alone flips it.
#include "engine/nearmiss.h"

#include "util/parallel.h"

#include <algorithm>
#include <map>

namespace sigma {

namespace {

using K = ExplainNode::Kind;

/// The condition as a formula: leaves are decisions (variables), inner nodes and/or/not.
struct Formula {
    enum class Op { Leaf, And, Or, Not };
    struct Node {
        Op op = Op::Leaf;
        int var = -1;
        std::vector<int> kids;
    };
    std::vector<Node> nodes;
    std::vector<bool> values;                  ///< per variable: its outcome on the event
    std::vector<const ExplainNode*> leafNodes; ///< per variable: the explanation node
    std::vector<int> occurrences;              ///< per variable: how many leaves use it
    std::map<std::string, int> vars;
    bool error = false;

    int add(Node n)
    {
        nodes.push_back(std::move(n));
        return static_cast<int>(nodes.size()) - 1;
    }
    int leaf(const std::string& key, const ExplainNode& n)
    {
        auto [it, fresh] = vars.emplace(key, static_cast<int>(values.size()));
        if (fresh) {
            values.push_back(n.outcome == Outcome::Matched);
            leafNodes.push_back(&n);
            occurrences.push_back(0);
        }
        ++occurrences[static_cast<std::size_t>(it->second)];
        error |= n.outcome == Outcome::Error;
        return add({Op::Leaf, it->second, {}});
    }
    int junction(Op op, std::vector<int> kids) { return add({op, -1, std::move(kids)}); }

    static std::string itemKey(const ExplainNode& n)
    {
        return "i" + std::to_string(n.searchIndex) + "." + std::to_string(n.mapIndex) + "." +
               std::to_string(n.itemIndex);
    }

    /// A search identifier: under `not` one decision, else an OR of maps, each an AND of items.
    int search(const ExplainNode& s, bool negated)
    {
        if (negated)
            return leaf("s" + std::to_string(s.searchIndex), s);
        std::vector<int> maps;
        for (const auto& m : s.children) {
            std::vector<int> items;
            for (const auto& item : m.children)
                items.push_back(leaf(itemKey(item), item));
            maps.push_back(junction(Op::And, std::move(items)));
        }
        return junction(Op::Or, std::move(maps));
    }

    int build(const ExplainNode& n, bool negated)
    {
        std::vector<int> kids;
        switch (n.kind) {
        case K::Search:
            return search(n, negated);
        case K::Not:
            return junction(Op::Not, {build(n.children.at(0), !negated)});
        case K::Condition:
            return build(n.children.at(0), negated);
        case K::And:
        case K::AllOf:
        case K::Or:
        case K::OneOf:
            for (const auto& c : n.children)
                kids.push_back(build(c, negated));
            return junction(n.kind == K::And || n.kind == K::AllOf ? Op::And : Op::Or, std::move(kids));
        default:
            error = true; // not part of a condition
            return junction(Op::Or, {});
        }
    }

    /// The node's value with variable `flip` (or none: -1) negated.
    bool eval(int i, int flip) const
    {
        const Node& n = nodes[static_cast<std::size_t>(i)];
        switch (n.op) {
        case Op::Leaf:
            return values[static_cast<std::size_t>(n.var)] != (n.var == flip);
        case Op::Not:
            return !eval(n.kids[0], flip);
        case Op::And:
            return std::all_of(n.kids.begin(), n.kids.end(), [&](int k) { return eval(k, flip); });
        case Op::Or:
            return std::any_of(n.kids.begin(), n.kids.end(), [&](int k) { return eval(k, flip); });
        }
        return false;
    }

    /// The variables whose flip alone flips node `i` (exact when every variable occurs once: a
    /// flip then changes one leaf only). An AND flips through a child when that child is the only
    /// false one (or every child is true); an OR when it is the only true one (or none is).
    bool critical(int i, std::vector<int>& out) const
    {
        const Node& n = nodes[static_cast<std::size_t>(i)];
        if (n.op == Op::Leaf) {
            out.push_back(n.var);
            return values[static_cast<std::size_t>(n.var)];
        }
        if (n.op == Op::Not)
            return !critical(n.kids[0], out);
        const bool isAnd = n.op == Op::And;
        // The children that hold the node's value off its neutral one (false for AND, true for OR).
        std::vector<std::vector<int>> sets(n.kids.size());
        std::size_t deciding = 0, last = 0;
        for (std::size_t k = 0; k < n.kids.size(); ++k) {
            if (critical(n.kids[k], sets[k]) != isAnd) {
                ++deciding;
                last = k;
            }
        }
        if (deciding == 0)
            for (auto& s : sets)
                out.insert(out.end(), s.begin(), s.end());
        else if (deciding == 1)
            out.insert(out.end(), sets[last].begin(), sets[last].end());
        return isAnd ? deciding == 0 : deciding > 0;
    }
};

NearMissPredicate itemPredicate(const ExplainNode& item, const std::string& selection)
{
    NearMissPredicate p;
    p.kind = item.field.empty() ? NearMissPredicate::Kind::Keywords : NearMissPredicate::Kind::Item;
    p.selection = selection;
    p.label = item.label;
    p.field = item.field;
    for (const auto& v : item.children)
        p.ruleValues.push_back(v.label);
    p.span = item.span;
    p.outcome = item.outcome;
    p.eventValue = item.eventValue;
    p.eventField = item.eventField;
    p.searchIndex = item.searchIndex;
    p.mapIndex = item.mapIndex;
    p.itemIndex = item.itemIndex;
    return p;
}

NearMissPredicate filterPredicate(const ExplainNode& search)
{
    NearMissPredicate p;
    p.kind = NearMissPredicate::Kind::Filter;
    p.selection = search.label;
    p.label = search.label;
    p.span = search.span;
    p.outcome = search.outcome;
    p.searchIndex = search.searchIndex;
    for (const auto& m : search.children)
        if (m.outcome == Outcome::Matched)
            for (const auto& item : m.children)
                p.vetoItems.push_back(itemPredicate(item, search.label));
    return p;
}

/// The search identifier a leaf belongs to (the Search node that holds an item).
const ExplainNode* findSearch(const ExplainNode& n, std::size_t searchIndex)
{
    if (n.kind == K::Search && n.searchIndex == searchIndex)
        return &n;
    for (const auto& c : n.children)
        if (const ExplainNode* s = findSearch(c, searchIndex))
            return s;
    return nullptr;
}

/// The formula of an explanation's conditions; returns its root.
int buildFormula(const Explanation& explanation, Formula& f)
{
    std::vector<int> conditions;
    for (const auto& c : explanation.root.children)
        if (c.kind == K::Condition && !c.children.empty())
            conditions.push_back(f.build(c, false));
    return f.junction(Formula::Op::Or, std::move(conditions));
}

} // namespace

bool verdictOf(const Explanation& explanation)
{
    if (!explanation.inScope)
        return false;
    Formula f;
    const int root = buildFormula(explanation, f);
    return f.eval(root, -1);
}

NearMiss findNearMiss(const Explanation& explanation)
{
    NearMiss out;
    if (!explanation.inScope || explanation.matched || !explanation.diagnostics.empty())
        return out;
    Formula f;
    const int root = buildFormula(explanation, f);
    if (f.error)
        return out;

    std::vector<int> candidates;
    const bool readOnce = std::all_of(f.occurrences.begin(), f.occurrences.end(), [](int count) { return count == 1; });
    if (readOnce) {
        f.critical(root, candidates);
    } else {
        // A search identifier used twice: a flip changes several leaves, so test each variable
        // on the formula (booleans only: the predicates are not matched again).
        for (int v = 0; v < static_cast<int>(f.values.size()); ++v)
            if (f.eval(root, v))
                candidates.push_back(v);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const int v : candidates) {
        const ExplainNode& n = *f.leafNodes[static_cast<std::size_t>(v)];
        if (n.kind == K::Search) {
            out.predicates.push_back(filterPredicate(n));
        } else {
            const ExplainNode* s = findSearch(explanation.root, n.searchIndex);
            out.predicates.push_back(itemPredicate(n, s ? s->label : std::string()));
        }
    }
    return out;
}

NearMiss findNearMiss(const CompiledRule& rule, const Event& event)
{
    ExplainOptions options;
    options.shortCircuit = false;
    return findNearMiss(rule.explain(event, options));
}

ParallelOptions parallelOptionsOf(const NearMissListOptions& options)
{
    ParallelOptions po;
    po.grain = 256;
    po.cancel = options.cancel;
    po.progress = options.progress;
    po.lowPriority = options.lowPriority;
    return po;
}

std::vector<NearMiss> findNearMisses(const CompiledRule& rule, const EventList& events,
                                     const std::vector<std::size_t>& indices, const NearMissListOptions& options,
                                     bool* complete)
{
    const ParallelOptions po = parallelOptionsOf(options);
    ParallelRun run;
    auto out = parallelMap<NearMiss>(
        indices.size(), [&](std::size_t i) { return findNearMiss(rule, events[indices[i]]); }, po, &run);
    if (complete)
        *complete = run.complete();
    return out;
}

std::string describeNearMiss(const NearMissPredicate& p)
{
    auto quoted = [](const std::vector<std::string>& values) {
        std::string s;
        for (const auto& v : values)
            s += (s.empty() ? "" : ", ") + v;
        return values.size() == 1 ? s : "[" + s + "]";
    };
    switch (p.kind) {
    case NearMissPredicate::Kind::Filter: {
        std::string s = p.selection + " vetoed it";
        std::string sep = ": ";
        for (const auto& item : p.vetoItems) {
            s += sep + item.label + " = '" + item.eventValue.value_or("") + "'";
            sep = ", ";
        }
        return s;
    }
    case NearMissPredicate::Kind::Keywords:
        return p.selection + ": no keyword of " + quoted(p.ruleValues) + " in the event";
    case NearMissPredicate::Kind::Item:
        break;
    }
    const std::string event = p.eventValue ? "'" + *p.eventValue + "'" : "(absent)";
    return p.selection + ": " + p.label + " event " + event + " vs rule " + quoted(p.ruleValues);
}

} // namespace sigma
