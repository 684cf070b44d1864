// `sigmawb reach` and `sigmawb coverage` on the fixture corpus (tests/data/corpus).
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString fx(const char* relative)
{
    return sigmatest::dataPath(QStringLiteral("corpus/") + QString::fromUtf8(relative));
}

QJsonObject indicatorRow(const QJsonArray& rows, const QString& field, const QString& value)
{
    for (const auto& r : rows)
        if (r[QStringLiteral("field")].toString() == field && r[QStringLiteral("value")].toString() == value)
            return r.toObject();
    return {};
}

} // namespace

class TestCliCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reachText();
    void reachJsonWithEvents();
    void reachEventsBeforeRule();
    void reachReportsFolderProblems();
    void reachWithoutEventsIsExit3();
    void coverageJson();
    void coverageMarkdownAndHtml();
    void coverageToFile();
    void navigator();
    void brokenCorpusIsPartial();
    void usageErrors_data();
    void usageErrors();
};

void TestCliCorpus::reachText()
{
    const auto r = sigmatest::runSigmawb(
        {QStringLiteral("reach"), QStringLiteral("--corpus"), fx("rules"), fx("rules/security/loopback_rdp_wfp.yml")});
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.startsWith(QStringLiteral("Loopback RDP Connection Permitted By WFP")), r.out.constData());
    QVERIFY2(out.contains(QStringLiteral("corpus: 7 rules")), r.out.constData());
    // FIELD (written)  KIND  VALUE  REACH  NOTE
    const QStringList lines = out.split(QLatin1Char('\n'));
    auto line = [&](const QString& start) {
        for (const auto& l : lines)
            if (l.startsWith(start))
                return l.simplified();
        return QString();
    };
    QCOMPARE(line(QStringLiteral("DestinationPort (DestPort)")),
             QStringLiteral("DestinationPort (DestPort) eq 3389 2"));
    QCOMPARE(line(QStringLiteral("SourcePort ")), QStringLiteral("SourcePort eq 3389 1"));
    QCOMPARE(line(QStringLiteral("FilterOrigin")), QStringLiteral("FilterOrigin eq AppContainer Loopback 1 excludes"));
    QVERIFY(!out.contains(QStringLiteral("EventID")));
}

void TestCliCorpus::reachJsonWithEvents()
{
    const auto r =
        sigmatest::runSigmawb({QStringLiteral("reach"), QStringLiteral("--corpus"), fx("rules"),
                               QStringLiteral("--events"), fx("events/network.xml"), QStringLiteral("--format"),
                               QStringLiteral("json"), fx("rules/network/scanner_rdp.yml")});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j[QStringLiteral("rule")][QStringLiteral("title")].toString(),
             QStringLiteral("Network Scanner Connecting To RDP"));
    QCOMPARE(j[QStringLiteral("corpus")][QStringLiteral("rules")].toInt(), 7);
    QCOMPARE(j[QStringLiteral("events")][QStringLiteral("events")].toInt(), 5);
    QCOMPARE(j[QStringLiteral("events")][QStringLiteral("in_scope")].toInt(), 4);
    QCOMPARE(j[QStringLiteral("events")][QStringLiteral("rule_hits")].toInt(), 1);
    const QJsonArray rows = j[QStringLiteral("indicators")].toArray();
    QCOMPARE(rows.size(), 3);
    const QJsonObject image = indicatorRow(rows, QStringLiteral("Image"), QStringLiteral("\\netscan.exe"));
    QCOMPARE(image[QStringLiteral("kind")].toString(), QStringLiteral("ends_with"));
    QCOMPARE(image[QStringLiteral("corpus_reach")].toInt(), 2);
    QCOMPARE(image[QStringLiteral("other_rules")].toInt(), 1); // the rule itself is in the corpus
    QCOMPARE(image[QStringLiteral("baseline_hits")].toInt(), 1);
    QCOMPARE(image[QStringLiteral("line")].toInt(), 17);
    const QJsonObject initiated = indicatorRow(rows, QStringLiteral("Initiated"), QStringLiteral("true"));
    QCOMPARE(initiated[QStringLiteral("corpus_reach")].toInt(), 2);
    QCOMPARE(initiated[QStringLiteral("baseline_hits")].toInt(), 3);
    QCOMPARE(initiated[QStringLiteral("excluded")].toBool(), false);
}

