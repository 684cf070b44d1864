// The condition grammar: every construct from tests/data/rule/conditions.tsv (precedence, x-of,
// parentheses, errors with their column), x-of pattern expansion from condition_patterns.tsv, and
// token positions mapped back into the file for plain, quoted, folded and literal conditions.
#include "testsupport.h"

#include "rule/condition.h"
#include "rule/parser.h"

#include <QTest>

namespace {

QString tree(const sigma::ConditionNode& n)
{
    using K = sigma::ConditionNode::Kind;
    auto children = [&] {
        QStringList parts;
        for (const auto& c : n.children)
            parts << tree(c);
        return parts.join(QStringLiteral(", "));
    };
    switch (n.kind) {
    case K::Identifier:
        return QString::fromStdString(n.name);
    case K::And:
        return QStringLiteral("and(") + children() + QLatin1Char(')');
    case K::Or:
        return QStringLiteral("or(") + children() + QLatin1Char(')');
    case K::Not:
        return QStringLiteral("not(") + children() + QLatin1Char(')');
    case K::OneOf:
        return QStringLiteral("1of(") + QString::fromStdString(n.name) + QLatin1Char(')');
    case K::AllOf:
        return QStringLiteral("allof(") + QString::fromStdString(n.name) + QLatin1Char(')');
    }
    return {};
}

QList<QStringList> readTsv(const QString& name)
{
    QList<QStringList> rows;
    const auto lines = QString::fromUtf8(sigmatest::readFile(sigmatest::dataPath(name))).split(QLatin1Char('\n'));
    for (const auto& l : lines) {
        if (l.isEmpty() || l.startsWith(QLatin1Char('#')))
            continue;
        rows << l.split(QLatin1Char('\t'));
    }
    return rows;
}

std::vector<std::string> toStd(const QString& list)
{
    std::vector<std::string> out;
    for (const auto& s : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.toStdString());
    return out;
}

} // namespace

