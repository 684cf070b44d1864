// Corpus loading, indexes, technique pages, renderers and baseline noise on the fixture corpus
// (tests/data/corpus), and the acceptance figures on the SigmaHQ snapshot when ../shared is there.
#include "corpus/baseline.h"
#include "corpus/corpus.h"
#include "corpus/report.h"
#include "corpus/technique.h"
#include "events/catalog.h"
#include "events/reader.h"
#include "rule/parser.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QXmlStreamReader>

#include <filesystem>
#include <set>
#include <tuple>

using namespace sigma;

namespace {

std::string fixture(const char* relative)
{
    return sigmatest::dataPath(QStringLiteral("corpus/") + QString::fromUtf8(relative)).toStdString();
}

const CorpusRule* ruleByFile(const Corpus& corpus, const std::string& relative)
{
    for (const auto& r : corpus.rules())
        if (r.relativePath == relative)
            return &r;
    return nullptr;
}

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Every rule's indicators as plain (field, kind, value) text, from parsing each file again.
using PlainIndicator = std::tuple<std::string, std::string, std::string, bool>;
std::vector<std::vector<PlainIndicator>> parseAllIndicators(const std::vector<std::string>& files)
{
    std::vector<std::vector<PlainIndicator>> out;
    for (const auto& f : files) {
        ParsedFile parsed = parseRuleFile(f);
        if (hasErrors(parsed.diagnostics))
            continue;
        for (const auto& doc : parsed.documents) {
            const Rule* rule = doc.rule();
            if (!rule)
                continue;
            IndicatorOptions io;
            io.scope.category = rule->logsource.category;
            for (const auto& e : ruleCatalogEvents(*rule))
                io.scope.events.push_back(e.key());
            auto& v = out.emplace_back();
            for (const auto& ind : extractIndicators(*rule, io))
                v.emplace_back(ind.field, indicatorKindName(ind.kind), ind.value, ind.cased);
        }
    }
    return out;
}

/// Independent corpus reach: a linear scan comparing (field, kind, value) spelled out here, not
/// through Indicator::key() or the index.
std::size_t naiveReach(const std::vector<std::vector<PlainIndicator>>& rules, const std::string& field,
                       const std::string& kind, const std::string& value)
{
    std::size_t n = 0;
    for (const auto& rule : rules) {
        bool found = false;
        for (const auto& [f, k, v, cased] : rule)
            found = found || (lower(f) == lower(field) && k == kind && (cased ? v == value : lower(v) == lower(value)));
        n += found;
    }
    return n;
}

} // namespace

class TestCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadFixture();
    void normalisedReach_data();
    void normalisedReach();
    void ruleEvents();
    void channelOnlyLogSources();
    void techniquePage();
    void renderers();
    void navigator();
    void brokenRules();
    void progressAndCancel();
    void baseline_data();
    void baseline();
    void baselineSeesTranslatedEvents();
    void baselineLargeSetInParallel();
    void sigmahqT1090002();
};

void TestCorpus::loadFixture()
{
    const Corpus corpus = Corpus::load(fixture("rules"));
    QVERIFY2(corpus.diagnostics().empty(),
             corpus.diagnostics().empty() ? "" : corpus.diagnostics().front().format().c_str());
    QCOMPARE(corpus.filesScanned(), std::size_t(7)); // notes.txt is not a rule file
    QCOMPARE(corpus.rules().size(), std::size_t(7));
    QVERIFY(corpus.brokenFiles().empty());
    QVERIFY(!corpus.cancelled());
    const CorpusRule* a = ruleByFile(corpus, "security/loopback_rdp_wfp.yml");
    QVERIFY(a);
    QCOMPARE(a->techniques, (std::vector<std::string>{"T1090.001", "T1090.002"}));
    QCOMPARE(a->vendor, std::string("Sigma"));
    QCOMPARE(a->indicators.size(), std::size_t(9));
    QCOMPARE(corpus.rulesForTechnique("t1090.002").size(), std::size_t(2));
    QCOMPARE(corpus.rulesForTechnique("T1090").size(), std::size_t(0));
    QCOMPARE(corpus.rulesForTechnique("T1090", true).size(), std::size_t(3));
    const auto counts = corpus.techniqueCounts();
    QCOMPARE(counts.at("T1046"), std::size_t(2));
    QCOMPARE(counts.at("T1003.001"), std::size_t(1));
    QCOMPARE(counts.at("T1086"), std::size_t(1));
    QCOMPARE(counts.size(), std::size_t(5));
}

