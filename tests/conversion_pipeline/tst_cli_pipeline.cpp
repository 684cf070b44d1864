// `sigmawb convert --pipeline NAME|FILE`: built-in and file pipelines change the query, several are
// applied by priority, a bad pipeline file is a usage error at its file:line:col, a rule the
// pipeline cannot transform faithfully is not converted (exit 1, the reason on the rule's line).
#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#define S(text) QStringLiteral(text)

namespace {
QString fixture(const char* name)
{
    return sigmatest::dataPath(S("conversion_pipeline/") + QString::fromUtf8(name));
}
} // namespace

class TestCliPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pipelines_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("contains");
        QTest::addColumn<QString>("absent");
        QTest::newRow("none: the rule's names")
            << QStringList{S("-t"), S("splunk")} << S("Image=\"*\\\\whoami.exe\"") << S("process_path");
        QTest::newRow("splunk-cim") << QStringList{S("-t"), S("splunk"), S("-p"), S("splunk-cim")}
                                    << S("process_path=\"*\\\\whoami.exe\" process=\"*/all*\"") << S("Image=");
        QTest::newRow("ecs after sysmon, given in the other order")
            << QStringList{S("-t"), S("splunk"), S("--pipeline"), S("ecs"), S("--pipeline"), S("sysmon")}
            << S("winlog.channel=\"Microsoft-Windows-Sysmon/Operational\" event.code=1 process.executable=")
            << S("Channel=");
        QTest::newRow("sentinel to KQL") << QStringList{S("-t"), S("kusto"), S("-p"), S("sentinel")}
                                         << S("FolderPath endswith \"\\\\whoami.exe\" and ProcessCommandLine contains")
                                         << S("Image");
        QTest::newRow("a pipeline file") << QStringList{S("-t"), S("eql"), S("-p"), fixture("map.yml")}
                                         << S("process.executable : \"*\\\\whoami.exe\"") << S("Image");
    }
    void pipelines()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, contains);
        QFETCH(QString, absent);
        const auto r = sigmatest::runSigmawb(QStringList{S("convert")} + args + QStringList{fixture("proc.yml")});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(contains), qPrintable(out + QString::fromUtf8(r.err)));
        QVERIFY2(!out.contains(absent), qPrintable(out));
    }

    void badPipelineFileIsAUsageErrorAtItsLine()
    {
        const auto r = sigmatest::runSigmawb(
            {S("convert"), S("-t"), S("splunk"), S("-p"), fixture("err_unknown_type.yml"), fixture("proc.yml")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("err_unknown_type.yml:7:11: error: unknown transformation type 'frobnicate_fields'"),
                 r.err.constData());
    }

    void unknownNameListsTheBuiltins()
    {
        const auto r =
            sigmatest::runSigmawb({S("convert"), S("-t"), S("splunk"), S("-p"), S("elastic"), fixture("proc.yml")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no built-in pipeline 'elastic' (built-in: ecs, sentinel, splunk-cim, sysmon)"),
                 r.err.constData());
    }

    void unfaithfulTransformationIsNotConverted()
    {
        // one_to_many.yml gives ParentImage two names; proc.yml compares CurrentDirectory|fieldref to it.
        const auto r = sigmatest::runSigmawb({S("convert"), S("-t"), S("splunk"), S("--format"), S("json"), S("-p"),
                                              fixture("one_to_many.yml"), fixture("proc.yml")});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed()).object();
        QCOMPARE(o.value(S("rule_id")).toString(), S("5b1a6f0e-7c1d-4d7e-9a51-3f0f1c2d9e01"));
        QVERIFY(!o.contains(S("query")));
        const QString error = o.value(S("error")).toString();
        QVERIFY2(error.contains(S("proc.yml:16:")) && error.contains(S("[pipeline-fieldref-ambiguous]")) &&
                     error.contains(S("pipeline 'one to many'")),
                 qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestCliPipeline)
#include "tst_cli_pipeline.moc"
