#pragma once

// Indicators of a vendor query (Elastic KQL / EQL / ES|QL / Lucene, Splunk SPL) in the model Sigma
// rules already use (corpus/indicator.h): one per value of each comparison on an event field,
// with the field normalised to its canonical (Sigma / Sysmon) name in the rule's log-source scope,
// the value stated as a Sigma value would state it, and whether the rule looks for it or excludes
// it (an odd number of `not`s above it, `!=`, or an EQL `until` / missing-event term).

#include "corpus/fieldmap.h"
#include "corpus/indicator.h"
#include "query/predicate.h"

#include <string>
#include <string_view>
#include <vector>

namespace sigma {

struct VendorIndicatorOptions {
    const FieldMap* fieldMap = nullptr; ///< nullptr: FieldMap::builtin()
    FieldScope scope;                   ///< the rule's log-source category and catalog events
};

/// The indicators of a parsed query, in tree order. A query that was not analysed has none.
std::vector<Indicator> queryIndicators(const ParsedQuery& query, const VendorIndicatorOptions& options = {});

/// Fields that select the data rather than filter events (ECS event.category, host.os.type,
/// data_stream.dataset, ...; SPL index, sourcetype, source, eventtype, ...): no indicator, as for a
/// Sigma rule's log source.
bool isVendorSelectorField(QueryLanguage language, std::string_view field);

/// The Sigma log-source category an ECS event category / EQL event category stands for
/// ("process" -> "process_creation", "library" -> "image_load"); empty when none.
std::string sigmaCategoryOfEcs(std::string_view ecsCategory);
/// The Sigma category of a Splunk CIM data set ("Endpoint.Processes" -> "process_creation").
std::string sigmaCategoryOfDatamodel(std::string_view datamodel);

/// A literal as a plain Sigma value: `\` doubled where it precedes `\`, `*` or `?`, and literal
/// `*` / `?` escaped, so that Indicator::key() reads back the literal.
std::string sigmaEscaped(std::string_view literal);
/// A wildcard pattern as a plain Sigma value: the wildcards as `*` / `?`, the rest escaped.
std::string sigmaPattern(const QueryValue& value);

} // namespace sigma
