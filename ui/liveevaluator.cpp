#include "liveevaluator.h"

#include <QFutureWatcher>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include <algorithm>

namespace sigmaui {

namespace {
/// The live jobs' own threads (they never wait behind loading, corpus or baseline work), shared
/// by every editor and outliving each: closing an editor does not wait for its job.
QThreadPool* livePool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool; // never deleted: jobs may run at exit, and stop early
        // One job per editor is current; a second thread lets a new job start while a stale
        // one stops. The splitting of the events over the cores is bounded by sigma::parallelFor.
        p->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        p->setExpiryTimeout(60000); // typing pauses do not pay for new threads
        return p;
    }();
    return pool;
}

/// The rule's tests with the rule just compiled (the events were read once, off this job).
void runTests(Evaluation& result, const TestSetPtr& tests)
{
    if (result.compiled && tests && !tests->group.expectations.empty())
        result.tests = std::make_shared<const sigma::RuleTestResult>(
            sigma::runRuleTests(tests->group, *result.compiled, tests->events));
}

std::chrono::steady_clock::time_point orNow(std::chrono::steady_clock::time_point requested,
                                            std::chrono::steady_clock::time_point now)
{
    return requested == std::chrono::steady_clock::time_point{} ? now : requested;
}

double msBetween(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}
} // namespace

LiveEvaluator::LiveEvaluator(QObject* parent)
    : QObject(parent)
    , m_core(std::make_shared<sigma::IncrementalEvaluator>())
{
    qRegisterMetaType<EvaluationPtr>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &LiveEvaluator::evaluateNow);
}

LiveEvaluator::~LiveEvaluator()
{
    // Running jobs see a newer ticket and stop early; their results are dropped.
    m_core->newTicket();
}

void LiveEvaluator::setCompileOptions(const sigma::CompileOptions& options)
{
    m_core->setOptions(options);
}

void LiveEvaluator::setDebounceInterval(int milliseconds)
{
    m_debounce.setInterval(milliseconds);
}

void LiveEvaluator::setText(const QString& text)
{
    m_text = text;
    m_core->newTicket(); // whatever is running now is stale
    const bool wasBusy = isBusy();
    m_debounce.start();
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

void LiveEvaluator::setEvents(EventListPtr events)
{
    m_core->setEvents(std::move(events));
    evaluateNow();
}

void LiveEvaluator::setTests(TestSetPtr tests)
{
    m_tests = std::move(tests);
    evaluateNow();
}

void LiveEvaluator::evaluateNow()
{
    m_debounce.stop();
    const quint64 generation = m_core->newTicket();
    const bool wasBusy = isBusy();
    ++m_running;
    if (!wasBusy)
        Q_EMIT busyChanged(true);
    auto* watcher = new QFutureWatcher<EvaluationPtr>(this);
    connect(watcher, &QFutureWatcher<EvaluationPtr>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        --m_running;
        EvaluationPtr result = watcher->result();
        if (result && generation == m_core->currentTicket()) {
            m_last = result;
            if (result->ok())
                m_lastGood = result;
            Q_EMIT evaluated(result);
        }
        if (!isBusy())
            Q_EMIT busyChanged(false);
    });
    const auto requested = std::chrono::steady_clock::now();
    watcher->setFuture(QtConcurrent::run(
        livePool(), [core = m_core, text = m_text, file = m_file, tests = m_tests, generation, requested] {
            auto result = std::make_shared<Evaluation>();
            result->started = std::chrono::steady_clock::now();
            result->requested = requested;
            result->generation = generation;
            result->text = text;
            if (!core->evaluate(text.toStdString(), file.toStdString(), generation, result))
                return EvaluationPtr();
            if (!core->isStale(generation))
                runTests(*result, tests);
            result->finished = std::chrono::steady_clock::now();
            result->totalMs = msBetween(result->started, result->finished);
            return EvaluationPtr(std::move(result));
        }));
}

EvaluationPtr LiveEvaluator::run(const EvaluationRequest& request, const std::atomic<quint64>* latest)
{
    auto result = std::make_shared<Evaluation>();
    result->started = std::chrono::steady_clock::now();
    result->requested = orNow(request.requested, result->started);
    result->generation = request.generation;
    result->text = request.text;
    sigma::LiveRequest live;
    live.text = request.text.toStdString();
    live.file = request.file.toStdString();
    live.events = request.events;
    live.options = request.options;
    live.previous = request.previous;
    const quint64 generation = request.generation;
    if (latest)
        live.stop = [latest, generation] { return latest->load() != generation; };
    if (!sigma::evaluateLive(live, *result))
        return nullptr;
    if (!live.stop || !live.stop())
        runTests(*result, request.tests);
    result->finished = std::chrono::steady_clock::now();
    result->totalMs = msBetween(result->started, result->finished);
    return result;
}

} // namespace sigmaui
