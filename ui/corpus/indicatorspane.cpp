#include "indicatorspane.h"

#include "bardelegate.h"

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
    m_view->horizontalHeader()->setSectionResizeMode(IndicatorsModel::ValueColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(IndicatorsModel::FieldColumn, 170);
    m_view->setColumnWidth(IndicatorsModel::KindColumn, 110);
    m_view->setColumnWidth(IndicatorsModel::PolarityColumn, 80);
    m_view->setColumnWidth(IndicatorsModel::ReachColumn, 120);
    m_view->setColumnWidth(IndicatorsModel::HitsColumn, 120);
    m_view->setItemDelegateForColumn(IndicatorsModel::ReachColumn,
                                     new BarDelegate(IndicatorsModel::BarRole, QColor(0xff, 0x8a, 0x65), this));
    m_view->setItemDelegateForColumn(IndicatorsModel::HitsColumn,
                                     new BarDelegate(IndicatorsModel::BarRole, QColor(0xba, 0x68, 0xc8), this));
    layout->addWidget(m_view, 1);
    auto activate = [this](const QModelIndex& index) {
        if (const IndicatorFigures* f = m_model->figuresAt(m_proxy->mapToSource(index).row()))
            Q_EMIT indicatorActivated(*f);
    };
    connect(m_view, &QTableView::clicked, this, activate);
    connect(m_view, &QTableView::activated, this, activate);
    setSummary(tr("Open a rule to see its indicators; open a corpus (Corpus ▸ Open Corpus Folder…) for their reach."));
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
