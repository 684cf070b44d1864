#include "corpus/impact.h"

#include "corpus/corpus.h"

#include <algorithm>
#include <iterator>

namespace sigma {

const char* indicatorChangeKindName(IndicatorChangeKind kind)
{
    switch (kind) {
    case IndicatorChangeKind::Added:
        return "added";
    case IndicatorChangeKind::Removed:
        return "removed";
    case IndicatorChangeKind::Changed:
        return "changed";
    case IndicatorChangeKind::Same:
        break;
    }
    return "same";
}

std::size_t ImpactResult::indicatorsChanged() const
{
    return static_cast<std::size_t>(std::count_if(indicators.begin(), indicators.end(), [](const IndicatorImpact& i) {
        return i.change != IndicatorChangeKind::Same;
    }));
}

bool evaluateImpactSide(const std::string& text, const std::string& file, const EventList& events,
                        const ImpactOptions& options, ImpactSide& out)
{
    AnalysisOptions analysis;
    analysis.compile = options.compile;
    analysis.lint = false; // the impact is about matches: the editor lints on its own
    out = ImpactSide{};
    out.analysis = analyzeRuleText(text, file, analysis);
    const Rule* rule = out.analysis.rule();
    if (!rule)
        return true;
    EvaluateOptions evaluate;
    evaluate.cancel = options.cancel;
    evaluate.threads = options.threads;
    evaluate.lowPriority = options.lowPriority;
    evaluate.searchCache = false; // a one-off evaluation
    if (!evaluateEvents(*out.analysis.compiled, events, evaluate, out.verdicts))
        return false;
    if (!options.baseline) {
        out.baseline.indicators = ruleIndicators(*rule);
        return true;
    }
    BaselineOptions baseline;
    baseline.scopeToLogSource = options.compile.scopeByLogSource;
    baseline.translateSecurity5156 = options.compile.translateSecurity5156;
    baseline.cancel = options.cancel;
    baseline.threads = options.threads;
    baseline.lowPriority = options.lowPriority;
    out.baseline = baselineNoise(*rule, file, events, baseline);
    out.hitsCounted = true;
    return !(options.cancel && options.cancel->load());
}

namespace {

bool sameUse(const Indicator& a, const Indicator& b)
{
    return a.excluded == b.excluded && a.transformations == b.transformations;
}

std::optional<std::size_t> hitsOf(const ImpactSide& side, std::size_t i, bool counted)
{
    if (!counted || i >= side.baseline.hits.size())
        return std::nullopt;
    return side.baseline.hits[i];
}

} // namespace

ImpactResult compareImpact(const ImpactSide& before, const ImpactSide& after, const Corpus* corpus,
                           const std::vector<std::string>& files)
{
    ImpactResult r;
    r.beforeCompiled = before.compiled();
    r.afterCompiled = after.compiled();
    // Hits compare only when both versions were counted (one without them has none to compare).
    r.hitsCounted = (before.hitsCounted || !before.compiled()) && (after.hitsCounted || !after.compiled()) &&
                    (before.hitsCounted || after.hitsCounted);
    r.reachCounted = corpus != nullptr;
    r.diagnostics = before.analysis.diagnostics;
    r.diagnostics.insert(r.diagnostics.end(), after.analysis.diagnostics.begin(), after.analysis.diagnostics.end());

    // A version that does not compile matches nothing: every match of the other one is a change.
    const auto& vb = before.verdicts.verdicts;
    const auto& va = after.verdicts.verdicts;
    r.events = std::max(vb.size(), va.size());
    for (std::size_t e = 0; e < r.events; ++e) {
        const Verdict b = e < vb.size() ? vb[e] : Verdict::Unknown;
        const Verdict a = e < va.size() ? va[e] : Verdict::Unknown;
        r.matchesBefore += b == Verdict::Match;
        r.matchesAfter += a == Verdict::Match;
        if ((b == Verdict::Match) == (a == Verdict::Match))
            continue;
        r.changes.push_back({e, b, a});
        ++(a == Verdict::Match ? r.added : r.removed);
    }

    // Indicators are the same across versions when their key (field, kind, value) is; a key
    // written twice pairs in document order.
    const auto reachOf = [&](const Indicator& ind) -> std::optional<std::size_t> {
        if (!corpus)
            return std::nullopt;
        // Each file's own rules come off the reach (a file named twice, once).
        const std::size_t all = corpus->reach(ind);
        std::size_t own = 0;
        for (std::size_t f = 0; f < files.size(); ++f)
            if (!files[f].empty() && std::find(files.begin(), files.begin() + f, files[f]) == files.begin() + f)
                own += all - corpus->reachExcludingFile(ind, files[f]);
        return all - std::min(all, own);
    };
    const auto& oldInds = before.baseline.indicators;
    const auto& newInds = after.baseline.indicators;
    std::vector<bool> paired(oldInds.size(), false);
    for (std::size_t n = 0; n < newInds.size(); ++n) {
        const Indicator& ind = newInds[n];
        const std::string key = ind.key();
        IndicatorImpact row;
        row.indicator = ind;
        row.hitsAfter = hitsOf(after, n, r.hitsCounted);
        row.reachAfter = reachOf(ind);
        row.change = IndicatorChangeKind::Added;
        for (std::size_t o = 0; o < oldInds.size(); ++o) {
            if (paired[o] || oldInds[o].key() != key)
                continue;
            paired[o] = true;
            row.hitsBefore = hitsOf(before, o, r.hitsCounted);
            row.reachBefore = row.reachAfter;
            row.excludedBefore = oldInds[o].excluded;
            const bool same = row.hitsBefore == row.hitsAfter && sameUse(oldInds[o], ind);
            row.change = same ? IndicatorChangeKind::Same : IndicatorChangeKind::Changed;
            break;
        }
        r.indicators.push_back(std::move(row));
    }
    for (std::size_t o = 0; o < oldInds.size(); ++o) {
        if (paired[o])
            continue;
        IndicatorImpact row;
        row.change = IndicatorChangeKind::Removed;
        row.indicator = oldInds[o];
        row.hitsBefore = hitsOf(before, o, r.hitsCounted);
        row.reachBefore = reachOf(oldInds[o]);
        r.indicators.push_back(std::move(row));
    }
    return r;
}

ImpactResult computeImpact(const ImpactInput& before, const ImpactInput& after, const EventList& events,
                           const ImpactOptions& options, const Corpus* corpus, bool* cancelled)
{
    ImpactSide b, a;
    const bool done = evaluateImpactSide(before.text, before.file, events, options, b) &&
                      evaluateImpactSide(after.text, after.file, events, options, a);
    if (cancelled)
        *cancelled = !done;
    if (!done)
        return {};
    return compareImpact(b, a, corpus, {before.file, after.file});
}

} // namespace sigma
