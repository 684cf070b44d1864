// engine/fieldfacts: what the editor's hover on a field name says (the catalog events of the
// rule's log source that carry the field, renamed fields of translated sources, other events).
#include "engine/fieldfacts.h"

#include <QTest>

class TestFieldFacts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void text_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("expected");
        QTest::newRow("image, process_creation")
            << "Image"
            << "process_creation"
            << ""
            << "Image: in Security-Auditing 4688 A new process has been created (as NewProcessName); Sysmon 1 "
               "Process creation\nAlso in: Sysmon 2, Sysmon 3, Sysmon 5, Sysmon 7, Sysmon 9, Sysmon 11 and 14 more\n"
               "Full path of the executable of the process (Sysmon; Security 4688 calls it NewProcessName)";
        QTest::newRow("4688 ProcessId")
            << "ParentProcessId"
            << "process_creation"
            << ""
            << "ParentProcessId: in Security-Auditing 4688 A new process has been created (as ProcessId); Sysmon 1 "
               "Process creation\nAlso in: Security-Auditing 4698, Security-Auditing 4699, Security-Auditing 4700, "
               "Security-Auditing 4701, Security-Auditing 4702\nProcess id of the parent process";
        QTest::newRow("system field")
            << "EventID"
            << "process_creation"
            << ""
            << "EventID: a System field every Windows event has\nNumber of the event within its provider";
        QTest::newRow("not in the log source")
            << "TargetFilename"
            << "process_creation"
            << ""
            << "TargetFilename: no catalog event of this log source carries it\nAlso in: Sysmon 2, Sysmon 11, "
               "Sysmon 15, Sysmon 23, Sysmon 26, Sysmon 27 and 2 more\nFull path of the file created, changed or "
               "deleted";
        QTest::newRow("service")
            << "logontype"
            << ""
            << "security"
            << "logontype: in Security-Auditing 4624 An account logged on; Security-Auditing 4625 An account failed "
               "to log on; Security-Auditing 4627 Group membership of a new logon; Security-Auditing 4634 An "
               "account logged off\nHow the account logged on: 2 interactive, 3 network, 4 batch, 5 service, 7 unlock, "
               "9 "
               "new credentials, 10 remote interactive, 11 cached";
        QTest::newRow("unknown log source") << "QueryName"
                                            << "no_such_category"
                                            << ""
                                            << "QueryName: the log source is not in the log-source table\nAlso in: "
                                               "Sysmon 22\nName looked up in the DNS query";
        QTest::newRow("unknown field") << "NoSuchField"
                                       << "dns_query"
                                       << ""
                                       << "NoSuchField: no catalog event of this log source carries it";
    }
    void text()
    {
        QFETCH(QString, field);
        QFETCH(QString, category);
        QFETCH(QString, service);
        QFETCH(QString, expected);
        sigma::LogSource ls;
        ls.product = "windows";
        ls.category = category.toStdString();
        ls.service = service.toStdString();
        const auto facts = sigma::fieldFacts(field.toStdString(), ls);
        QCOMPARE(QString::fromStdString(sigma::fieldFactsText(field.toStdString(), facts)), expected);
    }

    /// The description table: case-insensitive, empty for a field it does not list.
    void description_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exact")
            << "CommandLine"
            << "Command line the process was started with, arguments included, as the parent passed it";
        QTest::newRow("other case") << "originalfilename"
                                    << "File name from the PE version resource, set at compile time: it survives "
                                       "renaming the file";
        QTest::newRow("security field") << "TicketEncryptionType"
                                        << "Encryption of the Kerberos ticket (0x17 is RC4, 0x12 AES256)";
        QTest::newRow("not listed") << "NoSuchField"
                                    << "";
        QTest::newRow("comment line is no field") << "#"
                                                  << "";
    }
    void description()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(sigma::fieldDescription(field.toStdString())), expected);
        sigma::LogSource ls;
        ls.product = "windows";
        ls.category = "process_creation";
        const auto facts = sigma::fieldFacts(field.toStdString(), ls);
        QCOMPARE(QString::fromStdString(facts.description), expected);
        const QString text = QString::fromStdString(sigma::fieldFactsText(field.toStdString(), facts));
        QCOMPARE(text.endsWith(QLatin1Char('\n') + expected), !expected.isEmpty());
    }

    /// Six events named, the rest counted (SubjectUserName: most Security events).
    void manyEventsCounted()
    {
        sigma::LogSource ls;
        ls.product = "windows";
        ls.service = "security";
        const auto facts = sigma::fieldFacts("SubjectUserName", ls);
        QVERIFY(facts.inLogSource.size() > 20);
        const QString text = QString::fromStdString(sigma::fieldFactsText("SubjectUserName", facts));
        QVERIFY2(text.startsWith(QStringLiteral("SubjectUserName: in Security-Auditing 4616 ")), qPrintable(text));
        QCOMPARE(text.count(QStringLiteral("; ")), 5);
        const QString firstLine = text.section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(firstLine.endsWith(QStringLiteral(" and %1 more").arg(facts.inLogSource.size() - 6)),
                 qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestFieldFacts)
#include "tst_fieldfacts.moc"
