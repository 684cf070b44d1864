// The Tests view (issue 20): the rule's test expectations with expected vs got and the deciding
// predicate, failing first, following the live evaluation; a click selects the test's events in
// the Test pane.
#include "mainwindow.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testsview.h"

#include "testsupport.h"
#include "testwindow.h"
#include "testworkspace.h"

#include <QDockWidget>
#include <QLabel>
#include <QTableView>
#include <QTest>

using namespace sigmaui;

class TestUiTestsView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_testsview")); }

    void failingFirstWithWhyAndClickSelects()
    {
        // Two tests of ws/rules/whoami.yml over events.xml (101..104; the rule matches 101 only):
        // "101 only" passes, "102 only" fails (101 matched, 102 did not).
        const sigmatest::FixtureWorkspace ws("tests:\n"
                                             "  - rule: rules/whoami.yml\n"
                                             "    match:\n"
                                             "      - name: 101 only\n"
                                             "        file: events/events.xml\n"
                                             "        record_ids: [101]\n"
                                             "      - name: 102 only\n"
                                             "        file: events/events.xml\n"
                                             "        record_ids: [102]\n");
        QVERIFY(ws.ok);
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        auto* view = window.findChild<TestsView*>();
        QVERIFY(view);
        QCOMPARE(view->dock()->objectName(), QStringLiteral("testsDock"));
        QVERIFY(fixture.openWithEvents(ws.rule, {ws.events}));

        TestsModel* model = view->model();
        QTRY_COMPARE(model->rowCount(), 2);
        QTRY_COMPARE(view->dock()->windowTitle(), QStringLiteral("Tests (1 failing)"));
        auto cell = [model](int row, int column) { return model->index(row, column).data().toString(); };
        // Failing first, though written second.
        QCOMPARE(cell(0, TestsModel::ResultColumn), QStringLiteral("FAIL"));
        QCOMPARE(cell(0, TestsModel::TestColumn), QStringLiteral("must match: 102 only"));
        QCOMPARE(cell(1, TestsModel::ResultColumn), QStringLiteral("pass"));
        QCOMPARE(cell(1, TestsModel::TestColumn), QStringLiteral("must match: 101 only"));
        QCOMPARE(model->expectationAt(0), 1);
        // Expected vs got and the deciding predicate, as `sigmawb test` says them.
        QVERIFY2(cell(0, TestsModel::ExpectedColumn).contains(QLatin1String("102")),
                 qPrintable(cell(0, TestsModel::ExpectedColumn)));
        QVERIFY(!cell(0, TestsModel::GotColumn).isEmpty());
        QVERIFY2(cell(0, TestsModel::DecidingColumn).contains(QLatin1String("jdoe")),
                 qPrintable(cell(0, TestsModel::DecidingColumn)));
        const QString tip = model->index(0, TestsModel::GotColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QLatin1String("EventRecordID 102")) && tip.contains(QLatin1String("did not match")),
                 qPrintable(tip));
        QVERIFY2(view->summary()->text().startsWith(QLatin1String("tests: 1/2 pass")),
                 qPrintable(view->summary()->text()));

        // A click on the failing test selects its events in the Test pane: 101 (matched, unwanted)
        // and 102 (missed), at rows 0 and 1 of the loaded file.
        view->show();
        QTest::mouseClick(view->view()->viewport(), Qt::LeftButton, {},
                          view->view()->visualRect(model->index(0, TestsModel::TestColumn)).center());
        QTRY_COMPARE(window.selectedEvent(), 0);
        QList<int> selected = view->selectEventsOf(0);
        QCOMPARE(selected, (QList<int>{0, 1}));
        // The passing one: its file's events.
        QCOMPARE(view->selectEventsOf(1).size(), 4);

        // It follows the rule as typed: no user matches, both fail.
        window.currentEditor()->setPlainText(
            window.currentEditor()->toPlainText().replace(QStringLiteral("'jdoe'"), QStringLiteral("'nobody'")));
        QTRY_COMPARE(view->dock()->windowTitle(), QStringLiteral("Tests (2 failing)"));
        QCOMPARE(cell(1, TestsModel::ResultColumn), QStringLiteral("FAIL"));
    }

    void noTestsSaysHowToAddThem()
    {
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        window.newRule();
        auto* view = window.findChild<TestsView*>();
        QVERIFY(view);
        QTRY_VERIFY2(view->summary()->text().contains(QLatin1String("Save the rule")),
                     qPrintable(view->summary()->text()));
        QCOMPARE(view->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestUiTestsView)
#include "tst_ui_testsview.moc"
