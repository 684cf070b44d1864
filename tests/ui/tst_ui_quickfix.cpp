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
