// Reading pipeline files (pySigma's YAML format): name, priority, vars and the transformations
// with their conditions. Every problem is a diagnostic at the key or value's line:col; an unknown
// transformation or condition type is an error, never skipped silently.
#include "conversion/pipeline.h"
#include "rule/yamlscalar.h"
#include "util/fileio.h"
#include "util/resources.h"
#include "validation/manifestyaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace sigma::conversion {
namespace {

using manifestyaml::nodeTypeName;
using manifestyaml::spanOf;
using Type = PipelineTransformation::Type;
using CondKind = PipelineCondition::Kind;

constexpr std::size_t kMaxPipelineBytes = 16u << 20;

struct TypeName {
    const char* name;
    Type type;
};
constexpr TypeName kTransformations[] = {
    {"field_name_mapping", Type::FieldNameMapping},   {"field_name_prefix", Type::FieldNamePrefix},
    {"field_name_suffix", Type::FieldNameSuffix},     {"add_condition", Type::AddCondition},
    {"change_logsource", Type::ChangeLogsource},      {"replace_string", Type::ReplaceString},
    {"drop_detection_item", Type::DropDetectionItem}, {"value_placeholders", Type::ValuePlaceholders},
};
/// pySigma transformation types this reader knows of but does not implement: named as such.
constexpr const char* kNotSupported[] = {"field_name_prefix_mapping",
                                         "field_name_transform",
                                         "wildcard_placeholders",
                                         "query_expression_placeholders",
                                         "add_field",
                                         "remove_field",
                                         "set_field",
                                         "set_value",
                                         "convert_type",
                                         "map_string",
                                         "case",
                                         "regex",
                                         "set_state",
                                         "rule_failure",
                                         "detection_item_failure",
                                         "hashes_fields",
                                         "nest",
                                         "set_custom_attribute",
                                         "add_fieldname_suffix",
                                         "field_name_suffix_mapping"};

class Reader {
public:
    Reader(std::string file, Diagnostics& diags)
        : m_file(std::move(file))
        , m_diags(diags)
    {}

    void error(const YAML::Node& at, const std::string& message, const char* code = "pipeline-invalid")
    {
        m_diags.push_back(makeDiagnostic(Severity::Error, code, message, m_file, spanOf(at)));
    }
    void warning(const YAML::Node& at, const std::string& message)
    {
        m_diags.push_back(makeDiagnostic(Severity::Warning, "pipeline-ignored", message, m_file, spanOf(at)));
    }

    bool scalar(const YAML::Node& node, const std::string& key, std::string& out)
    {
        if (!node.IsScalar()) {
            error(node, "'" + key + "' must be a string, not " + nodeTypeName(node));
            return false;
        }
        out = node.Scalar();
        return true;
    }
    bool requiredScalar(const YAML::Node& map, const char* key, const std::string& what, std::string& out)
    {
        const YAML::Node v = map[key];
        if (!v) {
            error(map, "'" + what + "' needs '" + key + "'");
            return false;
        }
        return scalar(v, key, out);
    }
    bool optionalScalar(const YAML::Node& map, const char* key, std::optional<std::string>& out)
    {
        const YAML::Node v = map[key];
        if (!v || v.IsNull())
            return true;
        std::string s;
        if (!scalar(v, key, s))
            return false;
        out = s;
        return true;
    }
    /// A string or a list of strings.
    bool stringList(const YAML::Node& node, const std::string& key, std::vector<std::string>& out)
    {
        if (node.IsScalar()) {
            out.push_back(node.Scalar());
            return true;
        }
        if (!node.IsSequence()) {
            error(node, "'" + key + "' must be a string or a list of strings, not " + nodeTypeName(node));
            return false;
        }
        for (const auto& item : node) {
            std::string s;
            if (!scalar(item, key, s))
                return false;
            out.push_back(s);
        }
        return true;
    }
    bool boolean(const YAML::Node& node, const char* key, bool& out)
    {
        return manifestyaml::readBool(node, key, m_file, m_diags, out);
    }
    PipelineRegex regex(const YAML::Node& at, const std::string& pattern)
    {
        std::string problem;
        PipelineRegex r = PipelineRegex::compile(pattern, problem);
        if (!r.valid())
            error(at, problem, "pipeline-invalid-regex");
        return r;
    }
    /// Keys of `map` must be in `allowed`.
    bool onlyKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& what)
    {
        bool ok = true;
        for (const auto& kv : map) {
            const std::string key = kv.first.Scalar();
            if (!allowed.count(key)) {
                std::string list;
                for (const auto& a : allowed)
                    list += (list.empty() ? "" : ", ") + a;
                error(kv.first, "unknown key '" + key + "' in " + what + " (expected: " + list + ")");
                ok = false;
            }
        }
        return ok;
    }

