// Whole rules: condition constructs, log-source scoping, the Security 5156 translation and the
// explanation tree. Rules are parsed from YAML (rule/parser.h); events built directly.
#undef QT_NO_CAST_FROM_ASCII // a table of UTF-8 literals

#include "testsupport.h"

#include "engine/engine.h"
#include "engine/logsource.h"
#include "events/fieldname.h"
#include "events/reader.h"
#include "rule/parser.h"

#include <QTest>

using namespace sigma;

namespace {

using sigmatest::eventFromPairs;

QStringList sysmon(int id, const QStringList& more)
{
    return QStringList{"Provider_Name=Microsoft-Windows-Sysmon", "Channel=Microsoft-Windows-Sysmon/Operational",
                       "EventID=" + QString::number(id)} +
           more;
}
QStringList security(int id, const QStringList& more)
{
    return QStringList{"Provider_Name=Microsoft-Windows-Security-Auditing", "Channel=Security",
                       "EventID=" + QString::number(id)} +
           more;
}

QString ruleWith(const QString& logsource, const QString& detection)
{
    return "title: Test rule\nid: 11111111-1111-4111-8111-111111111111\nlogsource:\n" + logsource + "detection:\n" +
           detection + "level: high\n";
}

const QString kProcessCreation = "    category: process_creation\n    product: windows\n";
const QString kNetwork = "    category: network_connection\n    product: windows\n";

struct Compiled {
    std::shared_ptr<const CompiledRule> rule;
    Diagnostics diagnostics;
};

Compiled compile(const QString& yaml, const CompileOptions& options = {})
{
    ParsedFile parsed = parseRuleText(yaml.toStdString(), "rule.yml");
    Compiled out;
    out.diagnostics = parsed.diagnostics;
    const Rule* rule = parsed.firstRule();
    if (!rule || hasErrors(parsed.diagnostics))
        return out;
    auto c = compileRule(*rule, "rule.yml", options);
    out.rule = c.rule;
    out.diagnostics.insert(out.diagnostics.end(), c.diagnostics.begin(), c.diagnostics.end());
    return out;
}

QString firstError(const Diagnostics& d)
{
    for (const auto& x : d)
        if (x.severity == Severity::Error)
            return QString::fromStdString(x.format());
    return {};
}

const ExplainNode* findNode(const ExplainNode& n, ExplainNode::Kind kind, const std::string& label)
{
    if (n.kind == kind && n.label == label)
        return &n;
    for (const auto& c : n.children)
        if (auto f = findNode(c, kind, label))
            return f;
    return nullptr;
}

} // namespace

