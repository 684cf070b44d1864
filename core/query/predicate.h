#pragma once

// The predicate tree every vendor query reader produces (KQL, EQL, ES|QL, Lucene, SPL): and / or /
// not over comparisons of one field with one or more values, each node with its source span in the
// rule file, plus the pipeline stages a reader recognised but does not turn into predicates.

#include "util/diagnostic.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

enum class QueryLanguage { Kql, Eql, Esql, Lucene, Spl };

/// "kuery", "eql", "esql", "lucene", "spl" (Elastic's `rule.language` spelling; "spl" for Splunk).
const char* queryLanguageName(QueryLanguage language);
bool queryLanguageFromName(std::string_view name, QueryLanguage* language);

/// What a comparison tests. Wildcard patterns are Equals with QueryValue::wildcards.
enum class CompareOp {
    Equals,         ///< equal, or matching the wildcard pattern
    NotEquals,      ///< `!=` (the value is not equal; a missing field does not match)
    Less,           ///< `<`
    LessOrEqual,    ///< `<=`
    Greater,        ///< `>`
    GreaterOrEqual, ///< `>=`
    Contains,       ///< stringContains(), locate()
    StartsWith,     ///< startsWith(), starts_with()
    EndsWith,       ///< endsWith(), ends_with()
    Regex,          ///< EQL regex, ES|QL RLIKE, SPL match() and regex, Lucene /re/
    Cidr,           ///< cidrMatch(), cidr_match(), cidrmatch()
    Exists,         ///< field:*, IS NOT NULL, != null, isnotnull()
    IsNull,         ///< IS NULL, == null, isnull()
};
const char* compareOpName(CompareOp op);

/// A wildcard inside a value: `any` is a run of any characters (`*`, `%`), otherwise exactly one
/// (`?`, `_`).
struct QueryWildcard {
    std::uint32_t pos = 0; ///< byte offset in QueryValue::text
    bool any = true;
    friend bool operator==(const QueryWildcard&, const QueryWildcard&) = default;
};

struct QueryValue {
    enum class Type { String, Number, Boolean, Null, Field };
    Type type = Type::String;
    /// The literal the query compares, after the language's own unescaping; wildcard characters
    /// stay as written (the positions in `wildcards` say which ones are wildcards). Type::Field: the
    /// other field's name (a field-to-field comparison).
    std::string text;
    std::vector<QueryWildcard> wildcards;
    SourceSpan span;

    bool isPattern() const { return !wildcards.empty(); }
};

struct PredicateNode {
    enum class Kind {
        And,
        Or,
        Not,
        Compare,  ///< field op value(s); an empty field is a free-text (keyword) search
        Event,    ///< EQL `category where expr` (one child); a sequence or sample term
        Sequence, ///< EQL sequence / join: Event children, in order
        Sample,   ///< EQL sample: Event children
        Opaque,   ///< an expression the reader recognised but cannot state as a predicate (see note)
    };
    /// For Event nodes inside a sequence: an `until` term or a missing event (`![ ... ]`); both
    /// stop the detection, so what they look for is what the rule excludes.
    enum class EventRole { Term, Until, Missing };

    Kind kind = Kind::Compare;
    SourceSpan span;
    std::vector<PredicateNode> children;

    // Compare
    std::string field;          ///< as written; SPL: resolved through the pipeline (process_name after
                                ///< drop_dm_object_name(Processes) is Processes.process_name)
    std::string fieldAsWritten; ///< when `field` was resolved: the name the query wrote
    SourceSpan fieldSpan;
    CompareOp op = CompareOp::Equals;
    std::string opText;             ///< the operator as written: ":", "==", "like~", "in~", "IN", "=", "LIKE", ...
    std::vector<QueryValue> values; ///< alternatives: the comparison holds when it holds for any of them
    bool cased = false;             ///< compares case-sensitively
    bool optionalField = false;     ///< EQL `?field`
    std::string function;           ///< a function applied to the field first ("to_lower", "length", ...)
    /// False when the comparison is not a condition on an event field: a computed column (ES|QL
    /// EVAL, SPL eval/rex), an aggregate (after STATS / stats), a function result other than case
    /// folding. Such nodes stay in the tree for display and give no indicator.
    bool onEventField = true;

    // Event / Sequence / Sample / Opaque
    std::string category; ///< Event: the EQL event category ("process", "any")
    EventRole role = EventRole::Term;
    std::string note; ///< Sequence: "by ... with maxspan=..."; Event: "runs=N"; Opaque: what it is;
                      ///< And: "coalesce" for ES|QL's COALESCE(x, FALSE) (one child: x, null read as false)
};

/// A pipeline stage or construct recognised and noted rather than analysed.
struct QueryNote {
    enum class Kind {
        Aggregation, ///< STATS, stats, tstats aggregations, EQL `| head`, sample/sequence by keys
        Projection,  ///< KEEP, DROP, RENAME, EVAL, table, fields, rename, eval, rex
        Lookup,      ///< LOOKUP JOIN, ENRICH, lookup, inputlookup
        Source,      ///< FROM, index=, sourcetype=, datamodel, macro expansions that only select data
        Other,       ///< any other stage (sort, convert, ...)
    };
    Kind kind = Kind::Other;
    std::string text; ///< the command or construct, e.g. "stats", "EVAL", "lookup"
    SourceSpan span;
};
const char* queryNoteKindName(QueryNote::Kind kind);

/// The result of reading one query. When `diagnostics` has an error the query was not analysed:
/// `root` is empty (an And without children) and the rule stays in the corpus unanalysed.
struct ParsedQuery {
    QueryLanguage language = QueryLanguage::Kql;
    PredicateNode root;
    std::vector<QueryNote> notes;
    /// Where the data comes from: ES|QL FROM indices, SPL `datamodel=X.Y`, index / sourcetype /
    /// source values, EQL event categories.
    std::vector<std::string> sources;
    Diagnostics diagnostics;

    bool analysed() const { return !hasErrors(diagnostics); }
};

/// A compact text form of a tree, for tests and debugging:
/// `(and (process.name : "netsh.exe") (not (process.args : "a*" "b")))`. Cased comparisons add
/// `cased`; wildcard positions are not shown (the operator says whether patterns apply).
std::string describePredicate(const PredicateNode& node);

} // namespace sigma
