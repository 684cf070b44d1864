#pragma once

// Indicators: the (field, kind, value) triples a rule filters on, one per value of each
// detection item, with the transformations noted, whether the rule looks for it or excludes it
// (its search identifier is used under `not`), and its source span so an editor can select it.

#include "corpus/fieldmap.h"
#include "rule/rule.h"

#include <string>
#include <string_view>
#include <vector>

namespace sigma {

enum class IndicatorKind {
    Eq,
    Contains,
    StartsWith,
    EndsWith,
    Wildcard,   ///< a plain value with `*` / `?` other than one leading and/or trailing `*`
    RegexMatch, ///< |re
    Cidr,
    Exists,
    Gt,
    Gte,
    Lt,
    Lte,
    Neq,
    FieldRef,
    Keyword, ///< a keyword search value (no field)
    Null,    ///< a `null` value (field absent or empty)
};

/// "eq", "contains", "starts_with", ... as used in reports and JSON.
const char* indicatorKindName(IndicatorKind kind);
bool indicatorKindFromName(std::string_view name, IndicatorKind* kind);

struct Indicator {
    std::string field;        ///< canonical field name (empty for keywords)
    std::string writtenField; ///< the field name as written in the rule
    IndicatorKind kind = IndicatorKind::Eq;
    /// The value as written in the rule (after YAML unquoting), minus the leading/trailing `*` that
    /// made a plain value contains/starts_with/ends_with; empty for null.
    std::string value;
    /// Vendor rules: the literal the query compares, after the query language's own unescaping,
    /// wildcards as written (process.name : "netsh.exe" gives "netsh.exe" where `value` is
    /// \netsh.exe on Image). Empty for Sigma rules (the value as written is `value`'s source).
    std::string writtenValue;
    /// Transformations and flags, in the order written: "base64", "base64offset", "wide",
    /// "utf16be", "utf16", "windash", "all", "cased", "expand", "i", "m", "s", "minute", ...
    std::vector<std::string> transformations;
    bool excluded = false; ///< the search identifier is only used under `not`
    bool cased = false;    ///< the value compares case-sensitively
    std::string searchIdentifier;
    SourceSpan span;      ///< the value in the rule text
    SourceSpan fieldSpan; ///< the field name (invalid for keywords)
    SourceSpan itemSpan;  ///< the whole detection item
    /// Where it is in the model: Rule::detection[searchIndex].maps[mapIndex].items[itemIndex]
    /// .values[valueIndex].
    std::size_t searchIndex = 0;
    std::size_t mapIndex = 0;
    std::size_t itemIndex = 0;
    std::size_t valueIndex = 0;

    /// Identity across rules: case-folded canonical field, kind, and value (case-folded unless
    /// cased; numbers by their decimal text). Transformations are not part of it.
    std::string key() const;
};

struct IndicatorOptions {
    const FieldMap* fieldMap = nullptr; ///< nullptr: FieldMap::builtin()
    FieldScope scope;                   ///< where the rule's fields live (see FieldScope)
};

/// Every indicator of the rule in document order. EventID, Channel and Provider_Name select the
/// event and are not indicators.
std::vector<Indicator> extractIndicators(const Rule& rule, const IndicatorOptions& options = {});

/// True when the search identifier is referenced only under an odd number of `not`s in the
/// rule's condition(s) (`1 of filter*` and `them` included).
bool isExcludedIdentifier(const Rule& rule, std::string_view identifier);

/// Fields that select the event rather than filter it (EventID, Channel, Provider_Name, ...).
bool isEventSelectorField(std::string_view field);

} // namespace sigma
