#pragma once

// Checking a conversion by reading it back (issue 16, deliverable 5): the query a writer produced is
// read by the multi-vendor query reader of its language (core/query) and its predicate tree is
// compared with the rule's lowered tree (lower()). Both trees are brought into one comparable form:
//
//  - negations pushed down to the leaves (De Morgan), with the target's logic: ES|QL and Splunk's
//    `| where` are three-valued (a test of a missing field is null, NOT null is null), so there a
//    negated test means "the field is present and the test fails";
//  - leaves are (field, operator class, value, case): eq / contains / startswith / endswith / like
//    (any other wildcard pattern) / regex / cidr / exists / lt lte gt gte neq / fieldref-*; a value
//    list is an OR of leaves; a wildcard pattern and a regular expression that says no more than a
//    pattern (literals, `.*`, `.`, anchors) are the same leaf; case-insensitive values are
//    case-folded, values without letters are caseless; `null` is "absent or empty";
//  - an exists test next to a test that needs the field (or a missing-field test next to one
//    implied by it) is absorbed; AND/OR flattened, children sorted and deduplicated.
//
// Regular expressions of the Lucene dialect (ES|QL RLIKE, EQL regex, Lucene /re/) are compared with
// the rule's PCRE after the writer's translation (pcreToLucene, covered by the golden files); Lucene
// query strings have no case-sensitivity of their own (the field mapping decides), so for Lucene
// values are compared as written and `cased` is not compared. A field compared with a field
// (|fieldref) is a leaf naming both fields: the readers give it for `a == b`, `lower(a) == lower(b)`
// (Splunk `| where`), `TO_LOWER(a) == TO_LOWER(b)`, STARTS_WITH / ENDS_WITH / LOCATE(..) > 0 (ES|QL)
// and EQL's string functions with a field argument; EQL's "a starts with b and b starts with a" is
// a == b. Such a leaf needs both fields (exists tests of either are absorbed beside it).

#include "conversion/conversion.h"
#include "query/predicate.h"

#include <optional>
#include <string>

namespace sigma::conversion {

/// The reader language of a target's queries; empty for Kusto (core/query reads Kibana's KQL, not
/// Kusto) and SQLite (no SQL reader; the SQLite queries are checked by execution instead).
std::optional<QueryLanguage> readBackLanguage(Target target);

/// The comparable form (see above) of a rule's lowered tree, as the target writes it.
std::string normalRuleTree(const Node& root, Target target);
/// The comparable form of a query `target`'s writer produced, as a reader read it back (`query`:
/// the query text, for where Splunk's `| where` begins).
std::string normalQueryTree(const PredicateNode& root, Target target, const std::string& query);

struct ReadBackCheck {
    bool read = false; ///< the reader read the query without error
    bool same = false; ///< and the two comparable forms are equal
    std::string rule, query, problem;
};
/// Converts nothing: reads `converted.query` back with the target's reader and compares it with
/// `root` (the tree the query was written from). Targets without a reader: read = false.
ReadBackCheck checkReadBack(const Node& root, const ConversionResult& converted, const std::string& file = {});

} // namespace sigma::conversion