void TestCorpus::normalisedReach_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("reach");
    QTest::addRow("Initiated") << "Initiated"
                               << "eq"
                               << "true" << 2;
    QTest::addRow("hostname") << "DestinationHostname"
                              << "ends_with"
                              << ".tunnel.example" << 1;
    QTest::addRow("DestPort and DestinationPort") << "DestinationPort"
                                                  << "eq"
                                                  << "3389" << 2;
    QTest::addRow("SourcePort") << "SourcePort"
                                << "eq"
                                << "3389" << 1;
    QTest::addRow("DestAddress and dest_ip") << "DestinationIp"
                                             << "eq"
                                             << "::1" << 2;
    QTest::addRow("DestAddress wildcard") << "DestinationIp"
                                          << "starts_with"
                                          << "127." << 1;
    QTest::addRow("SourceAddress and src_ip") << "SourceIp"
                                              << "starts_with"
                                              << "127." << 2;
    QTest::addRow("Application and Image wildcard") << "Image"
                                                    << "ends_with"
                                                    << "\\netscan.exe" << 2;
    QTest::addRow("Application and process.name") << "Image"
                                                  << "ends_with"
                                                  << "\\NETSCAN64.exe" << 2;
    QTest::addRow("keyword") << ""
                             << "keyword"
                             << "sekurlsa" << 1;
    QTest::addRow("base64offset") << "CommandLine"
                                  << "contains"
                                  << "IEX" << 1;
    QTest::addRow("absent") << "CommandLine"
                            << "contains"
                            << "nothing" << 0;
}

void TestCorpus::normalisedReach()
{
    QFETCH(QString, field);
    QFETCH(QString, kind);
    QFETCH(QString, value);
    QFETCH(int, reach);
    static const Corpus corpus = Corpus::load(fixture("rules"));
    Indicator ind;
    ind.field = field.toStdString();
    QVERIFY(indicatorKindFromName(kind.toStdString(), &ind.kind));
    ind.value = value.toStdString();
    QCOMPARE(corpus.reach(ind), std::size_t(reach));
    if (reach) {
        const IndicatorStats* stats = corpus.indicatorStats(ind.key());
        QVERIFY(stats);
        QCOMPARE(stats->rules.size(), std::size_t(reach));
    }
}

void TestCorpus::ruleEvents()
{
    const Corpus corpus = Corpus::load(fixture("rules"));
    const CorpusRule* a = ruleByFile(corpus, "security/loopback_rdp_wfp.yml");
    QVERIFY(a);
    QCOMPARE(a->events.size(), std::size_t(1));
    QCOMPARE(a->events[0].provider, std::string("Microsoft-Windows-Security-Auditing"));
    QCOMPARE(a->events[0].eventId, 5156u);
    QCOMPARE(a->events[0].shortProvider(), std::string("Security-Auditing"));
    QVERIFY(a->events[0].title.find("Filtering Platform") != std::string::npos);
    const CorpusRule* b = ruleByFile(corpus, "network/tunnel_domain.yml");
    QVERIFY(b);
    QCOMPARE(b->events.size(), std::size_t(1));
    QCOMPARE(b->events[0].shortProvider(), std::string("Sysmon"));
    QCOMPARE(b->events[0].eventId, 3u);
    const CatalogEntry* sysmon3 = EventCatalog::find("Microsoft-Windows-Sysmon", 3);
    QVERIFY(sysmon3 && !sysmon3->title.empty());
    QCOMPARE(b->events[0].title, sysmon3->title);
    // process_creation covers Sysmon 1 and (translated) Security 4688.
    const CorpusRule* e = ruleByFile(corpus, "process/scanner_ecs.yml");
    QVERIFY(e);
    std::set<std::string> keys;
    for (const auto& ev : e->events)
        keys.insert(ev.key());
    QVERIFY(keys.count("Microsoft-Windows-Sysmon/1"));
}

