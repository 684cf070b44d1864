// Rules read, lint and match the same in any process locale, and events read and reports write the
// same. The GUI runs in the user's (Qt calls setlocale(LC_ALL, "") on Unix), where <cctype>, strtod
// and printf change meaning: a German locale reads "1.5" as 1 and writes 1.5 as "1,5" (decimal
// comma), a Latin-1 one calls byte 0xE4 (the first byte of many UTF-8 CJK characters) a lower-case
// letter. This suite runs under de_DE.ISO-8859-1, generated with localedef into a temporary
// directory when the system does not have it.
#include "engine/engine.h"
#include "events/event.h"
#include "events/reader.h"
#include "events/windowsformat.h"
#include "rule/condition.h"
#include "rule/lint.h"
#include "rule/parser.h"
#include "util/asciitext.h"
#include "validation/junit.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cctype>
#include <clocale>
#include <cstring>

using namespace sigma;

namespace {

constexpr const char* kLocale = "de_DE.ISO-8859-1";

bool hasCode(const Diagnostics& diagnostics, const std::string& code)
{
    for (const auto& d : diagnostics)
        if (d.code == code)
            return true;
    return false;
}

} // namespace

class TestRuleLocale : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!std::setlocale(LC_ALL, kLocale)) {
            const QString localedef = QStandardPaths::findExecutable(QStringLiteral("localedef"));
            if (localedef.isEmpty())
                QSKIP("no de_DE.ISO-8859-1 locale and no localedef to make one");
            QVERIFY(m_locales.isValid());
            QProcess p;
            p.start(localedef, {QStringLiteral("-i"), QStringLiteral("de_DE"), QStringLiteral("-f"),
                                QStringLiteral("ISO-8859-1"), m_locales.filePath(QString::fromLatin1(kLocale))});
            QVERIFY(p.waitForFinished(60000));
            qputenv("LOCPATH", QFile::encodeName(m_locales.path()));
            if (!std::setlocale(LC_ALL, kLocale))
                QSKIP("localedef could not make de_DE.ISO-8859-1 (locale sources missing?)");
        }
        // The locale is in effect: what the code under test must not depend on.
        QCOMPARE(std::strcmp(std::localeconv()->decimal_point, ","), 0);
        QVERIFY(std::islower(0xE4));
    }

    void cleanupTestCase() { std::setlocale(LC_ALL, "C"); }

    void numbersKeepTheirDecimalPoint()
    {
        const ParsedFile parsed = parseRuleText("title: t\nlogsource: {product: windows}\ndetection:\n"
                                                "  selection:\n    Count|gt: 1.5\n  condition: selection\n",
                                                "rule.yml");
        QVERIFY(!hasErrors(parsed.diagnostics));
        const Rule* rule = parsed.firstRule();
        QVERIFY(rule);
        const Value& v = rule->detection[0].maps[0].items[0].values[0];
        QCOMPARE(v.type, Value::Type::Float);
        QCOMPARE(v.floatValue, 1.5);

        CompileOptions options;
        options.scopeByLogSource = false;
        const auto compiled = compileRule(*rule, "rule.yml", options);
        QVERIFY(compiled.rule);
        Event above;
        above.add("Count", "2.5");
        QVERIFY(compiled.rule->matches(above));
        Event below;
        below.add("Count", "1.25");
        QVERIFY(!compiled.rule->matches(below));
        Event comma; // a decimal comma is no number in an event, in any locale
        comma.add("Count", "2,5");
        QVERIFY(!compiled.rule->matches(comma));
    }

    void titleStyleLooksAtAsciiLetters()
    {
        auto titleStyle = [](const std::string& title) {
            const ParsedFile parsed = parseRuleText("title: " + title +
                                                        "\nid: 11111111-1111-4111-8111-111111111111\n"
                                                        "status: test\nlogsource: {product: windows}\n"
                                                        "detection:\n  sel:\n    Image: a\n  condition: sel\n"
                                                        "level: low\n",
                                                    "rule.yml");
            return hasCode(lintFile(parsed), "title-style");
        };
        QVERIFY(titleStyle("lower-case start")); // the check itself works
        QVERIFY(!titleStyle("Upper-case start"));
        // U+4E2D starts with byte 0xE4, 'ä' in Latin-1: no letter to capitalise.
        QVERIFY(!titleStyle("\xE4\xB8\xAD\xE6\x96\x87 detection"));
    }

    void conditionKeywordsAndAsciiHelpers()
    {
        // Byte 0xC4 is 'Ä' in Latin-1, which <cctype> would lower to 0xE4; ASCII helpers leave it.
        QCOMPARE(asciiLowered("\xC4ND"), std::string("\xC4nd"));
        QCOMPARE(asciiUppered("t1059.001"), std::string("T1059.001"));
        QVERIFY(!isAsciiLetter('\xE4'));
        const auto r = parseCondition("sel AND NOT 1 OF filter*");
        QVERIFY(r.root);
        QCOMPARE(r.root->kind, ConditionNode::Kind::And);
    }

    void realsAreWrittenWithAPoint()
    {
        // How Windows renders a real (evtx values, the Event Detail pane), written with printf's %f
        // and %e before: "1,500000" in this locale.
        QCOMPARE(windows::formatReal64(1.5), std::string("1.500000"));
        QCOMPARE(windows::formatReal64(-2.0), std::string("-2"));
        QCOMPARE(windows::formatReal64(1.25e-7), std::string("1.250000e-007"));
        QCOMPARE(windows::formatReal32(0.5F), std::string("0.500000"));
    }

    void junitTimesAreWrittenWithAPoint()
    {
        RuleTestResult result;
        result.rule = "rule.yml";
        result.milliseconds = 1500;
        const std::string xml = junitXml({result}, {"suite", "2026-01-01T00:00:00", {}});
        QVERIFY2(xml.find("time=\"1.500\"") != std::string::npos, xml.c_str());
        QVERIFY2(xml.find("1,500") == std::string::npos, xml.c_str());
    }

    void damagedXmlIsSplitAsInTheCLocale()
    {
        // A damaged file is read event by event from each "<Event" or "<prefix:Event" tag. The
        // prefix "\xC3\xAA" (U+00EA) is two letters in Latin-1 (<cctype> said so here), none in
        // ASCII: the split must not depend on the locale.
        const std::string text = "<Events>\n"
                                 "<\xC3\xAA:Event xmlns:\xC3\xAA='urn:x'><System><EventID>1</EventID></System>"
                                 "</\xC3\xAA:Event>\n"
                                 "<Event><System><EventID>2</EventID></System></Event>\n"
                                 "<Event><System><EventID>3</EventID>\n";
        auto eventCount = [&] { return readEventsText(text, "events.xml").events.size(); };
        const std::size_t here = eventCount();
        const std::string saved = std::setlocale(LC_ALL, nullptr);
        std::setlocale(LC_ALL, "C");
        const std::size_t inC = eventCount();
        std::setlocale(LC_ALL, saved.c_str());
        QVERIFY(inC > 0);
        QCOMPARE(here, inC);
    }

private:
    QTemporaryDir m_locales;
};

QTEST_GUILESS_MAIN(TestRuleLocale)
#include "tst_rule_locale.moc"
