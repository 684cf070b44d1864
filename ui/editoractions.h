#pragma once

#include <QObject>

#include <functional>

class QMenu;
class QWidget;

namespace sigmaui {

class FindBar;
class RuleEditor;

/// The Edit menu's actions on the current rule editor: Undo/Redo, Cut/Copy/Paste/Select All (named,
/// not bound: the keys stay with the focused widget), Toggle Comment (Ctrl+/), Find / Replace
/// (the FindBar, Ctrl+F / Ctrl+H / F3), Go to Line (Ctrl+G).
class EditorActions : public QObject {
    Q_OBJECT
public:
    EditorActions(QMenu* edit, FindBar* findBar, std::function<RuleEditor*()> currentEditor, QWidget* window);

    /// Asks for a line of the current rule and moves there.
    void goToLineInteractive();

private:
    std::function<RuleEditor*()> m_editor;
    FindBar* m_findBar;
    QWidget* m_window;
};

} // namespace sigmaui
