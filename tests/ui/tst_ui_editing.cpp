// Editor basics as Kate and VS Code users expect them (issue 20): auto-indent on Enter, comment
// toggle (Ctrl+/), find / replace under the rule tabs (Ctrl+F, Ctrl+H) with the event filter on
// Ctrl+Shift+F, go to line (Ctrl+G), Cut/Copy/Paste in the Edit menu, and window shortcuts that
// keep working while the event filter has focus.
#include "findbar.h"
#include "liveevaluator.h"
#include "mainwindow.h"
#include "querypane.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testwindow.h"
#include "theme.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QHelpEvent>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTimer>
#include <QToolTip>

#include <algorithm>

using namespace sigmaui;

namespace {
const char* const Rule = "title: Test rule\n"
                         "logsource:\n"
                         "    category: process_creation\n"
                         "detection:\n"
                         "    selection:\n"
                         "        Image|endswith: '\\\\powershell.exe'\n"
                         "        CommandLine|contains: 'enc'\n"
                         "    condition: selection\n";

struct Window : sigmatest::TestWindow {
    RuleEditor* editor = nullptr;

    Window()
        : TestWindow()
    {
        window->newRule();
        editor = window->currentEditor();
        editor->setPlainText(QString::fromLatin1(Rule));
        window->show();
        (void)QTest::qWaitForWindowExposed(window.get());
        window->activateWindow();
        editor->setFocus();
    }

    QAction* action(const char* name) const
    {
        return window->menuBar()->findChild<QAction*>(QString::fromLatin1(name));
    }
};

void placeCursor(RuleEditor* editor, int line, int column)
{
    QTextCursor c(editor->document()->findBlockByNumber(line - 1));
    c.setPosition(c.block().position() + column - 1);
    editor->setTextCursor(c);
}

/// The title of the front tab of the dock tab bar that has a tab titled `title`.
QString frontTab(QMainWindow* window, const QString& title)
{
    for (QTabBar* bar : window->findChildren<QTabBar*>()) {
        if (qobject_cast<QTabWidget*>(bar->parentWidget()))
            continue; // the rule tabs, not a dock tab bar
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i) == title)
                return bar->tabText(bar->currentIndex());
    }
    return {};
}

QString lineText(RuleEditor* editor, int line)
{
    return editor->document()->findBlockByNumber(line - 1).text();
}
} // namespace

