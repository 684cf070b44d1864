#pragma once

// The ATT&CK technique page: for one technique, the catalog events its rules cover, the fields
// they filter on and how, the indicator values they use with their corpus reach, and the rules
// grouped by vendor with what each looks for and excludes.

#include "corpus/corpus.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sigma {

struct TechniquePage {
    struct FieldRow {
        std::string field;                                ///< canonical
        std::size_t rules = 0;                            ///< rules here filtering on it (each rule once)
        std::map<std::string, std::size_t> how;           ///< kind name -> rules using it with that kind
        std::vector<std::string> samples;                 ///< distinct values, most used first (at most 5)
        std::map<std::string, std::size_t> rulesByVendor; ///< vendor -> rules here filtering on it
        /// vendor -> the field names its rules write for this row where they differ from the
        /// canonical one (Elastic process.executable, Splunk Processes.process_path, ...)
        std::map<std::string, std::set<std::string>> nativeNames;
    };
    struct IndicatorRow {
        std::string key; ///< Indicator::key() of the row
        std::string field;
        IndicatorKind kind = IndicatorKind::Eq;
        std::string value;
        std::size_t rulesHere = 0;
        std::size_t corpusReach = 0;                      ///< rules in the whole corpus
        std::map<std::string, std::size_t> reachByVendor; ///< corpusReach split by vendor
        bool specificHere = false;                        ///< every use is under this technique (reach == rulesHere; still shown as the number)
        bool excluded = false;                            ///< every use here is an exclusion
        std::vector<std::string> transformations;         ///< union over the uses here
    };
    struct RuleRow {
        std::string vendor;
        std::string id;
        std::string title;
        std::string file; ///< relative to the corpus root
        std::string level;
        std::vector<std::string> looksFor; ///< "Field kind value" of each distinct indicator
        std::vector<std::string> excludes;
    };

    std::string techniqueId;
    std::string techniqueName; ///< empty when unknown to the ATT&CK table
    std::vector<std::string> tactics;
    bool known = false;    ///< the id is in the ATT&CK table
    std::string revokedBy; ///< the id is revoked: the technique that replaces it (empty otherwise)
    /// Revoked ids whose rules are included because this technique replaced them (T1086 for
    /// T1059.001).
    std::vector<std::string> includesRevoked;
    std::vector<CatalogEventRef> events;  ///< by short provider name, then EventID
    std::vector<FieldRow> fields;         ///< most rules first
    std::vector<IndicatorRow> indicators; ///< most rules here first
    std::vector<RuleRow> rules;           ///< by vendor, then title
    std::map<std::string, std::size_t> rulesByVendor;
    std::size_t excludedIndicators() const;
};

struct TechniquePageOptions {
    bool includeSubtechniques = false; ///< "T1090" also collects rules tagged T1090.xxx
    std::size_t maxSamples = 5;
    /// Also collect rules tagged with ids that ATT&CK revoked in favour of this one.
    bool followRevocations = true;
};

/// Builds the page; a technique with no rules gives an empty page (known tells if the id exists).
TechniquePage buildTechniquePage(const Corpus& corpus, std::string_view techniqueId,
                                 const TechniquePageOptions& options = {});

/// The ids ATT&CK revoked in favour of `techniqueId` (upper case), e.g. T1086 for T1059.001.
std::vector<std::string> revokedInto(std::string_view techniqueId);

/// Technique name and tactics from the ATT&CK table; false when the id is unknown.
bool lookupTechnique(std::string_view techniqueId, std::string* name, std::vector<std::string>* tactics);

} // namespace sigma
