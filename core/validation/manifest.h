#pragma once

// Test manifests: the events a rule must match, must not match, and baselines with a noise budget
// (docs/test-manifests.md). Three forms are read:
//  - beside a rule: `name.yml` + `name.tests.yml` (the rule is implied, or named with `rule:`);
//  - a folder manifest (`*.tests.yml` with a `tests:` list), each entry naming its `rule:`;
//  - SigmaHQ's layout: a rule's `regression_tests_path` pointing to an `info.yml` whose
//    `regression_tests_info` lists evtx/json files with `match_count` (meaning "at least").
// Paths are relative to the manifest. Nothing throws: problems are diagnostics naming file and line.

#include "util/diagnostic.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sigma {

enum class ExpectationKind {
    Match,    ///< the rule must match the events (at least one, an exact count, or exact record ids)
    NoMatch,  ///< the rule must match none of the events
    Baseline, ///< the rule may match at most `maxHits` of the events (a noise budget)
};

/// "match", "no_match", "baseline" (the manifest keys).
const char* expectationKindName(ExpectationKind kind);

/// One expectation: a source of events (a file, or Windows Event XML embedded in the manifest) and
/// what the rule must do with them.
struct Expectation {
    ExpectationKind kind = ExpectationKind::Match;
    std::string name; ///< optional, as written
    std::string file; ///< as written in the manifest (empty for embedded events)
    std::string path; ///< `file` resolved against the manifest's folder
    std::string xml;  ///< embedded events (one <Event> or several, or <Events>); empty for files

    // Match only (at most one of count / atLeast / recordIds is set; none: at least one event).
    std::optional<std::size_t> count;     ///< exactly this many events match
    std::optional<std::size_t> atLeast;   ///< at least this many events match (SigmaHQ match_count)
    std::vector<std::uint64_t> recordIds; ///< exactly these EventRecordIDs match, no other

    std::size_t maxHits = 0; ///< Baseline: at most this many events match

    /// Correlation tests (match / no_match): only the results for this group count (group-by
    /// field -> value; fields not given match any value). Empty: every group.
    std::vector<std::pair<std::string, std::string>> group;

    SourceSpan span; ///< the entry in the manifest

    bool embedded() const { return file.empty(); }
    /// A short label: the name, else the file as written, else "embedded events".
    std::string label() const;
    /// What is expected, in words: "at least 1 event matches", "no event matches", ...
    std::string expectedText() const;
};

/// Where a rule's tests came from.
enum class ManifestForm { Beside, Folder, SigmaHQ };

/// The tests of one rule.
struct RuleTests {
    std::string rule;     ///< the rule file as written (`rule:`), or implied from the manifest's name
    std::string rulePath; ///< resolved path of the rule file
    std::string manifest; ///< the manifest (or info.yml) the tests come from
    ManifestForm form = ManifestForm::Beside;
    std::string name; ///< optional name of the test group (folder manifests, SigmaHQ info id)
    /// Compile options the tests run with (manifest keys `scope_by_logsource`, `translate_security_5156`).
    bool scopeByLogSource = true;
    bool translateSecurity5156 = false;
    /// When the rule file holds correlations: the one tested (id or name; empty: the outermost).
    /// Counts are then of correlation results, not of events (docs/test-manifests.md).
    std::string correlation;
    std::vector<Expectation> expectations;
    SourceSpan span;
    /// Problems of this group (a missing rule, an invalid entry...). Errors make the group fail.
    Diagnostics diagnostics;
};

/// A parsed manifest file: one group (beside form) or many (folder form).
struct TestManifest {
    std::string file;
    bool folderForm = false;
    std::vector<RuleTests> rules;
    /// Problems of the file as a whole (YAML syntax, wrong top-level shape), with file and line.
    Diagnostics diagnostics;

    bool ok() const;
};

/// How manifests are read.
struct ManifestOptions {
    /// Accept files outside the manifest's workspace (refused by default: manifestWorkspace()).
    bool allowOutsidePaths = false;
};

/// Parses manifest text; `file` names it in diagnostics and is the base for relative paths.
TestManifest parseManifestText(const std::string& text, const std::string& file, const ManifestOptions& options = {});
/// Reads and parses a manifest file (an unreadable file is an "io-error" diagnostic).
TestManifest loadManifest(const std::string& path, const ManifestOptions& options = {});

/// The folder a manifest may name files in: the nearest folder at or above it holding `.git` or
/// `workspace.ini`, else its own folder (symlinks resolved).
std::string manifestWorkspace(const std::string& manifestFile);
/// Drops the rule and event files of `manifest` that resolve outside its workspace, each with a
/// "manifest-path-outside" error on its entry (parseManifestText does this unless allowed).
void refuseOutsidePaths(TestManifest& manifest);

/// The manifest beside a rule: "dir/name.yml" -> "dir/name.tests.yml".
std::string besideManifestPath(const std::string& rulePath);
/// The folder the workbench copies marked events into: "dir/name.yml" -> "dir/tests/name".
std::string markedEventsDir(const std::string& rulePath);

/// The YAML text of a manifest (beside form for one group without `tests:`; folder form otherwise).
/// Paths are written as in Expectation::file; embedded XML as literal blocks.
std::string manifestToYaml(const TestManifest& manifest);
/// Writes the manifest atomically (temporary file + rename). Returns false with `error` set on failure.
bool saveManifest(const TestManifest& manifest, const std::string& path, std::string& error);

/// Reads a SigmaHQ regression `info.yml` for the rule at `rulePath`. Paths inside it are resolved
/// like SigmaHQ's runner: relative to the info file's folder, else to the first ancestor folder of
/// the rule where they exist. Each entry becomes a Match expectation with `atLeast` = match_count
/// (default 1).
RuleTests loadSigmaHqInfo(const std::string& infoPath, const std::string& rulePath);

/// Resolves a `regression_tests_path` as written in a rule (relative to the rule's folder or to
/// one of its ancestors, as SigmaHQ's runner does). Returns the best candidate even when missing.
std::string resolveRegressionPath(const std::string& rulePath, const std::string& written);

/// Every test group found under `paths`:
///  - a `*.tests.yml` / `*.tests.yaml` file: its groups;
///  - a rule file: its beside manifest, and its `regression_tests_path` (SigmaHQ) if any;
///  - a folder: all of the above, recursively (rules covered by a manifest are not listed twice).
/// A manifest that does not parse yields one group carrying its diagnostics (a failure, not an
/// abort). Paths that do not exist are errors in `diagnostics`.
struct Discovery {
    std::vector<RuleTests> groups;
    std::vector<std::string> manifests;         ///< manifest files read, in order
    Diagnostics diagnostics;                    ///< I/O problems with the given paths
    std::vector<std::string> rulesWithoutTests; ///< rule files given explicitly that have no tests
};
Discovery discoverTests(const std::vector<std::string>& paths, const ManifestOptions& options = {});

/// Every test of one rule, as `sigmawb test` on its folder would run them, merged into one group
/// (the workbench's view of a rule's tests): its beside manifest, the entries naming it in folder
/// manifests (`*.tests.yml` with `tests:`) of its folder and the folders above it (up to the first
/// holding `.git`, at most 8 levels), and its SigmaHQ `regression_tests_path`. The group's
/// `manifest` is the beside one (where the workbench writes marks); `sources` lists the manifests
/// the expectations came from. Never throws.
struct FoundRuleTests {
    RuleTests group;
    std::vector<std::string> sources;
};
FoundRuleTests findRuleTests(const std::string& rulePath, const ManifestOptions& options = {});

} // namespace sigma
