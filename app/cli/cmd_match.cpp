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

/// Prints the matches of each batch as it comes (file order, record order, then rule order), or
/// counts them per rule for --count.
class Reporter {
public:
    Reporter(const sigma::RuleSet& set, const Options& o, const sigma::CorrelationUnit* unit)
        : m_set(set)
        , m_options(o)
        , m_unit(unit)
        , m_counts(set.size(), 0)
    {}

    void report(const sigma::Event& e, std::size_t ruleIndex)
    {
        if (m_unit && !m_unit->rules()[ruleIndex].reportAlone)
            return; // read by generate: false correlations only
        ++m_matches;
        if (m_options.count) {
            ++m_counts[ruleIndex];
            return;
        }
        const auto& rule = *m_set.at(ruleIndex);
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
        for (std::size_t i = 0; i < m_set.size(); ++i)
            if (!m_unit || m_unit->rules()[i].reportAlone)
                std::cout << m_counts[i] << '\t' << m_set.at(i)->rule().id << '\t' << m_set.at(i)->rule().title << '\n';
    }

    std::size_t matches() const { return m_matches; }

private:
    const sigma::RuleSet& m_set;
    const Options& m_options;
    const sigma::CorrelationUnit* m_unit;
    std::vector<std::size_t> m_counts;
    std::size_t m_matches = 0;
};

/// Correlations and filters (docs/correlations.md): when the rule files hold any, the rules are
/// matched as one unit, filters applied; each batch's matches feed the correlations, whose results
/// come after the rule matches, counted like rules with --count.
class Correlations {
public:
    /// The rule files as loadRules() parsed them: they are not read a second time.
    Correlations(const std::vector<sigma::ParsedFile>& ruleFiles, const sigma::CompileOptions& options)
    {
        auto u = sigma::compileCorrelationUnit(ruleFiles, options);
        for (const auto& d : u.diagnostics)
            if (d.code.find("correlation") != std::string::npos || d.code == "unknown-filter-rule") {
                std::cerr << d.format() << '\n';
                m_errors = m_errors || d.severity == sigma::Severity::Error;
            }
        m_unit = u.unit;
        m_evaluator = std::make_unique<sigma::CorrelationEvaluator>(m_unit);
    }
    const sigma::CorrelationUnit& unit() const { return *m_unit; }
    bool errors() const { return m_errors; }

    /// The hits of one batch (ordered by event) that pass their filters, fed to the correlations.
    std::vector<sigma::BatchHit> filter(const std::vector<sigma::Event>& batch,
                                        const std::vector<sigma::BatchHit>& hits)
    {
        std::vector<sigma::BatchHit> kept;
        std::vector<std::size_t> rules;
        for (std::size_t i = 0; i < hits.size();) {
            rules.clear();
            std::size_t j = i;
            for (; j < hits.size() && hits[j].event == hits[i].event; ++j)
                if (m_unit->passesFilters(batch[hits[j].event], hits[j].rule)) {
                    rules.push_back(hits[j].rule);
                    kept.push_back(hits[j]);
                }
            if (!rules.empty())
                m_evaluator->add(batch[hits[i].event], rules);
            i = j;
        }
        return kept;
    }

    /// Prints the results; returns how many were reported.
    std::size_t finish(const Options& o)
    {
        const sigma::CorrelationReport report = m_evaluator->finish();
        if (report.untimedCount)
            std::cerr << "sigmawb: " << report.untimedCount
                      << " match(es) of rules that correlations read have no event time and were not correlated\n";
        const auto& corrs = m_unit->correlations();
        std::vector<std::size_t> counts(corrs.size(), 0);
        std::size_t reported = 0;
        for (const auto& r : report.results) {
            if (!corrs[r.correlation].reportAlone)
                continue;
            ++counts[r.correlation];
            ++reported;
            if (!o.count)
                std::cout << (o.format == "jsonl" ? sigma::correlationResultJson(*m_unit, r)
                                                  : sigma::correlationResultText(*m_unit, r))
                          << '\n';
        }
        if (o.count)
            for (std::size_t i = 0; i < corrs.size(); ++i)
                if (corrs[i].reportAlone)
                    std::cout << counts[i] << '\t' << corrs[i].doc.id << '\t' << corrs[i].doc.title << '\n';
        return reported;
    }

private:
    std::shared_ptr<const sigma::CorrelationUnit> m_unit;
    std::unique_ptr<sigma::CorrelationEvaluator> m_evaluator;
    bool m_errors = false;
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

    LoadedRules loaded = loadRules(ruleFiles, setup->options, o.threads, /*keepParsed=*/true);
    for (const auto& d : loaded.diagnostics)
        std::cerr << d.format() << '\n';
    if (!loaded.failedFiles.empty())
        std::cerr << "sigmawb: " << loaded.failedFiles.size() << " rule file(s) failed to compile\n";
    RuleSetBuilder builder;
    for (const auto& r : loaded.rules)
        builder.add(r);
    const RuleSet set = builder.build();
    std::optional<Correlations> correlations;
    if (loaded.otherDocuments > 0)
        correlations.emplace(loaded.parsed, setup->options);
    loaded.parsed = {}; // not needed past here
    const RuleSet& matched = correlations ? correlations->unit().ruleSet() : set;

    // Events stream from the readers in batches (file order, record order); each batch is matched
    // over the cores and reported before the next one is read.
    Reporter reporter(matched, o, correlations ? &correlations->unit() : nullptr);
    bool ioError = false;
    std::string stopped;
    EventStreamOptions stream;
    stream.threads = o.threads;
    stream.batchSize = kBatchEvents;
    const EventStreamTotals totals = streamEvents(
        eventFiles, stream,
        [&](std::vector<Event>& batch) {
            BatchMatch m = matchBatch(matched, batch, o.threads);
            if (!m.complete) {
                stopped = m.error.empty() ? std::string("stopped") : m.error;
                return false;
            }
            if (correlations)
                m.hits = correlations->filter(batch, m.hits);
            for (const BatchHit& hit : m.hits)
                reporter.report(batch[hit.event], hit.rule);
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
    const std::size_t results = correlations ? correlations->finish(o) : 0;
    std::cerr << "sigmawb: " << loaded.rules.size() << " rules, " << events << " events, " << reporter.matches()
              << " matches";
    if (correlations && !correlations->unit().correlations().empty())
        std::cerr << ", " << results << " correlation results";
    std::cerr << '\n';
    if (ioError)
        return sigmawb::ExitUsage;
    return loaded.failedFiles.empty() && !(correlations && correlations->errors()) ? sigmawb::ExitOk
                                                                                   : sigmawb::ExitFailure;
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
