// Conversion of rules to queries (core/conversion): golden queries per target for every modifier
// and escaping case (tests/data/conversion/cases, golden files under
// tests/data/conversion/golden/<target>/, reviewed by hand), the bundled sample rules, explicit
// escaping rows, diagnostics for what a target cannot express, fragments, and `sigmawb convert`.
//
// Regenerate the golden files after a deliberate change with SIGMA_UPDATE_GOLDEN=1 and review the
// diff before committing it.
#include "conversion/conversion.h"
#include "conversion/pipeline.h"
#include "engine/loader.h"
#include "query/query.h"
#include "rule/parser.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <set>

using namespace sigma;
using namespace sigma::conversion;

namespace {

QString samplesDir()
{
    return QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples"))).absolutePath();
}

/// Every rule document of a file converted, as the golden files hold it: one block per rule, an
/// error block `ERROR line:column: message` when it cannot be converted.
QByteArray convertFile(const QString& path, Target target)
{
    const ParsedFile parsed = parseRuleFile(path.toStdString());
    QByteArray out;
    for (const auto& doc : parsed.documents) {
        const Rule* rule = doc.rule();
        if (!rule)
            continue;
        const ConversionResult r = convert(*rule, target);
        if (!out.isEmpty())
            out += '\n';
        if (r.ok()) {
            out += QByteArray::fromStdString(r.query) + '\n';
            continue;
        }
        for (const auto& d : r.diagnostics)
            if (d.severity == Severity::Error)
                out += "ERROR " + QByteArray::number(d.span.begin.line) + ':' +
                       QByteArray::number(d.span.begin.column) + ": " + QByteArray::fromStdString(d.message) + '\n';
    }
    return out;
}

void compareGolden(const QString& rulePath, Target target, const QString& golden)
{
    const QByteArray actual = convertFile(rulePath, target);
    QVERIFY2(!actual.isEmpty(), qPrintable(rulePath + QLatin1String(": no rule document")));
    if (qEnvironmentVariableIsSet("SIGMA_UPDATE_GOLDEN")) {
        QVERIFY(sigmatest::writeFile(golden, actual));
        return;
    }
    const QByteArray expected = sigmatest::readFile(golden);
    QVERIFY2(!expected.isEmpty(), qPrintable(QLatin1String("missing golden file ") + golden +
                                             QLatin1String(" (SIGMA_UPDATE_GOLDEN=1 writes it)")));
    QCOMPARE(QString::fromUtf8(actual), QString::fromUtf8(expected));
}

Rule parseOne(const std::string& yaml)
{
    ParsedFile f = parseRuleText(yaml, "inline.yml");
    const Rule* r = f.firstRule();
    return r ? *r : Rule{};
}

void ruleFields(const Node& n, std::set<std::string>& out, bool& fieldRef)
{
    if (n.kind == Node::Kind::Predicate) {
        if (!n.predicate.field.empty())
            out.insert(n.predicate.field);
        fieldRef = fieldRef || n.predicate.kind == Predicate::Kind::FieldRef;
    }
    for (const auto& c : n.children)
        ruleFields(c, out, fieldRef);
}

void queryFields(const PredicateNode& n, std::set<std::string>& out)
{
    if (n.kind == PredicateNode::Kind::Compare && !n.field.empty())
        out.insert(n.fieldAsWritten.empty() ? n.field : n.fieldAsWritten);
    for (const auto& c : n.children)
        queryFields(c, out);
}

/// Converts every rule under `dir` to `target` and reads the query back with the project's own
/// reader of that language (core/query): every query must read without error, and name the same
/// fields as the rule. Rules with |fieldref are left out of the field comparison (the readers do
/// not report both sides of a field-to-field comparison).
void readBackFolder(const std::string& dir, Target target, QueryLanguage language, std::size_t minimum)
{
    Diagnostics ignored;
    std::size_t read = 0, same = 0, fieldRefs = 0;
    for (const auto& file : collectRuleFiles({dir}, ignored)) {
        const ParsedFile parsed = parseRuleFile(file);
        const Rule* rule = parsed.firstRule();
        if (!rule)
            continue;
        const ConversionResult r = convert(*rule, target, {}, file);
        if (!r.ok())
            continue;
        const ParsedQuery q = parseQuery(language, QuerySource(r.query, file));
        const std::string problem = q.diagnostics.empty() ? std::string() : q.diagnostics.front().message;
        QVERIFY2(q.analysed(), qPrintable(QString::fromStdString(file + ": " + problem + "\n" + r.query)));
        ++read;
        std::set<std::string> expected, actual;
        bool fieldRef = false;
        ruleFields(*lower(*rule).root, expected, fieldRef);
        if (fieldRef) {
            ++fieldRefs;
            continue;
        }
        queryFields(q.root, actual);
        std::string a, b;
        for (const auto& f : expected)
            a += f + " ";
        for (const auto& f : actual)
            b += f + " ";
        QVERIFY2(a == b, qPrintable(QString::fromStdString(file + "\nrule fields:  " + a + "\nquery fields: " + b +
                                                           "\n" + r.query)));
        ++same;
    }
    qInfo("%s: %zu queries read back by core/query, %zu with the rule's fields, %zu with fieldref not compared",
          targetName(target), read, same, fieldRefs);
    QVERIFY(read >= minimum);
}

std::string ruleWith(const std::string& item)
{
    return "title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n        " + item +
           "\n    condition: sel\n";
}

} // namespace

