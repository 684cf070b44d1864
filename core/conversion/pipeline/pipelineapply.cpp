// Applying pipelines to a rule: conditions (pipelineconditions.cpp), then each transformation on
// a copy of the rule. Where pySigma nests an OR of field names inside a selection (one-to-many
// field_name_mapping), the rule model has no such node: the selection's map is multiplied out into
// a list of maps (OR), which means the same.
#include "conversion/pipeline.h"
#include "conversion/pipeline/pipelineinternal.h"
#include "engine/pattern.h"
#include "rule/condition.h"

#include <algorithm>

namespace sigma::conversion {
namespace {

using Type = PipelineTransformation::Type;
constexpr std::size_t kMaxMapsPerSelection = 4096;
constexpr std::size_t kMaxPlaceholderValues = 4096;

const char* typeName(Type type)
{
    switch (type) {
    case Type::FieldNameMapping:
        return "field_name_mapping";
    case Type::FieldNamePrefix:
        return "field_name_prefix";
    case Type::FieldNameSuffix:
        return "field_name_suffix";
    case Type::AddCondition:
        return "add_condition";
    case Type::ChangeLogsource:
        return "change_logsource";
    case Type::ReplaceString:
        return "replace_string";
    case Type::DropDetectionItem:
        return "drop_detection_item";
    case Type::ValuePlaceholders:
        return "value_placeholders";
    }
    return "";
}

bool hasValueKind(const DetectionItem& item)
{
    for (auto k : {ModifierKind::Re, ModifierKind::Cidr, ModifierKind::Exists, ModifierKind::FieldRef, ModifierKind::Gt,
                   ModifierKind::Gte, ModifierKind::Lt, ModifierKind::Lte})
        if (item.has(k))
            return true;
    return false;
}

class Applier {
public:
    Applier(PipelineResult& result, const Pipeline& pipeline, const PipelineTransformation& t,
            const std::map<std::string, std::vector<std::string>>& vars)
        : m_result(result)
        , m_rule(result.rule)
        , m_pipeline(pipeline)
        , m_t(t)
        , m_vars(vars)
    {}

    /// Applies the transformation; true when it changed the rule (or is a rule-level one whose
    /// conditions held).
    bool run()
    {
        if (!ruleConditionsHold(m_t.ruleConditions, m_rule, m_result.applied))
            return false;
        switch (m_t.type) {
        case Type::FieldNameMapping:
            return mapFields();
        case Type::FieldNamePrefix:
        case Type::FieldNameSuffix:
            return renameFields([&](const std::string& f) {
                return std::vector<std::string>{m_t.type == Type::FieldNamePrefix ? m_t.affix + f : f + m_t.affix};
            });
        case Type::AddCondition:
            addCondition();
            return true;
        case Type::ChangeLogsource:
            // pySigma replaces the whole log source: a key the transformation does not set is unset.
            m_rule.logsource.category = m_t.category.value_or("");
            m_rule.logsource.product = m_t.product.value_or("");
            m_rule.logsource.service = m_t.service.value_or("");
            return true;
        case Type::ReplaceString:
            return replaceStrings();
        case Type::DropDetectionItem:
            return dropItems();
        case Type::ValuePlaceholders:
            return expandPlaceholders();
        }
        return false;
    }

private:
    void error(const SourceSpan& span, const std::string& code, const std::string& message)
    {
        m_result.diagnostics.push_back(makeDiagnostic(Severity::Error, code,
                                                      message + " (pipeline '" + m_pipeline.name + "', " +
                                                          m_pipeline.file + ":" + std::to_string(m_t.span.begin.line) +
                                                          ")",
                                                      {}, span));
    }

    bool selected(const DetectionItem& item) const
    {
        return fieldConditionsHold(m_t.fieldNameConditions, item.isKeyword ? nullptr : &item.field) &&
               itemConditionsHold(m_t.detectionItemConditions, item);
    }

