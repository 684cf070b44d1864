// Files from elsewhere in the workbench (issue 19): a manifest naming an event file outside its
// workspace is not read; a banner names it and offers to allow such files for this session. Once
// allowed, the tests run with that file (and an export plans with the same permission); the banner
// goes away with its cause.
#include "mainwindow.h"
#include "messagebanner.h"
#include "testscontroller.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sigmaui;

class TestUiOutsideFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_outsidefiles")); }

    void refusedUntilAllowed()
    {
        // ws/rules/whoami.tests.yml says event 101 of ../events/events.xml must match: that file
        // is outside the manifest's workspace (ws/rules, no .git or workspace.ini above it).
        QTemporaryDir ws;
        QVERIFY(ws.isValid());
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("rules")));
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("events")));
        const QString rule = ws.filePath(QStringLiteral("rules/whoami.yml"));
        const QString events = ws.filePath(QStringLiteral("events/events.xml"));
        QVERIFY(sigmatest::writeFile(rule, sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml")))));
        QVERIFY(
            sigmatest::writeFile(events, sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/events.xml")))));
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("rules/whoami.tests.yml")),
                                     "match:\n"
                                     "  - file: ../events/events.xml\n"
                                     "    record_ids: [101]\n"));

        sigmatest::TestWindow wb;
        TestsController* tests = wb.window->testsController();
        QVERIFY(!tests->allowOutsidePaths()); // refused by default
        QSignalSpy loaded(wb.window.get(), &MainWindow::eventsLoaded);
        QVERIFY(wb.window->openRuleFile(rule));
        wb.window->loadEvents({events});
        QVERIFY(loaded.wait(10000));

        MessageBanner* banner = wb.window->banner();
        QTRY_VERIFY(!banner->isHidden() && banner->text().contains(QLatin1String("were not read")));
        QVERIFY2(banner->text().contains(QLatin1String("whoami.yml")) &&
                     banner->text().contains(QLatin1String("outside the manifest's workspace")),
                 qPrintable(banner->text()));
        QVERIFY(banner->actionButton() && !banner->actionButton()->isHidden());
        QVERIFY2(wb.window->testSummary() != QLatin1String("tests: 1/1 pass"), qPrintable(wb.window->testSummary()));

        // Allowed from the banner: the file is read, the test passes, the banner is gone.
        banner->actionButton()->click();
        QVERIFY(tests->allowOutsidePaths());
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 1/1 pass"));
        QTRY_VERIFY(banner->isHidden());

        // Revoked: refused again.
        tests->setAllowOutsidePaths(false);
        QTRY_VERIFY(!banner->isHidden() && banner->text().contains(QLatin1String("were not read")));
        QTRY_VERIFY(wb.window->testSummary() != QLatin1String("tests: 1/1 pass"));
    }
};

QTEST_MAIN(TestUiOutsideFiles)
#include "tst_ui_outsidefiles.moc"
