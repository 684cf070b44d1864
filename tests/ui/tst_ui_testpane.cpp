// The Test pane's layout (issue 20): at 1280 x 800 and 1600 x 1000 the default layout shows at least
// eight rows of events with the Match and Test columns whole and in view, while the editor keeps
// most of the window.
#include "eventsmodel.h"
#include "mainwindow.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testpane.h"

#include "testsupport.h"

#include <QDockWidget>
#include <QHeaderView>
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
        QTemporaryDir dir;
        SyntaxSupport syntax;
        MainWindowOptions options;
        options.recoveryDirectory = dir.path();
        options.offerRecovery = false;
        options.restoreLayout = false;
        MainWindow window(syntax, options);
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
};

QTEST_MAIN(TestUiTestPane)
#include "tst_ui_testpane.moc"
