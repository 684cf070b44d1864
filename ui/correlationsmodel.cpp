#include "correlationsmodel.h"

#include <cmath>

namespace sigmaui {

CorrelationsModel::CorrelationsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void CorrelationsModel::setCorrelation(std::shared_ptr<const sigma::LiveCorrelation> correlation)
{
    beginResetModel();
    m_correlation = std::move(correlation);
    endResetModel();
}

const sigma::LiveCorrelationRow* CorrelationsModel::rowAt(int row) const
{
    if (!m_correlation || row < 0 || row >= int(m_correlation->rows.size()))
        return nullptr;
    return &m_correlation->rows[std::size_t(row)];
}

int CorrelationsModel::rowOfKey(const QString& key) const
{
    // The KeyRole text, "correlation\x1fgroup", compared without a QVariant per row (a correlation
    // file's live update looks the selected row up among thousands).
    const qsizetype separator = key.indexOf(QChar(0x1f));
    bool ok = false;
    const std::size_t correlation = key.left(separator).toULongLong(&ok);
    if (!m_correlation || separator < 0 || !ok)
        return -1;
    const std::string group = key.mid(separator + 1).toStdString();
    const auto& rows = m_correlation->rows;
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r].correlation == correlation && sigma::formatGroup(rows[r].group) == group)
            return int(r);
    return -1;
}

int CorrelationsModel::firingCount() const
{
    int n = 0;
    if (m_correlation)
        for (const auto& row : m_correlation->rows)
            n += row.fired ? 1 : 0;
    return n;
}

void CorrelationsModel::setColors(const QColor& fired, const QColor& missed)
{
    m_fired = fired;
    m_missed = missed;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, COLUMN_COUNT - 1), {Qt::ForegroundRole});
}

QString CorrelationsModel::conditionText(const sigma::LiveCorrelationRow& row) const
{
    return QString::fromStdString(m_correlation->unit->correlations()[row.correlation].conditionText());
}

QString CorrelationsModel::correlationTitle(std::size_t correlation) const
{
    const auto& c = m_correlation->unit->correlations()[correlation];
    return QString::fromStdString(!c.doc.title.empty() ? c.doc.title : c.displayId());
}

QString CorrelationsModel::groupText(const sigma::LiveCorrelationRow& row)
{
    return QString::fromStdString(sigma::formatGroup(row.group));
}

QString CorrelationsModel::timeText(sigma::EventTime time)
{
    // "2026-11-20 13:01:20" (microseconds only when there are some).
    QString text = QString::fromStdString(sigma::formatEventTime(time));
    text.replace(QLatin1Char('T'), QLatin1Char(' '));
    text.chop(1); // Z
    if (text.endsWith(QLatin1String(".000000")))
        text.chop(7);
    return text;
}

QString CorrelationsModel::valueText(const std::optional<double>& value)
{
    if (!value)
        return QStringLiteral("–");
    if (std::floor(*value) == *value && std::abs(*value) < 1e15)
        return QString::number(static_cast<long long>(*value));
    return QString::number(*value, 'g', 6);
}

int CorrelationsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_correlation ? 0 : int(m_correlation->rows.size());
}

int CorrelationsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant CorrelationsModel::data(const QModelIndex& index, int role) const
{
    const sigma::LiveCorrelationRow* row = rowAt(index.row());
    if (!row)
        return {};
    switch (role) {
    case FiredRole:
        return row->fired;
    case KeyRole:
        return QString(QString::number(row->correlation) + QChar(0x1f) + groupText(*row));
    case Qt::ForegroundRole:
        return index.column() == FiringColumn ? QVariant(row->fired ? m_fired : m_missed) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == CorrelationColumn)
            return QString::fromStdString(m_correlation->unit->correlations()[row->correlation].displayId());
        if (!row->fired)
            return tr("The group's fullest window: it did not reach the condition.");
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case CorrelationColumn:
        return correlationTitle(row->correlation);
    case GroupColumn:
        return groupText(*row);
    case StartColumn:
        return timeText(row->start);
    case EndColumn:
        return timeText(row->end);
    case ValueColumn:
        return valueText(row->value);
    case ConditionColumn:
        return conditionText(*row);
    case FiringColumn:
        return row->fired ? tr("● fires") : tr("○ below");
    case EventsColumn:
        return row->eventCount > row->events.size() ? tr("%1 (%2 shown)").arg(row->eventCount).arg(row->events.size())
                                                    : QString::number(row->eventCount);
    default:
        return {};
    }
}

QVariant CorrelationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CorrelationColumn:
        return tr("Correlation");
    case GroupColumn:
        return tr("Group");
    case StartColumn:
        return tr("Window start");
    case EndColumn:
        return tr("Window end");
    case ValueColumn:
        return tr("Value");
    case ConditionColumn:
        return tr("Condition");
    case FiringColumn:
        return tr("Firing");
    case EventsColumn:
        return tr("Events");
    default:
        return {};
    }
}

} // namespace sigmaui
