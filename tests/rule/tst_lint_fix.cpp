// Quick fixes of lint diagnostics (rule/lintfix.h): each fix on a fixture of tests/data/lintfix/
// gives the expected text (NAME.yml -> NAME.fixed.yml), a second run changes nothing, and the
// edits themselves (overlaps refused, identical edits once).
#include "rule/lintfix.h"
#include "rule/parser.h"
#include "testsupport.h"

#include <QtTest>

#include <algorithm>

class TestLintFix : public QObject {
    Q_OBJECT

    static sigma::LintOptions options()
    {
        sigma::LintOptions o;
        o.newId = [] { return std::string("00000000-0000-4000-8000-000000000001"); };
        return o;
    }

private Q_SLOTS:
    void fixture_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("fixes");
        QTest::newRow("wildcard endswith")
            << QStringLiteral("wildcard_endswith") << QStringLiteral("wildcard-instead-of-modifier") << 1;
        QTest::newRow("wildcard list contains")
            << QStringLiteral("wildcard_list_contains") << QStringLiteral("wildcard-instead-of-modifier") << 1;
        QTest::newRow("wildcard startswith, escaped kept")
            << QStringLiteral("wildcard_startswith_escaped") << QStringLiteral("wildcard-instead-of-modifier") << 1;
        QTest::newRow("duplicate tag") << QStringLiteral("duplicate_tag") << QStringLiteral("duplicate-tag") << 1;
        QTest::newRow("duplicate tag, flow list")
            << QStringLiteral("duplicate_tag_flow") << QStringLiteral("duplicate-tag") << 1;
        QTest::newRow("tag case") << QStringLiteral("tag_case") << QStringLiteral("tag-format") << 2;
        QTest::newRow("missing id") << QStringLiteral("missing_id") << QStringLiteral("missing-id") << 1;
        QTest::newRow("date format") << QStringLiteral("date_format") << QStringLiteral("invalid-date") << 2;
        QTest::newRow("1 of them, one identifier")
            << QStringLiteral("them_single") << QStringLiteral("them-single-identifier") << 1;
        QTest::newRow("number as string")
            << QStringLiteral("number_as_string") << QStringLiteral("number-as-string") << 3;
        QTest::newRow("modifier order") << QStringLiteral("modifier_order") << QStringLiteral("modifier-order") << 2;
        QTest::newRow("duplicate modifier")
            << QStringLiteral("duplicate_modifier") << QStringLiteral("duplicate-modifier") << 1;
        QTest::newRow("redundant wildcard")
            << QStringLiteral("redundant_wildcard") << QStringLiteral("redundant-wildcard") << 2;
        QTest::newRow("keycap emoji's star")
            << QStringLiteral("wildcard_in_emoji") << QStringLiteral("wildcard-in-emoji") << 2;
        QTest::newRow("duplicate value") << QStringLiteral("duplicate_value") << QStringLiteral("duplicate-value") << 1;
        QTest::newRow("log source case") << QStringLiteral("logsource_case")
                                         << QStringLiteral("logsource-not-lowercase") << 2;
        QTest::newRow("lone wildcard") << QStringLiteral("wildcard_only") << QStringLiteral("wildcard-only-value") << 1;
        QTest::newRow("title case") << QStringLiteral("title_case") << QStringLiteral("title-case") << 1;
        QTest::newRow("title period") << QStringLiteral("title_period") << QStringLiteral("title-style") << 1;
        QTest::newRow("false positive capital")
            << QStringLiteral("falsepositive_capital") << QStringLiteral("falsepositive-capital") << 1;
        QTest::newRow("false positive typo")
            << QStringLiteral("falsepositive_typo") << QStringLiteral("falsepositive-typo") << 2;
        QTest::newRow("duplicate field") << QStringLiteral("duplicate_field") << QStringLiteral("duplicate-field") << 1;
        QTest::newRow("redundant modified")
            << QStringLiteral("redundant_modified") << QStringLiteral("redundant-modified") << 1;
        QTest::newRow("filter level") << QStringLiteral("filter_level") << QStringLiteral("filter-has-level") << 1;
        QTest::newRow("filter status") << QStringLiteral("filter_status") << QStringLiteral("filter-has-status") << 1;
        QTest::newRow("1 of one identifier")
            << QStringLiteral("of_without_wildcard") << QStringLiteral("of-without-wildcard") << 1;
        QTest::newRow("pattern of one identifier")
            << QStringLiteral("of_pattern_single") << QStringLiteral("of-pattern-single") << 1;
    }
    void fixture()
    {
        QFETCH(QString, name);
        QFETCH(QString, code);
        QFETCH(int, fixes);
        const std::string input =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/") + name + QStringLiteral(".yml")))
                .toStdString();
        const std::string expected =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/") + name + QStringLiteral(".fixed.yml")))
                .toStdString();
        QVERIFY(!input.empty() && !expected.empty());
        // the diagnostic carries the fix
        const auto diagnostics = sigma::lintFile(sigma::parseRuleText(input, name.toStdString() + ".yml"), options());
        QVERIFY(std::any_of(diagnostics.begin(), diagnostics.end(),
                            [&](const sigma::Diagnostic& d) { return d.code == code.toStdString() && d.fix; }));
        const auto report = sigma::fixText(input, name.toStdString() + ".yml", options(), {code.toStdString()});
        QCOMPARE(QString::fromStdString(report.text), QString::fromStdString(expected));
        QCOMPARE(static_cast<int>(report.codes.size()), fixes);
        // idempotent, and nothing of that code is left
        const auto again = sigma::fixText(report.text, name.toStdString() + ".yml", options(), {code.toStdString()});
        QCOMPARE(QString::fromStdString(again.text), QString::fromStdString(expected));
        QVERIFY(again.codes.empty());
        const auto after = sigma::lintFile(sigma::parseRuleText(report.text, name.toStdString() + ".yml"), options());
        QVERIFY(!sigma::hasErrors(after));
        for (const auto& d : after)
            QVERIFY2(d.code != code.toStdString(), d.format().c_str());
    }

    void allFixesTogether()
    {
        // every fix of the wildcard fixture at once, the other codes included: still idempotent
        const std::string input =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/wildcard_list_contains.yml")))
                .toStdString();
        const auto first = sigma::fixText(input, "w.yml", options());
        const auto second = sigma::fixText(first.text, "w.yml", options());
        QCOMPARE(QString::fromStdString(second.text), QString::fromStdString(first.text));
        QVERIFY(second.codes.empty());
    }

    void bomAndCrlfKept()
    {
        const std::string input = "\xEF\xBB\xBFtitle: T\r\nlogsource:\r\n    product: windows\r\ndetection:\r\n"
                                  "    sel:\r\n        Image: '*\\x.exe'\r\n    condition: sel\r\nlevel: low\r\n";
        const auto r = sigma::fixText(input, "crlf.yml", options(), {"wildcard-instead-of-modifier", "missing-id"});
        QCOMPARE(QString::fromStdString(r.text),
                 QString::fromStdString("\xEF\xBB\xBFtitle: T\r\nid: 00000000-0000-4000-8000-000000000001\r\n"
                                        "logsource:\r\n    product: windows\r\ndetection:\r\n    sel:\r\n"
                                        "        Image|endswith: '\\x.exe'\r\n    condition: sel\r\nlevel: low\r\n"));
    }

    void applyEdits_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("b1");
        QTest::addColumn<int>("e1");
        QTest::addColumn<QString>("r1");
        QTest::addColumn<int>("b2");
        QTest::addColumn<int>("e2");
        QTest::addColumn<QString>("r2");
        QTest::addColumn<QString>("expected"); // "(null)" when refused
        // columns on line 1
        QTest::newRow("two replacements") << QStringLiteral("abcdef") << 1 << 3 << QStringLiteral("X") << 4 << 5
                                          << QStringLiteral("Y") << QStringLiteral("XcYef");
        QTest::newRow("identical edits count once") << QStringLiteral("abcdef") << 2 << 3 << QStringLiteral("X") << 2
                                                    << 3 << QStringLiteral("X") << QStringLiteral("aXcdef");
        QTest::newRow("overlap refused") << QStringLiteral("abcdef") << 1 << 4 << QStringLiteral("X") << 3 << 5
                                         << QStringLiteral("Y") << QStringLiteral("(null)");
        QTest::newRow("two insertions at one place refused")
            << QStringLiteral("abc") << 2 << 2 << QStringLiteral("X") << 2 << 2 << QStringLiteral("Y")
            << QStringLiteral("(null)");
        QTest::newRow("insertion at the end") << QStringLiteral("abc") << 4 << 4 << QStringLiteral("!") << 1 << 2
                                              << QStringLiteral("A") << QStringLiteral("Abc!");
        QTest::newRow("outside the line refused") << QStringLiteral("abc") << 1 << 9 << QStringLiteral("X") << 1 << 1
                                                  << QStringLiteral("") << QStringLiteral("(null)");
    }
    void applyEdits()
    {
        QFETCH(QString, text);
        QFETCH(int, b1);
        QFETCH(int, e1);
        QFETCH(QString, r1);
        QFETCH(int, b2);
        QFETCH(int, e2);
        QFETCH(QString, r2);
        QFETCH(QString, expected);
        std::vector<sigma::TextEdit> edits{{{{1, b1}, {1, e1}}, r1.toStdString()}};
        if (b2 != e2 || !r2.isEmpty())
            edits.push_back({{{1, b2}, {1, e2}}, r2.toStdString()});
        const auto out = sigma::applyTextEdits(text.toStdString(), edits);
        QCOMPARE(out ? QString::fromStdString(*out) : QStringLiteral("(null)"), expected);
    }

    void randomUuidIsV4()
    {
        const std::string a = sigma::randomUuid(), b = sigma::randomUuid();
        QCOMPARE(a.size(), std::size_t(36));
        QCOMPARE(a[14], '4');
        QVERIFY(std::string("89ab").find(a[19]) != std::string::npos);
        QVERIFY(a != b);
    }
};

QTEST_GUILESS_MAIN(TestLintFix)
#include "tst_lint_fix.moc"
