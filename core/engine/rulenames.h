#pragma once

// Internal to the engine: the field names a compiled rule or indicator holds. They go into a
// FieldNameSet the rule owns, not into the process-lifetime table, so that a long editing
// session (every spelling typed is compiled) or rules from untrusted files cannot make the
// field-name table grow without bound: the names go with the last rule holding them.

#include "events/fieldname.h"

#include <memory>
#include <string_view>

namespace sigma::engine {

/// While it lives, ruleFieldKey() on this thread interns into `set` (compileRule, compileIndicator).
class RuleNamesScope {
public:
    explicit RuleNamesScope(FieldNameSet* set);
    ~RuleNamesScope();
    RuleNamesScope(const RuleNamesScope&) = delete;
    RuleNamesScope& operator=(const RuleNamesScope&) = delete;

private:
    FieldNameSet* m_previous;
};

/// The matching key of a rule's field name: held by the set of the innermost RuleNamesScope, or
/// for the process lifetime outside one.
FieldNames::Id ruleFieldKey(std::string_view name);

} // namespace sigma::engine
