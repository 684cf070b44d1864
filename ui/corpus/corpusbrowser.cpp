#include "corpusbrowser.h"

#include "corpussession.h"
#include "corpustreemodel.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QSignalBlocker>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace sigmaui {

CorpusBrowser::CorpusBrowser(CorpusSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new CorpusTreeModel(this))
    , m_proxy(new CorpusFilterProxy(this))
    , m_search(new QLineEdit(this))
    , m_grouping(new QComboBox(this))
    , m_vendor(new QComboBox(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_tree(new QTreeView(this))
    , m_status(new QLabel(tr("No corpus. Corpus ▸ Open Corpus Folder… (a SigmaHQ checkout's rules/ works)."), this))
{
    m_proxy->setSourceModel(m_model);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    m_search->setPlaceholderText(tr("Search rules, ids, techniques…"));
    m_search->setClearButtonEnabled(true);
    m_grouping->addItem(tr("By folder"));
    m_grouping->addItem(tr("By technique"));
    m_vendor->setObjectName(QStringLiteral("corpusVendorFilter"));
    m_vendor->setToolTip(tr("Show the rules of one vendor"));
    m_vendor->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_grouping->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_vendor->addItem(tr("All vendors"), QString());
    m_search->setMinimumWidth(80);
    // The search takes the dock's width; the vendor filter and the grouping share the next row.
    bar->addWidget(m_search, 1);
    layout->addLayout(bar);
    auto* filters = new QHBoxLayout;
    filters->addWidget(m_vendor, 1);
    filters->addWidget(m_grouping, 1);
    layout->addLayout(filters);
    auto* progressBar = new QHBoxLayout;
    m_progress->hide();
    m_cancel->setText(tr("Cancel"));
    m_cancel->hide();
    progressBar->addWidget(m_progress, 1);
    progressBar->addWidget(m_cancel);
    layout->addLayout(progressBar);
    m_tree->setObjectName(QStringLiteral("corpusTree"));
    m_tree->setModel(m_proxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(CorpusTreeModel::NameColumn, Qt::AscendingOrder);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(CorpusTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setMinimumSectionSize(24);
    m_tree->header()->resizeSection(CorpusTreeModel::VendorColumn,
                                    m_tree->fontMetrics().horizontalAdvance(QStringLiteral("Elastic ")) + 12);
    m_tree->header()->resizeSection(CorpusTreeModel::RulesColumn,
                                    m_tree->fontMetrics().horizontalAdvance(QStringLiteral("00000")) + 12);
    m_tree->header()->resizeSection(CorpusTreeModel::LevelColumn,
                                    m_tree->fontMetrics().horizontalAdvance(QStringLiteral("critical")) + 12);
    m_tree->setTextElideMode(Qt::ElideMiddle);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &CorpusBrowser::showContextMenu);
    m_tree->setToolTip(QString());
    layout->addWidget(m_tree, 1);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(m_search, &QLineEdit::textChanged, m_proxy, [this](const QString& text) {
        m_proxy->setSearchText(text);
        if (!text.trimmed().isEmpty() && m_proxy->rowCount() < 40)
            m_tree->expandAll();
    });
    connect(m_vendor, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int index) { m_proxy->setVendor(m_vendor->itemData(index).toString()); });
    connect(m_grouping, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        m_model->setGrouping(index == 0 ? CorpusTreeModel::Grouping::ByFolder : CorpusTreeModel::Grouping::ByTechnique);
    });
    connect(m_cancel, &QToolButton::clicked, m_session, &CorpusSession::cancel);
    connect(m_tree, &QTreeView::activated, this, &CorpusBrowser::activate);
    connect(m_session, &CorpusSession::loadingStarted, this, &CorpusBrowser::onLoadingStarted);
    connect(m_session, &CorpusSession::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setMaximum(int(qMax<qint64>(1, total)));
        m_progress->setValue(int(done));
        m_progress->setFormat(tr("%1 of %2 files").arg(done).arg(total));
    });
    connect(m_session, &CorpusSession::loaded, this, &CorpusBrowser::onLoaded);
}

