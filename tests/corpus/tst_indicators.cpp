// Indicator extraction, field normalisation and exclusion polarity on hand-built rule models.
#include "corpus/fieldmap.h"
#include "corpus/indicator.h"
#include "engine/engine.h"
#include "events/catalog.h"
#include "events/event.h"
#include "rule/parser.h"
#include "util/asciitext.h"
#include "util/resources.h"

#include <QTest>

#include <set>

using namespace sigma;

Q_DECLARE_METATYPE(sigma::Value::Type)

namespace {

ModifierKind modifierOf(const QString& name)
{
    static const QHash<QString, ModifierKind> table = {
        {QStringLiteral("contains"), ModifierKind::Contains},
        {QStringLiteral("startswith"), ModifierKind::StartsWith},
        {QStringLiteral("endswith"), ModifierKind::EndsWith},
        {QStringLiteral("all"), ModifierKind::All},
        {QStringLiteral("base64"), ModifierKind::Base64},
        {QStringLiteral("base64offset"), ModifierKind::Base64Offset},
        {QStringLiteral("wide"), ModifierKind::Utf16le},
        {QStringLiteral("windash"), ModifierKind::Windash},
        {QStringLiteral("re"), ModifierKind::Re},
        {QStringLiteral("i"), ModifierKind::ReIgnoreCase},
        {QStringLiteral("cidr"), ModifierKind::Cidr},
        {QStringLiteral("exists"), ModifierKind::Exists},
        {QStringLiteral("gt"), ModifierKind::Gt},
        {QStringLiteral("gte"), ModifierKind::Gte},
        {QStringLiteral("lt"), ModifierKind::Lt},
        {QStringLiteral("lte"), ModifierKind::Lte},
        {QStringLiteral("neq"), ModifierKind::Neq},
        {QStringLiteral("fieldref"), ModifierKind::FieldRef},
        {QStringLiteral("cased"), ModifierKind::Cased},
        {QStringLiteral("expand"), ModifierKind::Expand},
    };
    return table.value(name);
}

/// "Field|mod|mod" -> item with one value.
DetectionItem item(const QString& key, std::vector<Value> values)
{
    DetectionItem it;
    auto parts = key.split(QLatin1Char('|'));
    it.field = parts.takeFirst().toStdString();
    for (const auto& p : parts)
        it.modifiers.push_back({modifierOf(p), p.toStdString(), {}});
    it.valueIsList = values.size() > 1;
    it.values = std::move(values);
    return it;
}

Value val(const char* text, Value::Type type = Value::Type::String, int line = 0)
{
    Value v;
    v.type = type;
    v.text = text;
    v.span = {{line, 5}, {line, 5 + static_cast<int>(strlen(text))}};
    return v;
}

SearchIdentifier search(const char* name, std::vector<DetectionItem> items)
{
    SearchIdentifier s;
    s.name = name;
    DetectionMap m;
    m.items = std::move(items);
    s.maps.push_back(std::move(m));
    return s;
}

ConditionNode ident(const char* name)
{
    ConditionNode n;
    n.kind = ConditionNode::Kind::Identifier;
    n.name = name;
    return n;
}
ConditionNode op(ConditionNode::Kind kind, std::vector<ConditionNode> children, const char* name = "")
{
    ConditionNode n;
    n.kind = kind;
    n.children = std::move(children);
    n.name = name;
    return n;
}

} // namespace

class TestIndicators : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kinds_data();
    void kinds();
    void fieldNormalisation_data();
    void fieldNormalisation();
    void scopedAlias();
    void identityKey_data();
    void identityKey();
    void listValuesAndSelectors();
    void exclusions();
    void exclusionPatternsSelectAsTheEngine();
    void fieldMapErrors();
    void builtinTable();
};

