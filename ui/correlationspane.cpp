#include "correlationspane.h"

#include "correlationsmodel.h"
#include "liveevaluator.h"
#include "ruledocument.h"
#include "theme.h"
#include "workbenchcontext.h"

#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QPainter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace sigmaui {

namespace {
/// A colour per base rule (by its index in the unit), distinct on light and dark backgrounds.
QColor ruleColor(std::size_t rule)
{
    static const QColor colors[] = {QColor(0x1e, 0x88, 0xe5), QColor(0xf4, 0x51, 0x1e), QColor(0x8e, 0x24, 0xaa),
                                    QColor(0x00, 0x89, 0x7b), QColor(0xc0, 0xca, 0x33), QColor(0x6d, 0x4c, 0x41)};
    return colors[rule % (sizeof colors / sizeof colors[0])];
}
constexpr int Margin = 8;
constexpr int AxisY = 30; ///< the axis line, from the top
} // namespace

// ---- TimeStrip -------------------------------------------------------------------------------

TimeStrip::TimeStrip(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("The selected group's contributing events on a time axis; the window is shaded, the "
                  "correlation's timespan from the window start outlined."));
}

QSize TimeStrip::sizeHint() const
{
    return {400, AxisY + 2 * fontMetrics().height() + 16};
}

QSize TimeStrip::minimumSizeHint() const
{
    return {120, sizeHint().height()};
}

void TimeStrip::setRow(std::shared_ptr<const sigma::LiveCorrelation> correlation, const sigma::LiveCorrelationRow* row,
                       EventListPtr events)
{
    m_correlation = std::move(correlation);
    m_ticks.clear();
    m_rules.clear();
    m_empty = !row || !m_correlation || !events;
    if (!m_empty) {
        m_start = row->start;
        m_end = row->end;
        m_fired = row->fired;
        m_spanEnd = m_start + m_correlation->unit->correlations()[row->correlation].span;
        m_from = m_start;
        m_to = std::max(m_end, m_spanEnd);
        for (const auto& [position, rule] : row->events) {
            if (position >= events->size())
                continue;
            const auto time = sigma::parseEventTime((*events)[position].time());
            if (!time)
                continue;
            m_ticks.push_back({position, rule, *time});
            m_from = std::min(m_from, *time);
            m_to = std::max(m_to, *time);
            if (std::find(m_rules.begin(), m_rules.end(), rule) == m_rules.end())
                m_rules.push_back(rule);
        }
        std::sort(m_rules.begin(), m_rules.end());
        const sigma::EventTime pad = std::max<sigma::EventTime>((m_to - m_from) / 20, 1'000'000);
        m_from -= pad;
        m_to += pad;
    }
    update();
}

int TimeStrip::xOf(sigma::EventTime time) const
{
    const int w = std::max(1, width() - 2 * Margin);
    const double f = m_to > m_from ? double(time - m_from) / double(m_to - m_from) : 0.5;
    return Margin + int(f * w + 0.5);
}

QList<QPair<int, int>> TimeStrip::ticks() const
{
    QList<QPair<int, int>> out;
    for (const auto& t : m_ticks)
        out.append({int(t.position), xOf(t.time)});
    return out;
}

void TimeStrip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    if (m_empty) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Select a group to see its events in time."));
        return;
    }
    const bool dark = isDarkPalette(pal);
    const QColor accent = m_fired ? verdictGreen(dark) : pal.color(QPalette::Mid);
    // The timespan from the window's start, outlined; the window itself, shaded.
    const int top = 6, bottom = AxisY + 8;
    QColor outline = accent;
    outline.setAlpha(160);
    p.setPen(QPen(outline, 1, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRect(QPoint(xOf(m_start), top), QPoint(xOf(m_spanEnd), bottom)));
    QColor shade = accent;
    shade.setAlpha(70);
    p.fillRect(QRect(QPoint(xOf(m_start), top), QPoint(std::max(xOf(m_end), xOf(m_start) + 2), bottom)), shade);
    // The axis and the events.
    p.setPen(QPen(pal.color(QPalette::Text), 1));
    p.drawLine(Margin, AxisY, width() - Margin, AxisY);
    for (const auto& t : m_ticks) {
        p.setPen(QPen(ruleColor(t.rule), 2));
        p.drawLine(xOf(t.time), top + 4, xOf(t.time), AxisY);
        p.setBrush(ruleColor(t.rule));
        p.drawEllipse(QPointF(xOf(t.time), top + 4), 3, 3);
    }
    // The window's ends under the axis, then the legend.
    const QFontMetrics fm = fontMetrics();
    p.setPen(pal.color(QPalette::Text));
    const int labelY = AxisY + fm.ascent() + 4;
    const QString from = CorrelationsModel::timeText(m_start), to = CorrelationsModel::timeText(m_end);
    p.drawText(std::max(Margin, xOf(m_start) - fm.horizontalAdvance(from) / 2), labelY, from);
    // The end's label after the start's when they would overlap (a short window).
    const int fromRight = std::max(Margin, xOf(m_start) - fm.horizontalAdvance(from) / 2) + fm.horizontalAdvance(from);
    const int toX = std::min(width() - Margin - fm.horizontalAdvance(to),
                             std::max(xOf(m_end) - fm.horizontalAdvance(to) / 2, fromRight + 12));
    if (m_end != m_start && toX > fromRight)
        p.drawText(toX, labelY, to);
    int x = Margin;
    const int legendY = labelY + fm.height() + 2;
    for (const std::size_t rule : m_rules) {
        const auto& r = m_correlation->unit->rules()[rule].rule->rule();
        const QString name = QString::fromStdString(!r.name.empty() ? r.name : r.title);
        p.fillRect(QRect(x, legendY - fm.ascent() + 2, 10, 10), ruleColor(rule));
        p.drawText(x + 14, legendY, name);
        x += 14 + fm.horizontalAdvance(name) + 16;
    }
}