    /// Renames the fields `names` gives alternatives for (one: a rename; several: any of them).
    template <typename Names>
    bool renameFields(Names names)
    {
        bool changed = false;
        for (auto& search : m_rule.detection) {
            std::vector<DetectionMap> maps;
            for (auto& map : search.maps) {
                std::vector<std::vector<std::string>> alternatives(map.items.size());
                std::size_t product = 1;
                for (std::size_t i = 0; i < map.items.size(); ++i) {
                    auto& item = map.items[i];
                    if (item.isKeyword || !selected(item))
                        continue;
                    alternatives[i] = names(item.field);
                    if (!alternatives[i].empty()) {
                        changed = true;
                        product *= alternatives[i].size();
                        if (product > kMaxMapsPerSelection) {
                            error(search.nameSpan, "pipeline-too-many-alternatives",
                                  "'" + search.name + "': the field names' alternatives make more than " +
                                      std::to_string(kMaxMapsPerSelection) + " selections");
                            return changed;
                        }
                    }
                }
                renameFieldRefs(map, names);
                multiplyOut(map, alternatives, maps);
            }
            if (maps.size() > search.maps.size() && search.kind == SearchIdentifier::Kind::Map)
                search.kind = SearchIdentifier::Kind::ListOfMaps;
            search.maps = std::move(maps);
        }
        // `fields:` names fields, not detection items: a transformation limited by detection item
        // conditions leaves them.
        for (std::size_t i = 0; m_t.detectionItemConditions.empty() && i < m_rule.fields.size(); ++i) {
            if (!fieldConditionsHold(m_t.fieldNameConditions, &m_rule.fields[i]))
                continue;
            const auto targets = names(m_rule.fields[i]);
            if (targets.empty())
                continue;
            m_rule.fields.erase(m_rule.fields.begin() + static_cast<std::ptrdiff_t>(i));
            m_rule.fields.insert(m_rule.fields.begin() + static_cast<std::ptrdiff_t>(i), targets.begin(),
                                 targets.end());
            i += targets.size() - 1;
            changed = true;
        }
        return changed;
    }

    /// `|fieldref` values name fields too: renamed like field names (one name only).
    template <typename Names>
    void renameFieldRefs(DetectionMap& map, Names names)
    {
        for (auto& item : map.items) {
            if (!item.has(ModifierKind::FieldRef) || !itemConditionsHold(m_t.detectionItemConditions, item))
                continue;
            for (auto& v : item.values) {
                if (!fieldConditionsHold(m_t.fieldNameConditions, &v.text))
                    continue;
                const auto targets = names(v.text);
                if (targets.size() == 1)
                    v.text = targets.front();
                else if (targets.size() > 1)
                    error(v.span, "pipeline-fieldref-ambiguous",
                          "'|fieldref' to '" + v.text + "', which the pipeline maps to several fields");
            }
        }
    }

    /// The map with each item's field replaced by each of its alternatives: one map per
    /// combination (an OR of maps equals the AND of the items' ORs).
    static void multiplyOut(const DetectionMap& map, const std::vector<std::vector<std::string>>& alternatives,
                            std::vector<DetectionMap>& out)
    {
        std::vector<DetectionMap> partial{map};
        for (std::size_t i = 0; i < alternatives.size(); ++i) {
            if (alternatives[i].empty())
                continue;
            std::vector<DetectionMap> next;
            next.reserve(partial.size() * alternatives[i].size());
            for (const auto& m : partial)
                for (const auto& name : alternatives[i]) {
                    next.push_back(m);
                    next.back().items[i].field = name;
                }
            partial = std::move(next);
        }
        out.insert(out.end(), std::make_move_iterator(partial.begin()), std::make_move_iterator(partial.end()));
    }

    bool mapFields()
    {
        return renameFields([&](const std::string& f) {
            const auto it = m_t.mapping.find(f);
            return it == m_t.mapping.end() ? std::vector<std::string>{} : it->second;
        });
    }

    void addCondition()
    {
        std::vector<std::string> names;
        for (const auto& s : m_rule.detection)
            names.push_back(s.name);
        std::string name;
        for (int n = 1; name.empty() || std::find(names.begin(), names.end(), name) != names.end(); ++n)
            name = "_pipeline_cond_" + std::to_string(n);
        SearchIdentifier search;
        search.name = name;
        search.kind = SearchIdentifier::Kind::Map;
        DetectionMap map;
        map.items = m_t.addConditions;
        search.maps.push_back(std::move(map));
        m_rule.detection.push_back(std::move(search));
        for (auto& condition : m_rule.conditions)
            prependCondition(condition, name, names, m_t.negated);
    }

    bool replaceStrings()
    {
        bool changed = false;
        forEachSelectedItem([&](DetectionItem& item) {
            if (hasValueKind(item))
                return;
            for (auto& v : item.values) {
                if (v.type != Value::Type::String)
                    continue;
                engine::SigmaString s = engine::SigmaString::parse(v.text);
                for (auto& part : s.parts)
                    if (part.kind == engine::SigmaString::Part::Kind::Literal)
                        part.text = m_t.regex.replaceAll(part.text, m_t.replacement);
                std::string text = s.toDisplay();
                if (text != v.text) {
                    v.text = std::move(text);
                    changed = true;
                }
            }
        });
        return changed;
    }

