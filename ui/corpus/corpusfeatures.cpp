#include "corpusfeatures.h"

#include "corpusbrowser.h"
#include "corpussession.h"
#include "editorassistance.h"
#include "indicatorscontroller.h"
#include "techniquepages.h"

#include "../mainwindow.h"
#include "../windowlayout.h"
#include "../workbenchcontext.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>

namespace sigmaui {

CorpusFeatures* installCorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options)
{
    if (auto* existing = CorpusFeatures::of(window))
        return existing;
    return new CorpusFeatures(window->context(), options);
}

CorpusFeatures* CorpusFeatures::of(const MainWindow* window)
{
    return window ? window->corpusFeatures() : nullptr;
}

CorpusFeatures::CorpusFeatures(WorkbenchContext* context, const CorpusFeaturesOptions& options)
    : QObject(context)
    , m_context(context)
    , m_session(new CorpusSession(context, this))
    , m_browser(new CorpusBrowser(m_session, context->window()))
    , m_indicators(new IndicatorsController(context, m_session, this))
    , m_techniques(new TechniquePages(context, m_session, this))
    , m_assistance(new EditorAssistance(context, m_session, m_indicators, m_techniques, this))
    , m_corpusDock(new QDockWidget(tr("Corpus"), context->window()))
{
    setObjectName(QStringLiteral("corpusFeatures"));
    m_corpusDock->setObjectName(QStringLiteral("corpusDock"));
    m_corpusDock->setWidget(m_browser);
    placeDocks();
    // The main window restores the saved layout (and takes its default) after these docks exist.
    createMenu();
    connect(m_browser, &CorpusBrowser::ruleActivated, this,
            [this](const QString& file) { m_context->openRuleFile(file); });
    connect(m_browser, &CorpusBrowser::rulePageRequested, m_techniques, &TechniquePages::showRule);
    connect(m_browser, &CorpusBrowser::techniqueActivated, m_techniques, &TechniquePages::show);
    connect(m_session, &CorpusSession::loaded, this, &CorpusFeatures::corpusLoaded);
    connect(m_indicators, &IndicatorsController::updated, this, &CorpusFeatures::indicatorsUpdated);
    if (options.restoreCorpus) {
        const QString remembered = CorpusSession::rememberedFolder();
        if (!remembered.isEmpty())
            openCorpus(remembered);
    }
}

CorpusFeatures::~CorpusFeatures() = default;

void CorpusFeatures::placeDocks()
{
    // Left of the editors; Indicators beside the Test pane, sharing its place with Problems (in
    // front). Technique and rule pages are central tabs (TechniquePages), not docks.
    using Role = WorkbenchContext::DockRole;
    const auto place = [](Qt::DockWidgetArea area, QDockWidget* tabifyWith, QDockWidget* splitFrom) {
        WorkbenchContext::DockPlacement p;
        p.area = area;
        p.tabifyWith = tabifyWith;
        p.splitFrom = splitFrom;
        p.inViewMenu = false; // the Corpus menu has them
        return p;
    };
    m_context->addDock(m_corpusDock, Role::Other, place(Qt::LeftDockWidgetArea, nullptr, nullptr));
    QDockWidget* test = m_context->dock(Role::Test);
    QDockWidget* problems = m_context->dock(Role::Problems);
    m_context->addDock(indicatorsDock(), Role::Other,
                       place(Qt::BottomDockWidgetArea, problems, problems ? nullptr : test));
    QMainWindow* window = m_context->window();
    const WindowLayout::DockSizes sizes = WindowLayout::dockSizes(window->size());
    if (problems) {
        indicatorsDock()->raise();
        if (test)
            window->resizeDocks({test, indicatorsDock()}, {sizes.testWidth, window->width() - sizes.testWidth},
                                Qt::Horizontal);
    }
    window->resizeDocks({m_corpusDock}, {sizes.corpusWidth}, Qt::Horizontal);
}

