// The engine on the reference corpus (../shared; skipped in a clone without it): every SigmaHQ
// rule compiles except those needing placeholders, and hand-checked rules fire on the real
// .evtx samples, the same through RuleSet (pre-filtered) and rule by rule.
#include "testsupport.h"

#include "engine/engine.h"
#include "engine/loader.h"
#include "events/reader.h"

#include <QTest>

#include <algorithm>

using namespace sigma;

class TestEngineCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everySigmaHqRuleCompiles()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq");
        std::vector<std::string> dirs;
        for (const char* d : {"rules", "rules-compliance", "rules-dfir", "rules-emerging-threats", "rules-placeholder",
                              "rules-threat-hunting"})
            dirs.push_back(QString(sharedPathValue + QLatin1Char('/') + QLatin1String(d)).toStdString());
        Diagnostics d;
        const auto files = collectRuleFiles(dirs, d);
        QVERIFY(files.size() > 3000);
        const LoadedRules loaded = loadRules(files, {}, 0);
        // Failures are exactly the rules needing placeholders.
        QStringList unexpected;
        for (const auto& f : loaded.failedFiles)
            if (std::find(loaded.placeholderFiles.begin(), loaded.placeholderFiles.end(), f) ==
                loaded.placeholderFiles.end())
                unexpected << QString::fromStdString(f);
        for (const auto& x : loaded.diagnostics)
            if (x.severity == Severity::Error && x.code != "unresolved-placeholder")
                unexpected << QString::fromStdString(x.format());
        QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.join(QLatin1Char('\n'))));
        QVERIFY(!loaded.placeholderFiles.empty());
        for (const auto& f : loaded.placeholderFiles) {
            const QString file = QString::fromStdString(f);
            QVERIFY2(file.contains(QLatin1String("rules-placeholder/")) ||
                         sigmatest::readFile(file).contains("|expand"),
                     qPrintable(file));
        }
        qInfo("%zu rule files, %zu rules compiled, %zu need placeholders", files.size(), loaded.rules.size(),
              loaded.placeholderFiles.size());
    }

    void handCheckedHits_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("events");
        QTest::addColumn<int>("expected"); // matching events in the file
        QTest::newRow("TSCON RDP hijack") << "rules/windows/process_creation/proc_creation_win_tscon_rdp_redirect.yml"
                                          << "EVTX-to-MITRE-Attack/TA0008-Lateral Movement/T1021.001-Remote Desktop "
                                             "Protocol/ID4688-4778 RDP hijack command execution.evtx"
                                          << 2;
        QTest::newRow("conhost legacy option, High integrity via 4688 MandatoryLabel")
            << "rules/windows/process_creation/proc_creation_win_conhost_legacy_option.yml"
            << "EVTX-to-MITRE-Attack/TA0002-Execution/T1059.003-Windows Command Shell/ID4688-SQL Server payload "
               "injectection for reverse shell (MSF).evtx"
            << 69;
        QTest::newRow("PowerShell in service ImagePath (Tchopper)")
            << "rules/windows/builtin/system/service_control_manager/"
               "win_system_powershell_script_installed_as_service.yml"
            << "EVTX-to-MITRE-Attack/TA0002-Execution/T1569.002-Service execution/ID7000,7009,7045-Payload deployed "
               "via service - Tchopper.evtx"
            << 244;
        QTest::newRow("DCSync with Mimikatz")
            << "rules/windows/builtin/security/win_security_ad_replication_non_machine_account.yml"
            << "EVTX-to-MITRE-Attack/TA0006-Credential Access/T1003-Credential dumping/ID4662-DCsync attack using "
               "Mimikatz.evtx"
            << 3;
    }
    void handCheckedHits()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq");
        QFETCH(QString, rule);
        QFETCH(QString, events);
        QFETCH(int, expected);
        const std::string ruleFile = QString(sharedPathValue + QLatin1Char('/') + rule).toStdString();
        const QString eventsFile = sigmatest::sharedPath(QStringLiteral("corpus/events/") + events);
        if (!QFileInfo::exists(QString::fromStdString(ruleFile)) || !QFileInfo::exists(eventsFile))
            QSKIP("this snapshot lacks the rule or the sample");
        const LoadedRules loaded = loadRules({ruleFile});
        QCOMPARE(loaded.rules.size(), std::size_t(1));
        const ReadResult r = readEventsFile(eventsFile.toStdString());
        RuleSetBuilder builder;
        builder.add(loaded.rules[0]);
        const RuleSet set = builder.build();
        int viaSet = 0, direct = 0, explained = 0;
        for (const auto& e : r.events) {
            viaSet += !set.match(e).empty();
            direct += loaded.rules[0]->matches(e);
            explained += loaded.rules[0]->explain(e).matched;
        }
        QCOMPARE(direct, expected);
        QCOMPARE(viaSet, expected);
        QCOMPARE(explained, expected);
    }
};

QTEST_GUILESS_MAIN(TestEngineCorpus)
#include "tst_engine_corpus.moc"
