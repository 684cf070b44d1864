#pragma once

#include "util/diagnostic.h"

#include <QAbstractTableModel>

namespace sigmaui {

/// A diagnostic as the GUI shows it: columns converted to characters of the editor's line.
struct Problem {
    sigma::Severity severity = sigma::Severity::Error;
    QString code;
    QString message;
    QString file;
    int line = 0;   ///< 1-based, 0 unknown
    int column = 0; ///< 1-based characters
    int endLine = 0;
    int endColumn = 0; ///< exclusive
};

/// The Problems pane: the current rule's diagnostics (parser, compiler, events).
class ProblemsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SeverityColumn, LocationColumn, MessageColumn, CodeColumn, COLUMN_COUNT };
    enum Role { SortRole = Qt::UserRole + 1, LineRole, ColumnRole };

    explicit ProblemsModel(QObject* parent = nullptr);

    void setProblems(QVector<Problem> problems);
    const QVector<Problem>& problems() const { return m_problems; }
    int errorCount() const;
    int warningCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<Problem> m_problems;
};

} // namespace sigmaui