void TestCliCorpus::reachEventsBeforeRule()
{
    // --events takes several paths; the last free argument is still the rule.
    const auto r = sigmatest::runSigmawb({QStringLiteral("reach"), QStringLiteral("--corpus"), fx("rules"),
                                          QStringLiteral("--events"), fx("events/network.xml"), fx("events"),
                                          fx("rules/network/tunnel_domain.yml")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("events: 10 from 2 files, 8 in the rule's log source; the whole rule matches 2"),
             r.out.constData());
}

void TestCliCorpus::reachReportsFolderProblems()
{
    // Issue 13: reach's own folder expansion stopped at the first entry it could not follow and
    // said nothing. A link that leads to itself is reported, and the other files are still read.
    QTemporaryDir dir;
    QVERIFY(QFile::copy(fx("events/network.xml"), dir.filePath(QStringLiteral("network.xml"))));
    QVERIFY(QFile::link(QStringLiteral("loop.xml"), dir.filePath(QStringLiteral("loop.xml"))));
    const auto r = sigmatest::runSigmawb({QStringLiteral("reach"), QStringLiteral("--corpus"), fx("rules"),
                                          QStringLiteral("--events"), dir.path(), QStringLiteral("--format"),
                                          QStringLiteral("json"), fx("rules/network/scanner_rdp.yml")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains(QByteArray(dir.filePath(QStringLiteral("loop.xml")).toUtf8() +
                                       ": warning: cannot follow the symbolic link")),
             r.err.constData());
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j[QStringLiteral("events")][QStringLiteral("events")].toInt(), 5);
}

void TestCliCorpus::reachWithoutEventsIsExit3()
{
    // Issue 18: a run that reads no events from the paths given says so and exits 3.
    QTemporaryDir dir;
    const auto r = sigmatest::runSigmawb({QStringLiteral("reach"), QStringLiteral("--corpus"), fx("rules"),
                                          QStringLiteral("--events"), dir.path(), fx("rules/network/scanner_rdp.yml")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("no events read from the paths given"), r.err.constData());
}

void TestCliCorpus::coverageJson()
{
    const auto r = sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("rules"),
                                          QStringLiteral("--technique"), QStringLiteral("T1090.002"),
                                          QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.exitCode, 0);
    QJsonParseError err;
    const QJsonObject j = QJsonDocument::fromJson(r.out, &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(j[QStringLiteral("technique")].toObject().keys(),
             (QStringList{QStringLiteral("id"), QStringLiteral("name")}));
    QCOMPARE(j[QStringLiteral("events")].toArray().size(), 2);
    QCOMPARE(j[QStringLiteral("events")][0][QStringLiteral("provider")].toString(),
             QStringLiteral("Security-Auditing"));
    QCOMPARE(j[QStringLiteral("events")][0][QStringLiteral("event_id")].toInt(), 5156);
    QCOMPARE(j[QStringLiteral("fields")].toArray().size(), 8);
    const QJsonArray inds = j[QStringLiteral("indicators")].toArray();
    QCOMPARE(inds.size(), 11);
    const QJsonObject ip = indicatorRow(inds, QStringLiteral("DestinationIp"), QStringLiteral("::1"));
    QCOMPARE(ip[QStringLiteral("kind")].toString(), QStringLiteral("eq"));
    QCOMPARE(ip[QStringLiteral("rules_here")].toInt(), 1);
    QCOMPARE(ip[QStringLiteral("corpus_reach")].toInt(), 2);
    QCOMPARE(ip[QStringLiteral("excluded")].toBool(), false);
    const QJsonObject thor = indicatorRow(inds, QStringLiteral("Image"), QStringLiteral("\\netscan64.exe"));
    QCOMPARE(thor[QStringLiteral("excluded")].toBool(), true);
    QCOMPARE(thor[QStringLiteral("corpus_reach")].toInt(), 2);
    QCOMPARE(j[QStringLiteral("rules")].toArray().size(), 2);
    QCOMPARE(j[QStringLiteral("rules")][0][QStringLiteral("vendor")].toString(), QStringLiteral("Sigma"));
}

void TestCliCorpus::coverageMarkdownAndHtml()
{
    const auto md = sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("rules"),
                                           QStringLiteral("--technique"), QStringLiteral("t1090.002")});
    QCOMPARE(md.exitCode, 0);
    QVERIFY2(md.out.startsWith("# Proxy: External Proxy T1090.002"), md.out.constData());
    QVERIFY(md.out.contains("| Security-Auditing | 5156 |"));
    const auto html = sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("rules"),
                                             QStringLiteral("--technique"), QStringLiteral("T1090.002"),
                                             QStringLiteral("--format"), QStringLiteral("html")});
    QCOMPARE(html.exitCode, 0);
    QVERIFY(html.out.startsWith("<!DOCTYPE html>"));
    QVERIFY(html.out.contains("<h3 class=\"ex\">Excludes (3)</h3>"));
}

