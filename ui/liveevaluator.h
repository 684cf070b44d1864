#pragma once

#include "eventset.h"
#include "jobtracker.h"

#include "live/evaluator.h"
#include "validation/runner.h"

#include <QObject>
#include <QTimer>

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
    /// When the job was asked for (after the debounce), began on its worker and ended (for the
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

/// Runs the live evaluation of one editor (sigma::IncrementalEvaluator) off the GUI thread:
/// text changes are debounced (150 ms by default) only while jobs are slow: when the last job took
/// at most fastJobMs() a new text is evaluated at once (a newer one supersedes it), so a keystroke
/// is not kept waiting longer than the evaluation itself. Each job gets a generation number (the
/// evaluator's ticket), and results of stale jobs are dropped (a stale job also stops early).
/// Only value snapshots cross threads; a job never holds this object, so destroying it does not
/// wait for one.
class LiveEvaluator : public QObject {
    Q_OBJECT
public:
    explicit LiveEvaluator(QObject* parent = nullptr);
    ~LiveEvaluator() override;

    void setDebounceInterval(int milliseconds);
    int debounceInterval() const { return m_debounce.interval(); }
    void setFileName(const QString& file) { m_file = file; }
    void setCompileOptions(const sigma::CompileOptions& options);

    /// Jobs that took at most this long do not make the next text wait for the debounce (default 40
    /// ms: keystroke to verdicts within two frames); negative: always debounce.
    void setFastJobMs(double milliseconds) { m_fastJobMs = milliseconds; }
    double fastJobMs() const { return m_fastJobMs; }

    /// A new text: evaluated at once after a fast job, else after the debounce interval (restarted
    /// by each call).
    void setText(const QString& text);
    /// New events: evaluated at once.
    void setEvents(EventListPtr events);
    /// The rule's tests, run in every job with its compiled rule (null: none). Evaluates at once.
    void setTests(TestSetPtr tests);
    const TestSetPtr& tests() const { return m_tests; }
    /// Starts a job now with the current text and events.
    void evaluateNow();

    quint64 generation() const { return m_core->currentTicket(); }
    bool isBusy() const { return m_jobs.isBusy() || m_debounce.isActive(); }
    /// The last result is of the current text and events, and no newer job is coming (stale jobs
    /// may still be winding down: isBusy() counts them).
    bool isSettled() const { return !m_debounce.isActive() && m_last && m_last->generation == generation(); }
    EvaluationPtr lastResult() const { return m_last; }
    EvaluationPtr lastGoodResult() const { return m_lastGood; }

    /// The job itself (synchronous), for tests and benchmarks. `latest` lets a stale job stop.
    static EvaluationPtr run(const EvaluationRequest& request, const std::atomic<quint64>* latest = nullptr);

Q_SIGNALS:
    /// The newest job finished (results of older jobs are never emitted).
    void evaluated(sigmaui::EvaluationPtr result);
    void busyChanged(bool busy);

private:
    QTimer m_debounce;
    double m_fastJobMs = 40;
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