void CorpusBrowser::onLoadingStarted(const QString& path)
{
    m_progress->setValue(0);
    m_progress->setFormat(tr("Scanning…"));
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(path)));
}

void CorpusBrowser::onLoaded(const CorpusLoadResultPtr& result)
{
    m_progress->hide();
    m_cancel->hide();
    if (!result->error.isEmpty()) {
        m_status->setText(result->error);
        return;
    }
    const CorpusPtr corpus = result->corpus;
    m_model->setCorpus(corpus, m_grouping->currentIndex() == 0 ? CorpusTreeModel::Grouping::ByFolder
                                                               : CorpusTreeModel::Grouping::ByTechnique);
    QString status = tr("%n rule(s)", nullptr, int(corpus->rules().size())) + QStringLiteral(" · ") +
                     tr("%n technique(s)", nullptr, int(corpus->techniqueCounts().size())) + QStringLiteral(" · ") +
                     tr("%1 s").arg(result->milliseconds / 1000.0, 0, 'f', 1);
    if (!corpus->brokenFiles().empty())
        status += QStringLiteral(" · ") + tr("%n file(s) left out", nullptr, int(corpus->brokenFiles().size()));
    if (result->cancelled)
        status = tr("Loading cancelled: ") + status;
    m_status->setText(status);
    m_status->setToolTip(QDir::toNativeSeparators(m_session->path()));
    updateVendors();
}

void CorpusBrowser::updateVendors()
{
    const QString chosen = m_proxy->vendor();
    QSignalBlocker block(m_vendor);
    while (m_vendor->count() > 1)
        m_vendor->removeItem(1);
    for (const QString& v : m_model->vendors())
        m_vendor->addItem(v, v);
    const int index = qMax(0, m_vendor->findData(chosen));
    m_vendor->setCurrentIndex(index);
    m_proxy->setVendor(m_vendor->itemData(index).toString());
    // One vendor (a SigmaHQ checkout): the column would repeat it on every row; the room goes to titles.
    const bool several = m_vendor->count() > 2;
    m_tree->setColumnHidden(CorpusTreeModel::VendorColumn, !several);
    m_vendor->setEnabled(several);
}

void CorpusBrowser::showContextMenu(const QPoint& pos)
{
    const QModelIndex first = m_tree->indexAt(pos).siblingAtColumn(CorpusTreeModel::NameColumn);
    if (first.data(CorpusTreeModel::KindRole).toInt() != CorpusTreeModel::RuleItem)
        return;
    const QString file = first.data(CorpusTreeModel::FileRole).toString();
    const QString id = first.data(CorpusTreeModel::IdRole).toString();
    QMenu menu(this);
    menu.addAction(tr("Show Rule Page"), this, [=, this] { Q_EMIT rulePageRequested(file, id); });
    if (first.data(CorpusTreeModel::VendorRole).toString() == QLatin1String("Sigma"))
        menu.addAction(tr("Open in Editor"), this, [=, this] { Q_EMIT ruleActivated(file); });
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void CorpusBrowser::activate(const QModelIndex& index)
{
    const QModelIndex first = index.siblingAtColumn(CorpusTreeModel::NameColumn);
    switch (first.data(CorpusTreeModel::KindRole).toInt()) {
    case CorpusTreeModel::RuleItem:
        Q_EMIT rulePageRequested(first.data(CorpusTreeModel::FileRole).toString(),
                                 first.data(CorpusTreeModel::IdRole).toString());
        break;
    case CorpusTreeModel::TechniqueItem:
        Q_EMIT techniqueActivated(first.data(CorpusTreeModel::TechniqueRole).toString());
        break;
    default:
        break;
    }
}

} // namespace sigmaui