void TestCorpus::channelOnlyLogSources()
{
    // A service that maps to several channels of one provider (AppLocker's four logs) and EventIDs
    // the catalog does not know: one event per provider and EventID, the provider from the channel.
    const ParsedFile parsed = parseRuleText(R"(title: AppLocker Blocked Script
id: 6a0c2b7e-1f51-4a8e-9d4e-000000000011
logsource:
    product: windows
    service: applocker
detection:
    selection:
        EventID:
            - 8004
            - 8007
    condition: selection
)",
                                            "applocker.yml");
    QVERIFY(parsed.firstRule());
    const auto events = ruleCatalogEvents(*parsed.firstRule());
    QCOMPARE(events.size(), std::size_t(2));
    QCOMPARE(events[0].provider, std::string("Microsoft-Windows-AppLocker"));
    QCOMPARE(events[0].eventId, 8004u);
    QCOMPARE(events[1].eventId, 8007u);

    // Explicit EventIDs under `service: security`, one of them only in a filter: only the one the
    // rule looks for is covered.
    const ParsedFile sec = parseRuleText(R"(title: Security Selection
id: 6a0c2b7e-1f51-4a8e-9d4e-000000000012
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4688
    filter:
        EventID: 4689
    condition: selection and not filter
)",
                                         "sec.yml");
    QVERIFY(sec.firstRule());
    const auto secEvents = ruleCatalogEvents(*sec.firstRule());
    QCOMPARE(secEvents.size(), std::size_t(1));
    QCOMPARE(secEvents[0].key(), std::string("Microsoft-Windows-Security-Auditing/4688"));
    QVERIFY(!secEvents[0].title.empty());
}

void TestCorpus::techniquePage()
{
    const Corpus corpus = Corpus::load(fixture("rules"));
    const TechniquePage page = buildTechniquePage(corpus, "T1090.002");
    QVERIFY(page.known);
    QCOMPARE(page.techniqueName, std::string("Proxy: External Proxy"));
    QCOMPARE(page.events.size(), std::size_t(2));
    QCOMPARE(page.events[0].shortProvider(), std::string("Security-Auditing"));
    QCOMPARE(page.events[0].eventId, 5156u);
    QCOMPARE(page.events[1].shortProvider(), std::string("Sysmon"));
    QCOMPARE(page.events[1].eventId, 3u);
    QCOMPARE(page.rules.size(), std::size_t(2));
    QCOMPARE(page.fields.size(), std::size_t(8));
    QCOMPARE(page.indicators.size(), std::size_t(11));
    QCOMPARE(page.excludedIndicators(), std::size_t(3));

    const auto field = [&](const char* name) -> const TechniquePage::FieldRow* {
        for (const auto& f : page.fields)
            if (f.field == name)
                return &f;
        return nullptr;
    };
    const auto* ip = field("DestinationIp");
    QVERIFY(ip);
    QCOMPARE(ip->rules, std::size_t(1));
    QCOMPARE(ip->how.at("starts_with"), std::size_t(1));
    QCOMPARE(ip->how.at("eq"), std::size_t(1));
    QCOMPARE(ip->samples, (std::vector<std::string>{"127.", "::1"}));
    QVERIFY(field("Image"));
    QVERIFY(!field("Application"));
    QVERIFY(!field("EventID"));

    for (const auto& i : page.indicators) {
        QCOMPARE(i.rulesHere, std::size_t(1));
        if (i.field == "Initiated") {
            QCOMPARE(i.corpusReach, std::size_t(2));
            QVERIFY(!i.specificHere);
            QVERIFY(!i.excluded);
        }
        if (i.field == "DestinationHostname")
            QVERIFY(i.specificHere);
        if (i.field == "FilterOrigin" || i.field == "Image")
            QVERIFY(i.excluded);
    }
    // Looks-for indicators come before exclusions at the same count.
    QVERIFY(!page.indicators.front().excluded);
    QVERIFY(page.indicators.back().excluded);

    const auto& rule = page.rules[0].title == "Connection To A Tunnel Service Domain" ? page.rules[1] : page.rules[0];
    QCOMPARE(rule.file, std::string("security/loopback_rdp_wfp.yml"));
    QCOMPARE(rule.looksFor.size(), std::size_t(6));
    QCOMPARE(rule.excludes.size(), std::size_t(3));
    QCOMPARE(rule.excludes[1], std::string("Image ends_with \\netscan.exe"));

    const TechniquePage parent = buildTechniquePage(corpus, "T1090", {true});
    QCOMPARE(parent.rules.size(), std::size_t(3));
    // Revocations: the successor's page takes the rules tagged with the revoked id.
    const TechniquePage ps = buildTechniquePage(corpus, "T1059.001");
    QCOMPARE(ps.rules.size(), std::size_t(1));
    QCOMPARE(ps.includesRevoked, std::vector<std::string>{"T1086"});
    QVERIFY(ps.revokedBy.empty());
    QCOMPARE(buildTechniquePage(corpus, "T1059.001", {false, 5, false}).rules.size(), std::size_t(0));
    const TechniquePage legacy = buildTechniquePage(corpus, "T1086");
    QCOMPARE(legacy.revokedBy, std::string("T1059.001"));
    QCOMPARE(legacy.rules.size(), std::size_t(1));
    QVERIFY(techniquePageMarkdown(ps).find("Includes the rules tagged with revoked T1086.") != std::string::npos);

    const TechniquePage unknown = buildTechniquePage(corpus, "T9999");
    QVERIFY(!unknown.known);
    QVERIFY(unknown.rules.empty());
}

