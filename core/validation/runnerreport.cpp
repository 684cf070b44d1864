// The reports of the test runner: one-line summaries, totals, the text and JSON
// reports.
#include "validation/runner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace sigma {

std::string EventRef::describe() const
{
    std::string s = "event #" + std::to_string(index);
    if (recordId)
        s += " (EventRecordID " + std::to_string(*recordId) + ")";
    return s;
}

std::string ExpectationResult::summary() const
{
    const char* word = status == Status::Passed ? "PASS" : status == Status::Failed ? "FAIL" : "ERROR";
    std::string s = std::string(word) + ' ' + expectationKindName(expectation.kind) + ' ' + expectation.label() + ": ";
    if (status == Status::Error && !diagnostics.empty())
        return s + diagnostics.front().message;
    return s + "expected " + expected + "; " + actual;
}

std::size_t RuleTestResult::failures() const
{
    return static_cast<std::size_t>(std::count_if(expectations.begin(), expectations.end(), [](const auto& e) {
        return e.status == ExpectationResult::Status::Failed;
    }));
}

std::size_t RuleTestResult::errorCount() const
{
    const auto n = std::count_if(expectations.begin(), expectations.end(),
                                 [](const auto& e) { return e.status == ExpectationResult::Status::Error; });
    return static_cast<std::size_t>(n) + (errors.empty() ? 0 : 1);
}

std::size_t RuleTestResult::testCount() const
{
    return expectations.size() + (errors.empty() ? 0 : 1);
}

std::string RuleTestResult::displayName() const
{
    if (!title.empty())
        return title + " (" + rule + ')';
    if (!rule.empty())
        return rule;
    return manifest;
}

TestTotals totals(const std::vector<RuleTestResult>& results)
{
    TestTotals t;
    for (const auto& r : results) {
        ++t.groups;
        t.tests += r.testCount();
        t.failures += r.failures();
        t.errors += r.errorCount();
        t.milliseconds += r.milliseconds;
    }
    t.passed = t.tests - t.failures - t.errors;
    return t;
}

std::string formatText(const std::vector<RuleTestResult>& results, bool verbose)
{
    std::ostringstream out;
    for (const auto& r : results) {
        const char* word = r.passed() ? "PASS " : r.errors.empty() && r.errorCount() == 0 ? "FAIL " : "ERROR";
        out << word << ' ' << r.displayName();
        if (r.errors.empty())
            out << "  "
                << std::count_if(r.expectations.begin(), r.expectations.end(), [](const auto& e) { return e.passed(); })
                << '/' << r.expectations.size() << " passed";
        out << '\n';
        if (!r.manifest.empty() && (!r.passed() || verbose))
            out << "      manifest: " << r.manifest << '\n';
        for (const auto& d : r.errors)
            out << "      " << d.format() << '\n';
        for (const auto& d : r.warnings)
            out << "      " << d.format() << '\n';
        for (const auto& e : r.expectations) {
            if (e.passed() && !verbose)
                continue;
            out << "  " << e.summary() << '\n';
            if (e.status == ExpectationResult::Status::Failed && e.expectation.span.valid())
                out << "      at " << r.manifest << ':' << e.expectation.span.begin.line << '\n';
            for (const auto& d : e.diagnostics)
                out << "      " << d.format() << '\n';
            for (const auto& why : e.why) {
                out << "      " << why.event.describe() << (why.matched ? " matched" : " did not match")
                    << ", because:\n";
                for (const auto& line : why.deciding)
                    out << "        " << line << '\n';
            }
        }
    }
    const TestTotals t = totals(results);
    char time[32];
    std::snprintf(time, sizeof time, "%.2f", t.milliseconds / 1000.0);
    out << "\n"
        << t.groups << (t.groups == 1 ? " rule, " : " rules, ") << t.tests << (t.tests == 1 ? " test: " : " tests: ")
        << t.passed << " passed, " << t.failures << " failed, " << t.errors << (t.errors == 1 ? " error" : " errors")
        << " (" << time << " s)\n";
    return out.str();
}

std::string formatJson(const std::vector<RuleTestResult>& results)
{
    using nlohmann::json;
    auto diagJson = [](const Diagnostic& d) {
        return json{{"severity", severityName(d.severity)},
                    {"code", d.code},
                    {"message", d.message},
                    {"file", d.file},
                    {"line", d.span.begin.line},
                    {"column", d.span.begin.column}};
    };
    auto refJson = [](const EventRef& e) {
        json j{{"index", e.index}};
        j["record_id"] = e.recordId ? json(*e.recordId) : json(nullptr);
        return j;
    };
    json list = json::array();
    for (const auto& r : results) {
        json g{{"rule", r.rule},
               {"title", r.title},
               {"manifest", r.manifest},
               {"form", r.form == ManifestForm::SigmaHQ  ? "sigmahq"
                        : r.form == ManifestForm::Folder ? "folder"
                                                         : "beside"},
               {"passed", r.passed()},
               {"tests", r.testCount()},
               {"failures", r.failures()},
               {"errors", json::array()},
               {"warnings", json::array()},
               {"expectations", json::array()}};
        for (const auto& d : r.errors)
            g["errors"].push_back(diagJson(d));
        for (const auto& d : r.warnings)
            g["warnings"].push_back(diagJson(d));
        for (const auto& e : r.expectations) {
            json x{{"kind", expectationKindName(e.expectation.kind)},
                   {"label", e.expectation.label()},
                   {"file", e.expectation.file},
                   {"path", e.expectation.path},
                   {"line", e.expectation.span.begin.line},
                   {"status", e.status == ExpectationResult::Status::Passed   ? "passed"
                              : e.status == ExpectationResult::Status::Failed ? "failed"
                                                                              : "error"},
                   {"expected", e.expected},
                   {"actual", e.actual},
                   {"events", e.events},
                   {"matched", json::array()},
                   {"explanations", json::array()},
                   {"diagnostics", json::array()},
                   {"ms", e.milliseconds}};
            for (const auto& m : e.matched)
                x["matched"].push_back(refJson(m));
            for (const auto& w : e.why)
                x["explanations"].push_back(
                    json{{"event", refJson(w.event)}, {"matched", w.matched}, {"deciding", w.deciding}});
            for (const auto& d : e.diagnostics)
                x["diagnostics"].push_back(diagJson(d));
            g["expectations"].push_back(std::move(x));
        }
        list.push_back(std::move(g));
    }
    const TestTotals t = totals(results);
    json root{{"summary",
               {{"rules", t.groups},
                {"tests", t.tests},
                {"passed", t.passed},
                {"failures", t.failures},
                {"errors", t.errors},
                {"ms", t.milliseconds}}},
              {"results", std::move(list)}};
    return root.dump(2, ' ', false, json::error_handler_t::replace) + '\n';
}

} // namespace sigma
