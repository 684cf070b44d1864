#include "eventsfilterproxy.h"

#include "eventsmodel.h"

namespace sigmaui {

EventsFilterProxy::EventsFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(EventsModel::SortRole);
    setDynamicSortFilter(true);
}

void EventsFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QSortFilterProxyModel::setSourceModel(model);
    if (model) {
        // Sorted by the verdict column: new verdicts re-sort (the sort role is not in the
        // signal's roles, so the base class does not).
        connect(model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
                    if (sortColumn() == EventsModel::VerdictColumn && roles.contains(EventsModel::VerdictRole))
                        invalidate();
                });
    }
}

void EventsFilterProxy::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

void EventsFilterProxy::setMatchesOnly(bool on)
{
    if (on == m_matchesOnly)
        return;
    m_matchesOnly = on;
    invalidateFilter();
}

bool EventsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex first = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_matchesOnly && first.data(EventsModel::VerdictRole).toInt() != int(Verdict::Match))
        return false;
    if (m_text.isEmpty())
        return true;
    for (int c = 0; c < sourceModel()->columnCount(sourceParent); ++c)
        if (sourceModel()->index(sourceRow, c, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    return first.data(EventsModel::SearchTextRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace sigmaui
