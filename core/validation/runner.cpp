#include "validation/runner.h"

#include "events/reader.h"
#include "rule/parser.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace sigma {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string eventsWord(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " event" : " events");
}

/// Shortens a value for a one-line report (UTF-8 safe: cuts at a character boundary).
std::string shorten(const std::string& value, std::size_t max = 120)
{
    std::string out;
    if (value.size() <= max) {
        out = value;
    } else {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
            --cut;
        out = value.substr(0, cut) + "...";
    }
    for (char& c : out)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return out;
}

const char* outcomeWords(Outcome o)
{
    switch (o) {
    case Outcome::Matched:
        return "matched";
    case Outcome::NotMatched:
        return "did not match";
    case Outcome::FieldAbsent:
        return "did not match: the field is absent";
    case Outcome::Skipped:
        return "was not evaluated";
    case Outcome::Error:
        return "could not be evaluated";
    }
    return "";
}

bool anyDecidingChild(const ExplainNode& n)
{
    return std::any_of(n.children.begin(), n.children.end(), [](const ExplainNode& c) { return c.deciding; });
}

void collectDeciding(const ExplainNode& n, const std::string& context, std::vector<std::string>& out)
{
    std::string here = context;
    if (n.kind == ExplainNode::Kind::Search)
        here = n.label;
    else if (n.kind == ExplainNode::Kind::Item)
        here = context.empty() ? n.label : context + " > " + n.label;

    if (n.deciding && !anyDecidingChild(n)) {
        std::string line;
        if (n.span.valid())
            line = "line " + std::to_string(n.span.begin.line) + ": ";
        switch (n.kind) {
        case ExplainNode::Kind::LogSource:
            if (n.outcome == Outcome::Matched)
                line += "log source in scope";
            else
                line += n.detail.empty()
                            ? std::string("log source not in scope: the event is outside the rule's log source")
                            : "log source not in scope: " + n.detail;
            if (n.outcome == Outcome::Matched && !n.detail.empty())
                line += " (" + n.detail + ')';
            out.push_back(line);
            return;
        case ExplainNode::Kind::Value:
            line += (context.empty() ? std::string() : context + ' ') + n.label + ' ' + outcomeWords(n.outcome);
            break;
        case ExplainNode::Kind::Item:
        case ExplainNode::Kind::Search:
            line += here + ' ' + outcomeWords(n.outcome);
            break;
        default:
            line += (n.label.empty() ? std::string("condition") : n.label) + ' ' + outcomeWords(n.outcome);
            break;
        }
        if (n.eventValue) {
            const std::string& f = n.eventField.empty() ? n.field : n.eventField;
            line += " (" + (f.empty() ? std::string("value") : f) + " = '" + shorten(*n.eventValue) + "')";
        }
        if (!n.detail.empty() && n.outcome == Outcome::Error)
            line += ": " + n.detail;
        out.push_back(line);
        return;
    }
    for (const auto& c : n.children)
        if (c.deciding || !n.deciding)
            collectDeciding(c, here, out);
}

EventRef refOf(const Event& e, std::size_t position)
{
    EventRef r;
    r.index = e.origin.index ? e.origin.index : position + 1;
    r.recordId = e.origin.recordId;
    return r;
}

EventExplanation explainEvent(const CompiledRule& rule, const Event& event, std::size_t position)
{
    EventExplanation x;
    x.event = refOf(event, position);
    const Explanation why = rule.explain(event);
    x.matched = why.matched;
    collectDeciding(why.root, {}, x.deciding);
    if (x.deciding.empty())
        x.deciding.push_back(why.inScope
                                 ? "the condition decided the verdict"
                                 : "the event is outside the rule's log source (" + rule.scopeDescription() + ")");
    for (const auto& d : why.diagnostics)
        x.deciding.push_back(d.format());
    return x;
}

} // namespace

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

struct TestEventCache::Impl {
    struct Entry {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime;
        LoadedTestEvents::Source source;
    };
    mutable std::mutex mutex;
    std::map<std::string, Entry> entries;
    std::size_t hits = 0;
};

TestEventCache::TestEventCache()
    : m_impl(std::make_unique<Impl>())
{}

TestEventCache::~TestEventCache() = default;

std::size_t TestEventCache::files() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->entries.size();
}

std::size_t TestEventCache::hits() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->hits;
}

namespace {

LoadedTestEvents::Source readSource(const std::string& path)
{
    LoadedTestEvents::Source source;
    ReadResult r = readEventsFile(path);
    source.events = std::make_shared<const std::vector<Event>>(std::move(r.events));
    source.diagnostics = std::move(r.diagnostics);
    return source;
}

} // namespace

