#pragma once

// The Tests view (issue 20): the current rule's test expectations (its manifest entries, beside or
// folder manifests, SigmaHQ info) with what each expected, what the rule got and the deciding
// predicates, failing first. A click selects the test's events in the Test pane. The verdicts come
// from the live evaluation (sigma::runRuleTests, as `sigmawb test` runs them): nothing is
// re-checked here.

#include "liveevaluator.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QWidget>

#include <memory>
#include <vector>

class QDockWidget;
class QLabel;
class QTableView;

namespace sigmaui {

class WorkbenchContext;

/// One row per expectation of a rule's test result, failing (and erring) ones first.
class TestsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ResultColumn, TestColumn, ExpectedColumn, GotColumn, DecidingColumn, COLUMN_COUNT };

    using QAbstractTableModel::QAbstractTableModel;

    void setResult(std::shared_ptr<const sigma::RuleTestResult> result);
    const sigma::RuleTestResult* result() const { return m_result.get(); }
    const std::shared_ptr<const sigma::RuleTestResult>& resultPtr() const { return m_result; }
    /// The expectation of a row: its index in the group (and the result), -1 for none.
    int expectationAt(int row) const;
    int rowOf(int expectation) const;
    void setColors(const QColor& passed, const QColor& failed);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const sigma::RuleTestResult> m_result;
    std::vector<int> m_order; ///< row -> expectation
    QColor m_passed, m_failed;
};

class TestsView : public QWidget {
    Q_OBJECT
public:
    explicit TestsView(WorkbenchContext* context, QWidget* parent = nullptr);

    /// Creates the view and its dock (tabbed with Problems).
    static TestsView* install(WorkbenchContext* context);

    TestsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QLabel* summary() const { return m_summary; }
    QDockWidget* dock() const { return m_dock; }
    /// Selects the loaded events of the row's test in the Test pane (a click does this). Returns
    /// the rows selected (empty, with a status message, when its events are not loaded).
    QList<int> selectEventsOf(int row);

protected:
    void changeEvent(QEvent* event) override;

private:
    void update();

    WorkbenchContext* m_context;
    TestsModel* m_model;
    QLabel* m_summary;
    QTableView* m_view;
    QDockWidget* m_dock = nullptr;
};

} // namespace sigmaui
