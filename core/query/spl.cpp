// Splunk SPL: macros expanded (query/splexpand.h), the pipeline split into commands, and the
// commands that filter read into predicates, after Splunk's Search Reference:
//   the implicit first `search` and later `search`: terms, "phrases", field=value, != < <= > >=,
//   field IN (...), NOT / OR / AND (implied), parentheses; OR binds tighter than AND; `*` is always
//   a wildcard; values compare folded; CASE() makes a term cased; [subsearches] are opaque;
//   `tstats ... from datamodel=X.Y where <search expression> by ...`;
//   `where` (eval expressions: AND before OR; = == != < > LIKE IN; like(), match(), isnull(),
//   isnotnull(), cidrmatch(), in(), lower()/upper() comparisons; all cased unless lowered);
//   `regex field="re"`.
// `rename X.* AS *` (drop_dm_object_name) maps bare names back to X.name; names that eval, rex,
// lookup or stats compute are not event fields; after stats / tstats only the BY keys (and
// values()/latest() of a field) are. lookup, inputlookup and every other stage are noted.

#include "query/query.h"
#include "query/splexpand.h"
#include "query/splsearch.h"
#include "query/treebuild.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma {

namespace {

struct Segment {
    std::size_t begin = 0, end = 0; ///< in the expanded text
};

/// Splits [b, e) of the expanded text at top-level pipes (outside quotes and [subsearches]).
std::vector<Segment> splitPipeline(const std::string& t, std::size_t b, std::size_t e)
{
    std::vector<Segment> out;
    std::size_t start = b;
    int brackets = 0;
    for (std::size_t i = b; i <= e; ++i) {
        if (i == e || (t[i] == '|' && brackets == 0)) {
            out.push_back({start, i});
            start = i + 1;
            continue;
        }
        const char c = t[i];
        if (c == '"') {
            for (++i; i < e && t[i] != '"'; ++i)
                if (t[i] == '\\')
                    ++i;
            if (i >= e)
                i = e - 1; // unterminated: the reader of the segment says so
        } else if (c == '[') {
            ++brackets;
        } else if (c == ']' && brackets > 0) {
            --brackets;
        }
    }
    return out;
}

class SplReader {
public:
    SplReader(const QuerySource& source, ParsedQuery& out, SplExpanded expanded)
        : m_src(source)
        , m_out(out)
        , m_ex(std::move(expanded))
        , m_fields(m_ex, source)
    {}

    PredicateNode run()
    {
        for (const auto& [name, span] : m_ex.missing)
            m_out.notes.push_back(
                {QueryNote::Kind::Other, "macro not found: " + name, m_src.span(span.first, span.second)});
        return pipeline(0, m_ex.text.size(), m_fields);
    }

private:
    /// The filters of the pipeline in [b, e) (the whole search, or a [subsearch]), And'ed.
    PredicateNode pipeline(std::size_t from, std::size_t to, SplSearchReader& fields)
    {
        const querytree::DepthGuard depthGuard(m_depth,
                                               m_ex.from.empty() ? 0 : m_ex.from[std::min(from, m_ex.from.size() - 1)]);
        const auto segments = splitPipeline(m_ex.text, from, to);
        std::vector<PredicateNode> filters;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            std::size_t b = segments[i].begin, e = segments[i].end;
            while (b < e && querytree::isBlank(m_ex.text[b]))
                ++b;
            while (e > b && querytree::isBlank(m_ex.text[e - 1]))
                --e;
            if (b == e)
                continue; // `| x_filter` expanded to nothing, or the leading pipe
            if (i == 0 && !wordAt(b, e, "search")) {
                addFilter(filters, fields.search(b, e, m_out)); // the implicit search command
                continue;
            }
            command(b, e, filters, fields);
        }
        return querytree::logical(PredicateNode::Kind::And, std::move(filters), m_fields.span(from, to));
    }

    /// join [type=...] fields [subsearch]: an inner join keeps the events the subsearch finds, so
    /// its filters are the rule's; its fields are known after the join.
    void join(std::size_t b, std::size_t e, std::vector<PredicateNode>& filters, SplSearchReader& fields)
    {
        const std::string& t = m_ex.text;
        std::size_t open = b;
        while (open < e && t[open] != '[')
            ++open;
        if (open >= e || t[e - 1] != ']')
            return;
        const std::string options = asciiLowered(std::string_view(t).substr(b, open - b));
        const bool outer =
            options.find("type=left") != std::string::npos || options.find("type=outer") != std::string::npos;
        SplSearchReader inner(m_ex, m_src);
        PredicateNode sub = pipeline(open + 1, e - 1, inner);
        fields.importFields(inner);
        if (!outer)
            addFilter(filters, std::move(sub));
    }

private:
    bool wordAt(std::size_t b, std::size_t e, std::string_view w) const
    {
        return e - b >= w.size() && asciiLowered(std::string_view(m_ex.text).substr(b, w.size())) == w &&
               (e - b == w.size() || querytree::isBlank(m_ex.text[b + w.size()]));
    }

    static void addFilter(std::vector<PredicateNode>& filters, PredicateNode n)
    {
        if (n.kind == PredicateNode::Kind::And && n.children.empty())
            return; // an empty search
        filters.push_back(std::move(n));
    }

