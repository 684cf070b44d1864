#pragma once

#include "eventset.h"
#include "jobtracker.h"

#include "live/evaluator.h"
#include "validation/runner.h"

#include <QObject>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace sigmaui {

/// A rule's tests with their events read once; re-run against each compiled rule.
struct TestSet {
    sigma::RuleTests group;
    /// The manifests the group's tests were read from (beside, folder manifests, SigmaHQ info).
    std::vector<std::string> sources;
    sigma::LoadedTestEvents events;
};
using TestSetPtr = std::shared_ptr<const TestSet>;

/// The outcome of one parse → compile → evaluate job (sigma::LiveResult: analysis, verdicts,
/// scope rows, search cache) with what the window adds: a value snapshot, shared read-only.
struct Evaluation : sigma::LiveResult {
    quint64 generation = 0;
    QString text; ///< the rule text that was evaluated
    /// The rule's tests run against `compiled` (null when there are no tests or no compiled rule).
    std::shared_ptr<const sigma::RuleTestResult> tests;
    double totalMs = 0;
    /// When the job was asked for (the keystroke, or when a stale job stopped), began on its worker and ended (for the
    /// latency benchmark: queueing, the job, and the GUI's part after it).
    std::chrono::steady_clock::time_point requested, started, finished;
};
using EvaluationPtr = std::shared_ptr<const Evaluation>;

/// What one job evaluates (for run(): tests and benchmarks).
struct EvaluationRequest {
    quint64 generation = 0;
    QString text;
    QString file;
    EventListPtr events;
    sigma::CompileOptions options;
    TestSetPtr tests;
    /// An earlier result with the same compile options: when it is for the same events and the
    /// rule's log source did not change, its verdicts give each event's scope.
    EvaluationPtr previous;
    std::chrono::steady_clock::time_point requested; ///< default: when the job starts
};

/// Runs the live evaluation of one editor (sigma::IncrementalEvaluator) off the GUI thread. A new
/// text starts a job at once when none is running, and after a fast job (at most fastJobMs());
/// while a slower job runs, the newest text waits for it: that job is stale (a newer ticket), stops
/// at its next check, and the newest text starts the moment it has. So there is never a fixed
/// pause: a keystroke waits at most for one stale job to stop plus its own job, and typing faster
/// than the jobs run costs one job at a time, not one per key. Each job gets a generation number
/// (the evaluator's ticket), and results of stale jobs are dropped. Only value snapshots cross
/// threads; a job never holds this object, so destroying it does not wait for one.
class LiveEvaluator : public QObject {
    Q_OBJECT
public:
    explicit LiveEvaluator(QObject* parent = nullptr);
    ~LiveEvaluator() override;

    void setFileName(const QString& file) { m_file = file; }
    void setCompileOptions(const sigma::CompileOptions& options);

    /// After a job that took at most this long, a new text does not wait for a running stale job to
    /// stop (default 40 ms: keystroke to verdicts within two frames); negative: it always waits.
    void setFastJobMs(double milliseconds) { m_fastJobMs = milliseconds; }
    double fastJobMs() const { return m_fastJobMs; }

    /// A new text: evaluated at once when no job runs or the last one was fast, else as soon as the
    /// running (now stale) job has stopped.
    void setText(const QString& text);
    /// New events: evaluated at once.
    void setEvents(EventListPtr events);
    /// The rule's tests, run in every job with its compiled rule (null: none). Evaluates at once.
    void setTests(TestSetPtr tests);
    const TestSetPtr& tests() const { return m_tests; }
    /// Starts a job now with the current text and events.
    void evaluateNow();

    quint64 generation() const { return m_core->currentTicket(); }
    bool isBusy() const { return m_jobs.isBusy() || m_waiting; }
    /// The last result is of the current text and events, and no newer job is coming (stale jobs
    /// may still be winding down: isBusy() counts them).
    bool isSettled() const { return !m_waiting && m_last && m_last->generation == generation(); }
    /// Jobs started so far (tests: typing while a job runs starts one job, not one per key).
    int jobsStarted() const { return m_jobsStarted; }
    EvaluationPtr lastResult() const { return m_last; }
    EvaluationPtr lastGoodResult() const { return m_lastGood; }

    /// The job itself (synchronous), for tests and benchmarks. `latest` lets a stale job stop.
    static EvaluationPtr run(const EvaluationRequest& request, const std::atomic<quint64>* latest = nullptr);

Q_SIGNALS:
    /// The newest job finished (results of older jobs are never emitted).
    void evaluated(sigmaui::EvaluationPtr result);
    void busyChanged(bool busy);

private:
    double m_fastJobMs = 40;
    bool m_waiting = false; ///< a text waits for the running stale job to stop
    int m_jobsStarted = 0;
    QString m_text;
    QString m_file;
    TestSetPtr m_tests;
    /// Events, options, the result the next job reuses and the tickets; shared with the jobs.
    std::shared_ptr<sigma::IncrementalEvaluator> m_core;
    /// The jobs, on the interactive lane: they never wait behind other background work, and
    /// destroying the evaluator (closing a tab) never waits for a running one.
    JobTracker m_jobs{JobTracker::Lane::Interactive};
    EvaluationPtr m_last;
    EvaluationPtr m_lastGood;
};

} // namespace sigmaui

Q_DECLARE_METATYPE(sigmaui::EvaluationPtr)
