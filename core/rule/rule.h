#pragma once

// The Sigma rule model (specification v2.1) produced by the parser (rule/parser.h) and consumed by
// the linter, the engine and the corpus index. Every element keeps its source span (1-based line
// and column, begin and end) so the editor can underline and highlight exactly.

#include "util/diagnostic.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sigma {

/// A scalar as written in the rule, with its YAML type.
struct Value {
    enum class Type { String, Integer, Float, Boolean, Null };
    Type type = Type::String;
    std::string text; ///< the scalar's text after YAML unquoting ("" for null)
    bool quoted = false;
    SourceSpan span;
    /// Integer: the value (YAML 1.1 forms as PyYAML reads them: 0x1F, 0o17/017, 1_000, 1:30);
    /// Float: the value; Boolean: the value (true/false, yes/no, on/off as in YAML 1.1).
    long long intValue = 0;
    double floatValue = 0.0;
    bool boolValue = false;
};

/// Every modifier of Sigma v2.1 (pySigma aliases map onto these).
enum class ModifierKind {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Base64,
    Base64Offset,
    Utf16le, // also "wide"
    Utf16be,
    Utf16,
    Windash,
    Re,
    ReIgnoreCase, // re sub-flag "i" / "ignorecase"
    ReMultiline,  // "m" / "multiline"
    ReDotAll,     // "s" / "dotall"
    Cidr,
    Exists,
    Expand,
    FieldRef,
    Gt,
    Gte,
    Lt,
    Lte,
    Neq,
    Cased,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
};

const char* modifierName(ModifierKind kind);
/// Parses a modifier name as written (case-sensitive per pySigma; aliases accepted).
std::optional<ModifierKind> modifierFromName(std::string_view name);

struct Modifier {
    ModifierKind kind{};
    std::string written; ///< as written in the rule, e.g. "wide"
    SourceSpan span;
};

/// One entry of a detection map: `field|mod|mod: value-or-list`, or a keyword list
/// (field empty, isKeyword true).
struct DetectionItem {
    bool isKeyword = false;
    std::string field; ///< field name without modifiers (empty for keywords)
    std::vector<Modifier> modifiers;
    std::vector<Value> values; ///< one element unless the YAML value was a sequence
    bool valueIsList = false;
    SourceSpan keySpan;   ///< the whole key "field|mod" (invalid for list-form keywords)
    SourceSpan fieldSpan; ///< just the field name
    SourceSpan span;      ///< key and value(s)

    bool has(ModifierKind kind) const
    {
        for (const auto& m : modifiers)
            if (m.kind == kind)
                return true;
        return false;
    }
};

/// A map of detection items: all must hold (AND).
struct DetectionMap {
    std::vector<DetectionItem> items;
    SourceSpan span;
};

/// A named search identifier under `detection:`.
struct SearchIdentifier {
    enum class Kind {
        Map,        ///< a single map (AND of items)
        ListOfMaps, ///< a list of maps (OR of maps)
        Keywords,   ///< a plain value list: keyword search (OR), one DetectionMap with one keyword item
    };
    std::string name;
    Kind kind = Kind::Map;
    std::vector<DetectionMap> maps; ///< OR of maps (Map and Keywords: exactly one element)
    SourceSpan nameSpan;
    SourceSpan span;
};

/// A node of a parsed condition expression.
struct ConditionNode {
    enum class Kind {
        Or,
        And,
        Not,
        Identifier, ///< a search identifier reference
        OneOf,      ///< "1 of X" / "any of X"
        AllOf,      ///< "all of X"
    };
    Kind kind = Kind::Identifier;
    std::vector<ConditionNode> children; ///< Or/And: two or more; Not: one
    std::string name;                    ///< Identifier: the name; OneOf/AllOf: the pattern or "them"
    SourceSpan span;                     ///< the whole sub-expression
    SourceSpan operatorSpan;             ///< the keyword token(s): "and", "not", "1 of", ...
    SourceSpan nameSpan;                 ///< Identifier / OneOf / AllOf: the name or pattern token
};

/// A lexical token of a condition string, for highlighting (see rule/condition.h).
struct ConditionToken {
    enum class Kind {
        Identifier, ///< a search identifier name
        Pattern,    ///< the operand of "x of": a wildcard pattern
        Them,       ///< "them"
        And,
        Or,
        Not,
        Quantifier, ///< "1", "any", "all" before "of"
        Of,
        LParen,
        RParen,
        Pipe, ///< "|": the deprecated aggregation syntax (an error)
        Invalid,
    };
    Kind kind = Kind::Invalid;
    std::string text;
    std::size_t offset = 0; ///< byte offset in Condition::text
    SourceSpan span;        ///< position in the file
};

