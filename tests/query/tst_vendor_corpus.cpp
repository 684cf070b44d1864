// Elastic and Splunk detections in the corpus beside Sigma rules: vendor detection per file,
// metadata, techniques, catalog events, indicator positions in the rule files, one indicator row
// across the three vendors (tests/data/query/netsh), queries that cannot be read, deprecated and
// non-rule files, `sigmawb indicators`; and the acceptance figures on ../shared when it is there.
#include "corpus/corpus.h"
#include "corpus/vendorrule.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <map>
#include <set>

using namespace sigma;

namespace {

std::string fixture(const char* relative)
{
    return sigmatest::dataPath(QStringLiteral("query/") + QString::fromUtf8(relative)).toStdString();
}

const CorpusRule* ruleById(const Corpus& corpus, const std::string& id)
{
    for (const auto& r : corpus.rules())
        if (r.id == id)
            return &r;
    return nullptr;
}

const Indicator* indicatorOf(const CorpusRule& rule, const std::string& writtenField)
{
    for (const auto& i : rule.indicators)
        if (i.writtenField == writtenField)
            return &i;
    return nullptr;
}

QString eventKeys(const CorpusRule& r)
{
    QStringList out;
    for (const auto& e : r.events)
        out.append(QString::fromStdString(e.shortProvider()) + QLatin1Char('/') + QString::number(e.eventId));
    return out.join(QLatin1Char(','));
}

QString techniques(const CorpusRule& r)
{
    QStringList out;
    for (const auto& t : r.techniques)
        out.append(QString::fromStdString(t));
    return out.join(QLatin1Char(','));
}

} // namespace

