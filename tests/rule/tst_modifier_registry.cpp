// rule/modifiers.h: one table of modifiers for the parser, the linter and the engine.
#include "engine/engine.h"
#include "rule/lint.h"
#include "rule/modifiers.h"
#include "rule/parser.h"

#include <QTest>

#include <set>

using namespace sigma;

namespace {

std::string ruleWithItem(const std::string& key, const std::string& value)
{
    return "title: t\nid: 11111111-1111-4111-8111-111111111111\nstatus: test\nlogsource: {product: windows, "
           "category: process_creation}\ndetection:\n  selection:\n    " +
           key + ": " + value + "\n  condition: selection\nlevel: low\n";
}

/// The diagnostics an editor shows for a rule: parse + lint, then compile when the parse is clean
/// (as ui/liveevaluator and `sigmawb lint --compile` do).
Diagnostics analysed(const std::string& text)
{
    const ParsedFile parsed = parseRuleText(text, "rule.yml");
    Diagnostics out = lintFile(parsed);
    if (const Rule* rule = parsed.firstRule(); rule && !hasErrors(parsed.diagnostics)) {
        const auto compiled = compileRule(*rule, "rule.yml");
        out.insert(out.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
    }
    return out;
}

} // namespace

class TestModifierRegistry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyKindOnceWithItsSpellings()
    {
        const auto registry = modifierRegistry();
        QCOMPARE(registry.size(), std::size_t(ModifierKind::Year) + 1);
        std::set<std::string_view> seen;
        for (std::size_t i = 0; i < registry.size(); ++i) {
            QCOMPARE(std::size_t(registry[i].kind), i);
            QVERIFY(!registry[i].summary.empty());
            QCOMPARE(modifierFromName(registry[i].name), std::optional(registry[i].kind));
            QCOMPARE(std::string_view(modifierName(registry[i].kind)), registry[i].name);
        }
        const auto spellings = modifierSpellings();
        QCOMPARE(spellings.size(), registry.size() + 4); // wide, ignorecase, multiline, dotall
        for (auto s : spellings) {
            QVERIFY2(seen.insert(s).second, std::string(s).c_str());
            QVERIFY(modifierFromName(s));
        }
        QCOMPARE(modifierFromName("wide"), std::optional(ModifierKind::Utf16le));
        QCOMPARE(modifierFromName("Contains"), std::nullopt); // case-sensitive, as pySigma
    }

    void families_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("family");
        QTest::newRow("plain") << "A" << int(MatcherFamily::String);
        QTest::newRow("contains all") << "A|contains|all" << int(MatcherFamily::String);
        QTest::newRow("transformations") << "A|wide|base64offset|contains" << int(MatcherFamily::String);
        QTest::newRow("neq") << "A|neq" << int(MatcherFamily::String);
        QTest::newRow("re with flags") << "A|re|i|m" << int(MatcherFamily::Regex);
        QTest::newRow("cidr") << "A|cidr" << int(MatcherFamily::Cidr);
        QTest::newRow("gt") << "A|gt" << int(MatcherFamily::Number);
        QTest::newRow("time part with gt") << "A|minute|gt" << int(MatcherFamily::TimePart);
        QTest::newRow("exists") << "A|exists" << int(MatcherFamily::Exists);
        QTest::newRow("fieldref contains") << "A|fieldref|contains" << int(MatcherFamily::FieldRef);
    }
    void families()
    {
        QFETCH(QString, key);
        QFETCH(int, family);
        const ParsedFile parsed = parseRuleText(ruleWithItem(key.toStdString(), "'1'"), "rule.yml");
        const Rule* rule = parsed.firstRule();
        QVERIFY(rule);
        QCOMPARE(int(matcherFamilyOf(rule->detection[0].maps[0].items[0])), family);
    }

    void badRegexReportedOnce()
    {
        // Before the registry the linter said "regex-invalid" and the engine "invalid-regex" about
        // the same pattern, so the editor listed it twice.
        const Diagnostics d = analysed(ruleWithItem("Image|re", "'([a-z]+'"));
        int aboutRegex = 0;
        for (const auto& x : d)
            if (x.message.find("([a-z]+") != std::string::npos || x.code.find("regex") != std::string::npos) {
                ++aboutRegex;
                QCOMPARE(x.code, std::string("invalid-regex"));
                QCOMPARE(x.span.begin.line, 7);
            }
        QCOMPARE(aboutRegex, 1);
    }

    void parserAndEngineUseOneCode_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("code");
        QTest::newRow("regex") << "A|re"
                               << "'(unclosed'"
                               << "invalid-regex";
        QTest::newRow("cidr") << "A|cidr"
                              << "'10.0.0.1/8'"
                              << "invalid-cidr";
    }
    void parserAndEngineUseOneCode()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, code);
        const ParsedFile parsed = parseRuleText(ruleWithItem(key.toStdString(), value.toStdString()), "rule.yml");
        const Rule* rule = parsed.firstRule();
        QVERIFY(rule);
        const DetectionItem& item = rule->detection[0].maps[0].items[0];
        const auto problem = checkModifierValue(item, item.values[0]);
        QVERIFY(problem);
        QCOMPARE(QString::fromStdString(problem->code), code);
        bool inParser = false;
        for (const auto& d : parsed.diagnostics)
            inParser = inParser || (d.code == problem->code && d.message == problem->message);
        QVERIFY(inParser);
        const auto compiled = compileIndicator(item, 0, "rule.yml");
        QVERIFY(!compiled.indicator);
        QCOMPARE(compiled.diagnostics.size(), std::size_t(1));
        QCOMPARE(compiled.diagnostics[0].code, problem->code);
        QCOMPARE(compiled.diagnostics[0].message, problem->message);
    }
};

QTEST_GUILESS_MAIN(TestModifierRegistry)
#include "tst_modifier_registry.moc"