    Value value(const YAML::Node& node)
    {
        Value v;
        v.span = spanOf(node);
        if (node.IsNull()) {
            v.type = Value::Type::Null;
            return v;
        }
        v.text = node.Scalar();
        v.quoted = node.Tag() == "!";
        if (v.quoted)
            return v;
        if (yaml11::resolveBool(v.text, v.boolValue))
            v.type = Value::Type::Boolean;
        else if (yaml11::resolveInt(v.text, v.intValue))
            v.type = Value::Type::Integer;
        else if (yaml11::resolveFloat(v.text, v.floatValue))
            v.type = Value::Type::Float;
        return v;
    }

    /// `field|mod|mod` as a detection item's field and modifiers.
    bool itemKey(const YAML::Node& key, DetectionItem& item)
    {
        const std::string text = key.Scalar();
        std::size_t bar = text.find('|');
        item.field = text.substr(0, bar);
        item.fieldSpan = item.keySpan = spanOf(key);
        while (bar != std::string::npos) {
            const std::size_t next = text.find('|', bar + 1);
            const std::string name = text.substr(bar + 1, next == std::string::npos ? next : next - bar - 1);
            const auto kind = modifierFromName(name);
            if (!kind) {
                error(key, "unknown modifier '" + name + "' in '" + text + "'", "pipeline-unknown-modifier");
                return false;
            }
            item.modifiers.push_back(Modifier{*kind, name, spanOf(key)});
            bar = next;
        }
        return true;
    }
    bool condition(const YAML::Node& node, int group, PipelineCondition& out);
    bool conditions(const YAML::Node& t, const char* listKey, const char* opKey, const char* notKey, int group,
                    PipelineConditions& out);
    bool transformation(const YAML::Node& node, PipelineTransformation& out);
    bool pipeline(const YAML::Node& root, Pipeline& out);

private:
    std::string m_file;
    Diagnostics& m_diags;
};

