// Engine benchmarks, printing figures:
//  (a) one rule x 100k events (the live-edit case);
//  (b) every SigmaHQ Windows rule x every event of the reference corpus, one thread and all
//      threads, in events/s excluding event decoding; checked against rule-by-rule matching;
//  (c) parse + compile time of the whole rule set.
// Environment: SIGMA_BENCH_REPEAT=N passes per (b) line (default 5); SIGMA_BENCH_GROUPS=1 prints
// where the matching time goes (per channel/EventID, costliest rules); SIGMA_ENGINE_STATS=1 the
// pre-filter automata. Argument --no-check skips the rule-by-rule cross-check.
#include "benchutil.h"

#include "engine/engine.h"
#include "engine/loader.h"
#include "events/reader.h"
#include "rule/parser.h"
#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <time.h>

using namespace sigma;

namespace {

const char* kLiveRule = R"(title: Encoded PowerShell
id: 00000000-0000-4000-8000-000000000001
logsource:
    category: process_creation
    product: windows
detection:
    selection_img:
        - Image|endswith:
              - '\powershell.exe'
              - '\pwsh.exe'
        - OriginalFileName: 'PowerShell.EXE'
    selection_cli:
        CommandLine|windash|contains:
            - ' -e '
            - ' -enc '
            - ' -encodedcommand '
    filter_main:
        ParentImage|startswith: 'C:\Program Files\Trusted\'
    condition: all of selection_* and not 1 of filter_*
level: high
)";

/// CPU time of the process (all threads), seconds: on a loaded machine events per CPU-second
/// is the per-core figure; wall time is printed too.
double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

Event syntheticEvent(std::size_t i)
{
    Event e;
    e.add("Provider_Name", "Microsoft-Windows-Sysmon");
    e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
    e.add("EventID", "1");
    e.add("UtcTime", "2024-03-05 13:45:10.123");
    e.add("ProcessGuid", "{6b1f1b4e-0000-0000-0000-" + std::to_string(100000000000 + i) + "}");
    e.add("ProcessId", std::to_string(1000 + i % 5000));
    const bool ps = i % 10 == 0;
    e.add("Image",
          ps ? "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" : "C:\\Windows\\System32\\svchost.exe");
    e.add("OriginalFileName", ps ? "PowerShell.EXE" : "svchost.exe");
    e.add("CommandLine",
          ps ? (i % 20 == 0 ? "powershell.exe -nop -w hidden -enc SQBFAFgA" : "powershell.exe -File x.ps1")
             : "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule");
    e.add("CurrentDirectory", "C:\\Windows\\system32\\");
    e.add("User", "NT AUTHORITY\\SYSTEM");
    e.add("IntegrityLevel", "System");
    e.add("ParentImage", "C:\\Windows\\System32\\services.exe");
    e.add("ParentCommandLine", "C:\\Windows\\system32\\services.exe");
    return e;
}

void benchOneRule(const std::vector<Event>& corpusEvents)
{
    ParsedFile parsed = parseRuleText(kLiveRule, "live.yml");
    const Rule* rule = parsed.firstRule();
    if (!rule) {
        std::printf("(a) the live rule did not parse\n");
        return;
    }
    sigmabench::Stopwatch compileClock;
    auto compiled = compileRule(*rule, "live.yml");
    const double compileMs = compileClock.ms();
    std::vector<Event> events;
    events.reserve(100000);
    for (std::size_t i = 0; i < 100000; ++i)
        events.push_back(syntheticEvent(i));
    std::size_t hits = 0;
    sigmabench::Stopwatch clock;
    const double cpu0 = cpuSeconds();
    for (const auto& e : events)
        hits += compiled.rule->matches(e);
    const double s = clock.seconds();
    const double cpu = cpuSeconds() - cpu0;
    std::printf("(a) one rule x %zu synthetic Sysmon 1 events: %.1f ms wall, %.0f events/s wall, %.0f events per "
                "CPU-second, %zu matches (compile %.3f ms)\n",
                events.size(), s * 1000, events.size() / s, events.size() / cpu, hits, compileMs);
    if (!corpusEvents.empty()) {
        std::size_t n = 0;
        hits = 0;
        clock.restart();
        while (n < 100000)
            for (const auto& e : corpusEvents) {
                hits += compiled.rule->matches(e);
                if (++n == 100000)
                    break;
            }
        const double s2 = clock.seconds();
        std::printf("(a) one rule x %zu real corpus events (cycled): %.1f ms, %.0f events/s, %zu matches\n", n,
                    s2 * 1000, n / s2, hits);
    }
}

