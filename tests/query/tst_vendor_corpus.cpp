// Elastic and Splunk detections in the corpus beside Sigma rules: vendor detection per file,
// metadata, techniques, catalog events, indicator positions in the rule files, one indicator row
// across the three vendors (tests/data/query/netsh), queries that cannot be read, deprecated and
// non-rule files, `sigmawb indicators`; and the acceptance figures on ../shared when it is there.
#include "corpus/corpus.h"
#include "corpus/technique.h"
#include "corpus/vendorrule.h"
#include "testsupport.h"

#include <QJsonArray>
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

    /// The technique page over the three vendors' folders given as separate roots: rules counted
    /// per vendor, one field row with each vendor's native names beside the canonical one, and the
    /// indicator row's reach split by vendor; the same in `sigmawb coverage --format json`.
    void techniquePageByVendor()
    {
        const std::vector<std::filesystem::path> roots{fixture("netsh/sigma"), fixture("netsh/elastic"),
                                                       fixture("netsh/splunk")};
        const Corpus corpus = Corpus::load(roots);
        QCOMPARE(corpus.rules().size(), std::size_t(3));
        const TechniquePage page = buildTechniquePage(corpus, "T1562.004");
        QCOMPARE(page.rulesByVendor, (std::map<std::string, std::size_t>{{"Elastic", 1}, {"Sigma", 1}, {"Splunk", 1}}));
        const TechniquePage::FieldRow* image = nullptr;
        for (const auto& f : page.fields)
            if (f.field == "Image")
                image = &f;
        QVERIFY(image);
        QCOMPARE(image->rules, std::size_t(3));
        QCOMPARE(image->rulesByVendor.size(), std::size_t(3));
        QVERIFY(image->nativeNames.at("Elastic").count("process.name"));
        QVERIFY(image->nativeNames.at("Splunk").count("Processes.process_name"));
        QVERIFY(!image->nativeNames.count("Sigma")); // Sigma writes the canonical name
        const TechniquePage::IndicatorRow* netsh = nullptr;
        for (const auto& i : page.indicators)
            if (i.field == "Image" && i.kind == IndicatorKind::EndsWith && i.value == "\\netsh.exe")
                netsh = &i;
        QVERIFY(netsh);
        QCOMPARE(netsh->corpusReach, std::size_t(3));
        QCOMPARE(netsh->reachByVendor,
                 (std::map<std::string, std::size_t>{{"Elastic", 1}, {"Sigma", 1}, {"Splunk", 1}}));
        // every row's split adds up to its reach
        for (const auto& i : page.indicators) {
            std::size_t sum = 0;
            for (const auto& [vendor, n] : i.reachByVendor)
                sum += n;
            QCOMPARE(sum, i.corpusReach);
        }

        const auto r =
            sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"),
                                   QString::fromStdString(roots[0].string()), QString::fromStdString(roots[1].string()),
                                   QString::fromStdString(roots[2].string()), QStringLiteral("--technique"),
                                   QStringLiteral("T1562.004"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j.value(QStringLiteral("rules_by_vendor")).toObject().value(QStringLiteral("Splunk")).toInt(), 1);
        bool found = false;
        for (const auto& v : j.value(QStringLiteral("indicators")).toArray()) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("value")).toString() != QStringLiteral("\\netsh.exe"))
                continue;
            found = true;
            QCOMPARE(o.value(QStringLiteral("corpus_reach")).toInt(), 3);
            QCOMPARE(o.value(QStringLiteral("reach_by_vendor")).toObject().value(QStringLiteral("Elastic")).toInt(), 1);
        }
        QVERIFY(found);
        const auto md = sigmatest::runSigmawb(
            {QStringLiteral("coverage"), QStringLiteral("--corpus"), QString::fromStdString(roots[0].string()),
             QString::fromStdString(roots[1].string()), QString::fromStdString(roots[2].string()),
             QStringLiteral("--technique"), QStringLiteral("T1562.004")});
        QVERIFY2(md.exitCode == 0, md.err.constData());
        QVERIFY2(md.out.contains("Elastic: process.name"), md.out.constData());
        QVERIFY(md.out.contains("Elastic 1 · Sigma 1 · Splunk 1"));

        // reach takes --corpus once per folder (a rule file follows)
        const auto reach = sigmatest::runSigmawb(
            {QStringLiteral("reach"), QStringLiteral("--corpus"), QString::fromStdString(roots[1].string()),
             QStringLiteral("--corpus"), QString::fromStdString(roots[2].string()), QStringLiteral("--format"),
             QStringLiteral("json"),
             QString::fromStdString(fixture("netsh/sigma/proc_creation_win_netsh_fw_rule.yml"))});
        QVERIFY2(reach.exitCode == 0, reach.err.constData());
        QVERIFY2(reach.out.contains("\"corpus_reach\": 2") || reach.out.contains("\"corpus_reach\":2"),
                 reach.out.constData());
        const auto missing = sigmatest::runSigmawb(
            {QStringLiteral("coverage"), QStringLiteral("--corpus"), QString::fromStdString(roots[0].string()),
             QStringLiteral("/nonexistent/corpus"), QStringLiteral("--technique"), QStringLiteral("T1562.004")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("/nonexistent/corpus: no such corpus folder"));
    }

    /// `sigmawb rule`: the page of the Elastic rule by id (predicates with their line:column in the
    /// TOML file, indicators with reach split by vendor), and of a Sigma rule file outside the corpus.
    void rulePageOfAnyVendor()
    {
        const QString netsh = QString::fromStdString(fixture("netsh"));
        const auto r = sigmatest::runSigmawb({QStringLiteral("rule"), QStringLiteral("--corpus"), netsh,
                                              QStringLiteral("0C9A7D51-2f1e-4b7a-8f53-6c2d1e0b9a11"),
                                              QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j.value(QStringLiteral("vendor")).toString(), QStringLiteral("Elastic"));
        QCOMPARE(j.value(QStringLiteral("language")).toString(), QStringLiteral("eql"));
        QVERIFY(j.value(QStringLiteral("query")).toString().contains(QStringLiteral("process.name : \"netsh.exe\"")));
        // the predicate on process.name sits on line 19, column 3 of the TOML file
        bool found = false;
        for (const auto& v : j.value(QStringLiteral("predicates")).toArray()) {
            const QJsonObject p = v.toObject();
            if (!p.value(QStringLiteral("text")).toString().startsWith(QStringLiteral("process.name :")))
                continue;
            found = true;
            QCOMPARE(p.value(QStringLiteral("use")).toString(), QStringLiteral("looks_for"));
            QCOMPARE(p.value(QStringLiteral("span")).toObject().value(QStringLiteral("line")).toInt(), 19);
            QCOMPARE(p.value(QStringLiteral("span")).toObject().value(QStringLiteral("column")).toInt(), 3);
        }
        QVERIFY2(found, r.out.constData());
        found = false;
        for (const auto& v : j.value(QStringLiteral("indicators")).toArray()) {
            const QJsonObject i = v.toObject();
            if (i.value(QStringLiteral("canonical_value")).toString() != QStringLiteral("\\netsh.exe"))
                continue;
            found = true;
            QCOMPARE(i.value(QStringLiteral("canonical")).toString(), QStringLiteral("Image"));
            QCOMPARE(i.value(QStringLiteral("corpus_reach")).toInt(), 3);
            QCOMPARE(i.value(QStringLiteral("reach_by_vendor")).toObject().size(), 3);
        }
        QVERIFY(found);

        // A Sigma rule file outside the corpus: reach counted against the Elastic and Splunk rules.
        const auto t = sigmatest::runSigmawb(
            {QStringLiteral("rule"), QStringLiteral("--corpus"), QString::fromStdString(fixture("netsh/elastic")),
             QStringLiteral("--corpus"), QString::fromStdString(fixture("netsh/splunk")),
             QString::fromStdString(fixture("netsh/sigma/proc_creation_win_netsh_fw_rule.yml"))});
        QVERIFY2(t.exitCode == 0, t.err.constData());
        QVERIFY2(t.out.contains("vendor: Sigma"), t.out.constData());
        QVERIFY2(t.out.contains("reach 2 (Elastic 1, Splunk 1)"), t.out.constData());

        const auto none = sigmatest::runSigmawb(
            {QStringLiteral("rule"), QStringLiteral("--corpus"), netsh, QStringLiteral("no-such-id")});
        QCOMPARE(none.exitCode, 2);
        QVERIFY(none.err.contains("no-such-id: no rule of the corpus has this id or file"));
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

    /// The acceptance case on the reference corpora: T1090.002 over SigmaHQ, Elastic and Splunk
    /// lists its Elastic rules under their vendor, and every indicator row's reach (and its split
    /// by vendor) equals a naive recount over every rule of the three corpora.
    void t1090_002OverThreeCorpora()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules");
        const QString elasticDir = sigmatest::sharedPath(QStringLiteral("corpus/elastic"));
        const QString splunkDir = sigmatest::sharedPath(QStringLiteral("corpus/splunk"));
        if (elasticDir.isEmpty() || splunkDir.isEmpty())
            QSKIP("../shared/corpus/elastic or splunk is missing");
        const Corpus corpus = Corpus::load(std::vector<std::filesystem::path>{
            sharedPathValue.toStdString(), elasticDir.toStdString(), splunkDir.toStdString()});
        const TechniquePage page = buildTechniquePage(corpus, "T1090.002");
        std::map<std::string, std::size_t> expectedByVendor;
        for (const auto& r : corpus.rules())
            if (std::find(r.techniques.begin(), r.techniques.end(), "T1090.002") != r.techniques.end())
                ++expectedByVendor[r.vendor];
        qInfo("T1090.002: %zu rules (Sigma %zu, Elastic %zu, Splunk %zu), %zu indicator rows", page.rules.size(),
              expectedByVendor["Sigma"], expectedByVendor["Elastic"], expectedByVendor["Splunk"],
              page.indicators.size());
        QVERIFY(expectedByVendor["Elastic"] > 0);
        QCOMPARE(page.rulesByVendor.at("Elastic"), expectedByVendor["Elastic"]);
        for (const auto& r : page.rules)
            if (r.file.find(".toml") != std::string::npos)
                QCOMPARE(r.vendor, std::string("Elastic"));
        for (const auto& row : page.indicators) {
            // the row, recounted over every rule of the three corpora by its (field, kind, value) key
            const std::string& key = row.key;
            QVERIFY(!key.empty());
            std::map<std::string, std::size_t> byVendor;
            std::size_t n = 0;
            for (const auto& r : corpus.rules())
                if (std::any_of(r.indicators.begin(), r.indicators.end(),
                                [&](const Indicator& i) { return i.key() == key; })) {
                    ++n;
                    ++byVendor[r.vendor];
                }
            QCOMPARE(row.corpusReach, n);
            QCOMPARE(row.reachByVendor, byVendor);
        }
    }
};

QTEST_GUILESS_MAIN(TestVendorCorpus)
#include "tst_vendor_corpus.moc"
