// Validated rules in the workbench (issue 9 acceptance): marking an event "must not match" on a rule
// that matches it shows a failing test, editing the rule to exclude it turns the test green, and
// exporting a rule with failing tests is refused with the reason unless overridden.
#include "eventsmodel.h"
#include "exportqueriesdialog.h"
#include "liveevaluator.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "ruletestsupport.h"
#include "syntaxsupport.h"
#include "testscontroller.h"

#include "testsupport.h"
#include "testwindow.h"

#include "events/reader.h"
#include "validation/export.h"
#include "validation/manifest.h"
#include "validation/marking.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>

#include <functional>

using namespace sigmaui;

namespace {
constexpr int MustMatch = int(sigma::ExpectationKind::Match);
constexpr int MustNotMatch = int(sigma::ExpectationKind::NoMatch);
constexpr int Baseline = int(sigma::ExpectationKind::Baseline);

/// A copy of the ui fixtures (rule and events) in a temporary folder: marking writes beside the rule.
struct Workspace {
    QTemporaryDir dir;
    QString rule;
    QString events;

    Workspace()
    {
        rule = dir.filePath(QStringLiteral("whoami.yml"));
        events = dir.filePath(QStringLiteral("events.xml"));
        QFile::copy(sigmatest::dataPath(QStringLiteral("ui/whoami.yml")), rule);
        QFile::copy(sigmatest::dataPath(QStringLiteral("ui/events.xml")), events);
        QFile::setPermissions(rule, QFile::ReadOwner | QFile::WriteOwner);
    }
};

struct Workbench : sigmatest::TestWindow {
    std::unique_ptr<QAbstractItemModelTester> tester;

    Workbench()
    {
        tester = std::make_unique<QAbstractItemModelTester>(window->eventsModel(),
                                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    bool open(const Workspace& ws)
    {
        QSignalSpy loaded(window.get(), &MainWindow::eventsLoaded);
        if (!window->openRuleFile(ws.rule))
            return false;
        window->loadEvents({ws.events});
        return loaded.wait(10000) &&
               QTest::qWaitFor([&] { return window->matchSummary().startsWith(QLatin1String("1 of 4")); }, 10000);
    }

    QString testCell(int row) const
    {
        return window->eventsModel()->index(row, EventsModel::TestColumn).data().toString();
    }
};

/// `copies` events (the fixture's four, over and over) as one file; without record ids, each with an
/// activity id of its own, so that looking one up in a rule's tests means serialising it.
QString manyEvents(const QString& path, int copies)
{
    const QString fixture =
        QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/events.xml"))));
    QStringList blocks;
    qsizetype at = 0;
    while ((at = fixture.indexOf(QLatin1String("<Event "), at)) >= 0) {
        const qsizetype end = fixture.indexOf(QLatin1String("</Event>"), at) + 8;
        blocks << fixture.mid(at, end - at);
        at = end;
    }
    QString out = QStringLiteral("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n");
    static const QRegularExpression recordId(QStringLiteral("<EventRecordID>\\d+</EventRecordID>"));
    for (int i = 0; i < copies; ++i) {
        QString block = blocks.at(i % blocks.size());
        block.replace(recordId, QString());
        block.replace(QStringLiteral("<Correlation/>"),
                      QStringLiteral("<Correlation ActivityID=\"{00000000-0000-0000-0000-%1}\"/>")
                          .arg(i, 12, 10, QLatin1Char('0')));
        out += block;
        out += QLatin1Char('\n');
    }
    out += QStringLiteral("</Events>\n");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out.toUtf8()) < 0)
        return {};
    return path;
}

void replaceInDocument(QTextDocument* doc, const QString& from, const QString& to)
{
    QTextCursor c = doc->find(from);
    QVERIFY2(!c.isNull(), qPrintable(from));
    c.insertText(to);
}
} // namespace

