// libFuzzer target for correlation documents: the input is a YAML stream of rules, filters and
// correlations, parsed, compiled as one unit (references, cycles, aliases, group-by, timespans,
// conditions) and evaluated over a fixed timeline, both holding every hit until finish() and
// streaming with a reorder window. Any input must give diagnostics, never a crash, a hang or a leak.
#include "correlation/correlation.h"
#include "rule/parser.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {
/// Failed then successful logons, process starts and firewall events over two hosts and users,
/// a few seconds to hours apart, one event without a time.
std::vector<sigma::Event> makeEvents()
{
    std::vector<sigma::Event> events;
    const char* hosts[] = {"ws1", "dc01"};
    const char* users[] = {"alice", "bob", "svc"};
    const char* ids[] = {"4625", "4625", "4624", "4688", "5156", "1"};
    for (int i = 0; i < 24; ++i) {
        sigma::Event e;
        e.add("Channel", i % 6 == 5 ? "Microsoft-Windows-Sysmon/Operational" : "Security");
        e.add("EventID", ids[i % 6]);
        e.add("ComputerName", hosts[i % 2]);
        e.add("TargetUserName", users[i % 3]);
        e.add("User", users[(i / 2) % 3]);
        e.add("Image", i % 4 == 0 ? "C:\\Windows\\System32\\cmd.exe" : "C:\\Tools\\x.exe");
        e.add("DestinationPort", std::to_string(440 + i % 5));
        e.add("Bytes", std::to_string(100 * i));
        if (i != 13) {
            const int seconds = i * i * 37; // uneven gaps, up to about 6 hours
            char time[40];
            std::snprintf(time, sizeof time, "2024-03-05T%02d:%02d:%02d.%06dZ", 6 + seconds / 3600, (seconds / 60) % 60,
                          seconds % 60, i * 1000);
            e.add("TimeCreated_SystemTime", time);
        }
        events.push_back(std::move(e));
    }
    return events;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<sigma::Event> events = makeEvents();
    sigma::ParseOptions parseOptions;
    parseOptions.maxNodes = 20000;
    std::vector<sigma::ParsedFile> files;
    files.push_back(
        sigma::parseRuleText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml", parseOptions));
    sigma::CompileOptions compileOptions;
    compileOptions.maxExpansions = 256;
    const sigma::CorrelationUnitResult unit = sigma::compileCorrelationUnit(files, compileOptions);
    if (!unit.unit || unit.unit->correlations().empty())
        return 0;
    for (const auto& correlation : unit.unit->correlations())
        (void)correlation.conditionText();

    // every hit held until finish(), with traces and near misses
    sigma::CorrelationOptions held;
    held.maxEvents = 8;
    held.nearMisses = true;
    held.traceCorrelation = 0;
    held.traceGroup = {"ws1"};
    sigma::CorrelationEvaluator all(unit.unit, held);
    // streaming, events given out of order: hits older than the window are late
    sigma::CorrelationOptions streamed;
    streamed.maxEvents = 4;
    streamed.reorderWindow = sigma::EventTime{600} * 1000000;
    std::size_t fired = 0;
    streamed.onResult = [&fired](const sigma::CorrelationResult&) { ++fired; };
    sigma::CorrelationEvaluator stream(unit.unit, streamed);
    for (std::size_t i = 0; i < events.size(); ++i) {
        all.add(events[i]);
        stream.add(events[(i * 7) % events.size()]); // 7 and 24 are coprime: each event once
    }
    const sigma::CorrelationReport report = all.finish();
    const sigma::CorrelationReport streamedReport = stream.finish();
    for (const auto& result : report.results)
        if (result.correlation >= unit.unit->correlations().size() || result.eventCount < result.events.size())
            __builtin_trap();
    (void)sigma::formatGroup(report.results.empty() ? std::vector<std::pair<std::string, std::string>>{}
                                                    : report.results.front().group);
    return static_cast<int>(fired + streamedReport.lateHits) * 0;
}