    void command(std::size_t b, std::size_t e, std::vector<PredicateNode>& filters, SplSearchReader& fields)
    {
        std::size_t p = b;
        while (p < e && !querytree::isBlank(m_ex.text[p]))
            ++p;
        const std::string name = asciiLowered(std::string_view(m_ex.text).substr(b, p - b));
        while (p < e && querytree::isBlank(m_ex.text[p]))
            ++p;
        const SourceSpan span = fields.span(b, e);
        if (name == "search") {
            addFilter(filters, fields.search(p, e, m_out));
            return;
        }
        if (name == "where") {
            addFilter(filters, fields.where(p, e));
            return;
        }
        if (name == "regex") {
            addFilter(filters, fields.regexCommand(p, e));
            return;
        }
        if (name == "join") {
            join(p, e, filters, fields);
            m_out.notes.push_back({QueryNote::Kind::Lookup, "join", span});
            return;
        }
        if (name == "tstats") {
            addFilter(filters, tstats(p, e, fields));
            m_out.notes.push_back({QueryNote::Kind::Aggregation, "tstats", span});
            return;
        }
        QueryNote::Kind kind = QueryNote::Kind::Other;
        if (name == "eval") {
            fields.evalCommand(p, e);
            kind = QueryNote::Kind::Projection;
        } else if (name == "rex") {
            fields.rexCommand(p, e);
            kind = QueryNote::Kind::Projection;
        } else if (name == "rename") {
            fields.renameCommand(p, e);
            kind = QueryNote::Kind::Projection;
        } else if (name == "stats" || name == "chart" || name == "timechart" || name == "top" || name == "rare") {
            fields.statsCommand(p, e, true);
            kind = QueryNote::Kind::Aggregation;
        } else if (name == "eventstats" || name == "streamstats") {
            fields.statsCommand(p, e, false);
            kind = QueryNote::Kind::Aggregation;
        } else if (name == "lookup" || name == "inputlookup" || name == "outputlookup") {
            fields.lookupCommand(p, e);
            if (name == "inputlookup")
                fields.groupBy(e, e); // the rows are the lookup's, not events: no event fields after it
            kind = QueryNote::Kind::Lookup;
        } else if (name == "table" || name == "fields" || name == "spath" || name == "fillnull" || name == "mvexpand" ||
                   name == "makemv" || name == "dedup") {
            if (name == "spath")
                fields.outputNames(p, e);
            kind = QueryNote::Kind::Projection;
        } else if (name == "datamodel" || name == "from" || name == "rest" || name == "makeresults") {
            kind = QueryNote::Kind::Source;
        }
        m_out.notes.push_back({kind, name, span});
    }

    /// tstats [options] aggregates [from datamodel=X.Y] [where <search>] [by keys]
    PredicateNode tstats(std::size_t b, std::size_t e, SplSearchReader& fields)
    {
        const std::string& t = m_ex.text;
        // top-level words: positions of from / where / by
        std::size_t fromAt = e, whereAt = e, byAt = e;
        int depth = 0;
        for (std::size_t i = b; i < e; ++i) {
            const char c = t[i];
            if (c == '"') {
                for (++i; i < e && t[i] != '"'; ++i)
                    if (t[i] == '\\')
                        ++i;
                continue;
            }
            if (c == '(')
                ++depth;
            else if (c == ')')
                --depth;
            if (depth != 0 || (i > b && !querytree::isBlank(t[i - 1])))
                continue;
            auto word = [&](std::string_view w) {
                return i + w.size() <= e && asciiLowered(std::string_view(t).substr(i, w.size())) == w &&
                       (i + w.size() == e || querytree::isBlank(t[i + w.size()]));
            };
            if (fromAt == e && whereAt == e && word("from"))
                fromAt = i;
            else if (whereAt == e && word("where"))
                whereAt = i;
            else if (byAt == e && word("by") && i > whereAt)
                byAt = i;
            else if (byAt == e && whereAt == e && word("by"))
                byAt = i;
        }
        const std::size_t aggEnd = std::min({fromAt, whereAt, byAt});
        if (fromAt < e) {
            const std::size_t stop = std::min(whereAt, byAt);
            std::string from(t.substr(fromAt + 4, stop - fromAt - 4));
            from.erase(
                std::remove_if(from.begin(), from.end(), [](char c) { return querytree::isBlank(c) || c == '"'; }),
                from.end());
            if (!from.empty())
                m_out.sources.push_back(from);
        }
        // the WHERE clause is read before the aggregates and keys take effect
        PredicateNode filter;
        filter.kind = PredicateNode::Kind::And;
        if (whereAt < e) {
            const std::size_t stop = byAt > whereAt ? byAt : e;
            filter = fields.search(whereAt + 5, stop, m_out);
        }
        fields.aggregates(b, aggEnd);
        fields.groupBy(byAt < e ? byAt + 2 : e, e);
        return filter;
    }

    const QuerySource& m_src;
    ParsedQuery& m_out;
    SplExpanded m_ex;
    SplSearchReader m_fields;
    int m_depth = 0;
};

} // namespace

ParsedQuery parseSpl(const QuerySource& source, const SplMacros* macros)
{
    return querytree::readQuery(QueryLanguage::Spl, source, [&](ParsedQuery& result) {
        SplReader reader(source, result, expandSplMacros(source.text(), macros));
        result.root = reader.run();
    });
}

} // namespace sigma
