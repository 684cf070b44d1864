// ui/liveevaluator: the job plumbing of live evaluation (threads it uses).
#include "eventloader.h"
#include "liveevaluator.h"

#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <filesystem>
#include <thread>

using namespace sigmaui;

namespace {
/// Threads of this process now (Linux: entries of /proc/self/task).
unsigned osThreads()
{
    unsigned n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}
} // namespace

class TestUiLiveEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Each job used to split its events over hardware_concurrency() raw threads of its own, from
    // inside its pool thread: several jobs at once (a stale one winding down, other editors, the
    // baseline count) multiplied the threads. Now the helpers come from one process-wide budget.
    void concurrentJobsShareTheThreadBudget()
    {
        if (!QDir(QStringLiteral("/proc/self/task")).exists())
            QSKIP("needs /proc/self/task to count threads");
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        if (hw < 2)
            QSKIP("one core: no helper threads either way");
        const auto loaded = EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/events.xml"))}, {}, nullptr, {});
        QVERIFY(loaded->events && !loaded->events->empty());
        std::vector<sigma::Event> copies;
        while (copies.size() < 200000)
            copies.insert(copies.end(), loaded->events->begin(), loaded->events->end());
        const auto many = std::make_shared<EventList>(std::move(copies));
        EvaluationRequest request;
        request.generation = 1;
        request.text = QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml"))));
        request.file = QStringLiteral("whoami.yml");
        request.events = many;
        QVERIFY(LiveEvaluator::run(request)->ok()); // warm-up: lookups built once

        constexpr unsigned jobs = 4;
        const unsigned before = osThreads();
        std::atomic<bool> done{false};
        std::atomic<unsigned> peak{0};
        std::thread sampler([&] {
            while (!done) {
                peak = std::max(peak.load(), osThreads());
                std::this_thread::yield();
            }
        });
        std::atomic<unsigned> ok{0};
        std::vector<std::thread> callers;
        for (unsigned j = 0; j < jobs; ++j)
            callers.emplace_back([&] {
                for (int round = 0; round < 3; ++round) {
                    const EvaluationPtr r = LiveEvaluator::run(request);
                    ok += r && r->ok();
                }
            });
        for (auto& t : callers)
            t.join();
        done = true;
        sampler.join();
        QCOMPARE(ok.load(), jobs * 3);
        // The sampler and the callers, plus at most hw - 1 helpers for all jobs together.
        const unsigned allowed = before + 1 + jobs + (hw - 1);
        QVERIFY2(peak.load() <= allowed,
                 qPrintable(QStringLiteral("%1 threads at once, at most %2 expected").arg(peak.load()).arg(allowed)));
    }

    // Issues 15 and 20: no fixed pause. When no job runs, a text starts one at once; after a fast
    // job too (the stale one is left to wind down); while a slow job runs, the newest text waits
    // for it to stop and then starts at once. A job's result reaches this thread through the event
    // loop, so until processEvents() the first job counts as running, whatever its speed.
    void schedulingHasNoFixedPause()
    {
        LiveEvaluator evaluator;
        const QString text =
            QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml"))));
        QSignalSpy spy(&evaluator, &LiveEvaluator::evaluated);
        evaluator.setText(text); // idle: started at once
        QCOMPARE(evaluator.jobsStarted(), 1);
        QTRY_VERIFY(evaluator.lastResult() && evaluator.lastResult()->text == text);
        QTRY_VERIFY(!evaluator.isBusy());
        QVERIFY(evaluator.lastResult()->totalMs <= evaluator.fastJobMs());

        // A fast last job: a new text starts at once even while the previous job runs.
        const QString edited = text + QStringLiteral("# typed\n");
        evaluator.setText(text + QStringLiteral("# t"));
        evaluator.setText(edited);
        QCOMPARE(evaluator.jobsStarted(), 3);
        QTRY_VERIFY(evaluator.isSettled() && evaluator.lastResult()->text == edited);
        QTRY_VERIFY(!evaluator.isBusy());

        // Jobs counted as slow: keys typed while one runs start no job of their own; the newest
        // text starts once the running one has stopped, and only its result arrives.
        evaluator.setFastJobMs(-1);
        spy.clear();
        evaluator.setText(text); // idle: at once
        QCOMPARE(evaluator.jobsStarted(), 4);
        for (int i = 0; i < 10; ++i)
            evaluator.setText(text + QStringLiteral("# key %1\n").arg(i));
        QCOMPARE(evaluator.jobsStarted(), 4);
        QVERIFY(evaluator.isBusy());
        QVERIFY(!evaluator.isSettled());
        QTRY_VERIFY(evaluator.isSettled() && !evaluator.isBusy());
        QCOMPARE(evaluator.jobsStarted(), 5);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<EvaluationPtr>()->text, text + QStringLiteral("# key 9\n"));
    }
};

QTEST_MAIN(TestUiLiveEvaluator)
#include "tst_ui_liveevaluator.moc"
