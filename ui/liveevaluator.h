#pragma once

#include "eventset.h"

#include "engine/engine.h"
#include "rule/rule.h"
#include "validation/runner.h"

#include <QObject>
#include <QTimer>

#include <atomic>
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
    std::size_t matches = 0;
    std::size_t inScope = 0;
    /// The rule's tests run against `compiled` (null when there are no tests or no compiled rule).
    std::shared_ptr<const sigma::RuleTestResult> tests;
    double parseMs = 0;
    double evaluateMs = 0;
    double totalMs = 0;

    bool ok() const { return compiled != nullptr; }
    const sigma::Rule* rule() const { return compiled ? &compiled->rule() : nullptr; }
};
using EvaluationPtr = std::shared_ptr<const Evaluation>;

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
    void setCompileOptions(const sigma::CompileOptions& options) { m_options = options; }

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
    bool isBusy() const { return m_running > 0 || m_debounce.isActive(); }
    EvaluationPtr lastResult() const { return m_last; }
    EvaluationPtr lastGoodResult() const { return m_lastGood; }

    /// The job itself (synchronous), for tests and benchmarks. `latest` lets a stale job stop.
    static EvaluationPtr run(quint64 generation, const QString& text, const QString& file, EventListPtr events,
                             const sigma::CompileOptions& options, const std::atomic<quint64>* latest = nullptr,
                             TestSetPtr tests = {});

Q_SIGNALS:
    /// The newest job finished (results of older jobs are never emitted).
    void evaluated(sigmaui::EvaluationPtr result);
    void busyChanged(bool busy);

private:
    QTimer m_debounce;
    QString m_text;
    QString m_file;
    EventListPtr m_events;
    TestSetPtr m_tests;
    sigma::CompileOptions m_options;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    int m_running = 0;
    EvaluationPtr m_last;
    EvaluationPtr m_lastGood;
};

} // namespace sigmaui

Q_DECLARE_METATYPE(sigmaui::EvaluationPtr)
