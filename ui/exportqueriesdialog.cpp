#include "exportqueriesdialog.h"

#include "querypane.h"

#include "conversion/conversion.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace sigmaui {
namespace {

constexpr int OpenFileRole = Qt::UserRole + 1; ///< the "Pipeline File…" item

} // namespace

ExportQueriesDialog::ExportQueriesDialog(const ExportQueryChoice& choice, QWidget* parent)
    : QDialog(parent)
    , m_targets(new QListWidget(this))
    , m_pipeline(new QComboBox(this))
{
    setObjectName(QStringLiteral("exportQueriesDialog"));
    setWindowTitle(tr("Export Rule"));
    m_targets->setObjectName(QStringLiteral("exportTargets"));
    m_pipeline->setObjectName(QStringLiteral("exportPipeline"));

    auto* intro = new QLabel(tr("The bundle holds the rule, its tests and REPORT.md. Tick the query languages the "
                                "rule should also be converted into: each goes to <tt>queries/</tt> and the report."),
                             this);
    intro->setWordWrap(true);
    for (const auto t : sigma::conversion::allTargets()) {
        auto* item = new QListWidgetItem(queryTargetLabel(t), m_targets);
        item->setData(Qt::UserRole, QString::fromUtf8(sigma::conversion::targetName(t)));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_targets->setMaximumHeight(m_targets->sizeHintForRow(0) * (m_targets->count() + 1));

    addPipelineChoices(m_pipeline);
    m_pipeline->addItem(tr("Pipeline File…"));
    m_pipeline->setItemData(m_pipeline->count() - 1, true, OpenFileRole);
    m_pipeline->setToolTip(tr("A processing pipeline (pySigma's YAML format) mapping the rule's field names to the "
                              "targets' data model"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(tr("Queries:"), m_targets);
    form->addRow(tr("Pipeline:"), m_pipeline);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);

    setTargets(choice.targets);
    setPipelines(choice.pipelines);
    connect(m_targets, &QListWidget::itemChanged, this, &ExportQueriesDialog::updatePipelineEnabled);
    connect(m_pipeline, &QComboBox::currentIndexChanged, this, &ExportQueriesDialog::onPipelineActivated);
}

ExportQueryChoice ExportQueriesDialog::choice() const
{
    ExportQueryChoice c;
    for (int i = 0; i < m_targets->count(); ++i)
        if (m_targets->item(i)->checkState() == Qt::Checked)
            c.targets << m_targets->item(i)->data(Qt::UserRole).toString();
    c.pipelines = m_pipeline->currentData().toStringList();
    return c;
}

void ExportQueriesDialog::setTargets(const QStringList& targets)
{
    for (int i = 0; i < m_targets->count(); ++i) {
        QListWidgetItem* item = m_targets->item(i);
        item->setCheckState(targets.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
    updatePipelineEnabled();
}

void ExportQueriesDialog::setPipelines(const QStringList& pipelines)
{
    const QSignalBlocker block(m_pipeline); // not the user's choice of a file
    int index = m_pipeline->findData(pipelines);
    if (index < 0 && pipelines.size() == 1) { // a pipeline file
        index = m_pipeline->count() - 1;      // before "Pipeline File…"
        m_pipeline->insertItem(index, pipelines.front(), pipelines);
        m_pipeline->setItemData(index, pipelines.front(), Qt::ToolTipRole);
    }
    m_pipeline->setCurrentIndex(qMax(0, index));
    m_lastPipelineIndex = m_pipeline->currentIndex();
}

void ExportQueriesDialog::onPipelineActivated(int index)
{
    if (index < 0 || index == m_lastPipelineIndex)
        return;
    if (!m_pipeline->itemData(index, OpenFileRole).toBool()) {
        m_lastPipelineIndex = index;
        return;
    }
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Processing Pipeline"), QString(),
                                                      tr("Pipelines (*.yml *.yaml);;All files (*)"));
    if (path.isEmpty()) {
        const QSignalBlocker block(m_pipeline);
        m_pipeline->setCurrentIndex(m_lastPipelineIndex);
        return;
    }
    setPipelines({path}); // a file that cannot be read is reported by the export, naming it
}

void ExportQueriesDialog::updatePipelineEnabled()
{
    m_pipeline->setEnabled(!choice().targets.isEmpty()); // a pipeline applies to queries only
}

} // namespace sigmaui
