#include "engine/rulenames.h"

#include <utility>

namespace sigma::engine {
namespace {
thread_local FieldNameSet* compiling = nullptr;
} // namespace

RuleNamesScope::RuleNamesScope(FieldNameSet* set)
    : m_previous(std::exchange(compiling, set))
{}

RuleNamesScope::~RuleNamesScope()
{
    compiling = m_previous;
}

FieldNames::Id ruleFieldKey(std::string_view name)
{
    return compiling ? compiling->intern(name).key : FieldNames::internKey(name);
}

} // namespace sigma::engine
