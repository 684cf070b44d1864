#include "engine/lintscope.h"

#include "util/asciitext.h"

#include <algorithm>
#include <memory>
#include <cctype>

namespace sigma {

namespace {

template <typename T>
void addUnique(std::vector<T>& list, const T& value)
{
    if (std::find(list.begin(), list.end(), value) == list.end())
        list.push_back(value);
}

} // namespace

std::function<std::optional<LintOptions::Scope>(const LogSource&)> logSourceScopeLookup(const LogSourceTable& table)
{
    // Shared, not captured by value: copying the function (per lint) must not copy the table.
    return [table = std::make_shared<const LogSourceTable>(table)](
               const LogSource& ls) -> std::optional<LintOptions::Scope> {
        bool known = false;
        const auto rows =
            table->lookup(asciiLowered(ls.product), asciiLowered(ls.category), asciiLowered(ls.service), known);
        if (!known || rows.empty())
            return std::nullopt;
        LintOptions::Scope scope;
        bool allChannels = true, allProviders = true, allEventIds = true;
        for (const LogSourceEntry* row : rows) {
            allChannels = allChannels && !row->channel.empty();
            allProviders = allProviders && !row->provider.empty();
            allEventIds = allEventIds && !row->eventIds.empty();
            if (!row->channel.empty())
                addUnique(scope.channels, row->channel);
            if (!row->provider.empty())
                addUnique(scope.providers, row->provider);
            for (const std::uint32_t id : row->eventIds)
                addUnique(scope.eventIds, id);
        }
        if (!allChannels)
            scope.channels.clear();
        if (!allProviders)
            scope.providers.clear();
        if (!allEventIds)
            scope.eventIds.clear();
        return scope;
    };
}

} // namespace sigma
