// sigmawb's own behaviour: version, help listing the subcommands, usage errors.
#include "commandregistry.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>

class TestCliBasics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void version()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("sigmawb 0."), r.out.constData());
    }
    // Every registered subcommand has its own line in --help (name, then its description).
    void helpListsSubcommands()
    {
        const auto& commands = sigmawb::commandRegistry();
        QVERIFY2(commands.size() >= 10, "the registry of subcommands is not linked into the test");
        const auto r = sigmatest::runSigmawb({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'));
        for (const auto& command : commands) {
            const QString name = QString::fromStdString(command.name);
            const QRegularExpression line(
                QStringLiteral("^\\s+%1\\s+%2")
                    .arg(QRegularExpression::escape(name),
                         QRegularExpression::escape(QString::fromStdString(command.description).left(20))));
            QVERIFY2(
                std::any_of(lines.begin(), lines.end(), [&](const QString& l) { return line.match(l).hasMatch(); }),
                qPrintable(QStringLiteral("`%1` is not listed in:\n%2").arg(name, QString::fromUtf8(r.out))));
        }
    }
    void unknownOptionIsUsageError()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("--no-such-option")});
        QCOMPARE(r.exitCode, 2);
    }
    void noSubcommandIsUsageError()
    {
        const auto r = sigmatest::runSigmawb({});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliBasics)
#include "tst_cli_basics.moc"
