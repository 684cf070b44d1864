// The Test pane's "Read Security 5156 as network connections" switch (issue 21): on for the bundled
// sample workspace, remembered per workspace, and its effect visible in the verdicts, the status
// bar and the Explanation.
#include "testsupport.h"
#include "testwindow.h"

#include "corpus/corpusfeatures.h"
#include "corpus/indicatorspane.h"
#include "eventsmodel.h"
#include "explanationmodel.h"
#include "mainwindow.h"
#include "security5156switch.h"
#include "syntaxsupport.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace sigmaui;

namespace {

struct Workbench : sigmatest::TestWindow {
    Workbench()
        : TestWindow()
    {}

    /// Sample workspace open, the net_connection rule shown, events loaded and evaluated.
    bool openSamples()
    {
        window->openSampleWorkspace();
        if (!QTest::qWaitFor([&] { return window->events() && !window->events()->empty(); }, 10000))
            return false;
        return showRule(QStringLiteral("net_connection_win_rdp_outbound_unusual.yml"));
    }

    bool showRule(const QString& fileName)
    {
        for (int i = 0; i < window->tabCount(); ++i)
            if (window->filePathAt(i).endsWith(fileName))
                window->setCurrentTab(i);
        return window->filePathAt(window->currentTab()).endsWith(fileName) && settled();
    }

    bool settled()
    {
        return QTest::qWaitFor(
            [&] {
                const EvaluationPtr r = window->evaluatorAt(window->currentTab())->lastResult();
                return window->evaluatorAt(window->currentTab())->isSettled() && r && r->events == window->events() &&
                       !window->eventsModel()->isStale() && !window->matchSummary().endsWith(QStringLiteral(" …"));
            },
            10000);
    }

    /// Source rows of the loaded Security 5156 events.
    QList<int> security5156() const
    {
        QList<int> rows;
        for (int r = 0; r < window->eventsModel()->rowCount(); ++r) {
            const sigma::Event* e = window->eventsModel()->eventAt(r);
            if (e->eventId() == "5156")
                rows << r;
        }
        return rows;
    }
};

bool hasTranslationRow(ExplanationModel* model)
{
    bool found = false;
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        for (int r = 0; r < model->rowCount(parent); ++r) {
            const QModelIndex i = model->index(r, 0, parent);
            const sigma::ExplainNode* n = model->nodeAt(i);
            if (n && n->kind == sigma::ExplainNode::Kind::Translation &&
                i.data().toString().contains(QLatin1String("5156")))
                found = true;
            walk(i);
        }
    };
    walk({});
    return found;
}

} // namespace

