#pragma once

#include <QSortFilterProxyModel>

namespace sigmaui {

/// Filters the events table: a text that must occur in one of the event's values (case
/// insensitive), and "matches only".
class EventsFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit EventsFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    void setMatchesOnly(bool on);
    bool matchesOnly() const { return m_matchesOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    bool m_matchesOnly = false;
};

} // namespace sigmaui
