// The conditions of pipeline transformations (rule, field name, detection item) and the condition
// rewriting of add_condition.
#include "conversion/pipeline/pipelineinternal.h"
#include "rule/condition.h"

#include <algorithm>

namespace sigma::conversion {
namespace {

using Kind = PipelineCondition::Kind;

template <typename Test>
bool linked(const PipelineConditions& conditions, Test test)
{
    if (conditions.items.empty())
        return true;
    const bool result = conditions.anyOf ? std::any_of(conditions.items.begin(), conditions.items.end(), test)
                                         : std::all_of(conditions.items.begin(), conditions.items.end(), test);
    return result != conditions.negated;
}

bool optionalEquals(const std::optional<std::string>& wanted, const std::string& actual)
{
    return !wanted || *wanted == actual;
}

bool fieldListed(const PipelineCondition& c, const std::string& field)
{
    if (!c.fieldPatterns.empty())
        return std::any_of(c.fieldPatterns.begin(), c.fieldPatterns.end(),
                           [&](const PipelineRegex& r) { return r.fullMatch(field); });
    return std::find(c.fields.begin(), c.fields.end(), field) != c.fields.end();
}

template <typename Test>
bool quantified(const DetectionItem& item, bool all, Test test)
{
    if (item.values.empty())
        return false;
    return all ? std::all_of(item.values.begin(), item.values.end(), test)
               : std::any_of(item.values.begin(), item.values.end(), test);
}

/// x-of nodes whose operand selects `name` (not "them", which skips names starting with '_')
/// spelled out as an OR/AND of the identifiers they selected.
void spellOut(ConditionNode& node, const std::string& name, const std::vector<std::string>& identifiers)
{
    if ((node.kind == ConditionNode::Kind::OneOf || node.kind == ConditionNode::Kind::AllOf) &&
        conditionOperandSelects(node.name, name)) {
        const auto selected = expandConditionPattern(node.name, identifiers);
        ConditionNode replacement;
        replacement.kind = node.kind == ConditionNode::Kind::OneOf ? ConditionNode::Kind::Or : ConditionNode::Kind::And;
        replacement.span = node.span;
        replacement.operatorSpan = node.operatorSpan;
        for (const auto& id : selected) {
            ConditionNode leaf;
            leaf.kind = ConditionNode::Kind::Identifier;
            leaf.name = id;
            leaf.span = leaf.nameSpan = node.nameSpan;
            replacement.children.push_back(std::move(leaf));
        }
        if (replacement.children.size() == 1) {
            ConditionNode only = std::move(replacement.children.front());
            replacement = std::move(only);
        }
        if (!replacement.children.empty() || replacement.kind == ConditionNode::Kind::Identifier)
            node = std::move(replacement);
        return;
    }
    for (auto& child : node.children)
        spellOut(child, name, identifiers);
}

} // namespace

bool ruleConditionsHold(const PipelineConditions& conditions, const Rule& rule, const std::vector<std::string>& applied)
{
    return linked(conditions, [&](const PipelineCondition& c) {
        switch (c.kind) {
        case Kind::Logsource:
            return optionalEquals(c.category, rule.logsource.category) &&
                   optionalEquals(c.product, rule.logsource.product) &&
                   optionalEquals(c.service, rule.logsource.service);
        case Kind::ProcessingItemApplied:
            return std::find(applied.begin(), applied.end(), c.text) != applied.end();
        case Kind::Tag:
            return std::find(rule.tags.begin(), rule.tags.end(), c.text) != rule.tags.end();
        default:
            return false;
        }
    });
}

bool fieldConditionsHold(const PipelineConditions& conditions, const std::string* field)
{
    return linked(conditions, [&](const PipelineCondition& c) {
        if (c.kind == Kind::IncludeFields)
            return field && fieldListed(c, *field);
        if (c.kind == Kind::ExcludeFields)
            return !field || !fieldListed(c, *field);
        return false;
    });
}

bool itemConditionsHold(const PipelineConditions& conditions, const DetectionItem& item)
{
    return linked(conditions, [&](const PipelineCondition& c) {
        if (c.kind == Kind::IsNull)
            return quantified(item, c.all, [](const Value& v) { return v.type == Value::Type::Null; });
        if (c.kind == Kind::MatchString) {
            const bool strings = !item.has(ModifierKind::Re) && !item.has(ModifierKind::Cidr);
            const bool m = strings && quantified(item, c.all, [&](const Value& v) {
                               return v.type == Value::Type::String && c.regex.matchStart(v.text);
                           });
            return m != c.negate;
        }
        return false;
    });
}

void prependCondition(Condition& condition, const std::string& name, const std::vector<std::string>& identifiers,
                      bool negated)
{
    const std::string prefix = (negated ? "not " : "") + name + " and (";
    condition.text = prefix + condition.text + ")";
    for (auto& token : condition.tokens)
        token.offset += prefix.size();
    if (!condition.root)
        return;
    spellOut(*condition.root, name, identifiers);
    ConditionNode added;
    added.kind = ConditionNode::Kind::Identifier;
    added.name = name;
    if (negated) {
        ConditionNode n;
        n.kind = ConditionNode::Kind::Not;
        n.children.push_back(std::move(added));
        added = std::move(n);
    }
    ConditionNode both;
    both.kind = ConditionNode::Kind::And;
    both.span = condition.root->span;
    both.children.push_back(std::move(added));
    both.children.push_back(std::move(*condition.root));
    condition.root = std::move(both);
}

} // namespace sigma::conversion
