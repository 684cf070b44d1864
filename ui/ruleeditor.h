#pragma once

#include "editorcolors.h"
#include "util/diagnostic.h"

#include <QMap>
#include <QPlainTextEdit>
#include <QVector>

#include <array>

class QSyntaxHighlighter;

namespace sigmaui {

class SyntaxSupport;

/// A range of the editor's text with a meaning (1-based lines and columns, end exclusive;
/// columns count QString characters of the line).
struct EditorMark {
    enum class Kind {
        Matched,         ///< predicate held for the selected event (green)
        Failed,          ///< predicate failed (red)
        Error,           ///< wavy red underline
        Warning,         ///< wavy amber underline
        Info,            ///< dotted underline
        SigmaKeyword,    ///< condition keyword
        SigmaModifier,   ///< |modifier
        SigmaIdentifier, ///< search identifier
    };
    Kind kind = Kind::Error;
    int line = 0;
    int column = 0;
    int endLine = 0;
    int endColumn = 0;
    QString toolTip;

    friend bool operator==(const EditorMark&, const EditorMark&) = default;
};

/// The marks are kept in layers that are set independently and drawn in this order.
enum class MarkLayer { Sigma, Predicates, Diagnostics, Count };

/// The rule editor: YAML highlighting (through SyntaxSupport), line numbers, the current line,
/// and ExtraSelection layers for the Sigma layer, predicate marks and diagnostics (with tooltips).
class RuleEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit RuleEditor(const SyntaxSupport* syntax, QWidget* parent = nullptr);

    QSyntaxHighlighter* highlighter() const { return m_highlighter; }
    const EditorColors& colors() const { return m_colors; }

    void setMarks(MarkLayer layer, QVector<EditorMark> marks);
    /// While one lives, setMarks() only records the marks; the editor's selections are rebuilt
    /// once when the last one ends (several layers updated for one result).
    class MarksUpdate {
    public:
        explicit MarksUpdate(RuleEditor* editor);
        ~MarksUpdate();
        MarksUpdate(const MarksUpdate&) = delete;
        MarksUpdate& operator=(const MarksUpdate&) = delete;

    private:
        RuleEditor* m_editor;
    };
    const QVector<EditorMark>& marks(MarkLayer layer) const { return m_marks[std::size_t(layer)]; }
    /// Tooltips of the marks covering a position (1-based line/column).
    QStringList toolTipsAt(int line, int column) const;
    /// The error shown at the end of each line that has one (1-based line -> message), drawn
    /// after the line's text so an error is seen where it is, not only in the Problems pane.
    QMap<int, QString> inlineErrors() const;
    /// The rule's indentation step (its smallest indentation; 4 when none or odd).
    int indentStep() const;
    /// The 0-based character columns of a line's indentation guides (none on a blank line).
    static QList<int> indentGuides(const QString& line, int step);

    /// Moves the cursor to a 1-based line and column and shows it.
    void jumpTo(int line, int column);
    /// Inserts `field: 'value'` as a detection item below the current item (same indentation),
    /// or at the cursor when the cursor is not on a mapping item.
    void insertDetectionItem(const QString& field, const QString& value);

    /// Comments the selected lines (or the current one) out with `# `, or back in when every
    /// non-empty one is commented; one undo step.
    void toggleComment();
    /// A new line keeping the current line's indentation, one level deeper after a `key:` with
    /// no value or a `- ` item start (YAML block structure); one undo step.
    void newLineWithIndent();
    /// Finds `text` from the cursor (wrapping around); selects it and returns true when found.
    bool find(const QString& text, bool backwards = false, bool caseSensitive = false);
    /// Replaces the selection when it is `text`, then finds the next; returns true when replaced.
    bool replaceNext(const QString& text, const QString& replacement, bool caseSensitive = false);
    /// Replaces every occurrence (one undo step); returns how many.
    int replaceAll(const QString& text, const QString& replacement, bool caseSensitive = false);

    /// The quick fixes of the diagnostics of the current text (those carrying a sigma::Fix); they
    /// are dropped as soon as the text changes. Ctrl+. (showQuickFixes) offers those at the cursor.
    void setQuickFixes(const sigma::Diagnostics& diagnostics);
    /// The fixes of the diagnostics covering the cursor, else of those on its line (one per title).
    std::vector<sigma::Fix> quickFixesAtCursor() const;
    /// Applies a fix's edits to the text as one undo step; false when an edit is outside the text.
    bool applyQuickFix(const sigma::Fix& fix);
    /// The "Quick fix" menu at the cursor (Ctrl+.); returns it (it deletes itself when closed).
    class QMenu* showQuickFixes();
    /// The 1-based lines that start a diagnostic with a quick fix, for the current text: the
    /// margin draws a light bulb there (a click on it opens the Quick fix menu on that line).
    QList<int> quickFixLines() const;
    /// A click in the line-number margin at `y` (margin coordinates): on a light bulb, the cursor
    /// goes to that line's first fix and the menu opens (returned); nullptr elsewhere.
    class QMenu* quickFixMarginClicked(int y);

    int lineNumberAreaWidth() const;
    void paintLineNumbers(class QPaintEvent* event);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void applyColors();
    void updateLineNumberAreaWidth();
    void updateLineNumberArea(const QRect& rect, int dy);
    void updateExtraSelections();
    QTextCursor cursorFor(int line, int column) const;
    void paintLightBulb(class QPainter& painter, const QRect& box) const;

    const SyntaxSupport* m_syntax;
    QSyntaxHighlighter* m_highlighter = nullptr;
    QWidget* m_lineNumberArea;
    EditorColors m_colors;
    std::array<QVector<EditorMark>, std::size_t(MarkLayer::Count)> m_marks;
    int m_marksUpdates = 0;    ///< live MarksUpdate guards
    bool m_marksDirty = false; ///< marks changed under a guard
    bool m_applyingColors = false;
    QString m_shownToolTip;          ///< the marks' tooltip the editor shows last
    sigma::Diagnostics m_quickFixes; ///< diagnostics with a fix, for m_quickFixText
    QString m_quickFixText;
};

/// A value as a single-quoted YAML scalar (Sigma style).
QString yamlScalar(const QString& value);

} // namespace sigmaui
