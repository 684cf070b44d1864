// `sigmawb match` and `sigmawb explain` on the project's own fixtures (tests/data/engine).
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using sigmatest::dataPath;
using sigmatest::runSigmawb;

namespace {
QString rules()
{
    return dataPath(QStringLiteral("engine/rules"));
}
QString bad()
{
    return dataPath(QStringLiteral("engine/bad"));
}
QString events()
{
    return dataPath(QStringLiteral("engine/events.xml"));
}

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> list;
    for (const QByteArray& line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError err{};
        const auto doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError)
            qFatal("not JSON: %s", line.constData());
        list.append(doc.object());
    }
    return list;
}
} // namespace

class TestEngineCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchJsonl_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QStringList>("expected"); // "index:rule id suffix:record"
        QTest::newRow("default") << QStringList{}
                                 << QStringList{QStringLiteral("1:7a01:7001"), QStringLiteral("2:7a03:7002"),
                                                QStringLiteral("3:7a02:7003")};
        QTest::newRow("5156 translation on")
            << QStringList{QStringLiteral("--translate-5156")}
            << QStringList{QStringLiteral("1:7a01:7001"), QStringLiteral("2:7a03:7002"), QStringLiteral("3:7a02:7003"),
                           QStringLiteral("4:7a02:9001")};
        QTest::newRow("one thread") << QStringList{QStringLiteral("--threads"), QStringLiteral("1")}
                                    << QStringList{QStringLiteral("1:7a01:7001"), QStringLiteral("2:7a03:7002"),
                                                   QStringLiteral("3:7a02:7003")};
    }
    void matchJsonl()
    {
        QFETCH(QStringList, extra);
        QFETCH(QStringList, expected);
        const auto r = runSigmawb(QStringList{QStringLiteral("match"), QStringLiteral("--rules"), rules(),
                                              QStringLiteral("--events"), events(), QStringLiteral("--format"),
                                              QStringLiteral("jsonl")} +
                                  extra);
        QCOMPARE(r.exitCode, 0);
        const auto lines = jsonLines(r.out);
        QStringList got;
        for (const auto& o : lines) {
            QVERIFY(o.contains(QStringLiteral("rule_title")));
            QVERIFY(o.value(QStringLiteral("rule_file")).toString().endsWith(QStringLiteral(".yml")));
            QCOMPARE(o.value(QStringLiteral("event_file")).toString(), events());
            got << QStringLiteral("%1:%2:%3")
                       .arg(o.value(QStringLiteral("event_index")).toInt())
                       .arg(o.value(QStringLiteral("rule_id")).toString().right(4))
                       .arg(o.value(QStringLiteral("record_id")).toInteger());
        }
        QCOMPARE(got, expected);
    }

    void matchText()
    {
        const auto r = runSigmawb(
            {QStringLiteral("match"), QStringLiteral("--rules"), rules(), QStringLiteral("--events"), events()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("events.xml:1 (record 7001): Encoded PowerShell Command Line"), r.out.constData());
        QCOMPARE(r.out.count('\n'), 3);
    }

    void matchCount()
    {
        const auto r = runSigmawb({QStringLiteral("match"), QStringLiteral("--rules"), rules(),
                                   QStringLiteral("--events"), events(), QStringLiteral("--count")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QByteArray("1\t0c4e3a55-0d3c-4a55-9a0e-4e0c2f6c7a01\tEncoded PowerShell Command Line"));
    }

    void matchNoMatchesIsSuccess()
    {
        const auto r = runSigmawb({QStringLiteral("match"), QStringLiteral("--rules"),
                                   dataPath(QStringLiteral("engine/rules/sub/whoami.yml")), QStringLiteral("--events"),
                                   dataPath(QStringLiteral("events/mixed.xml"))});
        QCOMPARE(r.exitCode, 0);
    }

    void matchWithoutEventsIsExit3()
    {
        // Issue 18: a run that reads no events from the paths given says so and exits 3.
        QTemporaryDir dir;
        const auto r = runSigmawb(
            {QStringLiteral("match"), QStringLiteral("--rules"), rules(), QStringLiteral("--events"), dir.path()});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("sigmawb match: no events read from the paths given"), r.err.constData());
    }

    void matchCompileErrorsExitOne()
    {
        const auto r =
            runSigmawb({QStringLiteral("match"), QStringLiteral("--rules"), rules(), bad(), QStringLiteral("--events"),
                        events(), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("broken_regex.yml:8:"), r.err.constData());
        QVERIFY2(r.err.contains("needs_placeholder.yml:8:"), r.err.constData());
        QCOMPARE(jsonLines(r.out).size(), 3); // the good rules still ran
    }

    void matchPlaceholders()
    {
        const auto r =
            runSigmawb({QStringLiteral("match"), QStringLiteral("--rules"),
                        bad() + QStringLiteral("/needs_placeholder.yml"), QStringLiteral("--events"), events(),
                        QStringLiteral("--placeholders"), dataPath(QStringLiteral("engine/placeholders.yml"))});
        QCOMPARE(r.exitCode, 0);
    }

    void matchUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("missing events file")
            << QStringList{QStringLiteral("match"), QStringLiteral("--rules"), rules(), QStringLiteral("--events"),
                           QStringLiteral("/no/such/file.xml")};
        QTest::newRow("missing rules folder")
            << QStringList{QStringLiteral("match"), QStringLiteral("--rules"), QStringLiteral("/no/such/dir"),
                           QStringLiteral("--events"), events()};
        QTest::newRow("no --events") << QStringList{QStringLiteral("match"), QStringLiteral("--rules"), rules()};
        QTest::newRow("bad format") << QStringList{
            QStringLiteral("match"),    QStringLiteral("--rules"), rules(), QStringLiteral("--events"), events(),
            QStringLiteral("--format"), QStringLiteral("xml")};
        QTest::newRow("explain event out of range") << QStringList{QStringLiteral("explain"),
                                                                   QStringLiteral("--rule"),
                                                                   rules() + QStringLiteral("/encoded_powershell.yml"),
                                                                   QStringLiteral("--events"),
                                                                   events(),
                                                                   QStringLiteral("--event"),
                                                                   QStringLiteral("9")};
    }
    void matchUsageErrors()
    {
        QFETCH(QStringList, args);
        const auto r = runSigmawb(args);
        QCOMPARE(r.exitCode, 2);
    }

    void explainText()
    {
        const auto r = runSigmawb({QStringLiteral("explain"), QStringLiteral("--rule"),
                                   rules() + QStringLiteral("/encoded_powershell.yml"), QStringLiteral("--events"),
                                   events(), QStringLiteral("--event"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("MATCH: Encoded PowerShell Command Line"), r.out.constData());
        QVERIFY(r.out.contains("CommandLine|windash|contains"));
        QVERIFY(r.out.contains("event CommandLine = 'powershell.exe -NoP -w hidden /enc SQBFAFgA'"));
        QVERIFY(!r.out.contains("\x1b[")); // not a terminal: no colour
    }

    void explainJson()
    {
        const auto r = runSigmawb({QStringLiteral("explain"), QStringLiteral("--rule"),
                                   rules() + QStringLiteral("/sub/whoami.yml"), QStringLiteral("--events"), events(),
                                   QStringLiteral("--event"), QStringLiteral("1"), QStringLiteral("--format"),
                                   QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("matched")).toBool(), false);
        QCOMPARE(o.value(QStringLiteral("record_id")).toInt(), 7001);
        // Find the item CommandLine|contains: not matched, deciding, with the event value and line 12.
        std::function<QJsonObject(const QJsonObject&)> find = [&](const QJsonObject& n) -> QJsonObject {
            if (n.value(QStringLiteral("label")).toString() == QStringLiteral("CommandLine|contains"))
                return n;
            for (const auto& c : n.value(QStringLiteral("children")).toArray()) {
                auto f = find(c.toObject());
                if (!f.isEmpty())
                    return f;
            }
            return {};
        };
        const QJsonObject item = find(o.value(QStringLiteral("tree")).toObject());
        QVERIFY(!item.isEmpty());
        QCOMPARE(item.value(QStringLiteral("outcome")).toString(), QStringLiteral("not matched"));
        QCOMPARE(item.value(QStringLiteral("deciding")).toBool(), true);
        QCOMPARE(item.value(QStringLiteral("event_value")).toString(),
                 QStringLiteral("powershell.exe -NoP -w hidden /enc SQBFAFgA"));
        QCOMPARE(item.value(QStringLiteral("span")).toObject().value(QStringLiteral("line")).toInt(), 12);
    }

    void explainColourWhenForced()
    {
        const auto r = runSigmawb({QStringLiteral("explain"), QStringLiteral("--rule"),
                                   rules() + QStringLiteral("/encoded_powershell.yml"), QStringLiteral("--events"),
                                   events(), QStringLiteral("--event"), QStringLiteral("2"), QStringLiteral("--color"),
                                   QStringLiteral("always")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("NO MATCH"));
        QVERIFY(r.out.contains("\x1b[31m")); // red for not matched
    }
};

QTEST_GUILESS_MAIN(TestEngineCli)
#include "tst_engine_cli.moc"
