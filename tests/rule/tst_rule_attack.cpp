// The ATT&CK tables compiled in from resources/data/attack-*.tsv.
#include "rule/attack.h"

#include <QTest>

class TestRuleAttack : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tables()
    {
        const auto& tactics = sigma::attack::tactics();
        QCOMPARE(tactics.size(), std::size_t(15));
        QCOMPARE(tactics.front().shortName, std::string("reconnaissance"));
        QCOMPARE(tactics.back().shortName, std::string("impact"));
        const auto& techniques = sigma::attack::techniques();
        QCOMPARE(techniques.size(), std::size_t(858));
        std::size_t active = 0;
        for (const auto& t : techniques)
            active += t.status == sigma::attack::Technique::Status::Active;
        QCOMPARE(active, std::size_t(697));
        QVERIFY(std::is_sorted(techniques.begin(), techniques.end(),
                               [](const auto& a, const auto& b) { return a.id < b.id; }));
    }

    void techniques_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("tactics");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("currentId");
        using S = sigma::attack::Technique::Status;
        QTest::newRow("technique") << "T1059"
                                   << "Command and Scripting Interpreter"
                                   << "execution" << int(S::Active) << "T1059";
        QTest::newRow("sub-technique, lower case") << "t1059.001"
                                                   << "Command and Scripting Interpreter: PowerShell"
                                                   << "execution" << int(S::Active) << "T1059.001";
        QTest::newRow("several tactics") << "T1078"
                                         << "Valid Accounts"
                                         << "initial-access,persistence,privilege-escalation,stealth" << int(S::Active)
                                         << "T1078";
        QTest::newRow("revoked before v18") << "T1089"
                                            << "Disabling Security Tools"
                                            << "defense-evasion" << int(S::Revoked) << "T1685";
        QTest::newRow("deprecated") << "T1026"
                                    << "Multiband Communication"
                                    << "command-and-control" << int(S::Deprecated) << "";
    }
    void techniques()
    {
        QFETCH(QString, id);
        QFETCH(QString, name);
        QFETCH(QString, tactics);
        QFETCH(int, status);
        QFETCH(QString, currentId);
        const auto* t = sigma::attack::findTechnique(id.toStdString());
        QVERIFY(t);
        QCOMPARE(QString::fromStdString(t->name), name);
        QStringList ts;
        for (const auto& s : t->tactics)
            ts << QString::fromStdString(s);
        QCOMPARE(ts.join(QLatin1Char(',')), tactics);
        QCOMPARE(int(t->status), status);
        QCOMPARE(QString::fromStdString(t->currentId), currentId);
        QCOMPARE(t->isSubtechnique(), id.contains(QLatin1Char('.')));
        QCOMPARE(QString::fromStdString(sigma::attack::techniqueName(id.toStdString())), name);
    }

    void unknown()
    {
        QCOMPARE(sigma::attack::findTechnique("T9999"), nullptr);
        QCOMPARE(sigma::attack::findTechnique(""), nullptr);
        QCOMPARE(sigma::attack::techniqueName("T9999"), std::string());
        QCOMPARE(sigma::attack::findTactic("nope"), nullptr);
    }

    void tacticLookup_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("name");
        QTest::newRow("short name") << "execution"
                                    << "TA0002"
                                    << "Execution";
        QTest::newRow("id") << "TA0011"
                            << "TA0011"
                            << "Command and Control";
        QTest::newRow("legacy short name") << "defense-evasion"
                                           << "TA0005"
                                           << "Stealth";
        QTest::newRow("new in v19") << "defense-impairment"
                                    << "TA0112"
                                    << "Defense Impairment";
        QTest::newRow("case-insensitive") << "Credential-Access"
                                          << "TA0006"
                                          << "Credential Access";
    }
    void tacticLookup()
    {
        QFETCH(QString, key);
        QFETCH(QString, id);
        QFETCH(QString, name);
        const auto* t = sigma::attack::findTactic(key.toStdString());
        QVERIFY(t);
        QCOMPARE(QString::fromStdString(t->id), id);
        QCOMPARE(QString::fromStdString(t->name), name);
    }
};

QTEST_GUILESS_MAIN(TestRuleAttack)
#include "tst_rule_attack.moc"
