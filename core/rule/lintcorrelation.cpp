// Linter checks of correlation documents (see lintcorrelation.h).
#include "rule/lintcorrelation.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace sigma {

namespace {

const std::vector<LintCheckInfo> kCorrelationChecks{
    {"correlation-unknown-rule", Severity::Error,
     "a correlation refers to a rule or correlation (id or name) that is not loaded"},
    {"correlation-cycle", Severity::Error, "correlations refer to each other in a cycle"},
    {"correlation-group-by-field", Severity::Warning,
     "a group-by field (after aliases) is not a field of a referenced rule's log source"},
    {"correlation-alias-rule", Severity::Warning, "an alias names a rule the correlation does not refer to"},
    {"timespan-unit", Severity::Warning, "a timespan unit outside the specification (w, M, y: pySigma only)"},
    {"correlation-missing-group-by", Severity::Warning,
     "an event_count, value_count, temporal or temporal_ordered correlation without group-by"},
    {"correlation-single-rule", Severity::Warning, "a temporal or temporal_ordered correlation of fewer than 2 rules"},
};

struct Doc {
    const ParsedFile* file = nullptr;
    const Rule* rule = nullptr;
    const Correlation* correlation = nullptr;
    const std::string& id() const { return rule ? rule->id : correlation->id; }
    const std::string& name() const { return rule ? rule->name : correlation->name; }
};

class Index {
public:
    void add(const ParsedFile& file)
    {
        for (const auto& d : file.documents) {
            if (const Rule* r = d.rule())
                m_docs.push_back({&file, r, nullptr});
            else if (const Correlation* c = d.correlation())
                m_docs.push_back({&file, nullptr, c});
        }
    }
    const Doc* find(const std::string& ref) const
    {
        for (const auto& d : m_docs)
            if (!d.id().empty() && d.id() == ref)
                return &d;
        for (const auto& d : m_docs)
            if (!d.name().empty() && d.name() == ref)
                return &d;
        return nullptr;
    }
    const std::vector<Doc>& docs() const { return m_docs; }

private:
    std::vector<Doc> m_docs;
};

SourceSpan spanOf(const Correlation& c, const std::string& key)
{
    auto it = c.valueSpans.find(key);
    return it == c.valueSpans.end() ? SourceSpan{} : it->second;
}

struct Reporter {
    const LintOptions& options;
    Diagnostics& out;

