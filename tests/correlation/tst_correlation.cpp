// core/correlation: correlations and filters evaluated, each case's results computed by hand.
//
// Events are written "SECONDS field=value ..." (seconds after 2024-01-01T00:00:00Z; "-" for an
// event without a time). A result is written "CORRELATION GROUP +START..+END value=V events=N",
// START and END in seconds after the same origin.
#include "correlation/correlation.h"
#include "engine/loader.h"
#include "events/fieldname.h"
#include "events/reader.h"
#include "rule/parser.h"

#include "testsupport.h"

#include <QTest>

using namespace sigma;

namespace {

const EventTime kOrigin = *parseEventTime("2024-01-01T00:00:00Z");

Event makeEvent(const QString& spec, std::size_t index);
Event makeEvent(const char* spec, std::size_t index)
{
    return makeEvent(QString::fromUtf8(spec), index);
}

Event makeEvent(const QString& spec, std::size_t index)
{
    static const auto file = std::make_shared<const std::string>("events.jsonl");
    Event e;
    const QStringList parts = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.front() != QLatin1String("-")) {
        const double seconds = parts.front().toDouble();
        e.add("TimeCreated_SystemTime", formatEventTime(kOrigin + EventTime(seconds * 1e6)));
    }
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].indexOf(QLatin1Char('='));
        e.add(parts[i].left(eq).toStdString(), parts[i].mid(eq + 1).toStdString());
    }
    e.origin.file = file;
    e.origin.index = index;
    e.origin.recordId = 1000 + index;
    return e;
}

QString seconds(EventTime t)
{
    const EventTime d = t - kOrigin;
    return d % 1'000'000 == 0 ? QString::number(d / 1'000'000) : QString::number(double(d) / 1e6);
}

QString describe(const CorrelationUnit& unit, const CorrelationResult& r)
{
    const auto& c = unit.correlations()[r.correlation];
    const std::string name = c.doc.name.empty() ? c.doc.id : c.doc.name;
    return QStringLiteral("%1 %2 +%3..+%4 value=%5 events=%6")
        .arg(QString::fromStdString(name), QString::fromStdString(formatGroup(r.group)), seconds(r.start),
             seconds(r.end), QString::number(r.value, 'g', 12), QString::number(r.eventCount));
}

struct Run {
    std::shared_ptr<const CorrelationUnit> unit;
    Diagnostics diagnostics;
    CorrelationReport report;
    QStringList results;
};

Run run(const std::vector<ParsedFile>& files, const QStringList& events, CorrelationOptions options = {})
{
    CompileOptions compile;
    compile.scopeByLogSource = false; // events here carry only the fields the rules read
    Run out;
    auto unit = compileCorrelationUnit(files, compile);
    out.unit = unit.unit;
    out.diagnostics = unit.diagnostics;
    CorrelationEvaluator evaluator(unit.unit, options);
    std::size_t index = 0;
    for (const auto& spec : events)
        evaluator.add(makeEvent(spec, ++index));
    out.report = evaluator.finish();
    for (const auto& r : out.report.results)
        out.results << describe(*out.unit, r);
    return out;
}

Run runText(const QString& yaml, const QStringList& events, CorrelationOptions options = {})
{
    return run({parseRuleText(yaml.toStdString(), "case.yml")}, events, options);
}

QString diagnosticsText(const Diagnostics& diagnostics)
{
    QString out;
    for (const auto& d : diagnostics)
        out += QString::fromStdString(d.format()) + QLatin1Char('\n');
    return out;
}

// Base rules used by the cases: "failed" (EventID 4625), "success" (4624), "a" (Step=a), "b", "c".
const QString kRules = QStringLiteral(R"(
---
title: Failed logon
id: 10000000-0000-4000-8000-000000000001
name: failed
logsource:
    product: test
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Successful logon
id: 10000000-0000-4000-8000-000000000002
name: success
logsource:
    product: test
detection:
    selection:
        EventID: 4624
    condition: selection
---
title: Step a
name: a
logsource:
    product: test
detection:
    selection:
        Step: a
    condition: selection
---
title: Step b
name: b
logsource:
    product: test
detection:
    selection:
        Step: b
    condition: selection
---
title: Step c
name: c
logsource:
    product: test
detection:
    selection:
        Step: c
    condition: selection
)");

QString correlation(const char* typeText, const char* rulesText, const char* groupByText, const char* timespanText,
                    const char* conditionText, const char* extraText = "")
{
    const QString type = QString::fromUtf8(typeText), rules = QString::fromUtf8(rulesText),
                  groupBy = QString::fromUtf8(groupByText), timespan = QString::fromUtf8(timespanText),
                  condition = QString::fromUtf8(conditionText), extra = QString::fromUtf8(extraText);
    QString text = QStringLiteral("title: Case\nname: case\ncorrelation:\n    type: %1\n    rules:\n").arg(type);
    for (const auto& r : rules.split(QLatin1Char(',')))
        text += QStringLiteral("        - %1\n").arg(r);
    if (!groupBy.isEmpty()) {
        text += QStringLiteral("    group-by:\n");
        for (const auto& g : groupBy.split(QLatin1Char(',')))
            text += QStringLiteral("        - %1\n").arg(g);
    }
    text += QStringLiteral("    timespan: %1\n").arg(timespan);
    if (!condition.isEmpty()) {
        text += QStringLiteral("    condition:\n");
        for (const auto& c : condition.split(QLatin1Char(',')))
            text += QStringLiteral("        %1\n").arg(c);
    }
    text += extra;
    return text + kRules;
}

} // namespace

