#pragma once

#include <QByteArray>
#include <QList>
#include <QSize>

class QDockWidget;
class QMainWindow;
class QWidget;

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

    /// The first-start size: the screen's available area up to 1600 x 1000 (the size the default
    /// dock proportions are made for; 1280 x 800 works too).
    static QSize defaultSize(const QWidget* window);
    static constexpr int DefaultWidth = 1600;
    static constexpr int DefaultHeight = 1000;

    /// First-start dock sizes for a window of `size`: the editor keeps most of the width.
    struct DockSizes {
        int corpusWidth;      ///< left
        int explanationWidth; ///< right
        int bottomHeight;     ///< Test, Problems, Indicators
        int testWidth;        ///< the Test pane's share of the bottom row
        int explanationShare; ///< percent of the right column for the Explanation (Event Detail below)
    };
    static DockSizes dockSizes(const QSize& size);

private:
    QMainWindow* m_window;
    QByteArray m_default;
};

} // namespace sigmaui
