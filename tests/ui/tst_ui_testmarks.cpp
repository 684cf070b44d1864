// Test marks from folder manifests (issue 20): a rule named by a `*.tests.yml` folder manifest above
// it (as `sigmawb test <folder>` finds it) shows its marks in the Test column, a failing mark says
// why in its tooltip (expected, got, the deciding predicates), and the right-click menu checks the
// selected event's current mark. The shipped samples show their marks the same way.
#include "eventsmodel.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "syntaxsupport.h"
#include "testpane.h"

#include "testsupport.h"
#include "testwindow.h"
#include "testworkspace.h"

#include "validation/manifest.h"

#include <QAction>
#include <QTest>

using namespace sigmaui;

namespace {
constexpr int MustMatch = int(sigma::ExpectationKind::Match);
constexpr int MustNotMatch = int(sigma::ExpectationKind::NoMatch);

struct Workbench : sigmatest::TestWindow {
    QModelIndex cell(int row) const { return window->eventsModel()->index(row, EventsModel::TestColumn); }
};
} // namespace

class TestUiTestMarks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_testmarks")); }

    void folderManifestMarksWhyAndMenu()
    {
        // ws/suite.tests.yml names ws/rules/whoami.yml: event 102 must match, the others of the
        // file must not. The rule matches 101 only: 101 and 102 fail, 103 and 104 pass.
        const sigmatest::FixtureWorkspace ws("tests:\n"
                                             "  - rule: rules/whoami.yml\n"
                                             "    match:\n"
                                             "      - file: events/events.xml\n"
                                             "        record_ids: [102]\n");
        QVERIFY(ws.ok);
        Workbench wb;
        QVERIFY(wb.openWithEvents(ws.rule, {ws.events}));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 0/1 pass"));
        QTRY_COMPARE(wb.cell(1).data(EventsModel::TestMarkRole).toInt(), MustMatch);
        QCOMPARE(wb.cell(0).data().toString(), QStringLiteral("must not match · FAIL"));
        QCOMPARE(wb.cell(1).data().toString(), QStringLiteral("must match · FAIL"));
        QCOMPARE(wb.cell(2).data().toString(), QStringLiteral("must not match · pass"));
        QCOMPARE(wb.cell(3).data().toString(), QStringLiteral("must not match · pass"));

        // Why 102 fails: expected, got and the deciding predicate (User|contains 'jdoe').
        const QString why = wb.cell(1).data(Qt::ToolTipRole).toString();
        QVERIFY2(why.contains(QLatin1String("Expected: the rule matches")), qPrintable(why));
        QVERIFY2(why.contains(QLatin1String("Got: the rule does not match")), qPrintable(why));
        QVERIFY2(why.contains(QLatin1String("Deciding:")) && why.contains(QLatin1String("jdoe")), qPrintable(why));
        QVERIFY2(why.contains(QLatin1String("FAIL")), qPrintable(why));
        // A passing mark is not explained.
        const QString passing = wb.cell(2).data(Qt::ToolTipRole).toString();
        QVERIFY2(passing.contains(QLatin1String("PASS")) && !passing.contains(QLatin1String("Deciding")),
                 qPrintable(passing));

        // The right-click menu checks the selected event's mark; Unmark is offered for a marked one.
        TestPane* pane = wb.window->findChild<TestPane*>();
        QVERIFY(pane);
        const QList<QAction*>& actions = pane->markActions();
        QCOMPARE(actions.size(), 4);
        pane->selectEvent(1);
        QTRY_VERIFY(actions[MustMatch]->isChecked());
        QVERIFY(!actions[MustNotMatch]->isChecked());
        QVERIFY(actions[3]->isEnabled());
        pane->selectEvent(2);
        QTRY_VERIFY(actions[MustNotMatch]->isChecked());
        QVERIFY(!actions[MustMatch]->isChecked());

        // A folder manifest's mark is not rewritten by Unmark: the banner names the file instead.
        QVERIFY(!wb.window->markEvents(-1, {2}));
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String("suite.tests.yml")),
                 qPrintable(wb.window->banner()->text()));
    }

    void samplesShowTheirMarks()
    {
        // The shipped samples: `sigmawb test resources/samples` passes, and so do the GUI's marks.
        const QString samples = sigmatest::dataPath(QStringLiteral("../../resources/samples"));
        Workbench wb;
        QVERIFY(wb.openWithEvents(samples + QStringLiteral("/rules/proc_creation_win_office_encoded_powershell.yml"),
                                  {samples + QStringLiteral("/events/sysmon.xml")}));
        QTRY_VERIFY(wb.window->testSummary().startsWith(QLatin1String("tests: ")));
        const auto count = [&](const QString& what) {
            int n = 0;
            for (int row = 0; row < wb.window->eventsModel()->rowCount(); ++row)
                n += wb.cell(row).data().toString().contains(what);
            return n;
        };
        QTRY_COMPARE(count(QStringLiteral("must match · pass")), 3);     // record_ids [4101, 4102, 4103]
        QTRY_VERIFY(count(QStringLiteral("must not match · pass")) > 0); // the file's near misses
        QCOMPARE(count(QStringLiteral("FAIL")), 0);
        // "tests: N/N pass": every test of the rule passes.
        const QStringList counts = wb.window->testSummary().section(QLatin1Char(' '), 1, 1).split(QLatin1Char('/'));
        QCOMPARE(counts.size(), 2);
        QCOMPARE(counts[0], counts[1]);
    }
};

QTEST_MAIN(TestUiTestMarks)
#include "tst_ui_testmarks.moc"
