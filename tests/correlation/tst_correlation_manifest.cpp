// Test manifests of correlation files (core/validation): `group` and `correlation` keys, results
// counted per group, written back by the manifest writer.
#include "testsupport.h"
#include "validation/manifest.h"
#include "validation/runner.h"

#include <QDir>
#include <QTest>

using namespace sigma;

namespace {

std::string samplesDir()
{
    return QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples"))).absolutePath().toStdString();
}

/// A manifest in the samples folder's terms (paths relative to it).
TestManifest manifest(const std::string& body)
{
    return parseManifestText(body, samplesDir() + "/virtual.tests.yml");
}

} // namespace

class TestCorrelationManifest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void expectations_data()
    {
        QTest::addColumn<QString>("entries");
        QTest::addColumn<QStringList>("statuses"); // P passed, F failed, E error, per entry
        QTest::addRow("fires for the brute-forced source")
            << QStringLiteral(
                   "match:\n  - file: correlations/security-logons.xml\n    group: {IpAddress: 203.0.113.50}\n")
            << QStringList{QStringLiteral("P")};
        QTest::addRow("does not fire for the typos")
            << QStringLiteral(
                   "match:\n  - file: correlations/security-logons.xml\n    group: {IpAddress: 198.51.100.7}\n")
            << QStringList{QStringLiteral("F")};
        QTest::addRow("no_match with the group that fires fails")
            << QStringLiteral(
                   "no_match:\n  - file: correlations/security-logons.xml\n    group: {IpAddress: 203.0.113.50}\n")
            << QStringList{QStringLiteral("F")};
        QTest::addRow("count of every group")
            << QStringLiteral("match:\n  - file: correlations/security-logons.xml\n    count: "
                              "1\n  - file: "
                              "correlations/security-logons.xml\n    count: 2\n")
            << QStringList{QStringLiteral("P"), QStringLiteral("F")};
        QTest::addRow("baseline") << QStringLiteral(
                                         "baseline:\n  - file: correlations/security-logons.xml\n    max_hits: 0\n  - "
                                         "file: "
                                         "correlations/security-logons.xml\n    max_hits: 1\n")
                                  << QStringList{QStringLiteral("F"), QStringLiteral("P")};
        // The inner correlation, named: three sources fail five times or more.
        QTest::addRow("inner correlation by name")
            << QStringLiteral("correlation: many_failed_network_logons\nmatch:\n  - file: "
                              "correlations/security-logons.xml\n    "
                              "count: 3\n")
            << QStringList{QStringLiteral("P")};
        QTest::addRow("record_ids do not apply")
            << QStringLiteral("match:\n  - file: correlations/security-logons.xml\n    record_ids: [7101]\n")
            << QStringList{QStringLiteral("E")};
    }
    void expectations()
    {
        QFETCH(QString, entries);
        QFETCH(QStringList, statuses);
        const TestManifest m =
            manifest("rule: correlations/mr_win_security_brute_force_then_logon.yml\n" + entries.toStdString());
        QVERIFY(m.ok());
        QCOMPARE(m.rules.size(), std::size_t(1));
        const RuleTestResult r = runRuleTests(m.rules.front());
        QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : r.errors.front().format().c_str());
        QStringList actual;
        for (const auto& e : r.expectations)
            actual << QString::fromLatin1(e.passed() ? "P" : e.status == ExpectationResult::Status::Failed ? "F" : "E");
        QCOMPARE(actual, statuses);
        if (statuses.front() == QLatin1String("F"))
            QVERIFY2(r.expectations.front().actual.find("correlation result") != std::string::npos,
                     r.expectations.front().actual.c_str());
    }

    void unknownCorrelationIsAnError()
    {
        const TestManifest m = manifest("rule: correlations/mr_win_security_brute_force_then_logon.yml\n"
                                        "correlation: nope\nmatch: [correlations/security-logons.xml]\n");
        const RuleTestResult r = runRuleTests(m.rules.front());
        QCOMPARE(r.errors.size(), std::size_t(1));
        QVERIFY(r.errors.front().message.find("'nope'") != std::string::npos);
    }

    void badGroupIsAManifestError()
    {
        const TestManifest m = manifest("rule: x.yml\nmatch:\n  - file: a.xml\n    group: alice\n");
        QVERIFY(!m.ok());
        QCOMPARE(m.rules.front().diagnostics.front().span.begin.line, 4);
    }

    void writtenBack()
    {
        const TestManifest m = manifest("rule: r.yml\ncorrelation: brute\nmatch:\n  - file: a.xml\n    group:\n"
                                        "      User: 'alice, the admin'\n      Host: ws1\n");
        QVERIFY(m.ok());
        const std::string yaml = manifestToYaml(m);
        const TestManifest again = manifest(yaml);
        QVERIFY2(again.ok(), yaml.c_str());
        QCOMPARE(again.rules.front().correlation, std::string("brute"));
        const auto& group = again.rules.front().expectations.front().group;
        QCOMPARE(group.size(), std::size_t(2));
        QCOMPARE(group[0].second, std::string("alice, the admin"));
        QCOMPARE(group[1].first, std::string("Host"));
    }
};

QTEST_GUILESS_MAIN(TestCorrelationManifest)
#include "tst_correlation_manifest.moc"
