#include "liveevaluator.h"

#include <algorithm>

namespace sigmaui {

namespace {
/// The rule's tests with the rule just compiled (the events were read once, off this job).
void runTests(Evaluation& result, const TestSetPtr& tests)
{
    if (!result.compiled || !tests || tests->group.expectations.empty())
        return;
    // A correlation file's expectations count the correlation's results (as `sigmawb test`).
    if (result.parsed && sigma::holdsCorrelation(*result.parsed))
        result.tests = std::make_shared<const sigma::RuleTestResult>(
            sigma::runCorrelationTests(tests->group, *result.parsed, tests->events));
    else
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
    connect(&m_jobs, &JobTracker::busyChanged, this, [this](bool busy) {
        if (busy)
            return;
        if (m_waiting)
            evaluateNow(); // the stale job has stopped: the newest text's turn
        else
            Q_EMIT busyChanged(false);
    });
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

void LiveEvaluator::setText(const QString& text)
{
    m_text = text;
    if (!m_jobs.isBusy() || (m_last && m_last->totalMs <= m_fastJobMs)) {
        evaluateNow(); // nothing to wait for, or the job is shorter than any wait worth having
        return;
    }
    // A slow job runs: it is stale now and stops at its next check; starting another beside it
    // would only share the cores with it. The newest text starts when it has stopped.
    m_core->newTicket();
    m_waiting = true;
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
    const bool wasBusy = isBusy(); // waiting counts: nobody was told it is idle
    m_waiting = false;
    ++m_jobsStarted;
    const quint64 generation = m_core->newTicket();
    const auto requested = std::chrono::steady_clock::now();
    // On the interactive lane (the live jobs' own threads, shared by every editor, never waited
    // for): closing an editor does not wait for its job.
    m_jobs.start(
        [core = m_core, text = m_text, file = m_file, tests = m_tests, generation, requested](const JobContext&) {
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
        },
        [this, generation](const EvaluationPtr& result) {
            if (!result || generation != m_core->currentTicket())
                return; // stale: a newer text, events or tests are being evaluated
            m_last = result;
            if (result->ok())
                m_lastGood = result;
            Q_EMIT evaluated(result);
        });
    if (!wasBusy)
        Q_EMIT busyChanged(true);
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
