#pragma once

#include "jobtracker.h"

#include <QObject>
#include <QTimer>

class QCheckBox;
class QTableView;

namespace sigmaui {

class EventsFilterProxy;
class EventsModel;

/// The Test pane's "Near misses" filter (docs/near-misses.md): while it is on, the events of the
/// rule's log source that fail by one decision are computed off the GUI thread after each new set
/// of verdicts (superseded by the next, progress in the check box), the table shows only them and
/// the Near miss column says which decision failed, the event's value beside the rule's.
class NearMissFilter : public QObject {
    Q_OBJECT
public:
    NearMissFilter(EventsModel* model, EventsFilterProxy* proxy, QTableView* view, QWidget* parent);

    QCheckBox* checkBox() const { return m_box; }
    bool isBusy() const { return m_jobs.isPending(); }
    /// Near misses among the current verdicts (-1 while computing or when off).
    int count() const { return m_count; }

private:
    void setOn(bool on);
    void recompute();
    void updateText(int permille);

    EventsModel* m_model;
    EventsFilterProxy* m_proxy;
    QTableView* m_view;
    QCheckBox* m_box;
    QTimer m_schedule; ///< one recomputation for a new rule and its verdicts
    JobTracker m_jobs{JobTracker::Lane::Background};
    int m_count = -1;
};

} // namespace sigmaui
