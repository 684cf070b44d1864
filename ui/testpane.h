#pragma once

#include <QHash>
#include <QLabel>
#include <QList>
#include <QWidget>

class QAction;
class QCheckBox;
class QLineEdit;
class QProgressBar;
class QTableView;
class QToolButton;

namespace sigmaui {

class EventsFilterProxy;
class EventsModel;
class NearMissFilter;
class Security5156Switch;

/// A one-line label that elides its text instead of widening its layout (text() stays whole).
class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    using QLabel::QLabel;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
};

/// The Test pane: the loaded events with the current rule's verdicts and test marks, a filter,
/// loading with progress and cancel, the buttons that mark the selected events as tests, and the
/// Security 5156 switch.
class TestPane : public QWidget {
    Q_OBJECT
public:
    explicit TestPane(QWidget* parent = nullptr);

    EventsModel* model() const { return m_model; }
    EventsFilterProxy* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    QCheckBox* matchesOnlyBox() const { return m_matchesOnly; }
    Security5156Switch* translate5156Switch() const { return m_translate5156; }
    /// The "Near misses" filter (its check box is beside "Matches only").
    NearMissFilter* nearMisses() const { return m_nearMisses; }

    /// The selected events (source rows), or the current one.
    QList<int> selectedEvents() const;
    /// Selects an event by its source row.
    void selectEvent(int eventIndex);
    /// Selects these events (source rows), the first one current (and reported by eventSelected).
    void selectEvents(const QList<int>& eventIndexes);
    int selectedEvent() const { return m_selected; }
    /// No event is selected any more (new events were loaded), without a signal.
    void forgetSelection() { m_selected = -1; }
    void scrollToSelected();
    /// The columns sized for newly loaded events.
    void fitColumns();
    /// The columns fitted to the pane's width: Match and Test whole, the others elided in turn.
    void layoutColumns();

    void setLoading(bool loading);
    void setLoadProgress(int permille, const QString& file);
    /// Test marks being computed (permille), or -1 when done.
    void setMarksProgress(int permille);
    void focusFilter();
    void setColors(const QColor& matched, const QColor& failed);
    /// The loaded event sets in a line above the table; `files` (one per line) as its tooltip.
    void setEventSets(const QString& summary, const QString& files);
    QLabel* eventSetsLabel() const { return m_eventSets; }
    /// The mark actions (right-click menu and buttons): must match, must not match, baseline,
    /// unmark. The selected events' current mark is the checked one.
    const QList<QAction*>& markActions() const { return m_markActions; }

Q_SIGNALS:
    void loadRequested();
    void cancelRequested();
    /// A mark button: int(sigma::ExpectationKind), or -1 to unmark.
    void markRequested(int kind);
    /// The selected event changed (source row, -1 for none).
    void eventSelected(int eventIndex);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateMarkActions();
    void repaintChangedRows();

    EventsModel* m_model;
    QList<QAction*> m_markActions;
    EventsFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QCheckBox* m_matchesOnly;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QProgressBar* m_marksProgress;
    QLabel* m_eventSets;
    Security5156Switch* m_translate5156;
    QTableView* m_view;
    NearMissFilter* m_nearMisses = nullptr;
    int m_selected = -1;
    QHash<int, int> m_natural; ///< column -> width its contents want (fitColumns)
};

} // namespace sigmaui
