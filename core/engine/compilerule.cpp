// compileRule and compileIndicator: the rule's searches and conditions, the literal pre-filter.
#include "engine/casefold.h"
#include "engine/compiled.h"
#include "engine/errorsink.h"
#include "engine/rulenames.h"
#include "rule/condition.h"

#include <algorithm>

namespace sigma {

using namespace engine;

namespace {

std::string conditionLabel(const ConditionNode& n)
{
    switch (n.kind) {
    case ConditionNode::Kind::Or:
        return "or";
    case ConditionNode::Kind::And:
        return "and";
    case ConditionNode::Kind::Not:
        return "not";
    case ConditionNode::Kind::Identifier:
        return n.name;
    case ConditionNode::Kind::OneOf:
        return "1 of " + n.name;
    case ConditionNode::Kind::AllOf:
        return "all of " + n.name;
    }
    return {};
}

struct RuleCompiler : ErrorSink {
    const Rule& rule;

    bool compileCondition(const ConditionNode& node, CompiledCondition& out)
    {
        out.kind = node.kind;
        out.label = conditionLabel(node);
        out.span = node.span;
        out.operatorSpan = node.operatorSpan;
        switch (node.kind) {
        case ConditionNode::Kind::Identifier: {
            for (std::size_t i = 0; i < rule.detection.size(); ++i)
                if (rule.detection[i].name == node.name) {
                    out.searches.push_back(i);
                    return true;
                }
            error(node.nameSpan.valid() ? node.nameSpan : node.span, "unknown-search-identifier",
                  "the condition refers to '" + node.name + "', which is not defined under detection");
            return false;
        }
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            for (std::size_t i = 0; i < rule.detection.size(); ++i)
                if (conditionOperandSelects(node.name, rule.detection[i].name))
                    out.searches.push_back(i);
            if (out.searches.empty()) {
                error(node.nameSpan.valid() ? node.nameSpan : node.span, "unknown-search-identifier",
                      "'" + node.name + "' matches no search identifier");
                return false;
            }
            return true;
        }
        default:
            break;
        }
        bool good = true;
        for (const auto& c : node.children) {
            out.children.emplace_back();
            good &= compileCondition(c, out.children.back());
        }
        return good;
    }
};

} // namespace

// --- compileRule -----------------------------------------------------------------------------------

namespace {

/// What the literal pre-filter knows of a condition: groups of literals, every group having one
/// literal in any matching event (an AND of ORs); nullopt when nothing is known.
using LiteralGroups = std::vector<std::vector<RequiredLiteral>>;
constexpr std::size_t kMaxGroups = 3; ///< groups kept per rule (the most selective ones)

/// How selective a group is: its shortest literal (longer literals are rarer).
std::size_t groupScore(const std::vector<RequiredLiteral>& g)
{
    std::size_t m = SIZE_MAX;
    for (const auto& l : g)
        m = std::min(m, l.text.size());
    return m;
}

/// The best group of a conjunction (for an OR, which keeps one group per branch).
const std::vector<RequiredLiteral>& bestGroup(const LiteralGroups& groups)
{
    return *std::max_element(groups.begin(), groups.end(),
                             [](const auto& a, const auto& b) { return groupScore(a) < groupScore(b); });
}

/// Keeps the kMaxGroups most selective groups.
void trim(LiteralGroups& groups)
{
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return groupScore(a) > groupScore(b); });
    if (groups.size() > kMaxGroups)
        groups.resize(kMaxGroups);
}

/// The literals of one item: one of them occurs when the item matches; nullopt when unknown.
std::optional<std::vector<RequiredLiteral>> itemLiterals(const CompiledItem& item)
{
    std::vector<RequiredLiteral> lits;
    if (item.values.empty())
        return std::nullopt;
    for (const auto& v : item.values) {
        auto l = v.matcher->requiredLiterals();
        if (l.empty())
            return std::nullopt;
        const FieldNames::Id field = item.keyword ? kAnyField : item.key;
        if (item.all) // any one value's literals suffice
            lits.clear();
        for (auto& text : l)
            lits.push_back(RequiredLiteral{field, std::move(text)});
        if (item.all)
            break;
    }
    return lits;
}