class TestRuleCondition : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void grammar_data()
    {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QString>("expected");
        const auto rows = readTsv(QStringLiteral("rule/conditions.tsv"));
        QVERIFY(rows.size() > 30);
        for (const auto& r : rows)
            QTest::newRow(qPrintable(r.value(0).isEmpty() ? QStringLiteral("<empty>") : r.value(0)))
                << r.value(0) << r.value(1);
    }
    void grammar()
    {
        QFETCH(QString, condition);
        QFETCH(QString, expected);
        const auto result = sigma::parseCondition(condition.toStdString());
        if (expected.startsWith(QStringLiteral("error:"))) {
            QVERIFY(!result.root);
            QVERIFY(!result.diagnostics.empty());
            const auto& d = result.diagnostics.front();
            QCOMPARE(QStringLiteral("error:%1:%2").arg(d.span.begin.column).arg(QString::fromStdString(d.code)),
                     expected);
            QCOMPARE(d.span.begin.line, 1);
            QCOMPARE(d.severity, sigma::Severity::Error);
        } else {
            QVERIFY2(result.root, result.diagnostics.empty() ? "" : result.diagnostics[0].message.c_str());
            QVERIFY(result.diagnostics.empty());
            QCOMPARE(tree(*result.root), expected);
            // the root spans the whole expression (without surrounding blanks)
            const auto trimmed = condition.trimmed();
            QCOMPARE(result.root->span.begin.column, int(condition.indexOf(trimmed.at(0))) + 1);
            QCOMPARE(result.root->span.end.column, int(condition.lastIndexOf(trimmed.back())) + 2);
        }
    }

    void patterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("identifiers");
        QTest::addColumn<QString>("expected");
        for (const auto& r : readTsv(QStringLiteral("rule/condition_patterns.tsv")))
            QTest::newRow(qPrintable(r.value(0) + QLatin1Char(' ') + r.value(1)))
                << r.value(0) << r.value(1) << r.value(2);
    }
    void patterns()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, identifiers);
        QFETCH(QString, expected);
        QCOMPARE(sigma::expandConditionPattern(pattern.toStdString(), toStd(identifiers)), toStd(expected));
    }

    void operatorAndNameSpans()
    {
        const auto r = sigma::parseCondition("1 of sel_* and not filter");
        QVERIFY(r.root);
        const auto& andNode = *r.root;
        QCOMPARE(andNode.operatorSpan, (sigma::SourceSpan{{1, 12}, {1, 15}}));
        const auto& oneOf = andNode.children[0];
        QCOMPARE(oneOf.operatorSpan, (sigma::SourceSpan{{1, 1}, {1, 5}}));
        QCOMPARE(oneOf.nameSpan, (sigma::SourceSpan{{1, 6}, {1, 11}}));
        const auto& notNode = andNode.children[1];
        QCOMPARE(notNode.operatorSpan, (sigma::SourceSpan{{1, 16}, {1, 19}}));
        QCOMPARE(notNode.children[0].nameSpan, (sigma::SourceSpan{{1, 20}, {1, 26}}));
        QCOMPARE(r.tokens.size(), std::size_t(6));
        QCOMPARE(r.tokens[0].kind, sigma::ConditionToken::Kind::Quantifier);
        QCOMPARE(r.tokens[1].kind, sigma::ConditionToken::Kind::Of);
        QCOMPARE(r.tokens[2].kind, sigma::ConditionToken::Kind::Pattern);
        QCOMPARE(r.tokens[3].kind, sigma::ConditionToken::Kind::And);
        QCOMPARE(r.tokens[4].kind, sigma::ConditionToken::Kind::Not);
        QCOMPARE(r.tokens[5].kind, sigma::ConditionToken::Kind::Identifier);
    }

    void referenced()
    {
        const auto r = sigma::parseCondition("sel and not 1 of filter_* or all of them");
        QVERIFY(r.root);
        QCOMPARE(sigma::referencedIdentifiers(*r.root, {"sel", "filter_a", "filter_b", "_aux", "other"}),
                 (std::vector<std::string>{"sel", "filter_a", "filter_b", "other"}));
    }

    void deepNestingIsRefused()
    {
        const std::string deep = std::string(5000, '(') + "a" + std::string(5000, ')');
        const auto r = sigma::parseCondition(deep);
        QVERIFY(!r.root);
        QCOMPARE(r.diagnostics.at(0).code, std::string("condition-syntax"));
        const auto nots = sigma::parseCondition([] {
            std::string s;
            for (int i = 0; i < 5000; ++i)
                s += "not ";
            return s + "a";
        }());
        QVERIFY(!nots.root);
    }

    // Token positions in the file for every scalar style of a condition.
    void positionsInFile_data()
    {
        QTest::addColumn<int>("condition");
        QTest::addColumn<QString>("tokens"); // text@line:col-line:col ...
        QTest::newRow("plain") << 0 << "selection@11:11-11:20 and@11:21-11:24 not@11:25-11:28 filter@11:29-11:35";
        QTest::newRow("single-quoted") << 1 << "selection@12:12-12:21 or@12:23-12:25 filter@12:26-12:32";
        QTest::newRow("double-quoted escape") << 2 << "selection@13:12-13:21 and@13:23-13:26 filter@13:27-13:33";
        QTest::newRow("folded") << 3 << "selection@15:13-15:22 and@16:13-16:16 not@16:17-16:20 filter@17:13-17:19";
        QTest::newRow("literal")
            << 4 << "1@19:13-19:14 of@19:15-19:17 selection@19:18-19:27 or@20:15-20:17 filter@20:18-20:24";
    }
    void positionsInFile()
    {
        QFETCH(int, condition);
        QFETCH(QString, tokens);
        const auto parsed =
            sigma::parseRuleFile(sigmatest::dataPath(QStringLiteral("rule/condition_positions.yml")).toStdString());
        QVERIFY(parsed.diagnostics.empty());
        const auto* rule = parsed.firstRule();
        QVERIFY(rule);
        QCOMPARE(rule->conditions.size(), std::size_t(5));
        const auto& c = rule->conditions[std::size_t(condition)];
        QVERIFY(c.root);
        QStringList actual;
        for (const auto& t : c.tokens)
            actual << QStringLiteral("%1@%2:%3-%4:%5")
                          .arg(QString::fromStdString(t.text))
                          .arg(t.span.begin.line)
                          .arg(t.span.begin.column)
                          .arg(t.span.end.line)
                          .arg(t.span.end.column);
        QCOMPARE(actual.join(QLatin1Char(' ')), tokens);
    }
};

QTEST_GUILESS_MAIN(TestRuleCondition)
#include "tst_rule_condition.moc"
