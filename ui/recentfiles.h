#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace sigmaui {

/// File > Open Recent: the last opened or saved files (QSettings), newest first.
class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int MaxFiles = 10;

    /// Fills `menu` (and keeps it up to date); a chosen file is reported by openRequested.
    explicit RecentFiles(QMenu* menu, QObject* parent = nullptr);

    QStringList files() const;
    void add(const QString& path);
    void clear();

Q_SIGNALS:
    void openRequested(const QString& path);

private:
    void rebuildMenu();

    QMenu* m_menu;
};

} // namespace sigmaui