void TestCorpus::renderers()
{
    const Corpus corpus = Corpus::load(fixture("rules"));
    const TechniquePage page = buildTechniquePage(corpus, "T1090.002");

    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(techniquePageJson(page)), &err);
    QCOMPARE(err.error, QJsonParseError::NoError);
    const QJsonObject j = doc.object();
    QCOMPARE(j.keys(),
             (QStringList{QStringLiteral("events"), QStringLiteral("fields"), QStringLiteral("indicators"),
                          QStringLiteral("rules"), QStringLiteral("rules_by_vendor"), QStringLiteral("technique")}));
    QCOMPARE(j[QStringLiteral("technique")][QStringLiteral("id")].toString(), QStringLiteral("T1090.002"));
    QCOMPARE(j[QStringLiteral("technique")][QStringLiteral("name")].toString(),
             QStringLiteral("Proxy: External Proxy"));
    const QJsonArray events = j[QStringLiteral("events")].toArray();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[1].toObject().keys(),
             (QStringList{QStringLiteral("event_id"), QStringLiteral("provider"), QStringLiteral("title")}));
    QCOMPARE(events[1][QStringLiteral("provider")].toString(), QStringLiteral("Sysmon"));
    QCOMPARE(events[1][QStringLiteral("event_id")].toInt(), 3);
    const QJsonArray fields = j[QStringLiteral("fields")].toArray();
    QCOMPARE(fields.size(), 8);
    QCOMPARE(fields[0].toObject().keys(),
             (QStringList{QStringLiteral("field"), QStringLiteral("how"), QStringLiteral("native_names"),
                          QStringLiteral("rules"), QStringLiteral("rules_by_vendor"), QStringLiteral("samples")}));
    const QJsonArray inds = j[QStringLiteral("indicators")].toArray();
    QCOMPARE(inds.size(), 11);
    QCOMPARE(inds[0].toObject().keys(),
             (QStringList{QStringLiteral("corpus_reach"), QStringLiteral("excluded"), QStringLiteral("field"),
                          QStringLiteral("kind"), QStringLiteral("reach_by_vendor"), QStringLiteral("rules_here"),
                          QStringLiteral("value")}));
    int excluded = 0;
    for (const auto& i : inds)
        excluded += i[QStringLiteral("excluded")].toBool();
    QCOMPARE(excluded, 3);
    const QJsonArray rules = j[QStringLiteral("rules")].toArray();
    QCOMPARE(rules.size(), 2);
    QCOMPARE(rules[0].toObject().keys(), (QStringList{QStringLiteral("file"), QStringLiteral("id"),
                                                      QStringLiteral("title"), QStringLiteral("vendor")}));

    const std::string md = techniquePageMarkdown(page);
    QVERIFY(md.starts_with("# Proxy: External Proxy T1090.002\n"));
    QVERIFY(md.find("| Sysmon | 3 | " + EventCatalog::find("Sysmon", 3)->title + " |") != std::string::npos);
    QVERIFY(md.find("## Fields filtered most (8 distinct)") != std::string::npos);
    QVERIFY(md.find("### Excludes (3)") != std::string::npos);
    QVERIFY(md.find("| `Initiated` | eq | `true` | 1 | 2 |") != std::string::npos);
    // Used only under this technique: its reach is still the number (one definition, issue 20).
    QVERIFY(md.find("| `DestinationHostname` | ends_with | `.tunnel.example` | 1 | 1 |") != std::string::npos);
    QVERIFY(md.find("| `Image` | ends_with | `\\netscan64.exe` | 1 | 2 |") != std::string::npos);
    QVERIFY(md.find("| `DestinationIp` | 1 | Sigma 1 | Sigma: DestAddress | eq 1, starts_with 1 | `127.`, `::1` |") !=
            std::string::npos);

    const std::string html = techniquePageHtml(page);
    QVERIFY(html.starts_with("<!DOCTYPE html>"));
    QVERIFY(html.find("</html>") != std::string::npos);
    QVERIFY(html.find("<script") == std::string::npos);
    QVERIFY(html.find(" src=") == std::string::npos);
    QVERIFY(html.find("<link") == std::string::npos);
    QVERIFY(html.find("\\netscan.exe") != std::string::npos);
    QVERIFY(html.find("Security-Auditing</td><td class=\"n\">5156") != std::string::npos);
    // Well-formed (the page is also valid XML): every element closed, every entity escaped.
    QXmlStreamReader xml(QByteArray::fromStdString(html));
    int elements = 0;
    while (!xml.atEnd())
        elements += xml.readNext() == QXmlStreamReader::StartElement;
    QVERIFY2(!xml.hasError(),
             qPrintable(xml.errorString() + QStringLiteral(" at line ") + QString::number(xml.lineNumber())));
    QVERIFY(elements > 100);
}

