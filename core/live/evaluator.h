#pragma once

// Live evaluation: a rule's verdicts over a list of events, recomputed as the rule is edited.
// An edit that keeps the log source keeps each event's scope row, and the search identifiers it
// did not change keep their outcomes (the search cache); a newer edit cancels the older ones.

#include "engine/engine.h"
#include "events/event.h"
#include "live/analysis.h"
#include "live/correlationlive.h"

#include "events/eventlist.h"
#include <atomic>
#include <cstdint>
#include <functional>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sigma {

/// The verdict of the rule for one event.
enum class Verdict : unsigned char {
    Unknown,    ///< not evaluated yet
    Match,      ///< in scope and the condition holds
    NoMatch,    ///< in scope, the condition does not hold
    OutOfScope, ///< the event is not of the rule's log source
};

/// A compiled rule's verdicts over a list of events.
struct EventVerdicts {
    EventListPtr events;           ///< the events the verdicts are for (when evaluated through a list pointer)
    std::vector<Verdict> verdicts; ///< one per event (empty when not evaluated)
    /// Per event, the rule's scope row that covers it (CompiledRule::scopeRow, -1 out of scope):
    /// kept for the next evaluation while the log source stays; it carries the row's translation.
    std::vector<std::int16_t> scopeRows;
    /// The search identifiers' outcomes per event: an edit re-evaluates only those it changed.
    std::shared_ptr<SearchCache> searchCache;
    /// The rule's log source (category, product, service, definition) the scope was computed for.
    std::string scopeKey;
    bool scopeReused = false; ///< the scope rows came from the previous verdicts
    std::size_t matches = 0;
    std::size_t inScope = 0;
    /// Security 5156 events in scope only through the network_connection translation (counted
    /// when CompileOptions::translateSecurity5156 is on).
    std::size_t translated5156 = 0;
};

/// The log source of `rule` as EventVerdicts::scopeKey holds it.
std::string scopeKeyOf(const Rule& rule);

struct EvaluateOptions {
    /// Verdicts of an earlier version of the rule, compiled with the same options: when they are
    /// for the same events (the same list pointer, or `sameEvents`) and the same log source, their
    /// scope rows and search outcomes are reused.
    const EventVerdicts* previous = nullptr;
    bool sameEvents = false;
    /// Polled between blocks of events: true stops the evaluation (it then returns false).
    std::function<bool()> stop;
    const std::atomic<bool>* cancel = nullptr;
    unsigned threads = 0;     ///< see ParallelOptions::threads
    bool lowPriority = false; ///< see ParallelOptions::lowPriority
    bool count5156 = false;   ///< fill EventVerdicts::translated5156
    /// Record the search identifiers' outcomes (EventVerdicts::searchCache) for the next version
    /// of the rule; off for a one-off count.
    bool searchCache = true;
};

/// Scope and verdict of every event for `rule`, on the cores of the process-wide budget. Returns
/// false when stopped (or cancelled) before the end; `out` is then incomplete. `out.events` is
/// left as it is.
bool evaluateEvents(const CompiledRule& rule, const EventList& events, const EvaluateOptions& options,
                    EventVerdicts& out);

/// One live evaluation: the analysis of the text and, when it compiled, its verdicts.
struct LiveResult : RuleAnalysis, EventVerdicts {
    double parseMs = 0;    ///< analysis (parse, lint, compile)
    double evaluateMs = 0; ///< verdicts
    /// The file holds a correlation: its base rules and correlations over the events (null
    /// otherwise). The verdicts are then the union of the base rules (see evaluateCorrelationsLive).
    std::shared_ptr<const LiveCorrelation> correlation;
};

/// What one live evaluation is of.
struct LiveRequest {
    std::string text;
    std::string file;
    EventListPtr events;
    CompileOptions options;
    /// An earlier result with the same compile options (reused as EvaluateOptions::previous says).
    std::shared_ptr<const LiveResult> previous;
    std::function<bool()> stop; ///< true: a newer request came, stop early
};

/// Analyses the text and evaluates it over the events. Returns false when stopped.
bool evaluateLive(const LiveRequest& request, LiveResult& out);

/// The live evaluation of one editor: it owns the events, the compile options, the result that
/// the next evaluation reuses (scope rows, search cache) and the cancellation of stale ones.
/// Every member is thread-safe: evaluate() runs on worker threads while the editor sets text.
class IncrementalEvaluator {
public:
    explicit IncrementalEvaluator(CompileOptions options = {});

    /// Other options for the next evaluations: nothing computed with the old ones is reused.
    /// Evaluations already running finish with what they began with (newTicket() stops them).
    void setOptions(const CompileOptions& options);
    CompileOptions options() const;
    /// Other events for the next evaluations (as setOptions()).
    void setEvents(EventListPtr events);
    EventListPtr events() const;

    /// A ticket for the next evaluation: every evaluation with an older ticket is stale and
    /// stops early (its result is not kept).
    std::uint64_t newTicket();
    std::uint64_t currentTicket() const { return m_ticket.load(); }
    bool isStale(std::uint64_t ticket) const { return m_ticket.load() != ticket; }

    /// Evaluates `text` into `out` with the current events and options. Returns false when the
    /// ticket went stale on the way; otherwise `out` becomes what the next evaluation reuses.
    bool evaluate(const std::string& text, const std::string& file, std::uint64_t ticket,
                  const std::shared_ptr<LiveResult>& out);
    /// The same with a new ticket and a new result.
    std::shared_ptr<const LiveResult> evaluate(const std::string& text, const std::string& file);

    /// The result the next evaluation will reuse (null: none).
    std::shared_ptr<const LiveResult> reuseSource() const;

private:
    mutable std::mutex m_mutex;
    CompileOptions m_options;
    EventListPtr m_events;
    std::shared_ptr<const LiveResult> m_previous;
    std::uint64_t m_epoch = 0; ///< counts setOptions() and setEvents()
    std::atomic<std::uint64_t> m_ticket{0};
};

} // namespace sigma