// group: 0 rule, 1 field name, 2 detection item conditions.
bool Reader::condition(const YAML::Node& node, int group, PipelineCondition& c)
{
    static const char* groupNames[] = {"rule_conditions", "field_name_conditions", "detection_item_conditions"};
    if (!node.IsMap()) {
        error(node, std::string("an entry of ") + groupNames[group] + " must be a map, not " + nodeTypeName(node));
        return false;
    }
    c.span = spanOf(node);
    const YAML::Node typeNode = node["type"];
    std::string type;
    if (!typeNode) {
        error(node, std::string("an entry of ") + groupNames[group] + " needs a 'type'");
        return false;
    }
    if (!scalar(typeNode, "type", type))
        return false;
    auto unknown = [&] {
        error(typeNode, "unknown " + std::string(groupNames[group]) + " type '" + type + "'", "pipeline-unknown-type");
        return false;
    };
    if (group == 0) {
        if (type == "logsource") {
            c.kind = CondKind::Logsource;
            return onlyKeys(node, {"type", "category", "product", "service"}, "a logsource condition") &&
                   optionalScalar(node, "category", c.category) && optionalScalar(node, "product", c.product) &&
                   optionalScalar(node, "service", c.service);
        }
        if (type == "processing_item_applied" || type == "rule_processing_item_applied") {
            c.kind = CondKind::ProcessingItemApplied;
            return onlyKeys(node, {"type", "processing_item_id"}, "a processing_item_applied condition") &&
                   requiredScalar(node, "processing_item_id", type, c.text);
        }
        if (type == "tag") {
            c.kind = CondKind::Tag;
            return onlyKeys(node, {"type", "tag"}, "a tag condition") && requiredScalar(node, "tag", type, c.text);
        }
        return unknown();
    }
    if (group == 1) {
        if (type != "include_fields" && type != "exclude_fields")
            return unknown();
        c.kind = type == "include_fields" ? CondKind::IncludeFields : CondKind::ExcludeFields;
        if (!onlyKeys(node, {"type", "fields", "mode"}, "a " + type + " condition"))
            return false;
        if (!node["fields"]) {
            error(node, "'" + type + "' needs 'fields'");
            return false;
        }
        if (!stringList(node["fields"], "fields", c.fields))
            return false;
        std::string mode = "plain";
        if (node["mode"] && !scalar(node["mode"], "mode", mode))
            return false;
        if (mode == "re") {
            for (const auto& f : c.fields)
                c.fieldPatterns.push_back(regex(node["fields"], f));
            return std::all_of(c.fieldPatterns.begin(), c.fieldPatterns.end(),
                               [](const PipelineRegex& r) { return r.valid(); });
        }
        if (mode != "plain") {
            error(node["mode"], "field name matching mode '" + mode + "' is neither 'plain' nor 're'");
            return false;
        }
        return true;
    }
    if (type != "match_string" && type != "is_null")
        return unknown();
    c.kind = type == "match_string" ? CondKind::MatchString : CondKind::IsNull;
    if (!onlyKeys(node,
                  type == "match_string" ? std::set<std::string>{"type", "pattern", "cond", "negate"}
                                         : std::set<std::string>{"type", "cond"},
                  "a " + type + " condition"))
        return false;
    std::string cond = "any";
    if (node["cond"] && !scalar(node["cond"], "cond", cond))
        return false;
    if (cond != "any" && cond != "all") {
        error(node["cond"], "'cond' must be 'any' or 'all', not '" + cond + "'");
        return false;
    }
    c.all = cond == "all";
    if (c.kind == CondKind::IsNull)
        return true;
    if (node["negate"] && !boolean(node["negate"], "negate", c.negate))
        return false;
    std::string pattern;
    if (!node["pattern"]) {
        error(node, "'match_string' needs a 'pattern'");
        return false;
    }
    if (!scalar(node["pattern"], "pattern", pattern))
        return false;
    c.regex = regex(node["pattern"], pattern);
    return c.regex.valid();
}

bool Reader::conditions(const YAML::Node& t, const char* listKey, const char* opKey, const char* notKey, int group,
                        PipelineConditions& out)
{
    bool ok = true;
    if (const YAML::Node list = t[listKey]) {
        if (list.IsSequence()) {
            for (const auto& entry : list) {
                PipelineCondition c;
                if (condition(entry, group, c))
                    out.items.push_back(std::move(c));
                else
                    ok = false;
            }
        } else if (list.IsMap()) { // pySigma's named form (id: condition), linked by the operator
            for (const auto& kv : list) {
                PipelineCondition c;
                if (condition(kv.second, group, c))
                    out.items.push_back(std::move(c));
                else
                    ok = false;
            }
        } else if (!list.IsNull()) {
            error(list, std::string("'") + listKey + "' must be a list, not " + nodeTypeName(list));
            ok = false;
        }
    }
    if (const YAML::Node op = t[opKey]) {
        std::string s;
        if (!scalar(op, opKey, s))
            return false;
        if (s != "and" && s != "or") {
            error(op, std::string("'") + opKey + "' must be 'and' or 'or', not '" + s + "'");
            return false;
        }
        out.anyOf = s == "or";
    }
    if (const YAML::Node n = t[notKey])
        ok = boolean(n, notKey, out.negated) && ok;
    return ok;
}

