// Export in the workbench (issue 20): the "Export refused" banner goes away when its cause does
// (the tests pass again, or the rule is exported anyway), REPORT.md names the loaded corpus and the
// event sets the rule was tried on, and the export dialog opens in the rule's folder.
#include "corpus/corpusfeatures.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include "validation/manifest.h"

#include <QDir>
#include <QFile>
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
        wb.window->exportInteractive(true);
        QCOMPARE(asked, QDir(wb.ws.path()).filePath(QStringLiteral("whoami.zip")));
    }
};

QTEST_MAIN(TestUiExport)
#include "tst_ui_export.moc"
