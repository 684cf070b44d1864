// The Query pane (ui/querypane.h): the rule being edited as a query of the chosen target and
// pipeline, updated as it is typed; copy; a click on a query part selects its origin in the
// editor and the editor's cursor highlights the query parts it holds; conversion problems in the
// Problems pane; a pipeline file.
#include "testsupport.h"
#include "testwindow.h"

#include "liveevaluator.h"
#include "mainwindow.h"
#include "problemsmodel.h"
#include "querypane.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QToolButton>

#include <memory>

using namespace sigmaui;

#define S(text) QStringLiteral(text)

namespace {

struct Workbench : sigmatest::TestWindow {
    QueryPane* pane = nullptr;

    Workbench()
        : TestWindow()
    {
        pane = window->queryPane();
    }
    void choose(const char* target, const QStringList& pipelines)
    {
        pane->targetBox()->setCurrentIndex(pane->targetBox()->findData(QString::fromUtf8(target)));
        pane->pipelineBox()->setCurrentIndex(pane->pipelineBox()->findData(pipelines));
    }
    bool hasProblem(const QString& code) const
    {
        for (const Problem& p : window->problemsModel()->problems())
            if (p.code == code)
                return true;
        return false;
    }
};

QString fixture(const char* name)
{
    return sigmatest::dataPath(S("conversion_pipeline/") + QString::fromUtf8(name));
}

} // namespace