class TestConversion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void targets_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("target");
        QTest::newRow("splunk") << QStringLiteral("splunk") << int(Target::Splunk);
        QTest::newRow("spl alias") << QStringLiteral("SPL") << int(Target::Splunk);
        QTest::newRow("esql") << QStringLiteral("esql") << int(Target::Esql);
        QTest::newRow("es|ql alias") << QStringLiteral("ES|QL") << int(Target::Esql);
        QTest::newRow("eql") << QStringLiteral("eql") << int(Target::Eql);
        QTest::newRow("lucene") << QStringLiteral("lucene") << int(Target::Lucene);
        QTest::newRow("kusto") << QStringLiteral("kusto") << int(Target::Kusto);
        QTest::newRow("kql alias") << QStringLiteral("kql") << int(Target::Kusto);
        QTest::newRow("sqlite") << QStringLiteral("sqlite") << int(Target::Sqlite);
        QTest::newRow("unknown") << QStringLiteral("oracle") << -1;
    }
    void targets()
    {
        QFETCH(QString, name);
        QFETCH(int, target);
        const auto t = parseTarget(name.toStdString());
        QCOMPARE(t ? int(*t) : -1, target);
        if (t)
            QCOMPARE(parseTarget(targetName(*t)), t);
    }

    void cases_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("golden");
        const QDir dir(sigmatest::dataPath(QStringLiteral("conversion/cases")));
        const auto files = dir.entryList({QStringLiteral("*.yml")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 40);
        for (Target t : allTargets())
            for (const auto& f : files) {
                const QString name = QFileInfo(f).completeBaseName();
                QTest::addRow("%s/%s", targetName(t), qPrintable(name))
                    << dir.filePath(f) << int(t)
                    << sigmatest::dataPath(QStringLiteral("conversion/golden/%1/cases/%2.txt")
                                               .arg(QString::fromLatin1(targetName(t)), name));
            }
    }
    void cases()
    {
        QFETCH(QString, rule);
        QFETCH(int, target);
        QFETCH(QString, golden);
        compareGolden(rule, Target(target), golden);
    }

    void samples_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("golden");
        QStringList files;
        for (const QString& sub : {QStringLiteral("rules"), QStringLiteral("correlations")}) {
            const QDir dir(samplesDir() + QLatin1Char('/') + sub);
            for (const auto& f : dir.entryList({QStringLiteral("*.yml")}, QDir::Files, QDir::Name))
                files << dir.filePath(f);
        }
        QVERIFY(files.size() >= 5);
        for (Target t : allTargets())
            for (const auto& f : files) {
                const QString name = QFileInfo(f).completeBaseName();
                QTest::addRow("%s/%s", targetName(t), qPrintable(name))
                    << f << int(t)
                    << sigmatest::dataPath(QStringLiteral("conversion/golden/%1/samples/%2.txt")
                                               .arg(QString::fromLatin1(targetName(t)), name));
            }
    }
    void samples()
    {
        QFETCH(QString, rule);
        QFETCH(int, target);
        QFETCH(QString, golden);
        compareGolden(rule, Target(target), golden);
    }

    // Explicit rows, independent of the golden files: how each target escapes and folds case.
    void escaping_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("item");
        QTest::addColumn<QString>("expected");
        // A backslash before a wildcard: Sigma `\\*` is one backslash then the wildcard.
        QTest::newRow("splunk backslash+star")
            << int(Target::Splunk) << QStringLiteral("f: 'C:\\Users\\\\*'") << QStringLiteral("f=\"C:\\\\Users\\\\*\"");
        QTest::newRow("sqlite backslash+star") << int(Target::Sqlite) << QStringLiteral("f: 'C:\\Users\\\\*'")
                                               << QStringLiteral("\"f\" LIKE 'C:\\\\Users\\\\%' ESCAPE '\\'");
        QTest::newRow("lucene backslash+star")
            << int(Target::Lucene) << QStringLiteral("f: 'C:\\Users\\\\*'") << QStringLiteral("f:C\\:\\\\Users\\\\*");
        // An escaped wildcard is a literal star: Splunk's search cannot hold one, so `| where`.
        QTest::newRow("splunk literal star") << int(Target::Splunk) << QStringLiteral("f: 'a\\*b'")
                                             << QStringLiteral("* | where match(f, \"(?i)^a\\\\*b$\")");
        QTest::newRow("sqlite literal percent") << int(Target::Sqlite) << QStringLiteral("f|contains: '100%_'")
                                                << QStringLiteral("\"f\" LIKE '%100\\%\\_%' ESCAPE '\\'");
        QTest::newRow("sqlite quote") << int(Target::Sqlite) << QStringLiteral("f: \"it's\"")
                                      << QStringLiteral("\"f\" LIKE 'it''s' ESCAPE '\\'");
        QTest::newRow("esql folded") << int(Target::Esql) << QStringLiteral("f: 'ÄBC'")
                                     << QStringLiteral("FROM logs-* | WHERE TO_LOWER(f) == \"äbc\"");
        QTest::newRow("esql like escape") << int(Target::Esql) << QStringLiteral("f|endswith: '\\x\\?'")
                                          << QStringLiteral("FROM logs-* | WHERE TO_LOWER(f) LIKE \"*\\\\\\\\x\\\\?\"");
        QTest::newRow("esql question wildcard")
            << int(Target::Esql) << QStringLiteral("f|endswith: '\\x?'")
            << QStringLiteral("FROM logs-* | WHERE TO_LOWER(f) LIKE \"*\\\\\\\\x?\"");
        QTest::newRow("eql literal star -> regex~") << int(Target::Eql) << QStringLiteral("f|contains: 'a\\*'")
                                                    << QStringLiteral("any where f regex~ \".*a\\\\*.*\"");
        QTest::newRow("kusto question -> regex")
            << int(Target::Kusto) << QStringLiteral("f: 'a?c'") << QStringLiteral("f matches regex \"(?is)^a.c$\"");
        QTest::newRow("kusto cased") << int(Target::Kusto) << QStringLiteral("f|cased|startswith: 'Ab'")
                                     << QStringLiteral("f startswith_cs \"Ab\"");
        QTest::newRow("lucene blank and colon")
            << int(Target::Lucene) << QStringLiteral("f: 'a b:c'") << QStringLiteral("f:a\\ b\\:c");
        QTest::newRow("lucene operator word")
            << int(Target::Lucene) << QStringLiteral("f: 'OR'") << QStringLiteral("f:\"OR\"");
        QTest::newRow("splunk quotes") << int(Target::Splunk) << QStringLiteral("f: 'say \"x\"'")
                                       << QStringLiteral("f=\"say \\\"x\\\"\"");
        QTest::newRow("splunk IN") << int(Target::Splunk) << QStringLiteral("f: ['a', 'b*']")
                                   << QStringLiteral("f IN (\"a\", \"b*\")");
        QTest::newRow("splunk re") << int(Target::Splunk) << QStringLiteral("f|re: 'a\\d+'")
                                   << QStringLiteral("* | regex f=\"a\\\\d+\"");
        QTest::newRow("splunk cidr") << int(Target::Splunk) << QStringLiteral("f|cidr: '10.0.0.0/8'")
                                     << QStringLiteral("* | where cidrmatch(\"10.0.0.0/8\", f)");
        QTest::newRow("sqlite cidr /12")
            << int(Target::Sqlite) << QStringLiteral("f|cidr: '172.16.0.0/14'")
            << QStringLiteral("(\"f\" LIKE '172.16.%' ESCAPE '\\' OR \"f\" LIKE '172.17.%' ESCAPE '\\' OR \"f\" LIKE "
                              "'172.18.%' ESCAPE '\\' OR \"f\" LIKE '172.19.%' ESCAPE '\\')");
        QTest::newRow("inline (?i) becomes the flag") << int(Target::Eql) << QStringLiteral("f|re: '(?i)abc'")
                                                      << QStringLiteral("any where f regex~ \".*abc.*\"");
    }
    void escaping()
    {
        QFETCH(int, target);
        QFETCH(QString, item);
        QFETCH(QString, expected);
        const Rule rule = parseOne(ruleWith(item.toStdString()));
        QVERIFY(!rule.detection.empty());
        const ConversionResult r = convert(rule, Target(target));
        QVERIFY2(r.ok(), r.diagnostics.empty() ? "no query" : r.diagnostics.front().format().c_str());
        QVERIFY2(QString::fromStdString(r.query).endsWith(expected),
                 qPrintable(QString::fromStdString(r.query) + QLatin1String("\n does not end with\n") + expected));
    }

    // What a target cannot express is an error on the construct's line, and no query.
    void unsupported_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("item");
        QTest::addColumn<QString>("message");
        QTest::newRow("lucene fieldref") << int(Target::Lucene) << QStringLiteral("a|fieldref: b")
                                         << QStringLiteral("fieldref");
        QTest::newRow("lucene re|i") << int(Target::Lucene) << QStringLiteral("a|re|i: 'x'")
                                     << QStringLiteral("case-insensitive");
        QTest::newRow("esql lookahead") << int(Target::Esql) << QStringLiteral("a|re: 'x(?=y)'")
                                        << QStringLiteral("group option");
        QTest::newRow("eql backreference")
            << int(Target::Eql) << QStringLiteral("a|re: '(x)\\1'") << QStringLiteral("escape \\1");
        QTest::newRow("kusto lookbehind")
            << int(Target::Kusto) << QStringLiteral("a|re: '(?<!x)y'") << QStringLiteral("RE2");
        QTest::newRow("splunk fieldref contains")
            << int(Target::Splunk) << QStringLiteral("a|fieldref|contains: b") << QStringLiteral("fieldref");
        QTest::newRow("time part (all targets)")
            << int(Target::Sqlite) << QStringLiteral("a|hour: 3") << QStringLiteral("time-part");
        QTest::newRow("sqlite keyword") << int(Target::Sqlite) << QStringLiteral("") << QStringLiteral("keywords");
    }
    void unsupported()
    {
        QFETCH(int, target);
        QFETCH(QString, item);
        QFETCH(QString, message);
        const std::string yaml = item.isEmpty() ? "title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
                                                  "        - 'evil'\n    condition: sel\n"
                                                : ruleWith(item.toStdString());
        const Rule rule = parseOne(yaml);
        const ConversionResult r = convert(rule, Target(target), {}, "inline.yml");
        QVERIFY(!r.ok());
        QVERIFY(r.query.empty());
        QVERIFY(!r.diagnostics.empty());
        const Diagnostic& d = r.diagnostics.front();
        QCOMPARE(d.severity, Severity::Error);
        QCOMPARE(d.file, std::string("inline.yml"));
        QCOMPARE(d.span.begin.line, 6); // the item's (value's) line
        QVERIFY2(QString::fromStdString(d.message).contains(message), d.message.c_str());
    }

    // Pipelines rewrite a copy of the rule before it is lowered (the only way to transform it);
    // a pipeline error stops the conversion.
    void pipelinesRewriteACopy()
    {
        const Rule rule = parseOne(ruleWith("Image|endswith: '\\x.exe'"));
        const PipelineLoad mapping = parsePipeline("name: m\ntransformations:\n  - type: field_name_mapping\n"
                                                   "    mapping:\n      Image: process.executable\n",
                                                   "m.yml");
        QVERIFY(mapping.pipeline);
        const ConversionResult r = convertWithPipelines(rule, Target::Kusto, {*mapping.pipeline}, {}, "r.yml");
        QCOMPARE(r.query, std::string("['process.executable'] endswith \"\\\\x.exe\""));
        QCOMPARE(rule.detection.front().maps.front().items.front().field, std::string("Image"));
        const PipelineLoad drop = parsePipeline("name: d\ntransformations:\n  - type: drop_detection_item\n"
                                                "    field_name_conditions:\n      - type: include_fields\n"
                                                "        fields: [Image]\n",
                                                "d.yml");
        QVERIFY(drop.pipeline);
        const ConversionResult dropped = convertWithPipelines(rule, Target::Kusto, {*drop.pipeline}, {}, "r.yml");
        QVERIFY(!dropped.ok());
        QVERIFY(hasErrors(dropped.diagnostics));
    }

    // Every predicate has a fragment whose origin is its value in the rule.
    void fragments()
    {
        const Rule rule = parseOne("title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n"
                                   "        Image|endswith: '\\x.exe'\n        User: 'bob'\n    condition: sel\n");
        const ConversionResult r = convert(rule, Target::Splunk);
        QVERIFY(r.ok());
        QCOMPARE(r.fragments.size(), std::size_t(2));
        QCOMPARE(r.query.substr(r.fragments[0].begin, r.fragments[0].end - r.fragments[0].begin),
                 std::string("Image=\"*\\\\x.exe\""));
        QCOMPARE(r.fragments[0].origin.begin.line, 6);
        QCOMPARE(r.query.substr(r.fragments[1].begin, r.fragments[1].end - r.fragments[1].begin),
                 std::string("User=\"bob\""));
        QCOMPARE(r.fragments[1].origin.begin.line, 7);
    }

    // Read back by the multi-vendor query readers (core/query); KQL's reader reads Kibana's KQL,
    // not Kusto, so the Kusto queries are not read back.
    void readBack_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<int>("language");
        QTest::newRow("splunk") << int(Target::Splunk) << int(QueryLanguage::Spl);
        QTest::newRow("esql") << int(Target::Esql) << int(QueryLanguage::Esql);
        QTest::newRow("eql") << int(Target::Eql) << int(QueryLanguage::Eql);
        QTest::newRow("lucene") << int(Target::Lucene) << int(QueryLanguage::Lucene);
    }
    void readBack()
    {
        QFETCH(int, target);
        QFETCH(int, language);
        readBackFolder(sigmatest::dataPath(QStringLiteral("conversion/cases")).toStdString(), Target(target),
                       QueryLanguage(language), 35);
    }
    void readBackSigmahq_data() { readBack_data(); }
    void readBackSigmahq()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules/windows");
        QFETCH(int, target);
        QFETCH(int, language);
        readBackFolder(sharedPathValue.toStdString(), Target(target), QueryLanguage(language), 2300);
    }

    void cliJson()
    {
        const auto res =
            sigmatest::runSigmawb({QStringLiteral("convert"), QStringLiteral("--target"), QStringLiteral("sqlite"),
                                   QStringLiteral("--format"), QStringLiteral("json"),
                                   sigmatest::dataPath(QStringLiteral("conversion/cases/keywords.yml")),
                                   sigmatest::dataPath(QStringLiteral("conversion/cases/endswith.yml"))});
        QCOMPARE(res.exitCode, 1); // keywords cannot be converted to SQLite without a full-text column
        const auto lines = res.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.value(QLatin1String("target")).toString(), QStringLiteral("sqlite"));
        QVERIFY(
            first.value(QLatin1String("error")).toString().contains(QLatin1String("keywords need a full-text column")));
        QVERIFY(!first.contains(QLatin1String("query")));
        const QJsonObject second = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(second.value(QLatin1String("rule_id")).toString(),
                 QStringLiteral("00000000-0000-4000-8000-000000000012"));
        QCOMPARE(second.value(QLatin1String("query")).toString(),
                 QStringLiteral("SELECT * FROM \"logs\" WHERE \"Image\" LIKE '%\\\\whoami.exe' ESCAPE '\\'"));
        QVERIFY(second.value(QLatin1String("rule_file")).toString().endsWith(QLatin1String("endswith.yml")));
        // With a full-text column the keywords convert (as LIKE on that column).
        const auto fullText =
            sigmatest::runSigmawb({QStringLiteral("convert"), QStringLiteral("-t"), QStringLiteral("sqlite"),
                                   QStringLiteral("--full-text-field"), QStringLiteral("_raw"),
                                   sigmatest::dataPath(QStringLiteral("conversion/cases/keywords.yml"))});
        QCOMPARE(fullText.exitCode, 0);
        QVERIFY(fullText.out.contains("SELECT * FROM \"logs\" WHERE \"_raw\" LIKE '%mimikatz%' ESCAPE '\\' OR \"_raw\" "
                                      "LIKE '%sekurlsa::%' ESCAPE '\\'"));
    }

    void cliText()
    {
        const auto res = sigmatest::runSigmawb({QStringLiteral("convert"), QStringLiteral("-t"),
                                                QStringLiteral("splunk"), samplesDir() + QStringLiteral("/rules")});
        QCOMPARE(res.exitCode, 0);
        QVERIFY(res.out.contains("EventID=5156 Direction=\"%%14593\" DestPort=445 Application IN ("));
        QVERIFY(res.err.contains("3 rules converted to splunk, 0 not convertible"));
        const auto bad = sigmatest::runSigmawb({QStringLiteral("convert"), QStringLiteral("-t"),
                                                QStringLiteral("cobol"), samplesDir() + QStringLiteral("/rules")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("unknown target 'cobol'"));
        const auto pipeline = sigmatest::runSigmawb(
            {QStringLiteral("convert"), QStringLiteral("-t"), QStringLiteral("splunk"), QStringLiteral("--pipeline"),
             QStringLiteral("sysmon"), samplesDir() + QStringLiteral("/rules")});
        QCOMPARE(pipeline.exitCode, 0); // built-in pipelines: tests/conversion_pipeline
        QVERIFY(pipeline.out.contains("Channel=\"Microsoft-Windows-Sysmon/Operational\" EventID=1 "));
    }
};

QTEST_GUILESS_MAIN(TestConversion)
#include "tst_conversion.moc"
