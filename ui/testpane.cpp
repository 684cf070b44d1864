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
#include <QProgressBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <optional>

namespace sigmaui {

TestPane::TestPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new EventsModel(this))
    , m_proxy(new EventsFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_matchesOnly(new QCheckBox(tr("Matches only"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_marksProgress(new QProgressBar(this))
    , m_eventSets(new QLabel(this))
    , m_translate5156(new Security5156Switch(this))
    , m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
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
    m_eventSets->setTextFormat(Qt::PlainText);
    m_eventSets->setMinimumWidth(1); // a long list is cut, never widens the dock
    m_eventSets->hide();
    layout->addWidget(m_eventSets);

    // Marking the selected events as the rule's tests (saved beside the rule).
    auto* marks = new QHBoxLayout;
    marks->addWidget(new QLabel(tr("Mark selected:"), this));
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
    marks->addStretch(1);
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
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(EventsModel::DetailColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(EventsModel::ProviderColumn, 110);
    m_view->setColumnWidth(EventsModel::ProcessColumn, 240);
    m_view->setTextElideMode(Qt::ElideMiddle); // paths and command lines: both ends say most
    // The verdict and the test mark are what the pane is for: both first, never scrolled away.
    m_view->horizontalHeader()->moveSection(EventsModel::TestColumn, EventsModel::VerdictColumn + 1);
    layout->addWidget(m_view, 1);
    m_nearMisses = new NearMissFilter(m_model, m_proxy, m_view, this);
    bar->insertWidget(bar->indexOf(m_matchesOnly) + 1, m_nearMisses->checkBox());

    connect(m_model, &EventsModel::verdictsChanged, m_view->viewport(), qOverload<>(&QWidget::update));
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
    m_view->resizeColumnToContents(EventsModel::VerdictColumn);
    m_view->resizeColumnToContents(EventsModel::TimeColumn);
    m_view->resizeColumnToContents(EventsModel::EventIdColumn);
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