void TestCorpus::navigator()
{
    const Corpus corpus = Corpus::load(fixture("rules"));
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(navigatorLayerJson(corpus)));
    const QJsonObject layer = doc.object();
    QCOMPARE(layer[QStringLiteral("versions")][QStringLiteral("layer")].toString(), QStringLiteral("4.5"));
    QCOMPARE(layer[QStringLiteral("domain")].toString(), QStringLiteral("enterprise-attack"));
    QCOMPARE(layer[QStringLiteral("gradient")][QStringLiteral("maxValue")].toInt(), 2);
    QMap<QString, int> scores;
    for (const auto& t : layer[QStringLiteral("techniques")].toArray())
        scores[t[QStringLiteral("techniqueID")].toString()] = t[QStringLiteral("score")].toInt();
    QCOMPARE(scores.size(), 5);
    // The revoked T1086 counts for its successor T1059.001.
    QVERIFY(!scores.contains(QStringLiteral("T1086")));
    QCOMPARE(scores.value(QStringLiteral("T1059.001")), 1);
    QCOMPARE(scores.value(QStringLiteral("T1090.002")), 2);
    QCOMPARE(scores.value(QStringLiteral("T1090.001")), 2);
    QCOMPARE(scores.value(QStringLiteral("T1046")), 2);
    QCOMPARE(scores.value(QStringLiteral("T1003.001")), 1);
}

void TestCorpus::brokenRules()
{
    const Corpus corpus = Corpus::load(fixture("broken"));
    QCOMPARE(corpus.filesScanned(), std::size_t(3));
    QCOMPARE(corpus.rules().size(), std::size_t(1));
    QCOMPARE(corpus.rules()[0].relativePath, std::string("good.yml"));
    QCOMPARE(corpus.brokenFiles().size(), std::size_t(2));
    QCOMPARE(corpus.rulesForTechnique("T1090.002").size(), std::size_t(1));
    bool yaml = false, modifier = false;
    for (const auto& d : corpus.diagnostics()) {
        QCOMPARE(d.severity, Severity::Error);
        QVERIFY2(d.span.begin.line > 0, d.format().c_str());
        if (d.file.ends_with("bad_yaml.yml"))
            yaml = true;
        if (d.file.ends_with("bad_modifier.yml")) {
            modifier = true;
            QCOMPARE(d.span.begin.line, 14);
            QVERIFY2(d.format().find("bad_modifier.yml:14:") != std::string::npos, d.format().c_str());
        }
    }
    QVERIFY(yaml);
    QVERIFY(modifier);

    const Corpus missing = Corpus::load(fixture("no-such-folder"));
    QCOMPARE(missing.diagnostics().size(), std::size_t(1));
    QVERIFY(missing.rules().empty());
}

