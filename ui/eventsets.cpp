#include "eventsets.h"

#include "security5156switch.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSettings>

namespace sigmaui {

namespace {
/// The settings group of a workspace's sets (paths hashed: a settings key is no path).
QString groupOf(const QString& workspace)
{
    return QStringLiteral("eventSets/") +
           QString::fromLatin1(QCryptographicHash::hash(workspace.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}
} // namespace

EventSets::EventSets(QObject* parent)
    : QObject(parent)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(250);
    connect(&m_settle, &QTimer::timeout, this, &EventSets::changedOnDisk);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle, qOverload<>(&QTimer::start));
}

EventSets::Set EventSets::setOf(const QStringList& paths)
{
    Set set;
    for (const QString& p : paths)
        set.paths << QFileInfo(p).absoluteFilePath();
    const QString common = Security5156Switch::commonFolder(set.paths);
    set.name = QFileInfo(common).fileName();
    if (set.name.isEmpty())
        set.name = common;
    return set;
}

void EventSets::noteLoaded(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    const Set set = setOf(paths);
    if (m_sets.isEmpty()) // the first set of a session, or after Clear Events, says which workspace
        m_workspace = Security5156Switch::workspaceOf(set.paths);
    if (!m_sets.contains(set))
        m_sets << set;
    save();
    rewatch();
    Q_EMIT setsChanged();
}

void EventSets::clear()
{
    m_sets.clear();
    save();
    rewatch();
    Q_EMIT setsChanged();
}

bool EventSets::rename(int index, const QString& name)
{
    const QString trimmed = name.trimmed();
    if (index < 0 || index >= m_sets.size() || trimmed.isEmpty())
        return false;
    m_sets[index].name = trimmed;
    m_sets[index].renamed = true;
    save();
    Q_EMIT setsChanged();
    return true;
}

bool EventSets::remove(int index)
{
    if (index < 0 || index >= m_sets.size())
        return false;
    m_sets.removeAt(index);
    save();
    rewatch();
    Q_EMIT setsChanged();
    return true;
}

QStringList EventSets::allPaths() const
{
    QStringList all;
    for (const Set& set : m_sets)
        for (const QString& p : set.paths)
            if (!all.contains(p))
                all << p;
    return all;
}

void EventSets::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("eventSets/lastWorkspace"), m_workspace);
    if (m_workspace.isEmpty())
        return;
    settings.remove(groupOf(m_workspace));
    settings.beginWriteArray(groupOf(m_workspace));
    for (qsizetype i = 0; i < m_sets.size(); ++i) {
        settings.setArrayIndex(int(i));
        settings.setValue(QStringLiteral("name"), m_sets[i].name);
        settings.setValue(QStringLiteral("paths"), m_sets[i].paths);
        settings.setValue(QStringLiteral("renamed"), m_sets[i].renamed);
    }
    settings.endArray();
}

QList<EventSets::Set> EventSets::restore()
{
    QSettings settings;
    const QString workspace = settings.value(QStringLiteral("eventSets/lastWorkspace")).toString();
    QList<Set> restored;
    if (workspace.isEmpty())
        return restored;
    const int n = settings.beginReadArray(groupOf(workspace));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        Set set;
        set.name = settings.value(QStringLiteral("name")).toString();
        set.renamed = settings.value(QStringLiteral("renamed")).toBool();
        for (const QString& p : settings.value(QStringLiteral("paths")).toStringList())
            if (QFileInfo::exists(p))
                set.paths << p;
        if (!set.paths.isEmpty())
            restored << set;
    }
    settings.endArray();
    m_workspace = workspace;
    m_sets = restored;
    rewatch();
    Q_EMIT setsChanged();
    return restored;
}

void EventSets::rewatch()
{
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    // A file is watched itself; a folder with what is under it (a file added, removed, renamed or
    // written), up to kMaxWatched paths (the system's watches are a shared budget). A file saved by
    // replacing it drops its watch: every reload watches again.
    constexpr qsizetype kMaxWatched = 4096;
    QStringList paths;
    for (const QString& p : allPaths()) {
        paths << p;
        if (QFileInfo(p).isDir())
            for (QDirIterator it(p, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
                 it.hasNext() && paths.size() < kMaxWatched;)
                paths << it.next();
    }
    if (!paths.isEmpty())
        m_watcher.addPaths(paths);
}

QString EventSets::summary() const
{
    QStringList parts;
    for (const Set& set : m_sets)
        parts << (set.renamed ? set.name
                  : set.paths.size() == 1 && QFileInfo(set.paths.first()).isFile()
                      ? QFileInfo(set.paths.first()).fileName()
                      : tr("%1 (%n path(s))", nullptr, int(set.paths.size())).arg(set.name));
    return parts.isEmpty() ? QString() : tr("Event sets: %1").arg(parts.join(QStringLiteral(", ")));
}

QString EventSets::filesText() const
{
    QStringList lines;
    for (const Set& set : m_sets) {
        lines << set.name + QLatin1Char(':');
        for (const QString& p : set.paths)
            lines << QStringLiteral("  ") + QDir::toNativeSeparators(p);
    }
    if (!lines.isEmpty())
        lines << tr("(reloaded when a file changes on disk; remembered for %1)")
                     .arg(QDir::toNativeSeparators(m_workspace));
    return lines.join(QLatin1Char('\n'));
}

} // namespace sigmaui
