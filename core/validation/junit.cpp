#include "validation/junit.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace sigma {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";

/// Length of the valid UTF-8 sequence at text[i] that XML 1.0 allows, or 0.
std::size_t validXmlChar(std::string_view text, std::size_t i)
{
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80)
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > text.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

std::string seconds(double ms)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
    return buf;
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
    return std::string(" ") + name + "=\"" + xmlEscape(value, true) + '"';
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

std::string xmlEscape(std::string_view text, bool attribute)
{
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = validXmlChar(text, i);
        if (len == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        const char c = text[i];
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += attribute ? "&quot;" : "\"";
            break;
        case '\n':
            out += attribute ? "&#10;" : "\n";
            break;
        case '\r':
            out += "&#13;";
            break;
        case '\t':
            out += attribute ? "&#9;" : "\t";
            break;
        default:
            out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

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
                << ">" << xmlEscape(text, false) << "</error>\n";
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
                    << attr("type", expectationKindName(e.expectation.kind)) << ">" << xmlEscape(failureText(e), false)
                    << "</failure>\n";
            } else {
                std::string text;
                for (const auto& d : e.diagnostics)
                    text += d.format() + '\n';
                const std::string message = e.diagnostics.empty() ? e.actual : e.diagnostics.front().format();
                out << "      <error" << attr("message", message)
                    << attr("type", e.diagnostics.empty() ? std::string("error") : e.diagnostics.front().code) << ">"
                    << xmlEscape(text, false) << "</error>\n";
            }
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
    return out.str();
}

} // namespace sigma
