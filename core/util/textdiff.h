#pragma once

// A line diff of two texts in the unified format (`diff -u`), for `sigmawb lint --fix --dry-run`.

#include <string>
#include <string_view>

namespace sigma {

/// The unified diff from `before` to `after` (headers `--- oldName` / `+++ newName`, hunks with
/// `context` lines around each change); empty when the texts are equal. Lines are compared with
/// their line breaks; a last line without one is marked "\ No newline at end of file".
std::string unifiedDiff(std::string_view before, std::string_view after, const std::string& oldName,
                        const std::string& newName, int context = 3);

} // namespace sigma
