// The shipped sample corpus (issue 20): a first start opens it with the samples, so the Indicators
// pane shows corpus reach and a technique page has rows before the user finds a real corpus; a
// remembered corpus wins over it; without a corpus the Indicators pane says how to open one.
#include "commandline.h"
#include "corpus/corpusfeatures.h"
#include "corpus/corpustreemodel.h"
#include "corpus/indicatorsmodel.h"
#include "corpus/indicatorspane.h"
#include "corpus/techniquemodel.h"
#include "corpus/techniqueview.h"
#include "mainwindow.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QCommandLineParser>
#include <QDockWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sigmaui;
using namespace sigmagui;

namespace {
StartupOptions samplesOnly()
{
    QCommandLineParser parser;
    configureCommandLine(parser);
    parser.parse({QStringLiteral("sigma-workbench")});
    return startupOptions(parser);
}
} // namespace

class TestUiSampleCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_samplecorpus")); }

    void noCorpusSaysHowToOpenOne()
    {
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("r.yml"));
        QVERIFY(sigmatest::writeFile(rule, sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml")))));
        QVERIFY(window.openRuleFile(rule));
        IndicatorsPane* pane = window.corpusFeatures()->indicatorsPane();
        QTRY_VERIFY(pane->summary().contains(QLatin1String("no corpus loaded")));
        QVERIFY2(pane->summary().contains(QLatin1String("Open Corpus Folder")), qPrintable(pane->summary()));
    }

    void firstStartOpensTheSampleCorpus()
    {
        QSettings().remove(QStringLiteral("corpus")); // a first start: no corpus remembered
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        CorpusFeatures* features = window.corpusFeatures();
        QSignalSpy loaded(features, &CorpusFeatures::corpusLoaded);
        openStartup(window, samplesOnly());
        QVERIFY(loaded.wait(60000));
        QVERIFY(features->corpus());
        QVERIFY2(features->corpus()->rules().size() >= 30,
                 qPrintable(QString::number(features->corpus()->rules().size())));
        QVERIFY(features->corpus()->brokenFiles().empty());

        // The first sample rule's indicators have a reach: its ParentImage '\WINWORD.EXE' is shared.
        const IndicatorsModel* model = features->indicatorsPane()->model();
        QTRY_VERIFY(model->rowCount() > 0 && model->corpusRules() > 0);
        const int row =
            model->rowOf(QStringLiteral("ParentImage"), QStringLiteral("ends_with"), QStringLiteral("\\WINWORD.EXE"));
        QVERIFY(row >= 0);
        QVERIFY(model->figuresAt(row)->reach.value_or(0) >= 3);

        // A technique page of the sample corpus has rules.
        TechniqueView* page = features->showTechnique(QStringLiteral("T1059.001"));
        QVERIFY(page);
        QTRY_VERIFY(page->model(TechniqueTableModel::Table::Rules)->rowCount() >= 5);

        // Corpus reach, one definition: the page and its Markdown export show the same numbers,
        // also for indicators only used under this technique (never a blank cell).
        const TechniqueTableModel* indicators = page->model(TechniqueTableModel::Table::Indicators);
        const int reachColumn = indicators->columnOf(QStringLiteral("Corpus reach"));
        QVERIFY(reachColumn >= 0);
        QStringList shown;
        int onlyHere = 0;
        for (int r = 0; r < indicators->rowCount(); ++r) {
            const QModelIndex cell = indicators->index(r, reachColumn);
            shown << cell.data().toString();
            onlyHere += cell.data(Qt::ToolTipRole).toString().contains(QLatin1String("tagged with this technique"));
        }
        QVERIFY(onlyHere > 0); // the case the two used to disagree on
        const QString markdown = page->render(TechniqueView::Format::Markdown);
        QStringList exported;
        bool inIndicators = false;
        for (const QString& line : markdown.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("## ")))
                inIndicators = line.startsWith(QLatin1String("## Top indicator values"));
            if (!inIndicators || !line.startsWith(QLatin1String("| ")) || line.startsWith(QLatin1String("| Field")))
                continue;
            const QStringList cells = line.split(QLatin1String(" | "));
            if (cells.size() >= 6)
                exported << cells.at(4).trimmed();
        }
        shown.sort();
        exported.sort();
        QCOMPARE(exported, shown);
        QVERIFY(!exported.contains(QString()));
    }

    void folderCountsFollowTheSearch()
    {
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        CorpusFeatures* features = window.corpusFeatures();
        QSignalSpy loaded(features, &CorpusFeatures::corpusLoaded);
        features->openCorpus(sigmatest::dataPath(QStringLiteral("../../resources/samples/corpus")));
        QVERIFY(loaded.wait(60000));
        auto* proxy = window.findChild<CorpusFilterProxy*>();
        QVERIFY(proxy);
        auto folderCount = [proxy](const QString& folder) {
            for (int r = 0; r < proxy->rowCount(); ++r)
                if (proxy->index(r, CorpusTreeModel::NameColumn).data().toString() == folder)
                    return proxy->index(r, CorpusTreeModel::RulesColumn).data().toString();
            return QStringLiteral("(no %1)").arg(folder);
        };
        QTRY_COMPARE(folderCount(QStringLiteral("process_creation")), QStringLiteral("23"));
        proxy->setSearchText(QStringLiteral("mshta"));
        // Two process_creation rules and one network_connection rule name mshta.
        QCOMPARE(folderCount(QStringLiteral("process_creation")), QStringLiteral("2"));
        QCOMPARE(folderCount(QStringLiteral("network_connection")), QStringLiteral("1"));
        QCOMPARE(folderCount(QStringLiteral("security")), QStringLiteral("(no security)"));
        const QString tip = proxy->index(0, CorpusTreeModel::RulesColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QLatin1String(" of ")), qPrintable(tip));
        proxy->setSearchText(QString());
        QCOMPARE(folderCount(QStringLiteral("process_creation")), QStringLiteral("23"));
    }

    // Issue 20: a technique page open when the window closes must not come back after a restart as
    // an empty Technique dock over the Explanation; nor may the state an older version saved with
    // such a dock in front of the Explanation.
    void noEmptyTechniqueDockAfterRestart_data()
    {
        QTest::addColumn<bool>("olderTechniqueDock");
        QTest::newRow("technique page open") << false;
        QTest::newRow("state saved with a Technique dock") << true;
    }
    void noEmptyTechniqueDockAfterRestart()
    {
        QFETCH(bool, olderTechniqueDock);
        QSettings().remove(QStringLiteral("ui"));
        const auto restoring = [](MainWindowOptions& o) { o.restoreLayout = true; };
        {
            sigmatest::TestWindow fixture(restoring);
            MainWindow& window = *fixture.window;
            window.resize(1600, 1000);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            CorpusFeatures* features = window.corpusFeatures();
            QSignalSpy loaded(features, &CorpusFeatures::corpusLoaded);
            features->openCorpus(sigmatest::dataPath(QStringLiteral("../../resources/samples/corpus")));
            QVERIFY(loaded.wait(60000));
            TechniqueView* page = features->showTechnique(QStringLiteral("T1059.001"));
            QVERIFY(page);
            QTRY_VERIFY(page->isVisible());
            for (QWidget* w = page; w; w = w->parentWidget())
                QVERIFY2(!qobject_cast<QDockWidget*>(w), "a technique page is a central tab, not a dock");
            if (olderTechniqueDock) {
                auto* dock = new QDockWidget(QStringLiteral("Technique"), &window);
                dock->setObjectName(QStringLiteral("techniqueDock"));
                dock->setWidget(new QWidget(dock));
                window.tabifyDockWidget(window.findChild<QDockWidget*>(QStringLiteral("explanationDock")), dock);
                dock->show();
                dock->raise();
            }
            QVERIFY(window.close()); // saves the layout
        }
        QVERIFY(!QSettings().value(QStringLiteral("ui/windowState")).toByteArray().isEmpty());
        sigmatest::TestWindow fixture(restoring);
        MainWindow& window = *fixture.window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* explanation = window.findChild<QDockWidget*>(QStringLiteral("explanationDock"));
        QVERIFY(explanation);
        QTRY_VERIFY(explanation->isVisible());
        QVERIFY(!explanation->visibleRegion().isEmpty()); // in front, not behind another tab
        for (QDockWidget* d : window.findChildren<QDockWidget*>()) {
            QVERIFY2(!d->windowTitle().contains(QLatin1String("Technique")), qPrintable(d->windowTitle()));
            QVERIFY2(d->objectName() != QLatin1String("techniqueDock"), qPrintable(d->objectName()));
            QVERIFY2(d->widget(), qPrintable(d->objectName())); // no empty dock
        }
        window.close();
        QSettings().remove(QStringLiteral("ui"));
    }
};

QTEST_MAIN(TestUiSampleCorpus)
#include "tst_ui_samplecorpus.moc"
