// Every item model of the workbench passes QAbstractItemModelTester, and shows what it should.
#include "eventfieldsmodel.h"
#include "eventloader.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "explanationmodel.h"
#include "liveevaluator.h"
#include "problemsmodel.h"

#include "testsupport.h"

#include "engine/engine.h"
#include "rule/parser.h"

#include <QAbstractItemModelTester>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <numeric>

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
        // Loading more shares the events already loaded (the same objects, issue 18), and leaves
        // the list it was given as it was.
        const auto more = EventLoader::run({sigmatest::dataPath(QStringLiteral("ui/events.xml"))}, events, nullptr, {});
        QCOMPARE(more->added, std::size_t(4));
        QCOMPARE(more->events->size(), std::size_t(8));
        QCOMPARE(events->size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(&(*more->events)[i], &(*events)[i]);
            QCOMPARE((*more->events)[i + 4].fields.size(), (*events)[i].fields.size());
        }
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

    void verdictChangesSignalOnlyChangedRows_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<bool>("stale");
        QTest::addColumn<int>("first"); // -1: no dataChanged
        QTest::addColumn<int>("last");
        QTest::addColumn<bool>("repaint"); // verdictsChanged()
        // m: match, n: no match, o: out of scope, empty: no verdicts
        QTest::newRow("unchanged") << "mnno"
                                   << "mnno" << false << -1 << -1 << false;
        QTest::newRow("one row") << "mnno"
                                 << "mmno" << false << 1 << 1 << true;
        QTest::newRow("first and last") << "mnno"
                                        << "nnnm" << false << 0 << 3 << true;
        QTest::newRow("middle range") << "mnno"
                                      << "mmmo" << false << 1 << 2 << true;
        QTest::newRow("stale: every row greys") << "mnno"
                                                << "mnno" << true << 0 << 3 << true;
        QTest::newRow("first verdicts") << ""
                                        << "mnno" << false << 0 << 3 << true;
        QTest::newRow("cleared") << "mnno"
                                 << "" << false << 0 << 3 << true;
    }

    void verdictChangesSignalOnlyChangedRows()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(bool, stale);
        QFETCH(int, first);
        QFETCH(int, last);
        QFETCH(bool, repaint);
        auto verdicts = [](const QString& s) {
            std::vector<Verdict> v;
            for (QChar c : s)
                v.push_back(c == QLatin1Char('m')   ? Verdict::Match
                            : c == QLatin1Char('n') ? Verdict::NoMatch
                                                    : Verdict::OutOfScope);
            return v;
        };
        EventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(fixtureEvents());
        model.setVerdicts(verdicts(before), false);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy looks(&model, &EventsModel::verdictsChanged);
        model.setVerdicts(verdicts(after), stale);
        QCOMPARE(looks.size(), repaint ? 1 : 0);
        if (first < 0) {
            QCOMPARE(changed.size(), 0);
        } else {
            QCOMPARE(changed.size(), 1); // no test marks: the verdict column only
            const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
            const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
            QCOMPARE(topLeft.row(), first);
            QCOMPARE(bottomRight.row(), last);
            QCOMPARE(topLeft.column(), int(EventsModel::VerdictColumn));
            QCOMPARE(bottomRight.column(), int(EventsModel::VerdictColumn));
        }
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.verdict(r), after.isEmpty() ? Verdict::Unknown : verdicts(after)[std::size_t(r)]);
        QCOMPARE(model.isStale(), stale);
    }

    void filterFollowsVerdicts()
    {
        EventsModel model;
        EventsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(fixtureEvents());
        model.setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::Match, Verdict::OutOfScope}, false);
        auto shownRows = [&proxy] {
            QList<int> rows;
            for (int r = 0; r < proxy.rowCount(); ++r)
                rows << proxy.mapToSource(proxy.index(r, 0)).row();
            std::sort(rows.begin(), rows.end());
            return rows;
        };
        // The verdict column's text is searched too, and follows new verdicts.
        proxy.setFilterText(QStringLiteral("✓"));
        QCOMPARE(shownRows(), (QList<int>{0, 2}));
        model.setVerdicts({Verdict::NoMatch, Verdict::Match, Verdict::Match, Verdict::OutOfScope}, false);
        QCOMPARE(shownRows(), (QList<int>{1, 2}));
        // A field value with "matches only": the remembered text hits and the new verdicts.
        proxy.setFilterText(QStringLiteral("whoami"));
        const QList<int> whoami = shownRows();
        QVERIFY(!whoami.isEmpty());
        proxy.setMatchesOnly(true);
        QList<int> expected;
        for (int r : whoami)
            if (model.verdict(r) == Verdict::Match)
                expected << r;
        QCOMPARE(shownRows(), expected);
        model.setVerdicts({Verdict::Match, Verdict::Match, Verdict::Match, Verdict::Match}, false);
        QCOMPARE(shownRows(), whoami);
        model.setVerdicts({Verdict::NoMatch, Verdict::NoMatch, Verdict::NoMatch, Verdict::NoMatch}, false);
        QCOMPARE(proxy.rowCount(), 0);
        // New events: the remembered hits are forgotten.
        proxy.setMatchesOnly(false);
        model.setEvents({});
        QCOMPARE(proxy.rowCount(), 0);
        model.setEvents(fixtureEvents());
        QCOMPARE(shownRows(), whoami);
    }

    // Issue 20: with many events, a proxy that neither filters nor sorts by verdict is not told
    // of each new set of verdicts row by row (a pass over 100 000 rows per keystroke); one that
    // does is, and the model says which rows changed their look for the views to repaint.
    void verdictRowsSignalledOnlyWhenTheProxyNeedsThem_data()
    {
        QTest::addColumn<bool>("matchesOnly");
        QTest::addColumn<QString>("filterText");
        QTest::addColumn<int>("sortColumn");
        QTest::addColumn<bool>("signalled");
        QTest::newRow("sorted by time") << false << QString() << int(EventsModel::TimeColumn) << false;
        QTest::newRow("unsorted") << false << QString() << -1 << false;
        QTest::newRow("matches only") << true << QString() << int(EventsModel::TimeColumn) << true;
        QTest::newRow("filter text") << false << QStringLiteral("whoami") << int(EventsModel::TimeColumn) << true;
        QTest::newRow("sorted by verdict") << false << QString() << int(EventsModel::VerdictColumn) << true;
        QTest::newRow("sorted by test") << false << QString() << int(EventsModel::TestColumn) << true;
    }
    void verdictRowsSignalledOnlyWhenTheProxyNeedsThem()
    {
        QFETCH(bool, matchesOnly);
        QFETCH(QString, filterText);
        QFETCH(int, sortColumn);
        QFETCH(bool, signalled);
        EventsModel model;
        EventsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(fixtureEvents());
        model.setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::NoMatch, Verdict::OutOfScope}, false);
        proxy.setMatchesOnly(matchesOnly);
        proxy.setFilterText(filterText);
        proxy.sort(sortColumn);
        QCOMPARE(proxy.dependsOnVerdicts(), signalled);
        QCOMPARE(model.verdictRowsSignalled(), signalled);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy looks(&model, &EventsModel::verdictsChanged);
        const std::vector<Verdict> after = {Verdict::Match, Verdict::Match, Verdict::NoMatch, Verdict::OutOfScope};
        model.setVerdicts(after, false);
        QCOMPARE(changed.size(), signalled ? 1 : 0);
        QCOMPARE(looks.size(), 1);
        const QList<bool> expectedLooks = {false, true, false, false};
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.lookChanged(r), expectedLooks[r]);
        // Whatever was signalled, the proxy shows the rows the new verdicts call for, in order.
        QList<int> expected;
        for (int r = 0; r < model.rowCount(); ++r) {
            const bool textHit = filterText.isEmpty() || model.index(r, 0)
                                                             .data(EventsModel::SearchTextRole)
                                                             .toString()
                                                             .contains(filterText, Qt::CaseInsensitive);
            if (textHit && (!matchesOnly || after[std::size_t(r)] == Verdict::Match))
                expected << r;
        }
        QList<int> shown;
        for (int r = 0; r < proxy.rowCount(); ++r)
            shown << proxy.mapToSource(proxy.index(r, 0)).row();
        if (sortColumn == EventsModel::VerdictColumn) {
            for (int r = 1; r < shown.size(); ++r)
                QVERIFY(int(model.verdict(shown[r - 1])) <= int(model.verdict(shown[r])));
        }
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, expected);
        // Greying out (stale) changes the look of every row.
        model.setStale(true);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(model.lookChanged(r));
        // Another proxy, or none: the model signals every change again.
        proxy.setSourceModel(nullptr);
        QVERIFY(model.verdictRowsSignalled());
    }

    void proxySortsAsTheSortRole_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        for (int c : {int(EventsModel::VerdictColumn), int(EventsModel::TimeColumn), int(EventsModel::EventIdColumn),
                      int(EventsModel::SourceColumn), int(EventsModel::ProcessColumn)})
            for (bool d : {false, true})
                QTest::addRow("column %d %s", c, d ? "descending" : "ascending") << c << d;
    }

    void proxySortsAsTheSortRole()
    {
        QFETCH(int, column);
        QFETCH(bool, descending);
        EventsModel model;
        EventsFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setEvents(fixtureEvents());
        model.setVerdicts({Verdict::NoMatch, Verdict::Match, Verdict::OutOfScope, Verdict::Match}, false);
        proxy.sort(column, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
        // The reference: a stable sort on the SortRole values (what the base class compares).
        std::vector<int> rows(std::size_t(model.rowCount()));
        std::iota(rows.begin(), rows.end(), 0);
        auto key = [&](int r) { return model.index(r, column).data(EventsModel::SortRole); };
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
            const auto order = QVariant::compare(key(a), key(b));
            return descending ? order == QPartialOrdering::Greater : order == QPartialOrdering::Less;
        });
        QList<int> shown;
        QList<int> expected;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            shown << proxy.mapToSource(proxy.index(r, 0)).row();
            expected << rows[std::size_t(r)];
        }
        // Equal keys may come in either order; compare the keys.
        for (int r = 0; r < shown.size(); ++r)
            QCOMPARE(key(shown[r]), key(expected[r]));
        // New verdicts re-sort a table sorted by verdict.
        if (column == EventsModel::VerdictColumn) {
            model.setVerdicts({Verdict::Match, Verdict::NoMatch, Verdict::NoMatch, Verdict::NoMatch}, false);
            QCOMPARE(proxy.mapToSource(proxy.index(descending ? 3 : 0, 0)).row(), 0); // Match sorts first
        }
    }

    void explanationUpdatedInPlace()
    {
        const auto rule = fixtureRule();
        QVERIFY(rule);
        const EventListPtr events = fixtureEvents();
        ExplanationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        sigma::ExplainOptions options;
        options.shortCircuit = false;
        QVERIFY(model.setExplanation(rule->explain((*events)[1], options))); // the first one: a reset
        const QPersistentModelIndex root = model.index(0, 0);
        QCOMPARE(root.data().toString(), QStringLiteral("Rule does not match"));
        const QPersistentModelIndex condition = model.index(model.rowCount(root) - 1, 0, root);
        QVERIFY(condition.isValid());
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // The same rule for another event: the same tree, updated in place.
        QVERIFY(!model.setExplanation(rule->explain((*events)[0], options)));
        QCOMPARE(reset.size(), 0);
        QVERIFY(root.isValid());
        QCOMPARE(root.data().toString(), QStringLiteral("Rule matches"));
        QVERIFY(condition.isValid());
        bool rootSignalled = false;
        for (const auto& args : changed) {
            const QModelIndex i = args.at(0).value<QModelIndex>();
            QCOMPARE(args.at(1).value<QModelIndex>(), i); // one cell each: the views repaint only it
            rootSignalled = rootSignalled || (i.row() == 0 && !i.parent().isValid());
        }
        QVERIFY(rootSignalled);
        // The same explanation again: nothing to signal.
        changed.clear();
        QVERIFY(!model.setExplanation(rule->explain((*events)[0], options)));
        QCOMPARE(changed.size(), 0);
        // Another rule: another tree, a reset.
        const std::string other = "title: t\nlogsource:\n    category: process_creation\n    product: windows\n"
                                  "detection:\n    a:\n        Image|endswith: '\\\\cmd.exe'\n"
                                  "    b:\n        User: x\n    condition: a or b\n";
        const sigma::ParsedFile parsed = sigma::parseRuleText(other, "other.yml");
        QVERIFY(parsed.firstRule());
        const auto otherRule = sigma::compileRule(*parsed.firstRule(), "other.yml").rule;
        QVERIFY(otherRule);
        QVERIFY(model.setExplanation(otherRule->explain((*events)[0], options)));
        QCOMPARE(reset.size(), 1);
    }

    void evaluationReusesScope()
    {
        const EventListPtr events = fixtureEvents();
        const QString text =
            QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("ui/whoami.yml"))));
        EvaluationRequest request;
        request.generation = 1;
        request.text = text;
        request.file = QStringLiteral("whoami.yml");
        request.events = events;
        const EvaluationPtr first = LiveEvaluator::run(request);
        QVERIFY(first->ok());
        QVERIFY(!first->scopeReused);
        // Another detection, the same log source: the scope comes from the first verdicts and the
        // verdicts are those of a job without them.
        request.text = QString(text).replace(QStringLiteral("'jdoe'"), QStringLiteral("'alice'"));
        request.previous = first;
        const EvaluationPtr second = LiveEvaluator::run(request);
        QVERIFY(second->scopeReused);
        request.previous = {};
        const EvaluationPtr fresh = LiveEvaluator::run(request);
        QVERIFY(!fresh->scopeReused);
        QVERIFY(second->verdicts == fresh->verdicts);
        QCOMPARE(second->inScope, fresh->inScope);
        QVERIFY(std::count(first->verdicts.begin(), first->verdicts.end(), Verdict::OutOfScope) > 0);
        // Another log source, or other events: evaluated afresh.
        request.previous = first;
        request.text = QString(text).replace(QStringLiteral("process_creation"), QStringLiteral("network_connection"));
        const EvaluationPtr otherSource = LiveEvaluator::run(request);
        QVERIFY(!otherSource->scopeReused);
        QVERIFY(otherSource->inScope != first->inScope);
        request.text = text;
        request.events = std::make_shared<const EventList>(*events);
        QVERIFY(!LiveEvaluator::run(request)->scopeReused);
    }

    // The live job reads Security 4688 (and 5156 when the translation is on) through the log
    // source's translation, as `sigmawb match` does: its verdicts equal CompiledRule::matches().
    void evaluationTranslatesLikeMatch_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("translate5156");
        QTest::addColumn<int>("expectedMatches");
        QTest::newRow("process_creation sees 4688 as Sysmon 1")
            << "title: t\nlogsource:\n    category: process_creation\n    product: windows\n"
               "detection:\n    sel:\n        Image|endswith: '\\\\net.exe'\n    condition: sel\n"
            << false << 1;
        QTest::newRow("network_connection, 5156 translation off")
            << "title: t\nlogsource:\n    category: network_connection\n    product: windows\n"
               "detection:\n    sel:\n        DestinationPort: 4444\n    condition: sel\n"
            << false << -1;
        QTest::newRow("network_connection, 5156 translation on")
            << "title: t\nlogsource:\n    category: network_connection\n    product: windows\n"
               "detection:\n    sel:\n        DestinationPort: 4444\n    condition: sel\n"
            << true << -1;
    }
    void evaluationTranslatesLikeMatch()
    {
        QFETCH(QString, rule);
        QFETCH(bool, translate5156);
        QFETCH(int, expectedMatches);
        const auto read = EventLoader::run({sigmatest::dataPath(QStringLiteral("events/mixed.xml")),
                                            sigmatest::dataPath(QStringLiteral("engine/events.xml"))},
                                           {}, nullptr, {});
        const EventListPtr events = read->events;
        QVERIFY(events && events->size() >= 10);
        EvaluationRequest request;
        request.generation = 1;
        request.text = rule;
        request.file = QStringLiteral("t.yml");
        request.events = events;
        request.options.translateSecurity5156 = translate5156;
        const EvaluationPtr first = LiveEvaluator::run(request);
        QVERIFY(first->ok());
        std::size_t expected = 0;
        for (std::size_t i = 0; i < events->size(); ++i) {
            const bool m = first->compiled->matches((*events)[i]);
            expected += m;
            QCOMPARE(first->verdicts[i] == Verdict::Match, m);
        }
        QCOMPARE(first->matches, expected);
        if (expectedMatches >= 0)
            QCOMPARE(int(first->matches), expectedMatches);
        // The same with the scope rows kept from the previous job.
        request.previous = first;
        const EvaluationPtr again = LiveEvaluator::run(request);
        QVERIFY(again->scopeReused);
        QVERIFY(again->verdicts == first->verdicts);
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
