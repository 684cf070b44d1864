#pragma once

// The rule page of any vendor's corpus rule ("click a rule title for its full predicates,
// exclusions, and indicators"): its metadata, the native query (Elastic, Splunk) or detection
// (Sigma) with the span of each predicate, the predicate tree with what it looks for and what it
// excludes, and the indicators with their corpus reach split by vendor. Rendered as text and JSON
// for `sigmawb rule`; the workbench's read-only rule page shows the same model.

#include "corpus/corpus.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct RulePage {
    struct Predicate {
        int depth = 0;
        std::string text;      ///< "and", "or", "not", "process.name : \"netsh.exe\"", "sel: Image|endswith ..."
        bool excludes = false; ///< under an odd number of `not`s (or an `until` / missing sequence term)
        SourceSpan span;
    };
    struct IndicatorRow {
        Indicator indicator;
        std::string written; ///< field and value as the rule writes them
        std::size_t reach = 0;
        std::map<std::string, std::size_t> reachByVendor;
    };
    const CorpusRule* rule = nullptr;
    std::string source;    ///< the query (vendor rules) or the rule file's text (Sigma)
    SourceSpan sourceSpan; ///< where `source` starts in the rule file (vendor queries)
    std::vector<Predicate> predicates;
    std::vector<IndicatorRow> indicators;
    std::vector<std::string> notes; ///< pipeline stages noted, diagnostics of a query not analysed
};

/// The rule of the corpus whose id equals `idOrFile` (case-insensitive), else whose file or path
/// relative to its corpus root is `idOrFile`; nullptr when none.
const CorpusRule* findCorpusRule(const Corpus& corpus, std::string_view idOrFile);

/// Builds the page of `rule` (a rule of `corpus`, or of another corpus for reach against this one).
RulePage buildRulePage(const Corpus& corpus, const CorpusRule& rule);

/// An indicator's field (with its modifiers, "(keyword)" for a keyword) and value as the rule writes
/// them: the Sigma detection item as written, else the vendor query's literal, else the value.
struct WrittenIndicator {
    std::string field;
    std::string value;
};
WrittenIndicator writtenIndicator(const CorpusRule& rule, const Indicator& ind);

std::string rulePageText(const RulePage& page);
std::string rulePageJson(const RulePage& page);

} // namespace sigma
