#include "testsview.h"

#include "ruledocument.h"
#include "ruletestsupport.h"
#include "theme.h"
#include "workbenchcontext.h"

#include "validation/manifest.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace sigmaui {

namespace {
QString kindText(sigma::ExpectationKind kind)
{
    switch (kind) {
    case sigma::ExpectationKind::Match:
        return TestsModel::tr("must match");
    case sigma::ExpectationKind::NoMatch:
        return TestsModel::tr("must not match");
    case sigma::ExpectationKind::Baseline:
        return TestsModel::tr("baseline");
    }
    return {};
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}
} // namespace

void TestsModel::setResult(std::shared_ptr<const sigma::RuleTestResult> result)
{
    beginResetModel();
    m_result = std::move(result);
    m_order.clear();
    if (m_result) {
        for (std::size_t i = 0; i < m_result->expectations.size(); ++i)
            m_order.push_back(int(i));
        // Failing first (errors, then failures), each in manifest order.
        std::stable_sort(m_order.begin(), m_order.end(), [this](int a, int b) {
            auto rank = [this](int i) {
                switch (m_result->expectations[std::size_t(i)].status) {
                case sigma::ExpectationResult::Status::Error:
                    return 0;
                case sigma::ExpectationResult::Status::Failed:
                    return 1;
                case sigma::ExpectationResult::Status::Passed:
                    break;
                }
                return 2;
            };
            return rank(a) < rank(b);
        });
    }
    endResetModel();
}

int TestsModel::expectationAt(int row) const
{
    return row >= 0 && std::size_t(row) < m_order.size() ? m_order[std::size_t(row)] : -1;
}

int TestsModel::rowOf(int expectation) const
{
    const auto it = std::find(m_order.begin(), m_order.end(), expectation);
    return it == m_order.end() ? -1 : int(it - m_order.begin());
}

void TestsModel::setColors(const QColor& passed, const QColor& failed)
{
    m_passed = passed;
    m_failed = failed;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, ResultColumn), index(rowCount() - 1, ResultColumn));
}

int TestsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

int TestsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant TestsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ResultColumn:
        return tr("Result");
    case TestColumn:
        return tr("Test");
    case ExpectedColumn:
        return tr("Expected");
    case GotColumn:
        return tr("Got");
    case DecidingColumn:
        return tr("Deciding");
    default:
        return {};
    }
}

QVariant TestsModel::data(const QModelIndex& index, int role) const
{
    const int expectation = expectationAt(index.row());
    if (!m_result || expectation < 0)
        return {};
    const sigma::ExpectationResult& r = m_result->expectations[std::size_t(expectation)];
    const bool passed = r.status == sigma::ExpectationResult::Status::Passed;
    const bool error = r.status == sigma::ExpectationResult::Status::Error;
    // The first explained event's deciding predicates (a failure), or why it could not run.
    auto deciding = [&r](const QString& separator) {
        QStringList lines;
        for (const auto& d : r.diagnostics)
            lines << q(d.message);
        if (!r.why.empty())
            for (const auto& line : r.why.front().deciding)
                lines << q(line);
        return lines.join(separator);
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ResultColumn:
            return passed ? tr("pass") : error ? tr("ERROR") : tr("FAIL");
        case TestColumn:
            return tr("%1: %2").arg(kindText(r.expectation.kind), q(r.expectation.label()));
        case ExpectedColumn:
            return q(r.expected);
        case GotColumn:
            return q(r.actual);
        case DecidingColumn:
            return deciding(QStringLiteral(" · "));
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        QStringList lines{q(r.summary())};
        if (!r.expectation.path.empty())
            lines << tr("Events: %1").arg(QDir::toNativeSeparators(q(r.expectation.path)));
        for (const auto& d : r.diagnostics)
            lines << q(d.message);
        for (const auto& why : r.why) {
            lines << tr("%1 %2:").arg(q(why.event.describe()), why.matched ? tr("matched") : tr("did not match"));
            for (const auto& line : why.deciding)
                lines << QStringLiteral("  ") + q(line);
        }
        lines << tr("(click to select its events in the Test pane)");
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn && (passed ? m_passed : m_failed).isValid())
            return passed ? m_passed : m_failed;
        return {};
    case Qt::FontRole:
        if (index.column() == ResultColumn && !passed) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

TestsView::TestsView(WorkbenchContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new TestsModel(this))
    , m_summary(new QLabel(this))
    , m_view(new QTableView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary->setWordWrap(true);
    m_summary->setMinimumWidth(1);
    layout->addWidget(m_summary);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(TestsModel::ResultColumn, m_view->fontMetrics().horizontalAdvance(tr("ERROR")) + 24);
    m_view->setColumnWidth(TestsModel::TestColumn, 220);
    m_view->setColumnWidth(TestsModel::ExpectedColumn, 170);
    m_view->setColumnWidth(TestsModel::GotColumn, 170);
    layout->addWidget(m_view, 1);
    const bool dark = isDarkPalette(QApplication::palette());
    m_model->setColors(verdictGreen(dark), verdictRed(dark));
    // A click (or Enter) selects the events; an update of the results never moves the selection.
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex& index) { selectEventsOf(index.row()); });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex& index) { selectEventsOf(index.row()); });
    connect(context, &WorkbenchContext::resultShown, this, &TestsView::update);
    connect(context, &WorkbenchContext::currentDocumentChanged, this, &TestsView::update);
    update();
}

