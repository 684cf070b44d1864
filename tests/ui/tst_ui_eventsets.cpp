// Named event sets (issue 20): a load is a set named after its folder, listed in the Test pane with
// its files, remembered for its workspace, loaded again by the next session, reloaded when a file
// changes on disk, and forgotten by Clear Events.
#include "eventscontroller.h"
#include "eventsets.h"
#include "mainwindow.h"
#include "syntaxsupport.h"
#include "testpane.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sigmaui;

namespace {
struct Workbench : sigmatest::TestWindow {
    std::size_t events() const { return window->events() ? window->events()->size() : 0; }
    QLabel* label() const { return window->findChild<TestPane*>()->eventSetsLabel(); }
};

/// The fixture's first `n` events (of 4) as one Events document.
QByteArray firstEvents(int n)
{
    const QByteArray all = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/events.xml")));
    qsizetype at = 0;
    for (int i = 0; i < n; ++i)
        at = all.indexOf("</Event>", at) + 8;
    return "<Events>\n" + all.mid(all.indexOf("<Event "), at - all.indexOf("<Event ")) + "\n</Events>\n";
}
} // namespace

class TestUiEventSets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_eventsets")); }

    void rememberedRestoredReloadedForgotten()
    {
        QTemporaryDir ws;
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("logs")));
        const QString file = ws.filePath(QStringLiteral("logs/day1.xml"));
        QVERIFY(sigmatest::writeFile(file, firstEvents(4)));
        {
            Workbench wb;
            QSignalSpy loaded(wb.window.get(), &MainWindow::eventsLoaded);
            wb.window->loadEvents({ws.filePath(QStringLiteral("logs"))}); // a folder: one set "logs"
            QVERIFY(loaded.wait(10000));
            QCOMPARE(wb.events(), std::size_t(4));
            const auto& sets = wb.window->eventsController()->sets()->sets();
            QCOMPARE(sets.size(), 1);
            QCOMPARE(sets.first().name, QStringLiteral("logs"));
            QVERIFY2(wb.label()->text().contains(QLatin1String("logs")), qPrintable(wb.label()->text()));
            QVERIFY(!wb.label()->isHidden());
            QVERIFY2(wb.label()->toolTip().contains(QDir::toNativeSeparators(ws.filePath(QStringLiteral("logs")))),
                     qPrintable(wb.label()->toolTip()));
        }
        // The next session loads the set again, without being told.
        Workbench next;
        QSignalSpy loaded(next.window.get(), &MainWindow::eventsLoaded);
        QVERIFY(next.window->restoreEventSets());
        QVERIFY(loaded.wait(10000));
        QCOMPARE(next.events(), std::size_t(4));
        QCOMPARE(next.window->eventsController()->sets()->sets().size(), 1);

        // A file of the set changes on disk: the events are reloaded in place of the old ones.
        QVERIFY(sigmatest::writeFile(file, firstEvents(2)));
        QTRY_COMPARE_WITH_TIMEOUT(next.events(), std::size_t(2), 10000);
        // A file added to the set's folder comes in as well.
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("logs/day2.xml")), firstEvents(1)));
        QTRY_COMPARE_WITH_TIMEOUT(next.events(), std::size_t(3), 10000);

        // Clear Events forgets them: nothing comes back in the session after.
        next.window->clearEvents();
        QCOMPARE(next.events(), std::size_t(0));
        QVERIFY(next.label()->isHidden());
        Workbench after;
        QVERIFY(!after.window->restoreEventSets());
    }

    void loadsInARowAreBothKept()
    {
        // The samples' events, then the files of the command line: the second load waits for the
        // first instead of cancelling it.
        QTemporaryDir ws;
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("a")));
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("a/one.xml")), firstEvents(3)));
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("b")));
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("b/two.xml")), firstEvents(2)));
        Workbench wb;
        wb.window->loadEvents({ws.filePath(QStringLiteral("a/one.xml"))});
        wb.window->loadEvents({ws.filePath(QStringLiteral("b"))});
        QTRY_COMPARE(wb.events(), std::size_t(5));
        QTRY_COMPARE(wb.window->eventsController()->sets()->sets().size(), 2);
        QVERIFY(!wb.window->isLoadingEvents());
    }

    void renamedAndRemovedOneByOne()
    {
        // Two sets; one renamed (kept by the next session), the other removed from the menu: its
        // events go, the renamed set's stay, and the next session restores only that one.
        QTemporaryDir ws;
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("a")) && QDir(ws.path()).mkpath(QStringLiteral("b")));
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("a/one.xml")), firstEvents(3)));
        QVERIFY(sigmatest::writeFile(ws.filePath(QStringLiteral("b/two.xml")), firstEvents(1)));
        {
            Workbench wb;
            wb.window->loadEvents({ws.filePath(QStringLiteral("a"))});
            wb.window->loadEvents({ws.filePath(QStringLiteral("b"))});
            QTRY_COMPARE(wb.window->eventsController()->sets()->sets().size(), 2);
            QTRY_VERIFY(!wb.window->isLoadingEvents());
            EventsController* events = wb.window->eventsController();
            QVERIFY(!events->renameSet(1, QStringLiteral("  ")));
            QVERIFY(events->renameSet(1, QStringLiteral("day two")));
            QVERIFY2(wb.label()->text().contains(QLatin1String("day two")), qPrintable(wb.label()->text()));
            QVERIFY2(!wb.label()->text().contains(QLatin1String("two.xml")), qPrintable(wb.label()->text()));

            // File > Event Sets lists each set with Rename… and Remove.
            QMenu menu;
            events->fillSetsMenu(&menu);
            QCOMPARE(menu.actions().size(), 2);
            QCOMPARE(menu.actions()[0]->text(), QStringLiteral("a"));
            QCOMPARE(menu.actions()[1]->text(), QStringLiteral("day two"));
            QMenu* a = menu.actions()[0]->menu();
            QVERIFY(a);
            QCOMPARE(a->actions().size(), 2);
            QSignalSpy loaded(wb.window.get(), &MainWindow::eventsLoaded);
            a->actions()[1]->trigger(); // Remove
            QVERIFY(loaded.wait(10000));
            QCOMPARE(wb.events(), std::size_t(1));
            QCOMPARE(events->sets()->sets().size(), 1);
            QCOMPARE(events->sets()->sets().first().name, QStringLiteral("day two"));
            QVERIFY2(!wb.label()->text().contains(QLatin1String("a (")), qPrintable(wb.label()->text()));
        }
        {
            Workbench next;
            QSignalSpy loaded(next.window.get(), &MainWindow::eventsLoaded);
            QVERIFY(next.window->restoreEventSets());
            QVERIFY(loaded.wait(10000));
            QCOMPARE(next.events(), std::size_t(1));
            const auto& sets = next.window->eventsController()->sets()->sets();
            QCOMPARE(sets.size(), 1);
            QCOMPARE(sets.first().name, QStringLiteral("day two"));
            // Removing the last set leaves no events, and nothing to restore.
            QVERIFY(next.window->eventsController()->removeSet(0));
            QCOMPARE(next.events(), std::size_t(0));
            QVERIFY(next.label()->isHidden());
        }
        Workbench after;
        QVERIFY(!after.window->restoreEventSets());
    }
};

QTEST_MAIN(TestUiEventSets)
#include "tst_ui_eventsets.moc"
