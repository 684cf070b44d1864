// `sigmawb match --rules PATH... --events PATH... [--format text|jsonl] [--count]
//  [--placeholders FILE] [--threads N]`: every rule against every event.
#include "command.h"

#include "correlation/correlation.h"
#include "correlation/report.h"
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

/// The correlations of the unit over the base-rule matches (hits sorted by event).
sigma::CorrelationReport correlateHits(std::shared_ptr<const sigma::CorrelationUnit> unit,
                                       const std::vector<sigma::Event>& events, const std::vector<Hit>& hits)
{
    sigma::CorrelationEvaluator evaluator(std::move(unit));
    std::vector<std::size_t> rules;
    for (std::size_t i = 0; i < hits.size();) {
        rules.clear();
        std::size_t j = i;
        for (; j < hits.size() && hits[j].event == hits[i].event; ++j)
            rules.push_back(hits[j].rule);
        evaluator.add(events[hits[i].event], rules);
        i = j;
    }
    sigma::CorrelationReport report = evaluator.finish();
    if (report.untimedCount)
        std::cerr << "sigmawb: " << report.untimedCount
                  << " match(es) of rules that correlations read have no event time and were not correlated\n";
    return report;
}

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
    // Correlations and filters (docs/correlations.md): when the rule files hold any, rules are
    // matched through one unit, filters applied; rules of generate: false correlations stay silent.
    std::shared_ptr<const CorrelationUnit> unit;
    bool unitErrors = false;
    if (loaded.otherDocuments > 0) {
        auto u = loadCorrelationUnit(ruleFiles, options);
        for (const auto& d : u.diagnostics)
            if (d.code.find("correlation") != std::string::npos || d.code == "unknown-filter-rule") {
                std::cerr << d.format() << '\n';
                unitErrors = unitErrors || d.severity == Severity::Error;
            }
        unit = u.unit;
    }
    const std::size_t ruleCount = unit ? unit->rules().size() : set.size();
    auto ruleAt = [&](std::size_t i) -> const CompiledRule& { return unit ? *unit->rules()[i].rule : *set.at(i); };

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
                if (unit)
                    unit->match(events[i], matched);
                else
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

    CorrelationReport correlated;
    if (unit) {
        correlated = correlateHits(unit, events, hits);
        hits.erase(
            std::remove_if(hits.begin(), hits.end(), [&](const Hit& h) { return !unit->rules()[h.rule].reportAlone; }),
            hits.end());
    }

    if (o.count) {
        std::vector<std::size_t> counts(ruleCount, 0);
        for (const auto& h : hits)
            ++counts[h.rule];
        for (std::size_t i = 0; i < ruleCount; ++i)
            if (!unit || unit->rules()[i].reportAlone)
                std::cout << counts[i] << '\t' << ruleAt(i).rule().id << '\t' << ruleAt(i).rule().title << '\n';
    } else if (o.format == "jsonl") {
        for (const auto& h : hits) {
            const auto& rule = ruleAt(h.rule);
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
            const auto& rule = ruleAt(h.rule);
            const Event& e = events[h.event];
            std::cout << (e.origin.file ? *e.origin.file : std::string()) << ':' << e.origin.index;
            if (e.origin.recordId)
                std::cout << " (record " << *e.origin.recordId << ')';
            std::cout << ": " << rule.rule().title << " [" << rule.rule().id << "] " << rule.file() << '\n';
        }
    }
    if (unit)
        printCorrelations(*unit, correlated, o.count ? "count" : o.format);
    std::cerr << "sigmawb: " << loaded.rules.size() << " rules, " << events.size() << " events, " << hits.size()
              << " matches";
    if (unit && !unit->correlations().empty())
        std::cerr << ", "
                  << std::count_if(
                         correlated.results.begin(), correlated.results.end(),
                         [&](const CorrelationResult& r) { return unit->correlations()[r.correlation].reportAlone; })
                  << " correlation results";
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
