#include "corpustreemodel.h"

#include "rule/attack.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <filesystem>
#include <set>

namespace sigmaui {

namespace {
int levelRank(const std::string& level)
{
    if (level == "critical")
        return 5;
    if (level == "high")
        return 4;
    if (level == "medium")
        return 3;
    if (level == "low")
        return 2;
    if (level == "informational")
        return 1;
    return 0;
}

QStandardItem* groupItem(const QString& text, CorpusTreeModel::ItemKind kind, const QString& search)
{
    auto* item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(kind, CorpusTreeModel::KindRole);
    item->setData(text.toLower(), CorpusTreeModel::SortRole);
    item->setData(search, CorpusTreeModel::SearchRole);
    return item;
}

QStandardItem* countItem(int count)
{
    auto* item = new QStandardItem(QString::number(count));
    item->setEditable(false);
    item->setData(count, CorpusTreeModel::SortRole);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

/// Sets the Rules column of every group to the number of rules below it.
int fillCounts(QStandardItem* parent)
{
    int total = 0;
    for (int r = 0; r < parent->rowCount(); ++r) {
        QStandardItem* child = parent->child(r, 0);
        if (child->data(CorpusTreeModel::KindRole).toInt() == CorpusTreeModel::RuleItem) {
            ++total;
            continue;
        }
        const int n = fillCounts(child);
        parent->setChild(r, CorpusTreeModel::RulesColumn, countItem(n));
        total += n;
    }
    return total;
}
} // namespace

CorpusTreeModel::CorpusTreeModel(QObject* parent)
    : QStandardItemModel(parent)
{
    setColumnCount(COLUMN_COUNT);
    setHorizontalHeaderLabels({tr("Rule"), tr("Vendor"), tr("Rules"), tr("Level")});
    setSortRole(SortRole);
}

QList<QStandardItem*> CorpusTreeModel::ruleRow(std::size_t index) const
{
    const sigma::CorpusRule& r = m_corpus->rules()[index];
    std::filesystem::path file(r.file);
    if (file.is_relative())
        file = m_corpus->root() / file;
    QString techniques;
    for (const auto& t : r.techniques)
        techniques += QString::fromStdString(t) + QLatin1Char(' ');
    const QString title = QString::fromStdString(r.title.empty() ? r.relativePath : r.title);
    auto* name = new QStandardItem(title);
    name->setEditable(false);
    name->setData(RuleItem, KindRole);
    name->setData(QDir::cleanPath(QString::fromStdString(file.string())), FileRole);
    name->setData(title.toLower(), SortRole);
    const QString vendorName = QString::fromStdString(r.vendor);
    name->setData(vendorName, VendorRole);
    name->setData(QString::fromStdString(r.id), IdRole);
    name->setData(
        QStringList{title, QString::fromStdString(r.id), QString::fromStdString(r.relativePath), techniques}.join(
            QLatin1Char(' ')),
        SearchRole);
    name->setToolTip(tr("%1\n%2 · %3\nid %4%5\nDouble-click for the rule page.")
                         .arg(title, vendorName, QString::fromStdString(r.relativePath), QString::fromStdString(r.id),
                              techniques.isEmpty() ? QString() : QStringLiteral("\n") + techniques.trimmed()));
    auto* vendor = new QStandardItem(vendorName);
    vendor->setEditable(false);
    vendor->setData(vendorName.toLower(), SortRole);
    if (!r.queryAnalysed)
        vendor->setToolTip(tr("%1 rule: query not analysed").arg(vendorName));
    auto* rules = new QStandardItem;
    rules->setEditable(false);
    rules->setData(0, SortRole);
    auto* level = new QStandardItem(QString::fromStdString(r.level));
    level->setEditable(false);
    level->setData(levelRank(r.level), SortRole);
    return {name, vendor, rules, level};
}

void CorpusTreeModel::setCorpus(CorpusPtr corpus, Grouping grouping)
{
    beginResetModel();
    blockSignals(true);
    m_corpus = std::move(corpus);
    m_grouping = grouping;
    removeRows(0, rowCount());
    if (m_corpus) {
        if (grouping == Grouping::ByFolder)
            buildByFolder();
        else
            buildByTechnique();
        fillCounts(invisibleRootItem());
    }
    blockSignals(false);
    endResetModel();
}

void CorpusTreeModel::buildByFolder()
{
    QHash<QString, QStandardItem*> folders;
    auto folderFor = [&](const QString& dir) {
        QStandardItem* parent = invisibleRootItem();
        QString path;
        const QStringList parts = dir.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        for (const QString& part : parts) {
            path += QLatin1Char('/') + part;
            auto it = folders.find(path);
            if (it == folders.end()) {
                QStandardItem* item = groupItem(part, FolderItem, path);
                item->setToolTip(path.mid(1));
                parent->appendRow({item, new QStandardItem, countItem(0), new QStandardItem});
                it = folders.insert(path, item);
            }
            parent = *it;
        }
        return parent;
    };
    const auto& rules = m_corpus->rules();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const QString rel = QString::fromStdString(rules[i].relativePath);
        const int slash = int(rel.lastIndexOf(QLatin1Char('/')));
        folderFor(slash > 0 ? rel.left(slash) : QString())->appendRow(ruleRow(i));
    }
}

void CorpusTreeModel::buildByTechnique()
{
    std::map<std::string, std::vector<std::uint32_t>> byTechnique;
    std::vector<std::uint32_t> untagged;
    const auto& rules = m_corpus->rules();
    for (std::uint32_t i = 0; i < rules.size(); ++i) {
        if (rules[i].techniques.empty())
            untagged.push_back(i);
        for (const auto& t : rules[i].techniques)
            byTechnique[t].push_back(i);
    }
    for (const auto& [id, list] : byTechnique) {
        const QString qid = QString::fromStdString(id);
        const QString name = QString::fromStdString(sigma::attack::techniqueName(id));
        QStandardItem* item = groupItem(name.isEmpty() ? qid : qid + QStringLiteral("  ") + name, TechniqueItem,
                                        qid + QLatin1Char(' ') + name);
        item->setData(qid, TechniqueRole);
        item->setData(qid, SortRole);
        if (const auto* t = sigma::attack::findTechnique(id)) {
            QStringList tactics;
            for (const auto& tactic : t->tactics)
                if (const auto* ta = sigma::attack::findTactic(tactic))
                    tactics.append(QString::fromStdString(ta->name));
            item->setToolTip(tr("%1 %2\nTactics: %3\nDouble-click for the technique page.")
                                 .arg(qid, name, tactics.join(QStringLiteral(", "))));
        } else {
            item->setToolTip(tr("%1: not in the ATT&CK table").arg(qid));
        }
        for (std::uint32_t r : list)
            item->appendRow(ruleRow(r));
        appendRow({item, new QStandardItem, countItem(0), new QStandardItem});
    }
    if (!untagged.empty()) {
        QStandardItem* item = groupItem(tr("(no technique tag)"), FolderItem, QString());
        item->setData(QStringLiteral("~"), SortRole);
        for (std::uint32_t r : untagged)
            item->appendRow(ruleRow(r));
        appendRow({item, new QStandardItem, countItem(0), new QStandardItem});
    }
}

int CorpusTreeModel::ruleItemCount() const
{
    int n = 0;
    for (int r = 0; r < rowCount(); ++r)
        n += item(r, RulesColumn) ? item(r, RulesColumn)->data(SortRole).toInt() : 0;
    return n;
}

QStringList CorpusTreeModel::vendors() const
{
    std::set<std::string> names;
    if (m_corpus)
        for (const auto& r : m_corpus->rules())
            names.insert(r.vendor);
    QStringList list;
    for (const auto& n : names)
        list.append(QString::fromStdString(n));
    return list;
}

CorpusFilterProxy::CorpusFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true); // a group stays when one of its rules does
    setSortRole(CorpusTreeModel::SortRole);
    setFilterKeyColumn(CorpusTreeModel::NameColumn);
}

