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
};

QTEST_MAIN(TestUiSampleCorpus)
#include "tst_ui_samplecorpus.moc"
