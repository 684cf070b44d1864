// The rule editor's quick fixes: Ctrl+. at a diagnostic with a fix opens the "Quick fix" menu,
// its action applies the fix (the text of tests/data/lintfix/NAME.fixed.yml), one Undo restores
// the text, and fixes of an older text are not offered.
#include "rule/lint.h"
#include "rule/parser.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QTest>
#include <QTextBlock>

using namespace sigmaui;

class TestUiQuickFix : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lightBulbMenu_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("title");
        QTest::newRow("wildcard") << QStringLiteral("wildcard_endswith") << 13 << 17
                                  << QStringLiteral("Write 'Image|endswith' without the wildcards");
        QTest::newRow("duplicate tag") << QStringLiteral("duplicate_tag") << 10 << 9
                                       << QStringLiteral("Remove the second 'attack.execution'");
        QTest::newRow("1 of them") << QStringLiteral("them_single") << 13 << 16 << QStringLiteral("Write 'selection'");
    }
    void lightBulbMenu()
    {
        QFETCH(QString, name);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, title);
        const QByteArray original =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/%1.yml").arg(name)));
        const QByteArray fixed =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/%1.fixed.yml").arg(name)));
        QVERIFY(!original.isEmpty() && !fixed.isEmpty());
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.resize(800, 600);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        editor.setPlainText(QString::fromUtf8(original));
        editor.setQuickFixes(sigma::lintFile(sigma::parseRuleText(original.toStdString(), "r.yml")));
        editor.jumpTo(line, column);
        const auto fixes = editor.quickFixesAtCursor();
        QVERIFY(!fixes.empty());
        QCOMPARE(QString::fromStdString(fixes.front().title), title);

        QTest::keyClick(&editor, Qt::Key_Period, Qt::ControlModifier);
        QTRY_VERIFY(qobject_cast<QMenu*>(QApplication::activePopupWidget()));
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        QCOMPARE(menu->objectName(), QStringLiteral("quickFixMenu"));
        QAction* first = menu->actions().value(0);
        QVERIFY(first && first->isEnabled());
        QCOMPARE(first->text(), title);
        first->trigger();
        menu->close();
        QTRY_COMPARE(editor.toPlainText(), QString::fromUtf8(fixed));
        // the text changed: the old fixes are not offered any more
        QVERIFY(editor.quickFixesAtCursor().empty());
        // one undo step
        editor.undo();
        QCOMPARE(editor.toPlainText(), QString::fromUtf8(original));
    }

    /// The margin shows a light bulb on each line that starts a diagnostic with a fix (here the
    /// title's case on line 1 and the wildcard on line 13); a click on it opens the menu there.
    void marginBulb()
    {
        const QByteArray original =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/wildcard_endswith.yml")));
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.resize(800, 600);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        editor.setPlainText(QString::fromUtf8(original));
        QVERIFY(editor.quickFixLines().isEmpty());
        editor.setQuickFixes(sigma::lintFile(sigma::parseRuleText(original.toStdString(), "r.yml")));
        QCOMPARE(editor.quickFixLines(), (QList<int>{1, 13}));

        // the bulb is drawn: yellow in the margin at line 13, none at line 12
        auto* margin = editor.findChild<QWidget*>(QStringLiteral("lineNumberArea"));
        QVERIFY(margin);
        const QRect line13 = editor.cursorRect(QTextCursor(editor.document()->findBlockByNumber(12)));
        const QRect line12 = editor.cursorRect(QTextCursor(editor.document()->findBlockByNumber(11)));
        const QImage image = margin->grab().toImage();
        const auto yellowIn = [&](const QRect& row) {
            for (int y = row.top(); y <= row.bottom(); ++y)
                for (int x = 0; x < row.height() + 2; ++x) {
                    const QColor c = image.pixelColor(x, y);
                    if (c.red() > 200 && c.green() > 160 && c.blue() < 120)
                        return true;
                }
            return false;
        };
        QVERIFY(yellowIn(line13));
        QVERIFY(!yellowIn(line12));

        // a click on it: the cursor on line 13, the menu with the wildcard fix
        QTest::mouseClick(margin, Qt::LeftButton, {}, QPoint(4, line13.center().y()));
        QTRY_VERIFY(qobject_cast<QMenu*>(QApplication::activePopupWidget()));
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        QCOMPARE(menu->actions().value(0)->text(), QStringLiteral("Write 'Image|endswith' without the wildcards"));
        QCOMPARE(editor.textCursor().blockNumber(), 12);
        menu->close();
        // a click beside any bulb opens nothing
        QVERIFY(!editor.quickFixMarginClicked(line12.center().y()));
        // an edit drops them
        editor.insertPlainText(QStringLiteral("x"));
        QVERIFY(editor.quickFixLines().isEmpty());
    }

    void noFixHere()
    {
        SyntaxSupport syntax;
        RuleEditor editor(&syntax);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        editor.setPlainText(QStringLiteral("title: T\n"));
        editor.setQuickFixes({});
        QMenu* menu = editor.showQuickFixes();
        QTRY_VERIFY(menu->isVisible());
        QCOMPARE(menu->actions().size(), 1);
        QVERIFY(!menu->actions().front()->isEnabled());
        menu->close();
    }
};

QTEST_MAIN(TestUiQuickFix)
#include "tst_ui_quickfix.moc"
