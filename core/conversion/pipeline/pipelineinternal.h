#pragma once

// Internal to the pipeline code: transformation type names, evaluating a transformation's conditions, and rewriting a
// rule's condition for add_condition.

#include "conversion/pipeline.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::conversion {

/// A transformation type by its name in pipeline files ("field_name_mapping"), and back.
std::optional<PipelineTransformation::Type> transformationType(std::string_view name);
const char* transformationTypeName(PipelineTransformation::Type type);

/// The rule conditions hold for `rule`; `applied`: ids of the transformations applied so far.
bool ruleConditionsHold(const PipelineConditions& conditions, const Rule& rule,
                        const std::vector<std::string>& applied);
/// The field name conditions hold for `field` (nullptr: a keyword, which has no field name).
bool fieldConditionsHold(const PipelineConditions& conditions, const std::string* field);
/// The detection item conditions hold for `item`.
bool itemConditionsHold(const PipelineConditions& conditions, const DetectionItem& item);

/// `condition` becomes `name and (condition)` (`not name and (...)` when negated), in its tree and
/// its text; x-of operands that would now select `name` are first spelled out over `identifiers`
/// (the search identifiers before `name` was added).
void prependCondition(Condition& condition, const std::string& name, const std::vector<std::string>& identifiers,
                      bool negated);

} // namespace sigma::conversion
