#include "techniquepages.h"

#include "corpussession.h"
#include "techniqueview.h"

#include "../fileio.h"
#include "../workbenchcontext.h"

#include "corpus/report.h"

#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QMainWindow>
#include <QTabWidget>

namespace sigmaui {

TechniquePages::TechniquePages(WorkbenchContext* context, CorpusSession* session, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_session(session)
    , m_tabs(new QTabWidget(context->window()))
    , m_dock(new QDockWidget(tr("Technique"), context->window()))
{
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        QWidget* w = m_tabs->widget(i);
        m_tabs->removeTab(i);
        w->deleteLater();
    });
    m_dock->setObjectName(QStringLiteral("techniqueDock"));
    m_dock->setWidget(m_tabs);
    connect(m_session, &CorpusSession::loaded, this, [this](const CorpusLoadResultPtr& result) {
        if (result->error.isEmpty())
            refresh();
    });
}

TechniqueView* TechniquePages::show(const QString& techniqueId)
{
    QString id = techniqueId.trimmed().toUpper();
    if (id.startsWith(QLatin1String("ATTACK.")))
        id = id.mid(7);
    if (m_session->isLoading())
        m_pending = id;
    TechniqueView* view = nullptr;
    for (int i = 0; i < m_tabs->count() && !view; ++i) {
        auto* v = qobject_cast<TechniqueView*>(m_tabs->widget(i));
        if (v && v->techniqueId() == id)
            view = v;
    }
    if (!view) {
        view = new TechniqueView(m_tabs);
        connect(view, &TechniqueView::ruleActivated, this,
                [this](const QString& file) { m_context->openRuleFile(file); });
        connect(view, &TechniqueView::exportFailed, this,
                [this](const QString& error) { m_context->showMessage(MessageBanner::Kind::Error, error); });
        m_tabs->addTab(view, id);
    }
    view->showTechnique(m_session->corpus(), id);
    m_tabs->setTabToolTip(m_tabs->indexOf(view), view->headline());
    m_tabs->setCurrentWidget(view);
    m_dock->show();
    m_dock->raise();
    return view;
}

TechniqueView* TechniquePages::currentView() const
{
    return qobject_cast<TechniqueView*>(m_tabs->currentWidget());
}

void TechniquePages::refresh()
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto* view = qobject_cast<TechniqueView*>(m_tabs->widget(i)))
            view->showTechnique(m_session->corpus(), view->techniqueId());
    if (!m_pending.isEmpty())
        show(std::exchange(m_pending, QString()));
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
