// Conversion of rules to queries (core/conversion): golden queries per target for every modifier
// and escaping case (tests/data/conversion/cases, golden files under
// tests/data/conversion/golden/<target>/, reviewed by hand), the bundled sample rules, explicit
// escaping rows, diagnostics for what a target cannot express, fragments, and `sigmawb convert`.
//
// Regenerate the golden files after a deliberate change with SIGMA_UPDATE_GOLDEN=1 and review the
// diff before committing it.
#include "conversion/conversion.h"
#include "conversion/pipeline.h"
#include "conversion/readback.h"
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

bool hasFieldRef(const Node& n)
{
    if (n.kind == Node::Kind::Predicate && n.predicate.kind == Predicate::Kind::FieldRef)
        return true;
    return std::any_of(n.children.begin(), n.children.end(), [](const Node& c) { return hasFieldRef(c); });
}

/// Converts every rule under `dir` to `target`, reads the query back with the project's own reader
/// of that language (core/query) and compares the predicate trees (conversion/readback.h): every
/// query must read without error and mean the rule's tree, |fieldref rules too (counted apart).
void readBackFolder(const std::string& dir, Target target, std::size_t minimum)
{
    Diagnostics ignored;
    std::size_t read = 0, same = 0, fieldRefs = 0;
    QStringList differences;
    for (const auto& file : collectRuleFiles({dir}, ignored)) {
        const ParsedFile parsed = parseRuleFile(file);
        const Rule* rule = parsed.firstRule();
        if (!rule)
            continue;
        const LoweringResult lowered = lower(*rule, {}, file);
        if (!lowered.root)
            continue;
        const ConversionResult r = convertLowered(*lowered.root, target, {}, file);
        if (!r.ok())
            continue;
        const ReadBackCheck check = checkReadBack(*lowered.root, r, file);
        QVERIFY2(check.read, qPrintable(QString::fromStdString(file + ": " + check.problem + "\n" + r.query)));
        ++read;
        if (hasFieldRef(*lowered.root) && check.same)
            ++fieldRefs;
        if (check.same)
            ++same;
        else
            differences << QString::fromStdString(file + "\n  query: " + r.query + "\n  rule tree:  " + check.rule +
                                                  "\n  query tree: " + check.query);
    }
    qInfo("%s: %zu queries read back by core/query, %zu with the rule's predicate tree (%zu of them with "
          "fieldref), %lld different",
          targetName(target), read, same, fieldRefs, static_cast<long long>(differences.size()));
    for (const auto& d : differences.mid(0, 20))
        qInfo("%s", qPrintable(d));
    QVERIFY2(differences.isEmpty(), "the query does not mean the rule's tree (listed above)");
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
        // Found by fuzz_conversion's read-back: `_exists_:*x*` is an existence test of a field `*x*`.
        QTest::newRow("lucene field named _exists_")
            << int(Target::Lucene) << QStringLiteral("_exists_|contains: x") << QStringLiteral("existence operator");
        QTest::newRow("lucene _exists_ in a list")
            << int(Target::Lucene) << QStringLiteral("_exists_: [a, b]") << QStringLiteral("existence operator");
        // Elasticsearch reads `city.\*:x` as a field pattern (its query_string documentation).
        QTest::newRow("lucene wildcard in a field name")
            << int(Target::Lucene) << QStringLiteral("'a*b': x") << QStringLiteral("field pattern");
        QTest::newRow("esql lookahead") << int(Target::Esql) << QStringLiteral("a|re: 'x(?=y)'")
                                        << QStringLiteral("group option");
        QTest::newRow("eql backreference")
            << int(Target::Eql) << QStringLiteral("a|re: '(x)\\1'") << QStringLiteral("escape \\1");
        QTest::newRow("kusto lookbehind")
            << int(Target::Kusto) << QStringLiteral("a|re: '(?<!x)y'") << QStringLiteral("RE2");
        QTest::newRow("splunk backtick in an eval field name")
            << int(Target::Splunk) << QStringLiteral("a`b|re: x") << QStringLiteral("macro call");
        QTest::newRow("splunk double quote in an eval field name")
            << int(Target::Splunk) << QStringLiteral("'a\"b|re': x") << QStringLiteral("a string");
        // Found by fuzz_conversion's read-back: Splunk splits the pipeline at a pipe inside 'a|b'.
        QTest::newRow("splunk pipe in a fieldref's field name")
            << int(Target::Splunk) << QStringLiteral("a|fieldref: 'b|c'") << QStringLiteral("next command");
        QTest::newRow("splunk bracket in an eval field name")
            << int(Target::Splunk) << QStringLiteral("'a[1]|re': x") << QStringLiteral("subsearch");
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

    // The read-back comparison tells a query that means the rule from one that does not: rows of
    // a rule, a hand-written query and whether they agree (conversion/readback.h).
    void readBackComparison_data()
    {
        QTest::addColumn<QString>("item");
        QTest::addColumn<QString>("condition");
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("same");
        const QString endsWith = QStringLiteral("Image|endswith: '\\x.exe'");
        QTest::newRow("esql: NOT over a missing field is null")
            << endsWith << QStringLiteral("not sel") << int(Target::Esql)
            << QStringLiteral(R"(FROM logs-* | WHERE NOT TO_LOWER(Image) LIKE "*\\\\x.exe")") << false;
        QTest::newRow("esql: NOT guarded by IS NULL")
            << endsWith << QStringLiteral("not sel") << int(Target::Esql)
            << QStringLiteral(R"(FROM logs-* | WHERE (Image IS NULL OR NOT TO_LOWER(Image) LIKE "*\\\\x.exe"))")
            << true;
        QTest::newRow("esql: COALESCE makes NOT two-valued")
            << endsWith << QStringLiteral("not sel") << int(Target::Esql)
            << QStringLiteral(R"(FROM logs-* | WHERE NOT COALESCE((TO_LOWER(Image) LIKE "*\\\\x.exe"), FALSE))")
            << true;
        QTest::newRow("esql: value not folded")
            << endsWith << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral(R"(FROM logs-* | WHERE TO_LOWER(Image) LIKE "*\\\\X.exe")") << false;
        QTest::newRow("lucene: NOT a OR b is b AND NOT a")
            << QStringLiteral("ParentImage: null") << QStringLiteral("sel") << int(Target::Lucene)
            << QStringLiteral("NOT _exists_:ParentImage OR ParentImage:\"\"") << false;
        QTest::newRow("lucene: (NOT a) OR b")
            << QStringLiteral("ParentImage: null") << QStringLiteral("sel") << int(Target::Lucene)
            << QStringLiteral("(NOT _exists_:ParentImage) OR ParentImage:\"\"") << true;
        QTest::newRow("lucene: one-sided range") << QStringLiteral("LogonType|gt: 2") << QStringLiteral("sel")
                                                 << int(Target::Lucene) << QStringLiteral("LogonType:>2") << true;
        QTest::newRow("splunk: search terms ignore case, cased does not")
            << QStringLiteral("Image|cased: 'A.exe'") << QStringLiteral("sel") << int(Target::Splunk)
            << QStringLiteral("Image=\"A.exe\"") << false;
        QTest::newRow("splunk: where == is cased")
            << QStringLiteral("Image|cased: 'A.exe'") << QStringLiteral("sel") << int(Target::Splunk)
            << QStringLiteral("* | where Image==\"A.exe\"") << true;
        QTest::newRow("splunk: regex flag added")
            << QStringLiteral("CommandLine|re: 'a[0-9]b'") << QStringLiteral("sel") << int(Target::Splunk)
            << QStringLiteral("* | regex CommandLine=\"(?i)a[0-9]b\"") << false;
        QTest::newRow("splunk: where NOT without isnotnull")
            << endsWith << QStringLiteral("not sel") << int(Target::Splunk)
            << QStringLiteral(R"(* | where NOT match(Image, "(?i)\\\\x\\.exe$"))") << false;
        QTest::newRow("splunk: anchored regex is the pattern")
            << endsWith << QStringLiteral("sel") << int(Target::Splunk)
            << QStringLiteral(R"(* | where match(Image, "(?i)\\\\x\\.exe$"))") << true;
        QTest::newRow("splunk: tonumber() is a numeric reading")
            << QStringLiteral("LogonType|lt: 3") << QStringLiteral("sel") << int(Target::Splunk)
            << QStringLiteral("* | where tonumber(LogonType)<3") << true;
        // a test that needs its field makes "or the field is missing" beside it false (fuzz_conversion)
        QTest::newRow("splunk: fieldref beside a null test")
            << QStringLiteral("A|fieldref|startswith: B\n        A: null") << QStringLiteral("sel")
            << int(Target::Splunk)
            << QStringLiteral(
                   "A=\"\" | where (isnotnull(A) AND isnotnull(B) AND substr(lower(A), 1, len(B))==lower(B))")
            << true;
        QTest::newRow("eql: other value") << endsWith << QStringLiteral("sel") << int(Target::Eql)
                                          << QStringLiteral(R"(any where Image : "*\\y.exe")") << false;
        // |fieldref: a field compared with a field, as each target states it
        const QString ref = QStringLiteral("A|fieldref: B");
        QTest::newRow("esql: fieldref, both sides folded")
            << ref << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE TO_LOWER(A) == TO_LOWER(B)") << true;
        QTest::newRow("esql: fieldref written the other way round")
            << ref << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE TO_LOWER(B) == TO_LOWER(A)") << true;
        QTest::newRow("esql: fieldref, one side folded")
            << ref << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE TO_LOWER(A) == B") << false;
        QTest::newRow("esql: fieldref, not folded") << ref << QStringLiteral("sel") << int(Target::Esql)
                                                    << QStringLiteral("FROM logs-* | WHERE A == B") << false;
        QTest::newRow("esql: fieldref negated without COALESCE")
            << ref << QStringLiteral("not sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE NOT TO_LOWER(A) == TO_LOWER(B)") << false;
        QTest::newRow("esql: fieldref startswith")
            << QStringLiteral("A|fieldref|startswith: B") << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE STARTS_WITH(TO_LOWER(A), TO_LOWER(B))") << true;
        QTest::newRow("esql: fieldref startswith is not endswith")
            << QStringLiteral("A|fieldref|startswith: B") << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE ENDS_WITH(TO_LOWER(A), TO_LOWER(B))") << false;
        QTest::newRow("esql: fieldref contains by LOCATE")
            << QStringLiteral("A|fieldref|contains: B") << QStringLiteral("sel") << int(Target::Esql)
            << QStringLiteral("FROM logs-* | WHERE LOCATE(TO_LOWER(A), TO_LOWER(B)) > 0") << true;
        QTest::newRow("splunk: fieldref in where, negated with isnotnull")
            << ref << QStringLiteral("not sel") << int(Target::Splunk)
            << QStringLiteral("* | where NOT (isnotnull(A) AND isnotnull(B) AND lower(A)==lower(B))") << true;
        QTest::newRow("splunk: fieldref negated without isnotnull")
            << ref << QStringLiteral("not sel") << int(Target::Splunk)
            << QStringLiteral("* | where NOT lower(A)==lower(B)") << false;
        QTest::newRow("splunk: fieldref compared cased")
            << ref << QStringLiteral("sel") << int(Target::Splunk) << QStringLiteral("* | where A==B") << false;
        QTest::newRow("eql: fieldref, each starts with the other")
            << ref << QStringLiteral("sel") << int(Target::Eql)
            << QStringLiteral("any where (startsWith~(A, B) and startsWith~(B, A))") << true;
        QTest::newRow("eql: fieldref negated")
            << ref << QStringLiteral("not sel") << int(Target::Eql)
            << QStringLiteral("any where not (startsWith~(B, A) and startsWith~(A, B))") << true;
        QTest::newRow("eql: fieldref, one direction only") << ref << QStringLiteral("sel") << int(Target::Eql)
                                                           << QStringLiteral("any where startsWith~(A, B)") << false;
        QTest::newRow("eql: fieldref, cased functions")
            << ref << QStringLiteral("sel") << int(Target::Eql)
            << QStringLiteral("any where (startsWith(A, B) and startsWith(B, A))") << false;
        QTest::newRow("eql: fieldref endswith")
            << QStringLiteral("A|fieldref|endswith: B") << QStringLiteral("sel") << int(Target::Eql)
            << QStringLiteral("any where endsWith~(A, B)") << true;
        QTest::newRow("eql: AND for OR") << QStringLiteral("Image|endswith:\n            - a\n            - b")
                                         << QStringLiteral("sel") << int(Target::Eql)
                                         << QStringLiteral("any where Image : \"*a\" and Image : \"*b\"") << false;
    }
    void readBackComparison()
    {
        QFETCH(QString, item);
        QFETCH(QString, condition);
        QFETCH(int, target);
        QFETCH(QString, query);
        QFETCH(bool, same);
        const Rule rule = parseOne("title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n        " +
                                   item.toStdString() + "\n    condition: " + condition.toStdString() + "\n");
        const LoweringResult lowered = lower(rule);
        QVERIFY(lowered.root);
        const ParsedQuery q = parseQuery(*readBackLanguage(Target(target)), QuerySource(query.toStdString()));
        QVERIFY2(q.analysed(), q.diagnostics.empty() ? "" : q.diagnostics.front().message.c_str());
        const std::string ruleTree = normalRuleTree(*lowered.root, Target(target));
        const std::string queryTree = normalQueryTree(q.root, Target(target), query.toStdString());
        QVERIFY2((ruleTree == queryTree) == same, qPrintable(QString::fromStdString(ruleTree + "\n" + queryTree)));
        // and the writer's own query agrees
        const ConversionResult written = convertLowered(*lowered.root, Target(target));
        const ReadBackCheck own = checkReadBack(*lowered.root, written);
        QVERIFY2(own.same, qPrintable(QString::fromStdString(written.query + "\n" + own.rule + "\n" + own.query)));
    }

    // What fuzz_conversion (SIGMA_FUZZ_READBACK=2, fuzz/README.md) found: queries the language would
    // read differently, or that our own reader of the language read differently. Each row: the
    // query says this, and it reads back as the rule.
    void readBackFindings_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("item");
        QTest::addColumn<QString>("expected");
        // control characters: EQL's only numeric escape is \u{XX}; ES|QL strings have none (the
        // character goes in as it is); SPL expands no backslash sequence but \" \\ \|
        QTest::newRow("eql control character")
            << int(Target::Eql) << QStringLiteral("f|contains: \"a\\x01b\"") << QStringLiteral("\"*a\\u{01}b*\"");
        QTest::newRow("esql control character") << int(Target::Esql) << QStringLiteral("f|contains: \"a\\x01b\"")
                                                << QStringLiteral("\"*a\x01"
                                                                  "b*\"");
        QTest::newRow("splunk tab") << int(Target::Splunk) << QStringLiteral("f|contains: \"a\\tb\"")
                                    << QStringLiteral("f=\"*a\tb*\"");
        // field names: `@` only first in an unquoted name (ES|QL), keywords, a backquote doubled
        QTest::newRow("eql @ inside a name")
            << int(Target::Eql) << QStringLiteral("Command@Line: x") << QStringLiteral("`Command@Line` : \"x\"");
        QTest::newRow("esql @ inside a name")
            << int(Target::Esql) << QStringLiteral("Command@Line: x") << QStringLiteral("TO_LOWER(`Command@Line`)");
        QTest::newRow("eql backquote in a name")
            << int(Target::Eql) << QStringLiteral("a`b: x") << QStringLiteral("`a``b` : \"x\"");
        QTest::newRow("eql keyword as a name")
            << int(Target::Eql) << QStringLiteral("sequence: x") << QStringLiteral("`sequence` : \"x\"");
        // SPL: `field IN (...)` and `| regex field=` take the name as it is; 'quoted' names in eval
        QTest::newRow("splunk list on a quoted field")
            << int(Target::Splunk) << QStringLiteral("Command Line: [a, b]")
            << QStringLiteral("\"Command Line\"=\"a\" OR \"Command Line\"=\"b\"");
        QTest::newRow("splunk regex on a quoted field") << int(Target::Splunk) << QStringLiteral("Command Line|re: 'a'")
                                                        << QStringLiteral("* | where match('Command Line', ");
        QTest::newRow("splunk fieldref endswith a quoted field")
            << int(Target::Splunk) << QStringLiteral("Image|fieldref|endswith: Parent Image")
            << QStringLiteral("len(Image)>=len('Parent Image')");
        // found by fuzz_conversion: the len() guard of a quoted name with \' inside was left opaque
        QTest::newRow("splunk fieldref endswith a field with a quote")
            << int(Target::Splunk) << QStringLiteral("Image|fieldref|endswith: \"it's\"")
            << QStringLiteral("len(Image)>=len('it\\'s')");
        QTest::newRow("splunk quote in a field name")
            << int(Target::Splunk) << QStringLiteral("\"it's|re\": x") << QStringLiteral("match('it\\'s', ");
        // Lucene: whitespace ends a term unless escaped; AND/OR/NOT are operators only as whole words
        QTest::newRow("lucene newline") << int(Target::Lucene) << QStringLiteral("f: \"a\\nb\"")
                                        << QStringLiteral("f:a\\\nb");
        QTest::newRow("lucene NOT starting a field name")
            << int(Target::Lucene) << QStringLiteral("NOT x: y") << QStringLiteral("NOT\\ x:y");
        QTest::newRow("lucene network as a value")
            << int(Target::Lucene) << QStringLiteral("f: 10.0.0.0/8") << QStringLiteral("f:10.0.0.0\\/8");
    }
    void readBackFindings()
    {
        QFETCH(int, target);
        QFETCH(QString, item);
        QFETCH(QString, expected);
        const Rule rule = parseOne(ruleWith(item.toStdString()));
        QVERIFY(!rule.detection.empty());
        const LoweringResult lowered = lower(rule);
        QVERIFY(lowered.root);
        const ConversionResult r = convertLowered(*lowered.root, Target(target));
        QVERIFY2(r.ok(), r.diagnostics.empty() ? "no query" : r.diagnostics.front().format().c_str());
        QVERIFY2(QString::fromStdString(r.query).contains(expected),
                 qPrintable(QString::fromStdString(r.query) + QLatin1String("\n does not contain\n") + expected));
        const ReadBackCheck check = checkReadBack(*lowered.root, r);
        QVERIFY2(check.read, check.problem.c_str());
        QVERIFY2(check.same, qPrintable(QString::fromStdString(r.query + "\n" + check.rule + "\n" + check.query)));
    }

    // A keyword `*` matches every event (each has a value), as SPL's `*` does: the read-back
    // compares them as `true` (found by fuzz_conversion: `Image="*\\a.exe" OR "*"` read as true).
    void readBackKeywordStar_data()
    {
        QTest::addColumn<int>("target");
        QTest::newRow("splunk") << int(Target::Splunk);
        QTest::newRow("lucene") << int(Target::Lucene);
    }
    void readBackKeywordStar()
    {
        QFETCH(int, target);
        const Rule rule = parseOne("title: t\nlogsource:\n    product: windows\ndetection:\n    sel_a:\n"
                                   "        Image|endswith: '\\a.exe'\n    sel_b:\n        - '*'\n    filter:\n"
                                   "        User: SYSTEM\n    condition: 1 of sel_* and not filter\n");
        const LoweringResult lowered = lower(rule);
        QVERIFY(lowered.root);
        const ConversionResult r = convertLowered(*lowered.root, Target(target));
        QVERIFY2(r.ok(), r.diagnostics.empty() ? "no query" : r.diagnostics.front().format().c_str());
        const ReadBackCheck check = checkReadBack(*lowered.root, r);
        QVERIFY2(check.read, check.problem.c_str());
        QVERIFY2(check.same, qPrintable(QString::fromStdString(r.query + "\n" + check.rule + "\n" + check.query)));
        QVERIFY2(check.rule.rfind("(not (User eq ", 0) == 0 && check.rule.find("Image") == std::string::npos,
                 check.rule.c_str()); // the Or is true: only the filter is left
    }

    // Constants read back as constants: ES|QL `WHERE TRUE`, Lucene `*:*` (every document).
    void readBackConstants()
    {
        const auto tree = [](Target target, const std::string& query) {
            const ParsedQuery q = parseQuery(*readBackLanguage(target), QuerySource(query));
            return normalQueryTree(q.root, target, query);
        };
        QCOMPARE(tree(Target::Esql, "FROM logs-* | WHERE TRUE"), std::string("true"));
        QCOMPARE(tree(Target::Esql, "FROM logs-* | WHERE FALSE"), std::string("false"));
        QCOMPARE(tree(Target::Lucene, "*:*"), std::string("true"));
        QCOMPARE(tree(Target::Lucene, "x:*"), std::string("(x exists)"));
    }

    // Read back by the multi-vendor query readers (core/query); KQL's reader reads Kibana's KQL,
    // not Kusto, so the Kusto queries are not read back.
    void readBack_data()
    {
        QTest::addColumn<int>("target");
        QTest::newRow("splunk") << int(Target::Splunk);
        QTest::newRow("esql") << int(Target::Esql);
        QTest::newRow("eql") << int(Target::Eql);
        QTest::newRow("lucene") << int(Target::Lucene);
    }
    void readBack()
    {
        QFETCH(int, target);
        readBackFolder(sigmatest::dataPath(QStringLiteral("conversion/cases")).toStdString(), Target(target), 35);
    }
    void readBackSigmahq_data() { readBack_data(); }
    void readBackSigmahq()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules/windows");
        QFETCH(int, target);
        readBackFolder(sharedPathValue.toStdString(), Target(target), 2300);
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
