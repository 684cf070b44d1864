#include "validation/junit.h"

#include "util/numbertext.h"
#include "util/xmlescape.h"

#include <chrono>
#include <ctime>
#include <sstream>

namespace sigma {

namespace {

std::string seconds(double ms)
{
    return fixedText(ms / 1000.0, 3);
}

std::string nowIso()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

std::string attr(const char* name, std::string_view value)
{
    return std::string(" ") + name + "=\"" + xmlEscaped(value, XmlEscape::Attribute) + '"';
}

std::string caseName(const ExpectationResult& r)
{
    return std::string(expectationKindName(r.expectation.kind)) + ": " + r.expectation.label();
}

std::string failureText(const ExpectationResult& r)
{
    std::string text = "expected: " + r.expected + "\nactual:   " + r.actual + '\n';
    if (!r.expectation.path.empty())
        text += "events:   " + r.expectation.path + '\n';
    if (r.expectation.span.valid())
        text += "manifest line " + std::to_string(r.expectation.span.begin.line) + '\n';
    for (const auto& why : r.why) {
        text += '\n' + why.event.describe() + (why.matched ? " matched" : " did not match") + ", because:\n";
        for (const auto& line : why.deciding)
            text += "  " + line + '\n';
    }
    return text;
}

} // namespace

std::string junitXml(const std::vector<RuleTestResult>& results, const JUnitOptions& options)
{
    const TestTotals t = totals(results);
    const std::string timestamp = options.timestamp.empty() ? nowIso() : options.timestamp;
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites" << attr("name", options.name) << attr("tests", std::to_string(t.tests))
        << attr("failures", std::to_string(t.failures)) << attr("errors", std::to_string(t.errors))
        << attr("time", seconds(t.milliseconds)) << ">\n";
    std::size_t id = 0;
    for (const auto& r : results) {
        const std::string suiteName = r.displayName();
        const std::string classname = r.rule.empty() ? r.manifest : r.rule;
        out << "  <testsuite" << attr("name", suiteName) << attr("tests", std::to_string(r.testCount()))
            << attr("failures", std::to_string(r.failures())) << attr("errors", std::to_string(r.errorCount()))
            << attr("skipped", "0") << attr("time", seconds(r.milliseconds)) << attr("timestamp", timestamp);
        if (!options.hostname.empty())
            out << attr("hostname", options.hostname);
        out << attr("id", std::to_string(id++));
        if (!r.manifest.empty())
            out << attr("file", r.manifest);
        out << ">\n";
        if (!r.rule.empty() || !r.manifest.empty()) {
            out << "    <properties>\n";
            if (!r.rule.empty())
                out << "      <property" << attr("name", "rule") << attr("value", r.rule) << "/>\n";
            if (!r.manifest.empty())
                out << "      <property" << attr("name", "manifest") << attr("value", r.manifest) << "/>\n";
            const char* form = r.form == ManifestForm::SigmaHQ  ? "sigmahq"
                               : r.form == ManifestForm::Folder ? "folder"
                                                                : "beside";
            out << "      <property" << attr("name", "form") << attr("value", form) << "/>\n";
            out << "    </properties>\n";
        }
        if (!r.errors.empty()) {
            // The group could not run: one test case carrying the errors.
            std::string text;
            for (const auto& d : r.errors)
                text += d.format() + '\n';
            out << "    <testcase" << attr("name", "load rule and manifest") << attr("classname", classname)
                << attr("time", "0.000") << ">\n";
            out << "      <error" << attr("message", r.errors.front().format()) << attr("type", r.errors.front().code)
                << ">" << xmlEscaped(text, XmlEscape::Text) << "</error>\n";
            out << "    </testcase>\n";
        }
        for (const auto& e : r.expectations) {
            out << "    <testcase" << attr("name", caseName(e)) << attr("classname", classname)
                << attr("time", seconds(e.milliseconds));
            if (e.expectation.span.valid() && !r.manifest.empty()) {
                out << attr("file", r.manifest) << attr("line", std::to_string(e.expectation.span.begin.line));
            }
            if (e.status == ExpectationResult::Status::Passed) {
                out << "/>\n";
                continue;
            }
            out << ">\n";
            if (e.status == ExpectationResult::Status::Failed) {
                out << "      <failure" << attr("message", "expected " + e.expected + "; " + e.actual)
                    << attr("type", expectationKindName(e.expectation.kind)) << ">"
                    << xmlEscaped(failureText(e), XmlEscape::Text) << "</failure>\n";
            } else {
                std::string text;
                for (const auto& d : e.diagnostics)
                    text += d.format() + '\n';
                const std::string message = e.diagnostics.empty() ? e.actual : e.diagnostics.front().format();
                out << "      <error" << attr("message", message)
                    << attr("type", e.diagnostics.empty() ? std::string("error") : e.diagnostics.front().code) << ">"
                    << xmlEscaped(text, XmlEscape::Text) << "</error>\n";
            }
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
    return out.str();
}

} // namespace sigma
