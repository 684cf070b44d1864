// Test manifests: the parser (every form, file:line errors), YAML round trip, discovery.
#include "testsupport.h"

#include "validation/manifest.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace sigma;

namespace {

std::string data(const char* relative)
{
    return sigmatest::dataPath(QString::fromUtf8(relative)).toStdString();
}

Diagnostics allDiagnostics(const TestManifest& m)
{
    Diagnostics all = m.diagnostics;
    for (const auto& g : m.rules)
        all.insert(all.end(), g.diagnostics.begin(), g.diagnostics.end());
    return all;
}

QString joined(const Diagnostics& diags)
{
    QString s;
    for (const auto& d : diags)
        s += QString::fromStdString(d.format()) + QLatin1Char('\n');
    return s;
}

} // namespace

class TestManifests : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesBesideForm()
    {
        const auto m = loadManifest(data("validation/pass/whoami.tests.yml"));
        QVERIFY2(m.ok(), qPrintable(joined(allDiagnostics(m))));
        QVERIFY(!m.folderForm);
        QCOMPARE(m.rules.size(), std::size_t(1));
        const RuleTests& g = m.rules.front();
        QCOMPARE(g.rule, std::string("whoami.yml")); // implied by the manifest's name
        QVERIFY(QFileInfo::exists(QString::fromStdString(g.rulePath)));
        QCOMPARE(g.form, ManifestForm::Beside);
        QCOMPARE(g.expectations.size(), std::size_t(6));

        const auto& e = g.expectations;
        QCOMPARE(e[0].kind, ExpectationKind::Match);
        QCOMPARE(e[0].file, std::string("../events/positive.xml"));
        QVERIFY(QFileInfo::exists(QString::fromStdString(e[0].path)));
        QVERIFY(!e[0].count && !e[0].atLeast && e[0].recordIds.empty());
        QCOMPARE(e[0].expectedText(), std::string("at least 1 event match"));
        QCOMPARE(e[0].span.begin.line, 3);

        QCOMPARE(e[1].name, std::string("both shells"));
        QCOMPARE(e[1].count.value_or(99), std::size_t(2));
        QCOMPARE(e[1].expectedText(), std::string("exactly 2 events match"));

        QCOMPARE(e[2].recordIds, (std::vector<std::uint64_t>{501, 503}));

        QVERIFY(e[3].embedded());
        QCOMPARE(e[3].name, std::string("embedded whoami from cmd"));
        QVERIFY(e[3].xml.find("<EventRecordID>7001</EventRecordID>") != std::string::npos);
        QCOMPARE(e[3].label(), std::string("embedded whoami from cmd"));

        QCOMPARE(e[4].kind, ExpectationKind::NoMatch);
        QCOMPARE(e[4].expectedText(), std::string("no event matches"));
        QCOMPARE(e[5].kind, ExpectationKind::Baseline);
        QCOMPARE(e[5].maxHits, std::size_t(1));
        QCOMPARE(e[5].span.begin.line, 27);
    }

    void parsesFolderForm()
    {
        const auto m = loadManifest(data("validation/folder/suite.tests.yml"));
        QVERIFY2(m.ok(), qPrintable(joined(allDiagnostics(m))));
        QVERIFY(m.folderForm);
        QCOMPARE(m.rules.size(), std::size_t(2));
        QCOMPARE(m.rules[0].rule, std::string("../pass/whoami.yml"));
        QCOMPARE(m.rules[0].form, ManifestForm::Folder);
        QCOMPARE(m.rules[0].expectations.size(), std::size_t(2));
        QCOMPARE(m.rules[1].rule, std::string("../fail/whoami_broad.yml"));
        QCOMPARE(m.rules[1].expectations.front().count.value_or(0), std::size_t(2));
        QVERIFY(QFileInfo::exists(QString::fromStdString(m.rules[1].rulePath)));
    }

    void acceptsAliasesAndOptions()
    {
        const auto m = parseManifestText("rule: r.yml\nmust_match: [a.xml]\nmust_not_match: [b.xml]\n"
                                         "scope_by_logsource: false\ntranslate_security_5156: yes\n",
                                         "/tmp/x/r.tests.yml");
        QVERIFY2(m.ok(), qPrintable(joined(allDiagnostics(m))));
        const auto& g = m.rules.front();
        QCOMPARE(g.expectations.size(), std::size_t(2));
        QCOMPARE(g.expectations[1].kind, ExpectationKind::NoMatch);
        QCOMPARE(g.expectations[0].path, std::string("/tmp/x/a.xml"));
        QVERIFY(!g.scopeByLogSource);
        QVERIFY(g.translateSecurity5156);
    }

    void badManifests_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");

        QTest::addRow("yaml syntax") << "rule: r.yml\nmatch:\n  - a.xml\n bad: [\n"
                                     << "manifest-yaml-syntax" << 4 << "";
        QTest::addRow("not a map") << "- a.xml\n- b.xml\n"
                                   << "manifest-invalid" << 1 << "must be a map";
        QTest::addRow("empty") << "# nothing\n"
                               << "manifest-empty" << 1 << "empty";
        QTest::addRow("two documents") << "rule: r.yml\nmatch: [a.xml]\n---\nrule: s.yml\n"
                                       << "manifest-invalid" << 3 << "one YAML document";
        // yaml-cpp (<= 0.8.0, issue 1040) reports an empty document before a token that cannot
        // start one without consuming it: YAML::LoadAll loops until memory runs out (found by
        // fuzz_manifest). The manifest parser stops and names the token.
        QTest::addRow("lone comma") << ","
                                    << "manifest-yaml-syntax" << 1 << "unexpected ','";
        QTest::addRow("comma starting a line") << ", match: [a.xml]\n"
                                               << "manifest-yaml-syntax" << 1 << "unexpected ','";
        QTest::addRow("comma after a document") << "rule: r.yml\n---\n,\n"
                                                << "manifest-yaml-syntax" << 3 << "unexpected ','";
        QTest::addRow("unknown key") << "rule: r.yml\nmatch:\n  - a.xml\nno_mach:\n  - b.xml\n"
                                     << "manifest-unknown-key" << 4 << "unknown key 'no_mach'";
        QTest::addRow("list expected") << "rule: r.yml\nmatch: a.xml\n"
                                       << "manifest-invalid" << 2 << "'match' must be a list";
        QTest::addRow("entry without source") << "rule: r.yml\nmatch:\n  - name: x\n"
                                              << "manifest-invalid" << 3 << "needs 'file'";
        QTest::addRow("file and xml") << "rule: r.yml\nmatch:\n  - file: a.xml\n    xml: <Event/>\n"
                                      << "manifest-invalid" << 3 << "both 'file' and 'xml'";
        QTest::addRow("count under no_match") << "rule: r.yml\nno_match:\n  - file: a.xml\n    count: 2\n"
                                              << "manifest-invalid" << 4 << "not allowed under 'no_match'";
        QTest::addRow("max_hits under match") << "rule: r.yml\nmatch:\n  - file: a.xml\n    max_hits: 2\n"
                                              << "manifest-invalid" << 4 << "only under 'baseline'";
        QTest::addRow("negative count") << "rule: r.yml\nmatch:\n  - file: a.xml\n    count: -1\n"
                                        << "manifest-invalid" << 4 << "non-negative integer";
        QTest::addRow("max_hits text") << "rule: r.yml\nbaseline:\n  - file: b.xml\n    max_hits: many\n"
                                       << "manifest-invalid" << 4 << "'many'";
        QTest::addRow("count and record_ids")
            << "rule: r.yml\nmatch:\n  - file: a.xml\n    count: 1\n    record_ids: [5]\n"
            << "manifest-invalid" << 3 << "only one of";
        QTest::addRow("record_ids scalar") << "rule: r.yml\nmatch:\n  - file: a.xml\n    record_ids: 5\n"
                                           << "manifest-invalid" << 4 << "non-empty list";
        QTest::addRow("record id text") << "rule: r.yml\nmatch:\n  - file: a.xml\n    record_ids: [5,\n      x]\n"
                                        << "manifest-invalid" << 5 << "'x'";
        QTest::addRow("unknown entry key") << "rule: r.yml\nmatch:\n  - file: a.xml\n    cout: 1\n"
                                           << "manifest-unknown-key" << 4 << "unknown key 'cout'";
        QTest::addRow("xml without element") << "rule: r.yml\nmatch:\n  - xml: just text\n"
                                             << "manifest-invalid" << 3 << "XML element";
        QTest::addRow("folder entry without rule") << "tests:\n  - match:\n      - a.xml\n"
                                                   << "manifest-no-rule" << 2 << "needs 'rule:'";
        QTest::addRow("tests not a list") << "tests:\n  rule: r.yml\n"
                                          << "manifest-invalid" << 2 << "'tests' must be a list";
        QTest::addRow("key beside tests") << "tests: []\nmatch: [a.xml]\n"
                                          << "manifest-unknown-key" << 2 << "beside 'tests'";
        QTest::addRow("rule not a path") << "rule: [a, b]\nmatch: [a.xml]\n"
                                         << "manifest-invalid" << 1 << "'rule' must be";
        QTest::addRow("too deep") << QStringLiteral("rule: r.yml\nmatch:\n  - ") + QString(200, QLatin1Char('[')) +
                                         QStringLiteral("\n")
                                  << "manifest-too-deep" << 3 << "nesting deeper";
        QTest::addRow("too large") << QStringLiteral("rule: r.yml\n# ") + QString(5 << 20, QLatin1Char('x')) +
                                          QStringLiteral("\n")
                                   << "manifest-too-large" << 1 << "larger than";
        QTest::addRow("bad boolean") << "rule: r.yml\nmatch: [a.xml]\nscope_by_logsource: maybe\n"
                                     << "manifest-invalid" << 3 << "true or false";
    }
    void badManifests()
    {
        QFETCH(QString, text);
        QFETCH(QString, code);
        QFETCH(int, line);
        QFETCH(QString, message);
        const std::string file = "/nowhere/bad.tests.yml";
        const auto m = parseManifestText(text.toStdString(), file);
        QVERIFY(!m.ok());
        const Diagnostics all = allDiagnostics(m);
        const auto it = std::find_if(all.begin(), all.end(), [&](const Diagnostic& d) {
            return d.severity == Severity::Error && d.code == code.toStdString();
        });
        QVERIFY2(it != all.end(), qPrintable(joined(all)));
        QCOMPARE(it->file, file);
        QCOMPARE(it->span.begin.line, line);
        QVERIFY2(QString::fromStdString(it->message).contains(message), it->message.c_str());
        // The compiler-style line names file and line.
        QVERIFY(
            QString::fromStdString(it->format()).startsWith(QStringLiteral("/nowhere/bad.tests.yml:%1:").arg(line)));
    }

    void missingRuleWhenNotNamedAfterIt()
    {
        const auto m = parseManifestText("match: [a.xml]\n", "/nowhere/tests.yml");
        const auto all = allDiagnostics(m);
        QVERIFY(std::any_of(all.begin(), all.end(), [](const Diagnostic& d) {
            return d.code == "manifest-no-rule" && d.span.begin.line == 1;
        }));
    }

    void unreadableManifestIsIoError()
    {
        const auto m = loadManifest("/nowhere/none.tests.yml");
        QCOMPARE(m.diagnostics.size(), std::size_t(1));
        QCOMPARE(m.diagnostics.front().code, std::string("io-error"));
        QCOMPARE(m.diagnostics.front().file, std::string("/nowhere/none.tests.yml"));
    }

    void warnsWithoutExpectations()
    {
        const auto m = parseManifestText("rule: r.yml\nmatch:\n", "/x/r.tests.yml");
        QVERIFY(m.ok());
        const auto& d = m.rules.front().diagnostics;
        QCOMPARE(d.size(), std::size_t(1));
        QCOMPARE(d.front().code, std::string("manifest-no-expectations"));
        QCOMPARE(d.front().severity, Severity::Warning);
    }

    void roundTrip()
    {
        const auto original = loadManifest(data("validation/pass/whoami.tests.yml"));
        QVERIFY(original.ok());
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("whoami.tests.yml")).toStdString();
        std::string error;
        QVERIFY2(saveManifest(original, path, error), error.c_str());
        ManifestOptions elsewhere; // the copy's events stay where the original's are
        elsewhere.allowOutsidePaths = true;
        const auto again = loadManifest(path, elsewhere);
        QVERIFY2(again.ok(),
                 qPrintable(joined(allDiagnostics(again)) + QString::fromStdString(manifestToYaml(original))));
        QCOMPARE(again.rules.size(), std::size_t(1));
        const auto& a = original.rules.front().expectations;
        const auto& b = again.rules.front().expectations;
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].kind, a[i].kind);
            QCOMPARE(b[i].name, a[i].name);
            QCOMPARE(b[i].file, a[i].file);
            QCOMPARE(b[i].xml, a[i].xml);
            QCOMPARE(b[i].count, a[i].count);
            QCOMPARE(b[i].atLeast, a[i].atLeast);
            QCOMPARE(b[i].recordIds, a[i].recordIds);
            QCOMPARE(b[i].maxHits, a[i].maxHits);
        }
        QCOMPARE(again.rules.front().rule, std::string("whoami.yml"));
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp-sigmawb")));
    }

    void roundTripTrickyStrings()
    {
        TestManifest m;
        RuleTests g;
        g.rule = "rules/my rule: v2.yml";
        g.name = "yes";
        g.scopeByLogSource = false;
        Expectation e;
        e.kind = ExpectationKind::NoMatch;
        e.name = "quote \" and # hash";
        e.xml = "  <Event/>\n\n";
        g.expectations.push_back(e);
        Expectation f;
        f.kind = ExpectationKind::Baseline;
        f.file = "123";
        f.maxHits = 7;
        g.expectations.push_back(f);
        m.rules.push_back(g);
        const std::string yaml = manifestToYaml(m);
        const auto back = parseManifestText(yaml, "/x/m.tests.yml");
        QVERIFY2(back.ok(), qPrintable(joined(allDiagnostics(back)) + QString::fromStdString(yaml)));
        const auto& r = back.rules.front();
        QCOMPARE(r.rule, g.rule);
        QCOMPARE(r.name, std::string("yes"));
        QVERIFY(!r.scopeByLogSource);
        QCOMPARE(r.expectations[0].name, e.name);
        QCOMPARE(r.expectations[0].xml, e.xml);
        QCOMPARE(r.expectations[1].file, std::string("123"));
        QCOMPARE(r.expectations[1].maxHits, std::size_t(7));
    }

    void helperPaths()
    {
        QCOMPARE(besideManifestPath("/r/proc_x.yml"), std::string("/r/proc_x.tests.yml"));
        QCOMPARE(markedEventsDir("/r/proc_x.yml"), std::string("/r/tests/proc_x"));
    }

    // --- SigmaHQ ----------------------------------------------------------------------------

    void sigmahqInfo()
    {
        const std::string rule =
            data("validation/sigmahq/rules/windows/process_creation/proc_creation_win_whoami_test.yml");
        const std::string info = resolveRegressionPath(
            rule, "regression_data/rules/windows/process_creation/proc_creation_win_whoami_test/info.yml");
        QVERIFY2(QFileInfo::exists(QString::fromStdString(info)), info.c_str());
        const RuleTests g = loadSigmaHqInfo(info, rule);
        QVERIFY2(!hasErrors(g.diagnostics), qPrintable(joined(g.diagnostics)));
        QCOMPARE(g.form, ManifestForm::SigmaHQ);
        QCOMPARE(g.name, std::string("2b9d4c71-6a0e-4f1b-9c3d-8e7f6a5b4c32"));
        QCOMPARE(g.expectations.size(), std::size_t(2));
        QCOMPARE(g.expectations[0].name, std::string("Positive Detection Test"));
        QCOMPARE(g.expectations[0].atLeast.value_or(0), std::size_t(2)); // match_count means "at least"
        QVERIFY(!g.expectations[0].count);
        QCOMPARE(g.expectations[1].atLeast.value_or(0), std::size_t(1)); // default
        QVERIFY2(QFileInfo::exists(QString::fromStdString(g.expectations[0].path)), g.expectations[0].path.c_str());
        QCOMPARE(g.expectations[0].expectedText(), std::string("at least 2 events match"));
    }

    void sigmahqInfoErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::addRow("no list") << "id: x\nregression_tests: []\n" << 1 << "no 'regression_tests_info'";
        QTest::addRow("no path") << "regression_tests_info:\n  - name: t\n    type: evtx\n" << 2 << "needs 'path'";
        QTest::addRow("bad count") << "regression_tests_info:\n  - path: a.evtx\n    match_count: lots\n"
                                   << 3 << "'lots'";
        QTest::addRow("syntax") << "regression_tests_info:\n  - path: [a\n" << 3 << "";
    }
    void sigmahqInfoErrors()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString info = dir.filePath(QStringLiteral("info.yml"));
        QFile f(info);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text.toUtf8());
        f.close();
        const RuleTests g = loadSigmaHqInfo(info.toStdString(), dir.filePath(QStringLiteral("r.yml")).toStdString());
        QVERIFY(hasErrors(g.diagnostics));
        const auto& d = *std::find_if(g.diagnostics.begin(), g.diagnostics.end(),
                                      [](const Diagnostic& x) { return x.severity == Severity::Error; });
        QCOMPARE(QString::fromStdString(d.file), info);
        QCOMPARE(d.span.begin.line, line);
        QVERIFY2(QString::fromStdString(d.message).contains(message), d.message.c_str());
    }

    // --- discovery --------------------------------------------------------------------------

    void discoverRuleBeside()
    {
        const auto d = discoverTests({data("validation/pass/whoami.yml")});
        QVERIFY(d.diagnostics.empty());
        QCOMPARE(d.groups.size(), std::size_t(1));
        QCOMPARE(d.groups[0].form, ManifestForm::Beside);
        QVERIFY(d.groups[0].manifest.ends_with("whoami.tests.yml"));
        QVERIFY(d.rulesWithoutTests.empty());
    }

    void discoverFolderManifest()
    {
        const auto d = discoverTests({data("validation/folder")});
        QCOMPARE(d.groups.size(), std::size_t(2));
        QCOMPARE(d.manifests.size(), std::size_t(1));
        QCOMPARE(d.groups[0].form, ManifestForm::Folder);
    }

    void discoverSigmaHqLayout()
    {
        const auto d = discoverTests({data("validation/sigmahq")});
        QVERIFY(d.diagnostics.empty());
        QCOMPARE(d.groups.size(), std::size_t(1));
        QCOMPARE(d.groups[0].form, ManifestForm::SigmaHQ);
        QVERIFY(d.groups[0].manifest.ends_with("proc_creation_win_whoami_test/info.yml"));
        QVERIFY(!hasErrors(d.groups[0].diagnostics));
    }

    void discoverDeduplicates()
    {
        // The same manifest reached through its rule, itself and its folder is run once.
        const auto d = discoverTests(
            {data("validation/pass/whoami.yml"), data("validation/pass/whoami.tests.yml"), data("validation/pass")});
        QCOMPARE(d.groups.size(), std::size_t(1));
    }

    void discoverBrokenManifestIsAGroup()
    {
        const auto d = discoverTests({data("validation/errors/broken.tests.yml")});
        QCOMPARE(d.groups.size(), std::size_t(1));
        QVERIFY(hasErrors(d.groups[0].diagnostics));
        QCOMPARE(d.groups[0].diagnostics.front().span.begin.line, 4);
    }

    void discoverMissingPath()
    {
        const auto d = discoverTests({"/nowhere/at/all"});
        QCOMPARE(d.diagnostics.size(), std::size_t(1));
        QCOMPARE(d.diagnostics.front().code, std::string("io-error"));
        QVERIFY(d.groups.empty());
    }

    void discoverRuleWithoutTests()
    {
        const auto d =
            discoverTests({data("validation/errors/missing_events.yml"), data("validation/fail/whoami_broad.yml")});
        QCOMPARE(d.groups.size(), std::size_t(2));
        QTemporaryDir dir;
        QFile::copy(sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")),
                    dir.filePath(QStringLiteral("lonely.yml")));
        const auto lonely = discoverTests({dir.filePath(QStringLiteral("lonely.yml")).toStdString()});
        QVERIFY(lonely.groups.empty());
        QCOMPARE(lonely.rulesWithoutTests.size(), std::size_t(1));
    }

    void discoverSigmaHqCorpus()
    {
        // The SigmaHQ snapshot has rules with regression_tests_path but not regression_data/: every
        // such rule becomes a SigmaHQ group whose missing info.yml is an io-error naming the path.
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules-threat-hunting");
        int expected = 0;
        QDirIterator it(sharedPathValue, {QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains("\nregression_tests_path:"))
                ++expected;
        }
        QVERIFY(expected > 0);
        const auto found = discoverTests({sharedPathValue.toStdString()});
        QCOMPARE(int(found.groups.size()), expected);
        for (const auto& g : found.groups) {
            QCOMPARE(g.form, ManifestForm::SigmaHQ);
            QVERIFY2(g.manifest.find("regression_data/") != std::string::npos, g.manifest.c_str());
            QVERIFY(g.manifest.ends_with("/info.yml"));
            if (!QFileInfo::exists(QString::fromStdString(g.manifest))) {
                // Reported on the rule, at the line of its regression_tests_path.
                QVERIFY(hasErrors(g.diagnostics));
                const Diagnostic& d = g.diagnostics.front();
                QCOMPARE(d.code, std::string("io-error"));
                QCOMPARE(d.file, g.rulePath);
                QVERIFY(d.span.begin.line > 1);
                const QList<QByteArray> lines = sigmatest::readFile(QString::fromStdString(d.file)).split('\n');
                QVERIFY(lines.value(d.span.begin.line - 1).startsWith("regression_tests_path:"));
                QVERIFY2(d.message.find("does not exist") != std::string::npos, d.message.c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestManifests)
#include "tst_manifest.moc"