bool Reader::transformation(const YAML::Node& node, PipelineTransformation& t)
{
    if (!node.IsMap()) {
        error(node, "a transformation must be a map, not " + nodeTypeName(node));
        return false;
    }
    t.span = spanOf(node);
    const YAML::Node typeNode = node["type"];
    if (!typeNode) {
        error(node, "a transformation needs a 'type'");
        return false;
    }
    std::string type;
    if (!scalar(typeNode, "type", type))
        return false;
    const auto known = std::find_if(std::begin(kTransformations), std::end(kTransformations),
                                    [&](const TypeName& n) { return type == n.name; });
    if (known == std::end(kTransformations)) {
        const bool pySigma =
            std::find(std::begin(kNotSupported), std::end(kNotSupported), type) != std::end(kNotSupported);
        error(typeNode,
              pySigma ? "transformation type '" + type + "' (pySigma) is not supported by sigmawb"
                      : "unknown transformation type '" + type + "'",
              "pipeline-unknown-type");
        return false;
    }
    t.type = known->type;
    if (node["id"] && !scalar(node["id"], "id", t.id))
        return false;
    if (node["rule_cond_expr"]) {
        error(node["rule_cond_expr"], "'rule_cond_expr' is not supported: link rule conditions with rule_cond_op");
        return false;
    }
    std::set<std::string> allowed = {"id",
                                     "type",
                                     "rule_conditions",
                                     "rule_cond_op",
                                     "rule_cond_not",
                                     "field_name_conditions",
                                     "field_name_cond_op",
                                     "field_name_cond_not",
                                     "detection_item_conditions",
                                     "detection_item_cond_op",
                                     "detection_item_cond_not"};
    bool ok = conditions(node, "rule_conditions", "rule_cond_op", "rule_cond_not", 0, t.ruleConditions);
    ok = conditions(node, "field_name_conditions", "field_name_cond_op", "field_name_cond_not", 1,
                    t.fieldNameConditions) &&
         ok;
    ok = conditions(node, "detection_item_conditions", "detection_item_cond_op", "detection_item_cond_not", 2,
                    t.detectionItemConditions) &&
         ok;
    auto required = [&](const char* key) -> YAML::Node {
        YAML::Node v = node[key];
        if (!v)
            error(typeNode, "'" + type + "' needs '" + key + "'");
        return v;
    };
    switch (t.type) {
    case Type::FieldNameMapping: {
        allowed.insert("mapping");
        const YAML::Node mapping = required("mapping");
        if (!mapping)
            return false;
        if (!mapping.IsMap()) {
            error(mapping, "'mapping' must be a map of field names, not " + nodeTypeName(mapping));
            return false;
        }
        for (const auto& kv : mapping) {
            std::vector<std::string> targets;
            if (!stringList(kv.second, kv.first.Scalar(), targets))
                return false;
            if (targets.empty()) {
                error(kv.second, "field '" + kv.first.Scalar() + "' maps to no field");
                return false;
            }
            t.mapping[kv.first.Scalar()] = std::move(targets);
        }
        break;
    }
    case Type::FieldNamePrefix:
    case Type::FieldNameSuffix: {
        const char* key = t.type == Type::FieldNamePrefix ? "prefix" : "suffix";
        allowed.insert(key);
        const YAML::Node v = required(key);
        if (!v || !scalar(v, key, t.affix))
            return false;
        break;
    }
    case Type::AddCondition: {
        allowed.insert({"conditions", "negated", "template"});
        const YAML::Node conds = required("conditions");
        if (!conds)
            return false;
        if (!conds.IsMap() || conds.size() == 0) {
            error(conds, "'conditions' must be a map of field: value, not " + nodeTypeName(conds));
            return false;
        }
        for (const auto& kv : conds) {
            std::vector<Value> values;
            if (kv.second.IsSequence()) {
                for (const auto& v : kv.second)
                    if (v.IsScalar() || v.IsNull())
                        values.push_back(value(v));
            } else if (kv.second.IsScalar() || kv.second.IsNull()) {
                values.push_back(value(kv.second));
            }
            if (values.empty()) {
                error(kv.second, "the condition on '" + kv.first.Scalar() + "' must be a value or a list of values");
                return false;
            }
            DetectionItem item;
            if (!itemKey(kv.first, item))
                return false;
            item.valueIsList = kv.second.IsSequence();
            item.values = std::move(values);
            t.addConditions.push_back(std::move(item));
        }
        bool templ = false;
        if (node["template"] && !boolean(node["template"], "template", templ))
            return false;
        if (templ) {
            error(node["template"], "'template: true' (Jinja templates) is not supported by sigmawb");
            return false;
        }
        if (node["negated"] && !boolean(node["negated"], "negated", t.negated))
            return false;
        break;
    }
    case Type::ChangeLogsource:
        allowed.insert({"category", "product", "service"});
        if (!optionalScalar(node, "category", t.category) || !optionalScalar(node, "product", t.product) ||
            !optionalScalar(node, "service", t.service))
            return false;
        break;
    case Type::ReplaceString: {
        allowed.insert({"regex", "replacement", "skip_special"});
        const YAML::Node re = required("regex");
        const YAML::Node repl = required("replacement");
        std::string pattern;
        if (!re || !repl || !scalar(re, "regex", pattern) || !scalar(repl, "replacement", t.replacement))
            return false;
        t.regex = regex(re, pattern);
        if (!t.regex.valid())
            return false;
        break;
    }
    case Type::DropDetectionItem:
        break;
    case Type::ValuePlaceholders:
        allowed.insert({"include", "exclude"});
        if (node["include"] && !stringList(node["include"], "include", t.include))
            return false;
        if (node["exclude"] && !stringList(node["exclude"], "exclude", t.exclude))
            return false;
        break;
    }
    return onlyKeys(node, allowed, "a " + type + " transformation") && ok;
}

