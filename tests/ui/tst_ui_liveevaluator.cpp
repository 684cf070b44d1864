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
        auto many = std::make_shared<EventList>();
        while (many->size() < 200000)
            many->insert(many->end(), loaded->events->begin(), loaded->events->end());
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

    // Issue 20: the debounce waits only while jobs are slow. After a fast job a new text is
    // evaluated at once, long before a (here 10 s) debounce interval; with slow jobs it waits.
    void debounceAdaptsToJobTime()
    {
        LiveEvaluator evaluator;
        evaluator.setDebounceInterval(10000);
        const QString text =
            QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml"))));
        QSignalSpy spy(&evaluator, &LiveEvaluator::evaluated);
        evaluator.setText(text);
        evaluator.evaluateNow(); // the first result
        QTRY_VERIFY(evaluator.lastResult() && evaluator.lastResult()->text == text);
        QVERIFY(evaluator.lastResult()->totalMs <= evaluator.fastJobMs());
        const QString edited = text + QStringLiteral("# typed\n");
        evaluator.setText(edited);
        QTRY_VERIFY_WITH_TIMEOUT(evaluator.lastResult()->text == edited, 3000); // not after 10 s
        // Jobs counted as slow: the text waits for the interval.
        evaluator.setFastJobMs(-1);
        evaluator.setText(text);
        QVERIFY(!evaluator.isSettled());
        QVERIFY(evaluator.isBusy()); // the debounce timer runs; no job was started
        const quint64 generation = evaluator.generation();
        QCoreApplication::processEvents();
        QCOMPARE(evaluator.generation(), generation);
        QCOMPARE(evaluator.lastResult()->text, edited);
    }
};

QTEST_MAIN(TestUiLiveEvaluator)
#include "tst_ui_liveevaluator.moc"
