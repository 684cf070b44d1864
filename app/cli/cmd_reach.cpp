// `sigmawb reach --corpus DIR [--corpus DIR...] [--events PATH...] RULE [--format text|json]`: the rule's indicators
// with their kind, value, corpus reach (rules of the corpus using the same indicator) and, with
// events, baseline hits (events each indicator matches on its own, and the whole rule).
#include "clisupport.h"
#include "command.h"

#include "corpus/baseline.h"
#include "corpus/corpus.h"
#include "events/eventfiles.h"
#include "events/eventstream.h"
#include "events/reader.h"
#include "rule/parser.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <system_error>

namespace {

struct Options {
    std::vector<std::string> corpus;
    std::vector<std::string> events;
    std::string rule;
    std::string format = "text";
};

std::string transformationsText(const std::vector<std::string>& t)
{
    std::string s;
    for (const auto& x : t)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

int run(Options options)
{
    namespace fs = std::filesystem;
    // `--events a b RULE`: the option is greedy, so the rule may have landed in the event list.
    if (options.rule.empty() && !options.events.empty()) {
        options.rule = options.events.back();
        options.events.pop_back();
    }
    if (options.rule.empty()) {
        std::cerr << "sigmawb reach: no RULE given\n";
        return sigmawb::ExitUsage;
    }
    std::error_code ec;
    const auto roots = sigmawb::corpusRoots("reach", options.corpus);
    if (!roots)
        return sigmawb::ExitUsage;
    if (!fs::is_regular_file(options.rule, ec)) {
        std::cerr << "sigmawb reach: " << options.rule << ": no such rule file\n";
        return sigmawb::ExitUsage;
    }

    sigma::ParsedFile parsed = sigma::parseRuleFile(options.rule);
    for (const auto& d : parsed.diagnostics)
        if (d.severity == sigma::Severity::Error)
            std::cerr << d.format() << '\n';
    const sigma::Rule* rule = parsed.firstRule();
    if (sigma::hasErrors(parsed.diagnostics)) {
        std::cerr << "sigmawb reach: " << options.rule << ": the rule has errors\n";
        return sigmawb::ExitFailure;
    }
    if (!rule) {
        std::cerr << "sigmawb reach: " << options.rule
                  << ": no detection rule in the file (only correlations or filters)\n";
        return sigmawb::ExitFailure;
    }

    const sigma::Corpus corpus = sigma::Corpus::load(*roots);
    const bool partial = sigmawb::reportCorpusProblems(corpus);

    // The rule's fields are normalised in the scope of its log source, as in the corpus index.
    const auto indicators = sigma::ruleIndicators(*rule);

    std::size_t eventFiles = 0;
    std::size_t events = 0;
    bool damaged = false;
    const bool withEvents = !options.events.empty();
    sigma::Diagnostics eventFileProblems;
    const auto files = sigma::collectEventFiles(options.events, eventFileProblems);
    for (const auto& d : eventFileProblems)
        std::cerr << d.format() << '\n';
    if (sigma::hasErrors(eventFileProblems)) {
        std::cerr << "sigmawb reach: some of the event paths cannot be read\n";
        return sigmawb::ExitUsage;
    }
    // The events stream through the counter in batches: memory does not grow with their number.
    sigma::BaselineResult baseline;
    if (withEvents) {
        sigma::BaselineCounter counter(*rule, options.rule);
        std::string failed;
        const auto totals = sigma::streamEvents(
            files, {}, [&](std::vector<sigma::Event>& batch) { return failed.empty() && counter.add(batch); },
            [&](const sigma::ReadResult& r, const std::string& file) {
                ++eventFiles;
                for (const auto& d : r.diagnostics)
                    std::cerr << d.format() << '\n';
                if (r.failed() && failed.empty())
                    failed = file;
                damaged = damaged || r.skipped > 0;
            });
        if (!failed.empty()) {
            std::cerr << "sigmawb reach: " << failed << ": cannot read the events\n";
            return sigmawb::ExitUsage;
        }
        events = totals.events;
        if (events == 0) {
            std::cerr << "sigmawb reach: no events read from the paths given\n";
            return sigmawb::ExitPartial;
        }
        baseline = counter.take();
        for (const auto& d : baseline.diagnostics)
            std::cerr << d.format() << '\n';
    }

    if (options.format == "json") {
        nlohmann::ordered_json j;
        j["rule"] = {{"title", rule->title}, {"id", rule->id}, {"file", options.rule}};
        j["corpus"] = {{"path", options.corpus.front()},
                       {"paths", options.corpus},
                       {"rules", corpus.rules().size()},
                       {"files", corpus.filesScanned()},
                       {"broken_files", corpus.brokenFiles().size()},
                       {"distinct_indicators", corpus.distinctIndicators()}};
        if (withEvents)
            j["events"] = {{"files", eventFiles},
                           {"events", events},
                           {"in_scope", baseline.eventsConsidered},
                           {"rule_hits", baseline.ruleCompiled ? nlohmann::ordered_json(baseline.ruleHits) : nullptr}};
        j["indicators"] = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < indicators.size(); ++i) {
            const auto& ind = indicators[i];
            nlohmann::ordered_json row = {{"field", ind.field},
                                          {"written_field", ind.writtenField},
                                          {"kind", sigma::indicatorKindName(ind.kind)},
                                          {"value", ind.value},
                                          {"transformations", ind.transformations},
                                          {"excluded", ind.excluded},
                                          {"search_identifier", ind.searchIdentifier},
                                          {"line", ind.span.begin.line},
                                          {"column", ind.span.begin.column},
                                          {"corpus_reach", corpus.reach(ind)},
                                          {"other_rules", corpus.reachExcludingFile(ind, options.rule)}};
            if (withEvents)
                row["baseline_hits"] = baseline.hits[i];
            j["indicators"].push_back(std::move(row));
        }
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        std::cout << rule->title << " (" << options.rule << ")\n";
        std::cout << "corpus: " << corpus.rules().size() << " rules from ";
        for (std::size_t i = 0; i < options.corpus.size(); ++i)
            std::cout << (i ? ", " : "") << options.corpus[i];
        std::cout << '\n';
        if (withEvents) {
            std::cout << "events: " << events << " from " << eventFiles << " file" << (eventFiles == 1 ? "" : "s")
                      << ", " << baseline.eventsConsidered << " in the rule's log source; the whole rule matches ";
            if (baseline.ruleCompiled)
                std::cout << baseline.ruleHits << '\n';
            else
                std::cout << "- (it does not compile)\n";
        }
        std::cout << '\n';
        std::size_t wField = 5, wKind = 4, wValue = 5;
        for (const auto& ind : indicators) {
            wField =
                std::max(wField, ind.field.size() + (ind.field == ind.writtenField ? 0 : ind.writtenField.size() + 3));
            wKind = std::max(wKind, std::string_view(sigma::indicatorKindName(ind.kind)).size());
            wValue = std::max(wValue, std::min<std::size_t>(ind.value.size(), 60));
        }
        std::cout << std::left << std::setw(static_cast<int>(wField)) << "FIELD"
                  << "  " << std::setw(static_cast<int>(wKind)) << "KIND"
                  << "  " << std::setw(static_cast<int>(wValue)) << "VALUE"
                  << "  " << std::right << std::setw(6) << "REACH";
        if (withEvents)
            std::cout << "  " << std::setw(6) << "HITS";
        std::cout << "  NOTE\n";
        for (std::size_t i = 0; i < indicators.size(); ++i) {
            const auto& ind = indicators[i];
            std::string field = ind.field.empty() ? "(keyword)" : ind.field;
            if (!ind.writtenField.empty() && ind.writtenField != ind.field)
                field += " (" + ind.writtenField + ")";
            std::string value = ind.value.size() > 60 ? ind.value.substr(0, 57) + "..." : ind.value;
            std::string note = ind.excluded ? "excludes" : "";
            if (!ind.transformations.empty())
                note += (note.empty() ? "" : " ") + std::string("|") + transformationsText(ind.transformations);
            std::cout << std::left << std::setw(static_cast<int>(wField)) << field << "  "
                      << std::setw(static_cast<int>(wKind)) << sigma::indicatorKindName(ind.kind) << "  "
                      << std::setw(static_cast<int>(wValue)) << value << "  " << std::right << std::setw(6)
                      << corpus.reach(ind);
            if (withEvents)
                std::cout << "  " << std::setw(6) << baseline.hits[i];
            std::cout << "  " << note << '\n';
        }
    }
    if (partial || damaged)
        return sigmawb::ExitPartial;
    return sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    500, "reach", "Show a rule's indicators with their corpus reach and, with events, their baseline hits",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sigmawb::addCorpusOption(sub, options->corpus);
        sub.add_option("--events", options->events,
                       "Event files or folders (EVTX, Event XML, JSON; folders searched recursively for " +
                           sigma::eventFilePatterns() + ", following symbolic links) to count baseline hits on");
        sub.add_option("RULE", options->rule, "The Sigma rule file");
        sub.add_option("--format", options->format, "Output: text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
        return [options] { return run(*options); };
    });

} // namespace
