#include "exportcontroller.h"

#include "documenttabs.h"
#include "ruledocument.h"
#include "testscontroller.h"
#include "workbenchcontext.h"

#include "validation/export.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>

namespace sigmaui {

ExportController::ExportController(WorkbenchContext* context, DocumentTabs* tabs, TestsController* tests,
                                   QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_tabs(tabs)
    , m_tests(tests)
{
    m_askPath = [this](const QString& suggestion) {
        return QFileDialog::getSaveFileName(m_context->window(), tr("Export Rule (a .zip file, or a folder name)"),
                                            suggestion, tr("Zip archive (*.zip);;Folder (*)"));
    };
}

void ExportController::showRefusals(const std::vector<std::string>& refusals)
{
    QStringList reasons;
    for (const auto& r : refusals)
        reasons << QString::fromStdString(r);
    m_context->showMessage(MessageBanner::Kind::Warning,
                           tr("Export refused: %1").arg(reasons.join(QStringLiteral("; "))), tr("Export anyway…"),
                           [this] { exportInteractive(true); });
}

sigma::ExportPlan ExportController::plan(const RuleDocument* document) const
{
    sigma::ExportOptions options;
    if (m_options)
        m_options(options);
    return sigma::planExport(document->path().toStdString(), options);
}

sigma::ExportResult ExportController::exportCurrentRule(const QString& destination, bool force)
{
    sigma::ExportResult result;
    RuleDocument* document = m_context->currentDocument();
    if (!document || !m_tests->ensureSaved(tr("exporting it"))) {
        result.error = tr("the rule is not saved").toStdString();
        return result;
    }
    result = sigma::writeExport(plan(document), destination.toStdString(), force);
    if (!result.refusals.empty())
        showRefusals(result.refusals);
    else if (!result.written)
        m_context->showMessage(MessageBanner::Kind::Error,
                               tr("Export failed: %1").arg(QString::fromStdString(result.error)));
    else
        m_context->showStatus(tr("Exported to %1").arg(QDir::toNativeSeparators(destination)), 5000);
    return result;
}

void ExportController::exportInteractive(bool force)
{
    RuleDocument* document = m_context->currentDocument();
    if (!document || !m_tests->ensureSaved(tr("exporting it")))
        return;
    if (document->isModified()) {
        const auto ask = m_tabs->saveQuestion();
        const auto answer = ask ? ask(document->displayName()) : QMessageBox::Save;
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !m_tabs->saveCurrent()))
            return;
    }
    if (!force) {
        // Refusals first, so the user is not asked for a destination that will not be written.
        const sigma::ExportPlan planned = plan(document);
        if (!planned.refusals.empty()) {
            showRefusals(planned.refusals);
            return;
        }
    }
    const QString suggestion = QFileInfo(document->path()).completeBaseName() + QStringLiteral(".zip");
    const QString destination = m_askPath ? m_askPath(suggestion) : QString();
    if (!destination.isEmpty())
        exportCurrentRule(destination, force);
}

} // namespace sigmaui
