#pragma once

#include <QWidget>

#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace sigmaui {

class RuleEditor;

/// Find and replace in the current rule editor, as a bar under the rule tabs (Edit > Find… Ctrl+F,
/// Replace… Ctrl+H): Enter finds the next, Shift+Enter the previous, Escape closes the bar and
/// gives the focus back to the editor. The text not found turns the field red and says so.
class FindBar : public QWidget {
    Q_OBJECT
public:
    explicit FindBar(std::function<RuleEditor*()> currentEditor, QWidget* parent = nullptr);

    /// Shows the bar (with the replace row when `replace`), the editor's selection as the text.
    void open(bool replace);
    void close();
    bool findNext(bool backwards = false);
    bool replaceNext();
    int replaceAll();

    QLineEdit* findEdit() const { return m_find; }
    QLineEdit* replaceEdit() const { return m_replace; }
    QString statusText() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setFound(bool found);

    std::function<RuleEditor*()> m_editor;
    QLineEdit* m_find;
    QLineEdit* m_replace;
    QCheckBox* m_caseSensitive;
    QWidget* m_replaceRow;
    QLabel* m_status;
};

} // namespace sigmaui
