#pragma once

#include "corpusloader.h"
#include "indicatorsmodel.h"

#include "../eventset.h"
#include "../jobtracker.h"

#include <QObject>
#include <QTimer>

#include <memory>

class QDockWidget;

namespace sigmaui {

class CorpusSession;
class IndicatorsPane;
class RuleDocument;
class WorkbenchContext;

/// The Indicators pane of the current rule: each indicator's reach over the corpus, and its
/// baseline hits over the loaded events counted in the background (never beside a newer live
/// evaluation, put off while the pane is closed, cancelled by an edit).
class IndicatorsController : public QObject {
    Q_OBJECT
public:
    IndicatorsController(WorkbenchContext* context, CorpusSession* session, QObject* parent = nullptr);
    ~IndicatorsController() override;

    IndicatorsPane* pane() const { return m_pane; }
    QDockWidget* dock() const { return m_dock; }
    /// The parsed rule the pane shows (for hover texts over the same version of the rule).
    std::shared_ptr<const void> shownParsed() const { return m_shownParsed; }
    /// Selects an indicator's value in the current editor.
    void selectIndicator(const IndicatorFigures& figures);
    /// Shows the current rule's indicators (and counts their baseline when it is due).
    void update();

    static constexpr int BaselineDelayMs = 300;

Q_SIGNALS:
    /// The pane shows the figures of the current rule (baseline included when events are loaded).
    void updated();

private:
    /// Stops the baseline count of an older text (an edit, or the pane closed) so that it does
    /// not compete with the live evaluation for the cores; the next result starts a new one.
    void cancelBaseline();
    /// Counts the baseline of the shown indicators in the background unless it is counted, the
    /// pane is closed or a newer evaluation is coming.
    void startBaseline();
    /// startBaseline() once typing pauses (BaselineDelayMs after the last result), so the count
    /// never takes the cores while the GUI shows the verdicts of an edit or the next one runs.
    void scheduleBaseline();
    void watch(RuleDocument* document);

    WorkbenchContext* m_context;
    CorpusSession* m_session;
    IndicatorsPane* m_pane;
    QDockWidget* m_dock;
    // The rule shown, and the count of its baseline.
    QString m_shownText;
    std::shared_ptr<const void> m_shownParsed;
    EventListPtr m_shownEvents;
    CorpusPtr m_shownCorpus;
    JobTracker m_baselineJob;
    QTimer m_baselineDelay;
    std::shared_ptr<const void> m_baselineParsed; ///< the rule counted or being counted
    QString m_summary;                            ///< the pane's summary without the baseline
};

} // namespace sigmaui
