#pragma once

// YAML 1.1 implicit typing of plain scalars, as PyYAML (which pySigma uses) resolves them: the
// rule reader types values with it (yes/no are booleans, 0x1F and 1_000 integers, 1.5 a float).

#include <string_view>

namespace sigma::yaml11 {

/// true/false, yes/no, on/off in any of PyYAML's spellings.
bool resolveBool(std::string_view s, bool& out);
/// Decimal, 0x hexadecimal, 0o/0 octal, 0b binary, with '_' separators, and base-60 (1:30).
bool resolveInt(std::string_view s, long long& out);
/// [-+]?digits.digits[eE][-+]digits, .inf, .nan; read whatever the process locale.
bool resolveFloat(std::string_view s, double& out);

} // namespace sigma::yaml11
