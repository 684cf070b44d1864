#pragma once

#include "eventset.h"
#include "jobtracker.h"

#include "engine/engine.h"
#include "rule/rule.h"
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
    sigma::LoadedTestEvents events;
};
using TestSetPtr = std::shared_ptr<const TestSet>;

/// The outcome of one parse → compile → evaluate job: a value snapshot, shared read-only.
struct Evaluation {
    quint64 generation = 0;
    QString text; ///< the rule text that was evaluated
    std::shared_ptr<const sigma::ParsedFile> parsed;
    std::shared_ptr<const sigma::CompiledRule> compiled; ///< null when the rule has errors
    sigma::Diagnostics diagnostics;                      ///< parser and compiler
    EventListPtr events;                                 ///< the events the verdicts are for
    std::vector<Verdict> verdicts;                       ///< one per event (empty when not compiled)
    /// Per event, the rule's scope row that covers it (CompiledRule::scopeRow, -1 out of scope):
    /// kept for the next job while the log source stays, and it carries the row's translation.
    std::vector<std::int16_t> scopeRows;
    /// The search identifiers' outcomes per event, for the next job: an edit re-evaluates only
    /// the identifiers it changed (kept under the same conditions as scopeRows).
    std::shared_ptr<sigma::SearchCache> searchCache;
    std::size_t matches = 0;
    std::size_t inScope = 0;
    /// Events in scope only through the Security 5156 -> network_connection translation
    /// (CompileOptions::translateSecurity5156): the status bar says how many were read so.
    std::size_t translated5156 = 0;
    /// The rule's tests run against `compiled` (null when there are no tests or no compiled rule).
    std::shared_ptr<const sigma::RuleTestResult> tests;
    /// The rule's log source as the scope was computed for it (category, product, service,
    /// definition); a later job with the same one and the same events reuses the scope.
    std::string scopeKey;
    bool scopeReused = false; ///< the scope came from the previous result (no scopeRow() calls)
    double parseMs = 0;
    double evaluateMs = 0;
    double totalMs = 0;
    /// When the job was asked for (after the debounce), began on its worker and ended (for the
    /// latency benchmark: queueing, the job, and the GUI's part after it).
    std::chrono::steady_clock::time_point requested, started, finished;

    bool ok() const { return compiled != nullptr; }
    const sigma::Rule* rule() const { return compiled ? &compiled->rule() : nullptr; }
};
using EvaluationPtr = std::shared_ptr<const Evaluation>;

/// What one job evaluates.
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

/// Runs the pipeline for one editor off the GUI thread: text changes are debounced (150 ms by
/// default), each job gets a generation number, and results of stale jobs are dropped (a stale
/// job also stops early). Only value snapshots cross threads.
class LiveEvaluator : public QObject {
    Q_OBJECT
public:
    explicit LiveEvaluator(QObject* parent = nullptr);
    ~LiveEvaluator() override;

    void setDebounceInterval(int milliseconds);
    int debounceInterval() const { return m_debounce.interval(); }
    void setFileName(const QString& file) { m_file = file; }
    void setCompileOptions(const sigma::CompileOptions& options);

    /// A new text: evaluated after the debounce interval (restarted by each call).
    void setText(const QString& text);
    /// New events: evaluated at once.
    void setEvents(EventListPtr events);
    /// The rule's tests, run in every job with its compiled rule (null: none). Evaluates at once.
    void setTests(TestSetPtr tests);
    const TestSetPtr& tests() const { return m_tests; }
    /// Starts a job now with the current text and events.
    void evaluateNow();

    quint64 generation() const { return m_generation->load(); }
    bool isBusy() const { return m_jobs.isBusy() || m_debounce.isActive(); }
    /// The last result is of the current text and events, and no newer job is coming (stale jobs
    /// may still be winding down: isBusy() counts them).
    bool isSettled() const { return !m_debounce.isActive() && m_last && m_last->generation == m_generation->load(); }
    EvaluationPtr lastResult() const { return m_last; }
    EvaluationPtr lastGoodResult() const { return m_lastGood; }

    /// The job itself (synchronous), for tests and benchmarks. `latest` lets a stale job stop.
    static EvaluationPtr run(const EvaluationRequest& request, const std::atomic<quint64>* latest = nullptr);

Q_SIGNALS:
    /// The newest job finished (results of older jobs are never emitted).
    void evaluated(sigmaui::EvaluationPtr result);
    void busyChanged(bool busy);

private:
    /// On the interactive lane: jobs never wait behind other background work (loading, corpus,
    /// baseline), and destroying the evaluator (closing a tab) never waits for a running job.
    JobTracker m_jobs{JobTracker::Lane::Interactive};
    QTimer m_debounce;
    QString m_text;
    QString m_file;
    EventListPtr m_events;
    TestSetPtr m_tests;
    sigma::CompileOptions m_options;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    EvaluationPtr m_last;
    EvaluationPtr m_lastGood;
    EvaluationPtr m_scopeSource; ///< the newest result with verdicts for the current compile options
    quint64 m_optionsEpoch = 0;  ///< counts setCompileOptions() calls
};

} // namespace sigmaui

Q_DECLARE_METATYPE(sigmaui::EvaluationPtr)
