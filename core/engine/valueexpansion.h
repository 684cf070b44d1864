#pragma once

// The strings one string value of a detection item stands for: Sigma's wildcard parsing, then the
// item's transformation modifiers in the order written (contains/startswith/endswith add stars,
// windash, expand, base64, base64offset and utf16* rewrite), keywords unanchored. The engine's
// string matchers (compileitem.cpp) and the query conversion (conversion/) both start here, so a
// query and the engine mean the same strings.

#include "engine/pattern.h"
#include "rule/rule.h"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace sigma::engine {

struct ValueExpansion {
    std::vector<SigmaString> strings; ///< one or more alternatives (any of them matches)
    std::vector<std::string> notes;   ///< the rewriting modifiers applied, as written ("windash", "base64offset")
    /// Set when the value cannot be expanded: code ("too-many-expansions", "unresolved-placeholder",
    /// "wildcard-in-encoded-value"), message and where.
    std::string errorCode;
    std::string errorMessage;
    SourceSpan errorSpan;
    bool ok() const { return errorCode.empty(); }
};

/// Expands a string value (not null, not a regex/cidr/number/exists/fieldref item) of `item`.
/// Numbers and booleans stand for their text without wildcards. At most `limit` alternatives.
ValueExpansion expandItemValue(const DetectionItem& item, const Value& value,
                               const std::map<std::string, std::vector<std::string>>& placeholders, std::size_t limit);

} // namespace sigma::engine