void TestIndicators::kinds_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<sigma::Value::Type>("type");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedValue");
    QTest::addColumn<QString>("transformations");
    const auto S = Value::Type::String;
    QTest::addRow("plain") << "Image"
                           << "C:\\x.exe" << S << "eq"
                           << "C:\\x.exe"
                           << "";
    QTest::addRow("trailing star") << "DestAddress"
                                   << "127.*" << S << "starts_with"
                                   << "127."
                                   << "";
    QTest::addRow("leading star") << "Image"
                                  << "*\\thor.exe" << S << "ends_with"
                                  << "\\thor.exe"
                                  << "";
    QTest::addRow("both stars") << "CommandLine"
                                << "*-enc*" << S << "contains"
                                << "-enc"
                                << "";
    QTest::addRow("inner star") << "CommandLine"
                                << "a*b" << S << "wildcard"
                                << "a*b"
                                << "";
    QTest::addRow("question mark") << "CommandLine"
                                   << "a?" << S << "wildcard"
                                   << "a?"
                                   << "";
    QTest::addRow("lone star") << "CommandLine"
                               << "*" << S << "wildcard"
                               << "*"
                               << "";
    QTest::addRow("escaped star") << "CommandLine"
                                  << "abc\\*" << S << "eq"
                                  << "abc\\*"
                                  << "";
    QTest::addRow("escaped backslash then star") << "Image"
                                                 << "C:\\\\*" << S << "starts_with"
                                                 << "C:\\\\"
                                                 << "";
    QTest::addRow("contains") << "CommandLine|contains"
                              << " -enc " << S << "contains"
                              << " -enc "
                              << "";
    QTest::addRow("startswith") << "Image|startswith"
                                << "C:\\" << S << "starts_with"
                                << "C:\\"
                                << "";
    QTest::addRow("endswith") << "Image|endswith"
                              << ".exe" << S << "ends_with"
                              << ".exe"
                              << "";
    QTest::addRow("contains all") << "CommandLine|contains|all"
                                  << "x" << S << "contains"
                                  << "x"
                                  << "all";
    QTest::addRow("base64offset") << "CommandLine|base64offset|contains"
                                  << "IEX" << S << "contains"
                                  << "IEX"
                                  << "base64offset";
    QTest::addRow("wide base64") << "CommandLine|wide|base64offset|contains"
                                 << "ping" << S << "contains"
                                 << "ping"
                                 << "wide,base64offset";
    QTest::addRow("windash") << "CommandLine|windash|contains"
                             << "-c" << S << "contains"
                             << "-c"
                             << "windash";
    QTest::addRow("cased") << "CommandLine|cased"
                           << "AbC" << S << "eq"
                           << "AbC"
                           << "cased";
    QTest::addRow("re") << "CommandLine|re"
                        << "a.*b" << S << "regex_match"
                        << "a.*b"
                        << "";
    QTest::addRow("re i") << "CommandLine|re|i"
                          << "a.*b" << S << "regex_match"
                          << "a.*b"
                          << "i";
    QTest::addRow("cidr") << "DestinationIp|cidr"
                          << "10.0.0.0/8" << S << "cidr"
                          << "10.0.0.0/8"
                          << "";
    QTest::addRow("exists") << "User|exists"
                            << "true" << Value::Type::Boolean << "exists"
                            << "true"
                            << "";
    QTest::addRow("gt") << "Count|gt"
                        << "10" << Value::Type::Integer << "gt"
                        << "10"
                        << "";
    QTest::addRow("gte") << "Count|gte"
                         << "10" << Value::Type::Integer << "gte"
                         << "10"
                         << "";
    QTest::addRow("lt") << "Count|lt"
                        << "10" << Value::Type::Integer << "lt"
                        << "10"
                        << "";
    QTest::addRow("lte") << "Count|lte"
                         << "10" << Value::Type::Integer << "lte"
                         << "10"
                         << "";
    QTest::addRow("neq") << "User|neq"
                         << "SYSTEM" << S << "neq"
                         << "SYSTEM"
                         << "";
    QTest::addRow("fieldref") << "TargetUserName|fieldref"
                              << "SubjectUserName" << S << "fieldref"
                              << "SubjectUserName"
                              << "";
    QTest::addRow("fieldref neq") << "TargetUserName|fieldref|neq"
                                  << "SubjectUserName" << S << "fieldref"
                                  << "SubjectUserName"
                                  << "neq";
    QTest::addRow("null") << "CommandLine"
                          << "" << Value::Type::Null << "null"
                          << ""
                          << "";
    QTest::addRow("integer") << "DestPort"
                             << "03389" << Value::Type::Integer << "eq"
                             << "3389"
                             << "";
    QTest::addRow("expand") << "Image|expand"
                            << "%dir%\\x" << S << "eq"
                            << "%dir%\\x"
                            << "expand";
}

