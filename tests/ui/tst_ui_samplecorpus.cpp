// The shipped sample corpus (issue 20): a first start opens it with the samples, so the Indicators
// pane shows corpus reach and a technique page has rows before the user finds a real corpus; a
// remembered corpus wins over it; without a corpus the Indicators pane says how to open one.
#include "commandline.h"
#include "corpus/corpusfeatures.h"
#include "corpus/indicatorsmodel.h"
#include "corpus/indicatorspane.h"
#include "corpus/techniqueview.h"
#include "mainwindow.h"
#include "syntaxsupport.h"

#include "testsupport.h"

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
        SyntaxSupport syntax;
        MainWindowOptions options;
        options.restoreLayout = false;
        options.offerRecovery = false;
        MainWindow window(syntax, options);
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
        SyntaxSupport syntax;
        MainWindowOptions options;
        options.restoreLayout = false;
        options.offerRecovery = false;
        MainWindow window(syntax, options);
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
    }
};

QTEST_MAIN(TestUiSampleCorpus)
#include "tst_ui_samplecorpus.moc"
