#include "techniqueview.h"

#include "../theme.h"

#include "../fileio.h"
#include "bardelegate.h"

#include "corpus/report.h"
#include "rule/attack.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace sigmaui {

namespace {
using Table = TechniqueTableModel::Table;
constexpr std::array<Table, 4> AllTables{Table::Events, Table::Fields, Table::Indicators, Table::Rules};

QColor barColor(Table table)
{
    return table == Table::Indicators ? QColor(0xe5, 0x73, 0x73) : QColor(0x64, 0xb5, 0xf6);
}
} // namespace

TechniqueView::TechniqueView(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    stylePageTitle(m_title);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    auto* exportHtml = new QToolButton(this);
    exportHtml->setText(tr("Export HTML…"));
    auto* exportMd = new QToolButton(this);
    exportMd->setText(tr("Export Markdown…"));
    top->addWidget(m_title, 1);
    top->addWidget(exportHtml);
    top->addWidget(exportMd);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    connect(exportHtml, &QToolButton::clicked, this, [this] { askExport(Format::Html); });
    connect(exportMd, &QToolButton::clicked, this, [this] { askExport(Format::Markdown); });

    // The four tables are a page: where the window is short, the page scrolls rather than
    // squeezing each table to a row or two (fitTablesToRows).
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("techniquePageScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* splitter = new QSplitter(Qt::Vertical, scroll);
    splitter->setChildrenCollapsible(false);
    const QString sectionTitles[] = {tr("Events covered"), tr("Fields filtered"), tr("Indicator values"),
                                     tr("Rules by vendor")};
    for (Table table : AllTables) {
        const auto i = std::size_t(table);
        auto* section = new QWidget(splitter);
        auto* sl = new QVBoxLayout(section);
        sl->setContentsMargins(0, 4, 0, 0);
        m_sectionLabels[i] = new QLabel(sectionTitles[i], section);
        QFont bold = m_sectionLabels[i]->font();
        bold.setBold(true);
        m_sectionLabels[i]->setFont(bold);
        m_models[i] = new TechniqueTableModel(table, this);
        auto* proxy = new QSortFilterProxyModel(this);
        proxy->setSourceModel(m_models[i]);
        proxy->setSortRole(TechniqueTableModel::SortRole);
        auto* view = new QTableView(section);
        view->setObjectName(QStringLiteral("techniqueTable%1").arg(i));
        view->setModel(proxy);
        view->setSortingEnabled(true);
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->setSelectionMode(QAbstractItemView::ExtendedSelection);
        view->setAlternatingRowColors(true);
        view->setWordWrap(false);
        view->verticalHeader()->hide();
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
        view->horizontalHeader()->setStretchLastSection(true);
        view->setItemDelegate(new BarDelegate(TechniqueTableModel::BarRole, barColor(table), view));
        // Events by id, rules by vendor, fields and indicators most used first.
        view->sortByColumn(table == Table::Events ? 1 : (table == Table::Rules ? 0 : (table == Table::Fields ? 1 : 3)),
                           table == Table::Events || table == Table::Rules ? Qt::AscendingOrder : Qt::DescendingOrder);
        auto* copy = new QAction(tr("Copy"), view);
        copy->setShortcut(QKeySequence::Copy);
        copy->setShortcutContext(Qt::WidgetShortcut);
        view->addAction(copy);
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
        connect(copy, &QAction::triggered, this, [this, table] { copySelection(table); });
        if (table == Table::Rules) {
            view->setToolTip(tr("Double-click a rule for its page: query, predicates, indicators."));
            connect(view, &QTableView::activated, this, [this](const QModelIndex& index) {
                const QString file = index.data(TechniqueTableModel::FileRole).toString();
                if (!file.isEmpty())
                    Q_EMIT ruleActivated(file, index.data(TechniqueTableModel::RuleIdRole).toString());
            });
        }
        m_views[i] = view;
        sl->addWidget(m_sectionLabels[i]);
        sl->addWidget(view, 1);
        splitter->addWidget(section);
    }
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 3);
    splitter->setStretchFactor(3, 2);
    scroll->setWidget(splitter);
    layout->addWidget(scroll, 1);
}

void TechniqueView::fitTablesToRows()
{
    for (QTableView* view : m_views) {
        const int rows = std::clamp(view->model()->rowCount(), 1, kMinRowsShown);
        const int height = view->horizontalHeader()->sizeHint().height() +
                           rows * view->verticalHeader()->defaultSectionSize() + 2 * view->frameWidth() +
                           view->horizontalScrollBar()->sizeHint().height();
        view->setMinimumHeight(height);
    }
}

