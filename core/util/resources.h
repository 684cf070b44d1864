#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sigma::resources {

/// A data file from resources/data, compiled into the library; path relative to resources/data,
/// e.g. "logsources.yml". nullopt when there is no such file.
std::optional<std::string_view> data(std::string_view path);

/// Every embedded path.
std::vector<std::string_view> list();

} // namespace sigma::resources
