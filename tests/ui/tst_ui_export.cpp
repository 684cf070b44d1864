// Export in the workbench (issue 20): the "Export refused" banner goes away when its cause does
// (the tests pass again, or the rule is exported anyway), REPORT.md names the loaded corpus and the
// event sets the rule was tried on, and the export dialog opens in the rule's folder. Issue 16: the
// bundle holds the queries of the targets picked in the export dialog, after its pipeline.
#include "corpus/corpusfeatures.h"
#include "exportcontroller.h"
#include "exportqueriesdialog.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "querypane.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include "validation/manifest.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

using namespace sigmaui;

namespace {
constexpr int MustNotMatch = int(sigma::ExpectationKind::NoMatch);

void replaceInDocument(QTextDocument* doc, const QString& from, const QString& to)
{
    QTextCursor c = doc->find(from);
    QVERIFY2(!c.isNull(), qPrintable(from));
    c.insertText(to);
}

struct Workbench : sigmatest::TestWindow {
    QTemporaryDir ws;
    QString rule;

    Workbench()
    {
        rule = ws.filePath(QStringLiteral("whoami.yml"));
        sigmatest::writeFile(rule, sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml"))));
        sigmatest::writeFile(ws.filePath(QStringLiteral("events.xml")),
                             sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/events.xml"))));
    }

    bool open()
    {
        QSignalSpy loaded(window.get(), &MainWindow::eventsLoaded);
        if (!window->openRuleFile(rule))
            return false;
        window->loadEvents({ws.filePath(QStringLiteral("events.xml"))});
        return loaded.wait(10000) &&
               QTest::qWaitFor([&] { return window->matchSummary().startsWith(QLatin1String("1 of 4")); }, 10000);
    }

    bool refusedBannerShown() const
    {
        return !window->banner()->isHidden() && window->banner()->text().startsWith(QLatin1String("Export refused"));
    }
};
} // namespace

class TestUiExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_export")); }

    void refusedBannerGoesWhenTestsPass()
    {
        Workbench wb;
        QVERIFY(wb.open());
        QVERIFY(wb.window->markEvents(MustNotMatch, {0})); // the rule matches event 0: a failing test
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 0/1 pass"));
        QVERIFY(!wb.window->exportCurrentRule(wb.ws.filePath(QStringLiteral("out")), false).written);
        QVERIFY(wb.refusedBannerShown());
        // An edit that makes the test pass: the banner goes with its cause.
        replaceInDocument(wb.window->currentEditor()->document(), QStringLiteral("    condition: selection"),
                          QStringLiteral("    filter:\n        CommandLine|contains: '/all'\n"
                                         "    condition: selection and not filter"));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 1/1 pass"));
        QTRY_VERIFY(!wb.refusedBannerShown());
    }

    void refusedBannerGoesAfterExportAndReportNamesCorpusAndEvents()
    {
        Workbench wb;
        QVERIFY(wb.open());
        CorpusFeatures* features = CorpusFeatures::of(wb.window.get());
        QSignalSpy corpusLoaded(features, &CorpusFeatures::corpusLoaded);
        features->openCorpus(sigmatest::dataPath(QStringLiteral("corpus/rules")));
        QVERIFY(corpusLoaded.wait(60000) && features->corpus());
        QVERIFY(wb.window->markEvents(MustNotMatch, {0}));
        QTRY_COMPARE(wb.window->testSummary(), QStringLiteral("tests: 0/1 pass"));
        const QString out = wb.ws.filePath(QStringLiteral("out"));
        QVERIFY(!wb.window->exportCurrentRule(out, false).written);
        QVERIFY(wb.refusedBannerShown());
        const sigma::ExportResult forced = wb.window->exportCurrentRule(out, true);
        QVERIFY2(forced.written, forced.error.c_str());
        QVERIFY(!wb.refusedBannerShown());

        const QString report = QString::fromUtf8(sigmatest::readFile(out + QStringLiteral("/REPORT.md")));
        QVERIFY2(!report.contains(QLatin1String("No corpus was loaded")), qPrintable(report));
        QVERIFY2(
            report.contains(QLatin1String("Corpus reach (rules of the corpus using the same indicator) counted on")),
            qPrintable(report));
        QVERIFY2(report.contains(QLatin1String("| corpus reach |")), qPrintable(report));
        QVERIFY2(report.contains(QLatin1String("## Event sets tried in the workbench")), qPrintable(report));
        // The loaded file, its 4 events, and the rule's 1 match.
        QVERIFY2(report.contains(QStringLiteral("| loaded events | 4 | 1 | `%1` |")
                                     .arg(QDir(wb.ws.path()).filePath(QStringLiteral("events.xml")))),
                 qPrintable(report));
    }

    void exportDialogOpensInTheRulesFolder()
    {
        Workbench wb;
        QVERIFY(wb.open());
        QString asked;
        wb.window->setExportPathQuestion([&](const QString& suggestion) {
            asked = suggestion;
            return QString(); // cancelled
        });
        // No tests: refused before asking; forced, the dialog is asked with the rule's folder.
        const auto answered = sigmatest::answerNextDialog<ExportQueriesDialog>({});
        wb.window->exportInteractive(true);
        QVERIFY(*answered);
        QCOMPARE(asked, QDir(wb.ws.path()).filePath(QStringLiteral("whoami.zip")));
    }

