// The Test pane's layout (issue 20): at 1280 x 800 and 1600 x 1000 the default layout shows at least
// eight rows of events with the Match and Test columns whole and in view, while the editor keeps
// most of the window. New verdicts repaint only the rows whose look changed.
#include "eventloader.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "mainwindow.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testpane.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QDockWidget>
#include <QHeaderView>
#include <QPaintEvent>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sigmaui;

class TestUiTestPane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_testpane")); }

    void rowsAndColumnsInView_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addRow("1280x800") << QSize(1280, 800);
        QTest::addRow("1600x1000") << QSize(1600, 1000);
    }
    void rowsAndColumnsInView()
    {
        QFETCH(QSize, size);
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openSampleWorkspace(); // 19 events, some marked by the samples' manifest
        QTRY_VERIFY_WITH_TIMEOUT(window.events() && window.events()->size() >= 8, 20000);
        QTableView* view = window.eventsView();
        QTRY_VERIFY(view->model()->rowCount() >= 8);

        // At least eight whole rows fit in the table.
        const int rowHeight = view->verticalHeader()->defaultSectionSize();
        QTRY_VERIFY2(
            view->viewport()->height() / rowHeight >= 8,
            qPrintable(QStringLiteral("%1 px for rows of %2 px").arg(view->viewport()->height()).arg(rowHeight)));
        QCOMPARE(view->rowAt(7 * rowHeight + rowHeight / 2), 7);

        // Match and Test: first, inside the viewport, wide enough for their longest text.
        const QRect viewport = view->viewport()->rect();
        for (int column : {int(EventsModel::VerdictColumn), int(EventsModel::TestColumn)}) {
            const QRect cell = view->visualRect(view->model()->index(0, column));
            QVERIFY2(viewport.contains(cell), qPrintable(QStringLiteral("column %1 at %2..%3 of %4")
                                                             .arg(column)
                                                             .arg(cell.left())
                                                             .arg(cell.right())
                                                             .arg(viewport.width())));
        }
        QFont bold = view->font();
        bold.setBold(true);
        QVERIFY(view->columnWidth(EventsModel::TestColumn) >
                QFontMetrics(bold).horizontalAdvance(QStringLiteral("must not match · FAIL")));
        // Nothing is scrolled sideways: every column starts inside the viewport.
        QCOMPARE(view->horizontalScrollBar()->maximum(), 0);
        QHeaderView* header = view->horizontalHeader();
        QVERIFY(header->sectionViewportPosition(EventsModel::DetailColumn) < viewport.width());

        // The editor keeps the priority: more than half the width and of the height.
        QVERIFY2(window.currentEditor()->width() > size.width() / 2,
                 qPrintable(QString::number(window.currentEditor()->width())));
        QVERIFY2(window.currentEditor()->height() +
                             window.findChild<QDockWidget*>(QStringLiteral("testDock"))->height() >
                         size.height() / 2 &&
                     window.currentEditor()->height() >=
                         window.findChild<QDockWidget*>(QStringLiteral("testDock"))->height(),
                 qPrintable(QStringLiteral("editor %1 px, Test %2 px")
                                .arg(window.currentEditor()->height())
                                .arg(window.findChild<QDockWidget*>(QStringLiteral("testDock"))->height())));
    }

    // Issue 20 (perceived latency): after an edit over many events, the table repaints the rows on
    // screen whose verdict changed, not the whole table; greying out every verdict repaints all.
    void newVerdictsRepaintOnlyChangedRows()
    {
        TestPane pane;
        pane.resize(900, 400);
        const auto loaded = EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/events.xml"))}, {}, nullptr, {});
        QCOMPARE(loaded->events->size(), std::size_t(4));
        EventsModel* model = pane.model();
        model->setEvents(loaded->events);
        model->setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::NoMatch, Verdict::OutOfScope}, false);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTableView* view = pane.view();
        QWidget* viewport = view->viewport();
        struct PaintSpy : QObject {
            QRegion painted;
            bool eventFilter(QObject*, QEvent* e) override
            {
                if (e->type() == QEvent::Paint)
                    painted += static_cast<QPaintEvent*>(e)->region();
                return false;
            }
        } spy;
        viewport->installEventFilter(&spy);
        viewport->update();
        QTRY_VERIFY(!spy.painted.isEmpty()); // a first whole frame
        auto rowRect = [&](int sourceRow) {
            const int row = pane.proxy()->mapFromSource(model->index(sourceRow, 0)).row();
            return QRect(0, view->rowViewportPosition(row), viewport->width(), view->rowHeight(row));
        };
        for (int r = 0; r < 4; ++r)
            QVERIFY(viewport->rect().contains(rowRect(r)));

        spy.painted = {};
        model->setVerdicts({Verdict::Match, Verdict::Match, Verdict::NoMatch, Verdict::OutOfScope}, false);
        QTRY_VERIFY(!spy.painted.isEmpty());
        QVERIFY(spy.painted.contains(rowRect(1).center())); // the whole row: bold now
        QVERIFY(spy.painted.contains(QPoint(viewport->width() - 5, rowRect(1).center().y())));
        for (int unchanged : {0, 2, 3})
            QVERIFY2(!spy.painted.contains(rowRect(unchanged).center()), qPrintable(QString::number(unchanged)));

        spy.painted = {};
        model->setStale(true);
        QTRY_VERIFY(!spy.painted.isEmpty());
        for (int r = 0; r < 4; ++r)
            QVERIFY(spy.painted.contains(rowRect(r).center()));

        // Sorted by verdict, the rows move: the proxy repaints what it moved.
        model->setStale(false);
        view->sortByColumn(EventsModel::VerdictColumn, Qt::AscendingOrder);
        QVERIFY(model->verdictRowsSignalled());
        QCoreApplication::processEvents();
        model->setVerdicts({Verdict::NoMatch, Verdict::Match, Verdict::Match, Verdict::OutOfScope}, false);
        QCOMPARE(pane.proxy()->mapToSource(pane.proxy()->index(0, 0)).row(), 1); // Match sorts first
        view->sortByColumn(EventsModel::TimeColumn, Qt::AscendingOrder);
        QVERIFY(!model->verdictRowsSignalled());
    }
};

QTEST_MAIN(TestUiTestPane)
#include "tst_ui_testpane.moc"
