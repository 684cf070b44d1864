// core/rule/lintcorrelation: the linter's correlation checks that need more than one file or the
// event catalog (the others are fixtures in tests/data/rule/lint/correlation_checks.yml).
#include "engine/logsourcefields.h"
#include "rule/lint.h"
#include "rule/parser.h"

#include <QTest>

using namespace sigma;

namespace {

const char* kProcessRule = R"(title: Process
id: 8c1f4a32-5d6e-4f70-9b0c-1d2e3f4a5b01
name: proc
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\cmd.exe'
    condition: selection
)";

QStringList codes(const Diagnostics& diagnostics)
{
    QStringList out;
    for (const auto& d : diagnostics)
        if (d.code.rfind("correlation", 0) == 0)
            out << QStringLiteral("%1 %2:%3 %4")
                       .arg(QString::fromStdString(d.file))
                       .arg(d.span.begin.line)
                       .arg(d.span.begin.column)
                       .arg(QString::fromStdString(d.code));
    return out;
}

std::string correlationText(const std::string& rules, const std::string& groupBy, const std::string& name = "c")
{
    return "title: C " + name + "\nname: " + name + "\ncorrelation:\n    type: event_count\n    rules:\n" + rules +
           "    group-by:\n" + groupBy + "    timespan: 5m\n    condition:\n        gte: 2\n";
}

} // namespace

class TestCorrelationLint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void groupByFieldOfTheLogSource_data()
    {
        QTest::addColumn<QString>("groupBy");
        QTest::addColumn<QString>("alias");
        QTest::addColumn<QStringList>("expected");
        QTest::addRow("known field") << QStringLiteral("User") << QStringLiteral("") << QStringList{};
        QTest::addRow("unknown field") << QStringLiteral("Usr") << QStringLiteral("")
                                       << QStringList{QStringLiteral("b.yml 8:9 correlation-group-by-field")};
        QTest::addRow("alias to a known field")
            << QStringLiteral("who") << QStringLiteral("    aliases:\n        who:\n            proc: User\n")
            << QStringList{};
        QTest::addRow("alias to an unknown field")
            << QStringLiteral("who") << QStringLiteral("    aliases:\n        who:\n            proc: Usr\n")
            << QStringList{QStringLiteral("b.yml 8:9 correlation-group-by-field")};
    }
    void groupByFieldOfTheLogSource()
    {
        QFETCH(QString, groupBy);
        QFETCH(QString, alias);
        QFETCH(QStringList, expected);
        const std::string text = correlationText("        - proc\n", "        - " + groupBy.toStdString() + "\n") +
                                 alias.toStdString() + "---\n" + kProcessRule;
        LintOptions options;
        options.fieldKnown = eventCatalogFieldLookup();
        const auto parsed = parseRuleText(text, "b.yml");
        QCOMPARE(codes(lintFile(parsed, options)), expected);
    }

    // A correlation file without rules refers to rules of other files: the set resolves them.
    void referencesAcrossFiles()
    {
        const auto rules = parseRuleText(kProcessRule, "rules.yml");
        const auto good = parseRuleText(correlationText("        - proc\n", "        - User\n"), "good.yml");
        const auto bad = parseRuleText(correlationText("        - prc\n", "        - User\n"), "bad.yml");
        QCOMPARE(codes(lintFile(good)), QStringList{});
        QCOMPARE(codes(lintFile(bad)), QStringList{}); // alone, the rule may be elsewhere
        QCOMPARE(codes(lintSet({&rules, &good, &bad})),
                 QStringList{QStringLiteral("bad.yml 6:9 correlation-unknown-rule")});
    }

    void cycleAcrossFiles()
    {
        const auto a = parseRuleText(correlationText("        - y\n", "        - User\n", "x"), "x.yml");
        const auto b = parseRuleText(correlationText("        - x\n", "        - User\n", "y"), "y.yml");
        QCOMPARE(codes(lintSet({&a, &b})), (QStringList{QStringLiteral("x.yml 6:9 correlation-cycle"),
                                                        QStringLiteral("y.yml 6:9 correlation-cycle")}));
    }

    void checksAreListed()
    {
        QStringList listed;
        for (const auto& c : lintChecks())
            listed << QString::fromStdString(c.code);
        for (const char* code : {"correlation-unknown-rule", "correlation-cycle", "correlation-group-by-field",
                                 "correlation-alias-rule", "timespan-unit"})
            QVERIFY2(listed.contains(QLatin1String(code)), code);
    }
};

QTEST_GUILESS_MAIN(TestCorrelationLint)
#include "tst_correlation_lint.moc"
