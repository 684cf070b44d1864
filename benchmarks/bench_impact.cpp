// Edit impact (corpus/impact.h) over 100,000 events: the eight events of tests/data/impact repeated,
// the fixture's edit (+2/-1 per copy). Prints what a count costs: both versions from scratch (the
// CLI's `sigmawb diff`), one version (the Impact pane's count after an edit, the saved version's
// side kept), and each without the baseline counts; wall and CPU time, one thread and all.
#include "benchutil.h"

#include "corpus/impact.h"
#include "events/reader.h"
#include "util/fileio.h"

#include <cstdio>
#include <string>
#include <thread>

using namespace sigma;

namespace {

std::string fixture(const char* name)
{
    return std::string(SIGMA_TEST_DATA_DIR) + "/impact/" + name;
}

std::string readText(const char* name)
{
    std::string text, error;
    if (!readWholeFile(fixture(name), text, error))
        std::fprintf(stderr, "%s\n", error.c_str());
    return text;
}

struct Figure {
    double wallMs = 0, cpuMs = 0;
};

/// The best of `repeat` runs of `run`.
template <typename Run>
Figure best(int repeat, Run run)
{
    Figure f{1e300, 1e300};
    for (int i = 0; i < repeat; ++i) {
        const double cpu0 = sigmabench::cpuMs();
        sigmabench::Stopwatch clock;
        run();
        f.wallMs = std::min(f.wallMs, clock.ms());
        f.cpuMs = std::min(f.cpuMs, sigmabench::cpuMs() - cpu0);
    }
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    const auto args = sigmabench::loadArgs(argc, argv);
    const std::vector<Event> eight = readEventsFile(fixture("events.xml")).events;
    if (eight.size() != 8) {
        std::printf("the fixture events.xml did not read (%zu events)\n", eight.size());
        return 1;
    }
    std::vector<Event> all;
    all.reserve(100000);
    while (all.size() < 100000)
        all.push_back(eight[all.size() % eight.size()]);
    const EventList events(std::move(all));
    const ImpactInput before{readText("old.yml"), fixture("old.yml")};
    const ImpactInput after{readText("new.yml"), fixture("new.yml")};

    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    std::printf("edit impact over %zu events (tests/data/impact x %zu), best of %d\n", events.size(),
                events.size() / eight.size(), args.repeat);
    for (const unsigned threads : {1u, hw}) {
        for (const bool baseline : {true, false}) {
            ImpactOptions options;
            options.threads = threads;
            options.baseline = baseline;
            ImpactResult r;
            const Figure both = best(args.repeat, [&] { r = computeImpact(before, after, events, options); });
            ImpactSide side;
            const Figure one =
                best(args.repeat, [&] { evaluateImpactSide(after.text, after.file, events, options, side); });
            std::printf("  %u thread%s, baseline %s: both versions %.1f ms wall (%.1f ms CPU), one version %.1f ms "
                        "wall (%.1f ms CPU); +%zu / -%zu\n",
                        threads, threads == 1 ? " " : "s", baseline ? "on " : "off", both.wallMs, both.cpuMs,
                        one.wallMs, one.cpuMs, r.added, r.removed);
        }
    }
    std::printf("peak RSS %ld KiB\n", sigmabench::peakRssKb());
    return 0;
}
