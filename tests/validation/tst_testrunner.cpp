// Running manifests: pass and fail verdicts with explanations, errors, the SigmaHQ form, JUnit output
// checked against the schema, and `sigmawb test` (output and exit codes).
#include "testsupport.h"

#include "util/xmlescape.h"
#include "validation/junit.h"
#include "validation/manifest.h"
#include "validation/runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace sigma;

namespace {

std::string data(const char* relative)
{
    return sigmatest::dataPath(QString::fromUtf8(relative)).toStdString();
}

QString joined(const Diagnostics& diags)
{
    QString s;
    for (const auto& d : diags)
        s += QString::fromStdString(d.format()) + QLatin1Char('\n');
    return s;
}

RuleTestResult runOnly(const char* relative)
{
    const auto d = discoverTests({data(relative)});
    if (d.groups.size() != 1)
        qFatal("expected one test group in %s, found %zu", relative, d.groups.size());
    return runRuleTests(d.groups.front());
}

std::vector<std::uint64_t> recordIds(const std::vector<EventRef>& refs)
{
    std::vector<std::uint64_t> ids;
    for (const auto& r : refs)
        ids.push_back(r.recordId.value_or(0));
    return ids;
}

QString text(const std::vector<std::string>& lines)
{
    QString s;
    for (const auto& l : lines)
        s += QString::fromStdString(l) + QLatin1Char('\n');
    return s;
}

/// Checks the JUnit structure in-process (the parts CI readers rely on) and returns a message on error.
QString checkJUnitStructure(const QByteArray& xml, int expectTests, int expectFailures, int expectErrors)
{
    QXmlStreamReader r(xml);
    int suites = 0, cases = 0, failures = 0, errors = 0;
    int sumTests = 0, sumFailures = 0, sumErrors = 0;
    int rootTests = -1, rootFailures = -1, rootErrors = -1;
    QStringList stack;
    while (!r.atEnd()) {
        r.readNext();
        if (r.isStartElement()) {
            const QString name = r.name().toString();
            const QString parent = stack.isEmpty() ? QString() : stack.last();
            const auto a = r.attributes();
            if (name == QLatin1String("testsuites")) {
                if (!parent.isEmpty())
                    return QStringLiteral("testsuites not at the root");
                rootTests = a.value(QLatin1String("tests")).toInt();
                rootFailures = a.value(QLatin1String("failures")).toInt();
                rootErrors = a.value(QLatin1String("errors")).toInt();
            } else if (name == QLatin1String("testsuite")) {
                if (parent != QLatin1String("testsuites"))
                    return QStringLiteral("testsuite outside testsuites");
                if (!a.hasAttribute(QLatin1String("name")) || !a.hasAttribute(QLatin1String("tests")))
                    return QStringLiteral("testsuite without name or tests");
                ++suites;
                sumTests += a.value(QLatin1String("tests")).toInt();
                sumFailures += a.value(QLatin1String("failures")).toInt();
                sumErrors += a.value(QLatin1String("errors")).toInt();
            } else if (name == QLatin1String("testcase")) {
                if (parent != QLatin1String("testsuite"))
                    return QStringLiteral("testcase outside testsuite");
                if (a.value(QLatin1String("name")).isEmpty() || a.value(QLatin1String("classname")).isEmpty())
                    return QStringLiteral("testcase without name or classname");
                ++cases;
            } else if (name == QLatin1String("failure") || name == QLatin1String("error")) {
                if (parent != QLatin1String("testcase"))
                    return name + QStringLiteral(" outside testcase");
                if (a.value(QLatin1String("message")).isEmpty())
                    return name + QStringLiteral(" without message");
                (name == QLatin1String("failure") ? failures : errors)++;
            }
            stack.push_back(name);
        } else if (r.isEndElement()) {
            stack.pop_back();
        }
    }
    if (r.hasError())
        return QStringLiteral("not well-formed: ") + r.errorString();
    if (suites == 0)
        return QStringLiteral("no testsuite");
    if (cases != sumTests || cases != rootTests || cases != expectTests)
        return QStringLiteral("testcase count %1, suites say %2, root says %3, expected %4")
            .arg(cases)
            .arg(sumTests)
            .arg(rootTests)
            .arg(expectTests);
    if (failures != sumFailures || failures != rootFailures || failures != expectFailures)
        return QStringLiteral("failures %1 / %2 / %3, expected %4")
            .arg(failures)
            .arg(sumFailures)
            .arg(rootFailures)
            .arg(expectFailures);
    if (errors != sumErrors || errors != rootErrors || errors != expectErrors)
        return QStringLiteral("errors %1 / %2 / %3, expected %4")
            .arg(errors)
            .arg(sumErrors)
            .arg(rootErrors)
            .arg(expectErrors);
    return {};
}

/// Validates against tests/data/validation/junit.xsd with xmllint; empty string when valid, a null
/// string when xmllint is not installed.
QString xmllintSchema(const QString& file)
{
    const QString xmllint = QStandardPaths::findExecutable(QStringLiteral("xmllint"));
    if (xmllint.isEmpty())
        return QString();
    QProcess p;
    p.start(xmllint, {QStringLiteral("--noout"), QStringLiteral("--schema"),
                      sigmatest::dataPath(QStringLiteral("validation/junit.xsd")), file});
    p.waitForFinished(60000);
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return QStringLiteral("");
    return QString::fromUtf8(p.readAllStandardError()) + QStringLiteral(" (exit %1)").arg(p.exitCode());
}

} // namespace

class TestRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passingManifest()
    {
        const auto r = runOnly("validation/pass/whoami.tests.yml");
        QVERIFY2(r.errors.empty(), qPrintable(joined(r.errors)));
        QCOMPARE(r.title, std::string("Whoami Started From a Command Shell"));
        QCOMPARE(r.expectations.size(), std::size_t(6));
        for (const auto& e : r.expectations)
            QVERIFY2(e.passed(), e.summary().c_str());
        QVERIFY(r.passed());
        QCOMPARE(r.failures(), std::size_t(0));
        QCOMPARE(recordIds(r.expectations[0].matched), (std::vector<std::uint64_t>{201, 202}));
        QCOMPARE(r.expectations[0].actual, std::string("2 of 2 events matched"));
        QCOMPARE(recordIds(r.expectations[2].matched), (std::vector<std::uint64_t>{501, 503}));
        QCOMPARE(recordIds(r.expectations[3].matched), (std::vector<std::uint64_t>{7001})); // embedded
        QCOMPARE(r.expectations[4].events, std::size_t(3));
        QVERIFY(r.expectations[4].matched.empty());
        QCOMPARE(recordIds(r.expectations[5].matched), (std::vector<std::uint64_t>{402})); // baseline budget 1
    }

    void failingManifest()
    {
        // The deliberately failing fixture: the rule is too broad for its expectations.
        const auto r = runOnly("validation/fail/whoami_broad.tests.yml");
        QVERIFY2(r.errors.empty(), qPrintable(joined(r.errors)));
        QVERIFY(!r.passed());
        QCOMPARE(r.expectations.size(), std::size_t(5));
        QCOMPARE(r.failures(), std::size_t(4));
        QCOMPARE(r.errorCount(), std::size_t(0));
        const auto& e = r.expectations;

        // count: 1, two matched; the extra matches are explained.
        QCOMPARE(e[0].status, ExpectationResult::Status::Failed);
        QCOMPARE(e[0].expected, std::string("exactly 1 event match"));
        QCOMPARE(e[0].actual, std::string("2 of 2 events matched"));
        QCOMPARE(e[0].why.size(), std::size_t(2));
        QVERIFY(e[0].why[0].matched);

        QVERIFY(e[1].passed());

        // record_ids [502]: 502 is missed, 501 and 503 match unexpectedly.
        QCOMPARE(e[2].status, ExpectationResult::Status::Failed);
        QCOMPARE(e[2].why.size(), std::size_t(3));
        const auto missed = std::find_if(e[2].why.begin(), e[2].why.end(),
                                         [](const EventExplanation& x) { return x.event.recordId == 502u; });
        QVERIFY(missed != e[2].why.end());
        QVERIFY(!missed->matched);
        const QString missWhy = text(missed->deciding);
        QVERIFY2(missWhy.contains(QLatin1String("Image|endswith")) &&
                     missWhy.contains(QLatin1String("did not match")) && missWhy.contains(QLatin1String("notepad.exe")),
                 qPrintable(missWhy));
        QVERIFY2(missWhy.contains(QLatin1String("line 17")), qPrintable(missWhy)); // where the value is in the rule

        // no_match: 301 and 302 match (303 is a process termination, outside the log source).
        QCOMPARE(e[3].status, ExpectationResult::Status::Failed);
        QCOMPARE(recordIds(e[3].matched), (std::vector<std::uint64_t>{301, 302}));
        QCOMPARE(e[3].why.size(), std::size_t(2));
        QCOMPARE(e[3].why[0].event.recordId.value_or(0), std::uint64_t(301));
        const QString matchWhy = text(e[3].why[0].deciding);
        QVERIFY2(matchWhy.contains(QLatin1String("matched")) && matchWhy.contains(QLatin1String("whoami.exe")),
                 qPrintable(matchWhy));

        // baseline max_hits 0: two whoami in the baseline.
        QCOMPARE(e[4].status, ExpectationResult::Status::Failed);
        QCOMPARE(recordIds(e[4].matched), (std::vector<std::uint64_t>{402, 404}));
        QCOMPARE(e[4].expected, std::string("at most 0 events match (baseline)"));

        const QString report = QString::fromStdString(formatText({r}));
        QVERIFY2(report.contains(QLatin1String(
                     "FAIL match ../events/positive.xml: expected exactly 1 event match; 2 of 2 events matched")),
                 qPrintable(report));
        QVERIFY2(report.contains(QLatin1String("event #1 (EventRecordID 301) matched, because:")), qPrintable(report));
        QVERIFY2(report.contains(QLatin1String("1 rule, 5 tests: 1 passed, 4 failed, 0 errors")), qPrintable(report));
    }

    void outOfScopeMissIsExplained()
    {
        const auto m = parseManifestText("rule: ../pass/whoami.yml\nmatch:\n  - file: ../events/benign.xml\n"
                                         "    record_ids: [303]\n",
                                         data("validation/errors/inline.tests.yml"));
        QVERIFY(m.ok());
        const auto r = runRuleTests(m.rules.front());
        QCOMPARE(r.expectations.size(), std::size_t(1));
        const auto& e = r.expectations.front();
        QCOMPARE(e.status, ExpectationResult::Status::Failed);
        const auto it = std::find_if(e.why.begin(), e.why.end(),
                                     [](const EventExplanation& x) { return x.event.recordId == 303u; });
        QVERIFY(it != e.why.end());
        const QString why = text(it->deciding);
        QVERIFY2(why.contains(QLatin1String("log source")), qPrintable(why));
    }

    void missingEventFileIsAnError()
    {
        const auto r = runOnly("validation/errors/missing_events.tests.yml");
        QCOMPARE(r.expectations.size(), std::size_t(2));
        QVERIFY(r.expectations[0].passed());
        const auto& e = r.expectations[1];
        QCOMPARE(e.status, ExpectationResult::Status::Error);
        QVERIFY(!e.diagnostics.empty());
        QCOMPARE(e.diagnostics.front().code, std::string("test-events-unreadable"));
        QVERIFY(e.diagnostics.front().file.ends_with("missing_events.tests.yml"));
        QCOMPARE(e.diagnostics.front().span.begin.line, 3);
        QVERIFY(!r.passed());
        QCOMPARE(r.errorCount(), std::size_t(1));
    }

    void brokenManifestIsAFailureNotACrash()
    {
        const auto r = runOnly("validation/errors/broken.tests.yml");
        QVERIFY(!r.passed());
        QVERIFY(r.expectations.empty());
        QCOMPARE(r.errors.size(), std::size_t(1));
        QCOMPARE(r.errors.front().code, std::string("manifest-yaml-syntax"));
        QCOMPARE(r.errors.front().span.begin.line, 4);
        QCOMPARE(r.testCount(), std::size_t(1));
        QCOMPARE(r.errorCount(), std::size_t(1));
    }

    void missingRuleIsAnError()
    {
        const auto m = parseManifestText("rule: no-such-rule.yml\nmatch: [../events/positive.xml]\n",
                                         data("validation/errors/x.tests.yml"));
        const auto r = runRuleTests(m.rules.front());
        QVERIFY(!r.passed());
        QVERIFY(!r.errors.empty());
        QCOMPARE(r.errors.front().code, std::string("test-rule-invalid"));
        QCOMPARE(r.errors.front().span.begin.line, 1);
    }

    void emptySourceProvesNothing()
    {
        // A source that reads fine but holds no events (an empty JSON array) would pass any
        // no_match trivially: it is an error.
        QTemporaryDir dir;
        QFile empty(dir.filePath(QStringLiteral("empty.json")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write("[]\n");
        empty.close();
        const std::string manifest = dir.filePath(QStringLiteral("x.tests.yml")).toStdString();
        ManifestOptions elsewhere; // the rule is a fixture outside the temporary folder
        elsewhere.allowOutsidePaths = true;
        const auto m = parseManifestText(
            "rule: " + data("validation/pass/whoami.yml") + "\nno_match:\n  - empty.json\n", manifest, elsewhere);
        QVERIFY(m.ok());
        const auto r = runRuleTests(m.rules.front());
        QCOMPARE(r.expectations.size(), std::size_t(1));
        QCOMPARE(r.expectations.front().status, ExpectationResult::Status::Error);
        QCOMPARE(r.expectations.front().diagnostics.front().code, std::string("test-events-empty"));
        QCOMPARE(r.expectations.front().diagnostics.front().span.begin.line, 3);
    }

    void unreadableEmbeddedXmlIsAnError()
    {
        const auto m = parseManifestText("rule: ../pass/whoami.yml\nno_match:\n  - xml: <Events></Events>\n",
                                         data("validation/errors/y.tests.yml"));
        QVERIFY(m.ok());
        const auto r = runRuleTests(m.rules.front());
        QCOMPARE(r.expectations.front().status, ExpectationResult::Status::Error);
        QCOMPARE(r.expectations.front().diagnostics.front().code, std::string("test-events-unreadable"));
        QCOMPARE(r.expectations.front().diagnostics.front().span.begin.line, 3);
    }

    void sigmahqAtLeast()
    {
        const auto r = runOnly("validation/sigmahq");
        QVERIFY2(r.errors.empty(), qPrintable(joined(r.errors)));
        QCOMPARE(r.form, ManifestForm::SigmaHQ);
        QCOMPARE(r.expectations.size(), std::size_t(2));
        // match_count 2 with 3 matches passes: it means "at least", not "exactly".
        QVERIFY2(r.expectations[0].passed(), r.expectations[0].summary().c_str());
        QCOMPARE(recordIds(r.expectations[0].matched), (std::vector<std::uint64_t>{601, 602, 603}));
        QVERIFY(r.expectations[1].passed());
    }

    void sigmahqLayoutOnRealData_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("passes");
        QTest::addRow("matching rule")
            << QStringLiteral("rules/windows/process_creation/proc_creation_win_net_use_mount_admin_share.yml") << true;
        QTest::addRow("unrelated rule") << QStringLiteral(
                                               "rules/windows/builtin/application/esent/win_esent_ntdsutil_abuse.yml")
                                        << false;
    }
    void sigmahqLayoutOnRealData()
    {
        // A real SigmaHQ rule and a real .evtx laid out as in the SigmaHQ repository (the snapshot
        // has no regression_data/, so the info.yml is written here, pointing at the shared EVTX).
        QFETCH(QString, rule);
        QFETCH(bool, passes);
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack/TA0008-Lateral Movement/T1021.002-SMB Windows Admin "
                             "Shares/ID4688-4648 Lateral movement with net use.evtx");
        const QString source = sigmatest::sharedPath(QStringLiteral("corpus/sigmahq/") + rule);
        if (source.isEmpty())
            QSKIP("the SigmaHQ snapshot is not in ../shared");
        QTemporaryDir repo;
        const QString ruleCopy = repo.filePath(rule);
        QVERIFY(QDir().mkpath(QFileInfo(ruleCopy).absolutePath()));
        QByteArray text = sigmatest::readFile(source);
        const QString stem = QFileInfo(rule).completeBaseName();
        const QString infoRel = QStringLiteral("regression_data/rules/windows/%1/info.yml").arg(stem);
        text += "\nregression_tests_path: " + infoRel.toUtf8() + "\n";
        QFile out(ruleCopy);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        QVERIFY(QDir().mkpath(QFileInfo(repo.filePath(infoRel)).absolutePath()));
        QFile info(repo.filePath(infoRel));
        QVERIFY(info.open(QIODevice::WriteOnly));
        info.write("id: 00000000-0000-4000-8000-000000000001\nregression_tests_info:\n"
                   "    - name: Positive Detection Test\n      type: evtx\n      provider: "
                   "Microsoft-Windows-Security-Auditing\n"
                   "      match_count: 1\n      path: \"" +
                   sharedPathValue.toUtf8() + "\"\n");
        info.close();

        const auto found = discoverTests({repo.path().toStdString()});
        QCOMPARE(found.groups.size(), std::size_t(1));
        QCOMPARE(found.groups[0].form, ManifestForm::SigmaHQ);
        const auto r = runRuleTests(found.groups[0]);
        QVERIFY2(r.errors.empty(), qPrintable(joined(r.errors)));
        QCOMPARE(r.expectations.size(), std::size_t(1));
        QVERIFY(r.expectations[0].events > 0);
        QCOMPARE(r.passed(), passes);
        if (passes) {
            QVERIFY(!r.expectations[0].matched.empty());
            QVERIFY(r.expectations[0].matched.front().recordId.has_value());
        } else {
            QVERIFY(!r.expectations[0].why.empty());
            QVERIFY(!r.expectations[0].why[0].deciding.empty());
        }
    }

    void liveRunReusesCompiledRuleAndEvents()
    {
        // The workbench path: compile once, read events once, re-run on each edit.
        const auto d = discoverTests({data("validation/pass/whoami.tests.yml")});
        const RuleTests& g = d.groups.front();
        const LoadedTestEvents events = loadTestEvents(g);
        QCOMPARE(events.sources.size(), g.expectations.size());
        const auto parsedGood = runRuleTests(g);
        QVERIFY(parsedGood.passed());

        // The broad rule against the same manifest fails without re-reading anything.
        const auto other = discoverTests({data("validation/fail/whoami_broad.yml")});
        const auto broad = runRuleTests(other.groups.front());
        QVERIFY(!broad.passed());
    }

    void cacheSharesEventFiles()
    {
        // The folder manifest tests two rules on overlapping files; with a cache each file is read once.
        const auto d = discoverTests({data("validation/folder"), data("validation/pass")});
        TestEventCache cache;
        RunOptions options;
        options.cache = &cache;
        std::vector<RuleTestResult> cached, direct;
        for (const auto& g : d.groups) {
            cached.push_back(runRuleTests(g, options));
            direct.push_back(runRuleTests(g));
        }
        QCOMPARE(cache.files(), std::size_t(4)); // positive, benign, mixed, baseline
        QVERIFY(cache.hits() >= 3);
        for (std::size_t i = 0; i < cached.size(); ++i) {
            QCOMPARE(cached[i].passed(), direct[i].passed());
            QCOMPARE(cached[i].expectations.size(), direct[i].expectations.size());
            for (std::size_t k = 0; k < cached[i].expectations.size(); ++k)
                QCOMPARE(recordIds(cached[i].expectations[k].matched), recordIds(direct[i].expectations[k].matched));
        }
        // A missing file is not cached and stays an error.
        QVERIFY(hasErrors(cache.read("/nowhere/x.evtx").diagnostics));
        QCOMPARE(cache.files(), std::size_t(4));
    }

    void streamedFilesGiveTheSameResults()
    {
        // Files above RunOptions::streamFilesAbove are read batch by batch while the tests run and
        // never held (nor cached): the verdicts, counts and explanations are those of files in memory.
        const auto d = discoverTests({data("validation/folder"), data("validation/pass"), data("validation/fail")});
        QVERIFY(d.groups.size() >= 3);
        TestEventCache cache;
        RunOptions streaming;
        streaming.cache = &cache;
        streaming.streamFilesAbove = 1;
        RunOptions held;
        held.streamFilesAbove = 0;
        std::size_t failures = 0;
        for (const auto& g : d.groups) {
            const RuleTestResult a = runRuleTests(g, streaming);
            const RuleTestResult b = runRuleTests(g, held);
            QCOMPARE(a.expectations.size(), b.expectations.size());
            failures += b.failures();
            for (std::size_t k = 0; k < a.expectations.size(); ++k) {
                const auto& x = a.expectations[k];
                const auto& y = b.expectations[k];
                QCOMPARE(x.status, y.status);
                QCOMPARE(x.events, y.events);
                QCOMPARE(x.actual, y.actual);
                QCOMPARE(recordIds(x.matched), recordIds(y.matched));
                QCOMPARE(x.why.size(), y.why.size());
                for (std::size_t w = 0; w < x.why.size(); ++w)
                    QCOMPARE(x.why[w].deciding, y.why[w].deciding);
            }
        }
        QVERIFY(failures >= 4); // the failing fixture's explanations were compared too
        QCOMPARE(cache.files(), std::size_t(0));
    }

    void junitMatchesSchema()
    {
        std::vector<RuleTestResult> results;
        for (const char* p :
             {"validation/pass", "validation/fail", "validation/errors", "validation/sigmahq", "validation/folder"})
            for (const auto& g : discoverTests({data(p)}).groups)
                results.push_back(runRuleTests(g));
        const TestTotals t = totals(results);
        QCOMPARE(t.failures, std::size_t(4)); // the failing fixture
        QCOMPARE(t.errors, std::size_t(3));   // broken manifest, unknown key, missing event file
        JUnitOptions options;
        options.timestamp = "2026-11-28T01:00:00";
        options.hostname = "ci";
        const std::string xml = junitXml(results, options);
        const QString problem =
            checkJUnitStructure(QByteArray::fromStdString(xml), int(t.tests), int(t.failures), int(t.errors));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(
            xml.find("<failure message=\"expected exactly 1 event match; 2 of 2 events matched\" type=\"match\">") !=
            std::string::npos);

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("junit.xml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(xml));
        f.close();
        const QString schema = xmllintSchema(file);
        if (schema.isNull())
            QSKIP("xmllint is not installed (apt-get install libxml2-utils); the in-process structure check passed");
        QVERIFY2(schema.isEmpty(), qPrintable(schema));
    }

    void junitRejectedBySchemaWhenBroken()
    {
        // The schema check can fail: a testcase without a name is invalid.
        const QString xmllint = QStandardPaths::findExecutable(QStringLiteral("xmllint"));
        if (xmllint.isEmpty())
            QSKIP("xmllint is not installed");
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("bad.xml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>");
        f.close();
        QVERIFY(!xmllintSchema(file).isEmpty());
    }

    // util/xmlescape.h, shared by the JUnit report, the Event XML rendering and the HTML page.
    void xmlEscaping_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("attribute");
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("markup") << QByteArray("a<b>&\"c\"") << QByteArray("a&lt;b&gt;&amp;&quot;c&quot;")
                                << QByteArray("a&lt;b&gt;&amp;\"c\"");
        QTest::addRow("apostrophe") << QByteArray("it's") << QByteArray("it&#39;s") << QByteArray("it's");
        QTest::addRow("newline") << QByteArray("a\nb") << QByteArray("a&#10;b") << QByteArray("a\nb");
        QTest::addRow("tab and cr") << QByteArray("a\tb\r\n") << QByteArray("a&#9;b&#13;&#10;")
                                    << QByteArray("a\tb&#13;\n");
        QTest::addRow("control") << QByteArray("a\x01z") << QByteArray("a\xEF\xBF\xBDz")
                                 << QByteArray("a\xEF\xBF\xBDz");
        QTest::addRow("bad utf8") << QByteArray("a\xC3z") << QByteArray("a\xEF\xBF\xBDz")
                                  << QByteArray("a\xEF\xBF\xBDz");
        QTest::addRow("overlong") << QByteArray("\xC0\xAF") << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD")
                                  << QByteArray("\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::addRow("utf8 kept") << QByteArray("Microsoft\xC2\xAE \xE2\x80\x93")
                                   << QByteArray("Microsoft\xC2\xAE \xE2\x80\x93")
                                   << QByteArray("Microsoft\xC2\xAE \xE2\x80\x93");
    }
    void xmlEscaping()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, attribute);
        QFETCH(QByteArray, text);
        QCOMPARE(QByteArray::fromStdString(sigma::xmlEscaped(input.toStdString(), sigma::XmlEscape::Attribute)),
                 attribute);
        QCOMPARE(QByteArray::fromStdString(sigma::xmlEscaped(input.toStdString(), sigma::XmlEscape::Text)), text);
    }

    // --- the CLI ------------------------------------------------------------------------------

    void cliPassExitsZero()
    {
        const auto r =
            sigmatest::runSigmawb({QStringLiteral("test"), sigmatest::dataPath(QStringLiteral("validation/pass"))});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY2(r.out.contains("PASS  Whoami Started From a Command Shell"), r.out.constData());
        QVERIFY2(r.out.contains("1 rule, 6 tests: 6 passed, 0 failed, 0 errors"), r.out.constData());
    }

    void cliFailExitsOne()
    {
        const auto r =
            sigmatest::runSigmawb({QStringLiteral("test"), sigmatest::dataPath(QStringLiteral("validation/fail"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("FAIL no_match ../events/benign.xml: expected no event matches; 2 of 3 events matched"),
                 r.out.constData());
        QVERIFY2(r.out.contains("because:"), r.out.constData());
        QVERIFY2(r.out.contains("whoami_broad.tests.yml:9"), r.out.constData()); // where the failing entry is
    }

    void cliBrokenManifestExitsOne()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("test"), sigmatest::dataPath(QStringLiteral("validation/errors/broken.tests.yml"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("broken.tests.yml:4:"), r.out.constData());
        QVERIFY2(r.out.contains("[manifest-yaml-syntax]"), r.out.constData());
    }

    void cliUsageAndIoErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addRow("no path") << QStringList{QStringLiteral("test")};
        QTest::addRow("missing path") << QStringList{QStringLiteral("test"), QStringLiteral("/nowhere/at/all")};
        QTest::addRow("bad format") << QStringList{QStringLiteral("test"), QStringLiteral("--format"),
                                                   QStringLiteral("xml"),
                                                   sigmatest::dataPath(QStringLiteral("validation/pass"))};
        QTest::addRow("junit unwritable")
            << QStringList{QStringLiteral("test"), QStringLiteral("--junit"), QStringLiteral("/nowhere/dir/junit.xml"),
                           sigmatest::dataPath(QStringLiteral("validation/pass"))};
        QTest::addRow("nothing to test") << QStringList{QStringLiteral("test"),
                                                        sigmatest::dataPath(QStringLiteral("validation/events"))};
    }
    void cliUsageAndIoErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        const auto r = sigmatest::runSigmawb(args);
        QVERIFY2(r.exitCode == 2, r.err.constData());
        QVERIFY(!r.err.isEmpty());
    }

    void cliJsonAndJUnit()
    {
        QTemporaryDir dir;
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("test"), QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--junit"),
             dir.filePath(QStringLiteral("junit.xml")), sigmatest::dataPath(QStringLiteral("validation/pass")),
             sigmatest::dataPath(QStringLiteral("validation/fail"))});
        QCOMPARE(r.exitCode, 1);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject summary = doc.object().value(QLatin1String("summary")).toObject();
        QCOMPARE(summary.value(QLatin1String("rules")).toInt(), 2);
        QCOMPARE(summary.value(QLatin1String("tests")).toInt(), 11);
        QCOMPARE(summary.value(QLatin1String("passed")).toInt(), 7);
        QCOMPARE(summary.value(QLatin1String("failures")).toInt(), 4);
        const QJsonArray results = doc.object().value(QLatin1String("results")).toArray();
        QCOMPARE(results.size(), 2);
        const QJsonObject failing = results.at(1).toObject();
        QCOMPARE(failing.value(QLatin1String("passed")).toBool(), false);
        const QJsonObject noMatch = failing.value(QLatin1String("expectations")).toArray().at(3).toObject();
        QCOMPARE(noMatch.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(noMatch.value(QLatin1String("line")).toInt(), 9);
        QCOMPARE(noMatch.value(QLatin1String("matched")).toArray().size(), 2);
        QVERIFY(!noMatch.value(QLatin1String("explanations")).toArray().isEmpty());

        const QByteArray xml = sigmatest::readFile(dir.filePath(QStringLiteral("junit.xml")));
        const QString problem = checkJUnitStructure(xml, 11, 4, 0);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QString schema = xmllintSchema(dir.filePath(QStringLiteral("junit.xml")));
        QVERIFY2(schema.isNull() || schema.isEmpty(), qPrintable(schema));
    }

    void sampleManifestsPass()
    {
        // The bundled sample workspace ships manifests for its rules; they must pass.
        const QString samples = QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples"))).absolutePath();
        if (!QFileInfo::exists(samples))
            QSKIP("no resources/samples in this tree");
        const auto r = sigmatest::runSigmawb({QStringLiteral("test"), samples});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains(" 0 failed, 0 errors"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_testrunner.moc"
