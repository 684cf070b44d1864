// `sigmawb events PATH... [--format text|jsonl] [--limit N]`: reads event files (EVTX, Windows
// Event XML, JSON) and prints them normalised to Sigma field names, with a summary on stderr.
#include "command.h"

#include "events/eventfiles.h"
#include "events/reader.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>

namespace {

struct Options {
    std::vector<std::string> paths;
    std::string format = "text";
    std::size_t limit = 0;
};

nlohmann::ordered_json numberOrString(std::string_view s)
{
    if (!s.empty() && s.size() < 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::stoull(std::string(s));
    return std::string(s);
}

nlohmann::ordered_json toJson(const sigma::Event& event)
{
    nlohmann::ordered_json j;
    j["file"] = event.origin.file ? *event.origin.file : std::string();
    j["index"] = event.origin.index;
    j["record_id"] = event.origin.recordId ? nlohmann::ordered_json(*event.origin.recordId) : nullptr;
    j["provider"] = std::string(event.provider());
    j["event_id"] = numberOrString(event.eventId());
    j["channel"] = std::string(event.channel());
    j["time"] = std::string(event.time());
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    for (const auto& f : event.fields) {
        const std::string name(sigma::FieldNames::text(f.name));
        auto it = fields.find(name);
        if (it == fields.end()) {
            fields[name] = std::string(event.text(f));
        } else { // repeated field (unnamed Data): an array in order
            if (!it->is_array())
                *it = nlohmann::ordered_json::array({*it});
            it->push_back(std::string(event.text(f)));
        }
    }
    j["fields"] = std::move(fields);
    return j;
}

void printText(const sigma::Event& event)
{
    std::cout << (event.origin.file ? *event.origin.file : std::string()) << ':' << event.origin.index;
    if (event.origin.recordId)
        std::cout << " record " << *event.origin.recordId;
    if (event.origin.chunk)
        std::cout << " chunk " << *event.origin.chunk;
    std::cout << "  " << event.time() << "  " << event.provider() << '/' << event.eventId() << "  " << event.channel()
              << '\n';
    for (const auto& f : event.fields) {
        std::cout << "    " << sigma::FieldNames::text(f.name) << ": ";
        // Multi-line values stay readable: continuation lines indented.
        std::string_view v = event.text(f);
        std::size_t start = 0;
        while (true) {
            const auto nl = v.find('\n', start);
            std::cout << v.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
            if (nl == std::string_view::npos)
                break;
            std::cout << "\n      ";
            start = nl + 1;
        }
        std::cout << '\n';
    }
    std::cout << '\n';
}

int run(const Options& options)
{
    if (options.format != "text" && options.format != "jsonl") {
        std::cerr << "sigmawb events: --format must be text or jsonl\n";
        return sigmawb::ExitUsage;
    }
    sigma::Diagnostics problems;
    const std::vector<std::string> files = sigma::collectEventFiles(options.paths, problems);
    std::map<std::pair<std::string, std::string>, std::size_t> counts;
    std::size_t printed = 0, skipped = 0, warnings = 0;
    bool unreadable = sigma::hasErrors(problems);
    for (const auto& d : problems)
        std::cerr << d.format() << '\n';
    for (const auto& file : files) {
        if (options.limit && printed >= options.limit)
            break;
        sigma::ReadOptions ro;
        if (options.limit)
            ro.limit = options.limit - printed;
        const sigma::ReadResult result = sigma::readEventsFile(file, ro);
        for (const auto& event : result.events) {
            if (options.format == "jsonl")
                std::cout << toJson(event).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                          << '\n';
            else
                printText(event);
            ++counts[{std::string(event.provider()), std::string(event.eventId())}];
            ++printed;
        }
        for (const auto& d : result.diagnostics) {
            std::cerr << d.format() << '\n';
            if (d.severity == sigma::Severity::Error)
                unreadable = true;
            else if (d.severity == sigma::Severity::Warning)
                ++warnings;
        }
        skipped += result.skipped;
    }
    std::cout.flush();
    std::cerr << "summary: " << printed << " event(s) from " << files.size() << " file(s)";
    if (skipped)
        std::cerr << ", " << skipped << " damaged record(s) skipped";
    if (warnings)
        std::cerr << ", " << warnings << " warning(s)";
    std::cerr << '\n';
    for (const auto& [key, n] : counts)
        std::cerr << "  " << (key.first.empty() ? std::string("(no provider)") : key.first) << " / "
                  << (key.second.empty() ? std::string("?") : key.second) << ": " << n << '\n';
    if (unreadable)
        return sigmawb::ExitUsage;
    if (printed == 0) {
        std::cerr << "sigmawb events: no events read from the paths given\n";
        return sigmawb::ExitPartial;
    }
    return skipped ? sigmawb::ExitPartial : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    300, "events", "Read event files (EVTX, Windows Event XML, JSON) and print them with Sigma field names",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sub.footer("Exit codes: 0 every event read, 2 a path or file could not be read, 3 damaged records were "
                   "skipped or no events at all were read from the paths given.");
        sub.add_option("PATH", options->paths,
                       "Event files or directories (searched recursively for " + sigma::eventFilePatterns() +
                           ", following symbolic links)")
            ->required();
        sub.add_option("--format", options->format, "Output: text (default) or jsonl (one JSON object per event)")
            ->check(CLI::IsMember({"text", "jsonl"}));
        sub.add_option("--limit", options->limit, "Print at most N events in total (0 = all)");
        return [options] { return run(*options); };
    });

} // namespace
