#include "techniquemodel.h"

#include <QDir>

#include <map>
#include <set>

namespace sigmaui {

namespace {
QString text(const std::string& s)
{
    return QString::fromStdString(s);
}
QString joined(const std::vector<std::string>& v, const QString& sep)
{
    QStringList l;
    for (const auto& s : v)
        l.append(text(s));
    return l.join(sep);
}
} // namespace

TechniqueTableModel::TechniqueTableModel(Table table, QObject* parent)
    : QAbstractTableModel(parent)
    , m_table(table)
{
    switch (table) {
    case Table::Events:
        m_headers = {tr("Provider"), tr("Event ID"), tr("Event")};
        break;
    case Table::Fields:
        m_headers = {tr("Field"), tr("Rules"), tr("How"), tr("Sample values")};
        break;
    case Table::Indicators:
        m_headers = {tr("Field"), tr("Kind"), tr("Value"), tr("Rules here"), tr("Corpus reach"), tr("Use")};
        break;
    case Table::Rules:
        m_headers = {tr("Vendor"), tr("Rule"), tr("Level"), tr("File"), tr("Looks for"), tr("Excludes")};
        break;
    }
}

void TechniqueTableModel::setPage(TechniquePagePtr page, const std::filesystem::path& corpusRoot)
{
    beginResetModel();
    m_rows.clear();
    if (page)
        build(*page, corpusRoot);
    endResetModel();
}

void TechniqueTableModel::build(const sigma::TechniquePage& page, const std::filesystem::path& root)
{
    auto count = [](std::size_t n, std::size_t max) {
        return Cell{QString::number(n), qlonglong(n), max ? double(n) / double(max) : 0.0, {}};
    };
    auto plain = [](const QString& s, const QString& tip = {}) { return Cell{s, s.toLower(), -1, tip}; };
    switch (m_table) {
    case Table::Events:
        for (const auto& e : page.events)
            m_rows.push_back({{plain(text(e.shortProvider()), text(e.provider)),
                               Cell{QString::number(e.eventId), qlonglong(e.eventId), -1, {}}, plain(text(e.title))},
                              {}});
        break;
    case Table::Fields: {
        std::size_t max = 0;
        for (const auto& f : page.fields)
            max = std::max(max, f.rules);
        for (const auto& f : page.fields) {
            QStringList how;
            for (const auto& [kind, n] : f.how)
                how.append(QStringLiteral("%1 %2").arg(text(kind)).arg(n));
            m_rows.push_back(
                {{plain(text(f.field)), count(f.rules, max), plain(how.join(QStringLiteral(", "))),
                  plain(joined(f.samples, QStringLiteral(" · ")), joined(f.samples, QStringLiteral("\n")))},
                 {}});
        }
        break;
    }
    case Table::Indicators: {
        std::size_t maxHere = 0, maxReach = 0;
        for (const auto& i : page.indicators) {
            maxHere = std::max(maxHere, i.rulesHere);
            maxReach = std::max(maxReach, i.corpusReach);
        }
        for (const auto& i : page.indicators) {
            QString kind = QString::fromLatin1(sigma::indicatorKindName(i.kind));
            for (const auto& t : i.transformations)
                kind += QLatin1Char('|') + text(t);
            Cell reach = count(i.corpusReach, maxReach);
            if (i.specificHere)
                reach.toolTip = tr("Every rule using it is tagged with this technique");
            m_rows.push_back({{plain(text(i.field)), plain(kind), plain(text(i.value)), count(i.rulesHere, maxHere),
                               reach, plain(i.excluded ? tr("excludes") : tr("looks for"))},
                              {}});
        }
        break;
    }
    case Table::Rules:
        for (const auto& r : page.rules) {
            std::filesystem::path file(r.file);
            if (file.is_relative() && !root.empty())
                file = root / file;
            m_rows.push_back(
                {{plain(text(r.vendor)), plain(text(r.title), text(r.id)), plain(text(r.level)), plain(text(r.file)),
                  plain(joined(r.looksFor, QStringLiteral("; ")), joined(r.looksFor, QStringLiteral("\n"))),
                  plain(joined(r.excludes, QStringLiteral("; ")), joined(r.excludes, QStringLiteral("\n")))},
                 QDir::cleanPath(QString::fromStdString(file.string())),
                 text(r.id)});
        }
        break;
    }
}

int TechniqueTableModel::columnOf(const QString& header) const
{
    return int(m_headers.indexOf(header));
}

QString TechniqueTableModel::toTsv(const QModelIndexList& indexes) const
{
    std::map<int, std::map<int, QString>> cells;
    for (const QModelIndex& i : indexes)
        if (i.isValid() && i.model() == this)
            cells[i.row()][i.column()] = data(i).toString();
    if (cells.empty())
        return {};
    std::set<int> columns;
    for (const auto& [row, cols] : cells)
        for (const auto& [c, v] : cols)
            columns.insert(c);
    QStringList lines;
    QStringList header;
    for (int c : columns)
        header.append(m_headers.value(c));
    lines.append(header.join(QLatin1Char('\t')));
    for (const auto& [row, cols] : cells) {
        QStringList line;
        for (int c : columns) {
            auto it = cols.find(c);
            line.append(it == cols.end() ? QString()
                                         : QString(it->second).replace(QLatin1Char('\t'), QLatin1Char(' ')));
        }
        lines.append(line.join(QLatin1Char('\t')));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

int TechniqueTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TechniqueTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant TechniqueTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    if (std::size_t(index.column()) >= row.cells.size())
        return {};
    const Cell& cell = row.cells[std::size_t(index.column())];
    switch (role) {
    case Qt::DisplayRole:
        return cell.text;
    case Qt::ToolTipRole:
        return cell.toolTip.isEmpty() ? QVariant() : QVariant(cell.toolTip);
    case SortRole:
        return cell.sort;
    case BarRole:
        return cell.bar >= 0 ? QVariant(cell.bar) : QVariant();
    case FileRole:
        return row.file.isEmpty() ? QVariant() : QVariant(row.file);
    case RuleIdRole:
        return row.id.isEmpty() ? QVariant() : QVariant(row.id);
    case Qt::TextAlignmentRole:
        return cell.bar >= 0 ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    default:
        return {};
    }
}

QVariant TechniqueTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < m_headers.size())
        return m_headers.at(section);
    return {};
}

} // namespace sigmaui
