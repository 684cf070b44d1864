#include "util/parallel.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace sigma {

namespace {

unsigned hardwareThreads()
{
    static const unsigned n = std::max(1u, std::thread::hardware_concurrency());
    return n;
}

/// Helpers of normal priority: hardware concurrency - 1 for the whole process (each caller's
/// thread works too). Low-priority helpers have a budget of their own.
std::atomic<unsigned> g_helpers{0};
std::atomic<unsigned> g_lowHelpers{0};
std::atomic<unsigned> g_peak{0};

/// Set while this thread runs a parallelFor() body: a nested call stays on this thread.
thread_local bool t_inBody = false;

/// Takes up to `wanted` helpers from `budget` (of `limit`); returns how many it got.
unsigned acquire(std::atomic<unsigned>& budget, unsigned limit, unsigned wanted)
{
    unsigned used = budget.load();
    unsigned got = 0;
    do {
        got = used >= limit ? 0 : std::min(wanted, limit - used);
        if (got == 0)
            return 0;
    } while (!budget.compare_exchange_weak(used, used + got));
    const unsigned running = g_helpers.load() + g_lowHelpers.load();
    unsigned peak = g_peak.load();
    while (running > peak && !g_peak.compare_exchange_weak(peak, running)) {
    }
    return got;
}

/// Nice +10 for the calling thread only (Linux applies nice per thread); elsewhere nothing.
void lowerThisThreadsPriority()
{
#if defined(__linux__)
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    (void)::setpriority(PRIO_PROCESS, tid, 10);
#endif
}

unsigned requestedThreads(const ParallelOptions& options)
{
    return options.threads ? options.threads : hardwareThreads();
}

std::size_t claims(std::size_t count, const ParallelOptions& options)
{
    const std::size_t grain = std::max<std::size_t>(1, options.grain);
    return (count + grain - 1) / grain;
}

} // namespace

unsigned parallelSlots(std::size_t count, const ParallelOptions& options)
{
    return static_cast<unsigned>(
        std::max<std::size_t>(1, std::min<std::size_t>(requestedThreads(options), claims(count, options))));
}

unsigned parallelHelpersRunning()
{
    return g_helpers.load() + g_lowHelpers.load();
}

unsigned takeParallelHelpersPeak()
{
    return g_peak.exchange(parallelHelpersRunning());
}

ParallelRun parallelFor(std::size_t count, const ParallelBody& body, const ParallelOptions& options)
{
    ParallelRun run;
    if (count == 0)
        return run;
    const std::size_t grain = std::max<std::size_t>(1, options.grain);
    const unsigned slots = parallelSlots(count, options);
    const bool nested = t_inBody;

    // Helpers: none when nested (the caller's thread does it all), else what the budget gives.
    const bool low = options.lowPriority && !nested;
    unsigned helpers = 0;
    if (low) {
        helpers = acquire(g_lowHelpers, hardwareThreads(), slots);
        if (helpers == 0) { // at least one: the work must not run on the caller's thread
            g_lowHelpers.fetch_add(1);
            helpers = 1;
        }
    } else if (!nested && slots > 1) {
        helpers = acquire(g_helpers, hardwareThreads() - 1, slots - 1);
    }

    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> done{0};
    std::mutex mutex; // progress calls and the first error
    std::size_t reported = 0;

    auto stopWith = [&](std::string what) {
        std::lock_guard lock(mutex);
        if (run.error.empty())
            run.error = what.empty() ? std::string("unknown error") : std::move(what);
        stop = true;
    };
    auto work = [&](unsigned worker) {
        const bool outer = t_inBody;
        t_inBody = true;
        while (!stop.load(std::memory_order_relaxed)) {
            if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
                stop = true;
                break;
            }
            const std::size_t claim = next.fetch_add(1);
            const std::size_t begin = claim * grain;
            if (begin >= count)
                break;
            const std::size_t end = std::min(count, begin + grain);
            try {
                body(begin, end, worker);
            } catch (const std::exception& e) {
                stopWith(e.what());
                break;
            } catch (...) {
                stopWith({});
                break;
            }
            if (!options.progress) {
                done.fetch_add(end - begin);
                continue;
            }
            std::lock_guard lock(mutex);
            reported += end - begin;
            done = reported;
            bool goOn = false;
            try {
                goOn = options.progress(reported, count);
            } catch (const std::exception& e) {
                if (run.error.empty())
                    run.error = e.what();
            } catch (...) {
                if (run.error.empty())
                    run.error = "unknown error";
            }
            if (!goOn)
                stop = true;
        }
        t_inBody = outer;
    };

    std::vector<std::thread> threads;
    threads.reserve(helpers);
    unsigned started = 0;
    for (unsigned h = 0; h < helpers; ++h) {
        const unsigned worker = low ? h : h + 1;
        try {
            threads.emplace_back([&work, worker, low] {
                if (low)
                    lowerThisThreadsPriority();
                work(worker);
            });
            ++started;
        } catch (...) { // no thread to be had: the others (or the caller) do the work
            break;
        }
    }
    std::atomic<unsigned>& budget = low ? g_lowHelpers : g_helpers;
    if (started < helpers)
        budget.fetch_sub(helpers - started);
    if (!low || started == 0)
        work(0);
    for (auto& t : threads)
        t.join();
    budget.fetch_sub(started);

    run.done = done.load();
    run.workers = started + ((!low || started == 0) ? 1 : 0);
    run.stopped = stop.load() || run.done < count;
    return run;
}

} // namespace sigma