struct Condition {
    std::string text;
    SourceSpan span;
    std::optional<ConditionNode> root;  ///< empty when it did not parse (see diagnostics)
    std::vector<ConditionToken> tokens; ///< every token, with file positions
};

struct LogSource {
    std::string category;
    std::string product;
    std::string service;
    std::string definition;
    SourceSpan span;
    std::map<std::string, SourceSpan> valueSpans; ///< key -> span of its value
    std::map<std::string, SourceSpan> keySpans;   ///< key -> span of the key itself
};

struct RelatedRule {
    std::string id;
    std::string type;
};

/// A key at the top level of a document that the model has no member for, kept verbatim.
struct CustomAttribute {
    std::string key;
    std::string yaml; ///< the value re-emitted as YAML
    SourceSpan span;
};

struct Rule {
    std::string title;
    std::string id;
    std::string name;
    std::vector<RelatedRule> related;
    std::string taxonomy;
    std::string status;
    std::string description;
    std::string license;
    std::string author;
    std::vector<std::string> references;
    std::string date;
    std::string modified;
    LogSource logsource;
    std::vector<std::string> fields;
    std::vector<std::string> falsepositives;
    std::string level;
    std::vector<std::string> tags;
    std::vector<std::string> scope;
    std::vector<SearchIdentifier> detection; ///< in document order
    std::vector<Condition> conditions;       ///< a list of conditions is OR'ed
    std::string timeframe;                   ///< deprecated, kept if present
    std::vector<CustomAttribute> custom;
    /// Spans of top-level keys and of their values, by key ("title", "tags", ...).
    std::map<std::string, SourceSpan> keySpans;
    std::map<std::string, SourceSpan> valueSpans;
    /// Span of each tag value, parallel to tags.
    std::vector<SourceSpan> tagSpans;

    const SearchIdentifier* searchIdentifier(std::string_view identifier) const
    {
        for (const auto& s : detection)
            if (s.name == identifier)
                return &s;
        return nullptr;
    }
};

struct CorrelationCondition {
    std::string op; ///< gt, gte, lt, lte, eq, neq
    std::string value;
    SourceSpan span;
};

struct Correlation {
    std::string title;
    std::string id;
    std::string name;
    std::string status;
    std::string level;
    /// event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile (spec v2.1);
    /// value_median (pySigma, not in spec v2.1: the 50th percentile)
    std::string type;
    std::vector<std::string> rules;
    std::vector<std::string> groupBy;
    std::map<std::string, std::map<std::string, std::string>> aliases; ///< alias -> rule -> field
    std::string timespan;
    long long timespanSeconds = 0;
    std::vector<CorrelationCondition> condition;
    /// value_* types: `condition.field`; value_count also takes a list (specification v2.1: "linked
    /// by an AND", pySigma's `fieldref: str | list[str]`): the distinct tuples of those fields.
    std::vector<std::string> conditionFields;
    /// value_percentile: `condition.percentile` (pySigma; spec v2.1 names no key), 0..100.
    std::optional<double> conditionPercentile;
    bool generate = false;
    std::vector<CustomAttribute> custom;
    std::map<std::string, SourceSpan> keySpans;
    std::map<std::string, SourceSpan> valueSpans;
};

struct Filter {
    std::string title;
    std::string id;
    std::string name;
    std::string description;
    LogSource logsource;
    std::vector<std::string> rules; ///< rule ids or names the filter applies to
    std::vector<SearchIdentifier> detection;
    std::vector<Condition> conditions;
    std::vector<CustomAttribute> custom;
    std::map<std::string, SourceSpan> keySpans;
    std::map<std::string, SourceSpan> valueSpans;
};

/// One YAML document of a file.
struct Document {
    int index = 0; ///< 0-based position in the file
    SourceSpan span;
    std::variant<std::monostate, Rule, Correlation, Filter> content; ///< monostate: unrecognised / failed

    const Rule* rule() const { return std::get_if<Rule>(&content); }
    const Correlation* correlation() const { return std::get_if<Correlation>(&content); }
    const Filter* filter() const { return std::get_if<Filter>(&content); }
};

struct ParsedFile {
    std::string file;
    std::string text; ///< the text that was parsed (kept so spans can be shown)
    std::vector<Document> documents;
    Diagnostics diagnostics;

    /// The first rule document, if any.
    const Rule* firstRule() const
    {
        for (const auto& d : documents)
            if (auto r = d.rule())
                return r;
        return nullptr;
    }
};

} // namespace sigma