TestsView* TestsView::install(WorkbenchContext* context)
{
    auto* view = new TestsView(context, context->window());
    auto* dock = new QDockWidget(tr("Tests"), context->window());
    dock->setObjectName(QStringLiteral("testsDock"));
    dock->setWidget(view);
    WorkbenchContext::DockPlacement placement;
    placement.area = Qt::BottomDockWidgetArea;
    placement.tabifyWith = context->dock(WorkbenchContext::DockRole::Problems);
    placement.splitFrom = placement.tabifyWith ? nullptr : context->dock(WorkbenchContext::DockRole::Test);
    context->addDock(dock, WorkbenchContext::DockRole::Other, placement);
    view->m_dock = dock;
    view->update();
    return view;
}

void TestsView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        const bool dark = isDarkPalette(palette());
        m_model->setColors(verdictGreen(dark), verdictRed(dark));
    }
}

void TestsView::update()
{
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    const EvaluationPtr good = document ? document->evaluator()->lastGoodResult() : nullptr;
    // While the text does not compile, the last good version's results (the summary says so).
    const bool stale = last && !last->tests && good && good->tests;
    std::shared_ptr<const sigma::RuleTestResult> result = stale ? good->tests : last ? last->tests : nullptr;
    if (result != m_model->resultPtr()) {
        const int current = m_model->expectationAt(m_view->currentIndex().row());
        m_model->setResult(result);
        if (const int row = m_model->rowOf(current); row >= 0)
            m_view->setCurrentIndex(m_model->index(row, 0));
    }
    const std::size_t failing = result ? result->failures() + result->errorCount() : 0;
    QString text;
    if (!document)
        text = tr("No rule.");
    else if (!result)
        text = document->path().isEmpty()
                   ? tr("Save the rule to give it tests: they are kept beside the rule file.")
                   : tr("No tests for this rule: mark events in the Test pane (Must match, Must not match, "
                        "Baseline) or add a *.tests.yml manifest.");
    else {
        text = testSummaryText(result.get());
        if (!result->errors.empty())
            text += QStringLiteral(" — ") + testDetailsText(*result).section(QLatin1Char('\n'), 0, 0);
        if (stale)
            text += tr(" (the last version that compiled)");
        if (!result->manifest.empty())
            text += tr(" · %1").arg(QDir::toNativeSeparators(q(result->manifest)));
    }
    m_summary->setText(text);
    if (m_dock)
        m_dock->setWindowTitle(failing ? tr("Tests (%1 failing)").arg(failing) : tr("Tests"));
}

QList<int> TestsView::selectEventsOf(int row)
{
    RuleDocument* document = m_context->currentDocument();
    const TestSetPtr tests = document ? document->evaluator()->tests() : nullptr;
    const int expectation = m_model->expectationAt(row);
    const EventListPtr events = m_context->events();
    if (!tests || expectation < 0 || !m_model->result())
        return {};
    const sigma::ExpectationResult& r = m_model->result()->expectations[std::size_t(expectation)];
    // A failure: the events that went against it; a pass: the test's events.
    std::vector<sigma::EventRef> refs;
    for (const auto& why : r.why)
        refs.push_back(why.event);
    const QList<int> rows = events ? loadedEventsOf(*tests, std::size_t(expectation), refs, *events) : QList<int>{};
    if (rows.isEmpty()) {
        m_context->showStatus(
            tr("The events of this test are not loaded (%1): load them to see them in the Test pane.")
                .arg(r.expectation.path.empty()
                         ? tr("embedded in %1").arg(QDir::toNativeSeparators(q(tests->group.manifest)))
                         : QDir::toNativeSeparators(q(r.expectation.path))),
            6000);
        return {};
    }
    m_context->selectEvents(rows);
    return rows;
}

} // namespace sigmaui