LoadedTestEvents::Source TestEventCache::read(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string key = fs::absolute(path, ec).lexically_normal().string();
    const auto size = fs::file_size(path, ec);
    if (ec)
        return readSource(path); // unreadable: not cached, the reader says why
    const auto mtime = fs::last_write_time(path, ec);
    {
        std::lock_guard lock(m_impl->mutex);
        auto it = m_impl->entries.find(key);
        if (it != m_impl->entries.end() && it->second.size == size && it->second.mtime == mtime) {
            ++m_impl->hits;
            return it->second.source;
        }
    }
    LoadedTestEvents::Source source = readSource(path);
    std::lock_guard lock(m_impl->mutex);
    m_impl->entries[key] = Impl::Entry{size, mtime, source};
    return source;
}

LoadedTestEvents loadTestEvents(const RuleTests& group, TestEventCache* cache)
{
    LoadedTestEvents loaded;
    loaded.sources.reserve(group.expectations.size());
    for (const auto& e : group.expectations) {
        LoadedTestEvents::Source source;
        if (e.embedded()) {
            const std::string name =
                group.manifest + (e.span.valid() ? ":" + std::to_string(e.span.begin.line) : std::string());
            ReadResult r = readEventsText(e.xml, name);
            source.events = std::make_shared<const std::vector<Event>>(std::move(r.events));
            source.diagnostics = std::move(r.diagnostics);
        } else {
            source = cache ? cache->read(e.path) : readSource(e.path);
        }
        if (hasErrors(source.diagnostics)) {
            // Say which manifest entry pointed at the file.
            Diagnostic where =
                makeDiagnostic(Severity::Error, "test-events-unreadable",
                               e.embedded() ? "the embedded events could not be read"
                                            : "the event file '" + e.file + "' could not be read (" + e.path + ")",
                               group.manifest, e.span);
            source.diagnostics.insert(source.diagnostics.begin(), std::move(where));
        }
        loaded.sources.push_back(std::move(source));
    }
    return loaded;
}

CompileOptions compileOptionsFor(const RuleTests& group, const RunOptions& options)
{
    CompileOptions c;
    c.scopeByLogSource = group.scopeByLogSource;
    c.translateSecurity5156 = group.translateSecurity5156;
    c.placeholders = options.placeholders;
    return c;
}

RuleTestResult runRuleTests(const RuleTests& group, const CompiledRule& rule, const LoadedTestEvents& events,
                            const RunOptions& options)
{
    const auto groupStart = Clock::now();
    RuleTestResult result;
    result.rule = group.rulePath;
    result.manifest = group.manifest;
    result.form = group.form;
    result.title = rule.rule().title;
    for (const auto& d : group.diagnostics)
        (d.severity == Severity::Error ? result.errors : result.warnings).push_back(d);

    for (std::size_t i = 0; i < group.expectations.size(); ++i) {
        const auto start = Clock::now();
        const Expectation& exp = group.expectations[i];
        ExpectationResult r;
        r.expectation = exp;
        r.expected = exp.expectedText();
        if (i >= events.sources.size()) {
            r.status = ExpectationResult::Status::Error;
            r.diagnostics.push_back(makeDiagnostic(Severity::Error, "test-events-missing", "the events were not loaded",
                                                   group.manifest, exp.span));
            result.expectations.push_back(std::move(r));
            continue;
        }
        const auto& source = events.sources[i];
        for (const auto& d : source.diagnostics)
            if (d.severity != Severity::Error)
                result.warnings.push_back(d);
        if (hasErrors(source.diagnostics)) {
            r.status = ExpectationResult::Status::Error;
            for (const auto& d : source.diagnostics)
                if (d.severity == Severity::Error)
                    r.diagnostics.push_back(d);
            r.actual = "the events could not be read";
            r.milliseconds = msSince(start);
            result.expectations.push_back(std::move(r));
            continue;
        }
        static const std::vector<Event> none;
        const auto& list = source.events ? *source.events : none;
        r.events = list.size();
        if (list.empty()) {
            r.status = ExpectationResult::Status::Error;
            r.actual = "the source holds no events";
            r.diagnostics.push_back(makeDiagnostic(Severity::Error, "test-events-empty",
                                                   "'" + exp.label() + "' holds no events, so it proves nothing",
                                                   group.manifest, exp.span));
            r.milliseconds = msSince(start);
            result.expectations.push_back(std::move(r));
            continue;
        }

        std::vector<bool> hit(list.size(), false);
        for (std::size_t k = 0; k < list.size(); ++k) {
            hit[k] = rule.matches(list[k]);
            if (hit[k])
                r.matched.push_back(refOf(list[k], k));
        }
        const std::size_t n = r.matched.size();
        r.actual = std::to_string(n) + " of " + eventsWord(list.size()) + " matched";

        std::vector<std::size_t> explainIdx; // events whose verdict went against the expectation
        bool pass = true;
        switch (exp.kind) {
        case ExpectationKind::Match:
            if (!exp.recordIds.empty()) {
                const std::set<std::uint64_t> want(exp.recordIds.begin(), exp.recordIds.end());
                std::set<std::uint64_t> present;
                for (std::size_t k = 0; k < list.size(); ++k) {
                    const auto& rid = list[k].origin.recordId;
                    if (rid)
                        present.insert(*rid);
                    const bool wanted = rid && want.count(*rid);
                    if (wanted != hit[k]) {
                        pass = false;
                        explainIdx.push_back(k);
                    }
                }
                std::string absent;
                for (auto id : want)
                    if (!present.count(id))
                        absent += (absent.empty() ? "" : ", ") + std::to_string(id);
                if (!absent.empty()) {
                    pass = false;
                    r.actual += "; no event with EventRecordID " + absent + " in the source";
                }
                if (!pass && !r.matched.empty()) {
                    std::string ids;
                    for (const auto& m : r.matched)
                        ids += (ids.empty() ? "" : ", ") +
                               (m.recordId ? std::to_string(*m.recordId) : "#" + std::to_string(m.index));
                    r.actual += " (matched: " + ids + ")";
                }
            } else if (exp.count) {
                pass = n == *exp.count;
                if (!pass)
                    for (std::size_t k = 0; k < list.size(); ++k)
                        if (hit[k] == (n > *exp.count))
                            explainIdx.push_back(k);
            } else {
                pass = n >= exp.atLeast.value_or(1);
                if (!pass)
                    for (std::size_t k = 0; k < list.size(); ++k)
                        if (!hit[k])
                            explainIdx.push_back(k);
            }
            break;
        case ExpectationKind::NoMatch:
            pass = n == 0;
            for (std::size_t k = 0; k < list.size() && !pass; ++k)
                if (hit[k])
                    explainIdx.push_back(k);
            break;
        case ExpectationKind::Baseline:
            pass = n <= exp.maxHits;
            for (std::size_t k = 0; k < list.size() && !pass; ++k)
                if (hit[k])
                    explainIdx.push_back(k);
            break;
        }
        if (!pass) {
            r.status = ExpectationResult::Status::Failed;
            for (std::size_t k = 0; k < explainIdx.size() && k < options.maxExplained; ++k)
                r.why.push_back(explainEvent(rule, list[explainIdx[k]], explainIdx[k]));
            if (explainIdx.size() > options.maxExplained)
                r.actual += " (" + std::to_string(explainIdx.size() - options.maxExplained) +
                            " more unexpected verdicts not explained)";
        }
        r.milliseconds = msSince(start);
        result.expectations.push_back(std::move(r));
    }
    result.milliseconds = msSince(groupStart);
    return result;
}

