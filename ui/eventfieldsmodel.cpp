#include "eventfieldsmodel.h"

#include "events/fieldname.h"
#include "ruleeditor.h"

#include <QMimeData>

namespace sigmaui {

EventFieldsModel::EventFieldsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void EventFieldsModel::setEvent(const sigma::Event* event)
{
    beginResetModel();
    m_fields.clear();
    if (event) {
        for (const auto& f : event->fields) {
            const std::string_view name = sigma::FieldNames::text(f.name);
            const std::string_view value = event->text(f);
            m_fields.append({QString::fromUtf8(name.data(), qsizetype(name.size())),
                             QString::fromUtf8(value.data(), qsizetype(value.size()))});
        }
    }
    endResetModel();
}

QString EventFieldsModel::fieldAt(int row) const
{
    return row >= 0 && row < m_fields.size() ? m_fields.at(row).first : QString();
}

QString EventFieldsModel::valueAt(int row) const
{
    return row >= 0 && row < m_fields.size() ? m_fields.at(row).second : QString();
}

bool EventFieldsModel::isTicked(const QString& field) const
{
    return m_ticked.contains(field, Qt::CaseInsensitive);
}

QStringList EventFieldsModel::tickedFields() const
{
    QStringList out;
    for (const auto& f : m_fields)
        if (isTicked(f.first) && !out.contains(f.first, Qt::CaseInsensitive))
            out.append(f.first);
    for (const QString& t : m_ticked)
        if (!out.contains(t, Qt::CaseInsensitive))
            out.append(t);
    return out;
}

void EventFieldsModel::setTicked(const QString& field, bool ticked)
{
    if (ticked == isTicked(field))
        return;
    if (ticked)
        m_ticked.append(field);
    else
        m_ticked.removeIf([&](const QString& t) { return t.compare(field, Qt::CaseInsensitive) == 0; });
    for (int r = 0; r < m_fields.size(); ++r)
        if (m_fields.at(r).first.compare(field, Qt::CaseInsensitive) == 0)
            Q_EMIT dataChanged(index(r, FieldColumn), index(r, FieldColumn), {Qt::CheckStateRole});
    Q_EMIT tickedChanged();
}

void EventFieldsModel::clearTicks()
{
    if (m_ticked.isEmpty())
        return;
    m_ticked.clear();
    if (!m_fields.isEmpty())
        Q_EMIT dataChanged(index(0, FieldColumn), index(int(m_fields.size()) - 1, FieldColumn), {Qt::CheckStateRole});
    Q_EMIT tickedChanged();
}

int EventFieldsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size());
}

int EventFieldsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant EventFieldsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_fields.size() || index.column() >= COLUMN_COUNT)
        return {};
    const auto& f = m_fields.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return index.column() == FieldColumn ? f.first : f.second;
    if (role == Qt::CheckStateRole && index.column() == FieldColumn)
        return isTicked(f.first) ? Qt::Checked : Qt::Unchecked;
    return {};
}

bool EventFieldsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= m_fields.size() || index.column() != FieldColumn ||
        role != Qt::CheckStateRole)
        return false;
    setTicked(m_fields.at(index.row()).first, value.toInt() == Qt::Checked);
    return true;
}

QVariant EventFieldsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return section == FieldColumn ? tr("Field") : tr("Value");
    return QAbstractTableModel::headerData(section, orientation, role);
}

Qt::ItemFlags EventFieldsModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid())
        f |= Qt::ItemIsDragEnabled;
    if (index.isValid() && index.column() == FieldColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QStringList EventFieldsModel::mimeTypes() const
{
    return {QStringLiteral("text/plain")};
}

QMimeData* EventFieldsModel::mimeData(const QModelIndexList& indexes) const
{
    QStringList lines;
    QList<int> rows;
    for (const QModelIndex& i : indexes)
        if (!rows.contains(i.row()))
            rows.append(i.row());
    for (int r : rows)
        lines.append(fieldAt(r) + QLatin1String(": ") + yamlScalar(valueAt(r)));
    auto* mime = new QMimeData;
    mime->setText(lines.join(QLatin1Char('\n')));
    return mime;
}

} // namespace sigmaui