void TestCorpus::progressAndCancel()
{
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    LoadOptions options;
    options.threads = 2;
    options.progress = [&](std::size_t done, std::size_t total) {
        calls.emplace_back(done, total);
        return true;
    };
    const Corpus corpus = Corpus::load(fixture("rules"), options);
    QCOMPARE(calls.size(), std::size_t(7));
    QCOMPARE(calls.back(), (std::pair<std::size_t, std::size_t>(7, 7)));

    LoadOptions stop;
    stop.threads = 1;
    stop.progress = [](std::size_t, std::size_t) { return false; };
    const Corpus cancelled = Corpus::load(fixture("rules"), stop);
    QVERIFY(cancelled.cancelled());
    QCOMPARE(cancelled.filesScanned(), std::size_t(1));
    QVERIFY(cancelled.rules().size() <= 1);

    std::atomic<bool> flag{true};
    LoadOptions pre;
    pre.cancel = &flag;
    const Corpus none = Corpus::load(fixture("rules"), pre);
    QVERIFY(none.cancelled());
    QVERIFY(none.rules().empty());
}

void TestCorpus::baseline_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QStringList>("hits"); // "field kind value=hits"
    QTest::addColumn<int>("ruleHits");
    QTest::addColumn<int>("inScope");
    QTest::addRow("tunnel") << "rules/network/tunnel_domain.yml"
                            << QStringList{QStringLiteral("Initiated=3"), QStringLiteral("DestinationHostname=2")} << 1
                            << 4;
    QTest::addRow("scanner") << "rules/network/scanner_rdp.yml"
                             << QStringList{QStringLiteral("Initiated=3"), QStringLiteral("DestinationPort=2"),
                                            QStringLiteral("Image=1")}
                             << 1 << 4;
}

void TestCorpus::baseline()
{
    QFETCH(QString, rule);
    QFETCH(QStringList, hits);
    QFETCH(int, ruleHits);
    QFETCH(int, inScope);
    const auto events = readEventsFile(fixture("events/network.xml"));
    QVERIFY(!events.failed());
    QCOMPARE(events.events.size(), std::size_t(5));
    const std::string file = fixture(rule.toUtf8().constData());
    const ParsedFile parsed = parseRuleFile(file);
    QVERIFY(parsed.firstRule());
    const BaselineResult r = baselineNoise(*parsed.firstRule(), file, EventList::borrow(events.events));
    QVERIFY(r.ruleCompiled);
    QCOMPARE(r.eventsConsidered, std::size_t(inScope));
    QCOMPARE(r.ruleHits, std::size_t(ruleHits));
    QCOMPARE(r.indicators.size(), std::size_t(hits.size()));
    for (int i = 0; i < hits.size(); ++i) {
        const auto parts = hits[i].split(QLatin1Char('='));
        QCOMPARE(QString::fromStdString(r.indicators[i].field), parts[0]);
        QCOMPARE(r.hits[i], std::size_t(parts[1].toInt()));
    }
}

// A process_creation rule sees Security 4688 through its translation; its indicators count the
// event as the rule sees it (Image = NewProcessName), so the counts add up to the rule's hit.
void TestCorpus::baselineSeesTranslatedEvents()
{
    const QString mixed = sigmatest::dataPath(QStringLiteral("events/mixed.xml"));
    const auto read = readEventsFile(mixed.toStdString());
    QVERIFY(!read.failed());
    const std::string text = "title: t\nlogsource:\n    category: process_creation\n    product: windows\n"
                             "detection:\n    sel:\n        Image|endswith: '\\\\net.exe'\n"
                             "        CommandLine|contains: 'domain admins'\n    condition: sel\n";
    const ParsedFile parsed = parseRuleText(text, "t.yml");
    QVERIFY(parsed.firstRule());
    const BaselineResult r = baselineNoise(*parsed.firstRule(), "t.yml", EventList::borrow(read.events));
    QVERIFY(r.ruleCompiled);
    QCOMPARE(r.ruleHits, std::size_t(1));
    QCOMPARE(r.hits, (std::vector<std::size_t>{1, 1}));
}

