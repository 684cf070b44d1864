// `sigmawb rule-from-event --events FILE --index N[,M...] --fields A,B [--id UUID] [--date DATE]
// [-o FILE]`: a new rule from the given fields of events (core/live/rulefromevent.h), as the
// workbench's "New rule from selection" makes it. Warnings (a field left out, a guessed log source)
// go to stderr; exit 1 when no rule could be made.
#include "clisupport.h"
#include "command.h"

#include "events/reader.h"
#include "live/rulefromevent.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

namespace {

struct Options {
    std::string events;
    std::vector<std::size_t> indexes;
    std::vector<std::string> fields;
    std::string id;
    std::string date;
    std::string output;
};

int run(const Options& options)
{
    const sigma::ReadResult read = sigma::readEventsFile(options.events);
    for (const auto& d : read.diagnostics)
        std::cerr << d.format() << '\n';
    std::vector<const sigma::Event*> events;
    for (std::size_t n : options.indexes) {
        if (n < 1 || n > read.events.size()) {
            std::cerr << "sigmawb rule-from-event: " << options.events << ": no event " << n << " (the file has "
                      << read.events.size() << ")\n";
            return sigmawb::ExitUsage;
        }
        events.push_back(&read.events[n - 1]);
    }
    const sigma::RuleFromEvents made =
        sigma::ruleFromEvents(events, options.fields, {.id = options.id, .date = options.date});
    for (const auto& d : made.diagnostics)
        std::cerr << "sigmawb rule-from-event: " << (d.severity == sigma::Severity::Error ? "error: " : "warning: ")
                  << d.message << '\n';
    if (made.yaml.empty())
        return sigmawb::ExitFailure;
    if (!options.output.empty())
        return sigmawb::writeOutputFile("rule-from-event", options.output, made.yaml) ? sigmawb::ExitOk
                                                                                      : sigmawb::ExitUsage;
    std::cout << made.yaml;
    return sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    526, "rule-from-event",
    "A new rule from fields of events: their log source, one selection, title and tags to fill in",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sub.add_option("--events", options->events, "The events file (.evtx, Event XML or JSON)")
            ->required()
            ->check(CLI::ExistingFile);
        sub.add_option("--index", options->indexes, "Events by their 1-based position in the file, comma separated")
            ->required()
            ->delimiter(',');
        sub.add_option("--fields", options->fields,
                       "Fields of the events for the selection, comma separated (as the events name them)")
            ->required()
            ->delimiter(',');
        sub.add_option("--id", options->id, "The rule's id (default: a new random UUID)");
        sub.add_option("--date", options->date, "The rule's date, YYYY-MM-DD (default: today, UTC)");
        sub.add_option("-o,--output", options->output, "Write the rule to this file (atomically), not to stdout");
        return [options] { return run(*options); };
    });

} // namespace
