// The parser: every modifier (tests/data/rule/modifiers.tsv) with the span of each modifier, YAML
// value types as PyYAML (pySigma's reader) types them, metadata and its spans, correlation and
// filter documents, multi-document files, and bad input refused in bounded time.
#include "testsupport.h"

#include "rule/lint.h"
#include "rule/parser.h"
#include "rule/yamltree.h"

#include <QDirIterator>

#include <QElapsedTimer>
#include <QTest>

namespace {

QString spanText(const sigma::SourceSpan& s)
{
    return QStringLiteral("%1:%2-%3:%4").arg(s.begin.line).arg(s.begin.column).arg(s.end.line).arg(s.end.column);
}

sigma::ParsedFile parseFixture(const char* name)
{
    return sigma::parseRuleFile(sigmatest::dataPath(QString::fromLatin1(name)).toStdString());
}

const sigma::DetectionItem* itemAtLine(const sigma::Rule& rule, int line)
{
    for (const auto& s : rule.detection)
        for (const auto& m : s.maps)
            for (const auto& i : m.items)
                if (i.keySpan.begin.line == line)
                    return &i;
    return nullptr;
}

const sigma::Value* valueOf(const sigma::Rule& rule, const std::string& field)
{
    for (const auto& s : rule.detection)
        for (const auto& m : s.maps)
            for (const auto& i : m.items)
                if (i.field == field && !i.values.empty())
                    return &i.values.front();
    return nullptr;
}

} // namespace

class TestRuleParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void modifiers_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("kinds");
        QTest::addColumn<QString>("lastSpan");
        const auto lines =
            QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(QStringLiteral("rule/modifiers.tsv"))))
                .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        int rows = 0;
        for (const auto& l : lines) {
            if (l.startsWith(QLatin1Char('#')))
                continue;
            const auto c = l.split(QLatin1Char('\t'));
            QCOMPARE(c.size(), 4);
            QTest::newRow(qPrintable(c[0])) << c[1] << c[2] << c[3];
            ++rows;
        }
        QCOMPARE(rows, 34);
    }
    void modifiers()
    {
        QFETCH(QString, field);
        QFETCH(QString, kinds);
        QFETCH(QString, lastSpan);
        static const auto parsed = parseFixture("rule/modifiers.yml");
        QVERIFY2(parsed.diagnostics.empty(), parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].format().c_str());
        const auto* rule = parsed.firstRule();
        QVERIFY(rule);
        const int line = lastSpan.section(QLatin1Char(':'), 0, 0).toInt();
        const auto* item = itemAtLine(*rule, line);
        QVERIFY(item);
        QCOMPARE(QString::fromStdString(item->field), field);
        QCOMPARE(item->isKeyword, field.isEmpty());
        QStringList names;
        for (const auto& m : item->modifiers) {
            names << QString::fromLatin1(sigma::modifierName(m.kind));
            QCOMPARE(sigma::modifierFromName(m.written), std::optional<sigma::ModifierKind>(m.kind));
        }
        QCOMPARE(names.join(QLatin1Char(',')), kinds);
        QCOMPARE(spanText(item->modifiers.back().span), lastSpan);
        // the field span ends where the first '|' is
        if (!field.isEmpty())
            QCOMPARE(item->fieldSpan.end.column + 1, item->modifiers.front().span.begin.column);
    }

    void modifierNames()
    {
        QCOMPARE(sigma::modifierFromName("wide"), std::optional(sigma::ModifierKind::Utf16le));
        QCOMPARE(sigma::modifierFromName("ignorecase"), std::optional(sigma::ModifierKind::ReIgnoreCase));
        QCOMPARE(sigma::modifierFromName("Contains"), std::nullopt); // case-sensitive, as pySigma
        QCOMPARE(sigma::modifierFromName("startwith"), std::nullopt);
        QCOMPARE(QString::fromLatin1(sigma::modifierName(sigma::ModifierKind::Utf16le)), QStringLiteral("utf16le"));
        QCOMPARE(QString::fromLatin1(sigma::modifierName(sigma::ModifierKind::Year)), QStringLiteral("year"));
    }

    void valueTypes_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("quoted");
        QTest::addColumn<qlonglong>("intValue");
        QTest::addColumn<QString>("span");
        using T = sigma::Value::Type;
        QTest::newRow("plain") << "Plain" << int(T::String) << "text here" << false << 0LL << "6:16-6:25";
        QTest::newRow("quoted number") << "Quoted" << int(T::String) << "4688" << true << 0LL << "7:17-7:23";
        QTest::newRow("double quoted escape")
            << "DoubleQuoted" << int(T::String) << "a\tb" << true << 0LL << "8:23-8:29";
        QTest::newRow("integer") << "Integer" << int(T::Integer) << "4688" << false << 4688LL << "9:18-9:22";
        QTest::newRow("negative") << "Negative" << int(T::Integer) << "-12" << false << -12LL << "10:19-10:22";
        QTest::newRow("hex") << "Hex" << int(T::Integer) << "0x1F" << false << 31LL << "11:14-11:18";
        QTest::newRow("yaml 1.1 octal") << "Octal" << int(T::Integer) << "0012" << false << 10LL << "12:16-12:20";
        QTest::newRow("underscore") << "Underscore" << int(T::Integer) << "1_000" << false << 1000LL << "13:21-13:26";
        QTest::newRow("sexagesimal") << "Sexagesimal" << int(T::Integer) << "1:30" << false << 90LL << "14:22-14:26";
        QTest::newRow("float") << "Float" << int(T::Float) << "3.5" << false << 0LL << "15:16-15:19";
        QTest::newRow("1e5 is a string in YAML 1.1")
            << "Exponent" << int(T::String) << "1e5" << false << 0LL << "16:19-16:22";
        QTest::newRow("dot float") << "Dot" << int(T::Float) << ".5" << false << 0LL << "17:14-17:16";
        QTest::newRow("true") << "BoolTrue" << int(T::Boolean) << "true" << false << 0LL << "18:19-18:23";
        QTest::newRow("yes is a boolean (YAML 1.1)")
            << "BoolYes" << int(T::Boolean) << "yes" << false << 0LL << "19:18-19:21";
        QTest::newRow("Off") << "BoolOff" << int(T::Boolean) << "Off" << false << 0LL << "20:18-20:21";
        QTest::newRow("null") << "NullWord" << int(T::Null) << "" << false << 0LL << "21:19-21:23";
        QTest::newRow("tilde") << "NullTilde" << int(T::Null) << "" << false << 0LL << "22:20-22:21";
        QTest::newRow("empty value") << "NullEmpty" << int(T::Null) << "" << false << 0LL << "23:19-23:19";
        QTest::newRow("empty string") << "EmptyString" << int(T::String) << "" << true << 0LL << "24:22-24:24";
        QTest::newRow("quoted true") << "QuotedTrue" << int(T::String) << "true" << true << 0LL << "25:21-25:27";
        QTest::newRow("!!str tag") << "TaggedString" << int(T::String) << "12" << true << 0LL << "26:29-26:31";
    }
    void valueTypes()
    {
        QFETCH(QString, field);
        QFETCH(int, type);
        QFETCH(QString, text);
        QFETCH(bool, quoted);
        QFETCH(qlonglong, intValue);
        QFETCH(QString, span);
        static const auto parsed = parseFixture("rule/values.yml");
        QVERIFY(parsed.firstRule());
        const auto* v = valueOf(*parsed.firstRule(), field.toStdString());
        QVERIFY(v);
        QCOMPARE(int(v->type), type);
        QCOMPARE(QString::fromStdString(v->text), text);
        QCOMPARE(v->quoted, quoted);
        if (v->type == sigma::Value::Type::Integer)
            QCOMPARE(qlonglong(v->intValue), intValue);
        QCOMPARE(spanText(v->span), span);
    }
    void valueDetails()
    {
        const auto parsed = parseFixture("rule/values.yml");
        const auto& rule = *parsed.firstRule();
        QCOMPARE(valueOf(rule, "Float")->floatValue, 3.5);
        QCOMPARE(valueOf(rule, "BoolYes")->boolValue, true);
        QCOMPARE(valueOf(rule, "BoolOff")->boolValue, false);
    }

    void metadata()
    {
        const auto parsed = parseFixture("rule/diagnostics/clean_rule.yml");
        QVERIFY(parsed.diagnostics.empty());
        QCOMPARE(parsed.documents.size(), std::size_t(1));
        const auto& r = *parsed.firstRule();
        QCOMPARE(r.title, std::string("Fixture Rule"));
        QCOMPARE(r.id, std::string("5f1f0c3e-8a53-4c4b-9d8e-3c2f1b7a6e01"));
        QCOMPARE(r.status, std::string("test"));
        QCOMPARE(r.author, std::string("Sigma Workbench"));
        QCOMPARE(r.date, std::string("2024-01-15"));
        QCOMPARE(r.level, std::string("medium"));
        QCOMPARE(r.references, std::vector<std::string>{"https://example.org/a"});
        QCOMPARE(r.tags, (std::vector<std::string>{"attack.execution", "attack.t1059.001"}));
        QCOMPARE(r.falsepositives, std::vector<std::string>{"Unknown"});
        QCOMPARE(r.logsource.category, std::string("process_creation"));
        QCOMPARE(r.logsource.product, std::string("windows"));
        QCOMPARE(spanText(r.logsource.valueSpans.at("category")), QStringLiteral("13:15-13:31"));
        QCOMPARE(spanText(r.logsource.keySpans.at("category")), QStringLiteral("13:5-13:13"));
        QCOMPARE(spanText(r.keySpans.at("title")), QStringLiteral("1:1-1:6"));
        QCOMPARE(spanText(r.valueSpans.at("title")), QStringLiteral("1:8-1:20"));
        QCOMPARE(spanText(r.valueSpans.at("id")), QStringLiteral("2:5-2:41"));
        QCOMPARE(spanText(r.tagSpans.at(1)), QStringLiteral("11:7-11:23"));
        QCOMPARE(r.detection.size(), std::size_t(1));
        const auto& sel = r.detection[0];
        QCOMPARE(sel.name, std::string("selection"));
        QCOMPARE(sel.kind, sigma::SearchIdentifier::Kind::Map);
        QCOMPARE(spanText(sel.nameSpan), QStringLiteral("16:5-16:14"));
        const auto& item = sel.maps.at(0).items.at(0);
        QCOMPARE(spanText(item.keySpan), QStringLiteral("17:9-17:23"));
        QCOMPARE(spanText(item.fieldSpan), QStringLiteral("17:9-17:14"));
        QCOMPARE(spanText(item.values.at(0).span), QStringLiteral("17:25-17:42"));
        QCOMPARE(item.values.at(0).text, std::string("\\powershell.exe"));
        QCOMPARE(r.conditions.size(), std::size_t(1));
        QCOMPARE(spanText(r.conditions[0].span), QStringLiteral("18:16-18:25"));
        QCOMPARE(r.conditions[0].root->kind, sigma::ConditionNode::Kind::Identifier);
        QCOMPARE(r.searchIdentifier("selection"), &sel);
        QCOMPARE(r.searchIdentifier("nope"), nullptr);
    }

    void searchIdentifierForms()
    {
        const auto parsed = sigma::parseRuleText(R"(title: Forms
logsource: {product: windows}
detection:
    map: {A: 1, B: [x, y]}
    list_of_maps:
        - A: 1
        - B: 2
    keywords:
        - 'evil'
        - 'bad'
    single_keyword: 'evil'
    keywords_all:
        '|all': [a, b]
    condition: map or list_of_maps or keywords or single_keyword or keywords_all
custom_field: {a: [1, 'two']}
)",
                                                 "forms.yml");
        QVERIFY2(parsed.diagnostics.empty(), parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].format().c_str());
        const auto& r = *parsed.firstRule();
        using K = sigma::SearchIdentifier::Kind;
        QCOMPARE(r.detection.size(), std::size_t(5));
        QCOMPARE(r.detection[0].kind, K::Map);
        QCOMPARE(r.detection[0].maps[0].items.size(), std::size_t(2));
        QCOMPARE(r.detection[0].maps[0].items[1].valueIsList, true);
        QCOMPARE(r.detection[0].maps[0].items[1].values.size(), std::size_t(2));
        QCOMPARE(r.detection[1].kind, K::ListOfMaps);
        QCOMPARE(r.detection[1].maps.size(), std::size_t(2));
        QCOMPARE(r.detection[2].kind, K::Keywords);
        QCOMPARE(r.detection[2].maps[0].items[0].isKeyword, true);
        QCOMPARE(r.detection[2].maps[0].items[0].values.size(), std::size_t(2));
        QCOMPARE(spanText(r.detection[2].maps[0].items[0].values[1].span), QStringLiteral("10:11-10:16"));
        QCOMPARE(r.detection[3].kind, K::Keywords);
        QCOMPARE(r.detection[3].maps[0].items[0].valueIsList, false);
        QCOMPARE(r.detection[4].maps[0].items[0].isKeyword, true);
        QVERIFY(r.detection[4].maps[0].items[0].has(sigma::ModifierKind::All));
        QCOMPARE(r.custom.size(), std::size_t(1));
        QCOMPARE(r.custom[0].key, std::string("custom_field"));
        QCOMPARE(r.custom[0].yaml, std::string("{a: [1, \"two\"]}"));
        QCOMPARE(spanText(r.valueSpans.at("logsource")), QStringLiteral("2:12-2:30"));
    }

    void customAttributesReemitQuotedScalarsEscaped()
    {
        // Quoted scalars go through util/yamlwriter's double-quoting: control characters are
        // escaped (a raw carriage return or bell was copied into the quotes before).
        const auto f = sigma::parseRuleText("title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n"
                                            "    a: b\n  condition: sel\nx_note: [plain, \"cr\\rbell\\a\", '']\n",
                                            "r.yml");
        const sigma::Rule* r = f.firstRule();
        QVERIFY(r);
        QCOMPARE(r->custom.size(), std::size_t(1));
        QCOMPARE(r->custom[0].yaml, std::string("[plain, \"cr\\rbell\\x07\", \"\"]"));
    }

    void correlationsAndFilters()
    {
        const auto parsed = parseFixture("rule/documents.yml");
        QVERIFY2(parsed.diagnostics.empty(), parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].format().c_str());
        QCOMPARE(parsed.documents.size(), std::size_t(5));
        QVERIFY(parsed.documents[0].rule());
        QCOMPARE(parsed.documents[0].rule()->name, std::string("failed_logon"));
        QCOMPARE(parsed.documents[1].index, 1);
        const auto* ec = parsed.documents[1].correlation();
        QVERIFY(ec);
        QCOMPARE(ec->type, std::string("event_count"));
        QCOMPARE(ec->rules, std::vector<std::string>{"failed_logon"});
        QCOMPARE(ec->groupBy, (std::vector<std::string>{"TargetUserName", "IpAddress"}));
        QCOMPARE(ec->timespan, std::string("5m"));
        QCOMPARE(ec->timespanSeconds, 300LL);
        QCOMPARE(ec->condition.size(), std::size_t(1));
        QCOMPARE(ec->condition[0].op, std::string("gte"));
        QCOMPARE(ec->condition[0].value, std::string("10"));
        QCOMPARE(ec->generate, true);
        QCOMPARE(ec->level, std::string("high"));
        QCOMPARE(spanText(ec->valueSpans.at("correlation.timespan")), QStringLiteral("24:15-24:17"));
        const auto* vc = parsed.documents[2].correlation();
        QVERIFY(vc);
        QCOMPARE(vc->rules, std::vector<std::string>{"failed_logon"});
        QCOMPARE(vc->conditionFields, std::vector<std::string>{"TargetUserName"});
        QCOMPARE(vc->timespanSeconds, 3600LL);
        const auto* tc = parsed.documents[3].correlation();
        QVERIFY(tc);
        QCOMPARE(tc->type, std::string("temporal_ordered"));
        QCOMPARE(tc->timespanSeconds, 2 * 86400LL);
        QCOMPARE(tc->aliases.at("user").at("other_rule"), std::string("SubjectUserName"));
        QVERIFY(tc->condition.empty());
        const auto* f = parsed.documents[4].filter();
        QVERIFY(f);
        QCOMPARE(f->rules, std::vector<std::string>{"failed_logon"});
        QCOMPARE(f->logsource.service, std::string("security"));
        QCOMPARE(f->detection.size(), std::size_t(1));
        QCOMPARE(f->detection[0].name, std::string("selection"));
        QCOMPARE(f->conditions.at(0).root->kind, sigma::ConditionNode::Kind::Not);
        QCOMPARE(parsed.documents[4].span.begin.line, 56); // a document starts at its "---"
    }

    void bomAndCrlf()
    {
        std::string text = "\xEF\xBB\xBFtitle: X\r\nlogsource:\r\n    product: windows\r\ndetection:\r\n    sel:\r\n"
                           "        A: 'b'\r\n    condition: sel\r\n";
        const auto parsed = sigma::parseRuleText(text, "crlf.yml");
        QVERIFY2(parsed.diagnostics.empty(), parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].format().c_str());
        const auto& r = *parsed.firstRule();
        QCOMPARE(r.title, std::string("X"));
        QCOMPARE(spanText(r.valueSpans.at("title")), QStringLiteral("1:8-1:9"));
        QCOMPARE(spanText(r.detection[0].maps[0].items[0].values[0].span), QStringLiteral("6:12-6:15"));
        QCOMPARE(spanText(r.conditions[0].tokens.at(0).span), QStringLiteral("7:16-7:19"));
    }

    // Bad input is refused with a diagnostic, in bounded time.
    void hostileInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("code");
        QByteArray deepFlow = "title: x\nv: " + QByteArray(200000, '[') + QByteArray(200000, ']') + '\n';
        QByteArray deepBlock = "title: x\nv:\n";
        for (int i = 0; i < 2000; ++i)
            deepBlock += QByteArray(i + 1, ' ') + "- \n";
        QByteArray deepMap = "title: x\n";
        for (int i = 0; i < 3000; ++i)
            deepMap += QByteArray(i, ' ') + "k:\n";
        QByteArray bomb = "title: x\na: &a [x, x, x, x, x, x, x, x, x, x]\n";
        const char* names = "abcdefghijklmnop";
        for (int i = 1; i < 16; ++i) {
            bomb += QByteArray(1, names[i]) + ": &" + names[i] + " [";
            for (int k = 0; k < 10; ++k)
                bomb += QByteArray(k ? ", *" : "*") + names[i - 1];
            bomb += "]\n";
        }
        QByteArray huge = "title: x\nlist:\n";
        while (huge.size() < (9 << 20))
            huge += "    - 'some value that is repeated to make a large file'\n";
        QByteArray manyNodes = "title: x\nlist: [";
        for (int i = 0; i < 300000; ++i)
            manyNodes += "1,";
        manyNodes += "1]\n";
        QByteArray deepCondition =
            "title: x\nlogsource: {product: w}\ndetection:\n    a: {A: 1}\n    condition: " + QByteArray(100000, '(') +
            "a" + QByteArray(100000, ')') + "\n";
        QTest::newRow("deep flow nesting") << deepFlow << "yaml-too-deep";
        QTest::newRow("deep block sequences") << deepBlock << "yaml-too-deep";
        QTest::newRow("deep block mappings") << deepMap << "yaml-too-deep";
        QTest::newRow("alias bomb") << bomb << "yaml-too-many-nodes";
        QTest::newRow("9 MiB file") << huge << "file-too-large";
        QTest::newRow("300000 nodes") << manyNodes << "yaml-too-many-nodes";
        QTest::newRow("deep condition") << deepCondition << "condition-syntax";
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe title: \x01\x02", 14) << "yaml-syntax";
        // fuzz_rule_parser: yaml-cpp decodes a UTF-16 stream, the fast reader did not (they disagreed)
        QTest::newRow("UTF-16 LE with BOM") << QByteArray("\xff\xfet\0i\0t\0l\0e\0:\0 \0x\0\n\0", 20) << "not-utf8";
        QTest::newRow("UTF-16 BE BOM then ':'") << QByteArray("\xfe\xff:", 3) << "not-utf8";
    }
    void hostileInput()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, code);
        QElapsedTimer timer;
        timer.start();
        const auto parsed = sigma::parseRuleText(text.toStdString(), "hostile.yml");
        const auto lint = sigma::lintFile(parsed);
        const auto ms = timer.elapsed();
        qInfo("%s: %lld ms for %lld bytes", qPrintable(code), ms, qlonglong(text.size()));
        QVERIFY(!parsed.diagnostics.empty());
        bool found = false;
        for (const auto& d : parsed.diagnostics)
            found = found || QString::fromStdString(d.code) == code;
        QVERIFY2(found, parsed.diagnostics[0].format().c_str());
        QVERIFY(sigma::hasErrors(parsed.diagnostics));
        QVERIFY2(ms < 20000, "bounded time");
    }

    // The fast reader for the common YAML subset gives exactly yaml-cpp's tree, or gives up.
    void fastReader_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("fast");
        const QByteArray rule =
            "title: T\nlogsource:\n    product: windows\ndetection:\n    sel:\n        A|contains:\n"
            "            - 'x'\n            - y  # note\n    condition: sel\n";
        QTest::newRow("plain rule") << rule << true;
        QTest::newRow("literal block") << QByteArray("description: |\n    line one\n\n    line 3\ntitle: x\n") << true;
        QTest::newRow("literal strip") << QByteArray("description: |-\n    a\n      b\ntitle: x\n") << true;
        QTest::newRow("flow sequence") << QByteArray("tags: [a, 'b c', null, 12]\nempty: []\n") << true;
        QTest::newRow("list of maps") << QByteArray("sel:\n    - A: 1\n      B: 2\n    - C: ~\n") << true;
        QTest::newRow("sequence under key, same indent") << QByteArray("refs:\n- a\n- b\nnext: 1\n") << true;
        QTest::newRow("empty values") << QByteArray("a:\nb: # c\nc: ''\n") << true;
        QTest::newRow("documents") << QByteArray("a: 1\n---\nb: 2\n--- # x\nc: 3\n") << true;
        QTest::newRow("quoted keys") << QByteArray("'|all': [a, b]\n\"k\": 'it''s'\n") << true;
        QTest::newRow("anchor") << QByteArray("a: &x 1\nb: *x\n") << false;
        QTest::newRow("tag") << QByteArray("a: !!str 1\n") << false;
        QTest::newRow("tab") << QByteArray("a:\tb\n") << false;
        QTest::newRow("crlf") << QByteArray("a: b\r\n") << false;
        QTest::newRow("folded") << QByteArray("a: >\n  x\n  y\n") << false;
        QTest::newRow("multi-line plain") << QByteArray("a: one\n  two\n") << false;
        QTest::newRow("double-quoted escape") << QByteArray("a: \"x\\ty\"\n") << false;
        QTest::newRow("flow mapping") << QByteArray("a: {b: 1}\n") << false;
        QTest::newRow("syntax error") << QByteArray("a: b\n  c: d\n") << false;
        QTest::newRow("unclosed quote") << QByteArray("a: 'b\n") << false;
        QTest::newRow("empty document") << QByteArray("a: 1\n---\n") << false;
        // found by fuzz_rule_parser: YAML limits an implicit key to 1024 characters (yaml-cpp: bytes),
        // and yaml-cpp reads a stream starting with FE FF / FF FE as UTF-16
        QTest::newRow("key of 1000 bytes") << "a: 1\n" + QByteArray(1000, 'k') + ": v\n" << true;
        QTest::newRow("key of 1030 bytes") << "a: 1\n" + QByteArray(1030, 'k') + ":\n" << false;
        QTest::newRow("quoted key of 1030 bytes") << "a: 1\n'" + QByteArray(1030, 'k') + "': v\n" << false;
        QTest::newRow("UTF-16 BOM") << QByteArray("\xfe\xff:") << false;
        // at the end of the input yaml-cpp marks an empty value at its key: `~#` is a key, its value
        // is empty, not `~`
        QTest::newRow("key starting with ~ at the end") << QByteArray("k: ~\n~#:") << true;
        QTest::newRow("empty value before a key starting with ~") << QByteArray("n:\n~#: 1\nk: ~ # c\n") << true;
        // yaml-cpp marks an empty value at the next key, here a plain key starting with `~ `
        QTest::newRow("empty value before a key '~ x'") << QByteArray("t:\n~ \xff:") << true;
        QTest::newRow("empty value before a key '~ x', then nulls")
            << QByteArray("t:\nnull x: 1\nk: ~\nl: null # c\nm: [~ , NULL]\n") << true;
        // every fixture of the project
        QDirIterator it(sigmatest::dataPath(QStringLiteral("rule")), {QStringLiteral("*.yml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const auto path = it.next();
            QTest::newRow(qPrintable(QFileInfo(path).fileName())) << sigmatest::readFile(path) << false;
        }
    }
    void fastReader()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, fast);
        const std::string t = text.toStdString();
        const sigma::yamltree::LineIndex lines(t);
        const sigma::yamltree::Limits limits;
        const auto f = sigma::yamltree::parse(t, lines, limits, "f.yml", sigma::yamltree::Reader::Fast);
        const auto y = sigma::yamltree::parse(t, lines, limits, "f.yml", sigma::yamltree::Reader::YamlCpp);
        QVERIFY(!y.fastPath);
        if (fast)
            QVERIFY(f.fastPath);
        if (QByteArray(QTest::currentDataTag()).contains('.') == false && !fast)
            QVERIFY(!f.fastPath);
        if (f.fastPath)
            QVERIFY(sigma::yamltree::sameTree(f, y));
    }

    void diagnosticsCarryTheFileName()
    {
        const auto parsed = sigma::parseRuleText("title: [", "some/dir/rule.yml");
        QCOMPARE(parsed.diagnostics.at(0).file, std::string("some/dir/rule.yml"));
        QCOMPARE(parsed.diagnostics.at(0).code, std::string("yaml-syntax"));
        QVERIFY(parsed.diagnostics.at(0).span.begin.line >= 1);
    }
};

QTEST_GUILESS_MAIN(TestRuleParser)
#include "tst_rule_parser.moc"
