// sigmawb match / explain / test with correlations, on the bundled samples (resources/samples).
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

QString samples(const QString& relative)
{
    return QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples/") + relative)).absolutePath();
}

} // namespace

class TestCorrelationCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // One result in the jsonl shape; the base rules (generate: false) are not reported.
    void matchReportsCorrelationsInJsonl()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("match"), QStringLiteral("--rules"),
             samples(QStringLiteral("correlations/mr_win_security_brute_force_then_logon.yml")),
             QStringLiteral("--events"), samples(QStringLiteral("correlations/security-logons.xml")),
             QStringLiteral("--format"), QStringLiteral("jsonl")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        const QJsonObject j = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(j.keys().size(), 8); // no events_total: every event is listed
        QCOMPARE(j[QLatin1String("rule_id")].toString(), QStringLiteral("9e2c51d4-3f7a-4b8e-a1c6-5d0f2e7b8a31"));
        QCOMPARE(j[QLatin1String("type")].toString(), QStringLiteral("correlation"));
        QVERIFY(j[QLatin1String("rule_file")].toString().endsWith(
            QLatin1String("win_security_brute_force_then_logon.yml")));
        QCOMPARE(j[QLatin1String("group")].toObject(),
                 (QJsonObject{{QStringLiteral("IpAddress"), QStringLiteral("203.0.113.50")}}));
        // The fifth failure (80 s) made the inner count fire; the logon came at 160 s.
        QCOMPARE(j[QLatin1String("window")].toObject()[QLatin1String("start")].toString(),
                 QStringLiteral("2026-11-20T13:01:20.000000Z"));
        QCOMPARE(j[QLatin1String("window")].toObject()[QLatin1String("end")].toString(),
                 QStringLiteral("2026-11-20T13:02:40.000000Z"));
        QCOMPARE(j[QLatin1String("value")].toInt(), 2);
        const QJsonArray events = j[QLatin1String("events")].toArray();
        QCOMPARE(events.size(), 6);
        QList<int> indices;
        for (const auto& e : events) {
            indices << e.toObject()[QLatin1String("event_index")].toInt();
            QVERIFY(
                e.toObject()[QLatin1String("event_file")].toString().endsWith(QLatin1String("security-logons.xml")));
        }
        QCOMPARE(indices, (QList<int>{1, 2, 3, 4, 5, 7}));
        QCOMPARE(events[5].toObject()[QLatin1String("record_id")].toInt(), 7107);
    }

    void countListsCorrelationsLikeRules()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("match"), QStringLiteral("--rules"), samples(QStringLiteral("rules")),
             samples(QStringLiteral("correlations")), QStringLiteral("--events"), samples(QStringLiteral("events")),
             samples(QStringLiteral("correlations")), QStringLiteral("--count"), QStringLiteral("--translate-5156")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QLatin1String("1\t9e2c51d4-3f7a-4b8e-a1c6-5d0f2e7b8a31\t")), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("1\t4b7d9e12-6a3c-4f58-9d21-c8e0f5a7b641\t")), qPrintable(out));
        // Rules and inner correlations of generate: false correlations are not listed alone.
        QVERIFY(!out.contains(QLatin1String("9e2c51d4-3f7a-4b8e-a1c6-5d0f2e7b8a32")));
        QVERIFY(!out.contains(QLatin1String("9e2c51d4-3f7a-4b8e-a1c6-5d0f2e7b8a33")));
        QVERIFY(!out.contains(QLatin1String("4b7d9e12-6a3c-4f58-9d21-c8e0f5a7b642")));
        // The single rules of the samples still are.
        QVERIFY2(out.contains(QLatin1String("3\t5b0f4e0a-7c1d-4c55-9a0e-3f6f2d9b8e11\t")), qPrintable(out));
    }

    void explainGroup_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("fires") << QStringLiteral("203.0.113.50")
                               << QStringList{QStringLiteral("FIRES:"), QStringLiteral("in order: 2 of 2"),
                                              QStringLiteral("7107")};
        QTest::addRow("no logon")
            << QStringLiteral("IpAddress=192.0.2.99")
            << QStringList{QStringLiteral("DOES NOT FIRE"), QStringLiteral("in order: 1 of 2"),
                           QStringLiteral("missing: successful_network_logon after many_failed_network_logons")};
        QTest::addRow("logon first") << QStringLiteral("203.0.113.77")
                                     << QStringList{QStringLiteral("DOES NOT FIRE"),
                                                    QStringLiteral("in order: 0 of 2")};
    }
    void explainGroup()
    {
        QFETCH(QString, group);
        QFETCH(QStringList, expected);
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("explain"), QStringLiteral("--rule"),
             samples(QStringLiteral("correlations/mr_win_security_brute_force_then_logon.yml")),
             QStringLiteral("--events"), samples(QStringLiteral("correlations/security-logons.xml")),
             QStringLiteral("--group"), group});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString out = QString::fromUtf8(r.out);
        for (const auto& e : expected)
            QVERIFY2(out.contains(e), qPrintable(out));
    }

    void explainGroupAsJson()
    {
        // One object per window evaluated for 203.0.113.50: the burst's result alone (1 of 2 in
        // order), then with the success at 13:02:40 (2 of 2: fires, 5 failures + 1 success).
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("explain"), QStringLiteral("--rule"),
             samples(QStringLiteral("correlations/mr_win_security_brute_force_then_logon.yml")),
             QStringLiteral("--events"), samples(QStringLiteral("correlations/security-logons.xml")),
             QStringLiteral("--group"), QStringLiteral("203.0.113.50"), QStringLiteral("--format"),
             QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        const QJsonObject last = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(first.value(QLatin1String("correlation_id")).toString(),
                 QStringLiteral("9e2c51d4-3f7a-4b8e-a1c6-5d0f2e7b8a31"));
        QCOMPARE(first.value(QLatin1String("firing")).toBool(), false);
        QCOMPARE(first.value(QLatin1String("value")).toInt(), 1);
        QCOMPARE(last.value(QLatin1String("firing")).toBool(), true);
        QCOMPARE(last.value(QLatin1String("value")).toInt(), 2);
        QCOMPARE(last.value(QLatin1String("condition")).toString(), QStringLiteral("gte 2"));
        QCOMPARE(last.value(QLatin1String("found_in_order")).toInt(), 2);
        QCOMPARE(last.value(QLatin1String("group")).toObject().value(QLatin1String("IpAddress")).toString(),
                 QStringLiteral("203.0.113.50"));
        const QJsonObject window = last.value(QLatin1String("window")).toObject();
        QCOMPARE(window.value(QLatin1String("start")).toString(), QStringLiteral("2026-11-20T13:01:20.000000Z"));
        QCOMPARE(window.value(QLatin1String("end")).toString(), QStringLiteral("2026-11-20T13:02:40.000000Z"));
        const QJsonArray events = last.value(QLatin1String("events")).toArray();
        QCOMPARE(events.size(), 6);
        QCOMPARE(last.value(QLatin1String("events_total")).toInt(), 6);
        QCOMPARE(events[0].toObject().value(QLatin1String("rule_title")).toString(),
                 QStringLiteral("Failed Network Logon"));
        QCOMPARE(events[0].toObject().value(QLatin1String("record_id")).toInt(), 7101);
        QCOMPARE(events[5].toObject().value(QLatin1String("rule_title")).toString(),
                 QStringLiteral("Successful Network Logon"));
        QCOMPARE(events[5].toObject().value(QLatin1String("event_index")).toInt(), 7);
    }

    void explainGroupOfTheInnerCorrelation()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("explain"), QStringLiteral("--rule"),
             samples(QStringLiteral("correlations/mr_win_security_brute_force_then_logon.yml")),
             QStringLiteral("--events"), samples(QStringLiteral("correlations/security-logons.xml")),
             QStringLiteral("--group"), QStringLiteral("198.51.100.7"), QStringLiteral("--correlation"),
             QStringLiteral("many_failed_network_logons")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QLatin1String("DOES NOT FIRE")) &&
                     out.contains(QLatin1String("event_count = 2 against gte 5")),
                 qPrintable(out));
    }

    void explainBaseRuleOfACorrelationFile()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("explain"), QStringLiteral("--rule"),
             samples(QStringLiteral("correlations/mr_win_security_brute_force_then_logon.yml")),
             QStringLiteral("--events"), samples(QStringLiteral("correlations/security-logons.xml")),
             QStringLiteral("--event"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.startsWith("MATCH: Failed Network Logon"), r.out.constData());
    }

    void explainRejectsABadGroup()
    {
        const auto r =
            sigmatest::runSigmawb({QStringLiteral("explain"), QStringLiteral("--rule"),
                                   samples(QStringLiteral("correlations/mr_win_mshta_started_then_connecting_out.yml")),
                                   QStringLiteral("--events"), samples(QStringLiteral("correlations/sysmon-mshta.xml")),
                                   QStringLiteral("--group"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("several fields"), r.err.constData());
    }

    // The sample manifest's correlation groups pass (and would fail with the wrong group).
    void samplesManifestPasses()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("test"), samples(QStringLiteral("samples.tests.yml"))});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY2(r.out.contains("Network Logon After Repeated Failed Logons"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCorrelationCli)
#include "tst_correlation_cli.moc"
