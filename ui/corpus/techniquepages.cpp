#include "techniquepages.h"

#include "corpussession.h"
#include "rulepageview.h"
#include "techniqueview.h"

#include "../fileio.h"
#include "../workbenchcontext.h"

#include "corpus/report.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>

namespace sigmaui {

TechniquePages::TechniquePages(WorkbenchContext* context, CorpusSession* session, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_session(session)
{
    connect(m_session, &CorpusSession::loaded, this, [this](const CorpusLoadResultPtr& result) {
        if (result->error.isEmpty())
            refresh();
    });
}

QList<TechniqueView*> TechniquePages::techniqueViews() const
{
    QList<TechniqueView*> list;
    for (const auto& v : m_techniqueViews)
        if (v)
            list.append(v);
    return list;
}

QList<RulePageView*> TechniquePages::rulePages() const
{
    QList<RulePageView*> list;
    for (const auto& v : m_rulePages)
        if (v)
            list.append(v);
    return list;
}

TechniqueView* TechniquePages::show(const QString& techniqueId)
{
    QString id = techniqueId.trimmed().toUpper();
    if (id.startsWith(QLatin1String("ATTACK.")))
        id = id.mid(7);
    if (m_session->isLoading())
        m_pending = id;
    TechniqueView* view = nullptr;
    for (TechniqueView* v : techniqueViews())
        if (v->techniqueId() == id)
            view = v;
    if (!view) {
        view = new TechniqueView;
        connect(view, &TechniqueView::ruleActivated, this,
                [this](const QString& file, const QString& ruleId) { showRule(file, ruleId); });
        connect(view, &TechniqueView::exportFailed, this,
                [this](const QString& error) { m_context->showMessage(MessageBanner::Kind::Error, error); });
        m_techniqueViews.append(view);
    }
    view->showTechnique(m_session->corpus(), id);
    m_context->showPage(view, id, view->headline());
    m_currentTechnique = view;
    return view;
}

TechniqueView* TechniquePages::currentView() const
{
    return m_currentTechnique;
}

RulePageView* TechniquePages::showRule(const QString& file, const QString& id)
{
    const QString absolute = QFileInfo(file).absoluteFilePath();
    if (m_session->isLoading()) {
        m_pendingRule = {absolute, id}; // shown when the corpus is ready
        return nullptr;
    }
    const CorpusPtr corpus = m_session->corpus();
    const auto index = corpus ? RulePageView::findRule(*corpus, absolute, id) : std::nullopt;
    if (!index) {
        m_context->showStatus(tr("%1 is not a rule of the loaded corpus").arg(QDir::toNativeSeparators(file)), 5000);
        return nullptr;
    }
    RulePageView* view = nullptr;
    for (RulePageView* v : rulePages())
        if (v->file() == QDir::cleanPath(absolute) && (id.isEmpty() || v->ruleId() == id))
            view = v;
    if (!view) {
        view = new RulePageView;
        connect(view, &RulePageView::openInEditorRequested, this,
                [this](const QString& path) { m_context->openRuleFile(path); });
        m_rulePages.append(view);
    }
    view->showRule(corpus, *index);
    QString tabTitle = view->title();
    if (tabTitle.size() > 32)
        tabTitle = tabTitle.left(30) + QStringLiteral("…");
    m_context->showPage(view, tabTitle, view->title() + QLatin1Char('\n') + QDir::toNativeSeparators(view->file()));
    m_currentRule = view;
    return view;
}

RulePageView* TechniquePages::currentRulePage() const
{
    return m_currentRule;
}

void TechniquePages::refresh()
{
    for (TechniqueView* view : techniqueViews())
        view->showTechnique(m_session->corpus(), view->techniqueId());
    for (RulePageView* view : rulePages())
        view->refresh(m_session->corpus()); // a rule gone from the corpus keeps its last page
    if (!m_pending.isEmpty())
        show(std::exchange(m_pending, QString()));
    if (!m_pendingRule.first.isEmpty()) {
        const auto [file, id] = std::exchange(m_pendingRule, {});
        showRule(file, id);
    }
}

bool TechniquePages::exportNavigatorLayer(const QString& path, QString* error) const
{
    const CorpusPtr corpus = m_session->corpus();
    if (!corpus) {
        if (error)
            *error = tr("%1: no corpus is loaded").arg(path);
        return false;
    }
    sigma::NavigatorOptions options;
    options.description = "Sigma rules of " + m_session->path().toStdString();
    return writeTextFileAtomically(path, QString::fromStdString(sigma::navigatorLayerJson(*corpus, options)), error);
}

void TechniquePages::exportNavigatorLayerInteractive()
{
    if (!m_session->corpus()) {
        m_context->showMessage(MessageBanner::Kind::Warning,
                               tr("Open a corpus first: the layer scores techniques by its rules."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(m_context->window(), tr("Export ATT&CK Navigator Layer"),
                                                      QStringLiteral("sigma-coverage.json"), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportNavigatorLayer(path, &error))
        m_context->showMessage(MessageBanner::Kind::Error, error);
    else
        m_context->showStatus(tr("Navigator layer written to %1").arg(QDir::toNativeSeparators(path)), 5000);
}

} // namespace sigmaui
