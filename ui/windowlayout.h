#pragma once

#include <QByteArray>
#include <QList>

class QDockWidget;
class QMainWindow;

namespace sigmaui {

/// The window's geometry and docks: the first-start layout (what View > Reset Layout returns
/// to), and the saved one (QSettings) restored at start and saved at close.
class WindowLayout {
public:
    explicit WindowLayout(QMainWindow* window);

    /// Takes the current layout as the default; call once every dock exists.
    void takeDefault();
    /// The saved layout (or the default size when none was saved).
    void restore();
    void save() const;
    /// Every dock back where a first start puts it, and shown.
    void reset(const QList<QDockWidget*>& docksToShow);

    static constexpr int DefaultWidth = 1400;
    static constexpr int DefaultHeight = 900;

private:
    QMainWindow* m_window;
    QByteArray m_default;
};

} // namespace sigmaui
