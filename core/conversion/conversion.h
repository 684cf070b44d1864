#pragma once

// Converting a Sigma rule into the query language of a SIEM or data store (issue 16).
//
//   sigma::Rule rule = ...;                        // parsed (rule/parser.h), possibly transformed
//   auto r = sigma::conversion::convert(rule, sigma::conversion::Target::Splunk, {});
//   if (r.ok()) use(r.query); else show(r.diagnostics);
//
// Two steps, both public: lower() turns the rule's condition, search identifiers, items, values and
// modifiers into one backend-independent boolean tree of field predicates (the IR below), with the
// source span of every node kept; then one backend per target (splunk.cpp, esql.cpp, eql.cpp,
// lucene.cpp, kusto.cpp, sqlite.cpp) writes that tree as query text. What a target cannot express
// is an error diagnostic on the rule's line, never a weaker query. docs/conversion.md says, per
// target, how case-insensitive matching, escaping and each predicate are written.
//
// The input is a plain sigma::Rule: a processing pipeline (field mappings, added conditions,
// replaced strings...) transforms a copy of the Rule and passes it here (convertWithPipelines,
// conversion/pipeline.h); the conversion reads nothing but the Rule and the options.

#include "engine/pattern.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::conversion {

enum class Target { Splunk, Esql, Eql, Lucene, Kusto, Sqlite };

/// "splunk", "esql", "eql", "lucene", "kusto", "sqlite".
const char* targetName(Target target);
/// Parses a target name (case-insensitive; also "spl", "es|ql", "kql", "sql").
std::optional<Target> parseTarget(std::string_view name);
/// Every target, in enum order.
std::span<const Target> allTargets();

// --- the intermediate representation ---------------------------------------------------------------

/// One test on one field of an event. String matching is case-insensitive unless `cased`.
struct Predicate {
    enum class Kind {
        String,   ///< field matches `pattern` (Sigma wildcards: Literal / Star / Question parts)
        Keyword,  ///< any field (full text) matches `pattern` (already unanchored: *value*)
        Regex,    ///< field matches the PCRE `text` somewhere (unanchored), with the flags below
        Cidr,     ///< field is an IP address inside the network `text`
        Exists,   ///< field is present
        Null,     ///< field is absent or empty
        Compare,  ///< field, read as a number, compares with `number` by `op`
        FieldRef, ///< field equals / contains / starts / ends with the value of field `text`
    };
    enum class Op { Eq, Neq, Gt, Gte, Lt, Lte };
    enum class Anchor { Whole, Contains, Start, End };
    Kind kind = Kind::String;
    std::string field;           ///< empty for Keyword
    engine::SigmaString pattern; ///< String / Keyword
    std::string
        text; ///< Regex: the pattern; Cidr: the network; Compare: the number as written; FieldRef: the other field
    bool cased = false; ///< String / Keyword / FieldRef: case-sensitive (`cased`)
    /// String: the rule wrote a YAML integer (`EventID: 4688`); the pattern is its digits. Targets
    /// with typed numeric columns (KQL, Splunk) may write it unquoted.
    bool integer = false;
    bool reIgnoreCase = false, reMultiline = false, reDotAll = false; ///< Regex flags (i, m, s)
    Op op = Op::Eq;                                                   ///< Compare
    double number = 0;                                                ///< Compare
    Anchor anchor = Anchor::Whole;                                    ///< FieldRef
};

/// A node of the lowered condition. Not negates; And/Or have one or more children; a Constant is
/// what an empty `1 of`/`all of` selection or a folded tree leaves.
struct Node {
    enum class Kind { And, Or, Not, Predicate, Constant };
    Kind kind = Kind::Predicate;
    std::vector<Node> children;
    Predicate predicate; ///< Predicate only
    bool constant = false;
    SourceSpan span; ///< where it comes from: the value (predicates), the item, the condition operator
};

/// The literal text of a pattern without wildcards, and the shape a backend writes it in.
enum class Shape { Exact, Prefix, Suffix, Contains, General };
/// The shape of a pattern: Exact (no wildcard), Prefix (lit*), Suffix (*lit), Contains (*lit*),
/// General (anything else: inner `*`, any `?`). `literal` receives the literal of the first four.
Shape patternShape(const engine::SigmaString& pattern, std::string* literal = nullptr);

struct ConversionOptions {
    /// Values for the `expand` modifier (`%name%`); a placeholder without values is an error.
    std::map<std::string, std::vector<std::string>> placeholders;
    /// Upper bound on the alternatives one value may expand into (windash, base64offset, expand).
    std::size_t maxExpansions = 4096;
    /// SQLite: the table the query selects from.
    std::string sqlTable = "logs";
    /// SQLite / ES|QL: the column holding the whole event text, for keyword searches; empty:
    /// keywords cannot be converted for those targets (an error).
    std::string fullTextField;
    /// KQL: the table the query starts from; ES|QL: the index pattern (FROM).
    std::string kustoTable;
    std::string esqlIndex = "logs-*";
};

/// A piece of the query text and the rule text it comes from (for the editor's query pane).
struct Fragment {
    std::size_t begin = 0, end = 0; ///< byte offsets into ConversionResult::query
    SourceSpan origin;              ///< where in the rule
};

struct LoweringResult {
    std::optional<Node> root; ///< empty on error
    Diagnostics diagnostics;
};

/// Lowers the rule's conditions (OR'ed) into the IR. Errors: no condition, a condition that did not
/// parse, an unknown identifier, a value the engine would not compile either (bad regex, cidr,
/// number, unresolved placeholder...), time-part modifiers (no target here can express them).
LoweringResult lower(const Rule& rule, const ConversionOptions& options = {}, const std::string& file = {});

struct ConversionResult {
    Target target = Target::Splunk;
    std::string query; ///< empty when there are errors
    Diagnostics diagnostics;
    std::vector<Fragment> fragments; ///< one per predicate, in query order
    bool ok() const { return !query.empty() && !hasErrors(diagnostics); }
};

/// Converts a rule (see the header comment): the query text, or error diagnostics saying what the
/// target cannot express, each on the line of the construct. `file` names the rule in diagnostics.
ConversionResult convert(const Rule& rule, Target target, const ConversionOptions& options = {},
                         const std::string& file = {});

/// Writes an already lowered tree (a caller that lowered once and converts to several targets).
ConversionResult convertLowered(const Node& root, Target target, const ConversionOptions& options = {},
                                const std::string& file = {});

} // namespace sigma::conversion
