// `sigmawb diff OLD NEW --events PATH... [--corpus DIR...] [--format text|json] [--exit-code]`: the
// impact of an edit of a rule (corpus/impact.h): the events matched by each version, +N newly
// matched / -M no longer matched, every event whose match changed, and per indicator (field, kind,
// value) its baseline hits and, with --corpus, its corpus reach before and after.
#include "clisupport.h"
#include "command.h"

#include "corpus/corpus.h"
#include "corpus/impact.h"
#include "events/eventfiles.h"
#include "events/reader.h"
#include "util/fileio.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

namespace {

struct Options {
    std::string oldRule;
    std::string newRule;
    std::vector<std::string> events;
    std::vector<std::string> corpus;
    std::string format = "text";
    bool exitCode = false;
    sigmawb::CompileFlags compile;
};

const char* verdictName(sigma::Verdict v)
{
    switch (v) {
    case sigma::Verdict::Match:
        return "match";
    case sigma::Verdict::NoMatch:
        return "no_match";
    case sigma::Verdict::OutOfScope:
        return "out_of_scope";
    case sigma::Verdict::Unknown:
        break;
    }
    return "not_evaluated";
}

std::string countText(const std::optional<std::size_t>& n)
{
    return n ? std::to_string(*n) : std::string("-");
}

nlohmann::ordered_json countJson(const std::optional<std::size_t>& n)
{
    return n ? nlohmann::ordered_json(*n) : nlohmann::ordered_json(nullptr);
}

std::string eventName(const sigma::Event& e)
{
    std::string s = (e.origin.file ? *e.origin.file : std::string()) + ':' + std::to_string(e.origin.index);
    if (e.origin.recordId)
        s += " (record " + std::to_string(*e.origin.recordId) + ')';
    return s;
}

void printJson(const Options& o, const sigma::ImpactResult& r, const sigma::EventList& events)
{
    nlohmann::ordered_json j;
    j["old"] = {{"file", o.oldRule}, {"compiled", r.beforeCompiled}, {"matches", r.matchesBefore}};
    j["new"] = {{"file", o.newRule}, {"compiled", r.afterCompiled}, {"matches", r.matchesAfter}};
    j["events"] = r.events;
    j["added"] = r.added;
    j["removed"] = r.removed;
    j["changes"] = nlohmann::ordered_json::array();
    for (const auto& c : r.changes) {
        const auto& e = events[c.event];
        j["changes"].push_back({{"event_file", e.origin.file ? *e.origin.file : std::string()},
                                {"event_index", e.origin.index},
                                {"record_id", e.origin.recordId ? nlohmann::ordered_json(*e.origin.recordId) : nullptr},
                                {"before", verdictName(c.before)},
                                {"after", verdictName(c.after)}});
    }
    j["indicators"] = nlohmann::ordered_json::array();
    for (const auto& i : r.indicators) {
        const auto& ind = i.indicator;
        j["indicators"].push_back({{"change", sigma::indicatorChangeKindName(i.change)},
                                   {"field", ind.field},
                                   {"written_field", ind.writtenField},
                                   {"kind", sigma::indicatorKindName(ind.kind)},
                                   {"value", ind.value},
                                   {"excluded", ind.excluded},
                                   {"hits_before", countJson(i.hitsBefore)},
                                   {"hits_after", countJson(i.hitsAfter)},
                                   {"reach_before", countJson(i.reachBefore)},
                                   {"reach_after", countJson(i.reachAfter)}});
    }
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void printText(const Options& o, const sigma::ImpactResult& r, const sigma::EventList& events)
{
    const auto version = [](bool compiled, std::size_t matches) {
        return compiled ? std::to_string(matches) : std::string("- (does not compile)");
    };
    std::cout << o.oldRule << " -> " << o.newRule << " over " << r.events << " event" << (r.events == 1 ? "" : "s")
              << '\n'
              << "matches: " << version(r.beforeCompiled, r.matchesBefore) << " -> "
              << version(r.afterCompiled, r.matchesAfter) << " (+" << r.added << " / -" << r.removed << ")\n";
    if (!r.changes.empty()) {
        std::cout << "\nevents whose verdict changed:\n";
        for (const auto& c : r.changes)
            std::cout << "  " << (c.nowMatches() ? '+' : '-') << ' ' << eventName(events[c.event]) << "  "
                      << verdictName(c.before) << " -> " << verdictName(c.after) << '\n';
    }
    if (r.indicators.empty())
        return;
    std::size_t wField = 5, wKind = 4, wValue = 5;
    for (const auto& i : r.indicators) {
        wField = std::max(wField, i.indicator.field.empty() ? 9 : i.indicator.field.size());
        wKind = std::max(wKind, std::string_view(sigma::indicatorKindName(i.indicator.kind)).size());
        wValue = std::max(wValue, std::min<std::size_t>(i.indicator.value.size(), 50));
    }
    std::cout << "\nindicators (" << r.indicatorsChanged() << " changed):\n"
              << std::left << "  " << std::setw(8) << "CHANGE" << std::setw(int(wField) + 2) << "FIELD"
              << std::setw(int(wKind) + 2) << "KIND" << std::setw(int(wValue) + 2) << "VALUE"
              << (r.reachCounted ? "HITS        REACH" : "HITS") << '\n';
    for (const auto& i : r.indicators) {
        const auto& ind = i.indicator;
        const std::string value = ind.value.size() > 50 ? ind.value.substr(0, 47) + "..." : ind.value;
        std::cout << "  " << std::setw(8) << sigma::indicatorChangeKindName(i.change) << std::setw(int(wField) + 2)
                  << (ind.field.empty() ? std::string("(keyword)") : ind.field) << std::setw(int(wKind) + 2)
                  << sigma::indicatorKindName(ind.kind) << std::setw(int(wValue) + 2) << value;
        const std::string hits =
            r.hitsCounted ? countText(i.hitsBefore) + " -> " + countText(i.hitsAfter) : std::string("-");
        if (r.reachCounted)
            std::cout << std::setw(12) << hits << countText(i.reachBefore) << " -> " << countText(i.reachAfter);
        else
            std::cout << hits;
        std::cout << '\n';
    }
}

int run(Options o)
{
    // `--events a b OLD NEW`: the option is greedy, so the rules may have landed in the event list.
    if (o.newRule.empty() && o.events.size() > 1) {
        o.newRule = o.events.back();
        o.events.pop_back();
    }
    if (o.oldRule.empty() && o.events.size() > 1) {
        o.oldRule = o.events.back();
        o.events.pop_back();
    }
    if (o.oldRule.empty() || o.newRule.empty()) {
        std::cerr << "sigmawb diff: give two rule files, OLD and NEW\n";
        return sigmawb::ExitUsage;
    }
    const auto setup = sigmawb::compileSetup(o.compile);
    if (!setup)
        return sigmawb::ExitUsage;
    sigma::ImpactInput before{{}, o.oldRule}, after{{}, o.newRule};
    for (auto* in : {&before, &after}) {
        std::string error;
        if (!sigma::readWholeFile(in->file, in->text, error)) {
            std::cerr << "sigmawb diff: " << in->file << ": " << error << '\n';
            return sigmawb::ExitUsage;
        }
    }

    sigma::EventList events;
    bool damaged = false;
    const bool read = sigmawb::readEventFiles(
        o.events,
        [&](const std::string&, sigma::ReadResult& file) {
            damaged = damaged || file.skipped > 0;
            std::move(file.events.begin(), file.events.end(), std::back_inserter(events));
        },
        "diff");
    if (!read)
        return sigmawb::ExitUsage;

    std::optional<sigma::Corpus> corpus;
    bool partial = false;
    if (!o.corpus.empty()) {
        const auto roots = sigmawb::corpusRoots("diff", o.corpus);
        if (!roots)
            return sigmawb::ExitUsage;
        corpus = sigma::Corpus::load(*roots);
        partial = sigmawb::reportCorpusProblems(*corpus);
    }

    sigma::ImpactOptions options;
    options.compile = setup->options;
    const sigma::ImpactResult r = sigma::computeImpact(before, after, events, options, corpus ? &*corpus : nullptr);
    for (const auto& d : r.diagnostics)
        if (d.severity == sigma::Severity::Error)
            std::cerr << d.format() << '\n';
    if (o.format == "json")
        printJson(o, r, events);
    else
        printText(o, r, events);

    if (!r.beforeCompiled || !r.afterCompiled)
        return sigmawb::ExitFailure;
    if (o.exitCode && !r.changes.empty())
        return sigmawb::ExitFailure;
    if (damaged || partial || events.empty())
        return sigmawb::ExitPartial;
    return sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    22, "diff", "The impact of an edit of a rule: events newly matched and no longer matched, indicators changed",
    [](CLI::App& sub) -> std::function<int()> {
        auto o = std::make_shared<Options>();
        sub.add_option("OLD", o->oldRule, "The rule before the edit (e.g. from git show HEAD:rule.yml)");
        sub.add_option("NEW", o->newRule, "The rule after the edit");
        sub.add_option("--events", o->events,
                       "Event files or folders (EVTX, Event XML, JSON; folders searched recursively for " +
                           sigma::eventFilePatterns() + ")")
            ->required();
        sub.add_option("--corpus", o->corpus,
                       "Folders (or files) of rules: each indicator's corpus reach, other rules than OLD and NEW");
        sub.add_option("--format", o->format, "Output: text (default) or json")->check(CLI::IsMember({"text", "json"}));
        sub.add_flag("--exit-code", o->exitCode,
                     "Exit with 1 when an event's verdict changed (as git diff --exit-code)");
        o->compile.addTo(sub);
        sub.footer("Exit codes: 0 compared, 1 OLD or NEW does not compile (or, with --exit-code, a verdict changed), "
                   "2 usage or I/O error, 3 damaged events skipped, a corpus file left out, or no events read.");
        return [o] { return run(*o); };
    });

} // namespace