void TestIndicators::kinds()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(sigma::Value::Type, type);
    QFETCH(QString, kind);
    QFETCH(QString, expectedValue);
    QFETCH(QString, transformations);
    Rule rule;
    const auto text = value.toStdString();
    rule.detection.push_back(search("selection", {item(key, {val(text.c_str(), type, 7)})}));
    rule.conditions.push_back({"selection", {}, ident("selection")});
    auto inds = extractIndicators(rule);
    QCOMPARE(inds.size(), std::size_t(1));
    QCOMPARE(QString::fromLatin1(indicatorKindName(inds[0].kind)), kind);
    QCOMPARE(QString::fromStdString(inds[0].value), expectedValue);
    QStringList t;
    for (const auto& x : inds[0].transformations)
        t << QString::fromStdString(x);
    QCOMPARE(t.join(QLatin1Char(',')), transformations);
    QCOMPARE(inds[0].span.begin.line, 7);
    QVERIFY(!inds[0].excluded);
    QCOMPARE(inds[0].searchIdentifier, std::string("selection"));
    IndicatorKind back{};
    QVERIFY(indicatorKindFromName(kind.toStdString(), &back));
    QCOMPARE(back, inds[0].kind);
}

void TestIndicators::fieldNormalisation_data()
{
    QTest::addColumn<QString>("written");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedValue");
    QTest::addRow("sysmon name") << "Image"
                                 << "Image"
                                 << "x"
                                 << "eq"
                                 << "x";
    QTest::addRow("case") << "image"
                          << "image"
                          << "x"
                          << "eq"
                          << "x";
    QTest::addRow("security Application") << "Application"
                                          << "Image"
                                          << "x"
                                          << "eq"
                                          << "x";
    QTest::addRow("security DestAddress") << "DestAddress"
                                          << "DestinationIp"
                                          << "::1"
                                          << "eq"
                                          << "::1";
    QTest::addRow("security DestPort") << "DestPort"
                                       << "DestinationPort"
                                       << "1"
                                       << "eq"
                                       << "1";
    QTest::addRow("security SourceAddress") << "SourceAddress"
                                            << "SourceIp"
                                            << "1"
                                            << "eq"
                                            << "1";
    QTest::addRow("security NewProcessName") << "NewProcessName"
                                             << "Image"
                                             << "x"
                                             << "eq"
                                             << "x";
    QTest::addRow("ecs executable") << "process.executable"
                                    << "Image"
                                    << "x"
                                    << "eq"
                                    << "x";
    QTest::addRow("ecs name is a basename") << "process.name"
                                            << "Image"
                                            << "thor.exe"
                                            << "ends_with"
                                            << "\\thor.exe";
    QTest::addRow("ecs ip") << "destination.ip"
                            << "DestinationIp"
                            << "::1"
                            << "eq"
                            << "::1";
    QTest::addRow("ecs raw event data") << "winlog.event_data.FilterOrigin"
                                        << "FilterOrigin"
                                        << "x"
                                        << "eq"
                                        << "x";
    QTest::addRow("cim process_name") << "process_name"
                                      << "Image"
                                      << "a.exe"
                                      << "ends_with"
                                      << "\\a.exe";
    QTest::addRow("cim dest_ip") << "dest_ip"
                                 << "DestinationIp"
                                 << "127.*"
                                 << "starts_with"
                                 << "127.";
    QTest::addRow("cim qualified") << "Processes.process_path"
                                   << "Image"
                                   << "x"
                                   << "eq"
                                   << "x";
    QTest::addRow("cim case-insensitive") << "SRC_IP"
                                          << "SourceIp"
                                          << "x"
                                          << "eq"
                                          << "x";
    QTest::addRow("unknown") << "FilterOrigin"
                             << "FilterOrigin"
                             << "x"
                             << "eq"
                             << "x";
}

