#pragma once

#include "live/correlationlive.h"

#include <QAbstractTableModel>
#include <QColor>

#include <memory>

namespace sigmaui {

/// The Correlations pane's rows (sigma::LiveCorrelation::rows): per correlation and group, its
/// window, the value against the condition, and whether it fired.
class CorrelationsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        CorrelationColumn,
        GroupColumn,
        StartColumn,
        EndColumn,
        ValueColumn,
        ConditionColumn,
        FiringColumn,
        EventsColumn,
        COLUMN_COUNT
    };
    enum Role {
        FiredRole = Qt::UserRole + 1, ///< bool
        KeyRole,                      ///< "correlation\x1fgroup": a row's identity across evaluations
    };

    explicit CorrelationsModel(QObject* parent = nullptr);

    /// New rows (null: none).
    void setCorrelation(std::shared_ptr<const sigma::LiveCorrelation> correlation);
    const std::shared_ptr<const sigma::LiveCorrelation>& correlation() const { return m_correlation; }
    const sigma::LiveCorrelationRow* rowAt(int row) const;
    /// The row with this KeyRole, or -1.
    int rowOfKey(const QString& key) const;
    int firingCount() const;
    void setColors(const QColor& fired, const QColor& missed);

    /// "gte 5", the condition of the row's correlation.
    QString conditionText(const sigma::LiveCorrelationRow& row) const;
    /// The correlation's title (its name or id when untitled).
    QString correlationTitle(std::size_t correlation) const;
    static QString groupText(const sigma::LiveCorrelationRow& row);
    static QString timeText(sigma::EventTime time);
    static QString valueText(const std::optional<double>& value);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const sigma::LiveCorrelation> m_correlation;
    QColor m_fired{0x2e, 0x7d, 0x32};
    QColor m_missed{0x75, 0x75, 0x75};
};

} // namespace sigmaui
