#pragma once

// The evaluation engine: compile a parsed Sigma rule once into an immutable matcher tree, then
// evaluate it against many events (from any thread), or explain, predicate by predicate, why an
// event matched or not.
//
//   auto compiled = sigma::compileRule(rule, "rule.yml", options);   // diagnostics, never throws
//   if (compiled.rule && compiled.rule->matches(event)) ...
//   sigma::Explanation why = compiled.rule->explain(event);
//
// Semantics follow the Sigma specification v2.1, pySigma where the specification is silent.

#include "events/event.h"
#include "rule/rule.h"
#include "util/diagnostic.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sigma {

class LogSourceTable;

/// `%name%` placeholders for the `expand` modifier: name (without the percent signs) -> values.
using Placeholders = std::map<std::string, std::vector<std::string>>;

/// Reads a placeholder file: a YAML map name -> list of values (a single scalar is a one-element
/// list). Problems are reported with file and line; the map holds what could be read.
Placeholders loadPlaceholdersFile(const std::string& path, Diagnostics& diagnostics);
Placeholders loadPlaceholdersText(const std::string& yamlText, const std::string& file, Diagnostics& diagnostics);

struct CompileOptions {
    /// Values for `expand`. A placeholder the rule uses that is not here is a compile error.
    Placeholders placeholders;
    /// Log-source table used for scoping; nullptr: the built-in table (LogSourceTable::builtin()).
    const LogSourceTable* logSources = nullptr;
    /// Scope the rule to the events of its log source (off: every event is in scope).
    bool scopeByLogSource = true;
    /// Treat Security 5156 events as Sysmon network_connection (EventID 3) events, translating
    /// field names and values (Application -> Image, Direction -> Initiated, ...).
    bool translateSecurity5156 = false;
    /// PCRE2 limits for `re`: a pattern that exceeds them is reported as an error for that event.
    std::uint32_t regexMatchLimit = 1'000'000;
    std::uint32_t regexDepthLimit = 10'000;
    /// Upper bound on the strings one value may expand into (windash, expand, base64offset).
    std::size_t maxExpansions = 4096;
};

/// The outcome of one node of an explanation.
enum class Outcome {
    Matched,
    NotMatched,
    FieldAbsent, ///< the field is not in the event (a value/item/map that therefore did not match)
    Skipped,     ///< not evaluated: the verdict was already decided (short-circuit)
    Error,       ///< could not be evaluated (e.g. regex match limit); counts as not matched
};
const char* outcomeName(Outcome outcome);

/// One node of an explanation tree; the tree mirrors the rule.
struct ExplainNode {
    enum class Kind {
        Rule,        ///< root: the verdict; children: LogSource, Translation (optional), Condition(s)
        LogSource,   ///< the log-source scope test
        Translation, ///< field/value translation applied to the event (e.g. Security 5156 -> Sysmon 3)
        Condition,   ///< one condition of the rule (several are OR'ed)
        Or,
        And,
        Not,
        OneOf,  ///< "1 of X" / "any of X"; children: the Search nodes it covers
        AllOf,  ///< "all of X"
        Search, ///< a search identifier; children: Map nodes (OR) or one Map
        Map,    ///< a detection map; children: Item nodes (AND)
        Item,   ///< field|modifiers: children: Value nodes (OR, or AND with |all)
        Value,  ///< one value as written in the rule
    };
    Kind kind = Kind::Rule;
    Outcome outcome = Outcome::NotMatched;
    bool deciding = false;                 ///< this node is one of the predicates that decided the verdict
    std::string label;                     ///< e.g. "and", "selection", "CommandLine|contains|all", "'-enc'"
    SourceSpan span;                       ///< source span in the rule (whole node)
    SourceSpan operatorSpan;               ///< condition operators: the keyword token(s)
    std::string field;                     ///< Item/Value: the field name as written (empty for keywords)
    std::optional<std::string> eventValue; ///< Item/Value: the event value compared (as in the event)
    std::string eventField;                ///< Item/Value: the event field it came from (keywords: which field)
    std::string detail;                    ///< error text, translation description, expansion used...
    std::size_t searchIndex = SIZE_MAX;    ///< Search/Map/Item/Value: index into Rule::detection
    std::size_t mapIndex = SIZE_MAX;       ///< Map/Item/Value
    std::size_t itemIndex = SIZE_MAX;      ///< Item/Value
    std::size_t valueIndex = SIZE_MAX;     ///< Value
    std::vector<ExplainNode> children;
};

