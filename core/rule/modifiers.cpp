// Modifier names of Sigma v2.1 and pySigma's aliases.
#include "rule/rule.h"

#include <array>

namespace sigma {
namespace {

struct NameEntry {
    std::string_view name;
    ModifierKind kind;
};

// Canonical names first: modifierName() returns the first entry of a kind.
constexpr std::array<NameEntry, 34> kNames{{
    {"contains", ModifierKind::Contains},
    {"startswith", ModifierKind::StartsWith},
    {"endswith", ModifierKind::EndsWith},
    {"all", ModifierKind::All},
    {"base64", ModifierKind::Base64},
    {"base64offset", ModifierKind::Base64Offset},
    {"utf16le", ModifierKind::Utf16le},
    {"utf16be", ModifierKind::Utf16be},
    {"utf16", ModifierKind::Utf16},
    {"windash", ModifierKind::Windash},
    {"re", ModifierKind::Re},
    {"i", ModifierKind::ReIgnoreCase},
    {"m", ModifierKind::ReMultiline},
    {"s", ModifierKind::ReDotAll},
    {"cidr", ModifierKind::Cidr},
    {"exists", ModifierKind::Exists},
    {"expand", ModifierKind::Expand},
    {"fieldref", ModifierKind::FieldRef},
    {"gt", ModifierKind::Gt},
    {"gte", ModifierKind::Gte},
    {"lt", ModifierKind::Lt},
    {"lte", ModifierKind::Lte},
    {"neq", ModifierKind::Neq},
    {"cased", ModifierKind::Cased},
    {"minute", ModifierKind::Minute},
    {"hour", ModifierKind::Hour},
    {"day", ModifierKind::Day},
    {"week", ModifierKind::Week},
    {"month", ModifierKind::Month},
    {"year", ModifierKind::Year},
    // aliases
    {"wide", ModifierKind::Utf16le},
    {"ignorecase", ModifierKind::ReIgnoreCase},
    {"multiline", ModifierKind::ReMultiline},
    {"dotall", ModifierKind::ReDotAll},
}};

} // namespace

const char* modifierName(ModifierKind kind)
{
    for (const auto& e : kNames)
        if (e.kind == kind)
            return e.name.data();
    return "";
}

std::optional<ModifierKind> modifierFromName(std::string_view name)
{
    for (const auto& e : kNames)
        if (e.name == name)
            return e.kind;
    return std::nullopt;
}

} // namespace sigma
