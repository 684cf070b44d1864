#include "recentfiles.h"

#include <QDir>
#include <QMenu>
#include <QSettings>

namespace sigmaui {

namespace {
const QString Key = QStringLiteral("recentFiles");
} // namespace

RecentFiles::RecentFiles(QMenu* menu, QObject* parent)
    : QObject(parent)
    , m_menu(menu)
{
    rebuildMenu();
}

QStringList RecentFiles::files() const
{
    return QSettings().value(Key).toStringList();
}

void RecentFiles::add(const QString& path)
{
    QStringList list = files();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > MaxFiles)
        list.removeLast();
    QSettings().setValue(Key, list);
    rebuildMenu();
}

void RecentFiles::clear()
{
    QSettings().remove(Key);
    rebuildMenu();
}

void RecentFiles::rebuildMenu()
{
    m_menu->clear();
    const QStringList list = files();
    for (const QString& f : list) {
        QAction* a = m_menu->addAction(QDir::toNativeSeparators(f));
        connect(a, &QAction::triggered, this, [this, f] { Q_EMIT openRequested(f); });
    }
    m_menu->setEnabled(!list.isEmpty());
    if (!list.isEmpty()) {
        m_menu->addSeparator();
        m_menu->addAction(tr("Clear List"), this, &RecentFiles::clear);
    }
}

} // namespace sigmaui