/// A search matches when one of its maps does; a map when all its items do.
std::optional<LiteralGroups> searchLiterals(const CompiledSearch& s)
{
    if (s.maps.size() == 1) {
        LiteralGroups groups;
        for (const auto& item : s.maps[0].items)
            if (auto l = itemLiterals(item))
                groups.push_back(std::move(*l));
        if (groups.empty())
            return std::nullopt;
        trim(groups);
        return groups;
    }
    std::vector<RequiredLiteral> all;
    for (const auto& map : s.maps) {
        std::optional<std::vector<RequiredLiteral>> best;
        for (const auto& item : map.items) {
            auto l = itemLiterals(item);
            if (l && (!best || groupScore(*l) > groupScore(*best)))
                best = std::move(l);
        }
        if (!best)
            return std::nullopt;
        all.insert(all.end(), best->begin(), best->end());
    }
    if (all.empty())
        return std::nullopt;
    return LiteralGroups{std::move(all)};
}

std::optional<LiteralGroups> conditionLiterals(const CompiledCondition& c, const std::vector<CompiledSearch>& searches)
{
    switch (c.kind) {
    case ConditionNode::Kind::Identifier:
        return searchLiterals(searches[c.searches[0]]);
    case ConditionNode::Kind::Not:
        return std::nullopt;
    case ConditionNode::Kind::Or:
    case ConditionNode::Kind::OneOf: {
        std::vector<RequiredLiteral> all;
        const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
        for (std::size_t i = 0; i < count; ++i) {
            auto l = c.children.empty() ? searchLiterals(searches[c.searches[i]])
                                        : conditionLiterals(c.children[i], searches);
            if (!l)
                return std::nullopt;
            const auto& best = bestGroup(*l);
            all.insert(all.end(), best.begin(), best.end());
        }
        if (all.empty())
            return std::nullopt;
        return LiteralGroups{std::move(all)};
    }
    case ConditionNode::Kind::And:
    case ConditionNode::Kind::AllOf: {
        LiteralGroups groups;
        const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
        for (std::size_t i = 0; i < count; ++i) {
            auto l = c.children.empty() ? searchLiterals(searches[c.searches[i]])
                                        : conditionLiterals(c.children[i], searches);
            if (l)
                groups.insert(groups.end(), std::make_move_iterator(l->begin()), std::make_move_iterator(l->end()));
        }
        if (groups.empty())
            return std::nullopt;
        trim(groups);
        return groups;
    }
    }
    return std::nullopt;
}

} // namespace