    void add(const std::string& code, std::string message, const std::string& file, SourceSpan span) const
    {
        if (std::find(options.disabled.begin(), options.disabled.end(), code) != options.disabled.end())
            return;
        Severity sev = Severity::Warning;
        for (const auto& c : kCorrelationChecks)
            if (c.code == code)
                sev = c.severity;
        out.push_back({sev, code, std::move(message), file, span});
    }
};

bool hasRules(const ParsedFile& file)
{
    return std::any_of(file.documents.begin(), file.documents.end(), [](const Document& d) { return d.rule(); });
}

/// Checks of one correlation whose references resolve in `index`.
void checkCorrelation(const ParsedFile& file, const Correlation& c, const Index& index, bool reportUnknown,
                      const Reporter& r)
{
    std::set<std::string> referenced;
    for (const auto& ref : c.rules) {
        referenced.insert(ref);
        const Doc* d = index.find(ref);
        if (!d) {
            if (reportUnknown)
                r.add("correlation-unknown-rule",
                      "'" + ref + "' is neither a rule nor a correlation here (by id or by name)", file.file,
                      spanOf(c, "correlation.rules"));
            continue;
        }
        referenced.insert(d->id());
        referenced.insert(d->name());
        if (!d->rule || !r.options.fieldKnown)
            continue;
        for (const auto& g : c.groupBy) {
            std::string field = g;
            if (auto a = c.aliases.find(g); a != c.aliases.end()) {
                for (const auto& key : {ref, d->name(), d->id()})
                    if (auto f = a->second.find(key); !key.empty() && f != a->second.end()) {
                        field = f->second;
                        break;
                    }
            }
            if (r.options.fieldKnown(d->rule->logsource, field) == std::optional<bool>(false))
                r.add("correlation-group-by-field",
                      "the group-by field '" + field + "' is not a field of the log source of '" + d->rule->title +
                          "' (" + ref + "): its events would all fall in the empty-value group",
                      file.file, spanOf(c, "correlation.group-by"));
        }
    }
    for (const auto& [alias, byRule] : c.aliases)
        for (const auto& [rule, field] : byRule)
            if (!referenced.count(rule))
                r.add("correlation-alias-rule",
                      "the alias '" + alias + "' names '" + rule + "', which the correlation does not refer to",
                      file.file, spanOf(c, "correlation.aliases"));
    if (!c.timespan.empty()) {
        const char unit = c.timespan.back();
        if (unit == 'w' || unit == 'M' || unit == 'y')
            r.add("timespan-unit",
                  std::string("the unit '") + unit +
                      "' is pySigma's, not the specification's (s, m, h, d): other tools may reject it",
                  file.file, spanOf(c, "correlation.timespan"));
    }
}

/// What a correlation of its type needs besides what the parser requires: group-by (the
/// specification marks it mandatory and lists it under "Requires" for the counting types;
/// pySigma-validators-sigmaHQ checks the four types below) and, for the temporal types, two rules.
void checkCorrelationShape(const ParsedFile& file, const Correlation& c, const Reporter& r)
{
    const bool temporal = c.type == "temporal" || c.type == "temporal_ordered";
    if ((temporal || c.type == "event_count" || c.type == "value_count") && c.groupBy.empty())
        r.add("correlation-missing-group-by",
              "a " + c.type + " correlation without group-by correlates the events of every host and user together",
              file.file, spanOf(c, "correlation.type"));
    if (temporal && !c.rules.empty() && c.rules.size() < 2)
        r.add("correlation-single-rule", "a " + c.type + " correlation of one rule: it needs two at least", file.file,
              spanOf(c, "correlation.rules"));
}

/// Correlations on a cycle; `report(doc)` is called for each member of each cycle found.
void findCycles(const Index& index, const std::function<void(const Doc&, const std::vector<const Doc*>&)>& report)
{
    std::map<const Doc*, int> state;
    std::vector<const Doc*> stack;
    std::function<void(const Doc*)> visit = [&](const Doc* d) {
        state[d] = 1;
        stack.push_back(d);
        for (const auto& ref : d->correlation->rules) {
            const Doc* next = index.find(ref);
            if (!next || !next->correlation)
                continue;
            if (state[next] == 1) {
                auto from = std::find(stack.begin(), stack.end(), next);
                const std::vector<const Doc*> cycle(from, stack.end());
                for (const Doc* m : cycle)
                    report(*m, cycle);
            } else if (state[next] == 0) {
                visit(next);
            }
        }
        stack.pop_back();
        state[d] = 2;
    };
    for (const auto& d : index.docs())
        if (d.correlation && state[&d] == 0)
            visit(&d);
}

std::string cycleText(const std::vector<const Doc*>& cycle)
{
    std::string s;
    for (const Doc* d : cycle)
        s += (d->name().empty() ? d->id() : d->name()) + " -> ";
    return s + (cycle.front()->name().empty() ? cycle.front()->id() : cycle.front()->name());
}

} // namespace

void lintCorrelationFile(const ParsedFile& file, const LintOptions& options, Diagnostics& out)
{
    Index index;
    index.add(file);
    const Reporter r{options, out};
    const bool bundle = hasRules(file);
    for (const auto& d : file.documents)
        if (const Correlation* c = d.correlation()) {
            checkCorrelation(file, *c, index, bundle, r);
            checkCorrelationShape(file, *c, r);
        }
    std::set<const Correlation*> reported;
    findCycles(index, [&](const Doc& d, const std::vector<const Doc*>& cycle) {
        if (reported.insert(d.correlation).second)
            r.add("correlation-cycle", "the correlations refer to each other: " + cycleText(cycle), file.file,
                  spanOf(*d.correlation, "correlation.rules"));
    });
}

void lintCorrelationSet(const std::vector<const ParsedFile*>& files, const LintOptions& options, Diagnostics& out)
{
    Index index;
    for (const ParsedFile* f : files)
        index.add(*f);
    const Reporter r{options, out};
    for (const ParsedFile* f : files) {
        if (hasRules(*f))
            continue; // lintCorrelationFile checked it against its own rules
        Index local;
        local.add(*f);
        for (const auto& d : f->documents)
            if (const Correlation* c = d.correlation()) {
                // What lintCorrelationFile could resolve in the file, it checked already.
                Correlation outside = *c;
                outside.rules.clear();
                for (const auto& ref : c->rules)
                    if (!local.find(ref))
                        outside.rules.push_back(ref);
                outside.aliases.clear();
                outside.timespan.clear();
                checkCorrelation(*f, outside, index, true, r);
            }
    }
    std::set<const Correlation*> reported;
    findCycles(index, [&](const Doc& d, const std::vector<const Doc*>& cycle) {
        const bool oneFile = std::all_of(cycle.begin(), cycle.end(), [&](const Doc* m) { return m->file == d.file; });
        if (!oneFile && reported.insert(d.correlation).second) // one file: lintCorrelationFile's
            r.add("correlation-cycle", "the correlations refer to each other: " + cycleText(cycle), d.file->file,
                  spanOf(*d.correlation, "correlation.rules"));
    });
}

const std::vector<LintCheckInfo>& correlationLintChecks()
{
    return kCorrelationChecks;
}

} // namespace sigma
