#pragma once

// Running test manifests (validation/manifest.h) against rules.
//
//   auto discovery = sigma::discoverTests({"rules/"});
//   for (const auto& group : discovery.groups) {
//       sigma::RuleTestResult r = sigma::runRuleTests(group);     // parses, compiles, reads events
//       ...
//   }
//
// The workbench keeps a compiled rule and the events in memory and re-runs on every edit:
//   sigma::LoadedTestEvents events = sigma::loadTestEvents(group);   // once
//   sigma::RuleTestResult r = sigma::runRuleTests(group, *compiled, events); // per edit, cheap

#include "engine/engine.h"
#include "events/event.h"
#include "rule/rule.h"
#include "validation/manifest.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sigma {

/// The events of each expectation of a group, read once (parallel to RuleTests::expectations).
struct LoadedTestEvents {
    struct Source {
        /// The events; null when the source is streamed (streamFrom).
        std::shared_ptr<const std::vector<Event>> events;
        Diagnostics diagnostics; ///< an Error here: the source could not be read (the expectation errs)
        /// A file too large to hold (RunOptions::streamFilesAbove): read batch by batch when the
        /// tests run, so memory is bounded by the batch, whatever the size of a baseline.
        std::string streamFrom;
    };
    std::vector<Source> sources;
};

/// Event files read once per run and shared between groups (many rules tested on one baseline).
/// Thread-safe. A file is keyed by its normalised path, size and modification time.
class TestEventCache {
public:
    TestEventCache();
    ~TestEventCache();
    TestEventCache(const TestEventCache&) = delete;
    TestEventCache& operator=(const TestEventCache&) = delete;

    LoadedTestEvents::Source read(const std::string& path);
    std::size_t files() const;
    std::size_t hits() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Reads the events of every expectation (files and embedded XML), through `cache` if given; files
/// larger than `streamFilesAbove` bytes (0: none) are left to be streamed when the tests run.
/// Never throws.
LoadedTestEvents loadTestEvents(const RuleTests& group, TestEventCache* cache = nullptr,
                                std::uintmax_t streamFilesAbove = 0);

/// An event, identified for a report.
struct EventRef {
    std::size_t index = 0; ///< 1-based position in its source
    std::optional<std::uint64_t> recordId;
    std::string describe() const; ///< "event #3 (EventRecordID 4711)"
};

/// An explanation of why one event did (or did not) match: the deciding predicates, one per line,
/// e.g. "selection: CommandLine|contains '-enc' matched (CommandLine = 'powershell -enc ...')".
struct EventExplanation {
    EventRef event;
    bool matched = false;
    std::vector<std::string> deciding;
};

/// Why the rule did (or did not) match one event, as a failed test explains it (the workbench's
/// Test column says so for a marked event that goes against its mark).
EventExplanation explainForTest(const CompiledRule& rule, const Event& event);

struct ExpectationResult {
    enum class Status { Passed, Failed, Error };
    Expectation expectation;
    Status status = Status::Passed;
    std::size_t events = 0;            ///< events in the source
    std::vector<EventRef> matched;     ///< events the rule matched
    std::string expected;              ///< Expectation::expectedText()
    std::string actual;                ///< what happened, e.g. "0 of 3 events matched"
    std::vector<EventExplanation> why; ///< failures: the unexpected matches / misses explained (a few)
    Diagnostics diagnostics;           ///< Error status: why the test could not run
    double milliseconds = 0;

    bool passed() const { return status == Status::Passed; }
    /// One line: "FAIL match events/a.xml: expected at least 1 event matches; 0 of 3 events matched".
    std::string summary() const;
};

/// The results of one group (one rule's tests).
struct RuleTestResult {
    std::string rule;     ///< rule path
    std::string title;    ///< rule title (empty if the rule could not be read)
    std::string manifest; ///< manifest / info.yml path
    ManifestForm form = ManifestForm::Beside;
    std::vector<ExpectationResult> expectations;
    /// Problems that stopped the group (broken manifest, unreadable or invalid rule): an error each.
    Diagnostics errors;
    /// Warnings worth showing (manifest warnings, events skipped while reading).
    Diagnostics warnings;
    double milliseconds = 0;

    std::size_t failures() const;
    /// Errored expectations plus one for group errors.
    std::size_t errorCount() const;
    std::size_t testCount() const; ///< expectations, or 1 when the group could not run
    bool passed() const { return failures() == 0 && errorCount() == 0; }
    /// "rule title (path)" or the manifest path when there is no rule.
    std::string displayName() const;
};

struct RunOptions {
    /// How many unexpected matches/misses are explained per expectation.
    std::size_t maxExplained = 3;
    /// Placeholders for `expand` (see engine.h).
    Placeholders placeholders;
    /// Shares event files between groups (nullptr: each group reads its own).
    TestEventCache* cache = nullptr;
    /// Event files larger than this (bytes) are not read into memory (nor cached) but streamed
    /// through the rule batch by batch, once per expectation (0: every file is read whole).
    std::uintmax_t streamFilesAbove = 64u << 20;
};

/// Runs a group against an already compiled rule with events already read (the workbench's path;
/// the group's compile options are the caller's business).
RuleTestResult runRuleTests(const RuleTests& group, const CompiledRule& rule, const LoadedTestEvents& events,
                            const RunOptions& options = {});

/// Parses and compiles the group's rule, reads the events and runs. Never throws.
RuleTestResult runRuleTests(const RuleTests& group, const RunOptions& options = {});

/// Runs a group whose rule file holds correlations (with their rules, filters): each expectation
/// counts the results of the tested correlation (RuleTests::correlation, else the outermost one),
/// for the entry's `group` if it names one (docs/test-manifests.md).
RuleTestResult runCorrelationTests(const RuleTests& group, const ParsedFile& parsed, const LoadedTestEvents& events,
                                   const RunOptions& options = {});

/// Compile options for a group (its scope/translation switches).
CompileOptions compileOptionsFor(const RuleTests& group, const RunOptions& options = {});

/// Totals over many results.
struct TestTotals {
    std::size_t groups = 0;
    std::size_t tests = 0;
    std::size_t passed = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    double milliseconds = 0;
};
TestTotals totals(const std::vector<RuleTestResult>& results);

/// Text report: one line per group, the failures in detail (expected, actual, deciding predicates).
std::string formatText(const std::vector<RuleTestResult>& results, bool verbose = false);
/// JSON report (an object with "summary" and "results").
std::string formatJson(const std::vector<RuleTestResult>& results);

} // namespace sigma
