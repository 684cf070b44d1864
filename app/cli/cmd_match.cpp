// `sigmawb match --rules PATH... --events PATH... [--format text|jsonl] [--count]
//  [--placeholders FILE] [--threads N]`: every rule against every event.
#include "clisupport.h"
#include "command.h"

#include "correlation/correlation.h"
#include "correlation/report.h"
#include "engine/batchmatch.h"
#include "engine/engine.h"
#include "engine/loader.h"
#include "engine/logsource.h"
#include "events/eventfiles.h"
#include "events/eventstream.h"
#include "events/reader.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <malloc.h>
#include <optional>

namespace {

struct Options {
    std::vector<std::string> rules;
    std::vector<std::string> events;
    std::string format = "text";
    bool count = false;
    sigmawb::CompileFlags compile;
    unsigned threads = 0;
};

/// Events read per batch: the batch, not the input, sets the memory of a run.
constexpr std::size_t kBatchEvents = 8192;

/// Correlation results after the rule matches: counted like rules, one JSON object or one line each.
void printCorrelations(const sigma::CorrelationUnit& unit, const sigma::CorrelationReport& report,
                       const std::string& format)
{
    if (format == "count") {
        std::vector<std::size_t> counts(unit.correlations().size(), 0);
        for (const auto& r : report.results)
            ++counts[r.correlation];
        for (std::size_t i = 0; i < counts.size(); ++i)
            if (unit.correlations()[i].reportAlone)
                std::cout << counts[i] << '\t' << unit.correlations()[i].doc.id << '\t'
                          << unit.correlations()[i].doc.title << '\n';
        return;
    }
    for (const auto& r : report.results) {
        if (!unit.correlations()[r.correlation].reportAlone)
            continue;
        std::cout << (format == "jsonl" ? sigma::correlationResultJson(unit, r) : sigma::correlationResultText(unit, r))
                  << '\n';
    }
}

/// Prints the matches of each batch as it comes (file order, record order, then rule order), or
/// counts them per rule for --count.
/// With a correlation unit, rule indices are the unit's and the rules of generate: false
/// correlations are not reported alone.
class Reporter {
public:
    Reporter(const sigma::RuleSet& set, const sigma::CorrelationUnit* unit, const Options& o)
        : m_set(set)
        , m_unit(unit)
        , m_options(o)
        , m_counts(size(), 0)
    {}

    std::size_t size() const { return m_unit ? m_unit->rules().size() : m_set.size(); }
    const sigma::CompiledRule& ruleAt(std::size_t i) const { return m_unit ? *m_unit->rules()[i].rule : *m_set.at(i); }
    bool reportedAlone(std::size_t i) const { return !m_unit || m_unit->rules()[i].reportAlone; }

    void report(const sigma::Event& e, std::size_t ruleIndex)
    {
        if (!reportedAlone(ruleIndex))
            return;
        ++m_matches;
        if (m_options.count) {
            ++m_counts[ruleIndex];
            return;
        }
        const auto& rule = ruleAt(ruleIndex);
        if (m_options.format == "jsonl") {
            nlohmann::ordered_json j;
            j["rule_id"] = rule.rule().id;
            j["rule_title"] = rule.rule().title;
            j["rule_file"] = rule.file();
            j["event_file"] = e.origin.file ? *e.origin.file : std::string();
            j["event_index"] = e.origin.index;
            j["record_id"] = e.origin.recordId ? nlohmann::ordered_json(*e.origin.recordId) : nullptr;
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            return;
        }
        std::cout << (e.origin.file ? *e.origin.file : std::string()) << ':' << e.origin.index;
        if (e.origin.recordId)
            std::cout << " (record " << *e.origin.recordId << ')';
        std::cout << ": " << rule.rule().title << " [" << rule.rule().id << "] " << rule.file() << '\n';
    }

    /// --count: one line per rule, after the last batch.
    void finish()
    {
        if (!m_options.count)
            return;
        for (std::size_t i = 0; i < size(); ++i)
            if (reportedAlone(i))
                std::cout << m_counts[i] << '\t' << ruleAt(i).rule().id << '\t' << ruleAt(i).rule().title << '\n';
    }

