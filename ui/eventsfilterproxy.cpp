#include "eventsfilterproxy.h"

#include "eventsmodel.h"

namespace sigmaui {

EventsFilterProxy::EventsFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(EventsModel::SortRole);
    setDynamicSortFilter(true);
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