struct ExplainOptions {
    /// Short-circuit like the matcher (unevaluated nodes are marked Skipped). Off: every node is
    /// evaluated so the user sees every value's outcome; the verdict is the same.
    bool shortCircuit = true;
};

struct Explanation {
    bool matched = false;
    bool inScope = false;
    ExplainNode root;
    /// Errors met while evaluating (regex limits...), with the rule file and the value's position.
    Diagnostics diagnostics;
};

/// Outcomes of a rule's search identifiers on each event of one event list, kept between the
/// versions of a rule being edited (the workbench): the next version evaluates again only the
/// search identifiers whose content changed. Made by CompiledRule::prepareSearchCache, filled by
/// CompiledRule::matchesInRowCached.
class SearchCache {
public:
    /// Search identifiers whose outcomes were taken from the previous version.
    std::size_t reusedSearches() const { return m_reused; }

private:
    friend class CompiledRule;
    std::vector<std::string> m_fingerprints;           ///< per search identifier of the rule
    std::vector<std::vector<std::uint8_t>> m_outcomes; ///< per identifier, per event: 0 = not evaluated
    std::size_t m_events = 0;
    std::size_t m_reused = 0;
};

/// A compiled rule: immutable and thread-safe; share it across threads as shared_ptr<const>.
class CompiledRule {
public:
    struct Impl;
    explicit CompiledRule(std::unique_ptr<Impl> impl);
    ~CompiledRule();
    CompiledRule(const CompiledRule&) = delete;
    CompiledRule& operator=(const CompiledRule&) = delete;

    /// The event belongs to the rule's log source (always true when scoping is off).
    bool inScope(const Event& event) const;
    /// In scope and the condition holds.
    bool matches(const Event& event) const;
    /// The condition alone, ignoring the log source (and so any field translation it implies).
    bool conditionMatches(const Event& event) const;
    /// The row of the rule's log-source scope that covers the event: -1 when the event is out of
    /// scope, 0 for every event when the rule is not scoped. Rows are numbered in a fixed order, so
    /// a caller may keep them while only the detection changes (same log source and options).
    int scopeRow(const Event& event) const;
    /// matches() for an event whose scopeRow() is known and >= 0: the row's field translation
    /// (Security 4688/5156 read as Sysmon) applies, the scope is not looked up again.
    bool matchesInRow(const Event& event, int row) const;
    /// The event as the rule sees it under scope row `row`: a translated copy when the row
    /// translates fields (Security 4688/5156), nullopt when the event is seen as it is.
    std::optional<Event> translatedForRow(const Event& event, int row) const;
    /// A search cache for this rule over a list of `eventCount` events. `previous`, when given,
    /// must come from an earlier version of the rule over the same events with the same log
    /// source, log-source table and compile options: its outcomes are kept for every search
    /// identifier whose content (items, modifiers, values) is unchanged.
    std::shared_ptr<SearchCache> prepareSearchCache(std::size_t eventCount,
                                                    const SearchCache* previous = nullptr) const;
    /// matchesInRow() for event number `index` of that list, through the cache: outcomes found
    /// there are used, missing ones evaluated and recorded (only those the condition needs).
    /// Several threads may use one cache for distinct indices.
    bool matchesInRowCached(const Event& event, int row, std::size_t index, SearchCache& cache) const;
    Explanation explain(const Event& event, const ExplainOptions& options = {}) const;

