#include "indicatorspane.h"

#include "bardelegate.h"

#include <QEvent>
#include <QFontMetrics>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace sigmaui {

IndicatorsPane::IndicatorsPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new IndicatorsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(IndicatorsModel::SortRole);
    m_view->setObjectName(QStringLiteral("indicatorsView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // document order until the user sorts
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    // The value is what the user reads: it takes the room the other columns leave (they are
    // sized to their usual contents), and a long one is elided in the middle, where paths and
    // command lines say least; its tooltip has it whole.
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->viewport()->installEventFilter(this); // the value column follows the pane's width
    const QFontMetrics metrics = m_view->fontMetrics();
    const int pad = 2 * metrics.averageCharWidth() + 8;
    m_view->setColumnWidth(IndicatorsModel::FieldColumn,
                           metrics.horizontalAdvance(QStringLiteral("TargetFilename")) + pad);
    m_view->setColumnWidth(IndicatorsModel::KindColumn, metrics.horizontalAdvance(QStringLiteral("ends_with")) + pad);
    m_view->setColumnWidth(IndicatorsModel::PolarityColumn, metrics.horizontalAdvance(tr("looks for")) + pad);
    m_view->setColumnWidth(IndicatorsModel::ReachColumn, metrics.horizontalAdvance(tr("Corpus reach")) + pad);
    m_view->setColumnWidth(IndicatorsModel::HitsColumn, metrics.horizontalAdvance(tr("Baseline hits")) + pad);
    m_view->setItemDelegateForColumn(IndicatorsModel::ReachColumn,
                                     new BarDelegate(IndicatorsModel::BarRole, QColor(0xff, 0x8a, 0x65), this));
    m_view->setItemDelegateForColumn(IndicatorsModel::HitsColumn,
                                     new BarDelegate(IndicatorsModel::BarRole, QColor(0xba, 0x68, 0xc8), this));
    layout->addWidget(m_view, 1);
    // The kind ("contains|windash") is read whole: its column fits the rule's kinds.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this, pad] {
        const QFontMetrics fm = m_view->fontMetrics();
        int width = fm.horizontalAdvance(QStringLiteral("ends_with"));
        for (int r = 0; r < m_model->rowCount(); ++r)
            width = qMax(width, fm.horizontalAdvance(m_model->index(r, IndicatorsModel::KindColumn).data().toString()));
        m_view->setColumnWidth(IndicatorsModel::KindColumn, qMin(width + pad, 200));
        fitValueColumn();
    });
    auto activate = [this](const QModelIndex& index) {
        if (const IndicatorFigures* f = m_model->figuresAt(m_proxy->mapToSource(index).row()))
            Q_EMIT indicatorActivated(*f);
    };
    connect(m_view, &QTableView::clicked, this, activate);
    connect(m_view, &QTableView::activated, this, activate);
    setSummary(tr("Open a rule to see its indicators; open a corpus (Corpus ▸ Open Corpus Folder…) for their reach."));
}

bool IndicatorsPane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitValueColumn();
    return QWidget::eventFilter(watched, event);
}

void IndicatorsPane::fitValueColumn()
{
    // Like a stretched section, but with a floor: the room the other columns leave, at least
    // MinimumValueWidth (the user may still drag it wider).
    int others = 0;
    for (int c = 0; c < IndicatorsModel::COLUMN_COUNT; ++c)
        if (c != IndicatorsModel::ValueColumn)
            others += m_view->columnWidth(c);
    m_view->setColumnWidth(IndicatorsModel::ValueColumn, qMax(MinimumValueWidth, m_view->viewport()->width() - others));
}

void IndicatorsPane::setSummary(const QString& text)
{
    m_summary->setText(text);
}

QString IndicatorsPane::summary() const
{
    return m_summary->text();
}

} // namespace sigmaui
