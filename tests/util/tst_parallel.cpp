// core/util/parallel: the one parallel-for (work splitting, cancellation, progress, threads).
#include "util/parallel.h"

#include <QTest>

#include <chrono>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>

namespace {
/// Counts the bodies running at once (and the most at once) while each sleeps a little.
struct Concurrency {
    std::atomic<unsigned> now{0};
    std::atomic<unsigned> peak{0};
    void enter()
    {
        const unsigned n = ++now;
        unsigned p = peak.load();
        while (n > p && !peak.compare_exchange_weak(p, n)) {
        }
    }
    void leave() { --now; }
};
} // namespace

class TestParallel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mapKeepsIndexOrder()
    {
        sigma::ParallelOptions o;
        o.threads = 4;
        o.grain = 3;
        sigma::ParallelRun run;
        const auto squares = sigma::parallelMap<std::size_t>(
            1000, [](std::size_t i) { return i * i; }, o, &run);
        QVERIFY(run.complete());
        QCOMPARE(run.done, std::size_t(1000));
        QCOMPARE(squares.size(), std::size_t(1000));
        for (std::size_t i = 0; i < squares.size(); ++i)
            QCOMPARE(squares[i], i * i);
    }

    void everyItemOnceInClaimsOfGrain()
    {
        sigma::ParallelOptions o;
        o.threads = 3;
        o.grain = 7;
        std::vector<std::atomic<int>> seen(100);
        std::mutex m;
        std::vector<std::pair<std::size_t, std::size_t>> claims;
        const unsigned slots = sigma::parallelSlots(100, o);
        QCOMPARE(slots, 3u);
        std::atomic<bool> badWorker{false};
        const auto run = sigma::parallelFor(
            100,
            [&](std::size_t b, std::size_t e, unsigned worker) {
                if (worker >= slots)
                    badWorker = true;
                for (std::size_t i = b; i < e; ++i)
                    ++seen[i];
                std::lock_guard lock(m);
                claims.emplace_back(b, e);
            },
            o);
        QVERIFY(run.complete());
        QVERIFY(!badWorker);
        for (const auto& s : seen)
            QCOMPARE(s.load(), 1);
        QCOMPARE(claims.size(), std::size_t(15)); // 14 of 7 and one of 2
        for (const auto& [b, e] : claims) {
            QCOMPARE(b % 7, std::size_t(0));
            QVERIFY(e - b == 7 || (b == 98 && e == 100));
        }
    }

    void perWorkerStateNeedsNoLock()
    {
        // Each worker index is used by one thread at a time: plain per-slot sums add up.
        sigma::ParallelOptions o;
        o.threads = 4;
        o.grain = 16;
        std::vector<std::uint64_t> sums(sigma::parallelSlots(100000, o), 0);
        sigma::parallelFor(
            100000,
            [&](std::size_t b, std::size_t e, unsigned w) {
                for (std::size_t i = b; i < e; ++i)
                    sums[w] += i;
            },
            o);
        QCOMPARE(std::accumulate(sums.begin(), sums.end(), std::uint64_t(0)), std::uint64_t(99999) * 100000 / 2);
    }

    void exceptionStaysInside()
    {
        sigma::ParallelOptions o;
        o.threads = 4;
        std::atomic<std::size_t> after{0};
        sigma::ParallelRun run;
        const auto call = [&] {
            run = sigma::parallelFor(
                10000,
                [&](std::size_t b, std::size_t, unsigned) {
                    if (b == 37)
                        throw std::runtime_error("item 37 is bad");
                    if (b > 5000)
                        ++after;
                },
                o);
        };
        call(); // an exception leaving a helper thread would terminate the process
        QVERIFY(run.stopped);
        QVERIFY(!run.complete());
        QCOMPARE(run.error, std::string("item 37 is bad"));
        QVERIFY(run.done < 10000);
        QVERIFY(after.load() < 5000); // the others stopped claiming

        // A progress callback that throws is reported the same way.
        o.progress = [](std::size_t done, std::size_t) -> bool {
            if (done >= 10)
                throw std::runtime_error("progress failed");
            return true;
        };
        run = sigma::parallelFor(
            100, [](std::size_t, std::size_t, unsigned) {}, o);
        QVERIFY(run.stopped);
        QCOMPARE(run.error, std::string("progress failed"));
    }

    void cancelFlagStopsClaims()
    {
        std::atomic<bool> cancel{false};
        sigma::ParallelOptions o;
        o.threads = 2;
        o.cancel = &cancel;
        std::atomic<std::size_t> ran{0};
        const auto run = sigma::parallelFor(
            100000,
            [&](std::size_t, std::size_t, unsigned) {
                if (++ran == 50)
                    cancel = true;
            },
            o);
        QVERIFY(run.stopped);
        QVERIFY(run.error.empty());
        QVERIFY(ran.load() < 100); // at most the claims in flight when it was set
        QCOMPARE(run.done, ran.load());

        // Already set: nothing runs.
        ran = 0;
        const auto none = sigma::parallelFor(
            10, [&](std::size_t, std::size_t, unsigned) { ++ran; }, o);
        QCOMPARE(ran.load(), std::size_t(0));
        QVERIFY(none.stopped);
    }

    void progressIsMonotonicAndCanStop()
    {
        sigma::ParallelOptions o;
        o.threads = 3;
        o.grain = 10;
        std::vector<std::size_t> reports;
        o.progress = [&](std::size_t done, std::size_t total) {
            reports.push_back(done); // called on one thread at a time
            return total == 1000;
        };
        auto run = sigma::parallelFor(
            1000, [](std::size_t, std::size_t, unsigned) {}, o);
        QVERIFY(run.complete());
        QCOMPARE(reports.size(), std::size_t(100));
        QVERIFY(std::is_sorted(reports.begin(), reports.end()));
        QCOMPARE(reports.back(), std::size_t(1000));

        o.progress = [](std::size_t done, std::size_t) { return done < 300; };
        std::atomic<std::size_t> items{0};
        run = sigma::parallelFor(
            100000, [&](std::size_t b, std::size_t e, unsigned) { items += e - b; }, o);
        QVERIFY(run.stopped);
        QVERIFY(items.load() < 400);
    }

    void nestedUseStaysOnItsThread()
    {
        // An inner parallelFor inside a body must not start threads of its own: with 4 x 4 asked
        // for, only the outer call's threads ever run bodies.
        sigma::ParallelOptions o;
        o.threads = 4;
        std::mutex m;
        std::set<std::thread::id> outerThreads, innerThreads;
        std::atomic<bool> innerWorkerNotZero{false}, innerOnMoreThreads{false};
        sigma::parallelFor(
            8,
            [&](std::size_t, std::size_t, unsigned) {
                {
                    std::lock_guard lock(m);
                    outerThreads.insert(std::this_thread::get_id());
                }
                const auto inner = sigma::parallelFor(
                    64,
                    [&](std::size_t, std::size_t, unsigned w) {
                        if (w != 0)
                            innerWorkerNotZero = true;
                        std::lock_guard lock(m);
                        innerThreads.insert(std::this_thread::get_id());
                    },
                    o);
                if (inner.workers != 1)
                    innerOnMoreThreads = true;
            },
            o);
        QVERIFY(!innerWorkerNotZero);
        QVERIFY(!innerOnMoreThreads);
        for (const auto& id : innerThreads)
            QVERIFY(outerThreads.count(id));
    }

    void concurrentCallsShareOneBudget()
    {
        // Four callers each asking for 8 threads (what each live evaluation used to do with
        // hardware_concurrency() raw threads): helpers stay within hardware concurrency - 1
        // for the process, so at most callers + hw - 1 bodies ever run at once.
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        constexpr unsigned callers = 4;
        Concurrency c;
        sigma::takeParallelHelpersPeak();
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < callers; ++t)
            threads.emplace_back([&] {
                sigma::ParallelOptions o;
                o.threads = 8;
                sigma::parallelFor(
                    64,
                    [&](std::size_t, std::size_t, unsigned) {
                        c.enter();
                        std::this_thread::sleep_for(std::chrono::milliseconds(2));
                        c.leave();
                    },
                    o);
            });
        for (auto& t : threads)
            t.join();
        QVERIFY2(c.peak.load() <= callers + hw - 1, qPrintable(QString::number(c.peak.load())));
        QVERIFY(sigma::takeParallelHelpersPeak() <= hw - 1);
        QCOMPARE(sigma::parallelHelpersRunning(), 0u);
    }

    void lowPriorityNeverUsesTheCaller()
    {
        sigma::ParallelOptions o;
        o.threads = 2;
        o.lowPriority = true;
        const auto caller = std::this_thread::get_id();
        std::atomic<bool> onCaller{false};
        const auto run = sigma::parallelFor(
            1000,
            [&](std::size_t, std::size_t, unsigned) {
                if (std::this_thread::get_id() == caller)
                    onCaller = true;
            },
            o);
        QVERIFY(run.complete());
        QVERIFY(!onCaller);
        QVERIFY(run.workers >= 1);
    }

    void emptyAndSingle()
    {
        int calls = 0;
        auto run = sigma::parallelFor(0, [&](std::size_t, std::size_t, unsigned) { ++calls; });
        QCOMPARE(calls, 0);
        QVERIFY(run.complete());
        sigma::ParallelOptions one;
        one.threads = 1;
        const auto caller = std::this_thread::get_id();
        bool elsewhere = false;
        run = sigma::parallelFor(
            50, [&](std::size_t, std::size_t, unsigned) { elsewhere |= std::this_thread::get_id() != caller; }, one);
        QVERIFY(!elsewhere);
        QCOMPARE(run.workers, 1u);
        QCOMPARE(run.done, std::size_t(50));
    }
};

QTEST_GUILESS_MAIN(TestParallel)
#include "tst_parallel.moc"