double runSet(const RuleSet& set, const std::vector<Event>& events, unsigned threads, std::size_t& matches,
              RuleSet::Stats& total, double& cpu)
{
    const double cpu0 = cpuSeconds();
    sigma::ParallelOptions parallel;
    parallel.threads = threads;
    parallel.grain = 512;
    const unsigned slots = sigma::parallelSlots(events.size(), parallel);
    std::vector<RuleSet::Stats> stats(slots);
    std::vector<std::size_t> counts(slots, 0);
    sigmabench::Stopwatch clock;
    sigma::parallelFor(
        events.size(),
        [&](std::size_t begin, std::size_t end, unsigned t) {
            std::vector<std::size_t> out;
            for (std::size_t i = begin; i < end; ++i) {
                set.match(events[i], out, stats[t]);
                counts[t] += out.size();
            }
        },
        parallel);
    const double s = clock.seconds();
    cpu = cpuSeconds() - cpu0;
    matches = 0;
    total = {};
    for (unsigned t = 0; t < slots; ++t) {
        matches += counts[t];
        total.events += stats[t].events;
        total.candidates += stats[t].candidates;
        total.evaluated += stats[t].evaluated;
        total.matches += stats[t].matches;
    }
    return s;
}

/// Per channel + EventID: events, fields and bytes per event, candidates, evaluated rules and
/// the share of the matching time (best of 5 timings per event).
void printGroups(const RuleSet& set, const std::vector<Event>& events)
{
    struct Group {
        std::size_t events = 0, fields = 0, bytes = 0;
        RuleSet::Stats stats;
        double seconds = 0;
    };
    std::map<std::string, Group> groups;
    std::vector<std::size_t> out;
    double total = 0;
    for (const auto& e : events) {
        auto& g = groups[std::string(e.channel()) + " " + std::string(e.eventId())];
        ++g.events;
        g.fields += e.fields.size();
        for (const auto& f : e.fields)
            g.bytes += f.size;
        set.match(e, out, g.stats);
        double best = 1e9;
        for (int r = 0; r < 5; ++r) {
            sigmabench::Stopwatch c;
            set.match(e, out);
            best = std::min(best, c.seconds());
        }
        g.seconds += best;
        total += best;
    }
    // The rules that cost most to evaluate (after the pre-filters).
    std::vector<double> ruleSeconds(set.size(), 0.0);
    std::vector<std::uint64_t> ruleEvaluations(set.size(), 0);
    RuleSet::Stats profile;
    profile.ruleSeconds = &ruleSeconds;
    profile.ruleEvaluations = &ruleEvaluations;
    for (int r = 0; r < 3; ++r)
        for (const auto& e : events)
            set.match(e, out, profile);
    std::vector<std::size_t> byCost(set.size());
    for (std::size_t i = 0; i < byCost.size(); ++i)
        byCost[i] = i;
    std::sort(byCost.begin(), byCost.end(), [&](auto a, auto b) { return ruleSeconds[a] > ruleSeconds[b]; });
    double evalTotal = 0;
    for (double t : ruleSeconds)
        evalTotal += t;
    std::printf("    rule evaluation: %.1f%% of the matching time; costliest rules:\n", 100 * evalTotal / 3 / total);
    for (std::size_t k = 0; k < std::min<std::size_t>(25, byCost.size()); ++k) {
        const auto i = byCost[k];
        std::printf("    %5.1f%% %7.0f evals %6.2f us/eval  %s\n", 100 * ruleSeconds[i] / evalTotal,
                    double(ruleEvaluations[i]) / 3,
                    ruleSeconds[i] * 1e6 / std::max<std::uint64_t>(1, ruleEvaluations[i]), set.at(i)->file().c_str());
    }
    std::vector<std::pair<std::string, Group>> sorted(groups.begin(), groups.end());
    std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.second.seconds > b.second.seconds; });
    std::printf("    %-50s %6s %6s %6s %7s %6s %7s %6s\n", "channel EventID", "events", "fields", "bytes", "cands",
                "evald", "us/ev", "time%");
    for (const auto& [name, g] : sorted)
        std::printf("    %-50s %6zu %6.1f %6.0f %7.1f %6.2f %7.2f %5.1f%%\n", name.substr(0, 50).c_str(), g.events,
                    double(g.fields) / g.events, double(g.bytes) / g.events, double(g.stats.candidates) / g.events,
                    double(g.stats.evaluated) / g.events, g.seconds * 1e6 / g.events, 100 * g.seconds / total);
}

} // namespace