void TestCorpus::baselineLargeSetInParallel()
{
    const auto read = readEventsFile(fixture("events/network.xml"));
    std::vector<Event> events;
    for (int i = 0; i < 1000; ++i)
        events.insert(events.end(), read.events.begin(), read.events.end());
    const std::string file = fixture("rules/network/scanner_rdp.yml");
    const ParsedFile parsed = parseRuleFile(file);
    QVERIFY(parsed.firstRule());
    BaselineOptions options;
    options.threads = 3;
    const BaselineResult r = baselineNoise(*parsed.firstRule(), file, EventList::borrow(events), options);
    QCOMPARE(r.eventsConsidered, std::size_t(4000));
    QCOMPARE(r.ruleHits, std::size_t(1000));
    QCOMPARE(r.hits, (std::vector<std::size_t>{3000, 2000, 1000}));
    // The workbench's background count: the same figures from lower-priority threads.
    options.lowPriority = true;
    const BaselineResult low = baselineNoise(*parsed.firstRule(), file, EventList::borrow(events), options);
    QCOMPARE(low.eventsConsidered, r.eventsConsidered);
    QCOMPARE(low.ruleHits, r.ruleHits);
    QCOMPARE(low.hits, r.hits);
    options.lowPriority = false;

    std::atomic<bool> cancel{true};
    options.cancel = &cancel;
    const BaselineResult none = baselineNoise(*parsed.firstRule(), file, EventList::borrow(events), options);
    QCOMPARE(none.eventsConsidered, std::size_t(0));
}

void TestCorpus::sigmahqT1090002()
{
    SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules");
    const Corpus corpus = Corpus::load(sharedPathValue.toStdString());
    QVERIFY(corpus.rules().size() > 3000);
    QVERIFY2(corpus.brokenFiles().empty(),
             corpus.diagnostics().empty() ? "" : corpus.diagnostics().front().format().c_str());
    const TechniquePage page = buildTechniquePage(corpus, "T1090.002");
    QCOMPARE(page.rules.size(), std::size_t(2));
    QCOMPARE(page.events.size(), std::size_t(2));
    std::set<std::string> events;
    for (const auto& e : page.events)
        events.insert(e.shortProvider() + " " + std::to_string(e.eventId));
    QCOMPARE(events, (std::set<std::string>{"Sysmon 3", "Security-Auditing 5156"}));
    QCOMPARE(page.fields.size(), std::size_t(8));
    QCOMPARE(page.indicators.size(), std::size_t(11));
    QCOMPARE(page.excludedIndicators(), std::size_t(3));

    // Corpus reach recomputed by a naive scan (re-parsing every file) for a sample of indicators:
    // every indicator of the page, and every 97th distinct indicator of the corpus.
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(sharedPathValue.toStdString()))
        if (entry.is_regular_file() && (entry.path().extension() == ".yml" || entry.path().extension() == ".yaml"))
            files.push_back(entry.path().string());
    struct Sample {
        std::string field, kind, value;
        std::size_t reach;
    };
    std::vector<Sample> samples;
    for (const auto& i : page.indicators)
        samples.push_back({i.field, indicatorKindName(i.kind), i.value, i.corpusReach});
    std::size_t n = 0;
    for (const auto& r : corpus.rules())
        for (const auto& ind : r.indicators)
            if (++n % 997 == 0 && !ind.cased)
                samples.push_back({ind.field, indicatorKindName(ind.kind), ind.value, corpus.reach(ind)});
    QVERIFY(samples.size() > 20);
    const auto plain = parseAllIndicators(files);
    QCOMPARE(plain.size(), corpus.rules().size());
    for (const auto& s : samples) {
        const std::size_t naive = naiveReach(plain, s.field, s.kind, s.value);
        QVERIFY2(naive == s.reach, (s.field + " " + s.kind + " " + s.value + ": index " + std::to_string(s.reach) +
                                    ", naive " + std::to_string(naive))
                                       .c_str());
    }
    qInfo("T1090.002: %zu rules, %zu events, %zu fields, %zu indicators (%zu exclusions); %zu reach samples checked",
          page.rules.size(), page.events.size(), page.fields.size(), page.indicators.size(), page.excludedIndicators(),
          samples.size());
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
