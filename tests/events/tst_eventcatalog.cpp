// The built-in event catalog (resources/data/event-catalog.txt).
#include "testsupport.h"

#include "events/catalog.h"
#include "util/resources.h"

#include <QTest>

#include <algorithm>
#include <set>

using namespace sigma;

namespace {
QString toQ(const char* s)
{
    return QString::fromUtf8(s);
}
[[maybe_unused]] QString toQ(const QString& s)
{
    return s;
}
template <typename... T>
QStringList L(const T&... items)
{
    return QStringList{toQ(items)...};
}
} // namespace

class TestEventCatalog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyLineParses()
    {
        // Every non-comment line of the file becomes an entry (no line silently dropped).
        const auto text = resources::data("event-catalog.txt");
        QVERIFY(text);
        int lines = 0;
        for (const auto& line : QString::fromUtf8(text->data(), qsizetype(text->size())).split(QLatin1Char('\n'))) {
            const QString t = line.trimmed();
            if (!t.isEmpty() && !t.startsWith(QLatin1Char('#'))) {
                ++lines;
                QCOMPARE(t.count(QLatin1Char('|')), 5);
            }
        }
        QCOMPARE(int(EventCatalog::all().size()), lines);
        std::set<std::pair<std::string, int>> seen;
        for (const auto& e : EventCatalog::all()) {
            QVERIFY2(seen.insert({e.provider, e.eventId}).second, e.title.c_str());
            QVERIFY(!e.title.empty());
            QVERIFY(!e.fields.empty());
        }
    }

    void coverage_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QList<int>>("ids");
        QList<int> sysmon;
        for (int i = 1; i <= 29; ++i)
            sysmon << i;
        QTest::addRow("Sysmon 1-29") << "Microsoft-Windows-Sysmon" << sysmon;
        QTest::addRow("Security") << "Microsoft-Windows-Security-Auditing"
                                  << QList<int>{4624, 4625, 4688, 4689, 4697, 4698, 4720,
                                                4732, 5140, 5145, 5156, 5157, 5158};
        QTest::addRow("PowerShell") << "Microsoft-Windows-PowerShell" << QList<int>{4103, 4104};
        QTest::addRow("System") << "Service Control Manager" << QList<int>{7045};
    }
    void coverage()
    {
        QFETCH(QString, provider);
        QFETCH(QList<int>, ids);
        for (int id : ids)
            QVERIFY2(EventCatalog::find(provider.toStdString(), id), qPrintable(provider + QString::number(id)));
    }

    void entries_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<int>("id");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QStringList>("someFields");
        QTest::addRow("Sysmon 1") << "Microsoft-Windows-Sysmon"
                                  << "" << 1 << "Process creation"
                                  << L("Image", "CommandLine", "ParentImage", "OriginalFileName", "Hashes");
        QTest::addRow("Sysmon 3 by alias")
            << "sysmon"
            << "" << 3 << "Network connection detected" << L("DestinationIp", "DestinationPort", "Initiated");
        QTest::addRow("Sysmon 10") << "Microsoft-Windows-Sysmon"
                                   << "" << 10 << "Process accessed"
                                   << L("SourceProcessGUID", "GrantedAccess", "CallTrace");
        QTest::addRow("5156") << "Microsoft-Windows-Security-Auditing"
                              << "" << 5156 << "The Windows Filtering Platform has permitted a connection"
                              << L("Application", "Direction", "DestAddress", "DestPort", "RemoteMachineID");
        QTest::addRow("4688 by channel only") << ""
                                              << "Security" << 4688 << "A new process has been created"
                                              << L("NewProcessName", "CommandLine", "ParentProcessName");
        QTest::addRow("4104") << "Microsoft-Windows-PowerShell"
                              << "" << 4104 << "Script block logging" << L("ScriptBlockText", "ScriptBlockId");
        QTest::addRow("7045") << "service control manager"
                              << "System" << 7045 << "A service was installed in the system"
                              << L("ServiceName", "ImagePath");
    }
    void entries()
    {
        QFETCH(QString, provider);
        QFETCH(QString, channel);
        QFETCH(int, id);
        QFETCH(QString, title);
        QFETCH(QStringList, someFields);
        const CatalogEntry* e = EventCatalog::find(provider.toStdString(), id, channel.toStdString());
        QVERIFY(e);
        QCOMPARE(QString::fromStdString(e->title), title);
        const auto fields = EventCatalog::fields(provider.toStdString(), id, channel.toStdString());
        for (const auto& f : someFields)
            QVERIFY2(std::find(fields.begin(), fields.end(), f.toStdString()) != fields.end(), qPrintable(f));
    }

    void unknown()
    {
        QVERIFY(!EventCatalog::find("Microsoft-Windows-Sysmon", 9999));
        QVERIFY(EventCatalog::fields("No-Such-Provider", 1).empty());
    }

    void allFieldsForCompletion()
    {
        const auto sysmon = EventCatalog::allFields("Microsoft-Windows-Sysmon");
        QVERIFY(std::is_sorted(sysmon.begin(), sysmon.end()));
        QVERIFY(std::binary_search(sysmon.begin(), sysmon.end(), std::string("TargetFilename")));
        QVERIFY(!std::binary_search(sysmon.begin(), sysmon.end(), std::string("NewProcessName")));
        const auto everything = EventCatalog::allFields();
        QVERIFY(std::binary_search(everything.begin(), everything.end(), std::string("NewProcessName")));
        QVERIFY(everything.size() > sysmon.size());
        const auto& system = EventCatalog::systemFields();
        QVERIFY(std::find(system.begin(), system.end(), "TimeCreated_SystemTime") != system.end());
    }

    void corpusCatalogAgrees()
    {
        // Our field lists against the reference catalog (OSSEM-DD / Sysmon schema) in ../shared.
        SIGMA_REQUIRE_SHARED("corpus/events-catalog/events.csv");
        QFile f(sharedPathValue);
        QVERIFY(f.open(QIODevice::ReadOnly));
        std::map<std::pair<std::string, int>, QStringList> reference;
        f.readLine();
        while (!f.atEnd()) {
            const QStringList cols = QString::fromUtf8(f.readLine()).split(QLatin1Char(','));
            if (cols.size() > 3)
                reference[{cols[0].toStdString(), cols[1].toInt()}] =
                    cols[3].split(QLatin1Char(';'), Qt::SkipEmptyParts);
        }
        int compared = 0;
        for (const auto& e : EventCatalog::all()) {
            auto it = reference.find({e.provider, e.eventId});
            if (it == reference.end() || it->second.isEmpty())
                continue;
            ++compared;
            QStringList ours;
            for (const auto& n : e.fields)
                ours << QString::fromStdString(n);
            // Classic PowerShell events carry unnamed Data (our readers name them "Data"); the
            // reference lists the key=value pairs inside them.
            if (ours == QStringList{QStringLiteral("Data")})
                continue;
            // Every reference field is ours, in the same order; ours may add fields of newer
            // event versions (e.g. 4624 RemoteCredentialGuard, 4698 ClientProcessId).
            QStringList common;
            for (const auto& n : ours)
                if (it->second.contains(n))
                    common << n;
            QCOMPARE(common, it->second);
        }
        QVERIFY2(compared >= 60, qPrintable(QString::number(compared)));
    }
};

QTEST_GUILESS_MAIN(TestEventCatalog)
#include "tst_eventcatalog.moc"
