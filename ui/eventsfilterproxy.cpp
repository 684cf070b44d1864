#include "eventsfilterproxy.h"

#include "eventsmodel.h"

#include <charconv>

namespace sigmaui {

namespace {
long long eventIdNumber(std::string_view id)
{
    // As QString::toLongLong: surrounding blanks are ignored, anything else gives 0.
    while (!id.empty() && (id.front() == ' ' || id.front() == '\t'))
        id.remove_prefix(1);
    while (!id.empty() && (id.back() == ' ' || id.back() == '\t'))
        id.remove_suffix(1);
    long long n = 0;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), n);
    return error == std::errc() && end == id.data() + id.size() ? n : 0;
}
} // namespace

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
    if (m_events)
        m_events->setVerdictRowsSignalled(true); // as any other user of the model expects
    m_events = qobject_cast<EventsModel*>(model);
    forgetTextHits();
    QSortFilterProxyModel::setSourceModel(model);
    if (m_events)
        connect(m_events, &QObject::destroyed, this, [this] { m_events = nullptr; });
    if (model) {
        // The remembered text hits are per row: new rows, new hits.
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, &EventsFilterProxy::forgetTextHits);
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, &EventsFilterProxy::forgetTextHits);
        connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, &EventsFilterProxy::forgetTextHits);
        connect(model, &QAbstractItemModel::layoutAboutToBeChanged, this, &EventsFilterProxy::forgetTextHits);
    }
    updateVerdictSignalling();
}

bool EventsFilterProxy::dependsOnVerdicts() const
{
    return m_matchesOnly || !m_text.isEmpty() || sortColumn() == EventsModel::VerdictColumn ||
           sortColumn() == EventsModel::TestColumn;
}

void EventsFilterProxy::updateVerdictSignalling()
{
    // Turned on before the proxy filters or sorts by verdict (it reads the verdicts then), so that
    // it sees every later change.
    if (m_events)
        m_events->setVerdictRowsSignalled(dependsOnVerdicts());
}

void EventsFilterProxy::sort(int column, Qt::SortOrder order)
{
    QSortFilterProxyModel::sort(column, order);
    updateVerdictSignalling();
}

void EventsFilterProxy::forgetTextHits()
{
    m_textHits.clear();
    m_verdictHits.fill(-1);
    m_testHits.fill(-1);
}

void EventsFilterProxy::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    forgetTextHits();
    updateVerdictSignalling();
    invalidateFilter();
}

void EventsFilterProxy::setMatchesOnly(bool on)
{
    if (on == m_matchesOnly)
        return;
    m_matchesOnly = on;
    updateVerdictSignalling();
    invalidateFilter();
}

void EventsFilterProxy::setNearMissesOnly(bool on)
{
    if (on == m_nearMissesOnly)
        return;
    m_nearMissesOnly = on;
    invalidateFilter();
}

bool EventsFilterProxy::textMatches(int sourceRow) const
{
    const QAbstractItemModel* model = sourceModel();
    auto contains = [this](const QVariant& v) { return v.toString().contains(m_text, Qt::CaseInsensitive); };
    if (m_events) {
        // The verdict-dependent columns: their few texts are tested once each.
        const Verdict v = m_events->verdict(sourceRow);
        signed char& verdictHit = m_verdictHits[std::size_t(v) & 3];
        if (verdictHit < 0)
            verdictHit = contains(model->index(sourceRow, EventsModel::VerdictColumn).data());
        if (verdictHit)
            return true;
        const int mark = m_events->testMark(sourceRow);
        if (mark >= 0) {
            const auto pass = m_events->testPasses(sourceRow);
            signed char& testHit = m_testHits[std::size_t((mark & 3) * 4 + (pass ? (*pass ? 1 : 2) : 0))];
            if (testHit < 0)
                testHit = contains(model->index(sourceRow, EventsModel::TestColumn).data());
            if (testHit)
                return true;
        }
    }
    if (m_textHits.size() != std::size_t(model->rowCount()))
        m_textHits.assign(std::size_t(model->rowCount()), -1);
    signed char& hit = m_textHits[std::size_t(sourceRow)];
    if (hit < 0) {
        hit = 0;
        for (int c = 0; c < model->columnCount() && !hit; ++c)
            if (!m_events ||
                (c != EventsModel::VerdictColumn && c != EventsModel::TestColumn && c != EventsModel::NearMissColumn))
                hit = contains(model->index(sourceRow, c).data());
        if (!hit)
            hit = contains(model->index(sourceRow, 0).data(EventsModel::SearchTextRole));
    }
    return hit != 0;
}

bool EventsFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    if (m_matchesOnly) {
        const Verdict v = m_events ? m_events->verdict(sourceRow)
                                   : Verdict(sourceModel()->index(sourceRow, 0).data(EventsModel::VerdictRole).toInt());
        if (v != Verdict::Match)
            return false;
    }
    if (m_nearMissesOnly && sourceModel()->index(sourceRow, 0).data(EventsModel::NearMissRole).toString().isEmpty())
        return false;
    return m_text.isEmpty() || textMatches(sourceRow);
}

bool EventsFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const sigma::Event* a = m_events && left.column() == right.column() ? m_events->eventAt(left.row()) : nullptr;
    const sigma::Event* b = a ? m_events->eventAt(right.row()) : nullptr;
    if (a && b && sortRole() == EventsModel::SortRole) {
        // The same order as the SortRole values, without building them for every comparison.
        switch (left.column()) {
        case EventsModel::VerdictColumn:
            return int(m_events->verdict(left.row())) < int(m_events->verdict(right.row()));
        case EventsModel::TimeColumn:
            return a->time() < b->time(); // ISO 8601 (ASCII): bytes sort as the UTF-16 text
        case EventsModel::EventIdColumn:
            return eventIdNumber(a->eventId()) < eventIdNumber(b->eventId());
        case EventsModel::SourceColumn:
            return left.row() < right.row();
        default:
            break;
        }
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace sigmaui
