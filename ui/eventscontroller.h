#pragma once

#include "eventloader.h"

#include <QObject>
#include <QStringList>

class QMenu;
class QWidget;

namespace sigmaui {

class EventSets;
class TestPane;
class WorkbenchContext;

/// Loading events into the workbench: files read in the background with progress and cancel in
/// the Test pane, added to the loaded ones, and errors or skipped records told in the banner.
/// The loaded events go to the WorkbenchContext.
class EventsController : public QObject {
    Q_OBJECT
public:
    EventsController(WorkbenchContext* context, TestPane* pane, QObject* parent = nullptr);
    ~EventsController() override;

    /// Loads event files in the background (added to the loaded ones).
    void load(const QStringList& paths);
    /// Asks for files to load.
    void loadInteractive();
    /// File > Load Events Folder…: every event file under a folder (recursively).
    void loadFolderInteractive();
    /// The folder the last events came from (the dialogs start there).
    static QString lastFolder();
    void cancel();
    bool isLoading() const;

    /// The named event sets loaded (remembered per workspace, watched on disk).
    EventSets* sets() const { return m_sets; }
    /// Loads the sets remembered from the last session in place of the loaded events; false when
    /// there are none.
    bool restoreSets();
    /// Loads every set again in place of the loaded events (a file changed on disk).
    void reloadSets();
    /// Clear Events: the sets are forgotten.
    void forgetSets();
    /// Renames a set (remembered for the workspace). False for an empty name or no such set.
    bool renameSet(int index, const QString& name);
    /// Asks for a set's new name.
    void renameSetInteractive(int index);
    /// Removes a set: the other sets are loaded again in place of the loaded events (none left:
    /// no events). False for no such set or while events load.
    bool removeSet(int index);
    /// File > Event Sets (also the context menu of the Test pane's event-set line): Rename… and
    /// Remove for each set, filled when it opens.
    QMenu* createSetsMenu(QWidget* parent);
    /// Fills `menu` with the sets' actions (what createSetsMenu shows).
    void fillSetsMenu(QMenu* menu);

Q_SIGNALS:
    /// A load finished (successful or not); its events are in the context.
    void loaded();

private:
    void onLoaded(const EventLoadResultPtr& result);

    WorkbenchContext* m_context;
    TestPane* m_pane;
    EventLoader* m_loader;
    QString m_bannerText; ///< the banner this controller showed last (dismissed by a good load)
    EventSets* m_sets;
    QStringList m_loading;    ///< the paths of the running load (a new set once loaded)
    QStringList m_queued;     ///< paths asked for while a load ran: loaded after it
    bool m_replacing = false; ///< the running load replaces the loaded events (restore, reload)
};

} // namespace sigmaui
