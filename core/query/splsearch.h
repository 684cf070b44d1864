#pragma once

// Internal: the SPL expression readers (search-command expressions, where/eval expressions, regex)
// over the macro-expanded text, and what the pipeline does to field names (rename, eval, rex,
// lookup, stats, tstats) so that a later filter's field is resolved to the event field it stands
// for, or marked as not an event field.

#include "query/predicate.h"
#include "query/querysource.h"
#include "query/splexpand.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sigma {

class SplSearchReader {
public:
    SplSearchReader(const SplExpanded& expanded, const QuerySource& source);

    /// The file span of the expanded bytes [b, e).
    SourceSpan span(std::size_t b, std::size_t e) const;

    /// A search-command expression in [b, e); `out` gets the data selectors it names (index=,
    /// sourcetype=, source=, eventtype=) as sources.
    PredicateNode search(std::size_t b, std::size_t e, ParsedQuery& out);
    /// A where-command (eval) expression in [b, e).
    PredicateNode where(std::size_t b, std::size_t e);
    /// regex [field=|field!=]"re"
    PredicateNode regexCommand(std::size_t b, std::size_t e);

    void evalCommand(std::size_t b, std::size_t e);
    void rexCommand(std::size_t b, std::size_t e);
    void renameCommand(std::size_t b, std::size_t e);
    /// stats-like commands: `... as name` outputs are computed (values(f) as g is an alias of f);
    /// with `collapses`, rows become groups: only BY keys stay event fields.
    void statsCommand(std::size_t b, std::size_t e, bool collapses);
    void lookupCommand(std::size_t b, std::size_t e);
    /// output=name / OUTPUT names: computed.
    void outputNames(std::size_t b, std::size_t e);
    /// tstats: the aggregates before FROM / WHERE / BY, then the BY keys.
    void aggregates(std::size_t b, std::size_t e);
    void groupBy(std::size_t b, std::size_t e);
    /// After `join ... [subsearch]`: the event fields the subsearch's rows carry are known here,
    /// by the names the subsearch gives them.
    void importFields(const SplSearchReader& inner);

private:
    struct Resolved {
        std::string field;
        std::string function;
        bool onEventField = true;
    };
    Resolved resolve(const std::string& name) const;
    void setComputed(const std::string& name);
    void setAlias(const std::string& name, std::string field, std::string function = {});
    /// `f(arg) as name` pairs and bare words of a stats-like argument list.
    void outputsOf(std::size_t b, std::size_t e, bool aliasValues);

    const SplExpanded& m_ex;
    const QuerySource& m_src;
    struct Alias {
        std::string field;
        std::string function;
    };
    std::map<std::string, Alias> m_aliases;
    std::vector<std::string> m_prefixDrops; ///< rename X.* AS *: bare names stand for X.name
    std::set<std::string> m_computed;
    bool m_aggregated = false;
    std::set<std::string> m_groupKeys; ///< resolved field names
    std::set<std::string> m_pendingKeys;

    friend class SplSearchParser;
    friend class SplEvalParser;
};

} // namespace sigma
