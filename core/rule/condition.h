#pragma once

// The Sigma condition grammar (specification v2.1):
//   expr   := or
//   or     := and ("or" and)*
//   and    := not ("and" not)*
//   not    := "not" not | xof
//   xof    := ("1" | "any" | "all") "of" (THEM | PATTERN) | primary
//   primary:= "(" expr ")" | IDENTIFIER
// Precedence, loosest to tightest: or < and < not < x-of < parentheses. Keywords are matched
// case-insensitively (as pySigma does). Identifiers and patterns are runs of characters other than
// white space and parentheses; a pattern may contain `*` (any run) and `?` is not special.

#include "rule/rule.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

/// Maps a byte offset of the condition text to its position in the file. The default maps to
/// line 1, column offset + 1.
using ConditionOffsetMapper = std::function<SourcePos(std::size_t offset)>;

struct ConditionParseResult {
    std::optional<ConditionNode> root; ///< empty when the condition did not parse
    std::vector<ConditionToken> tokens;
    Diagnostics diagnostics; ///< codes: condition-syntax, condition-empty, condition-aggregation
};

/// Splits a condition into tokens (never fails; bad characters become Invalid tokens).
std::vector<ConditionToken> tokenizeCondition(std::string_view text, const ConditionOffsetMapper& map = {});

/// Parses a condition string. `file` is only copied into the diagnostics.
ConditionParseResult parseCondition(std::string_view text, const ConditionOffsetMapper& map = {},
                                    const std::string& file = {});

/// True when the x-of operand `operand` (`them` or a pattern) selects the search identifier
/// `identifier`: `them` selects every identifier not starting with `_`; a pattern selects the
/// identifiers it matches with `*` as the only wildcard, case-sensitive (util/glob.h). The engine,
/// the parser's checks and the corpus's exclusions all decide through this function.
bool conditionOperandSelects(std::string_view operand, std::string_view identifier);

/// The identifiers an x-of operand designates, in the order of `identifiers` (see
/// conditionOperandSelects).
std::vector<std::string> expandConditionPattern(std::string_view pattern, const std::vector<std::string>& identifiers);

/// Every search identifier a condition tree references (x-of operands expanded), without duplicates.
std::vector<std::string> referencedIdentifiers(const ConditionNode& node, const std::vector<std::string>& identifiers);

} // namespace sigma
