#pragma once

// Elastic (elastic/detection-rules TOML) and Splunk (splunk/security_content YAML) detections read
// into corpus rules beside Sigma's: metadata, ATT&CK techniques, the query read into the predicate
// tree (core/query) with its position in the file, the catalog events and log-source category the
// rule's evidence names, and its indicators in the Sigma model.

#include "corpus/corpus.h"
#include "query/query.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

enum class RuleVendor { Sigma, Elastic, Splunk };

/// "Sigma", "Elastic", "Splunk" (CorpusRule::vendor).
const char* ruleVendorName(RuleVendor vendor);
/// "sigma", "elastic", "splunk" (command-line and JSON spelling).
const char* ruleVendorId(RuleVendor vendor);
/// From either spelling, any case.
bool ruleVendorFromName(std::string_view name, RuleVendor* vendor);

/// What a file holds, from its extension and top-level keys (no full parse): a Sigma rule (.yml
/// with detection:, correlation:, filter: or title:), an Elastic rule (.toml with a [rule] table),
/// a Splunk detection (.yml with search:), a Splunk macro (.yml with definition:), or something else
/// (Splunk data sources, stories, other configuration: not rules).
enum class RuleFileKind { Sigma, Elastic, Splunk, SplunkMacro, NotARule };
RuleFileKind detectRuleFile(const std::filesystem::path& path, std::string_view text);

/// A vendor rule's own data, shared by CorpusRule::vendorRule.
struct VendorRule {
    RuleVendor vendor = RuleVendor::Elastic;
    std::string ruleType;     ///< Elastic rule.type (eql, query, esql, new_terms, ...); Splunk type (TTP, ...)
    std::string languageName; ///< as the file says ("eql", "kuery", ...; "spl" for Splunk); empty without a query
    bool hasQuery = false;
    std::string query; ///< the query text (the string's value)
    SourceSpan querySpan;
    ParsedQuery parsed;
    std::vector<std::string> index;       ///< Elastic rule.index
    std::vector<std::string> dataSources; ///< Splunk data_source
    std::string os;                       ///< "windows", "linux", "macos" when the rule says
    std::vector<std::string> categories;  ///< Sigma log-source categories its events stand for
};

struct VendorReadOptions {
    const SplMacros* splMacros = nullptr;
    const FieldMap* fieldMap = nullptr; ///< nullptr: FieldMap::builtin()
    bool includeDeprecated = false;     ///< Elastic maturity "deprecated", Splunk status "deprecated"
};

struct VendorFileResult {
    std::vector<CorpusRule> rules; ///< one rule, or none when skipped or broken
    Diagnostics diagnostics;       ///< errors: the file cannot be read (broken); warnings: query not analysed
    bool broken = false;
    bool skipped = false; ///< deprecated, or not a rule
};

/// Reads an Elastic detection-rules TOML file (`[rule]`: rule_id, name, type, language, query, index,
/// severity, author, [[rule.threat]] techniques and sub-techniques; `[metadata]` maturity).
VendorFileResult readElasticRule(const std::string& file, std::string_view text, const VendorReadOptions& options);

/// Reads a Splunk security_content detection (name, id, type, status, author, data_source, search,
/// tags.mitre_attack_id).
VendorFileResult readSplunkRule(const std::string& file, std::string_view text, const VendorReadOptions& options);

/// The "Provider/EventID" catalog events a Splunk data_source entry names ("Sysmon EventID 1",
/// "Windows Event Log Security 4688", "Powershell Script Block Logging 4104"); nullopt-like empty
/// provider when it names none.
CatalogEventRef catalogEventOfSplunkDataSource(std::string_view dataSource);

} // namespace sigma