void TestIndicators::fieldNormalisation()
{
    QFETCH(QString, written);
    QFETCH(QString, canonical);
    QFETCH(QString, value);
    QFETCH(QString, kind);
    QFETCH(QString, expectedValue);
    Rule rule;
    const auto text = value.toStdString();
    rule.detection.push_back(search("selection", {item(written, {val(text.c_str())})}));
    rule.conditions.push_back({"selection", {}, ident("selection")});
    auto inds = extractIndicators(rule);
    QCOMPARE(inds.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(inds[0].field), canonical);
    QCOMPARE(QString::fromStdString(inds[0].writtenField), written);
    QCOMPARE(QString::fromLatin1(indicatorKindName(inds[0].kind)), kind);
    QCOMPARE(QString::fromStdString(inds[0].value), expectedValue);
}

void TestIndicators::scopedAlias()
{
    const auto& map = FieldMap::builtin();
    QVERIFY(map.size() > 100);
    // Security 4688's ProcessId is the creator's id; elsewhere ProcessId is canonical as written.
    QCOMPARE(map.canonical("ProcessId"), std::string("ProcessId"));
    FieldScope sec4688{"process_creation", {"Microsoft-Windows-Security-Auditing/4688"}};
    QCOMPARE(map.canonical("ProcessId", sec4688), std::string("ParentProcessId"));
    // ECS process.executable is SourceImage in process_access, Image elsewhere.
    QCOMPARE(map.canonical("process.executable"), std::string("Image"));
    QCOMPARE(map.canonical("process.executable", FieldScope{"process_access", {}}), std::string("SourceImage"));
    QCOMPARE(map.lookup("process.executable").schema, std::string("ecs"));
    QVERIFY(!map.lookup("CommandLine").mapped());
}

void TestIndicators::identityKey_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("valueA");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("valueB");
    QTest::addColumn<bool>("same");
    QTest::addRow("case of value") << "Image|endswith"
                                   << "\\THOR.exe"
                                   << "Image|endswith"
                                   << "\\thor.exe" << true;
    QTest::addRow("case of field") << "image|endswith"
                                   << "x"
                                   << "Image|endswith"
                                   << "x" << true;
    QTest::addRow("wildcard vs modifier") << "Image"
                                          << "*\\thor.exe"
                                          << "Image|endswith"
                                          << "\\thor.exe" << true;
    QTest::addRow("alias") << "Application|endswith"
                           << "\\thor.exe"
                           << "Image|endswith"
                           << "\\thor.exe" << true;
    QTest::addRow("basename alias") << "process.name"
                                    << "thor.exe"
                                    << "Image|endswith"
                                    << "\\thor.exe" << true;
    QTest::addRow("transformations ignored") << "CommandLine|base64offset|contains"
                                             << "x"
                                             << "CommandLine|contains"
                                             << "x" << true;
    QTest::addRow("cased keeps case") << "CommandLine|cased"
                                      << "ABC"
                                      << "CommandLine|cased"
                                      << "abc" << false;
    QTest::addRow("kind differs") << "Image|startswith"
                                  << "x"
                                  << "Image|endswith"
                                  << "x" << false;
    QTest::addRow("field differs") << "Image"
                                   << "x"
                                   << "ParentImage"
                                   << "x" << false;
    QTest::addRow("escaped backslash") << "Image|endswith"
                                       << "\\\\a"
                                       << "Image|endswith"
                                       << "\\a" << true;
}

void TestIndicators::identityKey()
{
    QFETCH(QString, a);
    QFETCH(QString, valueA);
    QFETCH(QString, b);
    QFETCH(QString, valueB);
    QFETCH(bool, same);
    auto one = [](const QString& key, const QString& value) {
        Rule rule;
        const auto text = value.toStdString();
        rule.detection.push_back(search("sel", {item(key, {val(text.c_str())})}));
        rule.conditions.push_back({"sel", {}, ident("sel")});
        return extractIndicators(rule).at(0).key();
    };
    QCOMPARE(one(a, valueA) == one(b, valueB), same);
}