class TestVendorCorpus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void detectsTheVendorOfAFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addRow("sigma rule") << "r.yml"
                                    << "title: x\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: 1\n"
                                    << int(RuleFileKind::Sigma);
        QTest::addRow("sigma correlation") << "c.yml"
                                           << "title: c\ncorrelation:\n  type: event_count\n"
                                           << int(RuleFileKind::Sigma);
        QTest::addRow("sigma rule with a search field") << "s.yml"
                                                        << "title: x\nsearch: y\ndetection:\n  a: 1\n"
                                                        << int(RuleFileKind::Sigma);
        QTest::addRow("splunk detection") << "d.yml"
                                          << "name: x\nid: 1\nsearch: '| tstats count'\n"
                                          << int(RuleFileKind::Splunk);
        QTest::addRow("splunk macro") << "m.yml"
                                      << "definition: index=x\nname: m\n"
                                      << int(RuleFileKind::SplunkMacro);
        QTest::addRow("splunk data source") << "ds.yml"
                                            << "name: Sysmon EventID 1\nsource: x\n"
                                            << int(RuleFileKind::NotARule);
        QTest::addRow("elastic rule") << "e.toml"
                                      << "[metadata]\nx = 1\n\n[rule]\nname = \"e\"\n"
                                      << int(RuleFileKind::Elastic);
        QTest::addRow("other toml") << "pyproject.toml"
                                    << "[project]\nname = \"x\"\n"
                                    << int(RuleFileKind::NotARule);
        QTest::addRow("nested key is not top level") << "n.yml"
                                                     << "name: x\ntags:\n  search: y\n"
                                                     << int(RuleFileKind::NotARule);
        QTest::addRow("yaml without name or title is read as sigma") << "x.yml"
                                                                     << "foo: bar\n"
                                                                     << int(RuleFileKind::Sigma);
    }
    void detectsTheVendorOfAFile()
    {
        QFETCH(QString, name);
        QFETCH(QString, text);
        QFETCH(int, kind);
        QCOMPARE(int(detectRuleFile(name.toStdString(), text.toStdString())), kind);
    }

    /// The acceptance case: Sigma's Image|endswith '\netsh.exe', Elastic's process.name : "netsh.exe"
    /// and Splunk's Processes.process_name=netsh.exe (through the process_netsh macro) are one
    /// indicator row with reach 3.
    void threeVendorsShareOneIndicatorRow()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("netsh")));
        QVERIFY2(corpus.diagnostics().empty(),
                 corpus.diagnostics().empty() ? "" : corpus.diagnostics()[0].format().c_str());
        QCOMPARE(corpus.rules().size(), std::size_t(3));
        std::set<std::string> vendors;
        std::string key;
        for (const auto& r : corpus.rules()) {
            vendors.insert(r.vendor);
            const Indicator* name = nullptr;
            for (const auto& i : r.indicators)
                if (i.field == "Image" && i.kind == IndicatorKind::EndsWith)
                    name = &i;
            QVERIFY2(name, r.file.c_str());
            QCOMPARE(name->value, std::string("\\netsh.exe"));
            QVERIFY(!name->excluded);
            if (key.empty())
                key = name->key();
            QCOMPARE(name->key(), key);
        }
        QCOMPARE(vendors, (std::set<std::string>{"Elastic", "Sigma", "Splunk"}));
        QCOMPARE(corpus.reach(key), std::size_t(3));
        // the native fields and values are kept
        const CorpusRule* elastic = ruleById(corpus, "0c9a7d51-2f1e-4b7a-8f53-6c2d1e0b9a11");
        QVERIFY(elastic);
        QCOMPARE(indicatorOf(*elastic, "process.name")->writtenValue, std::string("netsh.exe"));
        const CorpusRule* splunk = ruleById(corpus, "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
        QVERIFY(splunk);
        QCOMPARE(indicatorOf(*splunk, "Processes.process_name")->writtenValue, std::string("netsh.exe"));
        // all three under the sub-technique, the Elastic rule also under its parent technique
        QCOMPARE(corpus.rulesForTechnique("T1562.004").size(), std::size_t(3));
        QCOMPARE(corpus.rulesForTechnique("T1562").size(), std::size_t(1));
        // every row's reach is a recount of the rules holding its key
        for (const auto& r : corpus.rules())
            for (const auto& i : r.indicators) {
                std::size_t n = 0;
                for (const auto& other : corpus.rules())
                    n += std::any_of(other.indicators.begin(), other.indicators.end(),
                                     [&](const Indicator& o) { return o.key() == i.key(); });
                QCOMPARE(corpus.reach(i), n);
            }
    }

    void elasticRuleMetadata()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("netsh/elastic")));
        QCOMPARE(corpus.rules().size(), std::size_t(1));
        const CorpusRule& r = corpus.rules().front();
        QCOMPARE(r.vendor, std::string("Elastic"));
        QCOMPARE(r.title, std::string("Netsh Firewall Rule Added"));
        QCOMPARE(r.level, std::string("medium"));
        QCOMPARE(r.status, std::string("production"));
        QCOMPARE(r.language, std::string("eql"));
        QCOMPARE(r.ruleType, std::string("eql"));
        QCOMPARE(techniques(r), QStringLiteral("T1562,T1562.004"));
        QCOMPARE(r.logsource.category, std::string("process_creation"));
        QCOMPARE(r.logsource.product, std::string("windows"));
        QCOMPARE(eventKeys(r), QStringLiteral("Security-Auditing/4688,Sysmon/1"));
        QVERIFY(r.queryAnalysed);
        QVERIFY(r.vendorRule);
        QCOMPARE(r.vendorRule->index.size(), std::size_t(2));
        // the query's position in the file: line 17 (the line after query = ''')
        QCOMPARE(r.vendorRule->querySpan.begin, (SourcePos{18, 1}));
        const Indicator* args = indicatorOf(r, "process.args");
        QVERIFY(args);
        QCOMPARE(args->span.begin, (SourcePos{20, 19}));
        QCOMPARE(args->span.end, (SourcePos{20, 29}));
        QCOMPARE(args->fieldSpan.begin, (SourcePos{20, 3}));
    }

    void splunkRuleMetadata()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("netsh/splunk")));
        QCOMPARE(corpus.rules().size(), std::size_t(1));
        QCOMPARE(corpus.filesSkipped(), std::size_t(4)); // the macros
        const CorpusRule& r = corpus.rules().front();
        QCOMPARE(r.vendor, std::string("Splunk"));
        QCOMPARE(r.language, std::string("spl"));
        QCOMPARE(r.ruleType, std::string("TTP"));
        QCOMPARE(techniques(r), QStringLiteral("T1562.004"));
        QCOMPARE(r.logsource.category, std::string("process_creation"));
        QCOMPARE(eventKeys(r), QStringLiteral("Security-Auditing/4688,Sysmon/1"));
        QCOMPARE(r.vendorRule->parsed.sources, (std::vector<std::string>{"datamodel=Endpoint.Processes"}));
        // the macro's predicates stand at the macro call, on the search's second line
        const Indicator* name = indicatorOf(r, "Processes.process_name");
        QVERIFY(name);
        QCOMPARE(name->span.begin, (SourcePos{13, 43}));
        QCOMPARE(name->span.end, (SourcePos{13, 58}));
        const Indicator* cmd = indicatorOf(r, "Processes.process");
        QVERIFY(cmd);
        QCOMPARE(cmd->span.begin, (SourcePos{13, 77}));
        QCOMPARE(cmd->kind, IndicatorKind::Contains);
        QCOMPARE(cmd->value, std::string("firewall"));
    }

    /// A basic multi-line TOML string: escapes and a line-ending backslash between the query's
    /// bytes and the file's.
    void positionsThroughTomlEscapes()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("vendors/elastic/basic_string_query.toml")));
        QCOMPARE(corpus.rules().size(), std::size_t(1));
        const CorpusRule& r = corpus.rules().front();
        QVERIFY(r.queryAnalysed);
        const Indicator* name = indicatorOf(r, "process.name");
        QVERIFY(name);
        QCOMPARE(name->span.begin, (SourcePos{15, 16}));
        const Indicator* path = indicatorOf(r, "file.path");
        QVERIFY(path);
        QCOMPARE(path->writtenValue, std::string("C:\\Temp\\A.exe"));
        QCOMPARE(path->span.begin, (SourcePos{16, 13}));
        QCOMPARE(path->span.end, (SourcePos{16, 35}));
        QCOMPARE(techniques(r), QStringLiteral("T1059,T1059.003"));
        QCOMPARE(eventKeys(r), QStringLiteral("Sysmon/1"));
    }

    /// A single-quoted YAML search folded over lines, with '' for a quote.
    void positionsThroughYamlFolding()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("vendors/splunk")));
        QCOMPARE(corpus.rules().size(), std::size_t(1)); // deprecated search, data source, macro skipped
        QCOMPARE(corpus.filesSkipped(), std::size_t(3));
        const CorpusRule& r = corpus.rules().front();
        QCOMPARE(r.title, std::string("Folded Search"));
        const Indicator* port = indicatorOf(r, "DestinationPort");
        QVERIFY(port);
        QCOMPARE(port->span.begin, (SourcePos{12, 23}));
        const Indicator* initiated = indicatorOf(r, "Initiated");
        QVERIFY(initiated);
        // '' is a quote in YAML; single quotes are literal in a search (only eval quotes names with them)
        QCOMPARE(initiated->writtenValue, std::string("'true'"));
        QCOMPARE(initiated->span.begin, (SourcePos{12, 44}));
        QCOMPARE(initiated->span.end, (SourcePos{12, 52}));
        QCOMPARE(eventKeys(r), QStringLiteral("Sysmon/3"));
        QCOMPARE(r.logsource.category, std::string("network_connection"));
    }

    /// A query that cannot be read keeps its rule (listed, on its technique), without indicators,
    /// with a warning at file:line:col; a file that is not TOML is left out with its line.
    void unreadableQueriesAndFiles()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("vendors/elastic")));
        QCOMPARE(corpus.rules().size(), std::size_t(3)); // basic string, broken query, ML rule
        QCOMPARE(corpus.filesSkipped(), std::size_t(1)); // _deprecated
        QCOMPARE(corpus.brokenFiles().size(), std::size_t(1));
        QVERIFY(corpus.brokenFiles().front().ends_with("broken_toml.toml"));
        const CorpusRule* broken = ruleById(corpus, "b1a2c3d4-0000-4000-8000-000000000002");
        QVERIFY(broken);
        QVERIFY(!broken->queryAnalysed);
        QVERIFY(broken->indicators.empty());
        QCOMPARE(techniques(*broken), QStringLiteral("T1059"));
        QVERIFY(!corpus.rulesForTechnique("T1059").empty());
        bool warned = false, toml = false;
        for (const auto& d : corpus.diagnostics()) {
            if (d.code == "query-not-analysed") {
                warned = true;
                QCOMPARE(d.severity, Severity::Warning);
                QVERIFY(d.file.ends_with("broken_query.toml"));
                QCOMPARE(d.span.begin, (SourcePos{16, 1})); // the end of the query: ")" expected
            }
            if (d.code == "toml-syntax") {
                toml = true;
                QVERIFY(d.file.ends_with("broken_toml.toml"));
                QCOMPARE(d.span.begin.line, 5);
            }
        }
        QVERIFY(warned);
        QVERIFY(toml);
        const CorpusRule* ml = ruleById(corpus, "b1a2c3d4-0000-4000-8000-000000000003");
        QVERIFY(ml);
        QVERIFY(!ml->queryAnalysed);
        QVERIFY(ml->language.empty());
        QCOMPARE(ml->ruleType, std::string("machine_learning"));
    }

    void deprecatedRulesOnRequest()
    {
        LoadOptions options;
        options.includeDeprecated = true;
        const Corpus elastic = Corpus::load(std::filesystem::path(fixture("vendors/elastic")), options);
        QVERIFY(ruleById(elastic, "b1a2c3d4-0000-4000-8000-000000000004"));
        const Corpus splunk = Corpus::load(std::filesystem::path(fixture("vendors/splunk")), options);
        QCOMPARE(splunk.rules().size(), std::size_t(2));
    }

    void manyRootsInOneCorpus()
    {
        const Corpus corpus =
            Corpus::load(std::vector<std::filesystem::path>{fixture("netsh/sigma"), fixture("netsh/elastic")});
        QCOMPARE(corpus.rules().size(), std::size_t(2));
        QCOMPARE(corpus.roots().size(), std::size_t(2));
        for (const auto& r : corpus.rules())
            QVERIFY(!r.relativePath.empty() && r.relativePath.find('/') == std::string::npos);
    }

    void vendorDetectionOff()
    {
        LoadOptions options;
        options.detectVendors = false;
        options.extensions = {".yml"};
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("netsh")), options);
        QCOMPARE(corpus.rules().size(), std::size_t(1)); // the Sigma rule; the Splunk files do not parse as Sigma
        QCOMPARE(corpus.rules().front().vendor, std::string("Sigma"));
    }

    void indicatorsCommand()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("indicators"), QStringLiteral("--corpus"),
                                              QString::fromStdString(fixture("netsh")),
                                              QString::fromStdString(fixture("vendors/elastic"))});
        QCOMPARE(r.exitCode, 3); // the broken TOML file was left out
        QVERIFY(r.err.contains("broken_toml.toml:5"));
        int netshRows = 0, unparsed = 0;
        std::set<std::string> vendors;
        for (const QByteArray& line : r.out.split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject j = QJsonDocument::fromJson(line).object();
            QVERIFY2(!j.isEmpty(), line.constData());
            if (j.contains(QStringLiteral("parsed"))) {
                ++unparsed;
                QCOMPARE(j.value(QStringLiteral("parsed")).toBool(true), false);
                QCOMPARE(j.value(QStringLiteral("vendor")).toString(), QStringLiteral("elastic"));
                QCOMPARE(j.value(QStringLiteral("language")).toString(), QStringLiteral("kuery"));
                QVERIFY(j.value(QStringLiteral("error")).toString().contains(QStringLiteral("broken_query.toml:16:1")));
                QCOMPARE(j.keys().size(), 6);
                continue;
            }
            QCOMPARE(j.keys().size(), 12);
            if (j.value(QStringLiteral("canonical")).toString() == QStringLiteral("Image") &&
                j.value(QStringLiteral("kind")).toString() == QStringLiteral("ends_with") &&
                j.value(QStringLiteral("canonical_value")).toString().endsWith(QStringLiteral("netsh.exe"))) {
                ++netshRows;
                vendors.insert(j.value(QStringLiteral("vendor")).toString().toStdString());
                QCOMPARE(j.value(QStringLiteral("canonical_value")).toString(), QStringLiteral("\\netsh.exe"));
                QCOMPARE(j.value(QStringLiteral("use")).toString(), QStringLiteral("looks_for"));
                if (j.value(QStringLiteral("vendor")).toString() == QStringLiteral("elastic")) {
                    QCOMPARE(j.value(QStringLiteral("field")).toString(), QStringLiteral("process.name"));
                    QCOMPARE(j.value(QStringLiteral("value")).toString(), QStringLiteral("netsh.exe"));
                    QCOMPARE(j.value(QStringLiteral("language")).toString(), QStringLiteral("eql"));
                    QCOMPARE(j.value(QStringLiteral("line")).toInt(), 19);
                    QCOMPARE(j.value(QStringLiteral("column")).toInt(), 18);
                }
                if (j.value(QStringLiteral("vendor")).toString() == QStringLiteral("sigma")) {
                    QCOMPARE(j.value(QStringLiteral("field")).toString(), QStringLiteral("Image"));
                    QCOMPARE(j.value(QStringLiteral("value")).toString(), QStringLiteral("\\netsh.exe"));
                    QCOMPARE(j.value(QStringLiteral("language")).toString(), QStringLiteral("sigma"));
                }
            }
        }
        QCOMPARE(netshRows, 3);
        QCOMPARE(vendors, (std::set<std::string>{"elastic", "sigma", "splunk"}));
        QCOMPARE(unparsed, 1);

        const auto only =
            sigmatest::runSigmawb({QStringLiteral("indicators"), QStringLiteral("--vendor"), QStringLiteral("splunk"),
                                   QStringLiteral("--corpus"), QString::fromStdString(fixture("netsh"))});
        QCOMPARE(only.exitCode, 0);
        const auto lines = only.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4); // process_name, original_file_name, two process values
        for (const auto& line : lines)
            QVERIFY(line.startsWith("{\"vendor\":\"splunk\""));
        const auto bad =
            sigmatest::runSigmawb({QStringLiteral("indicators"), QStringLiteral("--vendor"), QStringLiteral("qradar"),
                                   QStringLiteral("--corpus"), QString::fromStdString(fixture("netsh"))});
        QCOMPARE(bad.exitCode, 2);
    }

    /// On the reference corpora: how many queries are read, with the failures by cause.
    void readsTheReferenceCorpora()
    {
        SIGMA_REQUIRE_SHARED("corpus/elastic");
        const std::filesystem::path shared = sharedPathValue.toStdString();
        const Corpus elastic = Corpus::load(shared);
        std::map<std::string, std::pair<std::size_t, std::size_t>> byLanguage; // read, total
        std::map<std::string, std::size_t> causes;
        for (const auto& r : elastic.rules()) {
            if (!r.vendorRule || !r.vendorRule->hasQuery)
                continue;
            auto& [read, total] = byLanguage[r.language];
            ++total;
            read += r.queryAnalysed;
            if (!r.queryAnalysed)
                ++causes[r.language + ": " + r.vendorRule->parsed.diagnostics.front().message];
        }
        const QString splunkDir = sigmatest::sharedPath(QStringLiteral("corpus/splunk/detections"));
        const std::filesystem::path splunkRoot = splunkDir.toStdString();
        const Corpus splunk =
            Corpus::load(std::vector<std::filesystem::path>{splunkRoot / "endpoint", splunkRoot / "network"});
        for (const auto& r : splunk.rules()) {
            auto& [read, total] = byLanguage["spl (endpoint, network)"];
            ++total;
            read += r.queryAnalysed;
            if (!r.queryAnalysed)
                ++causes["spl: " + r.vendorRule->parsed.diagnostics.front().message];
        }
        for (const auto& [language, counts] : byLanguage)
            qInfo("%s: %zu of %zu queries read (%.1f%%)", language.c_str(), counts.first, counts.second,
                  100.0 * double(counts.first) / double(counts.second));
        for (const auto& [cause, n] : causes)
            qInfo("  not read: %zu x %s", n, cause.c_str());
        auto rate = [&](const std::string& l) {
            const auto& c = byLanguage[l];
            return c.second ? double(c.first) / double(c.second) : 0.0;
        };
        QVERIFY(byLanguage["eql"].second > 900); // rules/ and rules_building_block/, _deprecated/ left out
        QVERIFY(byLanguage["kuery"].second > 650);
        QVERIFY(byLanguage["esql"].second > 150);
        QVERIFY(byLanguage["spl (endpoint, network)"].second > 1100);
        QVERIFY(rate("kuery") >= 0.99);
        QVERIFY(rate("eql") >= 0.99);
        QVERIFY(rate("esql") >= 0.95);
        QVERIFY(rate("spl (endpoint, network)") >= 0.95);
        // the macros were found beside the detections folder: no tstats rule lost its macros
        std::size_t missingSummaries = 0;
        for (const auto& r : splunk.rules())
            for (const auto& n : r.vendorRule->parsed.notes)
                missingSummaries += n.text == "macro not found: security_content_summariesonly";
        QCOMPARE(missingSummaries, std::size_t(0));
        // reach is a recount over every vendor's rules
        std::map<std::string, std::size_t> recount;
        for (const auto* corpus : {&elastic, &splunk})
            for (const auto& r : corpus->rules()) {
                std::set<std::string> keys;
                for (const auto& i : r.indicators)
                    keys.insert(i.key());
                for (const auto& k : keys)
                    ++recount[k];
            }
        for (const auto& [key, n] : recount)
            QCOMPARE(elastic.reach(key) + splunk.reach(key), n);
    }
};

QTEST_GUILESS_MAIN(TestVendorCorpus)
#include "tst_vendor_corpus.moc"
