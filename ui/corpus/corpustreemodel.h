#pragma once

#include "corpusloader.h"

#include <QSortFilterProxyModel>
#include <QStandardItemModel>

namespace sigmaui {

/// The corpus as a tree: by folder (the corpus's own layout, e.g. SigmaHQ's rules/windows/...) or
/// by ATT&CK technique (id and name, then the rules tagged with it).
class CorpusTreeModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum class Grouping { ByFolder, ByTechnique };
    enum Column { NameColumn, VendorColumn, RulesColumn, LevelColumn, COLUMN_COUNT };
    enum Role {
        FileRole = Qt::UserRole + 1, ///< absolute path of a rule item
        TechniqueRole,               ///< technique id of a technique item
        KindRole,                    ///< ItemKind
        SortRole,                    ///< raw value for sorting
        SearchRole,                  ///< text the search box matches
        VendorRole,                  ///< vendor of a rule item ("Sigma", "Elastic", "Splunk")
        IdRole,                      ///< id of a rule item
    };
    enum ItemKind { FolderItem, TechniqueItem, RuleItem };

    explicit CorpusTreeModel(QObject* parent = nullptr);

    void setCorpus(CorpusPtr corpus, Grouping grouping);
    void setGrouping(Grouping grouping) { setCorpus(m_corpus, grouping); }
    Grouping grouping() const { return m_grouping; }
    CorpusPtr corpus() const { return m_corpus; }

    /// Rule items in the model (a rule tagged with two techniques counts twice by technique).
    int ruleItemCount() const;
    /// The vendors of the corpus's rules, sorted.
    QStringList vendors() const;

private:
    void buildByFolder();
    void buildByTechnique();
    QList<QStandardItem*> ruleRow(std::size_t index) const;

    CorpusPtr m_corpus;
    Grouping m_grouping = Grouping::ByFolder;
};

/// Filters the tree by a search text (title, id, file, technique id or name) and a vendor; a
/// group matching the search keeps all its rules of the vendor, a matching rule keeps its parents.
class CorpusFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit CorpusFilterProxy(QObject* parent = nullptr);
    void setSearchText(const QString& text);
    /// Only rules of this vendor (empty: every vendor).
    void setVendor(const QString& vendor);
    QString vendor() const { return m_vendor; }
    bool isFiltering() const { return !m_search.isEmpty() || !m_vendor.isEmpty(); }
    /// While filtering, a folder's or technique's rule count is of the rules shown under it (the
    /// matches), its tooltip says of how many.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool searchMatches(const QModelIndex& sourceIndex) const;
    /// Rule rows shown under a proxy index (recursively).
    int shownRules(const QModelIndex& proxyIndex) const;

    QString m_search;
    QString m_vendor;
};

} // namespace sigmaui