class TestUiQueryPane : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(S("tst_ui_querypane")); }
    void init() { QSettings().clear(); }

    void queryFollowsTargetPipelineAndTyping()
    {
        Workbench wb;
        QVERIFY(wb.pane);
        QVERIFY(wb.window->openRuleFile(fixture("proc.yml")));
        wb.choose("kusto", {S("sentinel")});
        QTRY_VERIFY2(
            wb.pane->queryText().startsWith(S("DeviceProcessEvents\n| where FolderPath endswith \"\\\\whoami.exe\" and "
                                              "ProcessCommandLine")),
            qPrintable(wb.pane->queryText()));
        QVERIFY(wb.pane->statusText().contains(S("predicates")));
        QVERIFY(wb.pane->lastConversionUs() > 0);
        qInfo("Query pane: pipeline + conversion of the rule in %.1f us on the GUI thread",
              wb.pane->lastConversionUs());

        // Typing: the query follows the editor's text.
        RuleEditor* editor = wb.window->currentEditor();
        QVERIFY(editor->find(S("whoami.exe")));
        editor->textCursor().insertText(S("net1.exe"));
        QTRY_VERIFY2(wb.pane->queryText().contains(S("FolderPath endswith \"\\\\net1.exe\"")),
                     qPrintable(wb.pane->queryText()));

        // Another target and pipeline.
        wb.choose("splunk", {S("sysmon"), S("splunk-cim")});
        QTRY_VERIFY2(wb.pane->queryText().startsWith(S("Channel=\"Microsoft-Windows-Sysmon/Operational\" EventCode=1 "
                                                       "process_path=\"*\\\\net1.exe\"")),
                     qPrintable(wb.pane->queryText()));

        // Copy.
        QGuiApplication::clipboard()->clear();
        QTest::mouseClick(wb.pane->copyButton(), Qt::LeftButton);
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), wb.pane->queryText());

        // The choices are remembered.
        QCOMPARE(QSettings().value(S("query/target")).toString(), S("splunk"));
        Workbench again;
        QCOMPARE(again.pane->targetBox()->currentData().toString(), S("splunk"));
        QCOMPARE(again.pane->pipelineBox()->currentData().toStringList(), (QStringList{S("sysmon"), S("splunk-cim")}));
    }

    void conversionProblemsGoToTheProblemsPane()
    {
        Workbench wb;
        QVERIFY(wb.window->openRuleFile(fixture("proc.yml")));
        wb.choose("eql", {});
        QTRY_VERIFY(wb.pane->queryText().startsWith(S("any where Image")));
        QVERIFY(!wb.hasProblem(S("conversion-unsupported")));
        // Lucene cannot compare two fields: no query, the reason on the rule's line.
        wb.choose("lucene", {});
        QTRY_VERIFY(wb.hasProblem(S("conversion-unsupported")));
        QVERIFY(wb.pane->queryText().isEmpty());
        QVERIFY(wb.pane->statusText().contains(S("Problems")));
        for (const Problem& p : wb.window->problemsModel()->problems())
            if (p.code == S("conversion-unsupported"))
                QCOMPARE(p.line, 16);
        // A pipeline problem is one too.
        wb.choose("eql", {});
        QTRY_VERIFY(!wb.hasProblem(S("conversion-unsupported")));
        QVERIFY(wb.pane->choosePipelineFile(fixture("one_to_many.yml")));
        QTRY_VERIFY(wb.hasProblem(S("pipeline-fieldref-ambiguous")));
        // A pipeline file that cannot be read: said in the pane, at its line.
        QVERIFY(!wb.pane->choosePipelineFile(fixture("err_unknown_type.yml")));
        QTRY_VERIFY2(wb.pane->statusText().contains(S("err_unknown_type.yml:7:11")), qPrintable(wb.pane->statusText()));
        QVERIFY(wb.pane->queryText().isEmpty());
    }

    void fragmentsLinkQueryAndRule()
    {
        Workbench wb;
        QVERIFY(wb.window->openRuleFile(fixture("proc.yml")));
        wb.choose("kusto", {});
        QTRY_VERIFY(wb.pane->queryText().contains(S("CommandLine contains \"/all\"")));
        RuleEditor* editor = wb.window->currentEditor();

        // A click in the query on the CommandLine predicate selects its value in the rule.
        QPlainTextEdit* view = wb.pane->queryView();
        QTextCursor c = view->textCursor();
        c.setPosition(int(wb.pane->queryText().indexOf(S("\"/all\""))) + 2);
        view->setTextCursor(c);
        QTRY_VERIFY2(editor->textCursor().selectedText().contains(S("/all")),
                     qPrintable(editor->textCursor().selectedText()));
        QCOMPARE(editor->textCursor().blockNumber() + 1, 10);

        // The editor's cursor on the ParentImage values highlights both of their predicates.
        QVERIFY(editor->find(S("powershell.exe")));
        QTRY_COMPARE(view->extraSelections().size(), 1);
        QVERIFY(view->extraSelections().front().cursor.selectedText().contains(S("powershell.exe")));
        QVERIFY(editor->find(S("whoami.exe")));
        QTRY_VERIFY(view->extraSelections().size() == 1 &&
                    view->extraSelections().front().cursor.selectedText().contains(S("whoami")));
    }

    // File > Export holds the query of the Query pane's target and pipeline (forced: the fixture
    // has no tests).
    void exportHoldsTheChosenQuery()
    {
        Workbench wb;
        QVERIFY(wb.window->openRuleFile(fixture("proc.yml")));
        wb.choose("kusto", {S("sentinel")});
        QTRY_VERIFY(wb.pane->queryText().startsWith(S("DeviceProcessEvents\n| where FolderPath")));
        QTemporaryDir dir;
        const QString out = dir.filePath(S("bundle"));
        const sigma::ExportResult r = wb.window->exportCurrentRule(out, true);
        QVERIFY2(r.written, r.error.c_str());
        QCOMPARE(QString::fromUtf8(sigmatest::readFile(out + S("/queries/proc.kql"))), wb.pane->queryText() + S("\n"));
        QVERIFY(sigmatest::readFile(out + S("/REPORT.md")).contains("after the pipelines sentinel"));
    }

    void brokenRuleKeepsTheLastGoodQueryGreyed()
    {
        Workbench wb;
        QVERIFY(wb.window->openRuleFile(fixture("proc.yml")));
        wb.choose("splunk", {});
        QTRY_VERIFY(wb.pane->queryText().startsWith(S("Image=")));
        const QString good = wb.pane->queryText();
        RuleEditor* editor = wb.window->currentEditor();
        QVERIFY(editor->find(S("condition: selection")));
        editor->textCursor().insertText(S("condition: nosuchselection"));
        QTRY_VERIFY2(wb.pane->statusText().contains(S("last good")), qPrintable(wb.pane->statusText()));
        QCOMPARE(wb.pane->queryText(), good);
    }
};

QTEST_MAIN(TestUiQueryPane)
#include "tst_ui_querypane.moc"
