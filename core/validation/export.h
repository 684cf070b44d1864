#pragma once

// Exporting a validated rule: its original text, its test manifest and the events it names, and a
// short report (lint result, test result, indicator noise), into a folder or a .zip file. The
// export is refused with reasons while lint errors or failing tests remain (or there are no tests),
// unless forced.
//
//   sigma::ExportPlan plan = sigma::planExport("rules/x.yml");        // lint, tests, noise, files
//   if (!plan.refusals.empty()) show(plan.refusals);                  // the GUI asks to override
//   sigma::ExportResult r = sigma::writeExport(plan, "out.zip", force);

#include "rule/lint.h"
#include "validation/runner.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sigma {

class Corpus;

/// Events the rule was tried on outside its tests (the workbench's loaded event sets), reported
/// as they are: the export does not read them again.
struct ExportEventSet {
    std::string name;               ///< e.g. "samples" (empty: "loaded events")
    std::vector<std::string> files; ///< the files or folders it was read from
    std::size_t events = 0;
    std::size_t ruleMatches = 0; ///< events the rule matched
};

struct ExportOptions {
    LintOptions lint;
    RunOptions run;
    /// A loaded corpus for the "corpus reach" column of the noise table (nullptr: not reported).
    const Corpus* corpus = nullptr;
    /// A manifest to use instead of discovering the rule's own (findRuleTests: beside, folder
    /// manifests above the rule, regression_tests_path).
    std::string manifest;
    /// The rule as queries of these targets ("splunk", "esql", "eql", "lucene", "kusto", "sqlite";
    /// conversion/conversion.h), after these processing pipelines (built-in names or files,
    /// conversion/pipeline.h), in `queries/` and the report. A target the rule cannot be converted
    /// into faithfully is a refusal.
    std::vector<std::string> queryTargets;
    std::vector<std::string> queryPipelines;
    /// The event sets the rule was tried on in the workbench (listed in REPORT.md).
    std::vector<ExportEventSet> eventSets;
    /// How manifests are read (files outside a manifest's workspace are refused by default).
    ManifestOptions manifestOptions;
};

/// The rule as the query of one target.
struct ExportedQuery {
    std::string target; ///< "splunk"
    std::string file;   ///< its name inside the export ("queries/x.spl"); empty when not converted
    std::string query;
    std::string error; ///< why the rule cannot be converted faithfully (file:line:col: ...)
};

/// One indicator of the rule and how noisy it is.
struct IndicatorNoise {
    std::string indicator;            ///< "CommandLine|contains '-enc'" (as written)
    int line = 0;                     ///< in the rule
    bool excluded = false;            ///< under `not` (a filter)
    std::size_t baselineHits = 0;     ///< events of the baseline sets the value alone matches
    std::optional<std::size_t> reach; ///< rules of the corpus using the same indicator
};

struct ExportFile {
    std::string name; ///< relative path inside the export, '/' separated
    std::string data;
};

struct ExportPlan {
    std::string rulePath;
    std::string ruleName; ///< file name of the rule, e.g. "proc_creation_x.yml"
    std::string title;
    Diagnostics lint; ///< parse + lint diagnostics of the rule
    std::size_t lintErrors = 0;
    std::size_t lintWarnings = 0;
    std::vector<RuleTestResult> tests;
    TestTotals testTotals;
    std::vector<IndicatorNoise> noise;
    std::size_t baselineEvents = 0;     ///< events the noise figures were counted on (in the rule's log source)
    std::size_t baselineEventsRead = 0; ///< events of the baseline sets, all log sources
    std::size_t baselineRuleHits = 0;
    std::string noiseNote;  ///< why noise is partial or missing, if it is
    std::string corpusNote; ///< the corpus reach was counted on ("312 rules under /x"), empty: none
    std::vector<ExportEventSet> eventSets;
    std::vector<ExportedQuery> queries; ///< one per ExportOptions::queryTargets
    std::string queryPipelines;         ///< the pipelines applied, for the report ("sysmon, ecs")
    /// Why the export should not happen; empty when the rule is clean and its tests pass.
    std::vector<std::string> refusals;
    std::string report; ///< REPORT.md
    std::vector<ExportFile> files;
    /// Problems preparing the export (unreadable files); errors make writeExport fail.
    Diagnostics diagnostics;
};

/// Lints the rule, runs its tests, measures indicator noise on its baseline events, and lays out
/// the files: `<rule>.yml`, `<rule>.tests.yml` (paths rewritten into the export), `tests/<rule>/...`
/// (the event files) and `REPORT.md`. Never throws.
ExportPlan planExport(const std::string& rulePath, const ExportOptions& options = {});

struct ExportResult {
    bool written = false;
    bool forced = false; ///< written despite refusals
    std::string destination;
    std::vector<std::string> refusals; ///< set when not written because of them
    std::string error;                 ///< set on I/O failure
    std::vector<std::string> files;    ///< written paths (folder) or entry names (zip)
};

/// Writes the plan to `destination`: a `.zip` file, or else a folder (created if needed). Refuses
/// (written = false, refusals set) when the plan has refusals and `force` is false.
ExportResult writeExport(const ExportPlan& plan, const std::string& destination, bool force);

} // namespace sigma
