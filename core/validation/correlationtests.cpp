// Test manifests of correlation files: expectations count correlation results (docs/test-manifests.md).
#include "validation/runner.h"

#include "validation/expectationcheck.h"

#include "correlation/correlation.h"

#include <chrono>

namespace sigma {

namespace {

using detail::Clock;
using detail::msSince;

bool groupMatches(const CorrelationResult& r, const std::vector<std::pair<std::string, std::string>>& wanted)
{
    for (const auto& [field, value] : wanted) {
        bool found = false;
        for (const auto& [f, v] : r.group)
            found = found || (f == field && v == value);
        if (!found)
            return false;
    }
    return true;
}

std::string groupText(const std::vector<std::pair<std::string, std::string>>& group)
{
    return group.empty() ? std::string("any group") : formatGroup(group);
}

std::string resultsWord(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " correlation result" : " correlation results");
}

} // namespace

RuleTestResult runCorrelationTests(const RuleTests& group, const ParsedFile& parsed, const LoadedTestEvents& events,
                                   const RunOptions& options)
{
    const auto groupStart = Clock::now();
    RuleTestResult result = detail::startResult(group);

    CorrelationUnitResult unit = compileCorrelationUnit({parsed}, compileOptionsFor(group, options));
    std::optional<std::size_t> tested;
    const auto& corrs = unit.unit->correlations();
    if (!group.correlation.empty())
        tested = unit.unit->findCorrelation(group.correlation);
    else
        for (std::size_t i = 0; i < corrs.size() && !tested; ++i)
            if (corrs[i].reportAlone)
                tested = i;
    if (hasErrors(unit.diagnostics) || !tested) {
        for (auto& d : unit.diagnostics)
            if (d.severity == Severity::Error)
                result.errors.push_back(std::move(d));
        result.errors.push_back(
            makeDiagnostic(Severity::Error, "test-rule-invalid",
                           !tested && !group.correlation.empty()
                               ? "the rule file '" + group.rule + "' has no correlation '" + group.correlation + "'"
                               : "the correlations of '" + group.rule + "' cannot be evaluated",
                           group.manifest, group.span));
        result.milliseconds = msSince(groupStart);
        return result;
    }
    const CompiledCorrelation& c = corrs[*tested];
    result.title = c.doc.title;

    for (std::size_t i = 0; i < group.expectations.size(); ++i) {
        const auto start = Clock::now();
        const Expectation& exp = group.expectations[i];
        ExpectationResult r;
        r.expectation = exp;
        const std::string where = " for " + groupText(exp.group);
        switch (exp.kind) {
        case ExpectationKind::Match:
            r.expected = exp.count ? "exactly " + resultsWord(*exp.count) + where
                                   : "at least " + resultsWord(exp.atLeast.value_or(1)) + where;
            break;
        case ExpectationKind::NoMatch:
            r.expected = "no correlation result" + where;
            break;
        case ExpectationKind::Baseline:
            r.expected = "at most " + resultsWord(exp.maxHits) + " (baseline)";
            break;
        }
        auto error = [&](std::string actual, Diagnostic d) {
            r.status = ExpectationResult::Status::Error;
            r.actual = std::move(actual);
            r.diagnostics.push_back(std::move(d));
            r.milliseconds = msSince(start);
            result.expectations.push_back(std::move(r));
        };
        if (!exp.recordIds.empty()) {
            error("record_ids name events; a correlation is tested by results",
                  makeDiagnostic(Severity::Error, "manifest-invalid",
                                 "'record_ids' does not apply to a correlation: use count, at_least and group",
                                 group.manifest, exp.span));
            continue;
        }
        if (i >= events.sources.size() || hasErrors(events.sources[i].diagnostics)) {
            Diagnostic d = makeDiagnostic(Severity::Error, "test-events-missing", "the events could not be read",
                                          group.manifest, exp.span);
            if (i < events.sources.size())
                for (const auto& e : events.sources[i].diagnostics)
                    if (e.severity == Severity::Error)
                        d = e;
            error("the events could not be read", std::move(d));
            continue;
        }
        const auto& list = *events.sources[i].events;
        r.events = list.size();
        if (list.empty()) {
            error("the source holds no events",
                  makeDiagnostic(Severity::Error, "test-events-empty",
                                 "'" + exp.label() + "' holds no events, so it proves nothing", group.manifest,
                                 exp.span));
            continue;
        }
        CorrelationEvaluator evaluator(unit.unit);
        for (const auto& e : list)
            evaluator.add(e);
        const CorrelationReport report = evaluator.finish();
        std::size_t all = 0, n = 0;
        std::string groups;
        for (const auto& res : report.results) {
            if (res.correlation != *tested)
                continue;
            ++all;
            if (!groupMatches(res, exp.group))
                continue;
            ++n;
            if (groups.size() < 200)
                groups += (groups.empty() ? "" : "; ") + formatGroup(res.group) + " at " + formatEventTime(res.start);
            for (const auto& e : res.events)
                r.matched.push_back(EventRef{e.index, e.recordId});
        }
        r.actual = resultsWord(n) + where;
        if (all != n)
            r.actual += " (" + std::to_string(all) + " in all)";
        if (!groups.empty())
            r.actual += ": " + groups;
        if (report.untimedCount)
            r.actual += "; " + std::to_string(report.untimedCount) + " matching events had no time";
        bool pass = true;
        switch (exp.kind) {
        case ExpectationKind::Match:
            pass = exp.count ? n == *exp.count : n >= exp.atLeast.value_or(1);
            break;
        case ExpectationKind::NoMatch:
            pass = n == 0;
            break;
        case ExpectationKind::Baseline:
            pass = all <= exp.maxHits;
            break;
        }
        if (!pass)
            r.status = ExpectationResult::Status::Failed;
        r.milliseconds = msSince(start);
        result.expectations.push_back(std::move(r));
    }
    result.milliseconds = msSince(groupStart);
    return result;
}

} // namespace sigma
