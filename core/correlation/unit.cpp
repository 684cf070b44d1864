// Compiling rules, filters and correlations into one CorrelationUnit.
#include "correlation/correlation.h"

#include "rule/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <set>

namespace sigma {

namespace {

std::optional<CorrelationKind> kindFromName(const std::string& type)
{
    static const std::map<std::string, CorrelationKind> kinds{
        {"event_count", CorrelationKind::EventCount},
        {"value_count", CorrelationKind::ValueCount},
        {"temporal", CorrelationKind::Temporal},
        {"temporal_ordered", CorrelationKind::TemporalOrdered},
        {"value_sum", CorrelationKind::ValueSum},
        {"value_avg", CorrelationKind::ValueAvg},
        {"value_percentile", CorrelationKind::ValuePercentile},
        {"value_median", CorrelationKind::ValuePercentile},
    };
    auto it = kinds.find(type);
    if (it == kinds.end())
        return std::nullopt;
    return it->second;
}

std::optional<CorrelationOp> opFromName(const std::string& op)
{
    static const std::map<std::string, CorrelationOp> ops{
        {"gt", CorrelationOp::Gt},   {"gte", CorrelationOp::Gte}, {"lt", CorrelationOp::Lt},
        {"lte", CorrelationOp::Lte}, {"eq", CorrelationOp::Eq},   {"neq", CorrelationOp::Neq},
    };
    auto it = ops.find(op);
    if (it == ops.end())
        return std::nullopt;
    return it->second;
}

const char* opName(CorrelationOp op)
{
    switch (op) {
    case CorrelationOp::Gt:
        return "gt";
    case CorrelationOp::Gte:
        return "gte";
    case CorrelationOp::Lt:
        return "lt";
    case CorrelationOp::Lte:
        return "lte";
    case CorrelationOp::Eq:
        return "eq";
    case CorrelationOp::Neq:
        return "neq";
    }
    return "?";
}

std::string numberText(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

/// pySigma's containment: every attribute the filter's log source names equals the rule's.
bool logSourceContains(const LogSource& filter, const LogSource& rule)
{
    auto same = [](const std::string& f, const std::string& r) { return f.empty() || f == r; };
    return same(filter.category, rule.category) && same(filter.product, rule.product) &&
           same(filter.service, rule.service);
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

struct PendingCorrelation {
    const Correlation* doc = nullptr;
    std::string file;
    bool valid = true;
    std::vector<CompiledCorrelation::Input> inputs;
};

} // namespace

std::string CompiledCorrelation::conditionText() const
{
    std::string out;
    for (const auto& t : condition) {
        if (!out.empty())
            out += " and ";
        out += opName(t.op);
        out += ' ';
        out += numberText(t.value);
    }
    return out;
}

bool CorrelationUnit::passesFilters(const Event& event, std::size_t rule) const
{
    for (const auto& f : m_rules[rule].filters)
        if (!f->conditionMatches(event))
            return false;
    return true;
}

void CorrelationUnit::match(const Event& event, std::vector<std::size_t>& out) const
{
    m_set.match(event, out);
    out.erase(std::remove_if(out.begin(), out.end(), [&](std::size_t r) { return !passesFilters(event, r); }),
              out.end());
}

std::optional<std::size_t> CorrelationUnit::findCorrelation(std::string_view idOrName) const
{
    if (idOrName.empty())
        return std::nullopt;
    for (std::size_t i = 0; i < m_correlations.size(); ++i)
        if (m_correlations[i].doc.id == idOrName || m_correlations[i].doc.name == idOrName)
            return i;
    return std::nullopt;
}

std::optional<std::size_t> CorrelationUnit::findRule(std::string_view idOrName) const
{
    if (idOrName.empty())
        return std::nullopt;
    for (std::size_t i = 0; i < m_rules.size(); ++i)
        if (m_rules[i].rule->rule().id == idOrName || m_rules[i].rule->rule().name == idOrName)
            return i;
    return std::nullopt;
}

struct CorrelationUnitBuilder {
    static CorrelationUnitResult build(const std::vector<ParsedFile>& files, const CompileOptions& options);
};

CorrelationUnitResult CorrelationUnitBuilder::build(const std::vector<ParsedFile>& files, const CompileOptions& options)
{
    CorrelationUnitResult out;
    auto unit = std::make_shared<CorrelationUnit>();
    Diagnostics& diags = out.diagnostics;
    std::vector<PendingCorrelation> pending;
    std::vector<std::pair<const Filter*, std::string>> filters;

    for (const auto& file : files) {
        bool failed = false;
        for (const auto& d : file.diagnostics) {
            if (d.severity == Severity::Info)
                continue;
            failed = failed || d.severity == Severity::Error;
            diags.push_back(d);
        }
        if (failed)
            continue; // like the rule loader: a file with errors is left out whole
        for (const auto& doc : file.documents) {
            if (const Rule* rule = doc.rule()) {
                CompileResult c = compileRule(*rule, file.file, options);
                for (auto& d : c.diagnostics)
                    if (d.severity != Severity::Info)
                        diags.push_back(std::move(d));
                if (c.rule) {
                    unit->m_rules.push_back(UnitRule{std::move(c.rule), {}, {}, true, {}});
                    unit->m_rules.back().document = doc.index;
                }
            } else if (const Correlation* corr = doc.correlation()) {
                pending.push_back(PendingCorrelation{corr, file.file, true, {}});
            } else if (const Filter* filter = doc.filter()) {
                filters.emplace_back(filter, file.file);
            }
        }
    }

    // Filters: compiled as rules of their own (condition only), attached to the rules they name.
    CompileOptions filterOptions = options;
    filterOptions.scopeByLogSource = false;
    for (const auto& [filter, file] : filters) {
        Rule asRule;
        asRule.title = filter->title;
        asRule.id = filter->id;
        asRule.logsource = filter->logsource;
        asRule.detection = filter->detection;
        asRule.conditions = filter->conditions;
        CompileResult c = compileRule(asRule, file, filterOptions);
        for (auto& d : c.diagnostics)
            if (d.severity != Severity::Info)
                diags.push_back(std::move(d));
        if (!c.rule)
            continue;
        const bool any = filter->rules.size() == 1 && equalsIgnoringCase(filter->rules.front(), "any");
        bool applied = false;
        for (const auto& reference : filter->rules) {
            bool found = false;
            for (auto& r : unit->m_rules) {
                const Rule& rule = r.rule->rule();
                if (!any && rule.id != reference && (rule.name.empty() || rule.name != reference))
                    continue;
                found = true;
                if (!logSourceContains(filter->logsource, rule.logsource))
                    continue; // pySigma: a filter applies only to rules of its log source
                if (std::find(r.filters.begin(), r.filters.end(), c.rule) == r.filters.end()) {
                    r.filters.push_back(c.rule);
                    r.filterTitles.push_back(filter->title);
                    applied = true;
                }
            }
            if (!found && !any) {
                auto it = filter->valueSpans.find("filter");
                diags.push_back(makeDiagnostic(Severity::Warning, "unknown-filter-rule",
                                               "the filter names '" + reference + "', which is not a loaded rule", file,
                                               it != filter->valueSpans.end() ? it->second : SourceSpan{}));
            }
        }
        out.filters += applied;
    }

    // Correlation references: base rules first (by id, then name), then correlations.
    auto findRule = [&](const std::string& ref) -> std::optional<std::size_t> { return unit->findRule(ref); };
    auto findPending = [&](const std::string& ref) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < pending.size(); ++i)
            if (pending[i].doc->id == ref || (!pending[i].doc->name.empty() && pending[i].doc->name == ref))
                return i;
        return std::nullopt;
    };
    for (auto& p : pending) {
        const Correlation& c = *p.doc;
        auto rulesSpan = c.valueSpans.count("correlation.rules") ? c.valueSpans.at("correlation.rules") : SourceSpan{};
        if (!kindFromName(c.type) || c.rules.empty() || c.timespanSeconds <= 0) {
            p.valid = false; // the parser reported it
            continue;
        }
        for (const auto& ref : c.rules) {
            if (auto r = findRule(ref)) {
                p.inputs.push_back({false, *r, ref});
            } else if (auto q = findPending(ref)) {
                p.inputs.push_back({true, *q, ref});
            } else {
                diags.push_back(
                    makeDiagnostic(Severity::Error, "unknown-correlation-rule",
                                   "the correlation '" + c.title + "' refers to '" + ref +
                                       "', which is neither a loaded rule nor a correlation (by id or name)",
                                   p.file, rulesSpan));
                p.valid = false;
            }
        }
    }
    // Cycles and invalid references, depth first; `order` lists valid correlations after their inputs.
    std::vector<int> state(pending.size(), 0); // 0 new, 1 on the stack, 2 done
    std::vector<std::size_t> order;
    std::function<bool(std::size_t)> visit = [&](std::size_t i) -> bool {
        if (state[i] == 2)
            return pending[i].valid;
        if (state[i] == 1) {
            const auto& c = *pending[i].doc;
            auto it = c.valueSpans.find("correlation.rules");
            diags.push_back(makeDiagnostic(Severity::Error, "correlation-cycle",
                                           "the correlation '" + c.title + "' refers back to itself through its rules",
                                           pending[i].file, it != c.valueSpans.end() ? it->second : SourceSpan{}));
            pending[i].valid = false;
            return false;
        }
        state[i] = 1;
        bool ok = pending[i].valid;
        for (const auto& in : pending[i].inputs)
            if (in.isCorrelation && !visit(in.index))
                ok = false;
        if (pending[i].valid && !ok) {
            const auto& c = *pending[i].doc;
            auto it = c.valueSpans.find("correlation.rules");
            diags.push_back(
                makeDiagnostic(Severity::Error, "correlation-input-invalid",
                               "the correlation '" + c.title + "' refers to a correlation that cannot be evaluated",
                               pending[i].file, it != c.valueSpans.end() ? it->second : SourceSpan{}));
        }
        pending[i].valid = pending[i].valid && ok;
        state[i] = 2;
        if (pending[i].valid)
            order.push_back(i);
        return pending[i].valid;
    };
    for (std::size_t i = 0; i < pending.size(); ++i)
        visit(i);