class TestUiTranslate5156 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_translate5156")); }
    void init() { QSettings().clear(); }

    // The Indicators pane counts its baseline over the same events the Test pane evaluates: with
    // the switch on, the 5156 events are in the rule's log source there too (it counted 6 of the
    // sample events where the Test pane had 12 in scope).
    void indicatorsFollowTheSwitch()
    {
        Workbench wb;
        QVERIFY(wb.openSamples());
        CorpusFeatures* features = CorpusFeatures::of(wb.window.get());
        QVERIFY(features);
        Security5156Switch* sw = wb.window->translate5156Switch();
        QVERIFY(sw->isOn());
        const std::size_t total = wb.window->events()->size();
        for (const bool on : {true, false, true}) {
            sw->setOn(on);
            QVERIFY(wb.settled());
            const EvaluationPtr result = wb.window->evaluatorAt(wb.window->currentTab())->lastResult();
            QCOMPARE(result->inScope, std::size_t(on ? 12 : 6));
            const QString expected =
                QStringLiteral("%1 of %2 loaded events in the rule's log source").arg(result->inScope).arg(total);
            QTRY_VERIFY2_WITH_TIMEOUT(
                features->indicatorsPane()->summary().contains(expected),
                qPrintable(features->indicatorsPane()->summary() + QStringLiteral(" | expected ") + expected), 10000);
        }
    }

    void onForTheSampleWorkspace()
    {
        Workbench wb;
        QVERIFY(wb.openSamples());
        Security5156Switch* sw = wb.window->translate5156Switch();
        QVERIFY(sw->isOn());
        QVERIFY(sw->checkBox()->isVisibleTo(wb.window.get()));
        // The note beside the switch: a SIEM needs the field mapping too.
        QVERIFY2(sw->note()->text().contains(QLatin1String("field mapping")), qPrintable(sw->note()->text()));
        QVERIFY(sw->note()->isVisibleTo(wb.window.get()));

        // The six 5156 events are in the rule's scope, read as network connections.
        const QList<int> rows = wb.security5156();
        QCOMPARE(rows.size(), 6);
        for (int r : rows)
            QVERIFY2(wb.window->eventsModel()->verdict(r) != Verdict::OutOfScope, qPrintable(QString::number(r)));
        QVERIFY2(wb.window->matchSummary().contains(QLatin1String("6 Security 5156 read as network connections")),
                 qPrintable(wb.window->matchSummary()));

        // The Explanation of one of them says it was read through the translation.
        wb.window->selectEvent(rows.first());
        QTRY_VERIFY(wb.window->explanationModel()->hasExplanation());
        QVERIFY2(wb.window->explanationSummaryText().contains(QLatin1String("Security 5156 read as Sysmon 3")),
                 qPrintable(wb.window->explanationSummaryText()));
        QVERIFY(hasTranslationRow(wb.window->explanationModel()));
    }

    void switchingOffIsRememberedForTheWorkspace()
    {
        QString workspace;
        {
            Workbench wb;
            QVERIFY(wb.openSamples());
            Security5156Switch* sw = wb.window->translate5156Switch();
            workspace = sw->workspace();
            QVERIFY(!workspace.isEmpty());
            QVERIFY(sw->isOn());
            sw->checkBox()->click(); // as the user does
            QVERIFY(!sw->isOn());
            QVERIFY(wb.settled());
            // Out of scope again: greyed out, nothing said about a translation.
            for (int r : wb.security5156())
                QTRY_COMPARE(wb.window->eventsModel()->verdict(r), Verdict::OutOfScope);
            QVERIFY2(!wb.window->matchSummary().contains(QLatin1String("5156")), qPrintable(wb.window->matchSummary()));
            wb.window->selectEvent(wb.security5156().first());
            QTRY_VERIFY2(wb.window->explanationSummaryText().contains(QLatin1String("log source")),
                         qPrintable(wb.window->explanationSummaryText()));
            QVERIFY(!hasTranslationRow(wb.window->explanationModel()));
        }
        // A new window on the same workspace remembers the choice.
        Workbench again;
        QVERIFY(again.openSamples());
        QCOMPARE(again.window->translate5156Switch()->workspace(), workspace);
        QVERIFY(!again.window->translate5156Switch()->isOn());
        QVERIFY(!again.window->matchSummary().contains(QLatin1String("5156")));
    }

    void otherWorkspacesStartOff()
    {
        Workbench wb;
        QVERIFY(wb.openSamples());
        QVERIFY(wb.window->translate5156Switch()->isOn());
        const QString sampleEvents = wb.window->translate5156Switch()->workspace();
        // Events of another folder: off, as in the CLI (no remembered choice, no workspace.ini).
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("security-5156.xml"));
        QVERIFY(QFile::copy(QDir(sampleEvents).filePath(QStringLiteral("events/security-5156.xml")), copy));
        wb.window->clearEvents();
        wb.window->loadEvents({copy});
        QTRY_VERIFY(wb.window->events() && wb.window->events()->size() == 6);
        QCOMPARE(wb.window->translate5156Switch()->workspace(), QDir(dir.path()).absolutePath());
        QVERIFY(!wb.window->translate5156Switch()->isOn());
        QVERIFY(wb.settled());
        for (int r : wb.security5156())
            QCOMPARE(wb.window->eventsModel()->verdict(r), Verdict::OutOfScope);
        // Turned on there, it is on for that folder from now on.
        wb.window->translate5156Switch()->setOn(true);
        QVERIFY(wb.settled());
        QVERIFY2(wb.window->matchSummary().contains(QLatin1String("6 Security 5156 read as network connections")),
                 qPrintable(wb.window->matchSummary()));
        Security5156Switch fresh;
        fresh.setWorkspace(QDir(dir.path()).absolutePath());
        QVERIFY(fresh.isOn());
    }

    void workspaceOfEventFiles_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("workspace");
        QTest::addRow("one file") << QStringList{QStringLiteral("/w/a/events/x.xml")} << "/w/a/events";
        QTest::addRow("same folder") << QStringList{QStringLiteral("/w/a/x.xml"), QStringLiteral("/w/a/y.evtx")}
                                     << "/w/a";
        QTest::addRow("common parent") << QStringList{QStringLiteral("/w/a/events/x.xml"),
                                                      QStringLiteral("/w/a/tests/y.xml")}
                                       << "/w/a";
        QTest::addRow("prefix is not a parent")
            << QStringList{QStringLiteral("/w/ab/x.xml"), QStringLiteral("/w/a/y.xml")} << "/w";
        QTest::addRow("none") << QStringList{} << QString();
    }
    void workspaceOfEventFiles()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, workspace);
        QCOMPARE(Security5156Switch::workspaceOf(files), workspace);
    }
};

QTEST_MAIN(TestUiTranslate5156)
#include "tst_ui_translate5156.moc"
