// Processing pipelines (conversion/pipeline.h): each transformation and condition on fixture
// pipelines, the order of pipelines by priority, errors at file:line:col, and the built-in
// pipelines on sample rules. The rule after the pipelines is compared as a compact text: one line
// for the log source, one per search identifier (maps joined by " | ", items by " & "), the
// condition and the fields.
#include "conversion/pipeline.h"
#include "rule/parser.h"

#include "testsupport.h"

#include <QDir>
#include <QTest>

#include <algorithm>

using namespace sigma;
using namespace sigma::conversion;

#define S(text) QStringLiteral(text)

namespace {

std::string describe(const Rule& rule)
{
    std::string out =
        "logsource: " + rule.logsource.category + "/" + rule.logsource.product + "/" + rule.logsource.service + "\n";
    for (const auto& search : rule.detection) {
        out += search.name + ":";
        for (std::size_t m = 0; m < search.maps.size(); ++m) {
            out += m ? " |" : "";
            for (std::size_t i = 0; i < search.maps[m].items.size(); ++i) {
                const auto& item = search.maps[m].items[i];
                out += i ? " & " : " ";
                out += item.isKeyword ? std::string("<keywords>") : item.field;
                for (const auto& mod : item.modifiers)
                    out += "|" + mod.written;
                out += "=";
                for (std::size_t v = 0; v < item.values.size(); ++v)
                    out += (v ? "," : "") +
                           (item.values[v].type == Value::Type::Null ? std::string("null") : item.values[v].text);
            }
        }
        out += "\n";
    }
    for (const auto& c : rule.conditions)
        out += "condition: " + c.text + "\n";
    if (!rule.fields.empty()) {
        out += "fields:";
        for (const auto& f : rule.fields)
            out += " " + f;
        out += "\n";
    }
    return out;
}

std::string fixturePath(const QString& name)
{
    return sigmatest::dataPath(QStringLiteral("conversion_pipeline/") + name).toStdString();
}

Rule fixtureRule(const char* name)
{
    const ParsedFile parsed = parseRuleFile(fixturePath(QString::fromUtf8(name)));
    if (!parsed.firstRule())
        qFatal("fixture rule %s does not parse", name);
    return *parsed.firstRule();
}

Pipeline fixturePipeline(const QString& name)
{
    const auto load = loadPipeline(fixturePath(name));
    if (!load.pipeline) {
        for (const auto& d : load.diagnostics)
            qWarning("%s", d.format().c_str());
        qFatal("fixture pipeline %s does not load", qPrintable(name));
    }
    return *load.pipeline;
}

Pipeline fixturePipeline(const char* name)
{
    return fixturePipeline(QString::fromUtf8(name));
}

std::string errorsOf(const Diagnostics& diags)
{
    std::string out;
    for (const auto& d : diags)
        if (d.severity == Severity::Error)
            out += d.format() + "\n";
    return out;
}

const char* FilterLine = "filter_same: CurrentDirectory|fieldref=ParentImage";
const char* ProcBase = "filter_same: CurrentDirectory|fieldref=ParentImage\n"
                       "condition: selection and parent and not filter_same\n";

} // namespace

class TestConversionPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void transformations_data()
    {
        QTest::addColumn<QStringList>("pipelines");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QStringList>("applied");

        QTest::newRow("no pipeline: the rule as written")
            << QStringList{} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: Image|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: CurrentDirectory|fieldref=ParentImage\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: Image CommandLine\n")
            << QStringList{};
        QTest::newRow("field_name_mapping one-to-one, fields and fieldref too")
            << QStringList{S("map.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: process.executable|endswith=\\whoami.exe & process.command_line|contains=/all\n"
                 "parent: process.parent.executable|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: CurrentDirectory|fieldref=process.parent.executable\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: process.executable process.command_line\n")
            << QStringList{S("map_proc")};
        QTest::newRow("field_name_mapping one-to-many: OR of the alternatives, multiplied out")
            << QStringList{S("one_to_many.yml")} << S("three_fields.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: FolderPath|endswith=\\whoami.exe & ParentA|endswith=\\cmd.exe,\\powershell.exe & "
                 "CommandLine|contains=/all |"
                 " FolderPath|endswith=\\whoami.exe & ParentB|endswith=\\cmd.exe,\\powershell.exe & "
                 "CommandLine|contains=/all |"
                 " InitiatingProcessFolderPath|endswith=\\whoami.exe & ParentA|endswith=\\cmd.exe,\\powershell.exe & "
                 "CommandLine|contains=/all |"
                 " InitiatingProcessFolderPath|endswith=\\whoami.exe & ParentB|endswith=\\cmd.exe,\\powershell.exe & "
                 "CommandLine|contains=/all\n"
                 "condition: selection\n"
                 "fields: FolderPath InitiatingProcessFolderPath\n")
            << QStringList{S("alternatives")};
        QTest::newRow("field_name_prefix with exclude_fields, suffix with include_fields mode re")
            << QStringList{S("affixes.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: winlog.event_data.Image|endswith=\\whoami.exe & CommandLine.keyword|contains=/all\n"
                 "parent: winlog.event_data.ParentImage|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: winlog.event_data.CurrentDirectory|fieldref=winlog.event_data.ParentImage\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: winlog.event_data.Image CommandLine.keyword\n")
            << QStringList{S("prefix_all"), S("suffix_cmd")};
        QTest::newRow("add_condition: a selection and'ed to the condition; negated")
            << QStringList{S("add_condition.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: Image|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(FilterLine) +
                   S("\n"
                     "_pipeline_cond_1: Channel=Microsoft-Windows-Sysmon/Operational & EventID=1,4688\n"
                     "_pipeline_cond_2: Computer|startswith=TEST-\n"
                     "condition: not _pipeline_cond_2 and (_pipeline_cond_1 and (selection and parent and not "
                     "filter_same))\n"
                     "fields: Image CommandLine\n")
            << QStringList{S("sysmon_channel"), S("not_test_hosts")};
        QTest::newRow("change_logsource, then a condition on the item applied and the new log source")
            << QStringList{S("change_logsource.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/sysmon\n"
                 "selection: sysmon.Image|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(ProcBase) + S("fields: sysmon.Image CommandLine\n")
            << QStringList{S("to_sysmon"), S("after_sysmon")};
        QTest::newRow("replace_string: regex with a group, on literal runs; match_string item condition")
            << QStringList{S("replace_string.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: Image|endswith=whoami.EXE & CommandLine|contains=-all\n"
                 "parent: ParentImage|endswith=cmd.EXE,powershell.EXE\n") +
                   QString::fromLatin1(ProcBase) + S("fields: Image CommandLine\n")
            << QStringList{S("drive_letters"), S("slash_to_dash")};
        QTest::newRow("drop_detection_item: include and exclude field conditions (and)")
            << QStringList{S("drop.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: Image|endswith=\\whoami.exe\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(ProcBase) + S("fields: Image CommandLine\n")
            << QStringList{S("drop_cmd")};
        QTest::newRow("value_placeholders: include list; excluded placeholders stay")
            << QStringList{S("vars.yml")} << S("placeholders.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: User=alice,bob* & CommandLine|expand|contains=\\\\%server%\\c$\n"
                 "condition: selection\n")
            << QStringList{S("expand_admins")};
        QTest::newRow("rule_cond_op or; rule_cond_not; is_null detection item condition")
            << QStringList{S("conditions_or_not.yml")} << S("keywords.yml")
            << S("logsource: /windows/security\n"
                 "keywords: <keywords>=mimikatz,sekurlsa::\n"
                 "empty: x.SubjectUserName_isnull=null & x.EventID=4624\n"
                 "condition: keywords or empty\n")
            << QStringList{S("linux_or_security"), S("null_items")};
        QTest::newRow("rule conditions that do not hold: nothing applied")
            << QStringList{S("conditions_or_not.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: Image|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(ProcBase) + S("fields: Image CommandLine\n")
            << QStringList{};
        QTest::newRow("priorities: 10 before 50 whatever the order given")
            << QStringList{S("prio_high.yml"), S("prio_low.yml")} << S("proc.yml")
            << S("logsource: process_creation/windows/\n"
                 "selection: B|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(ProcBase) + S("fields: B CommandLine\n")
            << QStringList{S("first"), S("second")};
    }
    void transformations()
    {
        QFETCH(QStringList, pipelines);
        QFETCH(QString, rule);
        QFETCH(QString, expected);
        QFETCH(QStringList, applied);
        std::vector<Pipeline> list;
        for (const auto& p : pipelines)
            list.push_back(fixturePipeline(p));
        const PipelineResult result = applyPipelines(fixtureRule(rule.toUtf8().constData()), list);
        QCOMPARE(QString::fromStdString(errorsOf(result.diagnostics)), QString());
        // line by line: a difference is reported as the first line that differs
        QCOMPARE(QString::fromStdString(describe(result.rule)).split(QLatin1Char('\n')),
                 expected.split(QLatin1Char('\n')));
        QStringList got;
        for (const auto& a : result.applied)
            got << QString::fromStdString(a);
        QCOMPARE(got, applied);
    }

    void equalPrioritiesKeepTheGivenOrder()
    {
        Pipeline a = fixturePipeline("prio_low.yml"), b = fixturePipeline("prio_high.yml");
        b.priority = a.priority;
        // b first: A is not there yet when b runs, so Image becomes C; a then finds no Image.
        auto r = applyPipelines(fixtureRule("proc.yml"), {b, a});
        QCOMPARE(r.rule.detection[0].maps[0].items[0].field, std::string("C"));
        r = applyPipelines(fixtureRule("proc.yml"), {a, b});
        QCOMPARE(r.rule.detection[0].maps[0].items[0].field, std::string("B"));
    }

    void addConditionSpellsOutPatternsThatWouldSelectIt()
    {
        auto parsed = parseRuleText("title: t\nlogsource:\n    product: windows\ndetection:\n"
                                    "    sel_a:\n        A: 1\n    sel_b:\n        B: 2\n"
                                    "    condition: 1 of * and all of them\n",
                                    "t.yml");
        QVERIFY(parsed.firstRule());
        const auto r = applyPipelines(*parsed.firstRule(), {fixturePipeline("add_condition.yml")});
        const auto& root = *r.rule.conditions[0].root;
        // not _c2 and (_c1 and (1 of * and all of them)): "1 of *" would select the added
        // selections, so it is spelled out as (sel_a or sel_b); "them" skips names with '_'.
        QCOMPARE(int(root.kind), int(ConditionNode::Kind::And));
        const auto& inner = root.children[1].children[1];
        QCOMPARE(int(inner.children[0].kind), int(ConditionNode::Kind::Or));
        QCOMPARE(inner.children[0].children.size(), std::size_t(2));
        QCOMPARE(inner.children[0].children[1].name, std::string("sel_b"));
        QCOMPARE(int(inner.children[1].kind), int(ConditionNode::Kind::AllOf));
    }

    void unresolvedPlaceholderIsAnError()
    {
        Pipeline p = fixturePipeline("vars.yml");
        p.transformations[0].include.clear(); // every placeholder now: %server% is in vars, fine
        auto r = applyPipelines(fixtureRule("placeholders.yml"), {p});
        QVERIFY(r.ok());
        // '\\%server%' is one backslash (Sigma's escape), then the value
        QCOMPARE(r.rule.detection[0].maps[0].items[1].values[0].text, std::string("\\fs01\\c$"));
        QVERIFY(!r.rule.detection[0].maps[0].items[1].has(ModifierKind::Expand));
        p.vars.erase("server");
        r = applyPipelines(fixtureRule("placeholders.yml"), {p});
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics[0].code, std::string("pipeline-unresolved-placeholder"));
        QCOMPARE(r.diagnostics[0].span.begin.line, 8); // the rule's value
    }

    void ambiguousFieldrefIsAnError()
    {
        const auto r = applyPipelines(fixtureRule("proc.yml"), {fixturePipeline("one_to_many.yml")});
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics[0].code, std::string("pipeline-fieldref-ambiguous"));
        QCOMPARE(r.diagnostics[0].span.begin.line, 16); // the rule's `ParentImage` value
    }

    void dropLeavingNothingIsAnError()
    {
        const auto drop = parsePipeline("name: d\ntransformations:\n  - type: drop_detection_item\n"
                                        "    field_name_conditions:\n      - type: include_fields\n"
                                        "        fields: CurrentDirectory\n",
                                        "inline.yml");
        QVERIFY(drop.pipeline);
        const auto r = applyPipelines(fixtureRule("proc.yml"), {*drop.pipeline});
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics[0].code, std::string("pipeline-empty-search"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected"); // "line:col code" of every error, in order
        QTest::newRow("unknown transformation type")
            << S("err_unknown_type.yml") << QStringList{S("7:11 pipeline-unknown-type")};
        QTest::newRow("YAML syntax") << S("err_yaml.yml") << QStringList{S("5:27 pipeline-yaml-syntax")};
        QTest::newRow("bad regex") << S("err_regex.yml") << QStringList{S("4:12 pipeline-invalid-regex")};
        QTest::newRow("unknown key, missing parameter, unknown condition type")
            << S("err_keys.yml")
            << QStringList{S("6:5 pipeline-invalid"), S("7:11 pipeline-invalid"), S("11:15 pipeline-unknown-type")};
    }
    void errors()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        const std::string path = fixturePath(file);
        const auto load = loadPipeline(path);
        QVERIFY(!load.pipeline);
        QStringList got;
        for (const auto& d : load.diagnostics) {
            QCOMPARE(d.file, path);
            if (d.severity == Severity::Error)
                got << QStringLiteral("%1:%2 %3")
                           .arg(d.span.begin.line)
                           .arg(d.span.begin.column)
                           .arg(QString::fromStdString(d.code));
        }
        QCOMPARE(got, expected);
    }

    void unknownNameOrFile()
    {
        const auto load = loadPipeline("no-such-pipeline");
        QVERIFY(!load.pipeline);
        QCOMPARE(load.diagnostics.at(0).code, std::string("pipeline-not-found"));
        QVERIFY(load.diagnostics[0].message.find("ecs, sentinel, splunk-cim, sysmon") != std::string::npos);
    }

    void builtins_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sysmon: channel and EventID, service sysmon")
            << S("sysmon")
            << S("logsource: process_creation/windows/sysmon\n"
                 "selection: Image|endswith=\\whoami.exe & CommandLine|contains=/all\n"
                 "parent: ParentImage|endswith=\\cmd.exe,\\powershell.exe\n") +
                   QString::fromLatin1(FilterLine) +
                   S("\n_pipeline_cond_1: Channel=Microsoft-Windows-Sysmon/Operational & EventID=1\n"
                     "condition: _pipeline_cond_1 and (selection and parent and not filter_same)\n"
                     "fields: Image CommandLine\n");
        QTest::newRow("ecs: ECS names, event data prefix for the rest")
            << S("ecs")
            << S("logsource: process_creation/windows/\n"
                 "selection: process.executable|endswith=\\whoami.exe & process.command_line|contains=/all\n"
                 "parent: process.parent.executable|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: process.working_directory|fieldref=process.parent.executable\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: process.executable process.command_line\n");
        QTest::newRow("splunk-cim: Endpoint.Processes names")
            << S("splunk-cim")
            << S("logsource: process_creation/windows/\n"
                 "selection: process_path|endswith=\\whoami.exe & process|contains=/all\n"
                 "parent: parent_process_path|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: process_current_directory|fieldref=parent_process_path\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: process_path process\n");
        QTest::newRow("sentinel: DeviceProcessEvents columns")
            << S("sentinel")
            << S("logsource: process_creation/windows/\n"
                 "selection: FolderPath|endswith=\\whoami.exe & ProcessCommandLine|contains=/all\n"
                 "parent: InitiatingProcessFolderPath|endswith=\\cmd.exe,\\powershell.exe\n"
                 "filter_same: CurrentDirectory|fieldref=InitiatingProcessFolderPath\n"
                 "condition: selection and parent and not filter_same\n"
                 "fields: FolderPath ProcessCommandLine\n");
    }
    void builtins()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const auto load = loadPipeline(name.toStdString());
        QVERIFY2(load.pipeline, errorsOf(load.diagnostics).c_str());
        QCOMPARE(QString::fromStdString(load.pipeline->file), QStringLiteral("builtin:") + name);
        QVERIFY(load.diagnostics.empty());
        const auto r = applyPipelines(fixtureRule("proc.yml"), {*load.pipeline});
        QVERIFY(r.ok());
        QCOMPARE(QString::fromStdString(describe(r.rule)).split(QLatin1Char('\n')), expected.split(QLatin1Char('\n')));
    }

    // set_state (pySigma): the sentinel pipeline names the KQL table per log source.
    void setStateNamesTheTable_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("table");
        QTest::newRow("process_creation") << S("proc.yml") << S("DeviceProcessEvents");
        QTest::newRow("service security") << S("keywords.yml") << S("SecurityEvent");
    }
    void setStateNamesTheTable()
    {
        QFETCH(QString, rule);
        QFETCH(QString, table);
        const auto r = applyPipelines(fixtureRule(rule.toUtf8().constData()), {*loadPipeline("sentinel").pipeline});
        QCOMPARE(QString::fromStdString(r.state.at("query_table")), table);
        const auto parsed = parsePipeline("name: s\ntransformations:\n  - type: set_state\n    key: k\n", "s.yml");
        QVERIFY(!parsed.pipeline);
        QCOMPARE(parsed.diagnostics.at(0).message, std::string("'set_state' needs 'val'"));
    }

    void sysmonThenEcsMapsTheAddedConditions()
    {
        const auto sysmon = loadPipeline("sysmon"), ecs = loadPipeline("ecs");
        // Given in the "wrong" order: priorities put sysmon (10) before ecs (20).
        const auto r = applyPipelines(fixtureRule("proc.yml"), {*ecs.pipeline, *sysmon.pipeline});
        QVERIFY(r.ok());
        const auto& added = r.rule.detection.back();
        QCOMPARE(added.maps[0].items[0].field, std::string("winlog.channel"));
        QCOMPARE(added.maps[0].items[1].field, std::string("event.code"));
    }

    void ecsServiceRuleGetsEventDataPrefix()
    {
        const auto r = applyPipelines(fixtureRule("keywords.yml"), {*loadPipeline("ecs").pipeline});
        QCOMPARE(QString::fromStdString(describe(r.rule)),
                 S("logsource: /windows/security\n"
                   "keywords: <keywords>=mimikatz,sekurlsa::\n"
                   "empty: winlog.event_data.SubjectUserName=null & event.code=4624\n"
                   "condition: keywords or empty\n"));
    }

    void builtinsLoadOnTheSigmaHQRules()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules/windows/process_creation");
        std::vector<Pipeline> all;
        for (const auto& name : builtinPipelineNames())
            all.push_back(*loadPipeline(name).pipeline);
        QDir dir(sharedPathValue);
        int rules = 0, mapped = 0;
        for (const auto& f : dir.entryList({S("*.yml")}, QDir::Files)) {
            const auto parsed = parseRuleFile(dir.filePath(f).toStdString());
            if (!parsed.firstRule())
                continue;
            ++rules;
            for (const auto& p : all) {
                const auto r = applyPipelines(*parsed.firstRule(), {p});
                QVERIFY2(r.ok(), (f.toStdString() + ": " + errorsOf(r.diagnostics)).c_str());
                mapped += !r.applied.empty();
            }
        }
        QVERIFY(rules > 100);
        qInfo("%d process_creation rules, %d of %d (rule, pipeline) pairs changed", rules, mapped,
              rules * int(all.size()));
        QVERIFY(mapped >= rules * int(all.size()) * 95 / 100);
    }
};

QTEST_GUILESS_MAIN(TestConversionPipeline)
#include "tst_conversion_pipeline.moc"