    // Compile the valid ones, in document order; inputs re-indexed.
    std::vector<std::size_t> newIndex(pending.size(), SIZE_MAX);
    for (std::size_t i = 0; i < pending.size(); ++i)
        if (pending[i].valid)
            newIndex[i] = unit->m_correlations.size(), unit->m_correlations.emplace_back();
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (!pending[i].valid)
            continue;
        CompiledCorrelation& cc = unit->m_correlations[newIndex[i]];
        cc.doc = *pending[i].doc;
        cc.file = pending[i].file;
        cc.kind = *kindFromName(cc.doc.type);
        if (cc.doc.type == "value_median")
            cc.percentile = 50;
        else if (cc.doc.conditionPercentile)
            cc.percentile = *cc.doc.conditionPercentile;
        cc.span = cc.doc.timespanSeconds * 1'000'000;
        cc.inputs = pending[i].inputs;
        for (auto& in : cc.inputs)
            if (in.isCorrelation)
                in.index = newIndex[in.index];
        // Aliases are keyed by rule name (spec); the id or the reference as written are accepted too.
        auto aliasFor = [&](const std::string& field, const CompiledCorrelation::Input& in) -> std::string {
            auto a = cc.doc.aliases.find(field);
            if (a == cc.doc.aliases.end())
                return field;
            std::vector<std::string> keys{in.reference};
            if (in.isCorrelation) {
                keys.push_back(
                    pending[std::find(newIndex.begin(), newIndex.end(), in.index) - newIndex.begin()].doc->name);
                keys.push_back(
                    pending[std::find(newIndex.begin(), newIndex.end(), in.index) - newIndex.begin()].doc->id);
            } else {
                keys.push_back(unit->m_rules[in.index].rule->rule().name);
                keys.push_back(unit->m_rules[in.index].rule->rule().id);
            }
            for (const auto& k : keys)
                if (!k.empty())
                    if (auto f = a->second.find(k); f != a->second.end())
                        return f->second;
            return field;
        };
        for (const auto& in : cc.inputs) {
            std::vector<std::string> fields;
            for (const auto& g : cc.doc.groupBy)
                fields.push_back(aliasFor(g, in));
            std::vector<FieldNames::Id> keys;
            for (const auto& f : fields)
                keys.push_back(cc.names->intern(f).key);
            cc.groupFields.push_back(std::move(fields));
            cc.groupKeys.push_back(std::move(keys));
            std::vector<std::string> values;
            std::vector<FieldNames::Id> valueKeys;
            for (const auto& f : cc.doc.conditionFields) {
                values.push_back(aliasFor(f, in));
                valueKeys.push_back(cc.names->intern(values.back()).key);
            }
            cc.valueFields.push_back(std::move(values));
            cc.valueKeys.push_back(std::move(valueKeys));
        }
        for (const auto& t : cc.doc.condition) {
            auto op = opFromName(t.op);
            double v = 0;
            const char* b = t.value.data();
            auto [p, ec] = std::from_chars(b, b + t.value.size(), v);
            if (!op || ec != std::errc() || p != b + t.value.size())
                continue; // reported by the parser
            cc.condition.push_back({*op, v});
        }
        const bool temporal = cc.kind == CorrelationKind::Temporal || cc.kind == CorrelationKind::TemporalOrdered;
        if (cc.condition.empty() && temporal) // pySigma: all the rules
            cc.condition.push_back({CorrelationOp::Gte, double(cc.inputs.size())});
        const bool counts =
            cc.kind == CorrelationKind::EventCount || cc.kind == CorrelationKind::ValueCount || temporal;
        cc.earlyFire = counts && !cc.condition.empty() &&
                       std::all_of(cc.condition.begin(), cc.condition.end(), [](const CorrelationTerm& t) {
                           return t.op == CorrelationOp::Gt || t.op == CorrelationOp::Gte;
                       });
    }
    // Evaluation order, delays, consumers, generate.
    std::vector<int> referenced(unit->m_rules.size(), 0), generating(unit->m_rules.size(), 0);
    std::vector<int> corrReferenced(unit->m_correlations.size(), 0), corrGenerating(unit->m_correlations.size(), 0);
    for (std::size_t i : order) {
        const std::size_t ci = newIndex[i];
        CompiledCorrelation& cc = unit->m_correlations[ci];
        cc.order = unit->m_order.size();
        unit->m_order.push_back(ci);
        for (std::size_t k = 0; k < cc.inputs.size(); ++k) {
            const auto& in = cc.inputs[k];
            if (in.isCorrelation) {
                const auto& inner = unit->m_correlations[in.index];
                cc.delay = std::max(cc.delay, inner.delay + (inner.earlyFire ? 0 : inner.span));
                ++corrReferenced[in.index];
                corrGenerating[in.index] += cc.doc.generate;
            } else {
                unit->m_rules[in.index].consumers.emplace_back(ci, k);
                ++referenced[in.index];
                generating[in.index] += cc.doc.generate;
            }
        }
    }
    for (std::size_t r = 0; r < unit->m_rules.size(); ++r)
        unit->m_rules[r].reportAlone = referenced[r] == 0 || generating[r] > 0;
    for (std::size_t c = 0; c < unit->m_correlations.size(); ++c)
        unit->m_correlations[c].reportAlone = corrReferenced[c] == 0 || corrGenerating[c] > 0;

    RuleSetBuilder builder;
    for (const auto& r : unit->m_rules)
        builder.add(r.rule);
    unit->m_set = builder.build();
    out.unit = std::move(unit);
    return out;
}

CorrelationUnitResult compileCorrelationUnit(const std::vector<ParsedFile>& files, const CompileOptions& options)
{
    return CorrelationUnitBuilder::build(files, options);
}

CorrelationUnitResult loadCorrelationUnit(const std::vector<std::string>& paths, const CompileOptions& options)
{
    std::vector<ParsedFile> files;
    files.reserve(paths.size());
    for (const auto& p : paths)
        files.push_back(parseRuleFile(p));
    return compileCorrelationUnit(files, options);
}

} // namespace sigma