void TechniqueView::showTechnique(const CorpusPtr& corpus, const QString& techniqueId)
{
    auto page = std::make_shared<sigma::TechniquePage>();
    if (corpus)
        *page = sigma::buildTechniquePage(*corpus, techniqueId.trimmed().toUpper().toStdString());
    else {
        page->techniqueId = techniqueId.trimmed().toUpper().toStdString();
        page->known = sigma::lookupTechnique(page->techniqueId, &page->techniqueName, &page->tactics);
    }
    m_page = page;
    for (Table table : AllTables) {
        const auto i = std::size_t(table);
        m_models[i]->setPage(page, corpus ? corpus->root() : std::filesystem::path());
        m_views[i]->resizeColumnsToContents();
        for (int c = 0; c < m_models[i]->columnCount(); ++c)
            m_views[i]->setColumnWidth(c, qMin(m_views[i]->columnWidth(c), 360));
    }
    const QString id = QString::fromStdString(page->techniqueId);
    m_title->setText(page->techniqueName.empty()
                         ? id
                         : QStringLiteral("%1 — %2").arg(id, QString::fromStdString(page->techniqueName)));
    QStringList tactics;
    for (const auto& t : page->tactics) {
        const auto* tactic = sigma::attack::findTactic(t);
        tactics.append(QString::fromStdString(tactic ? tactic->name : t));
    }
    QString summary;
    if (!page->known)
        summary = tr("Not in the ATT&CK table. ");
    else if (!tactics.isEmpty())
        summary = tr("Tactics: %1. ").arg(tactics.join(QStringLiteral(", ")));
    if (!corpus)
        summary += tr("No corpus is loaded (Corpus ▸ Open Corpus Folder…).");
    else
        summary += tr("%n rule(s) of the corpus, ", nullptr, int(page->rules.size())) +
                   tr("%n catalog event(s), ", nullptr, int(page->events.size())) +
                   tr("%n field(s), ", nullptr, int(page->fields.size())) +
                   tr("%n distinct indicator(s) (%1 exclusions).", nullptr, int(page->indicators.size()))
                       .arg(page->excludedIndicators());
    m_summary->setText(summary);
    const QString counts[] = {
        tr("Events covered (%1)").arg(page->events.size()), tr("Fields filtered (%1)").arg(page->fields.size()),
        tr("Indicator values (%1)").arg(page->indicators.size()), tr("Rules by vendor (%1)").arg(page->rules.size())};
    for (std::size_t i = 0; i < 4; ++i)
        m_sectionLabels[i]->setText(counts[i]);
    fitTablesToRows();
    setWindowTitle(id);
}

QString TechniqueView::techniqueId() const
{
    return m_page ? QString::fromStdString(m_page->techniqueId) : QString();
}

QString TechniqueView::headline() const
{
    return m_title->text() + QLatin1Char('\n') + m_summary->text();
}

QString TechniqueView::render(Format format) const
{
    if (!m_page)
        return {};
    return QString::fromStdString(format == Format::Html ? sigma::techniquePageHtml(*m_page)
                                                         : sigma::techniquePageMarkdown(*m_page));
}

bool TechniqueView::exportTo(const QString& path, Format format, QString* error) const
{
    return writeTextFileAtomically(path, render(format), error);
}

void TechniqueView::askExport(Format format)
{
    if (!m_page)
        return;
    const bool html = format == Format::Html;
    const QString suggestion = techniqueId() + (html ? QStringLiteral(".html") : QStringLiteral(".md"));
    const QString path =
        QFileDialog::getSaveFileName(this, html ? tr("Export Page as HTML") : tr("Export Page as Markdown"), suggestion,
                                     html ? tr("HTML (*.html)") : tr("Markdown (*.md)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, format, &error))
        Q_EMIT exportFailed(error);
}

void TechniqueView::copySelection(Table table) const
{
    QTableView* view = m_views[std::size_t(table)];
    auto* proxy = static_cast<QSortFilterProxyModel*>(view->model());
    QModelIndexList selected = view->selectionModel()->selectedIndexes();
    if (selected.isEmpty())
        for (int r = 0; r < proxy->rowCount(); ++r)
            for (int c = 0; c < proxy->columnCount(); ++c)
                selected.append(proxy->index(r, c));
    QModelIndexList source;
    for (const QModelIndex& i : selected)
        source.append(proxy->mapToSource(i));
    QApplication::clipboard()->setText(m_models[std::size_t(table)]->toTsv(source));
}

} // namespace sigmaui
