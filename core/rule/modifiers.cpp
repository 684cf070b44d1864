// The modifier registry (see modifiers.h): names of Sigma v2.1 and pySigma's aliases, roles,
// matcher families and value checks.
#include "rule/modifiers.h"

#include "util/ipnetwork.h"

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <algorithm>
#include <array>

namespace sigma {
namespace {

const char* typeName(Value::Type t)
{
    switch (t) {
    case Value::Type::String:
        return "a string";
    case Value::Type::Integer:
        return "an integer";
    case Value::Type::Float:
        return "a number";
    case Value::Type::Boolean:
        return "a boolean";
    case Value::Type::Null:
        return "null";
    }
    return "?";
}

std::optional<ModifierValueProblem> checkRegex(const DetectionItem& item, const Value& v)
{
    if (v.type != Value::Type::String)
        return ModifierValueProblem{"re-non-string",
                                    std::string("'re' needs a string pattern, not ") + typeName(v.type)};
    return regexProblem(v.text, regexCompileOptions(item));
}

std::optional<ModifierValueProblem> checkCidr(const DetectionItem&, const Value& v)
{
    std::string why = "it is not text";
    if (v.type == Value::Type::String && parseIpNetwork(v.text, &why))
        return std::nullopt;
    return ModifierValueProblem{"invalid-cidr", "'" + v.text + "' is not an IPv4 or IPv6 network: " + why};
}

std::optional<ModifierValueProblem> checkExists(const DetectionItem&, const Value& v)
{
    if (v.type == Value::Type::Boolean)
        return std::nullopt;
    return ModifierValueProblem{"exists-not-boolean",
                                std::string("'exists' takes true or false, not ") + typeName(v.type)};
}

std::optional<ModifierValueProblem> checkNumber(const DetectionItem&, const Value& v)
{
    if (v.type == Value::Type::Integer || v.type == Value::Type::Float)
        return std::nullopt;
    return ModifierValueProblem{"comparison-not-number", std::string("a numeric comparison needs a number, not ") +
                                                             typeName(v.type) +
                                                             (v.quoted ? " (remove the quotes)" : "")};
}

std::optional<ModifierValueProblem> checkFieldName(const DetectionItem&, const Value& v)
{
    if (v.type == Value::Type::String)
        return std::nullopt;
    return ModifierValueProblem{"wrong-type", std::string("'fieldref' needs a field name, not ") + typeName(v.type)};
}

using R = ModifierRole;
using F = MatcherFamily;
using K = ModifierKind;

// In ModifierKind order (modifierInfo() indexes by kind; a static_assert below keeps them aligned).
constexpr std::array<ModifierInfo, 30> kRegistry{{
    {K::Contains, "contains", R::Position, F::String, false, nullptr, "the value occurs anywhere in the field"},
    {K::StartsWith, "startswith", R::Position, F::String, false, nullptr, "the field starts with the value"},
    {K::EndsWith, "endswith", R::Position, F::String, false, nullptr, "the field ends with the value"},
    {K::All, "all", R::List, F::String, false, nullptr, "every value of the list must match (AND)"},
    {K::Base64, "base64", R::Transform, F::String, false, nullptr, "match the value base64-encoded"},
    {K::Base64Offset, "base64offset", R::Transform, F::String, false, nullptr,
     "the value base64-encoded at each of the three offsets (use with contains)"},
    {K::Utf16le, "utf16le", R::Transform, F::String, false, nullptr, "encode the value as UTF-16LE (alias: wide)"},
    {K::Utf16be, "utf16be", R::Transform, F::String, false, nullptr, "encode the value as UTF-16BE"},
    {K::Utf16, "utf16", R::Transform, F::String, false, nullptr, "encode the value as UTF-16 with a byte-order mark"},
    {K::Windash, "windash", R::Transform, F::String, false, nullptr,
     "also match '-' written as '/', en dash, em dash or horizontal bar"},
    {K::Re, "re", R::Selector, F::Regex, false, checkRegex, "the value is a regular expression (PCRE subset)"},
    {K::ReIgnoreCase, "i", R::RegexFlag, F::Regex, false, nullptr, "re: ignore case (alias: ignorecase)"},
    {K::ReMultiline, "m", R::RegexFlag, F::Regex, false, nullptr,
     "re: ^ and $ match at line breaks (alias: multiline)"},
    {K::ReDotAll, "s", R::RegexFlag, F::Regex, false, nullptr, "re: '.' matches a line break too (alias: dotall)"},
    {K::Cidr, "cidr", R::Selector, F::Cidr, true, checkCidr, "the field is an IP address in this network"},
    {K::Exists, "exists", R::Selector, F::Exists, true, checkExists, "the field is present (true) or absent (false)"},
    {K::Expand, "expand", R::Transform, F::String, false, nullptr, "replace %placeholders% with configured values"},
    {K::FieldRef, "fieldref", R::Selector, F::FieldRef, false, checkFieldName,
     "compare with the value of another field of the event"},
    {K::Gt, "gt", R::Selector, F::Number, true, checkNumber, "the field is a number greater than the value"},
    {K::Gte, "gte", R::Selector, F::Number, true, checkNumber, "the field is a number greater than or equal"},
    {K::Lt, "lt", R::Selector, F::Number, true, checkNumber, "the field is a number less than the value"},
    {K::Lte, "lte", R::Selector, F::Number, true, checkNumber, "the field is a number less than or equal"},
    {K::Neq, "neq", R::Option, F::String, false, nullptr, "the field does not equal the value"},
    {K::Cased, "cased", R::Option, F::String, false, nullptr, "compare case-sensitively"},
    {K::Minute, "minute", R::Selector, F::TimePart, true, checkNumber, "the minute of a date field"},
    {K::Hour, "hour", R::Selector, F::TimePart, true, checkNumber, "the hour of a date field"},
    {K::Day, "day", R::Selector, F::TimePart, true, checkNumber, "the day of the month of a date field"},
    {K::Week, "week", R::Selector, F::TimePart, true, checkNumber, "the ISO week of a date field"},
    {K::Month, "month", R::Selector, F::TimePart, true, checkNumber, "the month of a date field"},
    {K::Year, "year", R::Selector, F::TimePart, true, checkNumber, "the year of a date field"},
}};

constexpr bool registryInKindOrder()
{
    for (std::size_t i = 0; i < kRegistry.size(); ++i)
        if (static_cast<std::size_t>(kRegistry[i].kind) != i)
            return false;
    return static_cast<std::size_t>(ModifierKind::Year) + 1 == kRegistry.size();
}
static_assert(registryInKindOrder(), "kRegistry must list every ModifierKind once, in enum order");

struct Alias {
    std::string_view name;
    ModifierKind kind;
};
constexpr std::array<Alias, 4> kAliases{{
    {"wide", K::Utf16le},
    {"ignorecase", K::ReIgnoreCase},
    {"multiline", K::ReMultiline},
    {"dotall", K::ReDotAll},
}};

} // namespace

std::span<const ModifierInfo> modifierRegistry()
{
    return kRegistry;
}

const ModifierInfo& modifierInfo(ModifierKind kind)
{
    return kRegistry[static_cast<std::size_t>(kind)];
}

std::vector<std::string_view> modifierSpellings()
{
    std::vector<std::string_view> out;
    for (const auto& e : kRegistry)
        out.push_back(e.name);
    for (const auto& a : kAliases)
        out.push_back(a.name);
    return out;
}

const char* modifierName(ModifierKind kind)
{
    return modifierInfo(kind).name.data(); // every name is a literal: NUL-terminated
}

std::optional<ModifierKind> modifierFromName(std::string_view name)
{
    for (const auto& e : kRegistry)
        if (e.name == name)
            return e.kind;
    for (const auto& a : kAliases)
        if (a.name == name)
            return a.kind;
    return std::nullopt;
}

MatcherFamily matcherFamilyOf(const DetectionItem& item)
{
    MatcherFamily family = MatcherFamily::String;
    for (const auto& m : item.modifiers) {
        const ModifierInfo& info = modifierInfo(m.kind);
        if (info.role == ModifierRole::Selector && info.family > family)
            family = info.family;
    }
    return family;
}

std::optional<ModifierValueProblem> checkModifierValue(const DetectionItem& item, const Value& value)
{
    for (const auto& e : kRegistry) {
        if (!e.checkValue || !item.has(e.kind))
            continue;
        // A check shared by several modifiers (gt and minute) runs for the first of them only.
        const bool ranBefore =
            std::any_of(kRegistry.begin(), kRegistry.begin() + (&e - kRegistry.data()),
                        [&](const ModifierInfo& o) { return o.checkValue == e.checkValue && item.has(o.kind); });
        if (ranBefore)
            continue;
        if (auto problem = e.checkValue(item, value))
            return problem;
    }
    return std::nullopt;
}

std::uint32_t regexCompileOptions(const DetectionItem& item)
{
    std::uint32_t options = PCRE2_UTF | PCRE2_UCP;
    if (item.has(ModifierKind::ReIgnoreCase))
        options |= PCRE2_CASELESS;
    if (item.has(ModifierKind::ReMultiline))
        options |= PCRE2_MULTILINE;
    if (item.has(ModifierKind::ReDotAll))
        options |= PCRE2_DOTALL;
    return options;
}

std::optional<ModifierValueProblem> regexProblem(const std::string& pattern, std::uint32_t options)
{
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &code, &offset, nullptr);
    if (re) {
        pcre2_code_free(re);
        return std::nullopt;
    }
    std::array<PCRE2_UCHAR, 256> buf{};
    pcre2_get_error_message(code, buf.data(), buf.size());
    return ModifierValueProblem{"invalid-regex", "regular expression '" + pattern + "' does not compile at offset " +
                                                     std::to_string(offset) + ": " +
                                                     reinterpret_cast<const char*>(buf.data())};
}

bool isEncodingModifier(ModifierKind kind)
{
    return kind == ModifierKind::Base64 || kind == ModifierKind::Base64Offset || kind == ModifierKind::Utf16le ||
           kind == ModifierKind::Utf16be || kind == ModifierKind::Utf16;
}

} // namespace sigma
