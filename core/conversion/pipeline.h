#pragma once

// Processing pipelines in pySigma's YAML format (docs/pipelines.md): a pipeline is a list of
// transformations, each with optional rule, field-name and detection-item conditions, that rewrite
// a parsed Rule before it is converted into a query (field names of the target's data model, log
// source conditions, value rewriting). Pipelines are read from a file or taken from the built-in
// ones (resources/data/pipelines/*.yml: sysmon, ecs, splunk-cim, sentinel) and applied ordered by
// priority, then in the order given, as pySigma does.

#include "rule/rule.h"
#include "util/diagnostic.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::conversion {

/// A compiled regular expression (PCRE2) shared by copies of a pipeline.
class PipelineRegex {
public:
    /// Compiles `pattern`; on failure `error` says why (with the offset) and the regex is invalid.
    static PipelineRegex compile(const std::string& pattern, std::string& error);
    bool valid() const { return m_code != nullptr; }
    /// True when the pattern matches at the start of `text` (Python's re.match).
    bool matchStart(std::string_view text) const;
    /// True when the pattern matches all of `text` (Python's re.fullmatch).
    bool fullMatch(std::string_view text) const;
    /// Every match replaced by `replacement` written as Python's re.sub takes it (\1, \g<name>).
    std::string replaceAll(std::string_view text, const std::string& replacement) const;
    const std::string& pattern() const { return m_pattern; }

private:
    std::shared_ptr<void> m_code; ///< pcre2_code_8, freed by its deleter
    std::string m_pattern;
};

/// One condition of a transformation.
struct PipelineCondition {
    enum class Kind {
        Logsource,             ///< rule: category/product/service as given (unset ones ignored)
        ProcessingItemApplied, ///< rule: a transformation with this id was applied before
        Tag,                   ///< rule: the rule has this tag
        IncludeFields,         ///< field name: one of `fields` (plain, or regular expressions)
        ExcludeFields,         ///< field name: none of `fields`
        MatchString,           ///< detection item: its string values match `regex` from their start (any, or all)
        IsNull,                ///< detection item: its values are null (any, or all)
    };
    Kind kind = Kind::Logsource;
    std::optional<std::string> category, product, service;
    std::string text;                         ///< ProcessingItemApplied: the id; Tag: the tag
    std::vector<std::string> fields;          ///< Include/ExcludeFields
    std::vector<PipelineRegex> fieldPatterns; ///< mode "re": one per field, matched in full
    PipelineRegex regex;                      ///< MatchString
    bool all = false;                         ///< MatchString / IsNull: `cond: all`
    bool negate = false;                      ///< MatchString: `negate: true`
    SourceSpan span;
};

/// Conditions of one kind on a transformation, linked by `*_cond_op` and negated by `*_cond_not`.
struct PipelineConditions {
    std::vector<PipelineCondition> items;
    bool anyOf = false; ///< "or" linking (default "and")
    bool negated = false;
    bool empty() const { return items.empty(); }
};

struct PipelineTransformation {
    enum class Type {
        FieldNameMapping,
        FieldNamePrefix,
        FieldNameSuffix,
        AddCondition,
        ChangeLogsource,
        ReplaceString,
        DropDetectionItem,
        ValuePlaceholders,
    };
    Type type = Type::FieldNameMapping;
    std::string id;
    SourceSpan span; ///< the transformation's entry in the pipeline file

    /// FieldNameMapping: field -> its names in the target (several: any of them, an OR).
    std::map<std::string, std::vector<std::string>> mapping;
    std::string affix; ///< FieldNamePrefix / FieldNameSuffix
    /// AddCondition: `field|modifiers: value(s)` as items of one selection (every item must hold).
    std::vector<DetectionItem> addConditions;
    bool negated = false;                                  ///< AddCondition: `negated: true` adds `not (...)`
    std::optional<std::string> category, product, service; ///< ChangeLogsource
    PipelineRegex regex;                                   ///< ReplaceString
    std::string replacement;                               ///< ReplaceString
    std::vector<std::string> include, exclude;             ///< ValuePlaceholders: which placeholders

    PipelineConditions ruleConditions;
    PipelineConditions fieldNameConditions;
    PipelineConditions detectionItemConditions;
};

struct Pipeline {
    std::string name;
    int priority = 0;
    std::string file; ///< the file it was read from, or "builtin:NAME"
    std::vector<PipelineTransformation> transformations;
    /// `vars:` for value_placeholders: name -> values.
    std::map<std::string, std::vector<std::string>> vars;
};

struct PipelineLoad {
    std::optional<Pipeline> pipeline; ///< empty when there were errors
    Diagnostics diagnostics;
};

/// Reads a pipeline from YAML text; `file` names it in diagnostics (file:line:col).
PipelineLoad parsePipeline(std::string_view yaml, const std::string& file);
/// A built-in pipeline by name ("ecs"), else a pipeline file by path.
PipelineLoad loadPipeline(const std::string& nameOrFile);
/// The names of the built-in pipelines, sorted.
std::vector<std::string> builtinPipelineNames();
/// Loads each built-in name or file, in the order given; false when any of them has errors. Every
/// diagnostic (warnings too) goes to `diagnostics`.
bool loadPipelines(const std::vector<std::string>& namesOrFiles, std::vector<Pipeline>& out, Diagnostics& diagnostics);

struct PipelineResult {
    Rule rule;                        ///< the transformed rule
    Diagnostics diagnostics;          ///< errors mean the rule cannot be converted faithfully
    std::vector<std::string> applied; ///< ids (or types when unnamed) of the transformations applied, in order
    bool ok() const { return !hasErrors(diagnostics); }
};

/// Applies the pipelines to a copy of `rule`: pipelines ordered by priority (stable: equal
/// priorities keep the order given), then their transformations in file order.
PipelineResult applyPipelines(const Rule& rule, const std::vector<Pipeline>& pipelines);

/// The conversion's hook (conversion.h ConversionOptions::pipelineHook) applying `pipelines`; its
/// diagnostics name no file (the caller knows the rule's).
std::function<void(Rule&, Diagnostics&)> makePipelineHook(std::vector<Pipeline> pipelines);

} // namespace sigma::conversion
