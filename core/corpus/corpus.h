#pragma once

// A loaded corpus of Sigma rules and its indexes: indicator -> rules (corpus reach), ATT&CK
// technique -> rules (from attack.tNNNN[.NNN] tags), rule -> catalog events (from the log source
// through the log-source table, and from explicit EventID selectors).

#include "corpus/indicator.h"
#include "events/catalog.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma {

/// The catalog events of a log source (log-source table), narrowed to `eventIds` when given; with
/// no row for the log source, each of `providers` x `eventIds`. Titles from the event catalog.
std::vector<CatalogEventRef> catalogEventsFor(const LogSource& logsource, const std::set<std::uint32_t>& eventIds,
                                              const std::set<std::string>& providers);

/// The catalog events a rule covers: those of its log source (log-source table), narrowed or
/// extended by explicit EventID selectors in searches the rule looks for (a `service: security`
/// rule selecting 5156 covers Security-Auditing 5156). Titles come from the event catalog.
std::vector<CatalogEventRef> ruleCatalogEvents(const Rule& rule);

/// The scope to normalise a rule's field names in: its log-source category and catalog events.
FieldScope fieldScopeOf(const Rule& rule);

/// extractIndicators() with the rule's own field scope (what the corpus index uses).
std::vector<Indicator> ruleIndicators(const Rule& rule, const FieldMap* fieldMap = nullptr);

/// "T1090.002" for the tag "attack.t1090.002"; empty when the tag is not a technique tag.
std::string techniqueFromTag(std::string_view tag);

struct VendorRule;

/// One rule of the corpus with what the indexes need.
struct CorpusRule {
    std::string file;         ///< absolute or as given
    std::string relativePath; ///< relative to the corpus root, '/' separated
    int documentIndex = 0;    ///< the rule's YAML document in its file
    std::string vendor;       ///< "Sigma" (LoadOptions::vendor), "Elastic", "Splunk"
    std::string id;
    std::string title;
    std::string level;
    std::string status;
    std::string author;
    LogSource logsource;
    std::vector<std::string> techniques; ///< "T1090.002", upper case, in tag order, unique
    std::vector<CatalogEventRef> events;
    std::vector<Indicator> indicators; ///< every occurrence, document order
    std::shared_ptr<const Rule> rule;  ///< the parsed model (Sigma rules)
    /// "sigma" for Sigma rules; the query language of a vendor rule ("eql", "kuery", "esql",
    /// "lucene", "spl"); empty for a vendor rule without a query (Elastic machine_learning).
    std::string language = "sigma";
    std::string ruleType; ///< vendor rules: Elastic rule.type, Splunk type
    /// False when a vendor rule has no query or its query could not be read: the rule is listed
    /// and counted on its techniques, without indicators ("query not analysed").
    bool queryAnalysed = true;
    std::shared_ptr<const VendorRule> vendorRule; ///< vendor rules: query, predicate tree, sources
};

class SplMacros;

struct LoadOptions {
    std::string vendor = "Sigma"; ///< the vendor of Sigma rules
    std::vector<std::string> extensions{".yml", ".yaml", ".toml"};
    /// Each file's vendor from its content (corpus/vendorrule.h): Sigma .yml, Elastic .toml with
    /// [rule], Splunk .yml with search:. Off: every file is read as Sigma.
    bool detectVendors = true;
    /// Also load deprecated vendor rules (Elastic rules/_deprecated/ and maturity "deprecated",
    /// Splunk status "deprecated").
    bool includeDeprecated = false;
    /// Macros for Splunk searches; nullptr: the macros/ folders of the roots or their nearest
    /// ancestor that has one.
    const SplMacros* splMacros = nullptr;
    unsigned threads = 0; ///< 0: hardware concurrency
    /// Called with (files done, files total), serialised, from any thread. Return false to cancel.
    std::function<bool(std::size_t, std::size_t)> progress;
    /// Polled between files; set to true to cancel.
    const std::atomic<bool>* cancel = nullptr;
    const FieldMap* fieldMap = nullptr; ///< nullptr: FieldMap::builtin()
};

/// Per-distinct-indicator statistics of the corpus.
struct IndicatorStats {
    std::string field; ///< canonical
    IndicatorKind kind = IndicatorKind::Eq;
    std::string value;                ///< as first seen
    std::vector<std::uint32_t> rules; ///< indexes into Corpus::rules(), ascending, unique
};

class Corpus {
public:
    Corpus() = default;

    /// Loads every rule file under `root` (recursively, in parallel). Files that do not parse, or
    /// that have errors, are reported in diagnostics() (file:line) and left out; the rest is
    /// indexed. `root` may also be a single file.
    static Corpus load(const std::filesystem::path& root, const LoadOptions& options = {});
    /// Loads several folders (or files) into one corpus; relative paths are relative to each root.
    static Corpus load(const std::vector<std::filesystem::path>& roots, const LoadOptions& options = {});

    /// Adds rules parsed elsewhere (e.g. the editor's current text, or tests) and indexes them.
    void addRule(std::shared_ptr<const Rule> rule, std::string file, const LoadOptions& options = {});

    const std::vector<CorpusRule>& rules() const { return m_rules; }
    const Diagnostics& diagnostics() const { return m_diagnostics; }
    std::size_t filesScanned() const { return m_filesScanned; }
    /// Files left out because they did not parse or had errors.
    const std::vector<std::string>& brokenFiles() const { return m_brokenFiles; }
    /// Files that are not rules (Splunk macros and data sources) or deprecated vendor rules.
    std::size_t filesSkipped() const { return m_filesSkipped; }
    bool cancelled() const { return m_cancelled; }
    /// The first root.
    const std::filesystem::path& root() const { return m_root; }
    const std::vector<std::filesystem::path>& roots() const { return m_roots; }

    /// Number of rules having the indicator at least once (any technique).
    std::size_t reach(const Indicator& indicator) const { return reach(indicator.key()); }
    std::size_t reach(const std::string& indicatorKey) const;
    /// The reach split by the rules' vendor ("Sigma", "Elastic", "Splunk"); empty when none.
    std::map<std::string, std::size_t> reachByVendor(const std::string& indicatorKey) const;
    /// Reach without the rules of one file (e.g. the rule being edited, when it is in the corpus).
    std::size_t reachExcludingFile(const Indicator& indicator, const std::string& file) const;
    /// The rules having the indicator; nullptr when none.
    const IndicatorStats* indicatorStats(const std::string& indicatorKey) const;
    std::size_t distinctIndicators() const { return m_indicators.size(); }

    /// Rules tagged with the technique (exact id, e.g. "T1090" or "T1090.002"; case-insensitive).
    /// With includeSubtechniques, "T1090" also returns rules tagged T1090.xxx only.
    std::vector<std::uint32_t> rulesForTechnique(std::string_view technique, bool includeSubtechniques = false) const;
    /// Every technique id with at least one rule, and its rule count.
    std::map<std::string, std::size_t> techniqueCounts() const;

private:
    void index(std::uint32_t ruleIndex);

    std::filesystem::path m_root;
    std::vector<std::filesystem::path> m_roots;
    std::vector<CorpusRule> m_rules;
    Diagnostics m_diagnostics;
    std::vector<std::string> m_brokenFiles;
    std::size_t m_filesScanned = 0;
    std::size_t m_filesSkipped = 0;
    bool m_cancelled = false;
    std::unordered_map<std::string, IndicatorStats> m_indicators;
    std::map<std::string, std::vector<std::uint32_t>> m_techniques;
};

} // namespace sigma