// ---- CorrelationsPane ------------------------------------------------------------------------

CorrelationsPane::CorrelationsPane(WorkbenchContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new CorrelationsModel(this))
    , m_summary(new QLabel(this))
    , m_view(new QTableView(this))
    , m_strip(new TimeStrip(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary->setWordWrap(true);
    m_view->setModel(m_model);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(CorrelationsModel::CorrelationColumn, 220);
    m_view->setColumnWidth(CorrelationsModel::GroupColumn, 170);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_strip);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CorrelationsPane::showSelected);
    connect(context, &WorkbenchContext::resultShown, this, &CorrelationsPane::update);
    const bool dark = isDarkPalette(QApplication::palette());
    m_model->setColors(verdictGreen(dark), palette().color(QPalette::PlaceholderText));
    update();
}

CorrelationsPane* CorrelationsPane::install(WorkbenchContext* context)
{
    auto* pane = new CorrelationsPane(context, context->window());
    auto* dock = context->addDockBesideProblems(pane, tr("Correlations"), QStringLiteral("correlationsDock"));
    pane->m_dock = dock;
    return pane;
}

QString CorrelationsPane::summaryText() const
{
    return m_summary->text();
}

void CorrelationsPane::update()
{
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    const EvaluationPtr good = document ? document->evaluator()->lastGoodResult() : nullptr;
    // The newest result of the loaded events; while the text does not compile, the last good one.
    EvaluationPtr shown = last && last->correlation ? last : good && good->correlation ? good : nullptr;
    // Without events there are no rows to show: the file's reference errors are in Problems.
    if (shown && (!m_context->events() || shown->events != m_context->events()))
        shown = nullptr;
    // The first time a correlation file shows (with events or not): the pane comes to the front.
    const auto raiseOnce = [this, document] {
        if (document == m_raisedFor)
            return;
        m_raisedFor = document;
        if (m_dock) {
            m_dock->show();
            m_dock->raise();
        }
    };
    if (!shown) {
        m_model->setCorrelation(nullptr);
        m_events.reset();
        m_strip->setRow(nullptr, nullptr, nullptr);
        const bool waitsForEvents =
            last && last->parsed && sigma::holdsCorrelation(*last->parsed) && !m_context->events();
        m_summary->setText(waitsForEvents ? tr("Load events to evaluate the correlations.")
                                          : tr("The current file holds no correlation rule."));
        if (waitsForEvents)
            raiseOnce();
        return;
    }
    const QString keep = m_selectedKey;
    m_events = shown->events;
    const bool first = m_model->rowCount() == 0;
    m_model->setCorrelation(shown->correlation);
    if (first) { // sized for the first rows; the user's widths stay after that
        m_view->resizeColumnsToContents();
        m_view->setColumnWidth(CorrelationsModel::CorrelationColumn,
                               std::min(m_view->columnWidth(CorrelationsModel::CorrelationColumn), 260));
    }
    m_view->setEnabled(shown == last);
    const auto& corr = *shown->correlation;
    QString summary =
        tr("%n correlation(s), ", nullptr, int(corr.unit->correlations().size())) +
        tr("%n group(s) firing", nullptr, m_model->firingCount()) +
        tr(" of %1 rows; %n base-rule match(es).", nullptr, int(corr.hits.size())).arg(m_model->rowCount());
    if (corr.untimed)
        summary += tr(" %n match(es) without an event time were not evaluated.", nullptr, int(corr.untimed));
    if (shown != last)
        summary += tr(" (Last good version: the file as written has errors.)");
    m_summary->setText(summary);
    const int row = m_model->rowOfKey(keep);
    if (row >= 0) {
        m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_strip->setRow(shown->correlation, m_model->rowAt(row), m_events);
    } else {
        m_strip->setRow(nullptr, nullptr, nullptr);
    }
    raiseOnce();
    // The first time its events give a firing group (whenever they were loaded), that group.
    for (int r = 0; row < 0 && document != m_autoSelectedFor && r < m_model->rowCount(); ++r)
        if (m_model->rowAt(r)->fired) {
            m_autoSelectedFor = document;
            m_view->selectRow(r);
            break;
        }
}

void CorrelationsPane::showSelected()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const sigma::LiveCorrelationRow* row = m_model->rowAt(current.row());
    if (!row) {
        m_strip->setRow(nullptr, nullptr, nullptr);
        return;
    }
    const QString key = current.siblingAtColumn(0).data(CorrelationsModel::KeyRole).toString();
    const bool changed = key != m_selectedKey;
    m_selectedKey = key;
    m_strip->setRow(m_model->correlation(), row, m_events);
    if (!changed)
        return; // the same group after a new evaluation: the user's selection in the Test table stays
    QList<int> events;
    for (const auto& [position, rule] : row->events)
        if (events.isEmpty() || events.last() != int(position))
            events.append(int(position));
    m_context->selectEvents(events);
}

} // namespace sigmaui
