#pragma once

// The modifier registry: every modifier of Sigma v2.1 (and pySigma's aliases) once, with its
// role in a chain, the matcher family it selects and the check its values get when a rule is
// read. The parser (names, chain order, value checks), the linter, the engine (which matcher to
// build, regular-expression options) and the editor's completion all ask this table; a new
// modifier is added here, in ModifierKind (rule/rule.h) and, if it needs a new matcher, in
// engine/matchers.

#include "rule/rule.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

enum class ModifierRole {
    Position,  ///< contains, startswith, endswith: where the value sits in the field
    Transform, ///< base64, base64offset, utf16*, windash, expand: rewrite the value first
    List,      ///< all: every value of the list must match
    RegexFlag, ///< i, m, s after re
    Option,    ///< cased, neq: change how the comparison is made
    Selector,  ///< re, cidr, exists, fieldref, gt..lte, minute..year: choose the matcher family
};

/// The kind of matcher an item's values compile to. Ordered by precedence: an item whose
/// modifiers select several families compiles to the last one (a time part with gt compares the
/// time part; exists wins over everything).
enum class MatcherFamily {
    String,   ///< plain/contains/startswith/endswith with wildcards, after the transformations
    FieldRef, ///< compare with another field of the event
    Regex,    ///< PCRE2
    Cidr,     ///< IPv4/IPv6 network
    Number,   ///< gt, gte, lt, lte
    TimePart, ///< minute .. year of a date value, compared as a number
    Exists,   ///< the field is present (true) or absent (false)
};

/// A value a modifier cannot take, as the parser and the engine report it.
struct ModifierValueProblem {
    std::string code;    ///< e.g. "invalid-regex", "invalid-cidr"
    std::string message; ///< names the value and says why
};

struct ModifierInfo {
    ModifierKind kind;
    std::string_view name; ///< canonical name
    ModifierRole role;
    MatcherFamily family; ///< the family it selects (String for modifiers that select none)
    bool terminal;        ///< ends a chain: only `all` may follow (comparisons, cidr, exists)
    /// Checks one value of an item carrying this modifier; nullptr: any value will do. Items with
    /// several modifiers sharing one check (gt and minute) run it once.
    std::optional<ModifierValueProblem> (*checkValue)(const DetectionItem& item, const Value& value);
    std::string_view summary; ///< one line, for completion and documentation
};

/// Every modifier, canonical names in ModifierKind order.
std::span<const ModifierInfo> modifierRegistry();
/// The entry of one modifier.
const ModifierInfo& modifierInfo(ModifierKind kind);
/// base64, base64offset and the utf16 encodings (wide): they encode the value, wildcards included
/// (so contains/startswith/endswith belong after them).
bool isEncodingModifier(ModifierKind kind);
/// Every name a rule may write after '|': canonical names, then pySigma's aliases (wide,
/// ignorecase, multiline, dotall).
std::vector<std::string_view> modifierSpellings();

/// The family the values of `item` compile to (see MatcherFamily for the precedence).
MatcherFamily matcherFamilyOf(const DetectionItem& item);

/// The first problem the item's modifiers find with `value`, in registry order.
std::optional<ModifierValueProblem> checkModifierValue(const DetectionItem& item, const Value& value);

/// PCRE2 compile options (PCRE2_UTF | PCRE2_UCP and the item's i/m/s flags) for an item with `re`:
/// the engine compiles with these, and the parser's check compiles with the same.
std::uint32_t regexCompileOptions(const DetectionItem& item);

/// The "invalid-regex" problem of `pattern` compiled with `options`, or nullopt when it compiles.
std::optional<ModifierValueProblem> regexProblem(const std::string& pattern, std::uint32_t options);

} // namespace sigma
