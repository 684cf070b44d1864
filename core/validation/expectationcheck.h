#pragma once

// Internal (validation): one expectation's verdict, built from events as they come (all at once
// for events in memory, batch by batch for a file streamed from its reader), and the explanations
// of the events that went against it.

#include "engine/engine.h"
#include "validation/runner.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace sigma::detail {

using Clock = std::chrono::steady_clock;

/// Milliseconds since `start`, for the timings of a test report.
double msSince(Clock::time_point start);

/// The result of a test group before its expectations run: rule, manifest, form and the group's
/// own diagnostics (errors and warnings).
RuleTestResult startResult(const RuleTests& group);

/// "1 event", "3 events".
std::string eventsWord(std::size_t n);

/// Why one event did (or did not) match: the deciding predicates, one per line.
EventExplanation explainEvent(const CompiledRule& rule, const Event& event, std::size_t position);

/// Checks one expectation over the events of its source. Events are added in order (positions
/// continue across add() calls); only the explanations of at most `maxExplained` events per kind
/// of surprise are kept, never the events, so a source of any size can be streamed through.
class ExpectationCheck {
public:
    ExpectationCheck(const Expectation& expectation, const CompiledRule& rule, std::size_t maxExplained);

    void add(std::span<const Event> events);
    std::size_t events() const { return m_events; }

    /// Fills the result's events, matched, actual, status (Passed or Failed) and why.
    void finish(ExpectationResult& result);

private:
    void note(std::vector<EventExplanation>& into, std::size_t& count, const Event& event, std::size_t position);

    const Expectation& m_expectation;
    const CompiledRule& m_rule;
    std::size_t m_maxExplained;
    std::size_t m_events = 0;
    std::vector<EventRef> m_matched;
    std::set<std::uint64_t> m_want;    ///< Match with recordIds
    std::set<std::uint64_t> m_present; ///< record ids seen
    /// Surprises so far: for recordIds the mismatches; otherwise the misses and the hits (which of
    /// them go against the expectation is known at the end for an exact count).
    std::vector<EventExplanation> m_mismatchWhy, m_missWhy, m_hitWhy;
    std::size_t m_mismatches = 0, m_misses = 0, m_hits = 0;
};

} // namespace sigma::detail