void CorpusFeatures::createMenu()
{
    QWidget* window = m_context->window();
    m_menu = m_context->addMenu(tr("&Corpus")); // before Help
    m_menu->setObjectName(QStringLiteral("corpusMenu"));
    m_menu->addAction(tr("&Open Corpus Folder…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [=, this] {
        const QString dir = QFileDialog::getExistingDirectory(window, tr("Open Corpus Folder"), corpusPath());
        if (!dir.isEmpty())
            openCorpus(dir);
    });
    m_menu->addAction(tr("&Reload Corpus"), this, [this] {
        if (!corpusPath().isEmpty())
            openCorpus(corpusPath());
    });
    m_menu->addAction(tr("&Cancel Loading"), this, &CorpusFeatures::cancelLoading);
    m_menu->addSeparator();
    // "&&": a single '&' in a menu or a dialog label is a mnemonic, and "ATT&CK" would read "ATTCK".
    QAction* techniquePage =
        m_menu->addAction(tr("&Technique Page…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), this, [=, this] {
            bool ok = false;
            const QString id = QInputDialog::getText(window, tr("Technique Page"), tr("ATT&&CK technique id:"),
                                                     QLineEdit::Normal, techniqueAtCursor(), &ok);
            if (ok && !id.trimmed().isEmpty())
                showTechnique(id);
        });
    techniquePage->setObjectName(QStringLiteral("techniquePageAction"));
    m_menu->addAction(tr("Technique Page of the &Tag at the Cursor"), QKeySequence(Qt::Key_F4), this, [this] {
        const QString id = techniqueAtCursor();
        if (!id.isEmpty())
            showTechnique(id);
        else
            m_context->showStatus(tr("The cursor is not on an ATT&CK technique tag"), 3000);
    });
    m_menu->addSeparator();
    QAction* navigator = m_menu->addAction(tr("Export ATT&&CK &Navigator Layer…"), m_techniques,
                                           &TechniquePages::exportNavigatorLayerInteractive);
    navigator->setObjectName(QStringLiteral("exportNavigatorAction"));
    m_menu->addSeparator();
    for (QDockWidget* d : {m_corpusDock, indicatorsDock()})
        m_menu->addAction(d->toggleViewAction());
}

void CorpusFeatures::openCorpus(const QString& folder)
{
    m_session->open(folder);
}

void CorpusFeatures::cancelLoading()
{
    m_session->cancel();
}

bool CorpusFeatures::isLoading() const
{
    return m_session->isLoading();
}

CorpusPtr CorpusFeatures::corpus() const
{
    return m_session->corpus();
}

QString CorpusFeatures::corpusPath() const
{
    return m_session->path();
}

TechniqueView* CorpusFeatures::showTechnique(const QString& techniqueId)
{
    return m_techniques->show(techniqueId);
}

TechniqueView* CorpusFeatures::currentTechniqueView() const
{
    return m_techniques->currentView();
}

bool CorpusFeatures::exportNavigatorLayer(const QString& path, QString* error) const
{
    return m_techniques->exportNavigatorLayer(path, error);
}

QString CorpusFeatures::hoverTextAt(RuleEditor* editor, int line, int column) const
{
    return m_assistance->hoverTextAt(editor, line, column);
}

void CorpusFeatures::selectIndicator(const IndicatorFigures& figures)
{
    m_indicators->selectIndicator(figures);
}

QString CorpusFeatures::techniqueAtCursor() const
{
    return m_assistance->techniqueAtCursor();
}

QStringList CorpusFeatures::eventFieldNames() const
{
    return m_assistance->eventFieldNames();
}

void CorpusFeatures::attachEditor(RuleEditor* editor)
{
    m_assistance->attach(editor);
}

IndicatorsPane* CorpusFeatures::indicatorsPane() const
{
    return m_indicators->pane();
}

CorpusTreeModel* CorpusFeatures::treeModel() const
{
    return m_browser->treeModel();
}

CorpusFilterProxy* CorpusFeatures::treeProxy() const
{
    return m_browser->treeProxy();
}

QTreeView* CorpusFeatures::treeView() const
{
    return m_browser->treeView();
}

QLineEdit* CorpusFeatures::searchEdit() const
{
    return m_browser->searchEdit();
}

QComboBox* CorpusFeatures::groupingBox() const
{
    return m_browser->groupingBox();
}

QDockWidget* CorpusFeatures::indicatorsDock() const
{
    return m_indicators->dock();
}

QComboBox* CorpusFeatures::vendorBox() const
{
    return m_browser->vendorBox();
}

RulePageView* CorpusFeatures::showRulePage(const QString& file, const QString& id)
{
    return m_techniques->showRule(file, id);
}

RulePageView* CorpusFeatures::currentRulePage() const
{
    return m_techniques->currentRulePage();
}

} // namespace sigmaui
