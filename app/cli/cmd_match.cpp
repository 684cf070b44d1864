// `sigmawb match --rules PATH... --events PATH... [--format text|jsonl] [--count]
//  [--placeholders FILE] [--threads N]`: every rule against every event.
#include "clisupport.h"
#include "command.h"

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
    Reporter(const sigma::RuleSet& set, const Options& o)
        : m_set(set)
        , m_options(o)
        , m_counts(set.size(), 0)
    {}

    void report(const sigma::Event& e, std::size_t ruleIndex)
    {
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
            std::cout << m_counts[i] << '\t' << m_set.at(i)->rule().id << '\t' << m_set.at(i)->rule().title << '\n';
    }

    std::size_t matches() const { return m_matches; }

private:
    const sigma::RuleSet& m_set;
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

    // Events stream from the readers in batches (file order, record order); each batch is matched
    // over the cores and reported before the next one is read.
    Reporter reporter(set, o);
    bool ioError = false;
    std::string stopped;
    EventStreamOptions stream;
    stream.threads = o.threads;
    stream.batchSize = kBatchEvents;
    const EventStreamTotals totals = streamEvents(
        eventFiles, stream,
        [&](std::vector<Event>& batch) {
            const BatchMatch m = matchBatch(set, batch, o.threads);
            if (!m.complete) {
                stopped = m.error.empty() ? std::string("stopped") : m.error;
                return false;
            }
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
    std::cerr << "sigmawb: " << loaded.rules.size() << " rules, " << events << " events, " << reporter.matches()
              << " matches\n";
    if (ioError)
        return sigmawb::ExitUsage;
    return loaded.failedFiles.empty() ? sigmawb::ExitOk : sigmawb::ExitFailure;
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
