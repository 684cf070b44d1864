#pragma once

// Internal: what the Elastic and Splunk readers share (corpus/vendorrule.cpp).

#include "corpus/vendorrule.h"

#include <cstdint>
#include <set>
#include <string>

namespace sigma::vendorrule {

/// What a rule's query and metadata say about the events it is about.
struct Evidence {
    std::set<std::string> ecsCategories;      ///< event.category values, EQL event categories
    std::set<std::string> sigmaCategories;    ///< from a Splunk data model or data source
    std::set<std::uint32_t> eventCodes;       ///< event.code / EventCode values looked for
    std::set<std::string> providers;          ///< event.provider, winlog.channel, index
    std::set<CatalogEventRef> explicitEvents; ///< named outright (Splunk data_source)
    std::string os;                           ///< host.os.type
};

/// The evidence in the predicates a query looks for.
Evidence evidenceOf(const ParsedQuery& query);

/// Fills the rule's log source, catalog events, indicators, language and analysed flag.
void finish(CorpusRule& rule, VendorRule& vendorRule, const Evidence& evidence, const VendorReadOptions& options);

/// Adds "T1234" / "T1234.001" (any case in the file) once, in order.
void addTechnique(CorpusRule& rule, std::string id);

/// The corpus warning for a query that could not be read (the rule stays, unanalysed).
Diagnostic notAnalysedWarning(const Diagnostic& error);

} // namespace sigma::vendorrule
