// `sigmawb events`: output formats, limit, summary and exit codes.
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {
QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> objects;
    for (const auto& line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const auto doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qFatal("not a JSON object line: %s", line.constData());
        objects << doc.object();
    }
    return objects;
}
QString fixture(const char* name)
{
    return sigmatest::dataPath(QStringLiteral("events/") + QLatin1String(name));
}
} // namespace

class TestCliEvents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void jsonl()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("events"), fixture("mixed.xml"), QStringLiteral("--format"), QStringLiteral("jsonl")});
        QCOMPARE(r.exitCode, 0);
        const auto objects = jsonLines(r.out);
        QCOMPARE(objects.size(), 6);
        const QJsonObject& first = objects[0];
        QCOMPARE(first.keys().size(), 8);
        QCOMPARE(first[QStringLiteral("file")].toString(), fixture("mixed.xml"));
        QCOMPARE(first[QStringLiteral("index")].toInt(), 1);
        QCOMPARE(first[QStringLiteral("record_id")].toInt(), 5001);
        QCOMPARE(first[QStringLiteral("provider")].toString(), QStringLiteral("Microsoft-Windows-Sysmon"));
        QCOMPARE(first[QStringLiteral("event_id")].toInt(), 1);
        QCOMPARE(first[QStringLiteral("channel")].toString(), QStringLiteral("Microsoft-Windows-Sysmon/Operational"));
        QCOMPARE(first[QStringLiteral("time")].toString(), QStringLiteral("2024-03-05T10:15:42.992230Z"));
        const QJsonObject fields = first[QStringLiteral("fields")].toObject();
        QCOMPARE(fields[QStringLiteral("Image")].toString(), QStringLiteral("C:\\Windows\\System32\\cmd.exe"));
        QCOMPARE(fields[QStringLiteral("Provider_Name")].toString(), QStringLiteral("Microsoft-Windows-Sysmon"));
        // Repeated (unnamed) Data fields are an array in order.
        const QJsonArray data = objects[3][QStringLiteral("fields")].toObject()[QStringLiteral("Data")].toArray();
        QCOMPARE(data.size(), 3);
        QCOMPARE(data[0].toString(), QString());
        QVERIFY(data[2].toString().startsWith(QStringLiteral("CommandInvocation")));
        // Summary on stderr, nothing of it on stdout.
        QVERIFY2(r.err.contains("summary: 6 event(s) from 1 file(s)"), r.err.constData());
        QVERIFY2(r.err.contains("Microsoft-Windows-Sysmon / 1: 1"), r.err.constData());
        QVERIFY2(r.err.contains("Service Control Manager / 7045: 1"), r.err.constData());
    }

    void text()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), fixture("mixed.xml")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(":1 record 5001  2024-03-05T10:15:42.992230Z  Microsoft-Windows-Sysmon/1  "
                                "Microsoft-Windows-Sysmon/Operational\n"),
                 r.out.constData());
        QVERIFY(r.out.contains("    CommandLine: net  group \"domain admins\" /domain\n"));
    }

    void limitAcrossFiles()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), QStringLiteral("--format"),
                                              QStringLiteral("jsonl"), QStringLiteral("--limit"), QStringLiteral("8"),
                                              fixture("mixed.xml"), fixture("mixed.evtx_dump.jsonl")});
        QCOMPARE(r.exitCode, 0);
        const auto objects = jsonLines(r.out);
        QCOMPARE(objects.size(), 8);
        QCOMPARE(objects[6][QStringLiteral("file")].toString(), fixture("mixed.evtx_dump.jsonl"));
        QCOMPARE(objects[7][QStringLiteral("index")].toInt(), 2);
    }

    void damagedIsExit3()
    {
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("events"), QStringLiteral("--format"), QStringLiteral("jsonl"), fixture("damaged.xml")});
        QCOMPARE(r.exitCode, 3);
        QCOMPARE(jsonLines(r.out).size(), 2);
        QVERIFY2(r.err.contains(QByteArray(fixture("damaged.xml").toUtf8() + ":3: warning: skipped damaged event")),
                 r.err.constData());
        QVERIFY(r.err.contains("1 damaged record(s) skipped"));
    }

    void unreadableIsExit2_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("zero-filled") << QByteArray(5000, '\0');
        QTest::addRow("truncated evtx") << QByteArray("ElfFile\0\1\2\3", 11);
    }
    void unreadableIsExit2()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("bad.evtx"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        // The good file is still printed.
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), QStringLiteral("--format"),
                                              QStringLiteral("jsonl"), file, fixture("flat.jsonl")});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(jsonLines(r.out).size(), 2);
        QVERIFY2(r.err.contains(QByteArray(file.toUtf8() + ": error:")), r.err.constData());
    }

    void missingFileIsExit2()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), QStringLiteral("/nonexistent/x.evtx")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("/nonexistent/x.evtx: error: no such file or folder"), r.err.constData());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addRow("no path") << QStringList{QStringLiteral("events")};
        QTest::addRow("bad format") << QStringList{QStringLiteral("events"), QStringLiteral("--format"),
                                                   QStringLiteral("csv"), QStringLiteral("x.xml")};
        QTest::addRow("bad limit") << QStringList{QStringLiteral("events"), QStringLiteral("--limit"),
                                                  QStringLiteral("many"), QStringLiteral("x.xml")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QCOMPARE(sigmatest::runSigmawb(args).exitCode, 2);
    }

    void directory()
    {
        // A directory is searched for event files: our fixtures folder has three good XML/JSON
        // files of six events, plus others; damaged.* make it exit 3.
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), QStringLiteral("--format"),
                                              QStringLiteral("jsonl"), sigmatest::dataPath(QStringLiteral("events"))});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("summary: 39 event(s) from 11 file(s), 2 damaged record(s) skipped"),
                 r.err.constData());
    }

    void symlinkedFoldersFollowed()
    {
        // Issue 18: a folder of symlinked sub-folders read 0 events and exited 0 without a word.
        QTemporaryDir store;
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(store.filePath(QStringLiteral("nxlog"))));
        QVERIFY(QFile::copy(fixture("flat.jsonl"), store.filePath(QStringLiteral("nxlog/flat.ndjson"))));
        QVERIFY(QFile::link(store.filePath(QStringLiteral("nxlog")), dir.filePath(QStringLiteral("nxlog"))));
        QVERIFY(QFile::link(dir.path(), dir.filePath(QStringLiteral("again")))); // a loop
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("events"), QStringLiteral("--format"), QStringLiteral("jsonl"), dir.path()});
        QCOMPARE(r.exitCode, 0);
        const auto objects = jsonLines(r.out);
        QCOMPARE(objects.size(), 2);
        QCOMPARE(objects[0][QStringLiteral("file")].toString(), dir.filePath(QStringLiteral("nxlog/flat.ndjson")));
        QVERIFY2(r.err.contains(
                     QByteArray(dir.filePath(QStringLiteral("again")).toUtf8() + ": warning: symbolic link loop")),
                 r.err.constData());
    }

    void noEventsIsExit3_data()
    {
        QTest::addColumn<QString>("content"); // of the one file in the folder, empty for none
        QTest::addRow("empty folder") << QString();
        QTest::addRow("no event files") << QStringLiteral("notes.txt");
    }
    void noEventsIsExit3()
    {
        QFETCH(QString, content);
        QTemporaryDir dir;
        if (!content.isEmpty()) {
            QFile f(dir.filePath(content));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const auto r = sigmatest::runSigmawb({QStringLiteral("events"), dir.path()});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("sigmawb events: no events read from the paths given"), r.err.constData());
    }

    void corpusEvtx()
    {
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack/TA0002-Execution/T1059.001-PowerShell");
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("events"), QStringLiteral("--format"), QStringLiteral("jsonl"),
             sharedPathValue + QStringLiteral("/ID4103-4104-Payload download via PowerShell.evtx")});
        QCOMPARE(r.exitCode, 0);
        const auto objects = jsonLines(r.out);
        QCOMPARE(objects.size(), 3);
        QCOMPARE(objects[0][QStringLiteral("record_id")].toInt(), 83421);
        QCOMPARE(objects[0].keys().size(), 8); // exactly the documented keys
        QCOMPARE(objects[0][QStringLiteral("event_id")].toInt(), 4104);
    }
};

QTEST_GUILESS_MAIN(TestCliEvents)
#include "tst_cli_events.moc"