    const Rule& rule() const;
    const std::string& file() const;
    /// Human-readable description of the log-source scope, e.g. "Sysmon EventID 1 | Security EventID 4688".
    std::string scopeDescription() const;

private:
    friend struct CompiledRuleAccess; // engine/compiled.h: the rule set reads the compiled tree
    std::unique_ptr<Impl> m_impl;
};

struct CompileResult {
    std::shared_ptr<const CompiledRule> rule; ///< null when the rule has errors
    Diagnostics diagnostics;
};

CompileResult compileRule(const Rule& rule, const std::string& file, const CompileOptions& options = {});

/// One value of one detection item, compiled alone: "does this single indicator match this
/// event?" (corpus baseline noise). No log-source scoping.
class CompiledIndicator {
public:
    struct Impl;
    explicit CompiledIndicator(std::unique_ptr<Impl> impl);
    ~CompiledIndicator();
    CompiledIndicator(const CompiledIndicator&) = delete;
    CompiledIndicator& operator=(const CompiledIndicator&) = delete;

    bool matches(const Event& event) const;
    Outcome evaluate(const Event& event) const;

private:
    std::unique_ptr<Impl> m_impl;
};

struct IndicatorResult {
    std::shared_ptr<const CompiledIndicator> indicator; ///< null on error
    Diagnostics diagnostics;
};

/// Compiles value `valueIndex` of `item` with the item's field and modifiers (|all is ignored:
/// one value). For a keyword item the value is searched in every field of the event.
IndicatorResult compileIndicator(const DetectionItem& item, std::size_t valueIndex, const std::string& file = {},
                                 const CompileOptions& options = {});

/// Many compiled rules, matched together: an event is only tested against the rules whose log
/// source and EventID fit and whose required literals occur in the event.
class RuleSet {
public:
    /// An empty set; RuleSetBuilder::build() makes the others, finalized: a RuleSet never changes,
    /// so any number of threads may match with one.
    RuleSet();
    ~RuleSet();
    RuleSet(RuleSet&&) noexcept;
    RuleSet& operator=(RuleSet&&) noexcept;

    std::size_t size() const;
    const std::shared_ptr<const CompiledRule>& at(std::size_t index) const;

    /// Indices (ascending) of the rules matching the event.
    void match(const Event& event, std::vector<std::size_t>& out) const;
    std::vector<std::size_t> match(const Event& event) const;

    struct Stats {
        std::uint64_t events = 0;
        std::uint64_t candidates = 0; ///< rules that passed the scope pre-filter
        std::uint64_t evaluated = 0;  ///< rules whose condition was evaluated (also passed the literal filter)
        std::uint64_t matches = 0;
        /// Profiling: when set (sized to size()), the evaluation time of each rule is added here,
        /// in seconds, and (ruleEvaluations) how many times it was evaluated.
        std::vector<double>* ruleSeconds = nullptr;
        std::vector<std::uint64_t>* ruleEvaluations = nullptr;
    };
    /// Like match(), counting what the pre-filters saved.
    void match(const Event& event, std::vector<std::size_t>& out, Stats& stats) const;

private:
    friend class RuleSetBuilder;
    struct Impl;
    explicit RuleSet(std::vector<std::shared_ptr<const CompiledRule>> rules);
    std::unique_ptr<const Impl> m_impl;
};

/// Collects compiled rules (in the order their indices will have) for one RuleSet.
class RuleSetBuilder {
public:
    /// Adds a rule (null is ignored).
    void add(std::shared_ptr<const CompiledRule> rule);
    std::size_t size() const { return m_rules.size(); }
    /// The set of the rules added so far, with its pre-filters built; the builder is left empty.
    RuleSet build();

private:
    std::vector<std::shared_ptr<const CompiledRule>> m_rules;
};

} // namespace sigma
