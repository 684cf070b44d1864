#pragma once

// Name patterns in which `*` matches any run of characters: the identifier patterns of Sigma's
// `1 of selection*` / `all of filter_*`. Every other character, `?` included, stands for itself.

#include <string_view>

namespace sigma {

/// True when `text` matches `pattern` as a whole; `*` is the only wildcard, case-sensitive.
/// Backtracks to the last `*` only: O(pattern x text) at worst, never exponential.
bool starPatternMatches(std::string_view pattern, std::string_view text);

} // namespace sigma