void TestIndicators::listValuesAndSelectors()
{
    Rule rule;
    rule.detection.push_back(search("selection", {item(QStringLiteral("EventID"), {val("5156", Value::Type::Integer)}),
                                                  item(QStringLiteral("Channel"), {val("Security")})}));
    rule.detection.push_back(
        search("sel2", {item(QStringLiteral("CommandLine|contains|all"), {val("a", {}, 3), val("b", {}, 4)})}));
    DetectionItem kw;
    kw.isKeyword = true;
    kw.values = {val("mimikatz", {}, 9), val("sekurlsa", {}, 10)};
    SearchIdentifier keywords;
    keywords.name = "keywords";
    keywords.kind = SearchIdentifier::Kind::Keywords;
    keywords.maps.push_back({{kw}, {}});
    rule.detection.push_back(keywords);
    rule.conditions.push_back(
        {"", {}, op(ConditionNode::Kind::And, {ident("selection"), ident("sel2"), ident("keywords")})});
    auto inds = extractIndicators(rule);
    QCOMPARE(inds.size(), std::size_t(4));
    QCOMPARE(inds[0].value, std::string("a"));
    QCOMPARE(inds[1].value, std::string("b"));
    QCOMPARE(inds[1].span.begin.line, 4);
    QCOMPARE(inds[1].transformations, std::vector<std::string>{"all"});
    QCOMPARE(inds[2].kind, IndicatorKind::Keyword);
    QVERIFY(inds[2].field.empty());
    QCOMPARE(inds[3].value, std::string("sekurlsa"));
    QCOMPARE(inds[3].span.begin.line, 10);
}

void TestIndicators::exclusions()
{
    Rule rule;
    rule.detection.push_back(search("selection", {item(QStringLiteral("Image"), {val("a")})}));
    rule.detection.push_back(search("filter_a", {item(QStringLiteral("User"), {val("b")})}));
    rule.detection.push_back(search("filter_b", {item(QStringLiteral("User"), {val("c")})}));
    rule.detection.push_back(search("both", {item(QStringLiteral("User"), {val("d")})}));
    rule.detection.push_back(search("twice", {item(QStringLiteral("User"), {val("e")})}));
    // selection and not 1 of filter_* and (both or not both) and not (not twice)
    rule.conditions.push_back(
        {"",
         {},
         op(ConditionNode::Kind::And,
            {ident("selection"), op(ConditionNode::Kind::Not, {op(ConditionNode::Kind::OneOf, {}, "filter_*")}),
             op(ConditionNode::Kind::Or, {ident("both"), op(ConditionNode::Kind::Not, {ident("both")})}),
             op(ConditionNode::Kind::Not, {op(ConditionNode::Kind::Not, {ident("twice")})})})});
    auto inds = extractIndicators(rule);
    QCOMPARE(inds.size(), std::size_t(5));
    QVERIFY(!inds[0].excluded);
    QVERIFY(inds[1].excluded);
    QVERIFY(inds[2].excluded);
    QVERIFY(!inds[3].excluded); // used both ways: the rule also looks for it
    QVERIFY(!inds[4].excluded); // double negation
    QVERIFY(isExcludedIdentifier(rule, "filter_b"));
    QVERIFY(!isExcludedIdentifier(rule, "selection"));

    // "not 1 of them" leaves _underscore identifiers out of `them`.
    Rule r2;
    r2.detection.push_back(search("_helper", {item(QStringLiteral("Image"), {val("a")})}));
    r2.detection.push_back(search("filter", {item(QStringLiteral("Image"), {val("b")})}));
    r2.conditions.push_back(
        {"",
         {},
         op(ConditionNode::Kind::And,
            {ident("_helper"), op(ConditionNode::Kind::Not, {op(ConditionNode::Kind::OneOf, {}, "them")})})});
    QVERIFY(!isExcludedIdentifier(r2, "_helper"));
    QVERIFY(isExcludedIdentifier(r2, "filter"));
}

