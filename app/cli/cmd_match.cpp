// `sigmawb match --rules PATH... --events PATH... [--format text|jsonl] [--count]
//  [--placeholders FILE] [--threads N]`: every rule against every event.
#include "command.h"

#include "engine/engine.h"
#include "engine/loader.h"
#include "engine/logsource.h"
#include "events/eventfiles.h"
#include "events/reader.h"
#include "util/parallel.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace {

struct Options {
    std::vector<std::string> rules;
    std::vector<std::string> events;
    std::string format = "text";
    bool count = false;
    std::string placeholders;
    std::string logSources;
    bool translate5156 = false;
    bool noScope = false;
    unsigned threads = 0;
};

struct Hit {
    std::size_t event; // global index
    std::size_t rule;
};

int run(const Options& o)
{
    using namespace sigma;
    sigma::CompileOptions options;
    options.translateSecurity5156 = o.translate5156;
    options.scopeByLogSource = !o.noScope;
    Diagnostics setup;
    if (!o.placeholders.empty())
        options.placeholders = loadPlaceholdersFile(o.placeholders, setup);
    LogSourceTable table;
    if (!o.logSources.empty()) {
        table = LogSourceTable::builtin().overriddenBy(LogSourceTable::fromFile(o.logSources, setup));
        options.logSources = &table;
    }
    Diagnostics ruleFileProblems;
    const auto ruleFiles = collectRuleFiles(o.rules, ruleFileProblems);
    Diagnostics eventFileProblems;
    const auto eventFiles = collectEventFiles(o.events, eventFileProblems);
    bool usageError = hasErrors(setup) || hasErrors(ruleFileProblems) || hasErrors(eventFileProblems);
    for (const auto* list : {&setup, &ruleFileProblems, &eventFileProblems})
        for (const auto& d : *list)
            std::cerr << d.format() << '\n';
    if (usageError)
        return sigmawb::ExitUsage;

    LoadedRules loaded = loadRules(ruleFiles, options, o.threads);
    for (const auto& d : loaded.diagnostics)
        std::cerr << d.format() << '\n';
    if (!loaded.failedFiles.empty())
        std::cerr << "sigmawb: " << loaded.failedFiles.size() << " rule file(s) failed to compile\n";

    // Events, in file order.
    std::vector<Event> events;
    bool ioError = false;
    for (const auto& file : eventFiles) {
        ReadResult r = readEventsFile(file);
        for (const auto& d : r.diagnostics)
            std::cerr << d.format() << '\n';
        if (r.failed())
            ioError = true;
        std::move(r.events.begin(), r.events.end(), std::back_inserter(events));
    }

    RuleSetBuilder builder;
    for (const auto& r : loaded.rules)
        builder.add(r);
    const RuleSet set = builder.build();

    if (events.empty() && !ioError) {
        std::cerr << "sigmawb match: no events read from the paths given\n";
        return sigmawb::ExitPartial;
    }

    // Match in blocks of events over the cores; each worker keeps its own hits.
    ParallelOptions parallel;
    parallel.threads = o.threads;
    parallel.grain = 256;
    std::vector<std::vector<Hit>> perThread(parallelSlots(events.size(), parallel));
    const ParallelRun run = parallelFor(
        events.size(),
        [&](std::size_t begin, std::size_t end, unsigned worker) {
            std::vector<std::size_t> matched;
            for (std::size_t i = begin; i < end; ++i) {
                set.match(events[i], matched);
                for (auto r : matched)
                    perThread[worker].push_back(Hit{i, r});
            }
        },
        parallel);
    if (!run.complete()) {
        std::cerr << "sigmawb: matching stopped: " << run.error << '\n';
        return sigmawb::ExitFailure;
    }
    std::vector<Hit> hits;
    for (auto& v : perThread)
        hits.insert(hits.end(), v.begin(), v.end());
    std::sort(hits.begin(), hits.end(),
              [](const Hit& a, const Hit& b) { return a.event != b.event ? a.event < b.event : a.rule < b.rule; });

    if (o.count) {
        std::vector<std::size_t> counts(set.size(), 0);
        for (const auto& h : hits)
            ++counts[h.rule];
        for (std::size_t i = 0; i < set.size(); ++i)
            std::cout << counts[i] << '\t' << set.at(i)->rule().id << '\t' << set.at(i)->rule().title << '\n';
    } else if (o.format == "jsonl") {
        for (const auto& h : hits) {
            const auto& rule = *set.at(h.rule);
            const Event& e = events[h.event];
            nlohmann::ordered_json j;
            j["rule_id"] = rule.rule().id;
            j["rule_title"] = rule.rule().title;
            j["rule_file"] = rule.file();
            j["event_file"] = e.origin.file ? *e.origin.file : std::string();
            j["event_index"] = e.origin.index;
            j["record_id"] = e.origin.recordId ? nlohmann::ordered_json(*e.origin.recordId) : nullptr;
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        }
    } else {
        for (const auto& h : hits) {
            const auto& rule = *set.at(h.rule);
            const Event& e = events[h.event];
            std::cout << (e.origin.file ? *e.origin.file : std::string()) << ':' << e.origin.index;
            if (e.origin.recordId)
                std::cout << " (record " << *e.origin.recordId << ')';
            std::cout << ": " << rule.rule().title << " [" << rule.rule().id << "] " << rule.file() << '\n';
        }
    }
    std::cerr << "sigmawb: " << loaded.rules.size() << " rules, " << events.size() << " events, " << hits.size()
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
        sub.add_option("--placeholders", o->placeholders, "YAML file: placeholder name -> values (for |expand)");
        sub.add_option("--threads", o->threads, "Threads for matching (default: all cores)");
        sub.add_option("--logsources", o->logSources,
                       "CSV file overriding rows of the built-in log-source table (same format)");
        sub.add_flag("--translate-5156", o->translate5156,
                     "Read Security 5156 events as Sysmon network connections (network_connection rules)");
        sub.add_flag("--no-scope", o->noScope, "Test every rule against every event, whatever its log source");
        return [o] { return run(*o); };
    });

} // namespace