    std::size_t matches() const { return m_matches; }

private:
    const sigma::RuleSet& m_set;
    const sigma::CorrelationUnit* m_unit;
    const Options& m_options;
    std::vector<std::size_t> m_counts;
    std::size_t m_matches = 0;
};

int run(const Options& o)
{
    using namespace sigma;
    // Each batch frees what the previous one allocated: keep that memory for the next batch
    // instead of returning it to the system and faulting it in again (~8 % of the time, perf).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    const auto setup = sigmawb::compileSetup(o.compile);
    Diagnostics ruleFileProblems;
    const auto ruleFiles = collectRuleFiles(o.rules, ruleFileProblems);
    Diagnostics eventFileProblems;
    const auto eventFiles = collectEventFiles(o.events, eventFileProblems);
    for (const auto* list : {&ruleFileProblems, &eventFileProblems})
        for (const auto& d : *list)
            std::cerr << d.format() << '\n';
    if (!setup || hasErrors(ruleFileProblems) || hasErrors(eventFileProblems))
        return sigmawb::ExitUsage;

    LoadedRules loaded = loadRules(ruleFiles, setup->options, o.threads);
    for (const auto& d : loaded.diagnostics)
        std::cerr << d.format() << '\n';
    if (!loaded.failedFiles.empty())
        std::cerr << "sigmawb: " << loaded.failedFiles.size() << " rule file(s) failed to compile\n";
    RuleSetBuilder builder;
    for (const auto& r : loaded.rules)
        builder.add(r);
    const RuleSet set = builder.build();
    // Correlations and filters (docs/correlations.md): when the rule files hold any, rules are
    // matched through one unit, filters applied; rules of generate: false correlations stay silent.
    std::shared_ptr<const CorrelationUnit> unit;
    bool unitErrors = false;
    if (loaded.otherDocuments > 0) {
        auto u = loadCorrelationUnit(ruleFiles, setup->options);
        for (const auto& d : u.diagnostics)
            if (d.code.find("correlation") != std::string::npos || d.code == "unknown-filter-rule") {
                std::cerr << d.format() << '\n';
                unitErrors = unitErrors || d.severity == Severity::Error;
            }
        unit = u.unit;
    }
    std::optional<CorrelationEvaluator> evaluator;
    if (unit)
        evaluator.emplace(unit);
    const EventMatcher matcher =
        unit ? EventMatcher([&](const Event& e, std::vector<std::size_t>& out) { unit->match(e, out); })
             : EventMatcher([&](const Event& e, std::vector<std::size_t>& out) { set.match(e, out); });

    // Events stream from the readers in batches (file order, record order); each batch is matched
    // over the cores and reported before the next one is read.
    Reporter reporter(set, unit.get(), o);
    bool ioError = false;
    std::string stopped;
    EventStreamOptions stream;
    stream.threads = o.threads;
    stream.batchSize = kBatchEvents;
    const EventStreamTotals totals = streamEvents(
        eventFiles, stream,
        [&](std::vector<Event>& batch) {
            const BatchMatch m = matchBatch(matcher, batch, o.threads);
            if (!m.complete) {
                stopped = m.error.empty() ? std::string("stopped") : m.error;
                return false;
            }
            for (const BatchHit& hit : m.hits)
                reporter.report(batch[hit.event], hit.rule);
            if (evaluator) {
                // The correlations keep what they need of each matching event (time, group, refs).
                std::vector<std::size_t> rules;
                for (std::size_t i = 0; i < m.hits.size();) {
                    rules.clear();
                    std::size_t j = i;
                    for (; j < m.hits.size() && m.hits[j].event == m.hits[i].event; ++j)
                        rules.push_back(m.hits[j].rule);
                    evaluator->add(batch[m.hits[i].event], rules);
                    i = j;
                }
            }
            return true;
        },
        [&](const ReadResult& file, const std::string&) {
            for (const auto& d : file.diagnostics)
                std::cerr << d.format() << '\n';
            ioError = ioError || file.failed();
        });
    if (!stopped.empty()) {
        std::cerr << "sigmawb: matching stopped: " << stopped << '\n';
        return sigmawb::ExitFailure;
    }
    const std::size_t events = totals.events;
    if (events == 0 && !ioError) {
        std::cerr << "sigmawb match: no events read from the paths given\n";
        return sigmawb::ExitPartial;
    }
    reporter.finish();
    std::size_t correlationResults = 0;
    if (evaluator) {
        const CorrelationReport correlated = evaluator->finish();
        if (correlated.untimedCount)
            std::cerr << "sigmawb: " << correlated.untimedCount
                      << " match(es) of rules that correlations read have no event time and were not correlated\n";
        printCorrelations(*unit, correlated, o.count ? "count" : o.format);
        correlationResults =
            std::count_if(correlated.results.begin(), correlated.results.end(),
                          [&](const CorrelationResult& r) { return unit->correlations()[r.correlation].reportAlone; });
    }
    std::cerr << "sigmawb: " << loaded.rules.size() << " rules, " << events << " events, " << reporter.matches()
              << " matches";
    if (unit && !unit->correlations().empty())
        std::cerr << ", " << correlationResults << " correlation results";
    std::cerr << '\n';
    if (ioError)
        return sigmawb::ExitUsage;
    return loaded.failedFiles.empty() && !unitErrors ? sigmawb::ExitOk : sigmawb::ExitFailure;
}

const bool registered = sigmawb::registerCommand(
    20, "match", "Match rules against events (rules and events: files or folders, read recursively)",
    [](CLI::App& sub) -> std::function<int()> {
        auto o = std::make_shared<Options>();
        sub.add_option("--rules", o->rules, "Rule files or folders")->required()->expected(1, -1);
        sub.add_option("--events", o->events,
                       "Event files (.evtx, Event XML, JSON) or folders (searched recursively for " +
                           sigma::eventFilePatterns() + ", following symbolic links)")
            ->required()
            ->expected(1, -1);
        sub.add_option("--format", o->format, "Output: text or jsonl (one JSON object per match)")
            ->check(CLI::IsMember({"text", "jsonl"}));
        sub.add_flag("--count", o->count, "One line per rule: count<TAB>rule id<TAB>title");
        sub.add_option("--threads", o->threads, "Threads for reading and matching (default: all cores)");
        o->compile.addTo(sub);
        return [o] { return run(*o); };
    });

} // namespace
