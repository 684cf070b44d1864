// `sigmawb diff OLD NEW --events PATH` on the edit impact fixture (tests/data/impact): the same
// figures as tst_impact, as text and JSON, and its exit codes.
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

QString fx(const char* relative)
{
    return sigmatest::dataPath(QStringLiteral("impact/") + QString::fromUtf8(relative));
}

/// The line of `out` that starts with `start` (spaces collapsed), or empty.
QString line(const QString& out, const QString& start)
{
    for (const auto& l : out.split(QLatin1Char('\n')))
        if (l.simplified().startsWith(start))
            return l.simplified();
    return {};
}

} // namespace

class TestCliDiff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void text()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("diff"), fx("old.yml"), fx("new.yml"), QStringLiteral("--events"), fx("events.xml")});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QStringLiteral("over 8 events\nmatches: 2 -> 3 (+2 / -1)\n")), r.out.constData());
        QCOMPARE(line(out, QStringLiteral("+ ")).section(QLatin1Char(' '), 2),
                 QStringLiteral("(record 3) no_match -> match"));
        QCOMPARE(line(out, QStringLiteral("- ")).section(QLatin1Char(' '), 2),
                 QStringLiteral("(record 4) match -> no_match"));
        QCOMPARE(line(out, QStringLiteral("indicators")), QStringLiteral("indicators (3 changed):"));
        QCOMPARE(line(out, QStringLiteral("added Image ends_with \\net.exe")),
                 QStringLiteral("added Image ends_with \\net.exe - -> 1"));
        QCOMPARE(line(out, QStringLiteral("removed")), QStringLiteral("removed Image ends_with \\hostname.exe 1 -> -"));
        QCOMPARE(line(out, QStringLiteral("same User")), QStringLiteral("same User contains jdoe 4 -> 4"));
    }

    void jsonWithCorpus()
    {
        // The event path first: --events is greedy, OLD and NEW come off its end.
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("diff"), QStringLiteral("--corpus"), fx("corpus"), QStringLiteral("--format"),
             QStringLiteral("json"), QStringLiteral("--events"), fx("events.xml"), fx("old.yml"), fx("new.yml")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j[QStringLiteral("old")][QStringLiteral("matches")].toInt(), 2);
        QCOMPARE(j[QStringLiteral("new")][QStringLiteral("matches")].toInt(), 3);
        QCOMPARE(j[QStringLiteral("added")].toInt(), 2);
        QCOMPARE(j[QStringLiteral("removed")].toInt(), 1);
        QStringList changes;
        for (const auto& c : j[QStringLiteral("changes")].toArray())
            changes << QStringLiteral("%1:%2>%3")
                           .arg(c[QStringLiteral("record_id")].toInt())
                           .arg(c[QStringLiteral("before")].toString(), c[QStringLiteral("after")].toString());
        QCOMPARE(changes.join(QLatin1Char(' ')), QStringLiteral("3:no_match>match 4:match>no_match 7:no_match>match"));
        QStringList rows;
        for (const auto& i : j[QStringLiteral("indicators")].toArray()) {
            const auto n = [&](const char* key) {
                const QJsonValue v = i[QLatin1String(key)];
                return v.isNull() ? QStringLiteral("-") : QString::number(v.toInt());
            };
            rows << QStringLiteral("%1 %2 %3/%4 %5/%6")
                        .arg(i[QStringLiteral("change")].toString(), i[QStringLiteral("value")].toString(),
                             n("hits_before"), n("hits_after"), n("reach_before"), n("reach_after"));
        }
        QCOMPARE(rows.join(QStringLiteral("; ")),
                 QStringLiteral("same \\whoami.exe 3/3 2/2; added \\net.exe -/1 -/1; added \\net1.exe -/1 -/0; "
                                "same jdoe 4/4 1/1; removed \\hostname.exe 1/- 0/-"));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stderrHas");
        const QString events = fx("events.xml");
        const QString ev = QStringLiteral("--events");
        QTest::newRow("no change") << QStringList{fx("old.yml"), fx("old.yml"), ev, events} << 0 << QString();
        QTest::newRow("--exit-code, no change")
            << QStringList{fx("old.yml"), fx("old.yml"), ev, events, QStringLiteral("--exit-code")} << 0 << QString();
        QTest::newRow("--exit-code, changed")
            << QStringList{fx("old.yml"), fx("new.yml"), ev, events, QStringLiteral("--exit-code")} << 1 << QString();
        QTest::newRow("new does not compile")
            << QStringList{fx("old.yml"), fx("broken.yml"), ev, events} << 1 << QStringLiteral("broken.yml:");
        QTest::newRow("one rule only") << QStringList{fx("old.yml"), ev, events} << 2
                                       << QStringLiteral("give two rule files");
        QTest::newRow("missing rule") << QStringList{fx("old.yml"), fx("nothere.yml"), ev, events} << 2
                                      << QStringLiteral("nothere.yml");
        QTest::newRow("missing events") << QStringList{fx("old.yml"), fx("new.yml"), ev, fx("nothere.xml")} << 2
                                        << QStringLiteral("nothere.xml");
        QTest::newRow("bad format")
            << QStringList{fx("old.yml"), fx("new.yml"), ev, events, QStringLiteral("--format"), QStringLiteral("xml")}
            << 2 << QStringLiteral("--format");
    }

    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stderrHas);
        const auto r = sigmatest::runSigmawb(QStringList{QStringLiteral("diff")} + args);
        QVERIFY2(r.exitCode == exitCode, r.err.constData());
        QVERIFY2(QString::fromUtf8(r.err).contains(stderrHas), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliDiff)
#include "tst_cli_diff.moc"
