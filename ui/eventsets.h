#pragma once

// Named event sets (issue 20): each load of event files or folders is a set, named after the folder
// its paths share, remembered per workspace (Security5156Switch::workspaceOf) between sessions,
// reloaded on start, and reloaded when one of its files changes on disk.

#include <QFileSystemWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace sigmaui {

class EventSets : public QObject {
    Q_OBJECT
public:
    struct Set {
        QString name;         ///< the folder the paths share ("events")
        QStringList paths;    ///< files and folders, as loaded (absolute)
        bool renamed = false; ///< the name was given by the user (shown as is)
        bool operator==(const Set& other) const { return paths == other.paths; }
    };

    explicit EventSets(QObject* parent = nullptr);

    /// A load of `paths` (not a reload): a new set of the workspace, remembered.
    void noteLoaded(const QStringList& paths);
    /// Clear Events: no set is loaded any more (the workspace remembers none).
    void clear();
    /// Gives set `index` a name of the user's (remembered). False for an empty name or no such set.
    bool rename(int index, const QString& name);
    /// Removes set `index` (remembered; the caller loads the others again). False for no such set.
    bool remove(int index);
    /// The sets loaded, in load order.
    const QList<Set>& sets() const { return m_sets; }
    /// Every path of every set, for one load.
    QStringList allPaths() const;
    /// The workspace the sets are remembered for.
    const QString& workspace() const { return m_workspace; }

    /// The sets remembered for the last workspace of an earlier session (they are watched from now
    /// on; the caller loads allPaths()). Empty when none or when their files are gone.
    QList<Set> restore();

    /// "2 event sets: events (3 files), logs (1 folder)" and its tooltip, one file per line.
    QString summary() const;
    QString filesText() const;

    static Set setOf(const QStringList& paths);

    /// Watches the sets' files and folders again (a file replaced on save drops its watch).
    void rewatch();

Q_SIGNALS:
    /// A file of a set changed on disk (several changes close together are one signal): reload.
    void changedOnDisk();
    /// The list of sets changed (a load, a clear, a restore, a rename, a removal).
    void setsChanged();

private:
    void save() const;

    QList<Set> m_sets;
    QString m_workspace;
    QFileSystemWatcher m_watcher;
    QTimer m_settle; ///< coalesces the watcher's signals (an editor's save is several events)
};

} // namespace sigmaui
