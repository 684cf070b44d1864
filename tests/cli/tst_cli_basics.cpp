// sigmawb's own behaviour: version, help listing the subcommands, usage errors.
#include "testsupport.h"

#include <QTest>

class TestCliBasics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void version()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("sigmawb 0."), r.out.constData());
    }
    void helpListsSubcommands()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("version"), r.out.constData());
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