void CorpusFilterProxy::setSearchText(const QString& text)
{
    m_search = text.trimmed();
    invalidateFilter();
    if (rowCount() > 0) // the groups' counts follow the filter
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void CorpusFilterProxy::setVendor(const QString& vendor)
{
    m_vendor = vendor;
    invalidateFilter();
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int CorpusFilterProxy::shownRules(const QModelIndex& proxyIndex) const
{
    int n = 0;
    for (int r = 0; r < rowCount(proxyIndex); ++r) {
        const QModelIndex child = index(r, CorpusTreeModel::NameColumn, proxyIndex);
        n += child.data(CorpusTreeModel::KindRole).toInt() == CorpusTreeModel::RuleItem ? 1 : shownRules(child);
    }
    return n;
}

QVariant CorpusFilterProxy::data(const QModelIndex& proxyIndex, int role) const
{
    if (isFiltering() && proxyIndex.column() == CorpusTreeModel::RulesColumn &&
        (role == Qt::DisplayRole || role == CorpusTreeModel::SortRole || role == Qt::ToolTipRole)) {
        const QModelIndex name = proxyIndex.siblingAtColumn(CorpusTreeModel::NameColumn);
        if (name.data(CorpusTreeModel::KindRole).toInt() != CorpusTreeModel::RuleItem) {
            const int shown = shownRules(name);
            if (role == Qt::ToolTipRole)
                return tr("%1 of %2 rules match")
                    .arg(shown)
                    .arg(QSortFilterProxyModel::data(proxyIndex, CorpusTreeModel::SortRole).toInt());
            return role == Qt::DisplayRole ? QVariant(QString::number(shown)) : QVariant(shown);
        }
    }
    return QSortFilterProxyModel::data(proxyIndex, role);
}

bool CorpusFilterProxy::searchMatches(const QModelIndex& sourceIndex) const
{
    return sourceIndex.data(CorpusTreeModel::SearchRole).toString().contains(m_search, Qt::CaseInsensitive);
}

bool CorpusFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, CorpusTreeModel::NameColumn, sourceParent);
    if (index.data(CorpusTreeModel::KindRole).toInt() != CorpusTreeModel::RuleItem) {
        // A group is kept for its rules (recursive filtering); with no vendor chosen, an empty
        // group whose name matches the search stays too.
        return m_vendor.isEmpty() && !m_search.isEmpty() && searchMatches(index) && !sourceModel()->hasChildren(index);
    }
    if (!m_vendor.isEmpty() && index.data(CorpusTreeModel::VendorRole).toString() != m_vendor)
        return false;
    if (m_search.isEmpty())
        return true;
    for (QModelIndex i = index; i.isValid(); i = i.parent()) // the rule, or a group above it
        if (searchMatches(i))
            return true;
    return false;
}

} // namespace sigmaui