CompileResult compileRule(const Rule& rule, const std::string& file, const CompileOptions& options)
{
    CompileResult result;
    auto impl = std::make_unique<CompiledRule::Impl>();
    impl->rule = rule;
    impl->file = file;
    const RuleNamesScope names(impl->names.get());
    RuleCompiler rc{{file, result.diagnostics}, rule};

    for (std::size_t si = 0; si < rule.detection.size(); ++si) {
        const SearchIdentifier& sid = rule.detection[si];
        CompiledSearch cs;
        cs.name = sid.name;
        cs.span = sid.span;
        cs.nameSpan = sid.nameSpan;
        cs.searchIndex = si;
        for (std::size_t mi = 0; mi < sid.maps.size(); ++mi) {
            CompiledMap cm;
            cm.span = sid.maps[mi].span;
            cm.mapIndex = mi;
            for (std::size_t ii = 0; ii < sid.maps[mi].items.size(); ++ii) {
                CompiledItem item;
                if (!compileItem(sid.maps[mi].items[ii], ii, file, options, item, result.diagnostics))
                    rc.ok = false;
                cm.items.push_back(std::move(item));
            }
            std::vector<std::pair<unsigned, std::uint32_t>> costs;
            for (std::uint32_t k = 0; k < cm.items.size(); ++k) {
                unsigned c = cm.items[k].keyword ? 50 : 0;
                for (const auto& v : cm.items[k].values)
                    c += v.matcher ? v.matcher->cost() : 0;
                costs.emplace_back(c, k);
            }
            std::stable_sort(costs.begin(), costs.end());
            for (const auto& [c, k] : costs)
                cm.order.push_back(k);
            cs.maps.push_back(std::move(cm));
        }
        if (sid.maps.empty())
            rc.error(sid.span, "empty-search-identifier", "search identifier '" + sid.name + "' is empty");
        impl->searches.push_back(std::move(cs));
    }

    if (rule.conditions.empty())
        rc.error(rule.keySpans.count("detection") ? rule.keySpans.at("detection") : SourceSpan{}, "missing-condition",
                 "the detection has no condition");
    for (const auto& cond : rule.conditions) {
        if (!cond.root) {
            rc.error(cond.span, "invalid-condition", "the condition '" + cond.text + "' does not parse");
            continue;
        }
        CompiledCondition cc;
        if (rc.compileCondition(*cond.root, cc))
            impl->conditions.push_back(std::move(cc));
    }

    // Log-source scope
    if (options.scopeByLogSource) {
        const LogSourceTable& table = options.logSources ? *options.logSources : LogSourceTable::builtin();
        bool known = false;
        auto rows = table.lookup(folded(rule.logsource.product), folded(rule.logsource.category),
                                 folded(rule.logsource.service), known);
        if (known) {
            impl->scoped = true;
            for (const auto* r : rows) {
                if (r->translation == SourceTranslation::Security5156 && !options.translateSecurity5156)
                    continue;
                impl->scope.push_back(*r);
                impl->translates |= r->translation == SourceTranslation::Security5156;
            }
        } else {
            std::string ls;
            for (const auto* part : {&rule.logsource.product, &rule.logsource.category, &rule.logsource.service})
                if (!part->empty())
                    ls += (ls.empty() ? "" : "/") + *part;
            result.diagnostics.push_back(Diagnostic{Severity::Info, "unscoped-logsource",
                                                    "log source '" + ls +
                                                        "' is not in the log-source table: the rule is tested "
                                                        "against every event",
                                                    file, rule.logsource.span});
        }
    }

    if (!rc.ok)
        return result;

    if (!impl->translates) {
        // Several conditions are OR'ed: one group, each condition's best group.
        std::optional<LiteralGroups> groups;
        if (impl->conditions.size() == 1) {
            groups = conditionLiterals(impl->conditions[0], impl->searches);
        } else {
            std::vector<RequiredLiteral> all;
            for (const auto& c : impl->conditions) {
                auto l = conditionLiterals(c, impl->searches);
                if (!l) {
                    all.clear();
                    break;
                }
                const auto& best = bestGroup(*l);
                all.insert(all.end(), best.begin(), best.end());
            }
            if (!all.empty())
                groups = LiteralGroups{std::move(all)};
        }
        if (groups) {
            for (auto& g : *groups) {
                std::sort(g.begin(), g.end());
                g.erase(std::unique(g.begin(), g.end()), g.end());
            }
            impl->literalGroups = std::move(*groups);
        }
    }
    result.rule = std::make_shared<const CompiledRule>(std::move(impl));
    return result;
}

// --- CompiledIndicator ------------------------------------------------------------------------------

struct CompiledIndicator::Impl {
    std::shared_ptr<FieldNameSet> names = std::make_shared<FieldNameSet>(); ///< engine/rulenames.h
    CompiledItem item;
};

CompiledIndicator::CompiledIndicator(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
CompiledIndicator::~CompiledIndicator() = default;

Outcome CompiledIndicator::evaluate(const Event& event) const
{
    EvalContext ctx(event);
    return evalItem(m_impl->item, ctx, nullptr, true);
}

bool CompiledIndicator::matches(const Event& event) const
{
    return evaluate(event) == Outcome::Matched;
}

IndicatorResult compileIndicator(const DetectionItem& item, std::size_t valueIndex, const std::string& file,
                                 const CompileOptions& options)
{
    IndicatorResult result;
    if (valueIndex >= item.values.size()) {
        result.diagnostics.push_back(Diagnostic{
            Severity::Error, "no-such-value", "the item has no value " + std::to_string(valueIndex), file, item.span});
        return result;
    }
    DetectionItem one = item;
    one.values = {item.values[valueIndex]};
    one.valueIsList = false;
    auto impl = std::make_unique<CompiledIndicator::Impl>();
    const RuleNamesScope names(impl->names.get());
    if (!compileItem(one, 0, file, options, impl->item, result.diagnostics))
        return result;
    impl->item.all = false;
    result.indicator = std::make_shared<const CompiledIndicator>(std::move(impl));
    return result;
}

} // namespace sigma