class TestUiEditing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void enterKeepsIndentation_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("newLine");
        QTest::addRow("after a key opening a block") << 5 << QStringLiteral("        ");
        QTest::addRow("after an item") << 6 << QStringLiteral("        ");
        QTest::addRow("after a top-level key with a value") << 1 << QString();
        QTest::addRow("after a top-level block key") << 4 << QStringLiteral("    ");
    }
    void enterKeepsIndentation()
    {
        QFETCH(int, line);
        QFETCH(QString, newLine);
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromLatin1(Rule));
        placeCursor(&editor, line, lineText(&editor, line).size() + 1);
        QTest::keyClick(&editor, Qt::Key_Return);
        QCOMPARE(lineText(&editor, line + 1), newLine);
        QCOMPARE(editor.textCursor().positionInBlock(), newLine.size());
        editor.undo(); // one step
        QCOMPARE(editor.toPlainText(), QString::fromLatin1(Rule));
    }

    void indentationGuides()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromLatin1(Rule));
        QCOMPARE(editor.indentStep(), 4);
        QCOMPARE(RuleEditor::indentGuides(lineText(&editor, 6), 4), (QList<int>{4})); // "        Image..."
        QCOMPARE(RuleEditor::indentGuides(lineText(&editor, 5), 4), QList<int>{});    // "    selection:"
        QCOMPARE(RuleEditor::indentGuides(QStringLiteral("            - 'a'"), 4), (QList<int>{4, 8}));
        QCOMPARE(RuleEditor::indentGuides(QStringLiteral("        "), 4), QList<int>{}); // blank
        editor.setPlainText(QStringLiteral("detection:\n  sel:\n    Image: x\n  condition: sel\n"));
        QCOMPARE(editor.indentStep(), 2);
    }

    // Issue 20: switching from Dark back to System or Light left the editor dark until restart.
    void editorFollowsTheApplicationPalette()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromLatin1(Rule));
        editor.show();
        const QPalette original = QApplication::palette();
        QPalette dark = original;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        QPalette light = original;
        light.setColor(QPalette::Window, QColor(0xf0, 0xf0, 0xf0));
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        QApplication::setPalette(dark);
        QTRY_VERIFY(editor.colors().dark);
        QVERIFY(editor.palette().color(QPalette::Base).lightness() < 128);
        QApplication::setPalette(light);
        QTRY_VERIFY(!editor.colors().dark);
        QVERIFY(editor.palette().color(QPalette::Base).lightness() > 128);
        QApplication::setPalette(original);
    }

    // Issue 20, seen in the GUI: Dark, then System or Light, left the window's editor (a child
    // widget, not a window of its own as above) dark and the Query pane's text near-invisible.
    void themeSwitchReachesTheWindowsEditorAndQuery()
    {
        const QPalette original = QApplication::palette();
        const QString style = QApplication::style()->name();
        Window w;
        QPlainTextEdit* query = w.window->queryPane()->queryView();
        auto readable = [](QWidget* view) {
            return contrastRatio(view->palette().color(QPalette::Text), view->palette().color(QPalette::Base)) >= 4.5;
        };
        QTRY_VERIFY(!query->toPlainText().isEmpty());
        const ThemeChoice sequence[] = {ThemeChoice::Dark, ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::System};
        for (ThemeChoice choice : sequence) {
            applyTheme(choice);
            const bool dark = isDarkPalette(QApplication::palette());
            QTRY_COMPARE(w.editor->colors().dark, dark);
            QCOMPARE(w.editor->palette().color(QPalette::Base).lightness() < 128, dark);
            QVERIFY(readable(w.editor));
            QTRY_COMPARE(query->palette().color(QPalette::Base).lightness() < 128, dark);
            QVERIFY2(readable(query), qPrintable(query->palette().color(QPalette::Text).name() + QLatin1String(" on ") +
                                                 query->palette().color(QPalette::Base).name()));
        }
        QApplication::setPalette(original);
        QApplication::setStyle(QStyleFactory::create(style));
    }

    void commentToggle()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromLatin1(Rule));
        QTextCursor c(editor.document()->findBlockByNumber(5));
        c.setPosition(editor.document()->findBlockByNumber(6).position() + 3, QTextCursor::KeepAnchor);
        editor.setTextCursor(c);
        QTest::keyClick(&editor, Qt::Key_Slash, Qt::ControlModifier);
        QCOMPARE(lineText(&editor, 6), QStringLiteral("        # Image|endswith: '\\\\powershell.exe'"));
        QCOMPARE(lineText(&editor, 7), QStringLiteral("        # CommandLine|contains: 'enc'"));
        QCOMPARE(lineText(&editor, 5), QStringLiteral("    selection:"));
        QTest::keyClick(&editor, Qt::Key_Slash, Qt::ControlModifier);
        QCOMPARE(editor.toPlainText(), QString::fromLatin1(Rule));
        // A block of different indentations is commented at the smallest one.
        c.setPosition(editor.document()->findBlockByNumber(4).position());
        c.setPosition(editor.document()->findBlockByNumber(5).position() + 2, QTextCursor::KeepAnchor);
        editor.setTextCursor(c);
        editor.toggleComment();
        QCOMPARE(lineText(&editor, 5), QStringLiteral("    # selection:"));
        QCOMPARE(lineText(&editor, 6), QStringLiteral("    #     Image|endswith: '\\\\powershell.exe'"));
        editor.undo();
        QCOMPARE(editor.toPlainText(), QString::fromLatin1(Rule));
    }

    void findAndReplaceFromTheEditMenu()
    {
        Window w;
        FindBar* bar = w.window->findBar();
        QVERIFY(bar->isHidden());
        QTest::keyClick(w.editor, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(bar->isVisible());
        QTRY_VERIFY(bar->findEdit()->hasFocus());
        QTest::keyClicks(bar->findEdit(), QStringLiteral("selection"));
        QCOMPARE(w.editor->textCursor().selectedText(), QStringLiteral("selection"));
        QCOMPARE(w.editor->textCursor().blockNumber(), 4);
        QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QCOMPARE(w.editor->textCursor().blockNumber(), 7); // "condition: selection"
        QTest::keyClick(bar->findEdit(), Qt::Key_Return);
        QCOMPARE(w.editor->textCursor().blockNumber(), 4); // wrapped around
        QTest::keyClick(bar->findEdit(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(w.editor->textCursor().blockNumber(), 7);
        bar->findEdit()->setText(QStringLiteral("no such text"));
        QVERIFY(!bar->findNext());
        QCOMPARE(bar->statusText(), QStringLiteral("Not found"));
        // Replace (Ctrl+H): all occurrences, one undo step.
        w.action("replaceAction")->trigger();
        QVERIFY(bar->replaceEdit()->isVisible());
        bar->findEdit()->setText(QStringLiteral("selection"));
        bar->replaceEdit()->setText(QStringLiteral("sel"));
        QCOMPARE(bar->replaceAll(), 2);
        QCOMPARE(lineText(w.editor, 5), QStringLiteral("    sel:"));
        QCOMPARE(lineText(w.editor, 8), QStringLiteral("    condition: sel"));
        w.editor->undo();
        QCOMPARE(w.editor->toPlainText(), QString::fromLatin1(Rule));
        // Escape closes the bar and gives the focus back to the editor.
        bar->findEdit()->setFocus();
        QTest::keyClick(bar->findEdit(), Qt::Key_Escape);
        QVERIFY(bar->isHidden());
        QTRY_VERIFY(w.editor->hasFocus());
    }

    void findEventsHasItsOwnShortcut()
    {
        Window w;
        QAction* find = w.action("findAction");
        QAction* findEvents = w.action("findEventsAction");
        QVERIFY(find && findEvents);
        QCOMPARE(find->shortcut(), QKeySequence(QKeySequence::Find));
        QCOMPARE(findEvents->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
        QTest::keyClick(w.editor, Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(w.window->filterEdit()->hasFocus());
    }

    void windowShortcutsWorkFromTheEventFilter_data()
    {
        QTest::addColumn<int>("key");
        QTest::addColumn<bool>("window");
        QTest::addRow("Ctrl+E loads events") << int(Qt::Key_E) << true;
        QTest::addRow("Ctrl+K") << int(Qt::Key_K) << true;
        QTest::addRow("Ctrl+C copies the filter text") << int(Qt::Key_C) << false;
        QTest::addRow("Ctrl+A selects the filter text") << int(Qt::Key_A) << false;
    }
    void windowShortcutsWorkFromTheEventFilter()
    {
        QFETCH(int, key);
        QFETCH(bool, window);
        Window w;
        QLineEdit* filter = w.window->filterEdit();
        QKeyEvent override(QEvent::ShortcutOverride, key, Qt::ControlModifier);
        override.setAccepted(false);
        QApplication::sendEvent(filter, &override);
        // An accepted override keeps the key in the line edit; the window's shortcut then never fires.
        QCOMPARE(override.isAccepted(), !window);
    }

    void goToLine()
    {
        Window w;
        QAction* go = w.action("goToLineAction");
        QVERIFY(go);
        QCOMPARE(go->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_G));
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            dialog->setIntValue(7);
            dialog->accept();
            answered = true;
        });
        go->trigger();
        QVERIFY(answered);
        QCOMPARE(w.editor->textCursor().blockNumber(), 6);
    }

    // A YAML error is seen where it is: the whole token underlined, the message at the end of its
    // line, the Problems pane in front when the rule stops compiling; all of it gone after the fix.
    void yamlErrorIsShownOnItsLineAndGoesAwayWhenFixed()
    {
        Window w;
        LiveEvaluator* evaluator = w.window->evaluatorAt(w.window->currentTab());
        QTRY_VERIFY(evaluator->lastResult() && evaluator->lastResult()->ok() &&
                    evaluator->lastResult()->text == w.editor->toPlainText());
        auto* problems = w.window->findChild<QDockWidget*>(QStringLiteral("problemsDock"));
        auto* indicators = w.window->findChild<QDockWidget*>(QStringLiteral("indicatorsDock"));
        QVERIFY(problems && indicators);
        indicators->raise(); // Problems behind Indicators, as on a first start
        QTRY_COMPARE(frontTab(w.window.get(), QStringLiteral("Indicators")), QStringLiteral("Indicators"));

        // Line 7 loses two spaces of indentation: "end of map not found" at 7:7.
        QTextCursor c(w.editor->document()->findBlockByNumber(6));
        c.setPosition(c.position() + 2, QTextCursor::KeepAnchor);
        c.removeSelectedText();
        QTRY_VERIFY(!w.editor->inlineErrors().isEmpty());
        QVERIFY2(w.editor->inlineErrors().value(7).contains(QLatin1String("YAML syntax error")),
                 qPrintable(w.editor->inlineErrors().value(7)));
        const QVector<EditorMark>& marks = w.editor->marks(MarkLayer::Diagnostics);
        const auto error = std::find_if(marks.begin(), marks.end(),
                                        [](const EditorMark& m) { return m.kind == EditorMark::Kind::Error; });
        QVERIFY(error != marks.end());
        QCOMPARE(error->line, 7);
        QCOMPARE(error->column, 7);
        QCOMPARE(error->endColumn, 7 + int(qstrlen("CommandLine|contains:"))); // the whole token
        QTRY_VERIFY(frontTab(w.window.get(), QStringLiteral("Indicators")).startsWith(QLatin1String("Problems")));
        QVERIFY(w.editor->hasFocus()); // raised, not focused

        // The error's tooltip, then the fix: the tooltip and the inline message go.
        QTextCursor onError(w.editor->document()->findBlockByNumber(6));
        onError.setPosition(onError.position() + 10); // inside "CommandLine|contains:"
        const QRect at = w.editor->cursorRect(onError);
        QHelpEvent help(QEvent::ToolTip, at.center(), w.editor->viewport()->mapToGlobal(at.center()));
        QApplication::sendEvent(w.editor, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QLatin1String("YAML syntax error")), qPrintable(QToolTip::text()));
        w.editor->undo();
        QCOMPARE(w.editor->toPlainText(), QString::fromLatin1(Rule));
        QTRY_VERIFY(w.editor->inlineErrors().isEmpty());
        QTRY_VERIFY(!QToolTip::isVisible());
    }

    void cutCopyPasteInTheEditMenu()
    {
        Window w;
        QAction* cut = w.action("cutAction");
        QAction* copy = w.action("copyAction");
        QAction* paste = w.action("pasteAction");
        QVERIFY(cut && copy && paste);
        // The menu names the keys; the keys stay with the focused widget (a table's own Copy).
        QVERIFY(copy->shortcut().isEmpty());
        placeCursor(w.editor, 1, 1);
        QTextCursor c = w.editor->textCursor();
        c.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        w.editor->setTextCursor(c);
        copy->trigger();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("title: Test rule"));
        cut->trigger();
        QCOMPARE(lineText(w.editor, 1), QString());
        paste->trigger();
        QCOMPARE(w.editor->toPlainText(), QString::fromLatin1(Rule));
    }
};

QTEST_MAIN(TestUiEditing)
#include "tst_ui_editing.moc"
