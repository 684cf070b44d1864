#include "workbenchcontext.h"

#include "ruledocument.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

namespace sigmaui {

WorkbenchContext::WorkbenchContext(QMainWindow* window, MessageBanner* banner)
    : QObject(window)
    , m_window(window)
    , m_banner(banner)
{
    connect(m_banner, &MessageBanner::actionTriggered, this, [this] {
        if (auto action = std::exchange(m_bannerAction, {}))
            action();
    });
}

RuleDocument* WorkbenchContext::currentDocument() const
{
    return m_current;
}

void WorkbenchContext::setCurrentDocument(RuleDocument* document)
{
    if (document == m_current)
        return;
    m_current = document;
    Q_EMIT currentDocumentChanged(document);
}

QList<RuleDocument*> WorkbenchContext::documents() const
{
    return m_documents ? m_documents() : QList<RuleDocument*>{};
}

void WorkbenchContext::setEvents(EventListPtr events)
{
    m_events = std::move(events);
    Q_EMIT eventsChanged(m_events);
}

void WorkbenchContext::showMessage(MessageBanner::Kind kind, const QString& text, const QString& actionText,
                                   std::function<void()> action)
{
    m_bannerAction = std::move(action);
    m_banner->showMessage(kind, text, actionText);
}

void WorkbenchContext::showStatus(const QString& text, int milliseconds)
{
    m_window->statusBar()->showMessage(text, milliseconds);
}

namespace {
/// A dock's content as the dock layout sees it: the size the layout gives it, never the size of
/// what it shows, so a long value in a pane cannot widen its dock and squeeze the editor. The
/// panes elide or wrap what does not fit.
class DockContent : public QWidget {
public:
    explicit DockContent(QWidget* content)
    {
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(content);
        setObjectName(content->objectName() + QStringLiteral("Frame"));
    }
    QSize sizeHint() const override { return {320, 240}; }
    QSize minimumSizeHint() const override { return {120, 80}; }
};
} // namespace

void WorkbenchContext::addDock(QDockWidget* dock, DockRole role, const DockPlacement& placement)
{
    if (QWidget* content = dock->widget(); content && !dynamic_cast<DockContent*>(content))
        dock->setWidget(new DockContent(content));
    m_window->addDockWidget(placement.area, dock);
    if (placement.tabifyWith)
        m_window->tabifyDockWidget(placement.tabifyWith, dock);
    else if (placement.splitFrom)
        m_window->splitDockWidget(placement.splitFrom, dock, placement.splitOrientation);
    if (role != DockRole::Other)
        m_roles.insert(int(role), dock);
    if (!placement.inViewMenu)
        return;
    m_viewDocks.append(dock);
    if (m_viewMenu)
        m_viewMenu->insertAction(m_viewDockSeparator, dock->toggleViewAction());
}

QDockWidget* WorkbenchContext::addDockBesideProblems(QWidget* content, const QString& title, const QString& objectName)
{
    auto* dock = new QDockWidget(title, m_window);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    DockPlacement placement;
    placement.area = Qt::BottomDockWidgetArea;
    placement.tabifyWith = this->dock(DockRole::Problems);
    placement.splitFrom = placement.tabifyWith ? nullptr : this->dock(DockRole::Test);
    addDock(dock, DockRole::Other, placement);
    return dock;
}

QDockWidget* WorkbenchContext::dock(DockRole role) const
{
    return m_roles.value(int(role));
}

QMenu* WorkbenchContext::addMenu(const QString& title)
{
    auto* menu = new QMenu(title, m_window);
    m_window->menuBar()->insertMenu(m_helpMenu ? m_helpMenu->menuAction() : nullptr, menu);
    return menu;
}

void WorkbenchContext::setMenus(QMenu* viewMenu, QMenu* helpMenu)
{
    m_viewMenu = viewMenu;
    m_helpMenu = helpMenu;
    // Dock toggles go into their own section of the View menu, above what follows it.
    m_viewDockSeparator = m_viewMenu->addSeparator();
    for (QDockWidget* dock : std::as_const(m_viewDocks))
        m_viewMenu->insertAction(m_viewDockSeparator, dock->toggleViewAction());
}

} // namespace sigmaui
