#include "testpane.h"

#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "nearmissfilter.h"
#include "security5156switch.h"

#include "validation/manifest.h"

#include <QAction>
#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <optional>

namespace sigmaui {

QSize ElidedLabel::minimumSizeHint() const
{
    return {1, QLabel::minimumSizeHint().height()};
}

void ElidedLabel::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect r = contentsRect();
    painter.setPen(palette().color(foregroundRole()));
    painter.drawText(r, int(alignment()), fontMetrics().elidedText(text(), Qt::ElideRight, r.width()));
}

TestPane::TestPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new EventsModel(this))
    , m_proxy(new EventsFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_matchesOnly(new QCheckBox(tr("Matches only"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_marksProgress(new QProgressBar(this))
    , m_eventSets(new ElidedLabel(this))
    , m_translate5156(new Security5156Switch(this))
    , m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(3);
    auto* bar = new QHBoxLayout;
    m_filter->setPlaceholderText(tr("Filter events (any field value)…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this); // the window's Ctrl+letter shortcuts work from the filter
    auto* loadButton = new QToolButton(this);
    loadButton->setText(tr("Load Events…"));
    loadButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->hide();
    m_cancel->setText(tr("Cancel"));
    m_cancel->hide();
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_matchesOnly);
    bar->addWidget(m_progress);
    bar->addWidget(m_cancel);
    bar->addWidget(loadButton);
    layout->addLayout(bar);

    // Marking the selected events as the rule's tests (saved beside the rule); the loaded event
    // sets share the row (elided) so the table keeps the height (issue 20: ≥ 8 rows at 1280 x 800).
    auto* marks = new QHBoxLayout;
    marks->addWidget(new QLabel(tr("Mark:"), this));
    auto addMark = [this, marks](const QString& text, const QString& tip, int kind) {
        auto* action = new QAction(text, this);
        action->setToolTip(tip);
        connect(action, &QAction::triggered, this, [this, kind] { Q_EMIT markRequested(kind); });
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        marks->addWidget(button);
        return action;
    };
    m_markActions = {
        addMark(tr("Must match"), tr("The rule must match the selected events"), int(sigma::ExpectationKind::Match)),
        addMark(tr("Must not match"), tr("The rule must not match the selected events"),
                int(sigma::ExpectationKind::NoMatch)),
        addMark(tr("Baseline"), tr("Add the selected events to the rule's baseline (no hits allowed)"),
                int(sigma::ExpectationKind::Baseline)),
        addMark(tr("Unmark"), tr("Remove the selected events from the rule's tests"), -1)};
    for (int kind = 0; kind < 3; ++kind)
        m_markActions[kind]->setCheckable(true);
    m_eventSets->setTextFormat(Qt::PlainText);
    m_eventSets->hide();
    marks->addSpacing(8);
    marks->addWidget(m_eventSets, 1);
    m_marksProgress->setRange(0, 1000);
    m_marksProgress->setMaximumWidth(220);
    m_marksProgress->setFormat(tr("Test marks — %p%"));
    m_marksProgress->hide();
    marks->addWidget(m_marksProgress);
    layout->addLayout(marks);

    // Security 5156 read as network connections (issue 21): remembered per workspace.
    layout->addWidget(m_translate5156);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(EventsModel::TimeColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions(m_markActions);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(EventsModel::DetailColumn, QHeaderView::Stretch);
    // The columns are fitted to the pane's width (layoutColumns): nothing to scroll sideways.
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->viewport()->installEventFilter(this);
    m_view->setTextElideMode(Qt::ElideMiddle); // paths and command lines: both ends say most
    // The verdict and the test mark are what the pane is for: both first, never scrolled away.
    m_view->horizontalHeader()->moveSection(EventsModel::TestColumn, EventsModel::VerdictColumn + 1);
    layout->addWidget(m_view, 1);
    m_nearMisses = new NearMissFilter(m_model, m_proxy, m_view, this);
    bar->insertWidget(bar->indexOf(m_matchesOnly) + 1, m_nearMisses->checkBox());
    connect(m_nearMisses->checkBox(), &QCheckBox::toggled, this, &TestPane::layoutColumns);

    connect(m_model, &EventsModel::verdictsChanged, this, &TestPane::repaintChangedRows);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &EventsFilterProxy::setFilterText);
    connect(m_matchesOnly, &QCheckBox::toggled, m_proxy, &EventsFilterProxy::setMatchesOnly);
    connect(loadButton, &QToolButton::clicked, this, &TestPane::loadRequested);
    connect(m_cancel, &QToolButton::clicked, this, &TestPane::cancelRequested);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const int row = current.isValid() ? m_proxy->mapToSource(current).row() : -1;
                if (row == m_selected)
                    return;
                m_selected = row;
                Q_EMIT eventSelected(row);
            });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TestPane::updateMarkActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TestPane::updateMarkActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TestPane::updateMarkActions);
    updateMarkActions();
}

void TestPane::repaintChangedRows()
{
    // Only the rows shown whose look changed (verdict, bold, greyed) are repainted: after an edit
    // of a rule over many events, few of the rows on screen change. When the proxy filters or
    // sorts by verdict, its dataChanged repaints what it moved.
    QWidget* viewport = m_view->viewport();
    const int top = m_view->rowAt(0);
    if (top < 0)
        return;
    int bottom = m_view->rowAt(viewport->height() - 1);
    if (bottom < 0)
        bottom = m_proxy->rowCount() - 1;
    QRegion dirty;
    for (int row = top; row <= bottom; ++row)
        if (m_model->lookChanged(m_proxy->mapToSource(m_proxy->index(row, 0)).row()))
            dirty += QRect(0, m_view->rowViewportPosition(row), viewport->width(), m_view->rowHeight(row));
    if (!dirty.isEmpty())
        viewport->update(dirty);
}

void TestPane::updateMarkActions()
{
    // The selected events' mark is checked (when they share one); Unmark needs a marked event.
    std::optional<int> shared;
    bool mixed = false;
    bool anyMarked = false;
    for (int row : selectedEvents()) {
        const int mark = m_model->testMark(row);
        anyMarked = anyMarked || mark >= 0;
        if (shared && *shared != mark)
            mixed = true;
        shared = mark;
    }
    for (int kind = 0; kind < 3; ++kind)
        m_markActions[kind]->setChecked(!mixed && shared && *shared == kind);
    m_markActions[3]->setEnabled(anyMarked);
}

bool TestPane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        layoutColumns();
    if (watched == m_filter && event->type() == QEvent::ShortcutOverride) {
        // A line edit claims Ctrl+E (end of line), Ctrl+K, Ctrl+H... as editing keys; leave the
        // ones that are not text editing to the window (Ctrl+E loads events).
        auto* key = static_cast<QKeyEvent*>(event);
        const bool editing =
            key->matches(QKeySequence::Copy) || key->matches(QKeySequence::Cut) || key->matches(QKeySequence::Paste) ||
            key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo) ||
            key->matches(QKeySequence::SelectAll) || key->matches(QKeySequence::DeleteStartOfWord) ||
            key->matches(QKeySequence::DeleteEndOfWord) || key->matches(QKeySequence::MoveToNextWord) ||
            key->matches(QKeySequence::MoveToPreviousWord) || key->matches(QKeySequence::SelectNextWord) ||
            key->matches(QKeySequence::SelectPreviousWord);
        if ((key->modifiers() & Qt::ControlModifier) && !editing && key->key() >= Qt::Key_A &&
            key->key() <= Qt::Key_Z) {
            event->ignore();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

QList<int> TestPane::selectedEvents() const
{
    QList<int> rows;
    for (const QModelIndex& proxy : m_view->selectionModel()->selectedRows())
        rows << m_proxy->mapToSource(proxy).row();
    if (rows.isEmpty() && m_selected >= 0)
        rows << m_selected;
    return rows;
}

void TestPane::selectEvent(int eventIndex)
{
    const QModelIndex proxy = m_proxy->mapFromSource(m_model->index(eventIndex, 0));
    m_selected = eventIndex; // before the view's signal, which then reports no change
    if (proxy.isValid())
        m_view->selectionModel()->setCurrentIndex(proxy,
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    Q_EMIT eventSelected(eventIndex);
}

void TestPane::selectEvents(const QList<int>& eventIndexes)
{
    if (eventIndexes.isEmpty())
        return;
    selectEvent(eventIndexes.first());
    QItemSelection selection;
    for (const int row : eventIndexes) {
        const QModelIndex proxy = m_proxy->mapFromSource(m_model->index(row, 0));
        if (proxy.isValid())
            selection.select(proxy, proxy);
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    scrollToSelected();
}

void TestPane::scrollToSelected()
{
    m_view->scrollTo(m_view->currentIndex());
}

void TestPane::fitColumns()
{
    for (int column : {int(EventsModel::TimeColumn), int(EventsModel::EventIdColumn), int(EventsModel::SourceColumn)}) {
        m_view->resizeColumnToContents(column);
        m_natural[column] = qMax(40, m_view->columnWidth(column));
    }
    layoutColumns();
}

void TestPane::layoutColumns()
{
    // Match and Test are what the pane is for: always their full width. The others share what
    // is left, giving up room in turn (their text elided) when the pane is narrow; Detail stretches.
    QHeaderView* header = m_view->horizontalHeader();
    QFont bold = m_view->font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    const int padding = 2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 14;
    auto headerWidth = [this, header](int column) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        return header->fontMetrics().horizontalAdvance(title) +
               2 * header->style()->pixelMetric(QStyle::PM_HeaderMargin) + 16; // the sort arrow
    };
    const int verdict =
        qMax(headerWidth(EventsModel::VerdictColumn), boldMetrics.horizontalAdvance(QStringLiteral("✓")) + padding);
    const int test = qMax(headerWidth(EventsModel::TestColumn),
                          boldMetrics.horizontalAdvance(tr("must not match") + tr(" · FAIL")) + padding);
    // Each shown column at its natural width less what it gives up, down to its least: the source
    // file gives up room first, the event id last; Match, Test and Near miss (while the near-miss
    // filter shows it, at the width the filter or the user gave it) give up none.
    struct Share {
        int column;
        int natural;
        int least;
    };
    auto natural = [this](int column, int fallback) { return qMin(m_natural.value(column, fallback), 2 * fallback); };
    const int nearMiss = m_view->columnWidth(EventsModel::NearMissColumn);
    const Share shares[] = {{EventsModel::VerdictColumn, verdict, verdict},
                            {EventsModel::TestColumn, test, test},
                            {EventsModel::NearMissColumn, nearMiss, nearMiss},
                            {EventsModel::SourceColumn, natural(EventsModel::SourceColumn, 90), 0},
                            {EventsModel::ProviderColumn, 100, 40},
                            {EventsModel::ProcessColumn, 200, 60},
                            {EventsModel::TimeColumn, natural(EventsModel::TimeColumn, 90), 60},
                            {EventsModel::EventIdColumn, natural(EventsModel::EventIdColumn, 40), 40}};
    const int detail = qMax(100, m_view->viewport()->width() / 4); // the command line, what tells events apart
    int excess = detail - m_view->viewport()->width();
    for (const Share& s : shares)
        if (!m_view->isColumnHidden(s.column))
            excess += s.natural;
    for (const Share& s : shares) {
        if (m_view->isColumnHidden(s.column))
            continue;
        const int give = qBound(0, excess, s.natural - s.least);
        excess -= give;
        m_view->setColumnWidth(s.column, s.natural - give);
    }
}

void TestPane::setLoading(bool loading)
{
    if (loading) {
        m_progress->setValue(0);
        m_progress->setFormat(tr("Loading — %p%"));
    }
    m_progress->setVisible(loading);
    m_cancel->setVisible(loading);
}

void TestPane::setLoadProgress(int permille, const QString& file)
{
    m_progress->setValue(permille);
    if (!file.isEmpty())
        m_progress->setFormat(tr("%1 — %p%").arg(QFileInfo(file).fileName()));
}

void TestPane::setMarksProgress(int permille)
{
    m_marksProgress->setVisible(permille >= 0);
    if (permille >= 0)
        m_marksProgress->setValue(permille);
}

void TestPane::setEventSets(const QString& summary, const QString& files)
{
    m_eventSets->setText(summary);
    m_eventSets->setToolTip(files);
    m_eventSets->setVisible(!summary.isEmpty());
}

void TestPane::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void TestPane::setColors(const QColor& matched, const QColor& failed)
{
    m_model->setColors(matched, failed);
}

} // namespace sigmaui
