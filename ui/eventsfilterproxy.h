#pragma once

#include <QSortFilterProxyModel>

#include <array>
#include <vector>

namespace sigmaui {

class EventsModel;

/// Filters the events table: a text that must occur in one of the event's values (case
/// insensitive), and "matches only". Sorts the time, EventID, verdict and source columns without
/// going through QVariant. With many events a new set of verdicts costs little: rows are tested
/// against the filter text once (the verdict-independent part is remembered) and the verdict
/// and test columns are looked up.
class EventsFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit EventsFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    void setMatchesOnly(bool on);
    bool matchesOnly() const { return m_matchesOnly; }
    /// Only the events that are near misses (EventsModel::nearMiss).
    void setNearMissesOnly(bool on);
    bool nearMissesOnly() const { return m_nearMissesOnly; }
    /// Whether the rows shown or their order depend on the verdicts ("matches only", a filter text,
    /// sorted by the verdict or test column). While they do not, the events model does not signal
    /// each new set of verdicts row by row (EventsModel::setVerdictRowsSignalled): with many events
    /// a keystroke then costs the proxy nothing.
    bool dependsOnVerdicts() const;

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void forgetTextHits();
    void updateVerdictSignalling();
    bool textMatches(int sourceRow) const;

    EventsModel* m_events = nullptr; ///< the source model when it is one (null once destroyed)
    QString m_text;
    bool m_matchesOnly = false;
    bool m_nearMissesOnly = false;
    /// Per source row: whether a column that does not depend on the verdicts, or a field value,
    /// contains the filter text (-1: not tested yet).
    mutable std::vector<signed char> m_textHits;
    /// Whether the verdict column's text for each verdict, and the test column's text for each
    /// (mark, pass) pair, contains the filter text (-1: not tested yet).
    mutable std::array<signed char, 4> m_verdictHits{};
    mutable std::array<signed char, 16> m_testHits{};
};

} // namespace sigmaui
