#include "problemsmodel.h"

#include <QApplication>
#include <QStyle>

namespace sigmaui {

ProblemsModel::ProblemsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void ProblemsModel::setProblems(QVector<Problem> problems)
{
    beginResetModel();
    m_problems = std::move(problems);
    endResetModel();
}

int ProblemsModel::errorCount() const
{
    return int(std::count_if(m_problems.begin(), m_problems.end(),
                             [](const Problem& p) { return p.severity == sigma::Severity::Error; }));
}

int ProblemsModel::warningCount() const
{
    return int(std::count_if(m_problems.begin(), m_problems.end(),
                             [](const Problem& p) { return p.severity == sigma::Severity::Warning; }));
}

int ProblemsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_problems.size());
}

int ProblemsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant ProblemsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_problems.size() || index.column() >= COLUMN_COUNT)
        return {};
    const Problem& p = m_problems.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case SeverityColumn:
            return QString::fromUtf8(sigma::severityName(p.severity));
        case LocationColumn:
            return p.line > 0 ? tr("line %1, column %2").arg(p.line).arg(p.column) : QString();
        case MessageColumn:
            return p.message;
        case CodeColumn:
            return p.code;
        case COLUMN_COUNT:
            break;
        }
        return {};
    case SortRole:
        switch (Column(index.column())) {
        case SeverityColumn:
            return int(p.severity);
        case LocationColumn:
            return p.line * 100000 + p.column;
        default:
            return data(index, Qt::DisplayRole);
        }
    case LineRole:
        return p.line;
    case ColumnRole:
        return p.column;
    case Qt::DecorationRole:
        if (index.column() == SeverityColumn) {
            const QStyle::StandardPixmap icon = p.severity == sigma::Severity::Error ? QStyle::SP_MessageBoxCritical
                                                : p.severity == sigma::Severity::Warning
                                                    ? QStyle::SP_MessageBoxWarning
                                                    : QStyle::SP_MessageBoxInformation;
            return QApplication::style()->standardIcon(icon);
        }
        return {};
    case Qt::ToolTipRole:
        return p.file.isEmpty() ? p.message
                                : QStringLiteral("%1:%2:%3: %4").arg(p.file).arg(p.line).arg(p.column).arg(p.message);
    default:
        return {};
    }
}

QVariant ProblemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case SeverityColumn:
        return tr("Severity");
    case LocationColumn:
        return tr("Location");
    case MessageColumn:
        return tr("Message");
    case CodeColumn:
        return tr("Code");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

} // namespace sigmaui