class TestUiValidation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_validation")); }

    void markFailEditPassExport()
    {
        Workspace ws;
        QVERIFY(ws.dir.isValid());
        Workbench wb;
        QVERIFY(wb.open(ws));
        QCOMPARE(wb.window->testSummary(), QString()); // no tests yet
        QCOMPARE(wb.testCell(0), QString());

        // Event 0 (jdoe's whoami) matches; mark it "must not match": a failing test.
        QVERIFY(wb.window->markEvents(MustNotMatch, {0}));
        // Event 2 (hostname) does not match; "must not match" passes.
        QVERIFY(wb.window->markEvents(MustNotMatch, {2}));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 1/2 pass"));
        EventsModel* model = wb.window->eventsModel();
        QTRY_COMPARE(model->index(0, 0).data(EventsModel::TestMarkRole).toInt(), MustNotMatch); // from a worker
        QCOMPARE(model->index(0, 0).data(EventsModel::TestPassRole), QVariant(false));
        QCOMPARE(wb.testCell(0), QStringLiteral("must not match · FAIL"));
        QCOMPARE(model->index(2, 0).data(EventsModel::TestPassRole), QVariant(true));
        QCOMPARE(wb.testCell(2), QStringLiteral("must not match · pass"));
        QCOMPARE(model->index(1, 0).data(EventsModel::TestMarkRole).toInt(), -1);
        QVERIFY(!model->index(1, 0).data(EventsModel::TestPassRole).isValid());

        // The manifest is beside the rule, the events copied next to it.
        const QString manifest = ws.dir.filePath(QStringLiteral("whoami.tests.yml"));
        QVERIFY(QFileInfo::exists(manifest));
        QVERIFY(QFileInfo::exists(ws.dir.filePath(QStringLiteral("tests/whoami/no_match-101.xml"))));
        QVERIFY(QFileInfo::exists(ws.dir.filePath(QStringLiteral("tests/whoami/no_match-103.xml"))));

        // Export of the rule with a failing test: refused with the reason, nothing written.
        const QString out = ws.dir.filePath(QStringLiteral("export"));
        const sigma::ExportResult refused = wb.window->exportCurrentRule(out, false);
        QVERIFY(!refused.written);
        QCOMPARE(refused.refusals.size(), std::size_t(1));
        const QString reason = QString::fromStdString(refused.refusals.front());
        QVERIFY2(reason.startsWith(QLatin1String("1 failing test(s) and 0 test error(s) remain")), qPrintable(reason));
        QVERIFY(!QFileInfo::exists(out));
        QVERIFY(wb.window->banner()->isVisibleTo(wb.window.get()));
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String("Export refused: 1 failing test(s)")),
                 qPrintable(wb.window->banner()->text()));

        // "Export anyway": written, with the rule, its manifest, its events and the report.
        const sigma::ExportResult forced = wb.window->exportCurrentRule(out, true);
        QVERIFY2(forced.written, forced.error.c_str());
        QVERIFY(forced.forced);
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/whoami.yml")));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/whoami.tests.yml")));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/REPORT.md")));

        // Editing the rule (its document) to exclude event 0 turns the test green, live.
        QTextDocument* doc = wb.window->currentEditor()->document();
        replaceInDocument(doc, QStringLiteral("    condition: selection"),
                          QStringLiteral("    filter:\n        CommandLine|contains: '/all'\n"
                                         "    condition: selection and not filter"));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 2/2 pass"));
        QTRY_COMPARE(model->index(0, 0).data(EventsModel::TestPassRole), QVariant(true));
        QCOMPARE(wb.testCell(0), QStringLiteral("must not match · pass"));
        QVERIFY(wb.window->matchSummary().startsWith(QLatin1String("0 of 4")));

        // Saved, the export goes through without override (a zip this time).
        QVERIFY(wb.window->saveCurrent());
        const QString zip = ws.dir.filePath(QStringLiteral("whoami.zip"));
        const sigma::ExportResult clean = wb.window->exportCurrentRule(zip, false);
        QVERIFY2(clean.written, clean.error.c_str());
        QVERIFY(clean.refusals.empty());
        QVERIFY(QFileInfo(zip).size() > 0);

        // The interactive path asks for the destination only when nothing is refused.
        QString asked;
        wb.window->setExportPathQuestion([&](const QString& suggestion) {
            asked = suggestion;
            return ws.dir.filePath(QStringLiteral("interactive"));
        });
        const auto answered = sigmatest::answerNextDialog<ExportQueriesDialog>({}); // the queries: as they are
        wb.window->exportInteractive();
        QVERIFY(*answered);
        QCOMPARE(asked, ws.dir.filePath(QStringLiteral("whoami.zip"))); // in the rule's folder
        QVERIFY(QFileInfo::exists(ws.dir.filePath(QStringLiteral("interactive/REPORT.md"))));
    }

    void unmarkAndBaseline()
    {
        Workspace ws;
        Workbench wb;
        QVERIFY(wb.open(ws));
        QVERIFY(wb.window->markEvents(MustMatch, {0}));
        QVERIFY(wb.window->markEvents(Baseline, {1}));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 2/2 pass"));
        QTRY_COMPARE(wb.testCell(0), QStringLiteral("must match · pass"));
        QTRY_COMPARE(wb.testCell(1), QStringLiteral("baseline"));
        // Re-marking replaces the kind; unmarking removes the mark and its file.
        QVERIFY(wb.window->markEvents(MustNotMatch, {0}));
        QTRY_COMPARE(wb.testCell(0), QStringLiteral("must not match · FAIL"));
        QVERIFY(wb.window->markEvents(-1, {0}));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 1/1 pass"));
        QTRY_COMPARE(wb.testCell(0), QString());
        QVERIFY(!QFileInfo::exists(ws.dir.filePath(QStringLiteral("tests/whoami/no_match-101.xml"))));
        QVERIFY(!wb.window->markEvents(-1, {0})); // nothing to unmark
        // The selection is what the buttons act on.
        wb.window->selectEvent(2);
        QVERIFY(wb.window->markEvents(MustNotMatch));
        QTRY_COMPARE(wb.testCell(2), QStringLiteral("must not match · pass"));
    }

    // Issue 13: the manifest and its events were read, and the marks of up to 5,000 loaded events
    // computed (each serialising its event), on the GUI thread. Now a worker does both, with
    // progress, and the window keeps answering.
    void testMarksAreComputedOffTheGuiThread()
    {
        Workspace ws;
        const QString events = manyEvents(ws.dir.filePath(QStringLiteral("many.xml")), 5000);
        QVERIFY(!events.isEmpty());
        sigma::ReadOptions readOptions;
        readOptions.keepOriginalXml = true; // as the workbench reads them
        auto read = sigma::readEventsFile(events.toStdString(), readOptions);
        QCOMPARE(read.events.size(), std::size_t(5000));
        // Tests beside the rule: the last 1,500 events must not match (1,500 event files to read).
        sigma::RuleTests group = sigma::openRuleTests(ws.rule.toStdString());
        std::string error;
        for (std::size_t i = read.events.size() - 1500; i < read.events.size(); ++i)
            QVERIFY2(sigma::markEvent(group, read.events[i].xml(), read.events[i].origin.recordId,
                                      sigma::ExpectationKind::NoMatch, error),
                     error.c_str());
        QVERIFY2(sigma::saveRuleTests(group, error), error.c_str());

        // What the GUI thread used to do, timed here.
        QElapsedTimer timer;
        timer.start();
        const TestSetPtr tests = loadTestSet(ws.rule);
        const EventList list(read.events.begin(), read.events.end());
        const std::vector<int> expected = testMarksOf(*tests, list);
        const qint64 syncMs = timer.elapsed();
        qInfo("reading the tests and marking the events: %lld ms", syncMs);
        QCOMPARE(expected.at(4999), MustNotMatch);

        Workbench wb;
        QSignalSpy loaded(wb.window.get(), &MainWindow::eventsLoaded);
        wb.window->loadEvents({events});
        QVERIFY(loaded.wait(20000));
        EventsModel* model = wb.window->eventsModel();
        // The longest the event loop waits between two ticks while a rule opens and is shown.
        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer ticker;
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, this, [&] { longestGap = std::max(longestGap, sinceTick.restart()); });
        const auto measure = [&](const QString& rule, const std::function<bool()>& shown) {
            longestGap = 0;
            sinceTick.start();
            ticker.start();
            const bool ok = wb.window->openRuleFile(rule) && QTest::qWaitFor(shown, 30000);
            ticker.stop();
            return ok ? longestGap : qint64(-1);
        };
        // The same rule without tests: what opening it costs the window anyway.
        QTemporaryDir plain;
        const QString plainRule = plain.filePath(QStringLiteral("whoami.yml"));
        QVERIFY(QFile::copy(ws.rule, plainRule));
        const qint64 withoutTests = measure(plainRule, [&] {
            return wb.window->matchSummary().contains(QLatin1String("of 5000 events match")) &&
                   !wb.window->matchSummary().endsWith(QStringLiteral(" …"));
        });
        QVERIFY(withoutTests >= 0);
        QSignalSpy progress(wb.window->testsController(), &TestsController::marksProgress);
        longestGap = 0;
        sinceTick.start();
        ticker.start();
        QVERIFY(wb.window->openRuleFile(ws.rule));
        // The rule is open and nothing of its tests was read on this thread yet: a worker reads them.
        QVERIFY(!wb.window->evaluatorAt(wb.window->currentTab())->tests());
        QVERIFY(wb.window->testsController()->isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(wb.window->evaluatorAt(wb.window->currentTab())->tests(), 30000);
        // Then the marks, computed by a worker that reports its progress.
        QTRY_COMPARE_WITH_TIMEOUT(model->index(4999, 0).data(EventsModel::TestMarkRole).toInt(), MustNotMatch, 30000);
        ticker.stop();
        QCOMPARE(model->index(0, 0).data(EventsModel::TestMarkRole).toInt(), -1);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.constFirst().at(0).toInt(), 0);
        // Figures, not a check (the machine may be busy): the window's longest wait with and without tests.
        qInfo("longest wait of the window: %lld ms opening the rule with tests, %lld ms without; the work: %lld ms",
              longestGap, withoutTests, syncMs);
        QTRY_VERIFY(!wb.window->testsController()->isBusy());
    }

    void unsavedRuleIsRefused()
    {
        Workspace ws;
        Workbench wb;
        QVERIFY(wb.open(ws));
        wb.window->newRule();
        QVERIFY(!wb.window->markEvents(MustMatch, {0}));
        QVERIFY(wb.window->banner()->isVisibleTo(wb.window.get()));
        QVERIFY2(wb.window->banner()->text().startsWith(QLatin1String("Save the rule before marking tests")),
                 qPrintable(wb.window->banner()->text()));
        const sigma::ExportResult r = wb.window->exportCurrentRule(ws.dir.filePath(QStringLiteral("x")), true);
        QVERIFY(!r.written);
        QVERIFY(!QFileInfo::exists(ws.dir.filePath(QStringLiteral("x"))));
        QVERIFY(!QFileInfo::exists(ws.dir.filePath(QStringLiteral("untitled-1.tests.yml"))));
    }

    void modelWithMarksPassesTester_data()
    {
        QTest::addColumn<int>("mark");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<QVariant>("pass");
        QTest::addColumn<QString>("text");
        QTest::newRow("match ok") << MustMatch << int(Verdict::Match) << QVariant(true)
                                  << QStringLiteral("must match · pass");
        QTest::newRow("match miss") << MustMatch << int(Verdict::NoMatch) << QVariant(false)
                                    << QStringLiteral("must match · FAIL");
        QTest::newRow("match out of scope")
            << MustMatch << int(Verdict::OutOfScope) << QVariant(false) << QStringLiteral("must match · FAIL");
        QTest::newRow("no match hit") << MustNotMatch << int(Verdict::Match) << QVariant(false)
                                      << QStringLiteral("must not match · FAIL");
        QTest::newRow("no match ok") << MustNotMatch << int(Verdict::NoMatch) << QVariant(true)
                                     << QStringLiteral("must not match · pass");
        QTest::newRow("baseline") << Baseline << int(Verdict::Match) << QVariant() << QStringLiteral("baseline");
        QTest::newRow("unknown") << MustMatch << int(Verdict::Unknown) << QVariant() << QStringLiteral("must match");
        QTest::newRow("unmarked") << -1 << int(Verdict::Match) << QVariant() << QString();
    }

    void modelWithMarksPassesTester()
    {
        QFETCH(int, mark);
        QFETCH(int, verdict);
        QFETCH(QVariant, pass);
        QFETCH(QString, text);
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto read = sigma::readEventsFile(sigmatest::dataPath(QStringLiteral("ui/events.xml")).toStdString());
        auto events = std::make_shared<EventList>(std::move(read.events));
        QCOMPARE(events->size(), std::size_t(4));
        model.setEvents(events);
        std::vector<Verdict> verdicts(4, Verdict::NoMatch);
        verdicts[1] = Verdict(verdict);
        model.setVerdicts(verdicts, false);
        model.setTestMarks({-1, mark, -1, -1});
        const QModelIndex cell = model.index(1, EventsModel::TestColumn);
        QCOMPARE(cell.data().toString(), text);
        QCOMPARE(cell.data(EventsModel::TestPassRole), pass);
        QCOMPARE(cell.data(EventsModel::TestMarkRole).toInt(), mark);
        QCOMPARE(model.headerData(EventsModel::TestColumn, Qt::Horizontal).toString(), QStringLiteral("Test"));
        // Stale verdicts: no pass/fail claim.
        model.setStale(true);
        QVERIFY(!cell.data(EventsModel::TestPassRole).isValid());
        model.setTestMarks({});
        QCOMPARE(cell.data(EventsModel::TestMarkRole).toInt(), -1);
    }

    void summaryText()
    {
        QCOMPARE(testSummaryText(nullptr), QString());
        sigma::RuleTestResult r;
        QCOMPARE(testSummaryText(&r), QString());
        sigma::ExpectationResult ok;
        sigma::ExpectationResult bad;
        bad.status = sigma::ExpectationResult::Status::Failed;
        r.expectations = {ok, bad, ok};
        QCOMPARE(testSummaryText(&r), QStringLiteral("tests: 2/3 pass"));
    }
};

QTEST_MAIN(TestUiValidation)
#include "tst_ui_validation.moc"
