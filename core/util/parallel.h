#pragma once

// Splitting work over threads: the one parallel-for of the project (rule loading, corpus reading,
// baseline counts, live evaluation, `sigmawb match`, the benchmarks). Helper threads come from a
// process-wide budget, so concurrent or nested calls never multiply the threads.

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace sigma {

struct ParallelOptions {
    /// Threads to use, the caller's included (0: hardware concurrency). Helpers are taken from a
    /// process-wide budget of hardware concurrency - 1 threads: a call that finds it spent runs
    /// on fewer threads (at least the caller's); a call from inside a parallelFor body runs on
    /// its caller's thread alone.
    unsigned threads = 0;
    /// Items claimed at a time; cancellation and progress are checked between claims.
    std::size_t grain = 1;
    /// Checked before each claim: once set, nothing new starts (running claims finish).
    const std::atomic<bool>* cancel = nullptr;
    /// Called after each finished claim with the items done so far and the total, on one thread
    /// at a time; returning false stops as `cancel` does.
    std::function<bool(std::size_t done, std::size_t total)> progress;
    /// Run every item on helper threads of lower scheduling priority (Linux: nice +10) and none
    /// on the caller's thread, so that background work yields the cores to interactive work.
    /// These helpers have a budget of their own (hardware concurrency), and get at least one.
    bool lowPriority = false;
};

/// How a parallelFor() went.
struct ParallelRun {
    std::size_t done = 0; ///< items of the claims that finished
    unsigned workers = 0; ///< threads that took part (the caller's included unless lowPriority)
    bool stopped = false; ///< cancelled, progress said stop, or a body threw
    std::string error;    ///< what the first throwing body threw (its what()), empty otherwise
    bool complete() const { return !stopped; }
};

/// The body of a parallelFor(): items [begin, end) on worker `worker` (below parallelSlots()).
using ParallelBody = std::function<void(std::size_t begin, std::size_t end, unsigned worker)>;

/// Runs `body` over the items [0, count) in claims of `grain` items, on up to `threads` threads,
/// and returns when every started claim has finished. Each worker index is used by one thread at
/// a time, so per-worker state sized by parallelSlots() needs no lock. An exception thrown by a
/// body stops the run and is reported in the result; it never leaves parallelFor().
ParallelRun parallelFor(std::size_t count, const ParallelBody& body, const ParallelOptions& options = {});

/// One more than the highest worker index a parallelFor() with these arguments can use.
unsigned parallelSlots(std::size_t count, const ParallelOptions& options = {});

/// Helper threads running now (all parallelFor() calls of the process; for tests and figures).
unsigned parallelHelpersRunning();
/// The most helper threads that ran at once since the last call (for tests and figures).
unsigned takeParallelHelpersPeak();

/// fn(i) for every i in [0, count), results in index order. When the run stopped early, the
/// items that were not reached keep a default-constructed T (see `run`).
template <typename T, typename Fn>
std::vector<T> parallelMap(std::size_t count, Fn&& fn, const ParallelOptions& options = {}, ParallelRun* run = nullptr)
{
    std::vector<T> results(count);
    ParallelRun r = parallelFor(
        count,
        [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i)
                results[i] = fn(i);
        },
        options);
    if (run)
        *run = std::move(r);
    return results;
}

} // namespace sigma