class TestEngineRules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // SearchCache: an edited rule evaluated through the outcomes of its previous version gives
    // the verdicts of a fresh evaluation, and re-evaluates only the identifiers that changed.
    void searchCacheAcrossEdits_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<int>("reused");
        QTest::addColumn<int>("matchesAfter");
        const QString base =
            "    parent:\n        ParentImage|endswith: '\\\\cmd.exe'\n"
            "    img:\n        - Image|endswith: '\\\\whoami.exe'\n        - OriginalFileName: whoami.exe\n"
            "    cli:\n        CommandLine|contains: '/all'\n"
            "    filter:\n        User|contains: SYSTEM\n"
            "    condition: parent and img and cli and not filter\n";
        QTest::newRow("a value edited") << base << QString(base).replace("'/all'", "'/groups'") << 3 << 1;
        QTest::newRow("a modifier edited")
            << base << QString(base).replace("CommandLine|contains", "CommandLine|endswith") << 3 << 0;
        QTest::newRow("a field edited") << base << QString(base).replace("User|contains", "LogonId|contains") << 3 << 1;
        QTest::newRow("only the condition")
            << base << QString(base).replace("parent and img and cli and not filter", "(parent or cli) and img") << 4
            << 2;
        QTest::newRow("identifier renamed")
            << base << QString(base).replace("    cli:", "    cmdline:").replace("and cli", "and cmdline") << 4 << 0;
        QTest::newRow("identifier added")
            << base
            << QString(base).replace(
                   "    condition: parent and img and cli and not filter",
                   "    extra:\n        IntegrityLevel: High\n    condition: parent and img and cli and not "
                   "filter and extra")
            << 4 << 0;
        QTest::newRow("keyword list edited") << "    kw:\n        - whoami\n        - mimikatz\n    condition: kw\n"
                                             << "    kw:\n        - whoami\n        - net group\n    condition: kw\n"
                                             << 0 << 3;
        QTest::newRow("value type changed") << "    sel:\n        EventID: 1\n    condition: sel\n"
                                            << "    sel:\n        EventID: '1'\n    condition: sel\n"
                                            << 0 << 5;
    }
    void searchCacheAcrossEdits()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(int, reused);
        QFETCH(int, matchesAfter);
        std::vector<Event> events;
        for (const char* f : {"events/mixed.xml", "engine/events.xml"}) {
            const ReadResult r = readEventsFile(sigmatest::dataPath(QString::fromLatin1(f)).toStdString());
            QVERIFY(!r.failed());
            events.insert(events.end(), r.events.begin(), r.events.end());
        }
        events.push_back(eventFromPairs(
            sysmon(1, {"Image=C:\\Windows\\System32\\whoami.exe", "ParentImage=C:\\Windows\\System32\\cmd.exe",
                       "CommandLine=whoami /groups", "User=CORP\\alice"})));
        events.push_back(eventFromPairs(sysmon(1, {"OriginalFileName=whoami.exe", "ParentImage=C:\\x\\CMD.EXE",
                                                   "CommandLine=whoami /all", "User=NT AUTHORITY\\SYSTEM"})));
        const std::size_t n = events.size();
        const Compiled v1 = compile(ruleWith(kProcessCreation, before));
        const Compiled v2 = compile(ruleWith(kProcessCreation, after));
        QVERIFY2(v1.rule && v2.rule, qPrintable(firstError(v1.diagnostics) + firstError(v2.diagnostics)));
        // The first version fills its cache (only the identifiers its condition needed).
        const auto first = v1.rule->prepareSearchCache(n);
        QCOMPARE(first->reusedSearches(), std::size_t(0));
        for (std::size_t i = 0; i < n; ++i) {
            const int row = v1.rule->scopeRow(events[i]);
            QCOMPARE(row >= 0 && v1.rule->matchesInRowCached(events[i], row, i, *first), v1.rule->matches(events[i]));
        }
        // The edit: the same verdicts as a fresh evaluation, twice (the second time from a cache
        // that is filled further).
        const auto second = v2.rule->prepareSearchCache(n, first.get());
        QCOMPARE(int(second->reusedSearches()), reused);
        std::size_t matches = 0;
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t i = 0; i < n; ++i) {
                const int row = v2.rule->scopeRow(events[i]);
                const bool cached = row >= 0 && v2.rule->matchesInRowCached(events[i], row, i, *second);
                QCOMPARE(cached, v2.rule->matches(events[i]));
                matches += pass == 0 && cached;
            }
        // A cache for another number of events is not taken.
        QCOMPARE(v2.rule->prepareSearchCache(n + 1, first.get())->reusedSearches(), std::size_t(0));
        QCOMPARE(int(matches), matchesAfter);
    }

    void conditions_data()
    {
        QTest::addColumn<QString>("detection");
        QTest::addColumn<QStringList>("event");
        QTest::addColumn<bool>("expected");
        const QString sel = "    selection:\n        Image|endswith: '\\a.exe'\n";
        const QString filt = "    filter:\n        User: 'SYSTEM'\n";
        const QStringList aSystem = sysmon(1, {"Image=C:\\a.exe", "User=SYSTEM"});
        const QStringList aAlice = sysmon(1, {"Image=C:\\a.exe", "User=alice"});
        const QStringList bAlice = sysmon(1, {"Image=C:\\b.exe", "User=alice"});
        QTest::newRow("identifier") << sel + "    condition: selection\n" << aAlice << true;
        QTest::newRow("identifier negative") << sel + "    condition: selection\n" << bAlice << false;
        QTest::newRow("and not: kept") << sel + filt + "    condition: selection and not filter\n" << aAlice << true;
        QTest::newRow("and not: filtered") << sel + filt + "    condition: selection and not filter\n"
                                           << aSystem << false;
        QTest::newRow("or") << sel + filt + "    condition: selection or filter\n" << bAlice << false;
        QTest::newRow("or second") << sel + filt + "    condition: selection or filter\n"
                                   << sysmon(1, {"Image=x", "User=system"}) << true;
        // Precedence: not > and > or. "not selection and filter or selection" = ((not selection) and filter) or
        // selection
        QTest::newRow("precedence") << sel + filt + "    condition: not selection and filter or selection\n"
                                    << aAlice << true;
        QTest::newRow("precedence 2") << sel + filt + "    condition: not selection and filter\n" << aSystem << false;
        QTest::newRow("parentheses") << sel + filt + "    condition: not (selection and filter)\n" << aSystem << false;
        QTest::newRow("parentheses 2") << sel + filt + "    condition: not (selection and filter)\n" << aAlice << true;
        const QString two =
            "    selection_a:\n        Image|endswith: '\\a.exe'\n    selection_b:\n        User: alice\n"
            "    _helper:\n        Image: nothing\n";
        QTest::newRow("1 of pattern") << two + "    condition: 1 of selection_*\n" << bAlice << true;
        QTest::newRow("1 of pattern negative") << two + "    condition: 1 of selection_*\n"
                                               << sysmon(1, {"Image=x", "User=bob"}) << false;
        QTest::newRow("any of pattern") << two + "    condition: any of selection_*\n" << bAlice << true;
        QTest::newRow("all of pattern") << two + "    condition: all of selection_*\n" << aAlice << true;
        QTest::newRow("all of pattern negative") << two + "    condition: all of selection_*\n" << bAlice << false;
        // "them" skips identifiers starting with '_' (_helper never matches, yet all of them holds).
        QTest::newRow("all of them skips _") << two + "    condition: all of them\n" << aAlice << true;
        QTest::newRow("1 of them skips _") << two + "    condition: 1 of them\n"
                                           << sysmon(1, {"Image=nothing", "User=bob"}) << false;
        QTest::newRow("_ identifier usable by name") << two + "    condition: _helper\n"
                                                     << sysmon(1, {"Image=nothing", "User=bob"}) << true;
        QTest::newRow("condition list is OR") << sel + filt + "    condition:\n        - selection\n        - filter\n"
                                              << sysmon(1, {"Image=x", "User=SYSTEM"}) << true;
        QTest::newRow("list of maps is OR")
            << "    selection:\n        - Image: x\n        - User: alice\n    condition: selection\n"
            << bAlice << true;
        QTest::newRow("map is AND")
            << "    selection:\n        Image|endswith: a.exe\n        User: bob\n    condition: selection\n"
            << aAlice << false;
        QTest::newRow("keywords list") << "    keywords:\n        - 'evil'\n        - 'bad'\n    condition: keywords\n"
                                       << sysmon(1, {"CommandLine=run BAD thing"}) << true;
        QTest::newRow("keywords |all") << "    keywords:\n        '|all':\n            - 'evil'\n            - 'bad'\n"
                                          "    condition: keywords\n"
                                       << sysmon(1, {"CommandLine=run bad", "Image=evil.exe"}) << true;
        QTest::newRow("keywords |all negative")
            << "    keywords:\n        '|all':\n            - 'evil'\n            - 'bad'\n    condition: keywords\n"
            << sysmon(1, {"CommandLine=run bad"}) << false;
        // The RuleSet literal pass scans ASCII values raw and non-ASCII values case-folded.
        const QString evilContains = "    selection:\n        CommandLine|contains: 'evil'\n    condition: selection\n";
        QTest::newRow("literal pass: upper-case ASCII value")
            << evilContains << sysmon(1, {"CommandLine=run EVIL now"}) << true;
        QTest::newRow("literal pass: literal after a non-ASCII byte")
            << evilContains << sysmon(1, {QString::fromUtf8("CommandLine=caf\u00e9 EvIl")}) << true;
        QTest::newRow("literal pass: literal before a non-ASCII byte")
            << evilContains << sysmon(1, {QString::fromUtf8("CommandLine=EVIL caf\u00c9")}) << true;
        QTest::newRow("literal pass: non-ASCII value without the literal")
            << evilContains << sysmon(1, {QString::fromUtf8("CommandLine=\u00c9vi l")}) << false;
        QTest::newRow("literal pass: Unicode folding of the value")
            << "    selection:\n        CommandLine|contains: '\u00e9t\u00e9'\n    condition: selection\n"
            << sysmon(1, {QString::fromUtf8("CommandLine=L'\u00c9T\u00c9 x")}) << true;
        QTest::newRow("literal pass: Kelvin sign folds to k")
            << "    selection:\n        CommandLine|contains: 'kelvin'\n    condition: selection\n"
            << sysmon(1, {QString::fromUtf8("CommandLine=\u212Aelvin")}) << true;
        // The literal pass needs a literal of every item of a map (and of every AND'ed search).
        const QString twoItems = "    selection:\n        CommandLine|contains: 'alpha'\n        Image|endswith: "
                                 "'\\beta.exe'\n    condition: selection\n";
        QTest::newRow("literal groups: both items")
            << twoItems << sysmon(1, {"CommandLine=x ALPHA", "Image=C:\\BETA.exe"}) << true;
        QTest::newRow("literal groups: one item only")
            << twoItems << sysmon(1, {"CommandLine=x ALPHA", "Image=C:\\gamma.exe"}) << false;
        QTest::newRow("literal groups: other item only")
            << twoItems << sysmon(1, {"CommandLine=x", "Image=C:\\beta.exe"}) << false;
        const QString andOr = "    s1:\n        CommandLine|contains: 'alpha'\n    s2:\n        Image|endswith: "
                              "'\\beta.exe'\n    s3:\n        ParentImage|endswith: '\\gamma.exe'\n"
                              "    condition: s1 and (s2 or s3)\n";
        QTest::newRow("literal groups: and/or, first branch")
            << andOr << sysmon(1, {"CommandLine=alpha", "Image=C:\\beta.exe"}) << true;
        QTest::newRow("literal groups: and/or, second branch")
            << andOr << sysmon(1, {"CommandLine=alpha", "ParentImage=C:\\gamma.exe"}) << true;
        QTest::newRow("literal groups: and/or, no branch")
            << andOr << sysmon(1, {"CommandLine=alpha", "Image=C:\\delta.exe"}) << false;
        QTest::newRow("literal groups: and/or, branch without the and")
            << andOr << sysmon(1, {"CommandLine=x", "Image=C:\\beta.exe"}) << false;
        const QString andNot = "    s1:\n        CommandLine|contains: 'alpha'\n    s2:\n        CommandLine|contains: "
                               "'beta'\n    condition: s1 and not s2\n";
        QTest::newRow("literal groups: and not, excluded") << andNot << sysmon(1, {"CommandLine=alpha beta"}) << false;
        QTest::newRow("literal groups: and not, kept") << andNot << sysmon(1, {"CommandLine=alpha"}) << true;
        const QString maps = "    selection:\n        - CommandLine|contains: 'alpha'\n          Image|endswith: "
                             "'\\beta.exe'\n        - ParentImage|endswith: '\\gamma.exe'\n    condition: selection\n";
        QTest::newRow("literal groups: second map")
            << maps << sysmon(1, {"CommandLine=x", "ParentImage=C:\\gamma.exe"}) << true;
        QTest::newRow("literal groups: first map")
            << maps << sysmon(1, {"CommandLine=alpha", "Image=C:\\beta.exe"}) << true;
        QTest::newRow("literal groups: first map, one item")
            << maps << sysmon(1, {"CommandLine=alpha", "Image=C:\\delta.exe"}) << false;
        QTest::newRow("literal groups: all of them")
            << "    s1:\n        CommandLine|contains: 'alpha'\n    s2:\n        CommandLine|contains: 'beta'\n"
               "    s3:\n        CommandLine|contains: 'gamma'\n    s4:\n        CommandLine|contains: 'delta'\n"
               "    condition: all of s*\n"
            << sysmon(1, {"CommandLine=delta gamma beta alpha"}) << true;
        QTest::newRow("literal groups: all of them, one missing")
            << "    s1:\n        CommandLine|contains: 'alpha'\n    s2:\n        CommandLine|contains: 'beta'\n"
               "    s3:\n        CommandLine|contains: 'gamma'\n    s4:\n        CommandLine|contains: 'delta'\n"
               "    condition: all of s*\n"
            << sysmon(1, {"CommandLine=gamma beta alpha"}) << false;
        QTest::newRow("null value")
            << "    selection:\n        Image: a\n        User: null\n    condition: selection\n"
            << sysmon(1, {"Image=a"}) << true;
    }
    void conditions()
    {
        QFETCH(QString, detection);
        QFETCH(QStringList, event);
        QFETCH(bool, expected);
        auto c = compile(ruleWith(kProcessCreation, detection));
        QVERIFY2(c.rule, qPrintable(firstError(c.diagnostics)));
        const Event e = eventFromPairs(event);
        QCOMPARE(c.rule->matches(e), expected);
        QCOMPARE(c.rule->explain(e).matched, expected);
        ExplainOptions all;
        all.shortCircuit = false;
        QCOMPARE(c.rule->explain(e, all).matched, expected);
        RuleSetBuilder builder;
        builder.add(c.rule);
        const RuleSet set = builder.build();
        QCOMPARE(set.match(e).size(), std::size_t(expected ? 1 : 0));
    }

    // The literal pass cuts long values into four overlapping stretches scanned together, and
    // looks for one 8-byte window of a long literal: a literal at any offset of a value of any
    // length must still let the rule be evaluated (RuleSet and rule-by-rule agree).
    void literalPassEveryOffset_data()
    {
        QTest::addColumn<QString>("detection");
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("eventId"); // Sysmon EventID, or 4688 for Security 4688
        QTest::addColumn<int>("length");
        const QString contains =
            "    selection:\n        CommandLine|contains: 'Needle-In-Hay'\n    condition: selection\n";
        const QString keyword = "    keywords:\n        - 'Needle-In-Hay'\n    condition: keywords\n";
        const QString image = "    selection:\n        Image|endswith: '\\Needle-In-Hay'\n    condition: selection\n";
        for (int length : {13, 63, 64, 65, 70, 95, 96, 97, 131, 200}) {
            QTest::addRow("contains, %d bytes", length) << contains << "CommandLine" << 1 << length;
            QTest::addRow("keyword, %d bytes", length) << keyword << "ParentCommandLine" << 1 << length;
            QTest::addRow("4688 Image, %d bytes", length) << image << "NewProcessName" << 4688 << length;
        }
    }
    void literalPassEveryOffset()
    {
        QFETCH(QString, detection);
        QFETCH(QString, field);
        QFETCH(int, eventId);
        QFETCH(int, length);
        auto c = compile(ruleWith(kProcessCreation, detection));
        QVERIFY2(c.rule, qPrintable(firstError(c.diagnostics)));
        RuleSetBuilder builder;
        builder.add(c.rule);
        const RuleSet set = builder.build();
        const QString needle = eventId == 4688 ? "\\NEEDLE-in-hay" : "NEEDLE-in-hay";
        const bool endsWith = eventId == 4688;
        for (int at = 0; at + needle.size() <= length; ++at) {
            if (endsWith && at + needle.size() != length)
                continue;
            QString value = QString(length, QLatin1Char('x'));
            value.replace(at, needle.size(), needle);
            const Event e = eventFromPairs(eventId == 4688 ? security(4688, {field + "=" + value})
                                                           : sysmon(eventId, {field + "=" + value}));
            QVERIFY2(c.rule->matches(e), qPrintable(value));
            QVERIFY2(set.match(e).size() == 1, qPrintable(QString("offset %1 of %2").arg(at).arg(length)));
            // One byte less of the literal: no match either way.
            value[at + needle.size() - 1] = QLatin1Char('x');
            const Event miss = eventFromPairs(eventId == 4688 ? security(4688, {field + "=" + value})
                                                              : sysmon(eventId, {field + "=" + value}));
            QVERIFY(!c.rule->matches(miss));
            QVERIFY(set.match(miss).empty());
        }
    }

    void scoping_data()
    {
        QTest::addColumn<QString>("logsource");
        QTest::addColumn<QStringList>("event");
        QTest::addColumn<bool>("translate5156");
        QTest::addColumn<bool>("expected");
        QTest::newRow("process_creation: Sysmon 1")
            << kProcessCreation << sysmon(1, {"Image=C:\\a.exe"}) << false << true;
        QTest::newRow("process_creation: not Sysmon 3")
            << kProcessCreation << sysmon(3, {"Image=C:\\a.exe"}) << false << false;
        QTest::newRow("process_creation: not Sysmon 1 of another channel")
            << kProcessCreation
            << QStringList{"Provider_Name=Other", "Channel=Application", "EventID=1", "Image=C:\\a.exe"} << false
            << false;
        QTest::newRow("process_creation: Security 4688 translated")
            << kProcessCreation << security(4688, {"NewProcessName=C:\\a.exe"}) << false << true;
        QTest::newRow("process_creation: not Security 4689")
            << kProcessCreation << security(4689, {"NewProcessName=C:\\a.exe", "Image=C:\\a.exe"}) << false << false;
        QTest::newRow("network_connection: Sysmon 3") << kNetwork << sysmon(3, {"Image=C:\\a.exe"}) << false << true;
        QTest::newRow("network_connection: 5156 off")
            << kNetwork << security(5156, {"Application=\\device\\harddiskvolume2\\a.exe"}) << false << false;
        QTest::newRow("network_connection: 5156 on")
            << kNetwork << security(5156, {"Application=\\device\\harddiskvolume2\\a.exe"}) << true << true;
        QTest::newRow("service security: any Security event") << "    product: windows\n    service: security\n"
                                                              << security(4624, {"Image=C:\\a.exe"}) << false << true;
        QTest::newRow("service security: not Sysmon") << "    product: windows\n    service: security\n"
                                                      << sysmon(1, {"Image=C:\\a.exe"}) << false << false;
        QTest::newRow("service sysmon: any Sysmon event") << "    product: windows\n    service: sysmon\n"
                                                          << sysmon(7, {"Image=C:\\a.exe"}) << false << true;
        QTest::newRow("unknown log source: not scoped") << "    product: windows\n    category: no_such_category\n"
                                                        << sysmon(7, {"Image=C:\\a.exe"}) << false << true;
        QTest::newRow("channel compared case-insensitively")
            << kProcessCreation
            << QStringList{"Channel=microsoft-windows-sysmon/operational", "EventID=1", "Image=C:\\a.exe"} << false
            << true;
        QTest::newRow("no channel: provider decides")
            << kProcessCreation << QStringList{"Provider_Name=Microsoft-Windows-Sysmon", "EventID=1", "Image=C:\\a.exe"}
            << false << true;
    }
    void scoping()
    {
        QFETCH(QString, logsource);
        QFETCH(QStringList, event);
        QFETCH(bool, translate5156);
        QFETCH(bool, expected);
        CompileOptions options;
        options.translateSecurity5156 = translate5156;
        auto c = compile(
            ruleWith(logsource, "    selection:\n        Image|endswith: '\\a.exe'\n    condition: selection\n"),
            options);
        QVERIFY2(c.rule, qPrintable(firstError(c.diagnostics)));
        const Event e = eventFromPairs(event);
        QCOMPARE(c.rule->matches(e), expected);
        QCOMPARE(c.rule->explain(e).matched, expected);
        RuleSetBuilder builder;
        builder.add(c.rule);
        const RuleSet set = builder.build();
        QCOMPARE(set.match(e).size(), std::size_t(expected ? 1 : 0));
    }

    void translation5156_data()
    {
        QTest::addColumn<QString>("detection");
        QTest::addColumn<bool>("expected");
        QTest::newRow("Image full path") << "        Image: 'C:\\Windows\\System32\\svchost.exe'\n" << true;
        QTest::newRow("Image endswith") << "        Image|endswith: '\\svchost.exe'\n" << true;
        QTest::newRow("Initiated true (outbound)") << "        Initiated: 'true'\n" << true;
        QTest::newRow("Initiated false") << "        Initiated: 'false'\n" << false;
        QTest::newRow("DestinationIp") << "        DestinationIp|cidr: '10.0.0.0/8'\n" << true;
        QTest::newRow("SourceIp") << "        SourceIp: '192.168.1.5'\n" << true;
        QTest::newRow("DestinationPort") << "        DestinationPort: 445\n" << true;
        QTest::newRow("SourcePort") << "        SourcePort: 50123\n" << true;
        QTest::newRow("Protocol tcp") << "        Protocol: tcp\n" << true;
        QTest::newRow("Protocol udp") << "        Protocol: udp\n" << false;
    }
    void translation5156()
    {
        QFETCH(QString, detection);
        QFETCH(bool, expected);
        const QString yaml = ruleWith(kNetwork, "    selection:\n" + detection + "    condition: selection\n");
        const Event e = eventFromPairs(
            security(5156, {"ProcessID=1234", "Application=\\device\\harddiskvolume3\\windows\\system32\\svchost.exe",
                            "Direction=%%14593", "SourceAddress=192.168.1.5", "SourcePort=50123",
                            "DestAddress=10.1.2.3", "DestPort=445", "Protocol=6"}));
        CompileOptions on;
        on.translateSecurity5156 = true;
        auto c = compile(yaml, on);
        QVERIFY2(c.rule, qPrintable(firstError(c.diagnostics)));
        QCOMPARE(c.rule->matches(e), expected);
        const Explanation ex = c.rule->explain(e);
        QCOMPARE(ex.matched, expected);
        // The explanation shows the translation.
        const ExplainNode* tr = nullptr;
        for (const auto& ch : ex.root.children)
            if (ch.kind == ExplainNode::Kind::Translation)
                tr = &ch;
        QVERIFY(tr);
        QVERIFY2(QString::fromStdString(tr->detail).contains("Image <- Application"), tr->detail.c_str());
        QVERIFY(QString::fromStdString(tr->detail).contains("%%14593"));
        // Off: a 5156 event is not a network_connection event at all.
        auto off = compile(yaml);
        QVERIFY(off.rule);
        QVERIFY(!off.rule->matches(e));
        QVERIFY(!off.rule->inScope(e));
    }

    void userLogSourceTable()
    {
        Diagnostics d;
        const LogSourceTable user =
            LogSourceTable::fromText("windows,process_creation,,MyProvider,My/Channel,42,\n", "mine.csv", d);
        QVERIFY(d.empty());
        const LogSourceTable table = LogSourceTable::builtin().overriddenBy(user);
        CompileOptions options;
        options.logSources = &table;
        auto c = compile(ruleWith(kProcessCreation, "    selection:\n        Image: a\n    condition: selection\n"),
                         options);
        QVERIFY(c.rule);
        QVERIFY(c.rule->matches(eventFromPairs({"Channel=My/Channel", "EventID=42", "Image=a"})));
        QVERIFY(!c.rule->matches(eventFromPairs(sysmon(1, {"Image=a"})))); // the override replaced the Sysmon row
        // A bad row names the file and line.
        Diagnostics bad;
        LogSourceTable::fromText("# comment\nwindows,x,,p,c,notanumber,\n", "mine.csv", bad);
        QVERIFY(!bad.empty());
        QVERIFY2(QString::fromStdString(bad[0].format()).startsWith("mine.csv:2:"), bad[0].format().c_str());
    }

    void builtinTableCoversEverySysmonCategory_data()
    {
        QTest::addColumn<QString>("category");
        QTest::addColumn<int>("eventId");
        const std::pair<const char*, int> rows[] = {{"process_creation", 1},
                                                    {"file_change", 2},
                                                    {"network_connection", 3},
                                                    {"sysmon_status", 4},
                                                    {"process_termination", 5},
                                                    {"driver_load", 6},
                                                    {"image_load", 7},
                                                    {"create_remote_thread", 8},
                                                    {"raw_access_thread", 9},
                                                    {"process_access", 10},
                                                    {"file_event", 11},
                                                    {"registry_add", 12},
                                                    {"registry_delete", 12},
                                                    {"registry_set", 13},
                                                    {"registry_rename", 14},
                                                    {"registry_event", 13},
                                                    {"create_stream_hash", 15},
                                                    {"sysmon_status", 16},
                                                    {"pipe_created", 17},
                                                    {"pipe_created", 18},
                                                    {"wmi_event", 19},
                                                    {"wmi_event", 21},
                                                    {"dns_query", 22},
                                                    {"file_delete", 23},
                                                    {"clipboard_capture", 24},
                                                    {"process_tampering", 25},
                                                    {"file_delete_detected", 26},
                                                    {"file_block_executable", 27},
                                                    {"file_block_shredding", 28},
                                                    {"file_executable_detected", 29},
                                                    {"sysmon_error", 255}};
        for (const auto& [cat, id] : rows)
            QTest::addRow("%s %d", cat, id) << QString::fromLatin1(cat) << id;
    }
    void builtinTableCoversEverySysmonCategory()
    {
        QFETCH(QString, category);
        QFETCH(int, eventId);
        bool known = false;
        auto rows = LogSourceTable::builtin().lookup("windows", category.toStdString(), "", known);
        QVERIFY(known);
        const Event e = eventFromPairs(sysmon(eventId, {}));
        bool covered = false;
        for (auto* r : rows)
            covered |= r->covers(e);
        QVERIFY(covered);
        const Event other = eventFromPairs(sysmon(eventId == 1 ? 2 : 1, {}));
        bool wrong = false;
        for (auto* r : rows)
            wrong |= r->covers(other);
        QVERIFY(!wrong || category == "registry_event");
    }

    void explanation()
    {
        const QString yaml = ruleWith(kProcessCreation, "    selection:\n"
                                                        "        Image|endswith:\n"
                                                        "            - '\\b.exe'\n"
                                                        "            - '\\a.exe'\n"
                                                        "            - '\\c.exe'\n"
                                                        "        CommandLine|contains: '-x'\n"
                                                        "    filter:\n"
                                                        "        User: SYSTEM\n"
                                                        "    condition: selection and not filter\n");
        auto c = compile(yaml);
        QVERIFY(c.rule);
        // Matched: the deciding values are the matched ones; '\c.exe' is skipped (short-circuit).
        const Explanation ex =
            c.rule->explain(eventFromPairs(sysmon(1, {"Image=C:\\a.exe", "CommandLine=a -x", "User=bob"})));
        QVERIFY(ex.matched);
        QVERIFY(ex.inScope);
        const ExplainNode* b = findNode(ex.root, ExplainNode::Kind::Value, "'\\b.exe'");
        const ExplainNode* a = findNode(ex.root, ExplainNode::Kind::Value, "'\\a.exe'");
        const ExplainNode* cc = findNode(ex.root, ExplainNode::Kind::Value, "'\\c.exe'");
        QVERIFY(a && b && cc);
        QCOMPARE(a->outcome, Outcome::Matched);
        QVERIFY(a->deciding);
        QCOMPARE(b->outcome, Outcome::NotMatched);
        QVERIFY(!b->deciding);
        QCOMPARE(cc->outcome, Outcome::Skipped);
        QCOMPARE(a->eventValue.value_or(""), std::string("C:\\a.exe"));
        // Spans come from the parser: the value '\a.exe' is on line 10 of the file.
        QCOMPARE(a->span.begin.line, 10);
        const ExplainNode* andNode = findNode(ex.root, ExplainNode::Kind::And, "and");
        QVERIFY(andNode);
        QVERIFY(andNode->operatorSpan.valid());
        QVERIFY(andNode->deciding);
        // Not matched because of the filter: the deciding path is the filter's User value.
        const Explanation no =
            c.rule->explain(eventFromPairs(sysmon(1, {"Image=C:\\a.exe", "CommandLine=a -x", "User=system"})));
        QVERIFY(!no.matched);
        const ExplainNode* filter = findNode(no.root, ExplainNode::Kind::Search, "filter");
        QVERIFY(filter);
        QCOMPARE(filter->outcome, Outcome::Matched);
        QVERIFY(filter->deciding);
        const ExplainNode* sel = findNode(no.root, ExplainNode::Kind::Search, "selection");
        QVERIFY(sel);
        QCOMPARE(sel->outcome, Outcome::Matched);
        // Field absent is reported as such.
        const Explanation absent = c.rule->explain(eventFromPairs(sysmon(1, {"Image=C:\\a.exe", "User=bob"})));
        const ExplainNode* cmd = findNode(absent.root, ExplainNode::Kind::Item, "CommandLine|contains");
        QVERIFY(cmd);
        QCOMPARE(cmd->outcome, Outcome::FieldAbsent);
        QVERIFY(cmd->deciding);
        // Out of scope: only the log source decides.
        const Explanation scope = c.rule->explain(eventFromPairs(sysmon(3, {"Image=C:\\a.exe"})));
        QVERIFY(!scope.inScope);
        QVERIFY(scope.root.children.front().deciding);
        QCOMPARE(scope.root.children.front().kind, ExplainNode::Kind::LogSource);
    }

    void unresolvedPlaceholderIsCompileError()
    {
        auto c = compile(ruleWith(kProcessCreation,
                                  "    selection:\n        Image|expand: '%admin_tools%'\n    condition: selection\n"));
        QVERIFY(!c.rule);
        const QString err = firstError(c.diagnostics);
        QVERIFY2(err.startsWith("rule.yml:8:"), qPrintable(err));
        QVERIFY(err.contains("admin_tools"));
        CompileOptions options;
        // Placeholder values are Sigma strings: "\\\\*" is a backslash, then a wildcard.
        options.placeholders["admin_tools"] = {"C:\\tools\\\\*"};
        auto ok = compile(ruleWith(kProcessCreation,
                                   "    selection:\n        Image|expand: '%admin_tools%'\n    condition: selection\n"),
                          options);
        QVERIFY(ok.rule);
        QVERIFY(ok.rule->matches(eventFromPairs(sysmon(1, {"Image=C:\\Tools\\x.exe"}))));
    }

    // The editor compiles every spelling the user types, and rules come from files nobody vetted:
    // a compiled rule holds its field names (engine/rulenames.h) and they go with it, instead of
    // staying in the process-wide table for good (issue 19: the fuzzers' RSS crept).
    void ruleFieldNamesGoWithTheRule()
    {
        const auto before = FieldNames::stats();
        std::shared_ptr<const CompiledRule> kept;
        for (int i = 0; i < 500; ++i) {
            const auto c =
                compile(ruleWith(kProcessCreation, QStringLiteral("    selection:\n"
                                                                  "        Typed_Field%1: a\n"
                                                                  "        Other_Side|fieldref: Ref_Field%1\n"
                                                                  "    condition: selection\n")
                                                       .arg(i)));
            QVERIFY2(c.rule, qPrintable(firstError(c.diagnostics)));
            if (i == 7)
                kept = c.rule;
        }
        // Only the kept rule's names remain: three spellings and their three folded keys.
        const auto held = FieldNames::stats();
        QVERIFY2(held.names > before.names && held.names <= before.names + 6,
                 qPrintable(QStringLiteral("%1 names before, %2 after").arg(before.names).arg(held.names)));
        QCOMPARE(FieldNames::findKey("TYPED_FIELD7"), FieldNames::findKey("Typed_Field7"));
        QCOMPARE(FieldNames::findKey("Typed_Field8"), FieldNames::kNone);
        // ... and its keys still find the event's fields.
        QVERIFY(kept->matches(eventFromPairs(sysmon(1, {"Typed_Field7=A", "Other_Side=x", "Ref_Field7=x"}))));
        QVERIFY(!kept->matches(eventFromPairs(sysmon(1, {"Typed_Field7=A", "Other_Side=x", "Ref_Field7=y"}))));
    }

    void unknownIdentifierIsCompileError()
    {
        auto c = compile(
            ruleWith(kProcessCreation, "    selection:\n        Image: a\n    condition: selection and nope\n"));
        QVERIFY(!c.rule);
        QVERIFY(!firstError(c.diagnostics).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEngineRules)
#include "tst_engine_rules.moc"
