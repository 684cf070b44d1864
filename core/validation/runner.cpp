#include "validation/runner.h"

#include "events/reader.h"
#include "rule/parser.h"
#include "validation/expectationcheck.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>

namespace sigma {

namespace {

using detail::Clock;
using detail::msSince;

Diagnostic unreadable(const RuleTests& group, const Expectation& e)
{
    // Says which manifest entry pointed at the file.
    return makeDiagnostic(Severity::Error, "test-events-unreadable",
                          e.embedded() ? "the embedded events could not be read"
                                       : "the event file '" + e.file + "' could not be read (" + e.path + ")",
                          group.manifest, e.span);
}

} // namespace

EventExplanation explainForTest(const CompiledRule& rule, const Event& event)
{
    return detail::explainEvent(rule, event, 0);
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

LoadedTestEvents loadTestEvents(const RuleTests& group, TestEventCache* cache, std::uintmax_t streamFilesAbove)
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
        } else if (std::error_code ec;
                   streamFilesAbove && std::filesystem::file_size(e.path, ec) > streamFilesAbove && !ec) {
            source.streamFrom = e.path; // read batch by batch when the tests run
        } else {
            source = cache ? cache->read(e.path) : readSource(e.path);
        }
        if (hasErrors(source.diagnostics))
            source.diagnostics.insert(source.diagnostics.begin(), unreadable(group, e));
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

namespace {

/// One expectation over its source: events in memory, or a file streamed batch
/// by batch.
ExpectationResult runExpectation(const RuleTests& group, const Expectation& exp, const CompiledRule& rule,
                                 const LoadedTestEvents::Source& source, const RunOptions& options,
                                 Diagnostics& warnings)
{
    const auto start = Clock::now();
    ExpectationResult r;
    r.expectation = exp;
    r.expected = exp.expectedText();
    detail::ExpectationCheck check(exp, rule, options.maxExplained);
    Diagnostics diagnostics = source.diagnostics;
    if (!source.streamFrom.empty()) {
        ReadOptions read;
        read.threads = 1;
        read.onBatch = [&](std::vector<Event>& batch) {
            check.add(batch);
            return true;
        };
        ReadResult streamed = readEventsFile(source.streamFrom, read);
        if (streamed.failed())
            diagnostics.push_back(unreadable(group, exp));
        diagnostics.insert(diagnostics.end(), streamed.diagnostics.begin(), streamed.diagnostics.end());
    } else if (source.events) {
        check.add(*source.events);
    }
    for (const auto& d : diagnostics)
        if (d.severity != Severity::Error)
            warnings.push_back(d);
    if (hasErrors(diagnostics)) {
        r.status = ExpectationResult::Status::Error;
        for (const auto& d : diagnostics)
            if (d.severity == Severity::Error)
                r.diagnostics.push_back(d);
        r.actual = "the events could not be read";
    } else if (check.events() == 0) {
        r.status = ExpectationResult::Status::Error;
        r.actual = "the source holds no events";
        r.diagnostics.push_back(makeDiagnostic(Severity::Error, "test-events-empty",
                                               "'" + exp.label() + "' holds no events, so it proves nothing",
                                               group.manifest, exp.span));
    } else {
        check.finish(r);
    }
    r.milliseconds = msSince(start);
    return r;
}

} // namespace

RuleTestResult runRuleTests(const RuleTests& group, const CompiledRule& rule, const LoadedTestEvents& events,
                            const RunOptions& options)
{
    const auto groupStart = Clock::now();
    RuleTestResult result = detail::startResult(group);
    result.title = rule.rule().title;

    for (std::size_t i = 0; i < group.expectations.size(); ++i) {
        const Expectation& exp = group.expectations[i];
        if (i >= events.sources.size()) {
            ExpectationResult r;
            r.expectation = exp;
            r.expected = exp.expectedText();
            r.status = ExpectationResult::Status::Error;
            r.diagnostics.push_back(makeDiagnostic(Severity::Error, "test-events-missing", "the events were not loaded",
                                                   group.manifest, exp.span));
            result.expectations.push_back(std::move(r));
            continue;
        }
        result.expectations.push_back(runExpectation(group, exp, rule, events.sources[i], options, result.warnings));
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
    const LoadedTestEvents events = loadTestEvents(group, options.cache, options.streamFilesAbove);
    RuleTestResult r = runRuleTests(group, *compiled.rule, events, options);
    r.milliseconds = msSince(start);
    return r;
}

} // namespace sigma
