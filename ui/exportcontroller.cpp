#include "exportcontroller.h"

#include "documenttabs.h"
#include "liveevaluator.h"
#include "ruledocument.h"
#include "testscontroller.h"
#include "workbenchcontext.h"

#include "validation/export.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>

#include <algorithm>

namespace sigmaui {
namespace {

const QString TargetsKey = QStringLiteral("export/queryTargets");
const QString PipelinesKey = QStringLiteral("export/queryPipelines");

QStringList qtStrings(const std::vector<std::string>& in)
{
    QStringList out;
    for (const auto& s : in)
        out << QString::fromStdString(s);
    return out;
}

std::vector<std::string> stdStrings(const QStringList& in)
{
    std::vector<std::string> out;
    for (const auto& s : in)
        out.push_back(s.toStdString());
    return out;
}

} // namespace

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
    m_askQueries = [this](ExportQueryChoice& choice) {
        ExportQueriesDialog dialog(choice, m_context->window());
        if (dialog.exec() != QDialog::Accepted)
            return false;
        choice = dialog.choice();
        return true;
    };
}

ExportQueryChoice ExportController::queryChoice() const
{
    QSettings settings;
    if (settings.contains(TargetsKey))
        return {settings.value(TargetsKey).toStringList(), settings.value(PipelinesKey).toStringList()};
    sigma::ExportOptions options;
    if (m_options)
        m_options(options);
    return {qtStrings(options.queryTargets), qtStrings(options.queryPipelines)};
}

void ExportController::setQueryChoice(const ExportQueryChoice& choice)
{
    QSettings settings;
    settings.setValue(TargetsKey, choice.targets);
    settings.setValue(PipelinesKey, choice.pipelines);
}

void ExportController::showRefusals(const std::vector<std::string>& refusals)
{
    QStringList reasons;
    for (const auto& r : refusals)
        reasons << QString::fromStdString(r);
    m_refusalText = tr("Export refused: %1").arg(reasons.join(QStringLiteral("; ")));
    m_context->showMessage(MessageBanner::Kind::Warning, m_refusalText, tr("Export anyway…"),
                           [this] { exportAsking(true, false); }); // the queries were just chosen
}

sigma::ExportPlan ExportController::plan(const RuleDocument* document) const
{
    sigma::ExportOptions options;
    if (m_options)
        m_options(options);
    const ExportQueryChoice queries = queryChoice();
    options.queryTargets = stdStrings(queries.targets);
    options.queryPipelines = stdStrings(queries.pipelines);
    options.manifestOptions.allowOutsidePaths = m_tests->allowOutsidePaths();            // as the tests were read
    const std::shared_ptr<const sigma::Corpus> corpus = m_corpus ? m_corpus() : nullptr; // held while planning
    options.corpus = corpus.get();
    options.eventSets = loadedEventSets();
    return sigma::planExport(document->path().toStdString(), options);
}

void ExportController::dismissRefusals()
{
    MessageBanner* banner = m_context->banner();
    if (!m_refusalText.isEmpty() && !banner->isHidden() && banner->text() == m_refusalText)
        banner->dismiss();
    m_refusalText.clear();
}

std::vector<sigma::ExportEventSet> ExportController::loadedEventSets() const
{
    const EventListPtr events = m_context->events();
    if (!events || events->empty())
        return {};
    sigma::ExportEventSet set;
    set.events = events->size();
    const std::string* last = nullptr; // the events of one file share its name
    for (const auto& e : *events)
        if (e.origin.file && e.origin.file.get() != last) {
            last = e.origin.file.get();
            if (std::find(set.files.begin(), set.files.end(), *last) == set.files.end())
                set.files.push_back(*last);
        }
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr result = document ? document->evaluator()->lastResult() : nullptr;
    if (result && result->events == events)
        set.ruleMatches = std::size_t(std::count(result->verdicts.begin(), result->verdicts.end(), Verdict::Match));
    return {set};
}

void ExportController::onResultShown()
{
    if (m_refusalText.isEmpty())
        return;
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    if (!last || !last->ok() || !last->tests || !last->tests->passed() || last->tests->testCount() == 0)
        return;
    const bool lintErrors =
        std::any_of(last->diagnostics.begin(), last->diagnostics.end(),
                    [](const sigma::Diagnostic& d) { return d.severity == sigma::Severity::Error; });
    if (!lintErrors)
        dismissRefusals();
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
    if (result.written)
        dismissRefusals(); // exported: what refused it is no longer the news
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
    exportAsking(force, true);
}

void ExportController::exportAsking(bool force, bool askQueries)
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
    if (askQueries) {
        ExportQueryChoice choice = queryChoice();
        if (m_askQueries && !m_askQueries(choice))
            return; // cancelled
        setQueryChoice(choice);
    }
    if (!force) {
        // Refusals first, so the user is not asked for a destination that will not be written.
        const sigma::ExportPlan planned = plan(document);
        if (!planned.refusals.empty()) {
            showRefusals(planned.refusals);
            return;
        }
    }
    // The dialog opens in the rule's folder.
    const QFileInfo rule(document->path());
    const QString suggestion = QDir(rule.absolutePath()).filePath(rule.completeBaseName() + QStringLiteral(".zip"));
    const QString destination = m_askPath ? m_askPath(suggestion) : QString();
    if (!destination.isEmpty())
        exportCurrentRule(destination, force);
}

} // namespace sigmaui
