#pragma once

// Internal: Splunk macro expansion for the SPL reader. Macros are textual in Splunk; the expanded
// text keeps, for each of its bytes, the bytes of the query it stands for (a macro's expansion
// stands for the whole `macro(args)` call as written), so every node still has its span in the file.

#include "query/predicate.h"
#include "query/splmacros.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct SplExpanded {
    std::string text;
    std::vector<std::uint32_t> from; ///< per byte: first query byte it stands for
    std::vector<std::uint32_t> to;   ///< per byte: the query byte just after
    /// Macros that could not be expanded (not defined, with their call span in the query).
    std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>> missing;
};

/// Expands every `macro` / `macro(args)` call outside double quotes, recursively, substituting
/// $argument$s; removes ```comments```. Macros named *_filter that are not defined expand to
/// nothing (security_content's tuning hooks). Throws QuerySyntaxError (query offsets) on an
/// unterminated call or a macro that expands itself.
SplExpanded expandSplMacros(std::string_view query, const SplMacros* macros);

} // namespace sigma
