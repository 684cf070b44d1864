// Export bundles with queries (issue 16): the rule converted into the targets asked for, after the
// chosen pipelines, in queries/ and REPORT.md; a target the rule cannot be converted into is a
// refusal with its reason; `sigmawb export --target --pipeline` writes the same query as
// `sigmawb convert`.
#include "testsupport.h"

#include "validation/export.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#define S(text) QStringLiteral(text)

namespace {
std::string fixture(const char* name)
{
    return sigmatest::dataPath(S("conversion_pipeline/") + QString::fromUtf8(name)).toStdString();
}
} // namespace

class TestExportQueries : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void planHasQueriesFilesAndReport()
    {
        sigma::ExportOptions options;
        options.queryTargets = {"splunk", "lucene"};
        options.queryPipelines = {"splunk-cim"};
        const sigma::ExportPlan plan = sigma::planExport(fixture("proc.yml"), options);
        QCOMPARE(plan.queries.size(), std::size_t(2));
        const auto& spl = plan.queries[0];
        QCOMPARE(spl.target, std::string("splunk"));
        QCOMPARE(spl.file, std::string("queries/proc.spl"));
        QVERIFY2(spl.query.rfind("process_path=\"*\\\\whoami.exe\" process=\"*/all*\"", 0) == 0, spl.query.c_str());
        QVERIFY(spl.error.empty());
        const auto file = std::find_if(plan.files.begin(), plan.files.end(),
                                       [](const sigma::ExportFile& f) { return f.name == "queries/proc.spl"; });
        QVERIFY(file != plan.files.end());
        QCOMPARE(file->data, spl.query + "\n");

        // Lucene cannot compare two fields: no file, a refusal with the rule's line.
        const auto& lucene = plan.queries[1];
        QVERIFY(lucene.file.empty() && lucene.query.empty());
        QVERIFY2(lucene.error.find("proc.yml:16:36: error:") != std::string::npos, lucene.error.c_str());
        QVERIFY(std::any_of(plan.refusals.begin(), plan.refusals.end(), [](const std::string& r) {
            return r.find("cannot be converted to lucene faithfully") != std::string::npos;
        }));

        QVERIFY(plan.report.find("## Queries") != std::string::npos);
        QVERIFY(plan.report.find("after the pipelines splunk-cim") != std::string::npos);
        QVERIFY(plan.report.find("```\n" + spl.query + "\n```") != std::string::npos);
        QVERIFY(plan.report.find("### lucene\n\nNot convertible: ") != std::string::npos);
    }

    void noTargetsNoQueries()
    {
        const sigma::ExportPlan plan = sigma::planExport(fixture("proc.yml"), {});
        QVERIFY(plan.queries.empty());
        QVERIFY(plan.report.find("## Queries") == std::string::npos);
    }

    void unknownTargetAndBadPipelineAreErrors()
    {
        sigma::ExportOptions options;
        options.queryTargets = {"nosuch"};
        auto plan = sigma::planExport(fixture("proc.yml"), options);
        QVERIFY(sigma::hasErrors(plan.diagnostics));
        QCOMPARE(plan.diagnostics.back().code, std::string("unknown-target"));
        options.queryTargets = {"splunk"};
        options.queryPipelines = {fixture("err_unknown_type.yml")};
        plan = sigma::planExport(fixture("proc.yml"), options);
        QVERIFY(sigma::hasErrors(plan.diagnostics));
        QCOMPARE(plan.diagnostics.back().code, std::string("pipeline-unknown-type"));
        QCOMPARE(plan.diagnostics.back().span.begin.line, 7);
    }

    void cliExportWritesTheConvertQuery()
    {
        QTemporaryDir dir;
        const QString rule = QString::fromStdString(fixture("proc.yml"));
        const QString out = dir.filePath(S("bundle"));
        const auto r = sigmatest::runSigmawb({S("export"), rule, S("--to"), out, S("--force"), S("--target"),
                                              S("kusto"), S("--target"), S("esql"), S("--pipeline"), S("sentinel")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto convert = sigmatest::runSigmawb({S("convert"), S("-t"), S("kusto"), S("-p"), S("sentinel"), rule});
        QCOMPARE(convert.exitCode, 0);
        const QByteArray query = convert.out.split('\n').at(1); // after the "# title" line
        QVERIFY(query.startsWith("FolderPath endswith"));
        QCOMPARE(sigmatest::readFile(out + S("/queries/proc.kql")), query + '\n');
        QVERIFY(QFile::exists(out + S("/queries/proc.esql")));
        QVERIFY(sigmatest::readFile(out + S("/REPORT.md")).contains("### kusto"));
    }

    void cliUsageErrors()
    {
        const QString rule = QString::fromStdString(fixture("proc.yml"));
        QTemporaryDir dir;
        auto r = sigmatest::runSigmawb({S("export"), rule, S("--to"), dir.path(), S("--target"), S("nosuch")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown target 'nosuch'"));
        r = sigmatest::runSigmawb({S("export"), rule, S("--to"), dir.path(), S("--target"), S("splunk"),
                                   S("--pipeline"), QString::fromStdString(fixture("err_unknown_type.yml"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("err_unknown_type.yml:7:11: error:"), r.err.constData());
        r = sigmatest::runSigmawb({S("export"), rule, S("--to"), dir.path(), S("--pipeline"), S("ecs")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--pipeline needs a --target"));
    }
};

QTEST_GUILESS_MAIN(TestExportQueries)
#include "tst_export_queries.moc"
