// The Explanation pane's tree (issue 20): an OR that matched shows the alternative that decided it
// and collapses the others into one expandable row; a node never evaluated shows the event's value
// or nothing (never the rule's pattern); a repeated field (unnamed Data) shows the occurrence that
// matched.
#include "explanationmodel.h"
#include "mainwindow.h"
#include "syntaxsupport.h"
#include "windowlayout.h"
#include "workbenchpanes.h"

#include "testsupport.h"
#include "testwindow.h"

#include "events/reader.h"
#include "rule/parser.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <functional>

using namespace sigmaui;
using Kind = sigma::ExplainNode::Kind;

namespace {
/// The first row under `parent` whose predicate text is `label`.
QModelIndex find(const ExplanationModel& model, const QString& label, const QModelIndex& parent = {})
{
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        if (i.data().toString() == label)
            return i;
        if (const QModelIndex below = find(model, label, i); below.isValid())
            return below;
    }
    return {};
}
} // namespace

class TestUiExplanation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orListsSkippedNodesAndRepeatedFields()
    {
        const QByteArray text = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/explain-or.yml")));
        const sigma::ParsedFile parsed = sigma::parseRuleText(text.toStdString(), "explain-or.yml");
        QVERIFY(parsed.firstRule());
        const auto compiled = sigma::compileRule(*parsed.firstRule(), "explain-or.yml").rule;
        QVERIFY(compiled);
        const sigma::ReadResult read =
            sigma::readEventsFile(sigmatest::dataPath(QStringLiteral("ui/explain-or.xml")).toStdString());
        QCOMPARE(read.events.size(), std::size_t(1));
        sigma::ExplainOptions options;
        options.shortCircuit = false; // as the pane explains
        ExplanationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setExplanation(compiled->explain(read.events.front(), options));
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Rule matches"));

        // The OR of ParentImage values: the header names the value that decided it...
        const QModelIndex item = find(model, QStringLiteral("ParentImage|endswith"));
        QVERIFY(item.isValid());
        QCOMPARE(item.siblingAtColumn(ExplanationModel::OutcomeColumn).data().toString(),
                 QStringLiteral("✓ by '\\WINWORD.EXE'"));
        // ...its first row is that value, the two others are one collapsed row.
        QCOMPARE(model.rowCount(item), 2);
        QCOMPARE(model.index(0, 0, item).data().toString(), QStringLiteral("'\\WINWORD.EXE'"));
        const QModelIndex others = model.index(1, 0, item);
        QCOMPARE(others.data().toString(), QStringLiteral("2 other alternative(s), not deciding"));
        QCOMPARE(others.data(ExplanationModel::KindRole).toInt(), -1);
        QVERIFY(!model.nodeAt(others));
        QCOMPARE(model.rowCount(others), 2);
        QCOMPARE(model.index(0, 0, others).data().toString(), QStringLiteral("'\\POWERPNT.EXE'"));
        QCOMPARE(model.alternativeGroups().size(), 2); // the condition's "or" collapses "decoy" too

        // The repeated unnamed Data: the occurrence that matched, on the item and on its value.
        const QModelIndex data = find(model, QStringLiteral("Data|contains"));
        QVERIFY(data.isValid());
        QCOMPARE(data.siblingAtColumn(ExplanationModel::EventValueColumn).data().toString(),
                 QStringLiteral("second value with the needle"));
        QCOMPARE(model.index(0, ExplanationModel::EventValueColumn, data).data().toString(),
                 QStringLiteral("second value with the needle"));

        // No item or value shows the rule's pattern as the event's value: evaluated ones show the
        // event's value, those of an absent field nothing.
        const QModelIndex compared = find(model, QStringLiteral("CommandLine|contains"));
        QCOMPARE(compared.siblingAtColumn(ExplanationModel::EventValueColumn).data().toString(),
                 QStringLiteral("cmd.exe /c dir"));
        const QModelIndex absent = find(model, QStringLiteral("Hashes|contains"));
        QVERIFY(absent.isValid());
        QCOMPARE(absent.siblingAtColumn(ExplanationModel::EventValueColumn).data().toString(), QString());
        QCOMPARE(model.index(0, ExplanationModel::EventValueColumn, absent).data().toString(), QString());

        // Short-circuited (as `sigmawb explain` does): nodes never evaluated show no pattern either.
        options.shortCircuit = true;
        model.setExplanation(compiled->explain(read.events.front(), options));
        int skipped = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex i = model.index(r, 0, parent);
                const QString value = i.siblingAtColumn(ExplanationModel::EventValueColumn).data().toString();
                QVERIFY2(!value.contains(QLatin1String("never-compared")) &&
                             !value.contains(QLatin1String("absent-field")),
                         qPrintable(value));
                if (const sigma::ExplainNode* node = model.nodeAt(i); node && node->outcome == sigma::Outcome::Skipped)
                    ++skipped;
                walk(i);
            }
        };
        walk(model.index(0, 0));
        QVERIFY(skipped > 0);
    }

    void predicateNamesAreNotCut_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addRow("1600x1000") << QSize(1600, 1000);
        QTest::addRow("1280x800") << QSize(1280, 800);
    }
    void predicateNamesAreNotCut()
    {
        // The default layout with the sample rule and events: every predicate label shown whole.
        QFETCH(QSize, size);
        sigmatest::isolateSettings(QStringLiteral("tst_ui_explanation"));
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The offscreen screen is smaller than the window: give the Explanation dock the default
        // width for this window size, as a first start on a screen of that size does.
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("explanationDock"));
        QVERIFY(dock);
        const int dockWidth = WindowLayout::dockSizes(size).explanationWidth;
        window.resizeDocks({dock}, {dockWidth}, Qt::Horizontal);
        QTRY_VERIFY(qAbs(dock->width() - dockWidth) <= 8);
        const QString samples = sigmatest::dataPath(QStringLiteral("../../resources/samples"));
        QSignalSpy loaded(&window, &MainWindow::eventsLoaded);
        QVERIFY(
            window.openRuleFile(samples + QStringLiteral("/rules/proc_creation_win_office_encoded_powershell.yml")));
        window.loadEvents({samples + QStringLiteral("/events/sysmon.xml")});
        QVERIFY(loaded.wait(10000));
        auto* pane = window.findChild<ExplanationPane*>();
        QVERIFY(pane);
        QTreeView* view = pane->view();
        QTRY_VERIFY(view->model()->rowCount() > 0 && view->model()->rowCount(view->model()->index(0, 0)) > 0);
        const QFontMetrics metrics = view->fontMetrics();
        int checked = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < view->model()->rowCount(parent); ++r) {
                const QModelIndex i = view->model()->index(r, 0, parent);
                const int kind = i.data(ExplanationModel::KindRole).toInt();
                if ((view->isExpanded(parent) || !parent.isValid()) &&
                    (kind == int(Kind::Item) || kind == int(Kind::Value) || kind == int(Kind::Search))) {
                    const QString label = i.data().toString();
                    QFont font = view->font();
                    font.setBold(i.data(Qt::FontRole).value<QFont>().bold());
                    const int needed = QFontMetrics(font).horizontalAdvance(label);
                    QVERIFY2(view->visualRect(i).width() >= needed,
                             qPrintable(QStringLiteral("%1: %2 px for %3 px (viewport %4, column %5)")
                                            .arg(label)
                                            .arg(view->visualRect(i).width())
                                            .arg(needed)
                                            .arg(view->viewport()->width())
                                            .arg(view->columnWidth(0))));
                    ++checked;
                }
                walk(i);
            }
        };
        walk({});
        QVERIFY(checked > 10);
        Q_UNUSED(metrics)
    }
};

QTEST_MAIN(TestUiExplanation)
#include "tst_ui_explanation.moc"