    bool dropItems()
    {
        bool changed = false;
        for (auto& search : m_rule.detection) {
            for (auto& map : search.maps) {
                const auto before = map.items.size();
                map.items.erase(std::remove_if(map.items.begin(), map.items.end(),
                                               [&](const DetectionItem& i) { return selected(i); }),
                                map.items.end());
                changed |= map.items.size() != before;
            }
            const auto before = search.maps.size();
            search.maps.erase(std::remove_if(search.maps.begin(), search.maps.end(),
                                             [](const DetectionMap& m) { return m.items.empty(); }),
                              search.maps.end());
            if (search.maps.empty() && before > 0)
                error(search.nameSpan, "pipeline-empty-search",
                      "drop_detection_item left '" + search.name + "' with no detection item");
        }
        return changed;
    }

    bool placeholderEligible(const std::string& name) const
    {
        if (!m_t.include.empty() && std::find(m_t.include.begin(), m_t.include.end(), name) == m_t.include.end())
            return false;
        return std::find(m_t.exclude.begin(), m_t.exclude.end(), name) == m_t.exclude.end();
    }

    bool expandPlaceholders()
    {
        std::map<std::string, std::vector<std::string>> vars;
        for (const auto& [name, values] : m_vars)
            if (placeholderEligible(name))
                vars[name] = values;
        bool changed = false;
        forEachSelectedItem([&](DetectionItem& item) {
            if (!item.has(ModifierKind::Expand))
                return;
            std::vector<Value> values;
            bool unresolved = false;
            for (const auto& v : item.values) {
                if (v.type != Value::Type::String) {
                    values.push_back(v);
                    continue;
                }
                std::vector<engine::SigmaString> out;
                std::vector<std::string> missing;
                if (!engine::expandPlaceholders(engine::SigmaString::parse(v.text), vars, out, missing,
                                                kMaxPlaceholderValues)) {
                    error(v.span, "pipeline-too-many-values",
                          "the placeholders of '" + v.text + "' expand into more than " +
                              std::to_string(kMaxPlaceholderValues) + " values");
                    return;
                }
                if (out.size() == 1 && out.front().toDisplay() == engine::SigmaString::parse(v.text).toDisplay()) {
                    values.push_back(v); // nothing replaced: the value as written
                    unresolved = unresolved || !missing.empty();
                    for (const auto& name : missing)
                        if (placeholderEligible(name))
                            error(v.span, "pipeline-unresolved-placeholder",
                                  "placeholder %" + name + "% has no value in the pipelines' vars");
                    continue;
                }
                for (const auto& name : missing) {
                    if (placeholderEligible(name))
                        error(v.span, "pipeline-unresolved-placeholder",
                              "placeholder %" + name + "% has no value in the pipelines' vars");
                    unresolved = true;
                }
                for (const auto& s : out) {
                    values.push_back(v);
                    values.back().text = s.toDisplay();
                }
            }
            changed = true;
            item.values = std::move(values);
            item.valueIsList = item.values.size() > 1;
            if (!unresolved)
                item.modifiers.erase(std::remove_if(item.modifiers.begin(), item.modifiers.end(),
                                                    [](const Modifier& m) { return m.kind == ModifierKind::Expand; }),
                                     item.modifiers.end());
        });
        return changed;
    }

    template <typename F>
    void forEachSelectedItem(F f)
    {
        for (auto& search : m_rule.detection)
            for (auto& map : search.maps)
                for (auto& item : map.items)
                    if (selected(item))
                        f(item);
    }

    PipelineResult& m_result;
    Rule& m_rule;
    const Pipeline& m_pipeline;
    const PipelineTransformation& m_t;
    const std::map<std::string, std::vector<std::string>>& m_vars;
};

} // namespace

PipelineResult applyPipelines(const Rule& rule, const std::vector<Pipeline>& pipelines)
{
    PipelineResult result;
    result.rule = rule;
    std::vector<const Pipeline*> order;
    for (const auto& p : pipelines)
        order.push_back(&p);
    std::stable_sort(order.begin(), order.end(),
                     [](const Pipeline* a, const Pipeline* b) { return a->priority < b->priority; });
    // pySigma joins the pipelines into one: the vars of all of them, later ones winning.
    std::map<std::string, std::vector<std::string>> vars;
    for (const Pipeline* p : order)
        for (const auto& [name, values] : p->vars)
            vars[name] = values;
    for (const Pipeline* p : order)
        for (const auto& t : p->transformations)
            if (Applier(result, *p, t, vars).run())
                result.applied.push_back(t.id.empty() ? typeName(t.type) : t.id);
    return result;
}

std::function<void(Rule&, Diagnostics&)> makePipelineHook(std::vector<Pipeline> pipelines)
{
    return [pipelines = std::move(pipelines)](Rule& rule, Diagnostics& diagnostics) {
        PipelineResult r = applyPipelines(rule, pipelines);
        rule = std::move(r.rule);
        diagnostics.insert(diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
    };
}

} // namespace sigma::conversion