void TestCliCorpus::coverageToFile()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("page.html"));
    const auto r = sigmatest::runSigmawb(
        {QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("rules"), QStringLiteral("--technique"),
         QStringLiteral("T1046"), QStringLiteral("--format"), QStringLiteral("html"), QStringLiteral("-o"), out});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.isEmpty());
    QVERIFY(sigmatest::readFile(out).contains("Network Scanner Connecting To RDP"));
}

void TestCliCorpus::navigator()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("layer.json"));
    const auto r = sigmatest::runSigmawb(
        {QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("rules"), QStringLiteral("--navigator"), out});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject layer = QJsonDocument::fromJson(sigmatest::readFile(out)).object();
    QCOMPARE(layer[QStringLiteral("versions")][QStringLiteral("layer")].toString(), QStringLiteral("4.5"));
    const QJsonArray techniques = layer[QStringLiteral("techniques")].toArray();
    QCOMPARE(techniques.size(), 5);
    for (const auto& t : techniques)
        if (t[QStringLiteral("techniqueID")].toString() == QStringLiteral("T1003.001"))
            QCOMPARE(t[QStringLiteral("score")].toInt(), 1);
    QVERIFY2(r.err.contains("5 techniques from 7 rules"), r.err.constData());
}

void TestCliCorpus::brokenCorpusIsPartial()
{
    const auto r = sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"), fx("broken"),
                                          QStringLiteral("--technique"), QStringLiteral("T1090.002"),
                                          QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("bad_modifier.yml:14:"), r.err.constData());
    QVERIFY2(r.err.contains("bad_yaml.yml:"), r.err.constData());
    QVERIFY2(r.err.contains("2 of 3 corpus files had errors"), r.err.constData());
    const QJsonObject j = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(j[QStringLiteral("rules")].toArray().size(), 1);
}

void TestCliCorpus::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString rules = fx("rules");
    const QString rule = fx("rules/network/tunnel_domain.yml");
    QTest::addRow("reach without corpus") << QStringList{QStringLiteral("reach"), rule} << 2 << "--corpus";
    QTest::addRow("reach missing rule") << QStringList{QStringLiteral("reach"), QStringLiteral("--corpus"), rules,
                                                       fx("nope.yml")}
                                        << 2 << "nope.yml";
    QTest::addRow("reach missing corpus")
        << QStringList{QStringLiteral("reach"), QStringLiteral("--corpus"), fx("nope"), rule} << 2 << "nope";
    QTest::addRow("reach broken rule") << QStringList{QStringLiteral("reach"), QStringLiteral("--corpus"), rules,
                                                      fx("broken/bad_modifier.yml")}
                                       << 1 << "bad_modifier.yml:14:";
    QTest::addRow("reach correlation only")
        << QStringList{QStringLiteral("reach"), QStringLiteral("--corpus"), rules, fx("other/correlation_only.yml")}
        << 1 << "no detection rule";
    QTest::addRow("coverage neither") << QStringList{QStringLiteral("coverage"), QStringLiteral("--corpus"), rules} << 2
                                      << "--technique";
    QTest::addRow("coverage unknown technique")
        << QStringList{QStringLiteral("coverage"), QStringLiteral("--corpus"), rules, QStringLiteral("--technique"),
                       QStringLiteral("T9999")}
        << 2 << "T9999";
    QTest::addRow("coverage bad format")
        << QStringList{QStringLiteral("coverage"),    QStringLiteral("--corpus"), rules,
                       QStringLiteral("--technique"), QStringLiteral("T1046"),    QStringLiteral("--format"),
                       QStringLiteral("pdf")}
        << 2 << "pdf";
}

void TestCliCorpus::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const auto r = sigmatest::runSigmawb(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliCorpus)
#include "tst_cli_corpus.moc"
