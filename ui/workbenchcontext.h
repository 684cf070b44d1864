#pragma once

// What the parts of the workbench window share, and the only way they reach each other: the
// current document and the loaded events (with signals when they change), the message banner
// and the status bar, and places for docks and menus. Panes and controllers are given the
// context; none of them looks up another's widgets.

#include "eventset.h"
#include "messagebanner.h"

#include "engine/engine.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

class QDockWidget;
class QMainWindow;
class QMenu;

namespace sigmaui {

class RuleDocument;

class WorkbenchContext : public QObject {
    Q_OBJECT
public:
    WorkbenchContext(QMainWindow* window, MessageBanner* banner);

    QMainWindow* window() const { return m_window; }

    /// The document of the current tab (null when no rule is open).
    RuleDocument* currentDocument() const;
    void setCurrentDocument(RuleDocument* document);
    /// Every open document, in tab order (the document tabs keep it).
    QList<RuleDocument*> documents() const;
    void setDocumentsProvider(std::function<QList<RuleDocument*>()> provider) { m_documents = std::move(provider); }

    /// The loaded events (null when none).
    EventListPtr events() const { return m_events; }
    void setEvents(EventListPtr events);

    /// Selects these events (rows of the event list) in the Test table, the first one current.
    void selectEvents(const QList<int>& rows)
    {
        if (m_selectEvents)
            m_selectEvents(rows);
    }
    void setEventSelector(std::function<void(const QList<int>&)> selector) { m_selectEvents = std::move(selector); }

    /// The banner above the editors; `action` runs when its button is pressed.
    void showMessage(MessageBanner::Kind kind, const QString& text, const QString& actionText = {},
                     std::function<void()> action = {});
    MessageBanner* banner() const { return m_banner; }
    /// A message in the status bar (`milliseconds` 0: until replaced).
    void showStatus(const QString& text, int milliseconds = 0);

    /// The window's own docks, which others may be placed beside.
    enum class DockRole { Test, Problems, Explanation, EventDetail, Other };
    /// Where a dock goes on a first start.
    struct DockPlacement {
        Qt::DockWidgetArea area = Qt::BottomDockWidgetArea;
        QDockWidget* tabifyWith = nullptr; ///< shares this dock's place (tabbed) when given
        QDockWidget* splitFrom = nullptr;  ///< beside this dock when given
        Qt::Orientation splitOrientation = Qt::Horizontal;
        bool inViewMenu = true; ///< its show/hide action in the View menu
    };
    /// Adds a dock to the window (and its show/hide action to the View menu).
    void addDock(QDockWidget* dock, DockRole role, const DockPlacement& placement);
    /// A dock holding `content` at the bottom, tabbed with Problems (or beside the Test pane when
    /// there is no Problems dock): where the panes that explain the current rule go.
    QDockWidget* addDockBesideProblems(QWidget* content, const QString& title, const QString& objectName);
    /// The dock added with a role (null when none).
    QDockWidget* dock(DockRole role) const;
    /// A top-level menu, placed before Help.
    QMenu* addMenu(const QString& title);
    void setMenus(QMenu* viewMenu, QMenu* helpMenu);

    /// The compile options of the live evaluation (the Security 5156 switch), for other counts
    /// over the loaded events that must agree with the Test pane.
    sigma::CompileOptions compileOptions() const
    {
        return m_compileOptions ? m_compileOptions() : sigma::CompileOptions{};
    }
    void setCompileOptionsProvider(std::function<sigma::CompileOptions()> provider)
    {
        m_compileOptions = std::move(provider);
    }

    /// Opens a rule in a tab (technique pages, the corpus browser); false with a banner on failure.
    bool openRuleFile(const QString& path) { return m_openRule ? m_openRule(path) : false; }
    void setRuleOpener(std::function<bool(const QString&)> opener) { m_openRule = std::move(opener); }

    /// Shows a page (a technique page, a rule page) where there is room: a central tab beside the
    /// rule tabs, which owns it from then on (closing the tab deletes it). Shown again when present.
    void showPage(QWidget* page, const QString& title, const QString& toolTip = {})
    {
        if (m_showPage)
            m_showPage(page, title, toolTip);
    }
    void setPageHost(std::function<void(QWidget*, const QString&, const QString&)> host)
    {
        m_showPage = std::move(host);
    }

Q_SIGNALS:
    void currentDocumentChanged(sigmaui::RuleDocument* document);
    void documentAdded(sigmaui::RuleDocument* document);
    void eventsChanged(sigmaui::EventListPtr events);
    /// The current document's verdicts, problems or marks were shown.
    void resultShown();
    /// A load of events finished (successful or not).
    void eventsLoaded();

private:
    QMainWindow* m_window;
    MessageBanner* m_banner;
    std::function<void()> m_bannerAction;
    QPointer<RuleDocument> m_current;
    std::function<QList<RuleDocument*>()> m_documents;
    EventListPtr m_events;
    QList<QDockWidget*> m_viewDocks;
    QHash<int, QDockWidget*> m_roles;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_viewDockSeparator = nullptr;
    std::function<bool(const QString&)> m_openRule;
    std::function<void(QWidget*, const QString&, const QString&)> m_showPage;
    std::function<sigma::CompileOptions()> m_compileOptions;
    std::function<void(const QList<int>&)> m_selectEvents;
};

} // namespace sigmaui