void TestIndicators::exclusionPatternsSelectAsTheEngine()
{
    // `?` is no wildcard in an x-of pattern: the specification names `*` only, and pySigma
    // (sigma/conditions.py) reads the operand as Word(alphanums + "*_") and turns only `*` into
    // `.*` in ConditionSelector.resolve_referenced_detections. So `not 1 of filter?` excludes the
    // identifier spelled `filter?` and nothing else; the corpus once let it exclude `filter1` too.
    const ParsedFile parsed = parseRuleText("title: t\n"
                                            "logsource: {product: windows, category: process_creation}\n"
                                            "detection:\n"
                                            "  selection: {Image: a}\n"
                                            "  'filter?': {User: x}\n"
                                            "  filter1: {User: b}\n"
                                            "  condition: selection and not 1 of filter?\n",
                                            "t.yml");
    const Rule* rule = parsed.firstRule();
    QVERIFY(rule);
    QVERIFY(isExcludedIdentifier(*rule, "filter?"));
    QVERIFY(!isExcludedIdentifier(*rule, "filter1"));

    // The engine agrees: filter1 does not keep an event out.
    CompileOptions options;
    options.scopeByLogSource = false;
    const auto compiled = compileRule(*rule, "t.yml", options);
    QVERIFY(compiled.rule);
    Event matching;
    matching.add("Image", "a");
    matching.add("User", "b");
    QVERIFY(compiled.rule->matches(matching));
    Event excluded;
    excluded.add("Image", "a");
    excluded.add("User", "x");
    QVERIFY(!compiled.rule->matches(excluded));
}

void TestIndicators::fieldMapErrors()
{
    Diagnostics diags;
    auto map = FieldMap::fromTsv(
        "# comment\nfoo\tFoo\tpath\tecs\t*\nbad line\nx\tX\tweird\tecs\t*\ny\tY\tpath\tecs\tnowhere\n", "map.tsv",
        &diags);
    QCOMPARE(map.size(), std::size_t(1));
    QCOMPARE(diags.size(), std::size_t(3));
    QCOMPARE(diags[0].file, std::string("map.tsv"));
    QCOMPARE(diags[0].span.begin.line, 3);
    QCOMPARE(diags[1].span.begin.line, 4);
    QCOMPARE(diags[2].span.begin.line, 5);
    QCOMPARE(map.canonical("FOO"), std::string("Foo"));
}

void TestIndicators::builtinTable()
{
    // The shipped tables (fieldmap.tsv, then the vendor names of fieldmap-vendors.tsv) parse cleanly
    // and map only onto field names the event catalog knows.
    std::string text;
    for (const char* table : {"fieldmap.tsv", "fieldmap-vendors.tsv"}) {
        auto t = resources::data(table);
        QVERIFY(t);
        text += std::string(*t) + "\n";
    }
    Diagnostics diags;
    const auto map = FieldMap::fromTsv(text, "fieldmap.tsv", &diags);
    QVERIFY2(diags.empty(), diags.empty() ? "" : diags.front().format().c_str());
    QCOMPARE(map.size(), FieldMap::builtin().size());
    std::set<std::string> known;
    for (const auto& f : EventCatalog::allFields())
        known.insert(asciiLowered(f));
    for (const auto& f : EventCatalog::systemFields())
        known.insert(asciiLowered(f));
    // Sigma taxonomy names the catalog cannot list: classic PowerShell (400/403/600/800) fields
    // live inside the "Data" text, and ComputerName is Sigma's name for Computer.
    for (const char* f : {"HostApplication", "HostId", "HostName", "HostVersion", "EngineVersion", "RunspaceId",
                          "PipelineId", "CommandName", "CommandPath", "CommandType", "NewEngineState",
                          "PreviousEngineState", "ScriptName", "SequenceNumber", "ComputerName"})
        known.insert(asciiLowered(f));
    int line = 0;
    for (std::string_view rest = text; !rest.empty();) {
        const auto eol = rest.find('\n');
        const auto row = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
        ++line;
        if (row.empty() || row.front() == '#')
            continue;
        const auto a = row.find('\t');
        const auto b = row.find('\t', a + 1);
        const std::string canonical(row.substr(a + 1, b - a - 1));
        QVERIFY2(known.count(asciiLowered(canonical)),
                 ("fieldmap.tsv:" + std::to_string(line) + ": " + canonical + " is not a catalog field").c_str());
    }
}

QTEST_GUILESS_MAIN(TestIndicators)
#include "tst_indicators.moc"
