#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace sigmabench {

/// The reference corpus (../shared or $SIGMA_SHARED_DIR); empty path when absent.
inline std::filesystem::path sharedDir()
{
    const char* env = std::getenv("SIGMA_SHARED_DIR");
    std::filesystem::path p = env && *env ? env : SIGMA_SHARED_DIR_DEFAULT;
    return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

/// CPU time of the whole process (all threads), in ms: on a loaded machine the wall clock says more
/// about the other processes than about us.
inline double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

/// Peak resident set size of this process (VmHWM), in KiB; 0 when /proc is not there.
inline long peakRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return 0;
}

class Stopwatch {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }
    double ms() const { return seconds() * 1000.0; }
    void restart() { m_start = std::chrono::steady_clock::now(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

/// The arguments of the corpus benchmarks: [PATH...] [--threads N] [--repeat N].
struct LoadArgs {
    std::vector<std::filesystem::path> paths;
    unsigned threads = 0; ///< 0: the machine's
    int repeat = 3;
};
inline LoadArgs loadArgs(int argc, char** argv)
{
    LoadArgs args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            args.threads = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (a == "--repeat" && i + 1 < argc)
            args.repeat = std::max(1, std::atoi(argv[++i]));
        else
            args.paths.emplace_back(a);
    }
    return args;
}

/// Wall-clock and CPU times of repeated runs, each sorted (best first).
struct Timings {
    std::vector<double> wallMs, cpuMs;
};

/// Runs `prepare` (not measured) then `run` (measured) `repeat` times.
template <class Prepare, class Run>
Timings timeRuns(int repeat, Prepare&& prepare, Run&& run)
{
    Timings t;
    for (int r = 0; r < repeat; ++r) {
        prepare();
        const double cpu0 = cpuMs();
        Stopwatch sw;
        run();
        t.wallMs.push_back(sw.ms());
        t.cpuMs.push_back(cpuMs() - cpu0);
    }
    std::sort(t.wallMs.begin(), t.wallMs.end());
    std::sort(t.cpuMs.begin(), t.cpuMs.end());
    return t;
}

/// The two lines "load + index best ..., median ..." and their CPU time.
inline void printLoadTimes(const Timings& t, const LoadArgs& args)
{
    std::printf("load + index     best %.1f ms, median %.1f ms over %d runs (threads: %u)\n", t.wallMs.front(),
                t.wallMs[t.wallMs.size() / 2], args.repeat,
                args.threads ? args.threads : std::thread::hardware_concurrency());
    std::printf("                 CPU time (all threads) best %.1f ms, median %.1f ms\n", t.cpuMs.front(),
                t.cpuMs[t.cpuMs.size() / 2]);
}

} // namespace sigmabench
