#pragma once

#include "corpus/indicator.h"

#include <QAbstractTableModel>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sigmaui {

/// One indicator of the rule being edited with its figures.
struct IndicatorFigures {
    sigma::Indicator indicator;
    std::optional<std::size_t> reach;                 ///< rules of the corpus using it (none: no corpus)
    std::map<std::string, std::size_t> reachByVendor; ///< the reach split by the rules' vendor
    std::optional<std::size_t> otherRules;            ///< the same without the edited file
    std::optional<std::size_t> baseline;              ///< loaded events it matches on its own (none: no events)
    /// Events of the log source whose near-miss status removing the value would change
    /// (sigma::nearMissImpact; none: not counted)
    std::optional<std::size_t> nearMissChanges;
};

/// The Indicators pane's table: field (canonical; the written name in the tooltip), kind, value,
/// looks-for/excludes, corpus reach and baseline hits. The numbers carry a bar fraction
/// (BarRole, relative to the largest of the column) for the inline-bar delegate.
class IndicatorsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { FieldColumn, KindColumn, ValueColumn, PolarityColumn, ReachColumn, HitsColumn, COLUMN_COUNT };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< raw value
        BarRole,                     ///< 0..1 for the number columns, invalid otherwise
        LineRole,                    ///< 1-based line of the value
        ColumnRole,                  ///< 1-based UTF-8 byte column of the value
    };

    explicit IndicatorsModel(QObject* parent = nullptr);

    void setIndicators(std::vector<IndicatorFigures> rows, std::size_t corpusRules, std::size_t eventsInScope);
    /// Updates the baseline column only (rows must be the same indicators, in the same order).
    void setBaseline(const std::vector<std::size_t>& hits, std::size_t eventsInScope,
                     const std::vector<std::size_t>& nearMissChanges = {});
    void clear();

    const IndicatorFigures* figuresAt(int row) const;
    int rowOf(const QString& field, const QString& kind, const QString& value) const;
    std::size_t corpusRules() const { return m_corpusRules; }
    std::size_t eventsInScope() const { return m_eventsInScope; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void updateMaxima();

    std::vector<IndicatorFigures> m_rows;
    std::size_t m_corpusRules = 0;
    std::size_t m_eventsInScope = 0;
    std::size_t m_maxReach = 0;
    std::size_t m_maxHits = 0;
};

/// The per-vendor split of a reach ("Elastic 1, Sigma 2, Splunk 1"); empty when none.
QString reachByVendorText(const std::map<std::string, std::size_t>& reachByVendor);

/// A one-line description of an indicator's figures (for the editor's hover and tooltips).
QString indicatorFiguresText(const IndicatorFigures& f, std::size_t corpusRules, std::size_t eventsInScope);

} // namespace sigmaui