bool Reader::pipeline(const YAML::Node& root, Pipeline& p)
{
    bool ok = onlyKeys(
        root, {"name", "priority", "transformations", "vars", "postprocessing", "finalizers", "allowed_backends"},
        "a pipeline");
    if (root["name"] && !scalar(root["name"], "name", p.name))
        ok = false;
    if (const YAML::Node prio = root["priority"]) {
        long long v = 0;
        if (!prio.IsScalar() || !yaml11::resolveInt(prio.Scalar(), v) || v < -1000000 || v > 1000000) {
            error(prio, "'priority' must be an integer");
            ok = false;
        } else {
            p.priority = static_cast<int>(v);
        }
    }
    for (const char* ignored : {"postprocessing", "finalizers"})
        if (root[ignored])
            warning(root[ignored],
                    std::string("'") + ignored + "' is not applied by sigmawb (queries are finished by the target)");
    if (const YAML::Node vars = root["vars"]) {
        if (!vars.IsMap()) {
            error(vars, "'vars' must be a map of placeholder: values, not " + nodeTypeName(vars));
            ok = false;
        } else {
            for (const auto& kv : vars) {
                std::vector<std::string> values;
                if (stringList(kv.second, kv.first.Scalar(), values))
                    p.vars[kv.first.Scalar()] = std::move(values);
                else
                    ok = false;
            }
        }
    }
    const YAML::Node list = root["transformations"];
    if (list && !list.IsSequence() && !list.IsNull()) {
        error(list, "'transformations' must be a list, not " + nodeTypeName(list));
        return false;
    }
    if (list && list.IsSequence()) {
        for (const auto& entry : list) {
            PipelineTransformation t;
            if (transformation(entry, t))
                p.transformations.push_back(std::move(t));
            else
                ok = false;
        }
    }
    return ok;
}

} // namespace