class TestCorrelation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void times_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("micros");
        QTest::addRow("epoch") << QStringLiteral("1970-01-01T00:00:00Z") << qint64(0);
        QTest::addRow("normalised") << QStringLiteral("2024-01-01T00:00:00.000001Z") << qint64(1704067200000001);
        QTest::addRow("space and offset") << QStringLiteral("2024-02-29 12:30:15.5+00:00") << qint64(1709209815500000);
        QTest::addRow("not a time") << QStringLiteral("yesterday") << qint64(-1);
        QTest::addRow("other zone") << QStringLiteral("2024-01-01T00:00:00+02:00") << qint64(-1);
    }
    void times()
    {
        QFETCH(QString, text);
        QFETCH(qint64, micros);
        const auto t = parseEventTime(text.toStdString());
        if (micros < 0) {
            QVERIFY(!t);
            return;
        }
        QVERIFY(t);
        QCOMPARE(qint64(*t), micros);
        QCOMPARE(parseEventTime(formatEventTime(*t)), t);
    }

    // Every type, window edges, group-by, aliases, chains, with results computed by hand.
    void cases_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QStringList>("expected");

        const QString count3 = correlation("event_count", "failed", "User", "1m", "gte: 3");
        QTest::addRow("event_count fires at the third hit")
            << count3
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("10 EventID=4625 User=alice"),
                           QStringLiteral("15 EventID=4624 User=alice"), QStringLiteral("20 EventID=4625 User=alice"),
                           QStringLiteral("25 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+20 value=3 events=3")};
        QTest::addRow("event_count groups apart")
            << count3
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("1 EventID=4625 User=bob"),
                           QStringLiteral("2 EventID=4625 User=alice")}
            << QStringList{};
        const QString count2 = correlation("event_count", "failed", "User", "60s", "gte: 2");
        // The window is closed: two hits exactly one timespan apart are in one window.
        QTest::addRow("exactly timespan apart")
            << count2
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("60 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+60 value=2 events=2")};
        QTest::addRow("one second more") << count2
                                         << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                                                        QStringLiteral("61 EventID=4625 User=alice")}
                                         << QStringList{};
        QTest::addRow("one microsecond more") << count2
                                              << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                                                             QStringLiteral("60.000001 EventID=4625 User=alice")}
                                              << QStringList{};
        QTest::addRow("equal times") << count3
                                     << QStringList{QStringLiteral("5 EventID=4625 User=alice"),
                                                    QStringLiteral("5 EventID=4625 User=alice"),
                                                    QStringLiteral("5 EventID=4625 User=alice")}
                                     << QStringList{QStringLiteral("case User=alice +5..+5 value=3 events=3")};
        // Hits are sorted by time before the windows are evaluated.
        QTest::addRow("out of order input")
            << count3
            << QStringList{QStringLiteral("20 EventID=4625 User=alice"), QStringLiteral("0 EventID=4625 User=alice"),
                           QStringLiteral("10 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+20 value=3 events=3")};
        // A firing consumes its window's hits: six hits give two results, not four.
        QTest::addRow("hits consumed by a firing")
            << count3
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("1 EventID=4625 User=alice"),
                           QStringLiteral("2 EventID=4625 User=alice"), QStringLiteral("3 EventID=4625 User=alice"),
                           QStringLiteral("4 EventID=4625 User=alice"), QStringLiteral("5 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+2 value=3 events=3"),
                           QStringLiteral("case User=alice +3..+5 value=3 events=3")};
        // pySigma (and the backends it drives) keep events without the field as the empty value.
        QTest::addRow("missing group-by field is the empty group (pySigma)")
            << count2
            << QStringList{QStringLiteral("0 EventID=4625"), QStringLiteral("5 EventID=4625 User=alice"),
                           QStringLiteral("9 EventID=4625")}
            << QStringList{QStringLiteral("case User= +0..+9 value=2 events=2")};
        QTest::addRow("two group-by fields")
            << correlation("event_count", "failed", "User,Computer", "1m", "gte: 2")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice Computer=ws1"),
                           QStringLiteral("1 EventID=4625 User=alice Computer=ws2"),
                           QStringLiteral("2 EventID=4625 User=alice Computer=ws1")}
            << QStringList{QStringLiteral("case User=alice, Computer=ws1 +0..+2 value=2 events=2")};
        QTest::addRow("no group-by") << correlation("event_count", "failed,success", "", "1m", "gte: 3")
                                     << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                                                    QStringLiteral("1 EventID=4624 User=bob"),
                                                    QStringLiteral("2 EventID=4625 User=carol")}
                                     << QStringList{QStringLiteral("case (no group-by) +0..+2 value=3 events=3")};
        QTest::addRow("timespan in hours")
            << correlation("event_count", "failed", "User", "2h", "gte: 2")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("7200 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+7200 value=2 events=2")};
        QTest::addRow("timespan in days, outside")
            << correlation("event_count", "failed", "User", "1d", "gte: 2")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("86401 EventID=4625 User=alice")}
            << QStringList{};
        QTest::addRow("timespan in weeks (pySigma)")
            << correlation("event_count", "failed", "User", "1w", "gte: 2")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                           QStringLiteral("604800 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+604800 value=2 events=2")};
        // Upper bounds need the whole window: evaluated when it closes, on each window that starts
        // at a hit. Hits at 0,1,2,3 (10s): [0,10] has 4; [1,11] has 3 and fires; end = start + span.
        QTest::addRow("range gt 2 lte 3")
            << correlation("event_count", "failed", "User", "10s", "gt: 2,lte: 3")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("1 EventID=4625 User=alice"),
                           QStringLiteral("2 EventID=4625 User=alice"), QStringLiteral("3 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +1..+11 value=3 events=3")};
        QTest::addRow("eq") << correlation("event_count", "failed", "User", "10s", "eq: 2")
                            << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                                           QStringLiteral("4 EventID=4625 User=alice"),
                                           QStringLiteral("30 EventID=4625 User=bob")}
                            << QStringList{QStringLiteral("case User=alice +0..+10 value=2 events=2")};
        QTest::addRow("neq") << correlation("event_count", "failed", "User", "10s", "neq: 1")
                             << QStringList{QStringLiteral("0 EventID=4625 User=alice"),
                                            QStringLiteral("30 EventID=4625 User=bob"),
                                            QStringLiteral("31 EventID=4625 User=bob")}
                             << QStringList{QStringLiteral("case User=bob +30..+40 value=2 events=2")};
        QTest::addRow("value_count distinct users per computer")
            << correlation("value_count", "failed", "Computer", "1m", "field: User,gte: 3")
            << QStringList{QStringLiteral("0 EventID=4625 Computer=dc User=a"),
                           QStringLiteral("1 EventID=4625 Computer=dc User=a"),
                           QStringLiteral("2 EventID=4625 Computer=dc User=b"),
                           QStringLiteral("3 EventID=4625 Computer=ws User=c"),
                           QStringLiteral("4 EventID=4625 Computer=dc"),
                           QStringLiteral("5 EventID=4625 Computer=dc User=c")}
            << QStringList{QStringLiteral("case Computer=dc +0..+5 value=3 events=5")};
        // condition.field as a list: the Sigma specification v2.1 (value_count: "When you use multiple
        // values in `field` they are linked by an AND") and pySigma (`fieldref: str | list[str]`)
        // accept it; we count distinct tuples, and an event lacking one of the fields adds no tuple.
        const QString userDomain =
            correlation("value_count", "failed", "Computer", "1m", "field:,    - User,    - Domain,gte: 3");
        QTest::addRow("value_count field list: distinct tuples (spec v2.1)")
            << userDomain
            << QStringList{QStringLiteral("0 EventID=4625 Computer=dc User=alice Domain=a"),
                           QStringLiteral("1 EventID=4625 Computer=dc User=alice Domain=b"),
                           QStringLiteral("2 EventID=4625 Computer=dc User=alice Domain=a"),
                           QStringLiteral("3 EventID=4625 Computer=dc User=bob Domain=a")}
            << QStringList{QStringLiteral("case Computer=dc +0..+3 value=3 events=4")};
        QTest::addRow("value_count field list: a tuple needs every field")
            << userDomain
            << QStringList{QStringLiteral("0 EventID=4625 Computer=dc User=alice Domain=a"),
                           QStringLiteral("1 EventID=4625 Computer=dc User=bob"),
                           QStringLiteral("2 EventID=4625 Computer=dc User=carol Domain=a"),
                           QStringLiteral("3 EventID=4625 Computer=dc Domain=b"),
                           QStringLiteral("4 EventID=4625 Computer=dc User=dave Domain=b")}
            << QStringList{QStringLiteral("case Computer=dc +0..+4 value=3 events=5")};
        // The same events with one field: bob and the User-less event count as they are.
        QTest::addRow("value_count one field, same events")
            << correlation("value_count", "failed", "Computer", "1m", "field: User,gte: 3")
            << QStringList{QStringLiteral("0 EventID=4625 Computer=dc User=alice Domain=a"),
                           QStringLiteral("1 EventID=4625 Computer=dc User=bob"),
                           QStringLiteral("2 EventID=4625 Computer=dc User=carol Domain=a"),
                           QStringLiteral("3 EventID=4625 Computer=dc Domain=b"),
                           QStringLiteral("4 EventID=4625 Computer=dc User=dave Domain=b")}
            << QStringList{QStringLiteral("case Computer=dc +0..+2 value=3 events=3")};
        // lt needs the window closed: [0,60] holds a,b (2 < 3) and fires at its end.
        QTest::addRow("value_count lt") << correlation("value_count", "failed", "Computer", "1m", "field: User,lt: 3")
                                        << QStringList{QStringLiteral("0 EventID=4625 Computer=dc User=a"),
                                                       QStringLiteral("1 EventID=4625 Computer=dc User=b")}
                                        << QStringList{QStringLiteral("case Computer=dc +0..+60 value=2 events=2")};
        QTest::addRow("temporal any order")
            << correlation("temporal", "a,b,c", "Host", "5m", "")
            << QStringList{QStringLiteral("0 Step=c Host=h1"), QStringLiteral("10 Step=a Host=h1"),
                           QStringLiteral("20 Step=a Host=h2"), QStringLiteral("200 Step=b Host=h1")}
            << QStringList{QStringLiteral("case Host=h1 +0..+200 value=3 events=3")};
        QTest::addRow("temporal one rule outside the window")
            << correlation("temporal", "a,b", "Host", "5m", "")
            << QStringList{QStringLiteral("0 Step=a Host=h1"), QStringLiteral("301 Step=b Host=h1")} << QStringList{};
        QTest::addRow("temporal with a condition (2 of 3)")
            << correlation("temporal", "a,b,c", "Host", "5m", "gte: 2")
            << QStringList{QStringLiteral("0 Step=c Host=h1"), QStringLiteral("10 Step=c Host=h1"),
                           QStringLiteral("20 Step=b Host=h1")}
            << QStringList{QStringLiteral("case Host=h1 +0..+20 value=2 events=3")};
        QTest::addRow("temporal_ordered in order")
            << correlation("temporal_ordered", "a,b,c", "Host", "5m", "")
            << QStringList{QStringLiteral("0 Step=b Host=h1"), QStringLiteral("10 Step=a Host=h1"),
                           QStringLiteral("20 Step=b Host=h1"), QStringLiteral("30 Step=c Host=h1")}
            << QStringList{QStringLiteral("case Host=h1 +0..+30 value=3 events=4")};
        QTest::addRow("temporal_ordered wrong order")
            << correlation("temporal_ordered", "a,b", "Host", "5m", "")
            << QStringList{QStringLiteral("0 Step=b Host=h1"), QStringLiteral("10 Step=a Host=h1")} << QStringList{};
        // Equal times: ties keep the input order.
        QTest::addRow("temporal_ordered equal times in input order")
            << correlation("temporal_ordered", "a,b", "Host", "5m", "")
            << QStringList{QStringLiteral("7 Step=a Host=h1"), QStringLiteral("7 Step=b Host=h1")}
            << QStringList{QStringLiteral("case Host=h1 +7..+7 value=2 events=2")};
        QTest::addRow("temporal_ordered equal times against input order")
            << correlation("temporal_ordered", "a,b", "Host", "5m", "")
            << QStringList{QStringLiteral("7 Step=b Host=h1"), QStringLiteral("7 Step=a Host=h1")} << QStringList{};
        QTest::addRow("temporal_ordered out of order input is sorted")
            << correlation("temporal_ordered", "a,b", "Host", "5m", "")
            << QStringList{QStringLiteral("20 Step=b Host=h1"), QStringLiteral("10 Step=a Host=h1")}
            << QStringList{QStringLiteral("case Host=h1 +10..+20 value=2 events=2")};
        // value_* read numbers; windows closed at start + timespan.
        QTest::addRow("value_sum") << correlation("value_sum", "failed", "User", "1m", "field: Bytes,gt: 100")
                                   << QStringList{QStringLiteral("0 EventID=4625 User=u Bytes=50"),
                                                  QStringLiteral("10 EventID=4625 User=u Bytes=40"),
                                                  QStringLiteral("20 EventID=4625 User=u Bytes=30"),
                                                  QStringLiteral("21 EventID=4625 User=u Bytes=x")}
                                   << QStringList{QStringLiteral("case User=u +0..+60 value=120 events=4")};
        QTest::addRow("value_sum not reached")
            << correlation("value_sum", "failed", "User", "1m", "field: Bytes,gt: 100")
            << QStringList{QStringLiteral("0 EventID=4625 User=u Bytes=50"),
                           QStringLiteral("61 EventID=4625 User=u Bytes=60")}
            << QStringList{};
        QTest::addRow("value_avg") << correlation("value_avg", "failed", "User", "1m", "field: Bytes,gte: 30")
                                   << QStringList{QStringLiteral("0 EventID=4625 User=u Bytes=10"),
                                                  QStringLiteral("1 EventID=4625 User=u Bytes=20"),
                                                  QStringLiteral("2 EventID=4625 User=u Bytes=60")}
                                   << QStringList{QStringLiteral("case User=u +0..+60 value=30 events=3")};
        // numpy's default percentile (linear between closest ranks): p90 of 1..10 = 9.1.
        QTest::addRow("value_percentile p90")
            << correlation("value_percentile", "failed", "User", "1m", "field: Ms,percentile: 90,gt: 9")
            << QStringList{QStringLiteral("0 EventID=4625 User=u Ms=1"), QStringLiteral("1 EventID=4625 User=u Ms=2"),
                           QStringLiteral("2 EventID=4625 User=u Ms=3"), QStringLiteral("3 EventID=4625 User=u Ms=4"),
                           QStringLiteral("4 EventID=4625 User=u Ms=5"), QStringLiteral("5 EventID=4625 User=u Ms=6"),
                           QStringLiteral("6 EventID=4625 User=u Ms=7"), QStringLiteral("7 EventID=4625 User=u Ms=8"),
                           QStringLiteral("8 EventID=4625 User=u Ms=9"), QStringLiteral("9 EventID=4625 User=u Ms=10")}
            << QStringList{QStringLiteral("case User=u +0..+60 value=9.1 events=10")};
        QTest::addRow("value_median (pySigma)")
            << correlation("value_median", "failed", "User", "1m", "field: Ms,lte: 2")
            << QStringList{QStringLiteral("0 EventID=4625 User=u Ms=100"), QStringLiteral("1 EventID=4625 User=u Ms=1"),
                           QStringLiteral("2 EventID=4625 User=u Ms=2")}
            << QStringList{QStringLiteral("case User=u +0..+60 value=2 events=3")};
        // Aliases: one group-by name read from differently named fields per rule.
        QTest::addRow("aliases")
            << correlation("temporal", "a,b", "ip", "1m", "",
                           "    aliases:\n        ip:\n            a: SourceIp\n            b: DestinationIp\n")
            << QStringList{QStringLiteral("0 Step=a SourceIp=10.0.0.1"),
                           QStringLiteral("5 Step=b DestinationIp=10.0.0.2"),
                           QStringLiteral("9 Step=b DestinationIp=10.0.0.1 SourceIp=10.0.0.9")}
            << QStringList{QStringLiteral("case ip=10.0.0.1 +0..+9 value=2 events=2")};
        // A correlation of correlations: two bursts of failures (3 in 1m) within 10 minutes.
        QTest::addRow("chained")
            << QStringLiteral("title: Outer\nname: outer\ncorrelation:\n    type: event_count\n    rules:\n"
                              "        - case\n    group-by:\n        - User\n    timespan: 10m\n"
                              "    condition:\n        gte: 2\n---\n") +
                   correlation("event_count", "failed", "User", "1m", "gte: 3")
            << QStringList{QStringLiteral("0 EventID=4625 User=alice"),   QStringLiteral("1 EventID=4625 User=alice"),
                           QStringLiteral("2 EventID=4625 User=alice"),   QStringLiteral("300 EventID=4625 User=alice"),
                           QStringLiteral("301 EventID=4625 User=alice"), QStringLiteral("302 EventID=4625 User=alice")}
            << QStringList{QStringLiteral("case User=alice +0..+2 value=3 events=3"),
                           QStringLiteral("case User=alice +300..+302 value=3 events=3"),
                           QStringLiteral("outer User=alice +2..+302 value=2 events=6")};
    }
    void cases()
    {
        QFETCH(QString, yaml);
        QFETCH(QStringList, events);
        QFETCH(QStringList, expected);
        const Run r = runText(yaml, events);
        QVERIFY2(!hasErrors(r.diagnostics), qPrintable(diagnosticsText(r.diagnostics)));
        QCOMPARE(r.results, expected);
    }

    // Filters apply to the rules they name, by name or by id: a filtered event no longer matches.
    void filters_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("logsource");
        QTest::addColumn<QStringList>("expected");
        const QStringList bobOnly{QStringLiteral("case User=bob +3..+5 value=3 events=3")};
        const QStringList both{QStringLiteral("case User=admin +0..+2 value=3 events=3"),
                               QStringLiteral("case User=bob +3..+5 value=3 events=3")};
        QTest::addRow("by name") << QStringLiteral("failed") << QStringLiteral("test") << bobOnly;
        QTest::addRow("by id") << QStringLiteral("10000000-0000-4000-8000-000000000001") << QStringLiteral("test")
                               << bobOnly;
        QTest::addRow("any") << QStringLiteral("any") << QStringLiteral("test") << bobOnly;
        QTest::addRow("other rule") << QStringLiteral("success") << QStringLiteral("test") << both;
        // pySigma: a filter applies only to rules whose log source it contains.
        QTest::addRow("other log source") << QStringLiteral("failed") << QStringLiteral("other") << both;
    }
    void filters()
    {
        QFETCH(QString, reference);
        QFETCH(QString, logsource);
        QFETCH(QStringList, expected);
        const QString filter = QStringLiteral("title: Not the admin\nlogsource:\n    product: %1\nfilter:\n"
                                              "    rules:\n        - %2\n    selection:\n        User: admin\n"
                                              "    condition: not selection\n---\n")
                                   .arg(logsource, reference);
        const QStringList events{
            QStringLiteral("0 EventID=4625 User=admin"), QStringLiteral("1 EventID=4625 User=admin"),
            QStringLiteral("2 EventID=4625 User=admin"), QStringLiteral("3 EventID=4625 User=bob"),
            QStringLiteral("4 EventID=4625 User=bob"),   QStringLiteral("5 EventID=4625 User=bob")};
        const Run r = runText(filter + correlation("event_count", "failed", "User", "1m", "gte: 3"), events);
        QVERIFY2(!hasErrors(r.diagnostics), qPrintable(diagnosticsText(r.diagnostics)));
        QCOMPARE(r.results, expected);
        // The filter also changes the rule's own matches.
        const auto failed = *r.unit->findRule("failed");
        std::vector<std::size_t> matched;
        r.unit->match(makeEvent("0 EventID=4625 User=admin", 1), matched);
        const bool filtered = expected.size() == 1;
        QCOMPARE(std::count(matched.begin(), matched.end(), failed), filtered ? 0 : 1);
    }

    void valueCountTuplesAreListedJoined()
    {
        // The distinct tuples of a list-form condition.field, as explain and the pane show them.
        const Run r =
            runText(correlation("value_count", "failed", "Computer", "1m", "field:,    - User,    - Domain,gte: 2"),
                    {QStringLiteral("0 EventID=4625 Computer=dc User=alice Domain=a"),
                     QStringLiteral("1 EventID=4625 Computer=dc User=alice Domain=a"),
                     QStringLiteral("2 EventID=4625 Computer=dc User=alice Domain=b")});
        QCOMPARE(r.results, QStringList{QStringLiteral("case Computer=dc +0..+2 value=2 events=3")});
        const std::vector<std::pair<std::string, std::size_t>> expected{{"alice, a", 2}, {"alice, b", 1}};
        QCOMPARE(r.report.results.at(0).distinct, expected);
    }

    // `sigmawb match` compiles its correlation unit from the files loadRules() parsed (read once).
    void loadedRulesKeepTheirParsedFiles()
    {
        const QString spec = sigmatest::dataPath(QStringLiteral("correlation/spec"));
        Diagnostics problems;
        const auto files = collectRuleFiles({spec.toStdString()}, problems);
        QVERIFY(files.size() >= 2);
        const LoadedRules loaded = loadRules(files, {}, 1, /*keepParsed=*/true);
        QCOMPARE(loaded.parsed.size(), files.size());
        for (std::size_t i = 0; i < files.size(); ++i)
            QCOMPARE(loaded.parsed[i].file, files[i]);
        QVERIFY(loadRules(files).parsed.empty());
        const auto fromParsed = compileCorrelationUnit(loaded.parsed);
        const auto fromPaths = loadCorrelationUnit(files);
        QVERIFY(!fromParsed.unit->correlations().empty());
        QCOMPARE(fromParsed.unit->correlations().size(), fromPaths.unit->correlations().size());
        QCOMPARE(fromParsed.unit->rules().size(), fromPaths.unit->rules().size());
    }

    void generateDecidesWhatIsReportedAlone()
    {
        const Run off = runText(correlation("event_count", "failed", "User", "1m", "gte: 3"), {});
        QVERIFY(!off.unit->rules()[*off.unit->findRule("failed")].reportAlone);
        QVERIFY(off.unit->rules()[*off.unit->findRule("success")].reportAlone);
        QVERIFY(off.unit->correlations()[0].reportAlone);
        const Run on =
            runText(correlation("event_count", "failed", "User", "1m", "gte: 3", "    generate: true\n"), {});
        QVERIFY(on.unit->rules()[*on.unit->findRule("failed")].reportAlone);
    }

    void eventsWithoutTimeAreReported()
    {
        const Run r = runText(correlation("event_count", "failed", "User", "1m", "gte: 2"),
                              {QStringLiteral("- EventID=4625 User=alice"), QStringLiteral("0 EventID=4625 User=alice"),
                               QStringLiteral("- EventID=4624 User=alice")});
        QCOMPARE(r.results, QStringList{});
        QCOMPARE(r.report.untimedCount, std::size_t(1));
        QCOMPARE(r.report.untimed.front().index, std::size_t(1));
        QCOMPARE(r.report.hits, std::size_t(1));
    }

    void contributingEventsAreCapped()
    {
        QStringList events;
        for (int i = 0; i < 12; ++i)
            events << QStringLiteral("%1 EventID=4625 User=alice").arg(i);
        CorrelationOptions options;
        options.maxEvents = 5;
        const Run r = runText(correlation("event_count", "failed", "User", "1m", "gte: 12"), events, options);
        QCOMPARE(r.report.results.size(), std::size_t(1));
        QCOMPARE(r.report.results[0].eventCount, std::size_t(12));
        QCOMPARE(r.report.results[0].events.size(), std::size_t(5));
        QCOMPARE(r.report.results[0].events[4].index, std::size_t(5));
        QCOMPARE(r.report.results[0].events[4].recordId, std::optional<std::uint64_t>(1005));
    }

    void referenceErrors_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("code");
        QTest::addRow("unknown rule") << correlation("event_count", "nosuchrule", "User", "1m", "gte: 3")
                                      << QStringLiteral("unknown-correlation-rule");
        QTest::addRow("cycle") << QStringLiteral("title: X\nname: x\ncorrelation:\n    type: event_count\n    rules:\n"
                                                 "        - y\n    timespan: 1m\n    condition:\n        gte: 1\n---\n"
                                                 "title: Y\nname: y\ncorrelation:\n    type: event_count\n    rules:\n"
                                                 "        - x\n    timespan: 1m\n    condition:\n        gte: 1\n")
                               << QStringLiteral("correlation-cycle");
        // Only value_count reads a list of fields (specification v2.1 says so of value_count alone).
        QTest::addRow("value_sum with a field list")
            << correlation("value_sum", "failed", "User", "1m", "field:,    - Bytes,    - Packets,gt: 10")
            << QStringLiteral("invalid-correlation-condition");
    }
    void referenceErrors()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, code);
        const Run r = runText(yaml, {});
        const auto it = std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                     [&](const Diagnostic& d) { return d.code == code.toStdString(); });
        QVERIFY2(it != r.diagnostics.end(), qPrintable(diagnosticsText(r.diagnostics)));
        QCOMPARE(it->file, std::string("case.yml"));
        QVERIFY(it->span.begin.line > 0);
        QVERIFY(r.unit->correlations().empty());
    }

    // The examples of the specification's documentation, as our own fixtures.
    void specificationExamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QStringList>("expected");

        // Ten failures for alice then a success within 10 minutes: the chain fires. bob has nine
        // failures: the inner count never fires, so neither does the chain.
        QStringList logins;
        for (int i = 0; i < 10; ++i)
            logins << QStringLiteral("%1 EventID=4625 User=alice").arg(i * 30);
        for (int i = 0; i < 9; ++i)
            logins << QStringLiteral("%1 EventID=529 User=bob").arg(i * 30);
        logins << QStringLiteral("400 EventID=4624 User=alice") << QStringLiteral("400 EventID=4624 User=bob");
        QTest::addRow("failed logins followed by successful login")
            << QStringLiteral("failed_logins_then_success.yml") << logins
            << QStringList{
                   QStringLiteral("multiple_failed_login User=alice +0..+270 value=10 events=10"),
                   QStringLiteral("0b1f7c52-8a3e-4c8e-9a57-3f1d2c7e1a01 User=alice +270..+400 value=2 events=11")};
        // The same, but the success comes before the tenth failure: not in order.
        QStringList early = logins.mid(0, 9);
        early << QStringLiteral("265 EventID=4624 User=alice") << QStringLiteral("270 EventID=4625 User=alice");
        QTest::addRow("success before the tenth failure")
            << QStringLiteral("failed_logins_then_success.yml") << early
            << QStringList{QStringLiteral("multiple_failed_login User=alice +0..+270 value=10 events=10")};
        QTest::addRow("field name aliases")
            << QStringLiteral("field_aliases.yml")
            << QStringList{QStringLiteral(
                               "0 http.response.status_code=500 destination.ip=10.0.0.5 source.ip=192.0.2.7"),
                           QStringLiteral("4 event.category=network event.type=connection event.outcome=success "
                                          "source.ip=10.0.0.5 destination.ip=192.0.2.7"),
                           QStringLiteral("5 event.category=network event.type=connection event.outcome=success "
                                          "source.ip=192.0.2.7 destination.ip=10.0.0.5")}
            << QStringList{QStringLiteral(
                   "2c6d0f7e-5b1a-4d2c-8e3f-9a0b1c2d3e01 internal_ip=10.0.0.5, remote_ip=192.0.2.7 +0..+4 "
                   "value=2 events=2")};
        QStringList hundred;
        for (int i = 0; i < 100; ++i)
            hundred << QStringLiteral("%1 EventID=4625 ComputerName=dc1").arg(i * 36); // the 100th at 3564 s
        for (int i = 0; i < 99; ++i)
            hundred << QStringLiteral("%1 EventID=4625 ComputerName=dc2").arg(i * 10);
        QTest::addRow("event_count: 100 failed logins in an hour")
            << QStringLiteral("event_count.yml") << hundred
            << QStringList{QStringLiteral(
                   "3d7e1a8f-6c2b-4e3d-9f40-ab1c2d3e4f01 ComputerName=dc1 +0..+3564 value=100 events=100")};
        QStringList users;
        for (int i = 0; i < 100; ++i)
            users
                << QStringLiteral("%1 EventID=4625 ComputerName=dc WorkstationName=ws7 User=user%2").arg(i * 60).arg(i);
        users << QStringLiteral("10 EventID=4625 ComputerName=dc WorkstationName=ws8 User=user1");
        QTest::addRow("value_count: 100 users from one workstation in a day")
            << QStringLiteral("value_count.yml") << users
            << QStringList{QStringLiteral(
                   "4e8f2b90-7d3c-4f4e-a051-bc2d3e4f5a01 ComputerName=dc, WorkstationName=ws7 +0..+5940 value=100 "
                   "events=100")};
        QTest::addRow("value_sum: exfiltration")
            << QStringLiteral("value_sum.yml")
            << QStringList{QStringLiteral("0 cs-method=POST SourceIP=10.1.1.1 User=eve bytes_sent=600000"),
                           QStringLiteral("1800 cs-method=POST SourceIP=10.1.1.1 User=eve bytes_sent=400001"),
                           QStringLiteral("100 cs-method=POST SourceIP=10.1.1.2 User=eve bytes_sent=999999"),
                           QStringLiteral("200 cs-method=GET SourceIP=10.1.1.2 User=eve bytes_sent=999999")}
            << QStringList{QStringLiteral(
                   "5f903ca1-8e4d-4a5f-b162-cd3e4f5a6b01 SourceIP=10.1.1.1, User=eve +0..+3600 value=1000001 "
                   "events=2")};
        QTest::addRow("temporal: recon commands")
            << QStringLiteral("temporal.yml")
            << QStringList{QStringLiteral("0 CommandLine=ipconfig ComputerName=pc User=u"),
                           QStringLiteral("60 CommandLine=whoami ComputerName=pc User=u"),
                           QStringLiteral("290 CommandLine=hostname ComputerName=pc User=u"),
                           QStringLiteral("0 CommandLine=whoami ComputerName=pc User=v"),
                           QStringLiteral("301 CommandLine=hostname ComputerName=pc User=v"),
                           QStringLiteral("302 CommandLine=ipconfig ComputerName=pc User=v")}
            << QStringList{QStringLiteral(
                   "6a014db2-9f5e-4b60-8273-de4f5a6b7c01 ComputerName=pc, User=u +0..+290 value=3 events=3")};
        // value_avg: (400 + 700) / 2 = 550 > 500 for 10.0.0.1, judged when its 24 h window closes;
        // 10.0.0.2 averages exactly 500 in every window (not above); its inbound event is no hit.
        QTest::addRow("value_avg: suspicious average traffic")
            << QStringLiteral("value_avg.yml")
            << QStringList{QStringLiteral("0 Direction=outbound SourceIP=10.0.0.1 User=u BytesOut=400"),
                           QStringLiteral("3600 Direction=outbound SourceIP=10.0.0.1 User=u BytesOut=700"),
                           QStringLiteral("10 Direction=outbound SourceIP=10.0.0.2 User=u BytesOut=500"),
                           QStringLiteral("20 Direction=outbound SourceIP=10.0.0.2 User=u BytesOut=500"),
                           QStringLiteral("30 Direction=inbound SourceIP=10.0.0.2 User=u BytesOut=9000")}
            << QStringList{QStringLiteral(
                   "7b125ec3-a06f-4c71-9384-ef5a6b7c8d01 SourceIP=10.0.0.1, User=u +0..+86400 value=550 events=2")};
        // value_percentile as the specification writes it: `image` holds names, not numbers.
        QTest::addRow("value_percentile: names are not aggregated")
            << QStringLiteral("value_percentile.yml")
            << QStringList{QStringLiteral("0 EventID=1 ComputerName=pc image=cmd.exe"),
                           QStringLiteral("5 EventID=1 ComputerName=pc image=rare.exe")}
            << QStringList{};
    }
    void specificationExamples()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, events);
        QFETCH(QStringList, expected);
        const Run r =
            run({parseRuleFile(sigmatest::dataPath(QStringLiteral("correlation/spec/") + file).toStdString())}, events);
        QVERIFY2(!hasErrors(r.diagnostics), qPrintable(diagnosticsText(r.diagnostics)));
        QCOMPARE(r.results, expected);
    }

    // Streaming: with a reorder window, hits are evaluated as they come and the state stays the
    // open windows, whatever the number of events.
    void streamingKeepsOnlyOpenWindows()
    {
        const auto unit = compileCorrelationUnit(
            {parseRuleText(correlation("event_count", "failed", "User", "1m", "gte: 1000").toStdString(), "case.yml")});
        CorrelationOptions options;
        options.reorderWindow = 0;
        CorrelationEvaluator evaluator(unit.unit, options);
        std::size_t maxHeld = 0;
        for (int i = 0; i < 20000; ++i) {
            evaluator.add(makeEvent(QStringLiteral("%1 EventID=4625 User=u%2").arg(i).arg(i % 50), i + 1));
            maxHeld = std::max(maxHeld, evaluator.heldHits());
        }
        // 50 users, one hit per user every 50 s: a 60 s window holds at most 2 per user.
        QVERIFY2(maxHeld <= 2 * 50 + 1, qPrintable(QString::number(maxHeld)));
        QVERIFY(evaluator.openGroups() <= 50);
        const auto report = evaluator.finish();
        QCOMPARE(report.results.size(), std::size_t(0));
        QCOMPARE(report.lateHits, std::size_t(0));
        QCOMPARE(report.hits, std::size_t(20000));
    }

    // A correlation's group-by and value fields are held by the compiled correlation, not for the
    // process: documents compiled as they are typed leave nothing behind (engine/rulenames.h).
    void correlationFieldNamesGoWithTheUnit()
    {
        (void)compileCorrelationUnit({parseRuleText(
            correlation("value_count", "failed", "User", "1m", "field: Target,gte: 2").toStdString(), "case.yml")});
        const auto before = FieldNames::stats();
        for (int i = 0; i < 200; ++i) {
            const QByteArray group = QStringLiteral("Group_By%1").arg(i).toUtf8();
            const QByteArray value = QStringLiteral("field: Value_Field%1,gte: 2").arg(i).toUtf8();
            const auto u = compileCorrelationUnit({parseRuleText(
                correlation("value_count", "failed", group.constData(), "1m", value.constData()).toStdString(),
                "case.yml")});
            QVERIFY(u.unit);
            QVERIFY(FieldNames::findKey(group.constData()) != FieldNames::kNone); // held while the unit lives
        }
        QCOMPARE(FieldNames::stats().names, before.names);
    }

    void streamingCountsLateHits()
    {
        const auto unit = compileCorrelationUnit(
            {parseRuleText(correlation("event_count", "failed", "User", "1m", "gte: 2").toStdString(), "case.yml")});
        CorrelationOptions options;
        options.reorderWindow = 5'000'000; // 5 s
        CorrelationEvaluator evaluator(unit.unit, options);
        evaluator.add(makeEvent("100 EventID=4625 User=a", 1));
        evaluator.add(makeEvent("97 EventID=4625 User=a", 2)); // within 5 s: reordered
        evaluator.add(makeEvent("200 EventID=4625 User=a", 3));
        evaluator.add(makeEvent("90 EventID=4625 User=a", 4)); // older than what was evaluated
        const auto report = evaluator.finish();
        QCOMPARE(report.lateHits, std::size_t(1));
        QCOMPARE(report.results.size(), std::size_t(1));
        QCOMPARE(report.results[0].start, kOrigin + 97'000'000);
    }

    // Results handed over as they fire are the ones finish() would have returned.
    void resultsCanBeStreamed()
    {
        QStringList events;
        for (int i = 0; i < 9; ++i)
            events << QStringLiteral("%1 EventID=4625 User=u%2").arg(i).arg(i % 2);
        const QString yaml = correlation("event_count", "failed", "User", "1m", "gte: 2");
        const Run batch = runText(yaml, events);
        QStringList streamed;
        CorrelationOptions options;
        options.reorderWindow = 0;
        std::shared_ptr<const CorrelationUnit> unit;
        options.onResult = [&](const CorrelationResult& r) { streamed << describe(*unit, r); };
        const Run stream = [&] {
            auto u = compileCorrelationUnit({parseRuleText(yaml.toStdString(), "case.yml")});
            unit = u.unit;
            CorrelationEvaluator evaluator(u.unit, options);
            std::size_t index = 0;
            for (const auto& spec : events)
                evaluator.add(makeEvent(spec, ++index));
            Run out;
            out.report = evaluator.finish();
            return out;
        }();
        QCOMPARE(batch.results.size(), 4);
        QCOMPARE(streamed, batch.results);
        QVERIFY(stream.report.results.empty());
    }

    void traceRecordsEveryWindowOfTheGroup()
    {
        CorrelationOptions options;
        options.traceCorrelation = 0;
        options.traceGroup = {"alice"};
        const Run r = runText(correlation("event_count", "failed", "User", "1m", "gte: 3"),
                              {QStringLiteral("0 EventID=4625 User=alice"), QStringLiteral("10 EventID=4625 User=bob"),
                               QStringLiteral("100 EventID=4625 User=alice")},
                              options);
        QCOMPARE(r.report.trace.size(), std::size_t(2));
        QCOMPARE(*r.report.trace[0].value, 1.0);
        QCOMPARE(r.report.trace[1].start, kOrigin + 100'000'000);
        QVERIFY(!r.report.trace[1].fired);
    }
};

QTEST_GUILESS_MAIN(TestCorrelation)
#include "tst_correlation.moc"
