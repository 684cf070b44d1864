#pragma once

// Helpers of the correlation evaluator (internal to core/correlation): numbers read from event
// values, the condition test, percentiles, and the keys of groups and value tuples.

#include "correlation/correlation.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::correlationvalues {

constexpr char kSeparator = '\x1f'; ///< between the values of a group key or a value tuple

/// The value as a finite number (spaces around and a leading '+' allowed), else nullopt.
std::optional<double> parseNumber(std::string_view text);
/// Every term of the condition holds for the value.
bool holds(const std::vector<CorrelationTerm>& condition, double value);
/// The `percent` percentile of the values (sorted here), interpolated linearly between the closest
/// ranks (numpy's default, R type 7); nullopt for no values.
std::optional<double> percentile(std::vector<double> values, double percent);
/// The values, each followed by kSeparator.
std::string joinKey(const std::vector<std::string>& values);
/// The values of a key made by joinKey (as many as `count`: the last takes the rest).
std::vector<std::string> splitKey(const std::string& key, std::size_t count);

} // namespace sigma::correlationvalues