RuleTestResult runRuleTests(const RuleTests& group, const RunOptions& options)
{
    const auto start = Clock::now();
    RuleTestResult result;
    result.rule = group.rulePath;
    result.manifest = group.manifest;
    result.form = group.form;
    auto fail = [&](Diagnostics diags) {
        for (auto& d : diags)
            (d.severity == Severity::Error ? result.errors : result.warnings).push_back(std::move(d));
        result.milliseconds = msSince(start);
        return result;
    };
    if (hasErrors(group.diagnostics) || group.rulePath.empty())
        return fail(group.diagnostics);

    ParsedFile parsed = parseRuleFile(group.rulePath);
    if (!hasErrors(parsed.diagnostics) && std::any_of(parsed.documents.begin(), parsed.documents.end(),
                                                      [](const Document& d) { return d.correlation(); })) {
        RuleTestResult r = runCorrelationTests(group, parsed, loadTestEvents(group, options.cache), options);
        r.milliseconds = msSince(start);
        return r;
    }
    const Rule* rule = parsed.firstRule();
    if (!rule || hasErrors(parsed.diagnostics)) {
        Diagnostics diags = group.diagnostics;
        Diagnostic d =
            makeDiagnostic(Severity::Error, "test-rule-invalid",
                           rule ? "the rule '" + group.rule + "' has errors" : "no Sigma rule in '" + group.rule + "'",
                           group.manifest, group.span);
        diags.push_back(std::move(d));
        for (auto& p : parsed.diagnostics)
            if (p.severity == Severity::Error)
                diags.push_back(std::move(p));
        if (rule)
            result.title = rule->title;
        return fail(std::move(diags));
    }
    result.title = rule->title;
    CompileResult compiled = compileRule(*rule, group.rulePath, compileOptionsFor(group, options));
    if (!compiled.rule) {
        Diagnostics diags = group.diagnostics;
        diags.push_back(makeDiagnostic(Severity::Error, "test-rule-invalid",
                                       "the rule '" + group.rule + "' does not compile", group.manifest, group.span));
        for (auto& d : compiled.diagnostics)
            if (d.severity == Severity::Error)
                diags.push_back(std::move(d));
        return fail(std::move(diags));
    }
    const LoadedTestEvents events = loadTestEvents(group, options.cache);
    RuleTestResult r = runRuleTests(group, *compiled.rule, events, options);
    r.milliseconds = msSince(start);
    return r;
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
