#pragma once

#include "corpus/technique.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <filesystem>
#include <memory>
#include <vector>

namespace sigmaui {

using TechniquePagePtr = std::shared_ptr<const sigma::TechniquePage>;

/// One table of a technique page (events, fields, indicators or rules) as a sortable table model
/// with a raw sort role and, for counts, a bar fraction for the inline-bar delegate.
class TechniqueTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class Table { Events, Fields, Indicators, Rules };
    enum Role {
        SortRole = Qt::UserRole + 1,
        BarRole,    ///< 0..1 for count columns
        FileRole,   ///< Rules table: absolute path of the rule
        RuleIdRole, ///< Rules table: the rule's id
    };

    TechniqueTableModel(Table table, QObject* parent = nullptr);

    /// `corpusRoot` turns the page's relative rule paths into absolute ones.
    void setPage(TechniquePagePtr page, const std::filesystem::path& corpusRoot = {});
    Table table() const { return m_table; }
    /// Column index of a header (e.g. "Corpus reach"); -1 when absent.
    int columnOf(const QString& header) const;
    /// Tab-separated text of rows (with the header line), for the clipboard.
    QString toTsv(const QModelIndexList& indexes) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Cell {
        QString text;
        QVariant sort;
        double bar = -1; ///< < 0: no bar
        QString toolTip;
    };
    struct Row {
        std::vector<Cell> cells;
        QString file;
        QString id;
    };
    void build(const sigma::TechniquePage& page, const std::filesystem::path& root);

    Table m_table;
    QStringList m_headers;
    std::vector<Row> m_rows;
};

} // namespace sigmaui
