// What removing one value of a rule would do to its near misses (see nearmiss.h): the value's node
// taken out of an explanation tree, the nodes above it decided again, the near miss compared.
#include "engine/nearmiss.h"

#include "util/parallel.h"

#include <algorithm>
#include <set>

namespace sigma {

namespace {

using K = ExplainNode::Kind;

/// The item's modifiers include `all` (its label is "field|mod|..." as written).
bool allOfValues(const ExplainNode& item)
{
    std::string_view rest = item.label;
    for (auto bar = rest.find('|'); bar != std::string_view::npos; bar = rest.find('|')) {
        rest.remove_prefix(bar + 1);
        if (rest.substr(0, rest.find('|')) == "all")
            return true;
    }
    return false;
}

/// An AND (all = true) or OR of the children's outcomes; an error where it could decide.
Outcome combine(const std::vector<ExplainNode>& children, bool all)
{
    bool error = false;
    for (const auto& c : children) {
        const bool matched = c.outcome == Outcome::Matched;
        error = error || c.outcome == Outcome::Error;
        if (matched != all)
            return all ? (error ? Outcome::Error : Outcome::NotMatched) : Outcome::Matched;
    }
    if (error)
        return Outcome::Error;
    return all ? Outcome::Matched : Outcome::NotMatched;
}

/// Takes the value out of every occurrence of its item under `n` and decides the item, its map
/// and its search identifier again; true when something changed. An item left without values is
/// taken out of its map, a map left without items out of its search identifier (one without maps
/// matches nothing: under `not` it no longer vetoes).
bool removeValue(ExplainNode& n, const ValueRef& ref)
{
    if (n.kind == K::Search && n.searchIndex != ref.search)
        return false;
    if (n.kind == K::Item) {
        if (n.searchIndex != ref.search || n.mapIndex != ref.map || n.itemIndex != ref.item)
            return false;
        auto& values = n.children;
        const auto it =
            std::find_if(values.begin(), values.end(), [&](const ExplainNode& v) { return v.valueIndex == ref.value; });
        if (it == values.end())
            return false;
        values.erase(it);
        if (!values.empty())
            n.outcome = combine(values, allOfValues(n));
        return true;
    }
    bool changed = false;
    for (auto& c : n.children)
        changed = removeValue(c, ref) || changed;
    if (!changed)
        return false;
    auto& kids = n.children;
    if (n.kind == K::Map) {
        kids.erase(
            std::remove_if(kids.begin(), kids.end(),
                           [](const ExplainNode& item) { return item.kind == K::Item && item.children.empty(); }),
            kids.end());
        n.outcome = kids.empty() ? Outcome::NotMatched : combine(kids, true);
    } else if (n.kind == K::Search) {
        kids.erase(std::remove_if(kids.begin(), kids.end(),
                                  [](const ExplainNode& map) { return map.kind == K::Map && map.children.empty(); }),
                   kids.end());
        n.outcome = combine(kids, false);
    }
    return true;
}

/// The values whose removal could change their item's outcome on this event: a matching value of
/// an OR list, a failing value of an `all` list, an item's only value (the item goes with it).
void candidates(const ExplainNode& n, std::set<ValueRef>& out)
{
    if (n.kind == K::Item) {
        const bool all = allOfValues(n);
        for (const auto& v : n.children)
            if (n.children.size() == 1 || (v.outcome == Outcome::Matched) != all)
                out.insert({n.searchIndex, n.mapIndex, n.itemIndex, v.valueIndex});
        return;
    }
    for (const auto& c : n.children)
        candidates(c, out);
}

} // namespace

bool nearMissChangesWithout(const Explanation& explanation, const ValueRef& value)
{
    if (!explanation.inScope || !explanation.diagnostics.empty())
        return false;
    Explanation without = explanation;
    if (!removeValue(without.root, value))
        return false;
    without.matched = verdictOf(without);
    return findNearMiss(without).isNearMiss() != findNearMiss(explanation).isNearMiss();
}

std::map<ValueRef, std::size_t> nearMissImpact(const CompiledRule& rule, const EventList& events,
                                               const std::vector<std::size_t>& indices,
                                               const NearMissListOptions& options, bool* complete)
{
    const ParallelOptions po = parallelOptionsOf(options);
    ParallelRun run;
    ExplainOptions explain;
    explain.shortCircuit = false;
    const auto perEvent = parallelMap<std::vector<ValueRef>>(
        indices.size(),
        [&](std::size_t i) {
            const Explanation e = rule.explain(events[indices[i]], explain);
            std::vector<ValueRef> changed;
            if (!e.inScope)
                return changed;
            std::set<ValueRef> refs;
            candidates(e.root, refs);
            for (const auto& ref : refs)
                if (nearMissChangesWithout(e, ref))
                    changed.push_back(ref);
            return changed;
        },
        po, &run);
    if (complete)
        *complete = run.complete();
    std::map<ValueRef, std::size_t> out;
    for (const auto& refs : perEvent)
        for (const auto& ref : refs)
            ++out[ref];
    return out;
}

} // namespace sigma
