#pragma once

// Edit impact: what an edit of a rule changes over a set of loaded events. Two versions of the
// rule text (the saved one, git HEAD's, and the edited one) are each evaluated as the live
// evaluation does (live/evaluator.h) and counted as the baseline does (corpus/baseline.h); the
// comparison gives the events newly matched (+N) and no longer matched (-M), each event whose
// match changed, and per indicator (field, kind, value) its baseline hits and corpus reach before
// and after: added, removed, or changed indicators.

#include "corpus/baseline.h"
#include "engine/engine.h"
#include "live/analysis.h"
#include "live/evaluator.h"
#include "util/diagnostic.h"

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sigma {

class Corpus;

struct ImpactOptions {
    CompileOptions compile; ///< as the live evaluation compiles (scope, Security 5156 translation)
    bool baseline = true;   ///< count each indicator's baseline hits over the events
    const std::atomic<bool>* cancel = nullptr;
    unsigned threads = 0;     ///< see ParallelOptions::threads
    bool lowPriority = false; ///< see ParallelOptions::lowPriority
};

/// One version of the rule over the events: its analysis, verdicts and baseline counts.
struct ImpactSide {
    RuleAnalysis analysis;
    EventVerdicts verdicts;  ///< empty when the text does not compile
    BaselineResult baseline; ///< indicators always; hits when counted (hitsCounted)
    bool hitsCounted = false;
    bool compiled() const { return analysis.ok(); }
};

/// Evaluates one version of the rule (`file` names it in diagnostics). False when cancelled.
bool evaluateImpactSide(const std::string& text, const std::string& file, const EventList& events,
                        const ImpactOptions& options, ImpactSide& out);

/// An event whose match changed.
struct VerdictChange {
    std::size_t event = 0; ///< index into the events
    Verdict before = Verdict::Unknown;
    Verdict after = Verdict::Unknown;
    bool nowMatches() const { return after == Verdict::Match; }
};

enum class IndicatorChangeKind {
    Added,   ///< only in the new version
    Removed, ///< only in the old version
    Changed, ///< in both, with other baseline hits, reach, use (excluded) or transformations
    Same,    ///< in both, nothing changed
};
const char* indicatorChangeKindName(IndicatorChangeKind kind);

/// One indicator of either version. The counts are of the side(s) it is in (nullopt elsewhere).
struct IndicatorImpact {
    IndicatorChangeKind change = IndicatorChangeKind::Same;
    Indicator indicator;                                ///< the new version's when in both
    std::optional<std::size_t> hitsBefore, hitsAfter;   ///< baseline hits (when counted)
    std::optional<std::size_t> reachBefore, reachAfter; ///< corpus reach, other rules than the file
    std::optional<bool> excludedBefore;                 ///< the old use when in both
};

struct ImpactResult {
    bool beforeCompiled = false;
    bool afterCompiled = false;
    std::size_t events = 0;
    std::size_t matchesBefore = 0;
    std::size_t matchesAfter = 0;
    std::size_t added = 0;              ///< events matched now and not before (+N)
    std::size_t removed = 0;            ///< events matched before and not now (-M)
    std::vector<VerdictChange> changes; ///< in event order, only where the match changed
    /// Indicators in the new version's order, then those removed in the old version's order.
    std::vector<IndicatorImpact> indicators;
    bool hitsCounted = false; ///< both versions' hits were counted (one that does not compile has none)
    bool reachCounted = false;
    /// Both versions' problems, each naming its file (errors make a version not compile).
    Diagnostics diagnostics;

    std::size_t indicatorsChanged() const; ///< every row but Same
};

/// Compares two evaluated versions (over the same events). With a corpus, each indicator's reach
/// counts the corpus's rules using it other than those of `files` (the rule itself when the corpus
/// holds it: the reach is what other rules share with it, whichever version is saved).
ImpactResult compareImpact(const ImpactSide& before, const ImpactSide& after, const Corpus* corpus = nullptr,
                           const std::vector<std::string>& files = {});

/// One version of the rule: its text and the file that names it.
struct ImpactInput {
    std::string text;
    std::string file;
};

/// Both steps: the old and new version over the events (their files are left out of the reach).
/// The result is empty when cancelled (`*cancelled` is then set).
ImpactResult computeImpact(const ImpactInput& before, const ImpactInput& after, const EventList& events,
                           const ImpactOptions& options = {}, const Corpus* corpus = nullptr,
                           bool* cancelled = nullptr);

} // namespace sigma
