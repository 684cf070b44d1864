#pragma once

// The Correlations pane: for a file that holds correlations, one row per correlation and group
// (its window, the value against the condition, firing or not), updated with the live evaluation.
// Selecting a row selects its contributing events in the Test table (through the context) and
// draws them on a time strip, the window shaded.

#include "eventset.h"

#include "live/correlationlive.h"

#include <QPointer>
#include <QWidget>

#include <memory>

class QDockWidget;
class QLabel;
class QTableView;

namespace sigmaui {

class CorrelationsModel;
class RuleDocument;
class WorkbenchContext;

/// Events on a time axis: the window (start to end) shaded, the timespan after the start outlined,
/// each contributing event a tick coloured by its base rule, with a legend.
class TimeStrip : public QWidget {
    Q_OBJECT
public:
    explicit TimeStrip(QWidget* parent = nullptr);

    /// What to draw (null row: nothing).
    void setRow(std::shared_ptr<const sigma::LiveCorrelation> correlation, const sigma::LiveCorrelationRow* row,
                EventListPtr events);
    /// The ticks drawn: (event position, x), for tests.
    QList<QPair<int, int>> ticks() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Tick {
        std::size_t position = 0;
        std::size_t rule = 0;
        sigma::EventTime time = 0;
    };
    int xOf(sigma::EventTime time) const;

    std::shared_ptr<const sigma::LiveCorrelation> m_correlation;
    std::vector<Tick> m_ticks;
    std::vector<std::size_t> m_rules; ///< base rules present, for the legend
    sigma::EventTime m_start = 0, m_end = 0, m_spanEnd = 0, m_from = 0, m_to = 0;
    bool m_fired = false;
    bool m_empty = true;
};

class CorrelationsPane : public QWidget {
    Q_OBJECT
public:
    explicit CorrelationsPane(WorkbenchContext* context, QWidget* parent = nullptr);

    /// Creates the pane and its dock (beside the Test pane, sharing Problems' place).
    static CorrelationsPane* install(WorkbenchContext* context);

    CorrelationsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    TimeStrip* timeStrip() const { return m_strip; }
    QString summaryText() const;
    QDockWidget* dock() const { return m_dock; }

private:
    void update();
    void showSelected();

    WorkbenchContext* m_context;
    CorrelationsModel* m_model;
    QLabel* m_summary;
    QTableView* m_view;
    TimeStrip* m_strip;
    QDockWidget* m_dock = nullptr;
    EventListPtr m_events;
    QString m_selectedKey;
    /// The document whose correlations were last brought to the front, and the one whose first
    /// firing group was selected (once its events are evaluated): each happens once per document.
    QPointer<const RuleDocument> m_raisedFor;
    QPointer<const RuleDocument> m_autoSelectedFor;
};

} // namespace sigmaui
