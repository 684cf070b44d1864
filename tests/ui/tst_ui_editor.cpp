// The rule editor: YAML highlighting (KSyntaxHighlighting or the built-in highlighter), line
// numbers, marks and detection-item insertion.
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "yamlhighlighter.h"

#include <QApplication>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QSyntaxHighlighter>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace sigmaui;

namespace {
/// The format the highlighter gave to the character at (line, column), both 1-based.
QTextCharFormat formatAt(QTextDocument* document, int line, int column)
{
    const QTextBlock block = document->findBlockByNumber(line - 1);
    const int offset = column - 1;
    for (const QTextLayout::FormatRange& r : block.layout()->formats())
        if (offset >= r.start && offset < r.start + r.length)
            return r.format;
    return {};
}

const char* const SampleRule = "title: Test rule\n"
                               "logsource:\n"
                               "    category: process_creation\n"
                               "detection:\n"
                               "    selection:\n"
                               "        Image|endswith: '\\powershell.exe'\n"
                               "        EventID: 1\n"
                               "    condition: selection # comment\n";
} // namespace

class TestUiEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Both builds: the highlighter the editor gets draws YAML keys in a colour of their own, and
    // the values after them in another one (a plain value may keep the editor's text colour; a
    // quoted string must be highlighted).
    void highlighterFormatsKeys_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("valueColumn");
        QTest::addColumn<bool>("valueHighlighted");
        QTest::addRow("top-level key, plain value") << 1 << 1 << 8 << false;
        QTest::addRow("nested key, plain value") << 3 << 5 << 15 << false;
        QTest::addRow("detection field, quoted value") << 6 << 9 << 25 << true;
        QTest::addRow("detection field, number") << 7 << 9 << 18 << true;
    }
    void highlighterFormatsKeys()
    {
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(int, valueColumn);
        QFETCH(bool, valueHighlighted);
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromUtf8(SampleRule));
        QVERIFY(editor.highlighter());
        editor.highlighter()->rehighlight();
        const QColor plain = editor.colors().text;
        // What a character is drawn in: its format's colour, or the editor's text colour.
        auto colourAt = [&](int l, int c) {
            const QTextCharFormat f = formatAt(editor.document(), l, c);
            return f.hasProperty(QTextFormat::ForegroundBrush) ? f.foreground().color() : plain;
        };
        const QTextCharFormat key = formatAt(editor.document(), line, column);
        QVERIFY2(key.hasProperty(QTextFormat::ForegroundBrush), "a YAML key must have a foreground of its own");
        QVERIFY2(colourAt(line, column) != plain, "a YAML key must not be drawn in the plain text colour");
        const QTextCharFormat value = formatAt(editor.document(), line, valueColumn);
        if (valueHighlighted)
            QVERIFY2(value.hasProperty(QTextFormat::ForegroundBrush), "this value must be highlighted");
        QVERIFY2(colourAt(line, valueColumn) != colourAt(line, column),
                 qPrintable(QStringLiteral("the value is drawn like its key (%1)").arg(colourAt(line, column).name())));
    }

    // Whichever back end is built in, its description says so.
    void backendIsReported()
    {
        SyntaxSupport syntax;
        if (SyntaxSupport::hasKSyntaxHighlighting())
            QVERIFY2(syntax.backendDescription().contains(QLatin1String("YAML")),
                     qPrintable(syntax.backendDescription()));
        else
            QCOMPARE(syntax.backendDescription(), QStringLiteral("built-in YAML highlighter"));
    }

    // The built-in highlighter (used without KSyntaxHighlighting) tells each YAML role apart.
    void builtInHighlighterRoles_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("role");
        QTest::addRow("key") << 1 << 1 << int(YamlHighlighter::Role::Key);
        QTest::addRow("field before modifier") << 6 << 9 << int(YamlHighlighter::Role::Key);
        QTest::addRow("modifier") << 6 << 15 << int(YamlHighlighter::Role::Modifier);
        QTest::addRow("quoted string") << 6 << 26 << int(YamlHighlighter::Role::String);
        QTest::addRow("number") << 7 << 18 << int(YamlHighlighter::Role::Constant);
        QTest::addRow("comment") << 8 << 26 << int(YamlHighlighter::Role::Comment);
    }
    void builtInHighlighterRoles()
    {
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(int, role);
        QTextDocument document(QString::fromUtf8(SampleRule));
        YamlHighlighter highlighter(&document, false);
        highlighter.rehighlight();
        // The whole format (colour, weight, slant), and only this role's: two roles that share a
        // colour but differ in weight are told apart.
        const QTextCharFormat f = formatAt(&document, line, column);
        QVERIFY2(f.hasProperty(QTextFormat::ForegroundBrush), "not highlighted at all");
        const auto roleOf = [&](const QTextCharFormat& format) {
            QList<int> roles;
            for (int r = int(YamlHighlighter::Role::Key); r <= int(YamlHighlighter::Role::BlockScalar); ++r)
                if (format == highlighter.formatFor(YamlHighlighter::Role(r)))
                    roles << r;
            return roles;
        };
        QCOMPARE(roleOf(f), QList<int>{role});
    }

    void builtInHighlighterBlockScalar()
    {
        QTextDocument document(QStringLiteral("description: |\n    key: not a key\n    more text\ntitle: x\n"));
        YamlHighlighter highlighter(&document, false);
        highlighter.rehighlight();
        const QColor block = highlighter.formatFor(YamlHighlighter::Role::BlockScalar).foreground().color();
        QCOMPARE(formatAt(&document, 2, 5).foreground().color(), block);
        QCOMPARE(formatAt(&document, 3, 5).foreground().color(), block);
        QCOMPARE(formatAt(&document, 4, 1).foreground().color(),
                 highlighter.formatFor(YamlHighlighter::Role::Key).foreground().color());
    }

    void darkPaletteGivesDarkEditor()
    {
        SyntaxSupport syntax;
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
        dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
        const EditorColors colors = syntax.colorsFor(dark);
        QVERIFY(colors.dark);
        QVERIFY(colors.background.lightness() < 128);
        QVERIFY(colors.text.lightness() > 128);
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xf0, 0xf0, 0xf0));
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        const EditorColors lightColors = syntax.colorsFor(light);
        QVERIFY(!lightColors.dark);
        QVERIFY(lightColors.background.lightness() > 128);
    }

    void marksBecomeExtraSelections()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromUtf8(SampleRule));
        editor.setMarks(MarkLayer::Predicates, {{EditorMark::Kind::Matched, 6, 25, 6, 42, QStringLiteral("held")},
                                                {EditorMark::Kind::Failed, 7, 18, 7, 19, QStringLiteral("failed")}});
        editor.setMarks(MarkLayer::Diagnostics, {{EditorMark::Kind::Error, 8, 16, 8, 25, QStringLiteral("bad")}});
        const auto selections = editor.extraSelections();
        QCOMPARE(selections.size(), 4); // current line + 3 marks
        QCOMPARE(selections.at(1).cursor.selectedText(), QStringLiteral("'\\powershell.exe'"));
        QCOMPARE(selections.at(1).format.background().color().rgb(), editor.colors().matched.rgb());
        QCOMPARE(selections.at(2).cursor.selectedText(), QStringLiteral("1"));
        QCOMPARE(selections.at(2).format.background().color().rgb(), editor.colors().failed.rgb());
        QCOMPARE(selections.at(3).cursor.selectedText(), QStringLiteral("selection"));
        QCOMPARE(selections.at(3).format.underlineStyle(), QTextCharFormat::WaveUnderline);
        QCOMPARE(editor.toolTipsAt(8, 17), QStringList{QStringLiteral("bad")});
        QVERIFY(editor.toolTipsAt(8, 25).isEmpty());
        editor.setMarks(MarkLayer::Predicates, {});
        QCOMPARE(editor.extraSelections().size(), 2);
    }

    void marksOfOneResultAreDrawnOnce()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QString::fromUtf8(SampleRule));
        {
            const RuleEditor::MarksUpdate outer(&editor);
            {
                const RuleEditor::MarksUpdate inner(&editor);
                editor.setMarks(MarkLayer::Predicates,
                                {{EditorMark::Kind::Matched, 6, 25, 6, 42, QStringLiteral("held")}});
                editor.setMarks(MarkLayer::Diagnostics,
                                {{EditorMark::Kind::Error, 8, 16, 8, 25, QStringLiteral("bad")}});
            }
            // Recorded (tooltips, marks()) but not drawn until the outer update ends.
            QCOMPARE(editor.marks(MarkLayer::Predicates).size(), 1);
            QCOMPARE(editor.extraSelections().size(), 1); // the current line only
        }
        QCOMPARE(editor.extraSelections().size(), 3);
        QCOMPARE(editor.extraSelections().at(1).cursor.selectedText(), QStringLiteral("'\\powershell.exe'"));
        {
            const RuleEditor::MarksUpdate unchanged(&editor); // nothing set: nothing redrawn
        }
        QCOMPARE(editor.extraSelections().size(), 3);
    }

    void lineNumberAreaGrowsWithLines()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.setPlainText(QStringLiteral("a\n"));
        const int small = editor.lineNumberAreaWidth();
        editor.setPlainText(QString(QStringLiteral("a\n")).repeated(12000));
        QVERIFY(editor.lineNumberAreaWidth() > small);
    }

    void insertDetectionItem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("cursorLine");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::addRow("after a scalar item")
            << QStringLiteral("detection:\n    sel:\n        A: x\n    condition: sel\n") << 3 << QStringLiteral("B")
            << QStringLiteral("C:\\Windows\\x.exe")
            << QStringLiteral(
                   "detection:\n    sel:\n        A: x\n        B: 'C:\\Windows\\x.exe'\n    condition: sel\n");
        QTest::addRow("after a list item")
            << QStringLiteral(
                   "detection:\n    sel:\n        A:\n            - x\n            - y\n    condition: sel\n")
            << 3 << QStringLiteral("User") << QStringLiteral("CORP\\jdoe")
            << QStringLiteral("detection:\n    sel:\n        A:\n            - x\n            - y\n        User: "
                              "'CORP\\jdoe'\n    condition: sel\n");
        QTest::addRow("quote in value") << QStringLiteral("detection:\n    sel:\n        A: x\n") << 3
                                        << QStringLiteral("Cmd") << QStringLiteral("it's")
                                        << QStringLiteral("detection:\n    sel:\n        A: x\n        Cmd: 'it''s'\n");
        QTest::addRow("number stays a string")
            << QStringLiteral("detection:\n    sel:\n        A: x\n") << 3 << QStringLiteral("EventID")
            << QStringLiteral("4688")
            << QStringLiteral("detection:\n    sel:\n        A: x\n        EventID: '4688'\n");
    }
    void insertDetectionItem()
    {
        QFETCH(QString, text);
        QFETCH(int, cursorLine);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        RuleEditor editor(nullptr);
        editor.setPlainText(text);
        editor.jumpTo(cursorLine, 1);
        editor.insertDetectionItem(field, value);
        QCOMPARE(editor.toPlainText(), expected);
    }
};

QTEST_MAIN(TestUiEditor)
#include "tst_ui_editor.moc"
