// The open window of one correlation group: see groupwindow.h.
#include "correlation/groupwindow.h"

#include "correlation/values.h"

#include <algorithm>

namespace sigma::correlationwindow {

using namespace correlationvalues;

void GroupState::add(const CompiledCorrelation& c, Hit&& h)
{
    if (perInput.size() != c.inputs.size())
        perInput.assign(c.inputs.size(), 0);
    ++perInput[h.input];
    eventCount += h.inner ? h.inner->eventCount : 1;
    if (h.hasValue) {
        if (c.kind == CorrelationKind::ValueCount)
            ++distinct[h.value];
        else
            sum += h.number, ++numeric;
    }
    if (orderedValid && ordered < c.inputs.size() && h.input == ordered)
        ++ordered;
    hits.push_back(std::move(h));
}

void GroupState::popFront(const CompiledCorrelation& c)
{
    Hit& h = hits.front();
    --perInput[h.input];
    eventCount -= h.inner ? h.inner->eventCount : 1;
    if (h.hasValue) {
        if (c.kind == CorrelationKind::ValueCount) {
            auto it = distinct.find(h.value);
            if (it != distinct.end() && --it->second == 0)
                distinct.erase(it);
        } else {
            sum -= h.number, --numeric;
        }
    }
    hits.pop_front();
    orderedValid = false;
    if (numeric == 0)
        sum = 0; // no drift from floating-point subtraction
}

std::optional<double> GroupState::value(const CompiledCorrelation& c, std::size_t& found)
{
    found = 0;
    switch (c.kind) {
    case CorrelationKind::EventCount: // hits: events of a rule, results of a chained correlation
        return double(hits.size());
    case CorrelationKind::ValueCount:
        return double(distinct.size());
    case CorrelationKind::Temporal:
        return double(std::count_if(perInput.begin(), perInput.end(), [](std::size_t n) { return n > 0; }));
    case CorrelationKind::TemporalOrdered:
        // Greedy: the earliest hit of the first rule, then the earliest later hit of the second...
        if (!orderedValid) {
            ordered = 0;
            for (const auto& h : hits)
                if (ordered < c.inputs.size() && h.input == ordered)
                    ++ordered;
            orderedValid = true;
        }
        found = ordered;
        return double(found);
    case CorrelationKind::ValueSum:
        if (numeric == 0)
            return std::nullopt;
        return sum;
    case CorrelationKind::ValueAvg:
        if (numeric == 0)
            return std::nullopt;
        return sum / double(numeric);
    case CorrelationKind::ValuePercentile: {
        std::vector<double> numbers;
        for (const auto& h : hits)
            if (h.hasValue)
                numbers.push_back(h.number);
        return percentile(std::move(numbers), c.percentile);
    }
    }
    return std::nullopt;
}

} // namespace sigma::correlationwindow
