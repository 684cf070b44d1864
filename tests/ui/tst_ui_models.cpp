// Every item model of the workbench passes QAbstractItemModelTester, and shows what it should.
#include "eventfieldsmodel.h"
#include "eventloader.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "explanationmodel.h"
#include "problemsmodel.h"

#include "testsupport.h"

#include "engine/engine.h"
#include "rule/parser.h"

#include <QAbstractItemModelTester>
#include <QMimeData>
#include <QStandardPaths>
#include <QTest>

using namespace sigmaui;

namespace {
EventListPtr fixtureEvents()
{
    const auto result = EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/events.xml"))}, {}, nullptr, {});
    return result->events;
}

std::shared_ptr<const sigma::CompiledRule> fixtureRule()
{
    const QByteArray text = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml")));
    static sigma::ParsedFile parsed = sigma::parseRuleText(text.toStdString(), "whoami.yml");
    return sigma::compileRule(*parsed.firstRule(), "whoami.yml").rule;
}
} // namespace

class TestUiModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void loaderReadsFixture()
    {
        const EventListPtr events = fixtureEvents();
        QVERIFY(events);
        QCOMPARE(events->size(), std::size_t(4));
        std::atomic<bool> cancel{true};
        const auto cancelled =
            EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/events.xml"))}, {}, &cancel, {});
        QVERIFY(cancelled->cancelled);
        const auto bad =
            EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/not-events.txt"))}, events, nullptr, {});
        QCOMPARE(bad->failedFiles.size(), 1);
        QCOMPARE(bad->events->size(), std::size_t(4)); // the old events are kept
        QVERIFY(sigma::hasErrors(bad->diagnostics));
    }

    void eventsModel()
    {
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(fixtureEvents());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(EventsModel::COLUMN_COUNT));
        QCOMPARE(model.index(0, EventsModel::EventIdColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(0, EventsModel::ProviderColumn).data().toString(), QStringLiteral("Sysmon"));
        QCOMPARE(model.index(0, EventsModel::ProcessColumn).data().toString(),
                 QStringLiteral("C:\\Windows\\System32\\whoami.exe"));
        QCOMPARE(model.index(0, EventsModel::DetailColumn).data().toString(), QStringLiteral("whoami /all"));
        QCOMPARE(model.index(3, EventsModel::DetailColumn).data().toString(), QStringLiteral("10.0.0.9:445  (true)"));
        QCOMPARE(model.index(0, EventsModel::TimeColumn).data().toString(), QStringLiteral("2026-11-21 08:00:00.000"));
        QCOMPARE(model.index(3, EventsModel::EventIdColumn).data(EventsModel::SortRole).toLongLong(), 3LL);
        QVERIFY(model.index(1, EventsModel::VerdictColumn).data().toString().isEmpty());
        model.setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::NoMatch, Verdict::OutOfScope}, false);
        QCOMPARE(model.matchCount(), std::size_t(1));
        QCOMPARE(model.index(0, EventsModel::VerdictColumn).data().toString(), QStringLiteral("✓"));
        QCOMPARE(model.index(1, EventsModel::VerdictColumn).data().toString(), QStringLiteral("✗"));
        QCOMPARE(model.index(3, EventsModel::VerdictColumn).data().toString(), QStringLiteral("–"));
        model.setVerdicts({Verdict::Match}, false); // wrong size: ignored
        QCOMPARE(model.matchCount(), std::size_t(0));
        model.setStale(true);
        model.setEvents({});
        QCOMPARE(model.rowCount(), 0);
    }

    void filterProxy()
    {
        EventsModel model;
        EventsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(fixtureEvents());
        model.setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::Match, Verdict::OutOfScope}, false);
        proxy.setFilterText(QStringLiteral("HOSTNAME"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterText(QStringLiteral("corp\\ALICE")); // a field not shown in a column, any case
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterText({});
        proxy.setMatchesOnly(true);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.sort(EventsModel::TimeColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.mapToSource(proxy.index(0, 0)).row(), 2);
        model.setVerdicts({Verdict::NoMatch, Verdict::NoMatch, Verdict::Match, Verdict::OutOfScope}, false);
        QCOMPARE(proxy.rowCount(), 1);
    }

    void problemsModel()
    {
        ProblemsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Problem e;
        e.severity = sigma::Severity::Error;
        e.message = QStringLiteral("unknown modifier 'contain'");
        e.code = QStringLiteral("unknown-modifier");
        e.line = 9;
        e.column = 15;
        Problem w;
        w.severity = sigma::Severity::Warning;
        w.message = QStringLiteral("title is long");
        model.setProblems({e, w});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.errorCount(), 1);
        QCOMPARE(model.warningCount(), 1);
        QCOMPARE(model.index(0, ProblemsModel::LocationColumn).data().toString(), QStringLiteral("line 9, column 15"));
        QCOMPARE(model.index(0, 0).data(ProblemsModel::LineRole).toInt(), 9);
        QCOMPARE(model.index(0, ProblemsModel::SeverityColumn).data().toString(), QStringLiteral("error"));
        QVERIFY(model.index(1, ProblemsModel::LocationColumn).data().toString().isEmpty());
        model.setProblems({});
        QCOMPARE(model.rowCount(), 0);
    }

    void explanationModel()
    {
        const auto rule = fixtureRule();
        QVERIFY(rule);
        const EventListPtr events = fixtureEvents();
        ExplanationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        sigma::ExplainOptions options;
        options.shortCircuit = false;
        model.setExplanation(rule->explain((*events)[1], options));
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex root = model.index(0, 0);
        QCOMPARE(root.data().toString(), QStringLiteral("Rule does not match"));
        QVERIFY(model.rowCount(root) >= 2);
        // Walk down to every leaf; each has a parent chain back to the root.
        int values = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex i = model.index(r, 0, parent);
                QCOMPARE(model.parent(i), parent);
                if (model.nodeAt(i)->kind == sigma::ExplainNode::Kind::Value) {
                    ++values;
                    QVERIFY(!i.sibling(r, ExplanationModel::OutcomeColumn).data().toString().isEmpty());
                }
                walk(i);
            }
        };
        walk(root);
        QCOMPARE(values, 2);
        model.setExplanation(rule->explain((*events)[0], options));
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Rule matches"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void eventFieldsModel()
    {
        const EventListPtr events = fixtureEvents();
        EventFieldsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvent(&(*events)[0]);
        QVERIFY(model.rowCount() > 10);
        int user = -1;
        for (int r = 0; r < model.rowCount(); ++r)
            if (model.fieldAt(r) == QLatin1String("User"))
                user = r;
        QVERIFY(user >= 0);
        QCOMPARE(model.valueAt(user), QStringLiteral("CORP\\jdoe"));
        std::unique_ptr<QMimeData> mime(model.mimeData({model.index(user, 0), model.index(user, 1)}));
        QCOMPARE(mime->text(), QStringLiteral("User: 'CORP\\jdoe'"));
        QVERIFY(model.flags(model.index(user, 0)).testFlag(Qt::ItemIsDragEnabled));
        model.setEvent(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestUiModels)
#include "tst_ui_models.moc"
