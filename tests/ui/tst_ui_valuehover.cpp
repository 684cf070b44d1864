// The editor's hover on a value (issue 17 item 5): besides its baseline hits, how many near misses
// removing it would change, on the hand-checked fixture tests/data/nearmiss/ (the counts are
// worked out in tst_nearmiss's impact test: ' -enc ' 4, '\excel.exe' 1, ' /enc ' 0).
#include "corpus/corpusfeatures.h"
#include "mainwindow.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QDockWidget>
#include <QTest>

using namespace sigmaui;

class TestUiValueHover : public QObject {
    Q_OBJECT
    std::unique_ptr<sigmatest::TestWindow> m_test;
    MainWindow* m_window = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        sigmatest::isolateSettings(QStringLiteral("tst_ui_valuehover"));
        m_test = std::make_unique<sigmatest::TestWindow>();
        m_window = m_test->window.get();
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(m_window->openRuleFile(sigmatest::dataPath(QStringLiteral("nearmiss/rule.yml"))));
        m_window->loadEvents({sigmatest::dataPath(QStringLiteral("nearmiss/events.xml"))});
        QTRY_VERIFY(m_window->events() && m_window->events()->size() == 8);
        auto* dock = m_window->findChild<QDockWidget*>(QStringLiteral("indicatorsDock"));
        QVERIFY(dock);
        dock->show();
        dock->raise(); // in view: the baseline hits (and the near-miss changes) are counted
    }

    void hover_data()
    {
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("expected");
        QTest::newRow("' -enc '") << 17 << 16 << QStringLiteral("Removing it would change 4 near misses");
        QTest::newRow("'\\excel.exe'") << 21 << 18 << QStringLiteral("Removing it would change 1 near miss");
        QTest::newRow("' /enc ' matches nothing")
            << 18 << 16 << QStringLiteral("Removing it would change 0 near misses");
        QTest::newRow("the filter's value") << 23 << 17 << QStringLiteral("Removing it would change 2 near misses");
    }
    void hover()
    {
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, expected);
        CorpusFeatures* features = m_window->corpusFeatures();
        QTRY_VERIFY_WITH_TIMEOUT(features->hoverTextAt(m_window->currentEditor(), line, column).contains(expected),
                                 10000);
        const QString hover = features->hoverTextAt(m_window->currentEditor(), line, column);
        QVERIFY2(hover.contains(QStringLiteral("Baseline: hits ")), qPrintable(hover));
        // the line comes right after the baseline hits
        const QStringList lines = hover.split(QLatin1Char('\n'));
        const int at = int(lines.indexOf(expected));
        QVERIFY2(at > 0 && lines.at(at - 1).startsWith(QStringLiteral("Baseline: hits ")), qPrintable(hover));
    }
};

QTEST_MAIN(TestUiValueHover)
#include "tst_ui_valuehover.moc"
