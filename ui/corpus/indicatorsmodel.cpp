#include "indicatorsmodel.h"

#include <QBrush>
#include <QCoreApplication>
#include <QFont>

namespace sigmaui {

namespace {
QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QString kindText(const sigma::Indicator& ind)
{
    QString k = QString::fromLatin1(sigma::indicatorKindName(ind.kind));
    for (const auto& t : ind.transformations)
        k += QLatin1Char('|') + text(t);
    return k;
}
} // namespace

QString reachByVendorText(const std::map<std::string, std::size_t>& reachByVendor)
{
    QStringList parts;
    for (const auto& [vendor, n] : reachByVendor)
        parts.append(QStringLiteral("%1 %2").arg(text(vendor)).arg(n));
    return parts.join(QStringLiteral(", "));
}

QString indicatorFiguresText(const IndicatorFigures& f, std::size_t corpusRules, std::size_t eventsInScope)
{
    const sigma::Indicator& ind = f.indicator;
    QString s = QStringLiteral("%1 %2 %3")
                    .arg(ind.field.empty() ? QCoreApplication::translate("sigmaui", "(keyword)") : text(ind.field),
                         QString::fromLatin1(sigma::indicatorKindName(ind.kind)), text(ind.value));
    if (ind.excluded)
        s += QCoreApplication::translate("sigmaui", " (excluded)");
    if (f.reach)
        s += QCoreApplication::translate("sigmaui", "\nCorpus reach: %1 of %2 rules (%3 besides this one)")
                 .arg(*f.reach)
                 .arg(corpusRules)
                 .arg(f.otherRules.value_or(*f.reach));
    if (f.reach && !f.reachByVendor.empty())
        s += QCoreApplication::translate("sigmaui", "\nBy vendor: %1").arg(reachByVendorText(f.reachByVendor));
    if (!f.reach)
        s += QCoreApplication::translate("sigmaui", "\nCorpus reach: no corpus loaded");
    if (f.baseline)
        s += QCoreApplication::translate("sigmaui", "\nBaseline: hits %1 of %2 loaded events in scope")
                 .arg(*f.baseline)
                 .arg(eventsInScope);
    if (f.nearMissChanges)
        s += *f.nearMissChanges == 1
                 ? QCoreApplication::translate("sigmaui", "\nRemoving it would change 1 near miss")
                 : QCoreApplication::translate("sigmaui", "\nRemoving it would change %1 near misses")
                       .arg(*f.nearMissChanges);
    return s;
}

IndicatorsModel::IndicatorsModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void IndicatorsModel::setIndicators(std::vector<IndicatorFigures> rows, std::size_t corpusRules,
                                    std::size_t eventsInScope)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_corpusRules = corpusRules;
    m_eventsInScope = eventsInScope;
    updateMaxima();
    endResetModel();
}

void IndicatorsModel::setBaseline(const std::vector<std::size_t>& hits, std::size_t eventsInScope,
                                  const std::vector<std::size_t>& nearMissChanges)
{
    if (hits.size() != m_rows.size())
        return;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        m_rows[i].baseline = hits[i];
        if (nearMissChanges.size() == hits.size())
            m_rows[i].nearMissChanges = nearMissChanges[i];
    }
    m_eventsInScope = eventsInScope;
    updateMaxima();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, HitsColumn), index(rowCount() - 1, HitsColumn));
}

void IndicatorsModel::clear()
{
    setIndicators({}, 0, 0);
}

void IndicatorsModel::updateMaxima()
{
    m_maxReach = 0;
    m_maxHits = 0;
    for (const auto& r : m_rows) {
        m_maxReach = std::max(m_maxReach, r.reach.value_or(0));
        m_maxHits = std::max(m_maxHits, r.baseline.value_or(0));
    }
}

const IndicatorFigures* IndicatorsModel::figuresAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[std::size_t(row)] : nullptr;
}

int IndicatorsModel::rowOf(const QString& field, const QString& kind, const QString& value) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const auto& ind = m_rows[i].indicator;
        if (text(ind.field) == field && QLatin1String(sigma::indicatorKindName(ind.kind)) == kind &&
            text(ind.value) == value)
            return int(i);
    }
    return -1;
}

int IndicatorsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int IndicatorsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant IndicatorsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= COLUMN_COUNT)
        return {};
    const IndicatorFigures& f = m_rows[std::size_t(index.row())];
    const sigma::Indicator& ind = f.indicator;
    const int column = index.column();
    auto number = [&](const std::optional<std::size_t>& v, std::size_t max) -> QVariant {
        switch (role) {
        case Qt::DisplayRole:
            return v ? QVariant(QString::number(*v)) : QVariant(QStringLiteral("–"));
        case SortRole:
            return v ? qlonglong(*v) : qlonglong(-1);
        case BarRole:
            return v && max > 0 ? QVariant(double(*v) / double(max)) : QVariant(0.0);
        case Qt::TextAlignmentRole:
            return int(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    };
    if (role == LineRole)
        return ind.span.begin.line;
    if (role == ColumnRole)
        return ind.span.begin.column;
    if (role == Qt::ToolTipRole) {
        QString tip = indicatorFiguresText(f, m_corpusRules, m_eventsInScope);
        if (column == ValueColumn) // the whole value first: the cell may elide it
            tip = text(ind.value) + QStringLiteral("\n\n") + tip;
        else if (column == KindColumn) // "contains|windash" does not fit the narrow column
            tip = kindText(ind) + QStringLiteral("\n\n") + tip;
        if (!ind.writtenField.empty() && ind.writtenField != ind.field)
            tip += tr("\nWritten as %1").arg(text(ind.writtenField));
        tip += tr("\nSearch identifier: %1 · line %2").arg(text(ind.searchIdentifier)).arg(ind.span.begin.line);
        return tip;
    }
    switch (column) {
    case FieldColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return ind.field.empty() ? tr("(keyword)") : text(ind.field);
        if (role == Qt::FontRole && !ind.writtenField.empty() && ind.writtenField != ind.field) {
            QFont font;
            font.setItalic(true); // normalised from another spelling
            return font;
        }
        return {};
    case KindColumn:
        return role == Qt::DisplayRole || role == SortRole ? QVariant(kindText(ind)) : QVariant();
    case ValueColumn:
        return role == Qt::DisplayRole || role == SortRole ? QVariant(text(ind.value)) : QVariant();
    case PolarityColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return ind.excluded ? tr("excludes") : tr("looks for");
        return {};
    case ReachColumn:
        return number(f.reach, m_maxReach);
    case HitsColumn:
        return number(f.baseline, m_maxHits);
    default:
        return {};
    }
}

QVariant IndicatorsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= COLUMN_COUNT)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case FieldColumn:
            return tr("Field");
        case KindColumn:
            return tr("Kind");
        case ValueColumn:
            return tr("Value");
        case PolarityColumn:
            return tr("Use");
        case ReachColumn:
            return tr("Corpus reach");
        case HitsColumn:
            return tr("Baseline hits");
        }
    }
    if (role == Qt::ToolTipRole) {
        if (section == ReachColumn)
            return tr("Rules of the loaded corpus that use the same indicator (%1 rules loaded)").arg(m_corpusRules);
        if (section == HitsColumn)
            return tr("Loaded events of the rule's log source that the value alone matches (%1 in scope)")
                .arg(m_eventsInScope);
    }
    return {};
}

} // namespace sigmaui