    // File > Export asks which queries the bundle holds (a check list of targets and a pipeline);
    // each target ticked is a file of queries/ and a section of REPORT.md, none ticked no queries/
    // folder; the choice is remembered for the next export, in this window and the next.
    void exportHoldsTheQueriesOfTheTargetsPicked_data()
    {
        QTest::addColumn<QStringList>("targets");
        QTest::addColumn<QStringList>("pipelines");
        QTest::addColumn<QStringList>("files"); // of queries/, in the order of `targets`
        QTest::addColumn<QStringList>("queries");
        QTest::newRow("splunk and esql")
            << QStringList{QStringLiteral("splunk"), QStringLiteral("esql")} << QStringList{}
            << QStringList{QStringLiteral("queries/whoami.spl"), QStringLiteral("queries/whoami.esql")}
            << QStringList{
                   QStringLiteral(R"(Image="*\\whoami.exe" User="*jdoe*")"),
                   QStringLiteral(
                       R"(FROM logs-* | WHERE TO_LOWER(Image) LIKE "*\\\\whoami.exe" AND TO_LOWER(User) LIKE "*jdoe*")")};
        QTest::newRow("kusto after the sentinel pipeline")
            << QStringList{QStringLiteral("kusto")} << QStringList{QStringLiteral("sentinel")}
            << QStringList{QStringLiteral("queries/whoami.kql")}
            << QStringList{QStringLiteral("DeviceProcessEvents\n| where FolderPath endswith \"\\\\whoami.exe\" and "
                                          "AccountName contains \"jdoe\"")};
        QTest::newRow("no target") << QStringList{} << QStringList{} << QStringList{} << QStringList{};
    }
    void exportHoldsTheQueriesOfTheTargetsPicked()
    {
        QFETCH(QStringList, targets);
        QFETCH(QStringList, pipelines);
        QFETCH(QStringList, files);
        QFETCH(QStringList, queries);
        Workbench wb;
        QVERIFY(wb.open());
        const QString out = wb.ws.filePath(QStringLiteral("out"));
        wb.window->setExportPathQuestion([&](const QString&) { return out; });
        const auto answered = sigmatest::answerNextDialog<ExportQueriesDialog>([&](ExportQueriesDialog* dialog) {
            // the user ticks the targets in the list and picks the pipeline in the box
            QListWidget* list = dialog->targetList();
            for (int i = 0; i < list->count(); ++i)
                list->item(i)->setCheckState(
                    targets.contains(list->item(i)->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
            const int pipeline = dialog->pipelineBox()->findData(pipelines);
            if (pipeline < 0)
                return false;
            dialog->pipelineBox()->setCurrentIndex(pipeline);
            return true;
        });
        wb.window->exportInteractive(true); // forced: the fixture has no tests
        QVERIFY(*answered);
        QVERIFY2(QFileInfo::exists(out + QStringLiteral("/REPORT.md")), "not exported");

        const QString report = QString::fromUtf8(sigmatest::readFile(out + QStringLiteral("/REPORT.md")));
        QCOMPARE(QFileInfo::exists(out + QStringLiteral("/queries")), !targets.isEmpty());
        QCOMPARE(report.contains(QLatin1String("## Queries")), !targets.isEmpty());
        for (int i = 0; i < targets.size(); ++i) {
            QCOMPARE(QString::fromUtf8(sigmatest::readFile(out + QLatin1Char('/') + files[i])),
                     queries[i] + QLatin1Char('\n'));
            QVERIFY2(report.contains(
                         QStringLiteral("### %1\n\n`%2`:\n\n```\n%3\n```\n").arg(targets[i], files[i], queries[i])),
                     qPrintable(report));
        }
        if (!pipelines.isEmpty())
            QVERIFY2(
                report.contains(QStringLiteral("after the pipelines %1").arg(pipelines.join(QStringLiteral(", ")))),
                qPrintable(report));
        QCOMPARE(QDir(out + QStringLiteral("/queries")).entryList(QDir::Files), [&] {
            QStringList names;
            for (const auto& f : files)
                names << QFileInfo(f).fileName();
            names.sort();
            return names;
        }());

        // Remembered: the next window's export starts from this choice.
        const ExportQueryChoice chosen{targets, pipelines};
        QCOMPARE(wb.window->findChild<ExportController*>()->queryChoice(), chosen);
        Workbench next;
        QCOMPARE(next.window->findChild<ExportController*>()->queryChoice(), chosen);
        ExportQueriesDialog again(chosen);
        QCOMPARE(again.choice(), chosen);
    }

    // Before any choice, the export holds the Query pane's query (the target shown there); a
    // cancelled dialog exports nothing and remembers nothing.
    void cancelledDialogExportsNothing()
    {
        QSettings().remove(QStringLiteral("export"));
        Workbench wb;
        QVERIFY(wb.open());
        const QueryPane* pane = wb.window->findChild<QueryPane*>();
        QVERIFY(pane);
        const ExportController* controller = wb.window->findChild<ExportController*>();
        const ExportQueryChoice before = controller->queryChoice();
        QCOMPARE(before.targets, QStringList{pane->targetBox()->currentData().toString()});
        QCOMPARE(before.pipelines, pane->pipelineBox()->currentData().toStringList());
        const QString out = wb.ws.filePath(QStringLiteral("out"));
        bool askedPath = false;
        wb.window->setExportPathQuestion([&](const QString&) {
            askedPath = true;
            return out;
        });
        const auto answered =
            sigmatest::answerNextDialog<ExportQueriesDialog>([](ExportQueriesDialog*) { return false; });
        wb.window->exportInteractive(true);
        QVERIFY(*answered);
        QVERIFY(!askedPath);
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(controller->queryChoice(), before);
        QVERIFY(!QSettings().contains(QStringLiteral("export/queryTargets")));
    }
};

QTEST_MAIN(TestUiExport)
#include "tst_ui_export.moc"