int main(int argc, char** argv)
{
    const bool check = !(argc > 1 && std::string(argv[1]) == "--no-check");
    const auto shared = sigmabench::sharedDir();
    std::vector<Event> events;
    if (!shared.empty()) {
        Diagnostics d;
        sigmabench::Stopwatch decode;
        for (const auto& f : collectEventFiles({(shared / "corpus/events").string()}, d)) {
            auto r = readEventsFile(f);
            std::move(r.events.begin(), r.events.end(), std::back_inserter(events));
        }
        std::printf("decoded %zu corpus events in %.2f s (not counted below)\n", events.size(), decode.seconds());
    }
    benchOneRule(events);
    if (shared.empty()) {
        std::printf("(b), (c): the reference corpus ../shared is not here; skipped\n");
        return 0;
    }

    // (c) compile time
    Diagnostics d;
    const auto files = collectRuleFiles({(shared / "corpus/sigmahq/rules/windows").string()}, d);
    sigmabench::Stopwatch parseClock;
    std::vector<ParsedFile> parsed;
    parsed.reserve(files.size());
    for (const auto& f : files)
        parsed.push_back(parseRuleFile(f));
    const double parseS = parseClock.seconds();
    sigmabench::Stopwatch compileClock;
    RuleSetBuilder builder;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < parsed.size(); ++i)
        for (const auto& doc : parsed[i].documents)
            if (auto r = doc.rule()) {
                auto c = compileRule(*r, files[i]);
                if (c.rule)
                    builder.add(c.rule);
                else
                    ++failed;
            }
    const double compileS = compileClock.seconds();
    sigmabench::Stopwatch finalizeClock;
    const RuleSet set = builder.build();
    const double finalizeS = finalizeClock.seconds();
    std::printf(
        "(c) %zu rule files: parse %.0f ms, compile %.0f ms (%zu rules, %zu failed), pre-filter build %.0f ms\n",
        files.size(), parseS * 1000, compileS * 1000, set.size(), failed, finalizeS * 1000);

    // (b) the set against the corpus, decoding excluded: one thread and all threads. Each is run
    // `passes` times (SIGMA_BENCH_REPEAT, default 5); the best and the median pass are printed,
    // as wall-clock events/s and as events per CPU-second of the process: on a machine shared with
    // other work the latter is the per-core figure (with N threads it is the throughput of one
    // core's worth of CPU time).
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    int passes = 5;
    if (const char* rep = std::getenv("SIGMA_BENCH_REPEAT"))
        passes = std::max(1, std::atoi(rep));
    struct Pass {
        double wall = 0, cpu = 0;
    };
    RuleSet::Stats st1, stN;
    std::size_t matches1 = 0, matchesN = 0;
    auto measure = [&](unsigned threads, std::size_t& matches, RuleSet::Stats& stats) {
        double cpu = 0;
        runSet(set, events, threads, matches, stats, cpu); // warm-up (page faults, lazy initialisation)
        std::vector<Pass> runs;
        for (int i = 0; i < passes; ++i) {
            Pass p;
            p.wall = runSet(set, events, threads, matches, stats, p.cpu);
            runs.push_back(p);
        }
        return runs;
    };
    auto report = [&](unsigned threads, std::vector<Pass> runs, std::size_t matches) {
        const double n = double(events.size());
        std::sort(runs.begin(), runs.end(), [](const Pass& a, const Pass& b) { return a.cpu < b.cpu; });
        const Pass best = runs.front(), median = runs[runs.size() / 2];
        std::sort(runs.begin(), runs.end(), [](const Pass& a, const Pass& b) { return a.wall < b.wall; });
        const double bestWall = runs.front().wall, medianWall = runs[runs.size() / 2].wall;
        std::printf("(b) %u thread%s: %.0f events/s wall (median %.0f), %.0f events per CPU-second = per core (median "
                    "%.0f); %zu matches\n",
                    threads, threads == 1 ? " " : "s", n / bestWall, n / medianWall, n / best.cpu, n / median.cpu,
                    matches);
        return n / median.cpu;
    };
    std::printf("(b) %zu rules x %zu events, decoding excluded, %d passes per line (SIGMA_BENCH_REPEAT):\n", set.size(),
                events.size(), passes);
    const auto runs1 = measure(1, matches1, st1);
    const double perCore1 = report(1, runs1, matches1);
    const auto runsN = measure(hw, matchesN, stN);
    const double perCoreN = report(hw, runsN, matchesN);
    std::printf("(b) per core (median): %.0f events/s with 1 thread, %.0f with %u threads; target 100000: %s\n",
                perCore1, perCoreN, hw, std::min(perCore1, perCoreN) >= 100000 ? "met" : "NOT met");
    std::printf("(b) pre-filter: %.1f rules/event after log source+EventID, %.2f evaluated after literals (of %zu)\n",
                double(st1.candidates) / st1.events, double(st1.evaluated) / st1.events, set.size());

    // SIGMA_BENCH_GROUPS=1: where the time goes, by channel and EventID (for profiling).
    if (std::getenv("SIGMA_BENCH_GROUPS"))
        printGroups(set, events);

    // Check: the pre-filtered set gives exactly what rule-by-rule matching gives.
    if (!check)
        return 0;
    sigmabench::Stopwatch bruteClock;
    std::size_t brute = 0, mismatches = 0;
    std::vector<std::size_t> out;
    for (const auto& e : events) {
        set.match(e, out);
        std::size_t k = 0;
        for (std::size_t r = 0; r < set.size(); ++r) {
            const bool m = set.at(r)->matches(e);
            brute += m;
            const bool inSet = k < out.size() && out[k] == r;
            if (inSet)
                ++k;
            if (m != inSet && mismatches++ < 5)
                std::printf("  MISMATCH rule %s event %s:%zu\n", set.at(r)->file().c_str(),
                            e.origin.file ? e.origin.file->c_str() : "", e.origin.index);
        }
    }
    std::printf("    rule-by-rule check: %zu matches, %zu mismatches (%.0f ms, %.0f events/s without pre-filter)\n",
                brute, mismatches, bruteClock.ms(), events.size() / bruteClock.seconds());
    return mismatches == 0 ? 0 : 1;
}