PipelineLoad parsePipeline(std::string_view yaml, const std::string& file)
{
    PipelineLoad load;
    Reader reader(file, load.diagnostics);
    const std::string text(yaml);
    if (text.size() > kMaxPipelineBytes) {
        load.diagnostics.push_back(makeDiagnostic(Severity::Error, "pipeline-too-large",
                                                  "the pipeline file is larger than 16 MiB", file, {{1, 1}, {1, 1}}));
        return load;
    }
    if (const int line = manifestyaml::tooDeepAt(text)) {
        load.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "pipeline-too-deep", "nesting too deep", file, {{line, 1}, {line, 1}}));
        return load;
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        load.diagnostics.push_back(manifestyaml::yamlErrorDiagnostic(e, "pipeline-yaml-syntax", file));
        return load;
    }
    if (!root || !root.IsMap()) {
        load.diagnostics.push_back(makeDiagnostic(Severity::Error, "pipeline-invalid",
                                                  "a pipeline must be a map with 'name' and 'transformations'", file,
                                                  {{1, 1}, {1, 1}}));
        return load;
    }
    Pipeline p;
    p.file = file;
    bool ok = false;
    try { // yaml-cpp's conversions throw on odd input (e.g. a map used as a key)
        ok = reader.pipeline(root, p);
    } catch (const YAML::Exception& e) {
        load.diagnostics.push_back(manifestyaml::yamlErrorDiagnostic(e, "pipeline-invalid", file));
        ok = false;
    }
    if (ok && !hasErrors(load.diagnostics))
        load.pipeline = std::move(p);
    return load;
}

std::vector<std::string> builtinPipelineNames()
{
    std::vector<std::string> names;
    for (std::string_view path : resources::list()) {
        constexpr std::string_view dir = "pipelines/", ext = ".yml";
        if (path.substr(0, dir.size()) == dir && path.size() > dir.size() + ext.size() &&
            path.substr(path.size() - ext.size()) == ext)
            names.emplace_back(path.substr(dir.size(), path.size() - dir.size() - ext.size()));
    }
    std::sort(names.begin(), names.end());
    return names;
}

PipelineLoad loadPipeline(const std::string& nameOrFile)
{
    if (nameOrFile.find('/') == std::string::npos && nameOrFile.find('.') == std::string::npos) {
        if (auto text = resources::data("pipelines/" + nameOrFile + ".yml"))
            return parsePipeline(*text, "builtin:" + nameOrFile);
    }
    std::string text, problem;
    if (!readWholeFile(nameOrFile, text, problem)) {
        PipelineLoad load;
        std::string names;
        for (const auto& n : builtinPipelineNames())
            names += (names.empty() ? "" : ", ") + n;
        load.diagnostics.push_back(makeDiagnostic(Severity::Error, "pipeline-not-found",
                                                  "no built-in pipeline '" + nameOrFile + "' (built-in: " + names +
                                                      ") and no such file: " + problem,
                                                  nameOrFile));
        return load;
    }
    return parsePipeline(text, nameOrFile);
}

bool loadPipelines(const std::vector<std::string>& namesOrFiles, std::vector<Pipeline>& out, Diagnostics& diagnostics)
{
    bool ok = true;
    for (const auto& spec : namesOrFiles) {
        PipelineLoad load = loadPipeline(spec);
        diagnostics.insert(diagnostics.end(), load.diagnostics.begin(), load.diagnostics.end());
        if (load.pipeline)
            out.push_back(std::move(*load.pipeline));
        else
            ok = false;
    }
    return ok;
}

} // namespace sigma::conversion
