#pragma once

#include "indicatorsmodel.h"

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace sigmaui {

class BarDelegate;

/// The Indicators pane: the indicators of the rule being edited with their corpus reach and
/// baseline hits, inline bars, sortable; activating a row asks to select it in the editor.
class IndicatorsPane : public QWidget {
    Q_OBJECT
public:
    explicit IndicatorsPane(QWidget* parent = nullptr);

    IndicatorsModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    void setSummary(const QString& text);
    QString summary() const;

    /// The value column never gets narrower than this: a narrow pane scrolls instead.
    static constexpr int MinimumValueWidth = 140;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    void indicatorActivated(const sigmaui::IndicatorFigures& figures);

private:
    void fitValueColumn();

    IndicatorsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLabel* m_summary;
};

} // namespace sigmaui
