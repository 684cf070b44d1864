// Event reading speed and memory: every .evtx of the reference corpus decoded by our decoder and
// by libevtx (in this process, one thread each; evtxbench.h), a >= 200 MB log of repeated real
// chunks, our reader against libevtx's own `evtxexport` (same files, output to /dev/null), plus
// memory per event kept. Prints figures; run directly or with `ctest -C bench -L bench`.
// Arguments: [rounds] [copies kept] [large log MiB].
#include "benchutil.h"
#include "evtxbench.h"

#include "events/reader.h"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> evtxFiles(const std::filesystem::path& dir)
{
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".evtx")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string shellQuote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

long peakRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return 0;
}

/// CPU seconds (user + system) of this process or of its finished children: robust against a
/// loaded machine, unlike wall time.
double cpuSeconds(int who)
{
    rusage u{};
    getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::size_t heapInUse()
{
    return mallinfo2().uordblks;
}

} // namespace

int main(int argc, char** argv)
{
    const std::filesystem::path shared = sigmabench::sharedDir();
    if (shared.empty()) {
        std::cout << "bench_events: the reference corpus (../shared) is not here; nothing measured\n";
        return 0;
    }
    const auto files = evtxFiles(shared / "corpus" / "events");
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    evtxbench::compareDecoders(files, std::min(rounds, 3));
    evtxbench::largeLog(files, std::size_t(argc > 3 ? std::max(1, std::atoi(argv[3])) : 200) << 20);

    auto compare = [&](const char* label, const std::vector<std::string>& set) -> bool {
        // 1. Our reader: decode every file (fields built, events then dropped), best of `rounds`.
        std::size_t events = 0;
        double best = 1e9;
        for (int r = 0; r < rounds; ++r) {
            std::size_t n = 0;
            const double start = cpuSeconds(RUSAGE_SELF);
            for (const auto& f : set)
                n += sigma::readEventsFile(f).events.size();
            best = std::min(best, cpuSeconds(RUSAGE_SELF) - start);
            events = n;
        }
        const double ours = double(events) / best;
        std::printf("%s: %zu .evtx, %zu events\n", label, set.size(), events);
        std::printf("  sigma reader         %8.3f s CPU  %10.0f events/s  (best of %d)\n", best, ours, rounds);
        // 2. evtxexport on the same files (CPU time of its processes; one process per file).
        for (const char* mode : {"", "-f xml "}) {
            double bestTool = 1e9;
            for (int r = 0; r < rounds; ++r) {
                const double start = cpuSeconds(RUSAGE_CHILDREN);
                for (const auto& f : set) {
                    const std::string cmd = std::string("exec evtxexport ") + mode + shellQuote(f) + " >/dev/null 2>&1";
                    if (std::system(cmd.c_str()) != 0 && r == 0 &&
                        std::system("command -v evtxexport >/dev/null") != 0) {
                        std::printf("  evtxexport not installed (libevtx-utils): no comparison\n");
                        return false;
                    }
                }
                bestTool = std::min(bestTool, cpuSeconds(RUSAGE_CHILDREN) - start);
            }
            const double rate = double(events) / bestTool;
            std::printf("  evtxexport %-8s  %8.3f s CPU  %10.0f events/s  -> ratio sigma/evtxexport %.2fx\n",
                        *mode ? "-f xml" : "(text)", bestTool, rate, ours / rate);
        }
        return true;
    };
    compare("all samples", files);
    std::vector<std::string> large;
    for (const auto& f : files)
        if (std::filesystem::file_size(f) >= (1u << 20))
            large.push_back(f);
    compare("large files only (>= 1 MiB, process start-up negligible)", large);

    // 3. Memory per event kept: read every file `copies` times and keep all events.
    const int copies = argc > 2 ? std::max(1, std::atoi(argv[2])) : 40;
    const std::size_t heapBefore = heapInUse();
    std::vector<sigma::ReadResult> kept;
    std::size_t keptEvents = 0;
    sigmabench::Stopwatch watch;
    for (int c = 0; c < copies; ++c)
        for (const auto& f : files) {
            kept.push_back(sigma::readEventsFile(f));
            keptEvents += kept.back().events.size();
        }
    const double secs = watch.seconds();
    const std::size_t heap = heapInUse() - heapBefore;
    std::printf("kept: %zu events in %.2f s; heap %.1f MiB = %.0f bytes/event = %.0f MiB per million events; "
                "peak RSS %.1f MiB\n",
                keptEvents, secs, heap / 1048576.0, double(heap) / double(keptEvents),
                double(heap) / double(keptEvents) * 1e6 / 1048576.0, peakRssKb() / 1024.0);
    return 0;
}
