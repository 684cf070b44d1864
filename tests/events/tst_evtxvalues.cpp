// Typed values of .evtx records read as Windows renders them (issue 21), field names written with
// spaces, and SigmaHQ rules that used to miss on real .evtx. The records are written for the test
// by the EVTX writer of tests/support (one value of each type), so every row can fail: it compares
// the field's text with Windows' text for the value.
#include "eventtestutil.h"
#include "evtxwriter.h"
#include "testsupport.h"

#include "engine/engine.h"
#include "events/evtxreader.h"
#include "events/reader.h"
#include "rule/parser.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace sigma;
using namespace eventtest;
namespace ev = sigmatest::evtx;

namespace {

ReadResult readRecords(const std::vector<ev::Record>& records, bool keepXml = false)
{
    const std::string bytes = ev::writeFile(records);
    if (bytes.empty())
        qFatal("the EVTX writer could not write the records");
    ReadOptions options;
    options.keepOriginalXml = keepXml;
    return readEvtxBytes(bytes, "typed.evtx", options);
}

/// The records read with the given decoder (libevtx's text corrections are tested through it).
ReadResult readRecordsWith(detail::EvtxDecoder decoder, const std::vector<ev::Record>& records)
{
    const std::string bytes = ev::writeFile(records);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("typed.evtx"));
    QFile f(path);
    if (bytes.empty() || !f.open(QIODevice::WriteOnly) ||
        f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        qFatal("cannot write the records");
    f.close();
    ReadResult r;
    detail::readEvtxFileWith(decoder, path.toStdString(), "typed.evtx", {}, r);
    return r;
}

/// One EventData item of each value type, and the text Windows shows for it.
struct TypedRow {
    const char* field;
    ev::Value value;
    std::vector<std::string> windows; ///< UTF-8
};

std::vector<TypedRow> typedRows()
{
    return {
        {"TicketEncryptionType", ev::hexInt32(0x17), {"0x17"}},
        {"GrantedAccess", ev::hexInt32(0x1fffff), {"0x1fffff"}},
        {"Status", ev::hexInt32(0xc000006d), {"0xc000006d"}},
        {"SubStatus", ev::hexInt32(0), {"0x0"}},
        {"TargetLogonId", ev::hexInt64(0x3e7), {"0x3e7"}},
        {"LinkedLogonId", ev::hexInt64(0x8000000000000001ull), {"0x8000000000000001"}},
        {"NewProcessId", ev::pointer64(0xe2c), {"0xe2c"}},
        {"Handle32", ev::pointer32(0x58), {"0x58"}},
        {"Int8", ev::int8(-5), {"-5"}},
        {"UInt8", ev::uint8(200), {"200"}},
        {"Int16", ev::int16(-300), {"-300"}},
        {"UInt16", ev::uint16(65535), {"65535"}},
        {"Int32", ev::int32(-70000), {"-70000"}},
        {"PositiveInt32", ev::int32(70000), {"70000"}},
        {"UInt32", ev::uint32(4294967295u), {"4294967295"}},
        {"Int64", ev::int64(-5000000000LL), {"-5000000000"}},
        {"UInt64", ev::uint64(18446744073709551615ull), {"18446744073709551615"}},
        {"Real32", ev::real32(0.5f), {"0.500000"}},
        {"Real64", ev::real64(3.25), {"3.250000"}},
        {"Real64Integral", ev::real64(2.0), {"2"}},
        {"BoolTrue", ev::boolean(true), {"true"}},
        {"BoolFalse", ev::boolean(false), {"false"}},
        {"Binary", ev::binary({0x0a, 0x1b, 0xff}), {"0A1BFF"}},
        {"Guid", ev::guid("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"), {"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"}},
        {"FileTime", ev::fileTime(ev::fileTimeOf(2015, 10, 9, 5, 4, 30, 9419)), {"2015-10-09T05:04:30.000941900Z"}},
        {"SysTime", ev::sysTime(2019, 2, 5, 1, 19, 55, 16, 500), {"2019-02-01T19:55:16.500000000Z"}},
        {"Sid", ev::sid("S-1-5-21-1-2-3-500"), {"S-1-5-21-1-2-3-500"}},
        {"String", ev::string("caf\xc3\xa9 <x> & \"y\""), {"caf\xc3\xa9 <x> & \"y\""}},
        // Strings are converted eight UTF-16 units at a time while they are ASCII: non-ASCII text
        // and a NUL (the value ends there, as a C string does) in and after the first blocks.
        {"LongAscii",
         ev::string("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop"),
         {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop"}},
        {"NonAsciiInSecondBlock",
         ev::string("C:\\Users\\J\xc3\xbcrgen\\AppData\\x.exe"),
         {"C:\\Users\\J\xc3\xbcrgen\\AppData\\x.exe"}},
        {"SurrogatePairAfterBlock",
         ev::string("abcdefgh\xf0\x9f\x98\x80ijklmnop\x7f"),
         {"abcdefgh\xf0\x9f\x98\x80ijklmnop\x7f"}},
        {"NulInSecondBlock", ev::string(std::string_view("abcdefghij\0klmnopqrstuvwxyz", 27)), {"abcdefghij"}},
        {"AnsiString", ev::ansiString("abc"), {"abc"}},
        {"StringArray", ev::array({ev::string("a"), ev::string("b")}), {"a", "b"}},
        {"HexInt32Array", ev::array({ev::hexInt32(1), ev::hexInt32(0x20)}), {"0x1", "0x20"}},
        {"UInt16Array", ev::array({ev::uint16(1), ev::uint16(2)}), {"1", "2"}},
        {"Int32Array", ev::array({ev::int32(-1), ev::int32(7)}), {"-1", "7"}},
    };
}

ev::EventSpec typedSpec()
{
    ev::EventSpec s;
    s.eventId = 4769;
    s.task = 14337;
    s.recordId = 7;
    s.activityId = "{3F0C7A49-E4FD-0001-0094-0940FDE4D701}";
    s.userSid = "S-1-5-18";
    for (auto& row : typedRows())
        s.data.push_back({row.field, row.value});
    return s;
}

/// The record of tests/data/events/typed.xml and typed.evtx_dump.jsonl: Windows' Event XML and
/// evtx_dump's JSON of it, written by hand from Windows' renderings.
ev::EventSpec crossFormatSpec()
{
    ev::EventSpec s;
    s.eventId = 4769;
    s.task = 14337;
    s.recordId = 7;
    s.processId = 668;
    s.threadId = 1234;
    s.computer = "DC01.example.test";
    s.data = {
        {"TargetUserName", ev::string("alice@EXAMPLE.TEST")},
        {"TargetDomainName", ev::string("EXAMPLE.TEST")},
        {"ServiceName", ev::string("svc_sql")},
        {"ServiceSid", ev::sid("S-1-5-21-1-2-3-1105")},
        {"TicketOptions", ev::hexInt32(0x40810000)},
        {"TicketEncryptionType", ev::hexInt32(0x17)},
        {"IpAddress", ev::string("::ffff:10.0.0.5")},
        {"IpPort", ev::string("49667")},
        {"Status", ev::hexInt32(0)},
        {"LogonGuid", ev::guid("{3F0C7A49-E4FD-0001-0094-0940FDE4D701}")},
        {"TransmittedServices", ev::string("-")},
        {"TargetLogonId", ev::hexInt64(0x3e7)},
        {"Count", ev::uint32(3)},
        {"Delta", ev::int32(-2)},
        {"Elevated", ev::boolean(true)},
        {"Handle", ev::pointer64(0x1a4)},
        {"Blob", ev::binary({0xde, 0xad})},
    };
    return s;
}

std::shared_ptr<const CompiledRule> compileText(const QString& yaml, const CompileOptions& options = {})
{
    ParsedFile parsed = parseRuleText(yaml.toStdString(), "rule.yml");
    const Rule* rule = parsed.firstRule();
    if (!rule || hasErrors(parsed.diagnostics))
        return {};
    return compileRule(*rule, "rule.yml", options).rule;
}

std::shared_ptr<const CompiledRule> compileFile(const QString& path)
{
    ParsedFile parsed = parseRuleFile(path.toStdString());
    const Rule* rule = parsed.firstRule();
    if (!rule || hasErrors(parsed.diagnostics))
        return {};
    return compileRule(*rule, path.toStdString(), {}).rule;
}

/// Every Item node of an explanation, depth first.
void items(const ExplainNode& node, std::vector<const ExplainNode*>& out)
{
    if (node.kind == ExplainNode::Kind::Item)
        out.push_back(&node);
    for (const auto& c : node.children)
        items(c, out);
}

} // namespace

class TestEvtxValues : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void typedValues_data()
    {
        QTest::addColumn<int>("row");
        const auto rows = typedRows();
        for (std::size_t i = 0; i < rows.size(); ++i)
            QTest::addRow("%s", rows[i].field) << int(i);
    }
    void typedValues()
    {
        QFETCH(int, row);
        const TypedRow expected = typedRows()[std::size_t(row)];
        static const ReadResult r = readRecords({ev::windowsEvent(typedSpec())}, true);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events.size(), std::size_t(1));
        const Event& e = r.events.front();
        QStringList windows;
        for (const auto& w : expected.windows)
            windows << QString::fromStdString(w);
        QCOMPARE(values(e, expected.field), windows);
        // The kept original XML says the same as the fields (it is what the detail view shows).
        const QString xml = QString::fromStdString(*e.originalXml);
        for (const auto& w : windows) {
            QString escaped = w.toHtmlEscaped();
            escaped.replace(QLatin1String("&quot;"), QLatin1String("\"")); // libevtx leaves quotes in text
            QVERIFY2(
                xml.contains(
                    QStringLiteral("<Data Name=\"%1\">%2</Data>").arg(QString::fromLatin1(expected.field), escaped)),
                qPrintable(xml));
        }
    }

    void systemValues_data()
    {
        QTest::addColumn<qulonglong>("keywords");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        const qulonglong audit = 0x8020000000000000ull;
        QTest::addRow("Keywords audit success") << audit << "Keywords"
                                                << "0x8020000000000000";
        // Windows writes System/Keywords without padding like every HexInt64 (Event XML exports of
        // classic events show <Keywords>0x80000000000000</Keywords>, PowerShell's <Keywords>0x0</Keywords>).
        QTest::addRow("Keywords classic") << qulonglong(0x80000000000000ull) << "Keywords"
                                          << "0x80000000000000";
        QTest::addRow("Keywords none") << qulonglong(0) << "Keywords"
                                       << "0x0";
        QTest::addRow("Provider_Guid") << audit << "Provider_Guid"
                                       << "{54849625-5478-4994-A5BA-3E3B0328C30D}";
        QTest::addRow("Correlation_ActivityID") << audit << "Correlation_ActivityID"
                                                << "{3F0C7A49-E4FD-0001-0094-0940FDE4D701}";
        QTest::addRow("Security_UserID") << audit << "Security_UserID"
                                         << "S-1-5-18";
        QTest::addRow("TimeCreated_SystemTime") << audit << "TimeCreated_SystemTime"
                                                << "2024-03-05T10:15:42.992230Z";
        QTest::addRow("EventID") << audit << "EventID"
                                 << "4769";
        QTest::addRow("EventRecordID") << audit << "EventRecordID"
                                       << "7";
        QTest::addRow("Execution_ProcessID") << audit << "Execution_ProcessID"
                                             << "4";
    }
    void systemValues()
    {
        QFETCH(qulonglong, keywords);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        ev::EventSpec s = typedSpec();
        s.keywords = keywords;
        const ReadResult r = readRecords({ev::windowsEvent(s)});
        QCOMPARE(r.events.size(), std::size_t(1));
        QCOMPARE(values(r.events[0], field.toStdString()), QStringList{expected});
    }

    // A text is corrected only when the record's bytes say it is a typed value, and no other value
    // of the record could be that text with another meaning.
    void onlyKnownValuesCorrected_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected"); ///< through libevtx
        QTest::addColumn<QString>("windows");  ///< our decoder: always Windows' text
        QTest::addRow("string that looks like padded hex (Defender's Error Code)") << "Error Code"
                                                                                   << "0x00000000"
                                                                                   << "0x00000000";
        QTest::addRow("string equal to a HexInt32's padded text") << "Text"
                                                                  << "0x00000017"
                                                                  << "0x00000017";
        QTest::addRow("the HexInt32 beside it, ambiguous, left as libevtx wrote it") << "Hex"
                                                                                     << "0x00000017"
                                                                                     << "0x17";
        QTest::addRow("an unambiguous HexInt64 of the same record") << "LogonId"
                                                                    << "0x3e7"
                                                                    << "0x3e7";
    }
    void onlyKnownValuesCorrected()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFETCH(QString, windows);
        ev::EventSpec s;
        s.data = {{"Error Code", ev::string("0x00000000")},
                  {"Text", ev::string("0x00000017")},
                  {"Hex", ev::hexInt32(0x17)},
                  {"LogonId", ev::hexInt64(0x3e7)}};
        const ReadResult r = readRecordsWith(detail::EvtxDecoder::Libevtx, {ev::windowsEvent(s)});
        QCOMPARE(r.events.size(), std::size_t(1));
        QCOMPARE(values(r.events[0], field.toStdString()), QStringList{expected});
        const ReadResult ours = readRecordsWith(detail::EvtxDecoder::Own, {ev::windowsEvent(s)});
        QCOMPARE(ours.events.size(), std::size_t(1));
        QCOMPARE(values(ours.events[0], field.toStdString()), QStringList{windows});
    }

    // A value typed SizeT in its descriptor (Windows writes a HexInt there, see pointer64()):
    // libevtx 20181227 writes it in decimal, corrected unless a number of the record has that
    // decimal text too; libevtx 20240504 cannot render such a record at all.
    void sizeTValues_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected"); ///< through libevtx
        QTest::addColumn<QString>("windows");  ///< our decoder
        QTest::addRow("SizeT alone") << "Handle"
                                     << "0x1a4"
                                     << "0x1a4";
        QTest::addRow("UInt32 beside a SizeT of the same value") << "Count"
                                                                 << "3628"
                                                                 << "3628";
        QTest::addRow("that SizeT, ambiguous, left as libevtx wrote it") << "Pointer"
                                                                         << "3628"
                                                                         << "0xe2c";
    }
    void sizeTValues()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFETCH(QString, windows);
        ev::EventSpec s;
        s.data = {{"Handle", ev::sizeT64(0x1a4)}, {"Count", ev::uint32(3628)}, {"Pointer", ev::sizeT64(3628)}};
        const ReadResult ours = readRecordsWith(detail::EvtxDecoder::Own, {ev::windowsEvent(s)});
        QCOMPARE(ours.events.size(), std::size_t(1));
        QCOMPARE(values(ours.events[0], field.toStdString()), QStringList{windows});
        const ReadResult r = readRecordsWith(detail::EvtxDecoder::Libevtx, {ev::windowsEvent(s)});
        if (r.events.empty() && r.skipped == 1)
            QSKIP("this libevtx cannot render a record with SizeT-typed values (libevtx 20240504): nothing to correct");
        QCOMPARE(r.events.size(), std::size_t(1));
        QCOMPARE(values(r.events[0], field.toStdString()), QStringList{expected});
    }

    // Several records over two chunks: each record's own values are used.
    void recordsOverChunks()
    {
        std::vector<ev::Record> records;
        for (std::uint64_t i = 1; i <= 400; ++i) {
            ev::EventSpec s;
            s.recordId = i;
            s.data = {{"ProcessId", ev::hexInt64(i)}, {"Padding", ev::string(std::string(200, 'x'))}};
            records.push_back(ev::windowsEvent(s));
        }
        const ReadResult r = readRecords(records);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events.size(), std::size_t(400));
        QVERIFY(r.events.back().origin.chunk.value_or(0) >= 1);
        for (std::size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(values(r.events[i], "ProcessId"), QStringList{QStringLiteral("0x%1").arg(i + 1, 0, 16)});
    }

    // The same record as .evtx, as Windows' Event XML and as evtx_dump JSON: identical fields.
    void sameFieldsInEveryFormat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addRow("Windows Event XML") << "events/typed.xml";
        QTest::addRow("evtx_dump JSON") << "events/typed.evtx_dump.jsonl";
    }
    void sameFieldsInEveryFormat()
    {
        QFETCH(QString, file);
        const ReadResult evtx = readRecords({ev::windowsEvent(crossFormatSpec())});
        const ReadResult other = readEventsFile(sigmatest::dataPath(file).toStdString());
        QVERIFY2(other.diagnostics.empty(), qPrintable(diagnosticsText(other)));
        QCOMPARE(evtx.events.size(), std::size_t(1));
        QCOMPARE(other.events.size(), std::size_t(1));
        QCOMPARE(fieldLines(other.events[0]), fieldLines(evtx.events[0]));
    }

    // --- field names written with spaces ---------------------------------------------------------

    void spacedFieldNames_data()
    {
        QTest::addColumn<QString>("ruleField");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("matches");
        QTest::addColumn<QString>("eventField"); // what the explanation names
        QTest::addRow("SourceName") << "SourceName"
                                    << "Real-Time Protection" << true << "Source Name";
        QTest::addRow("ThreatName|endswith") << "ThreatName|endswith"
                                             << "EICAR_Test_File" << true << "Threat Name";
        QTest::addRow("Path|endswith") << "Path|endswith"
                                       << "\\TieringEngineService.exe" << true << "Path";
        QTest::addRow("ProcessName|endswith") << "ProcessName|endswith"
                                              << "\\RedSun.exe" << true << "Process Name";
        QTest::addRow("case and spaces") << "threatname|contains"
                                         << "eicar" << true << "Threat Name";
        QTest::addRow("spelled with the space") << "'Detection User'"
                                                << "EXAMPLE\\bob" << true << "Detection User";
        QTest::addRow("wrong value") << "SourceName"
                                     << "AMSI" << false << "Source Name";
    }
    void spacedFieldNames()
    {
        QFETCH(QString, ruleField);
        QFETCH(QString, value);
        QFETCH(bool, matches);
        QFETCH(QString, eventField);
        ev::EventSpec s;
        s.provider = "Microsoft-Windows-Windows Defender";
        s.providerGuid = "{11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78}";
        s.eventId = 1116;
        s.channel = "Microsoft-Windows-Windows Defender/Operational";
        s.keywords = 0x8000000000000000ull;
        s.data = {{"Product Name", ev::string("Microsoft Defender Antivirus")},
                  {"Threat Name", ev::string("Virus:DOS/EICAR_Test_File")},
                  {"Source Name", ev::string("Real-Time Protection")},
                  {"Process Name", ev::string("C:\\Users\\bob\\RedSun.exe")},
                  {"Detection User", ev::string("EXAMPLE\\bob")},
                  {"Path", ev::string("file:_C:\\Windows\\System32\\TieringEngineService.exe")}};
        const ReadResult r = readRecords({ev::windowsEvent(s)});
        QCOMPARE(r.events.size(), std::size_t(1));
        const Event& e = r.events[0];
        // The event keeps Windows' spelling (display, completion).
        QCOMPARE(str(FieldNames::text(e.fields[e.fields.size() - 5].name)), QStringLiteral("Threat Name"));
        const auto rule = compileText(
            QStringLiteral("title: t\nlogsource:\n    product: windows\n    service: windefend\ndetection:\n"
                           "    selection:\n        EventID: 1116\n        %1: '%2'\n    condition: selection\n")
                .arg(ruleField, value));
        QVERIFY(rule);
        QCOMPARE(rule->matches(e), matches);
        const Explanation why = rule->explain(e);
        QCOMPARE(why.matched, matches);
        std::vector<const ExplainNode*> found;
        items(why.root, found);
        QCOMPARE(found.size(), std::size_t(2));
        // The value's node names the event field it was tested against: Windows' spelling.
        QVERIFY(!found[1]->children.empty());
        QCOMPARE(QString::fromStdString(found[1]->children.front().eventField), eventField);
    }

    // Both spellings in one event: they are one field that occurs twice (as unnamed Data does), and
    // a rule's value matches if either occurrence does, whichever spelling the rule uses.
    void bothSpellings_data()
    {
        QTest::addColumn<QString>("ruleField");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("matches");
        QTest::addColumn<QString>("eventField");
        QTest::addRow("value of the spaced one") << "NewValue"
                                                 << "spaced" << true << "New Value";
        QTest::addRow("value of the joined one") << "NewValue"
                                                 << "joined" << true << "NewValue";
        QTest::addRow("rule spelled with the space") << "'New Value'"
                                                     << "joined" << true << "NewValue";
        QTest::addRow("all of both") << "NewValue|contains|all"
                                     << "['spa', 'joi']" << true << "New Value";
        QTest::addRow("neither") << "NewValue"
                                 << "other" << false << "NewValue";
        QTest::addRow("exists") << "NewValue|exists"
                                << "true" << true << "NewValue";
    }
    void bothSpellings()
    {
        QFETCH(QString, ruleField);
        QFETCH(QString, value);
        QFETCH(bool, matches);
        QFETCH(QString, eventField);
        const ReadResult r = readEventsText(
            "<Event><System><Provider Name=\"Microsoft-Windows-Windows Defender\"/><EventID>5007</EventID>"
            "<Channel>Microsoft-Windows-Windows Defender/Operational</Channel></System><EventData>"
            "<Data Name=\"NewValue\">joined</Data><Data Name=\"New Value\">spaced</Data></EventData></Event>",
            "both.xml");
        QCOMPARE(r.events.size(), std::size_t(1));
        const Event& e = r.events[0];
        QCOMPARE(values(e, "NewValue"), (QStringList{QStringLiteral("joined"), QStringLiteral("spaced")}));
        QCOMPARE(values(e, "New Value"), (QStringList{QStringLiteral("joined"), QStringLiteral("spaced")}));
        const QString literal = value.startsWith(QLatin1Char('[')) || value == QLatin1String("true")
                                    ? value
                                    : QStringLiteral("'%1'").arg(value);
        const auto rule = compileText(
            QStringLiteral("title: t\nlogsource:\n    product: windows\n    service: windefend\ndetection:\n"
                           "    selection:\n        %1: %2\n    condition: selection\n")
                .arg(ruleField, literal));
        QVERIFY(rule);
        QCOMPARE(rule->matches(e), matches);
        const Explanation why = rule->explain(e);
        std::vector<const ExplainNode*> found;
        items(why.root, found);
        QCOMPARE(found.size(), std::size_t(1));
        // The (first) value's node names the occurrence that matched it, else the first one.
        QVERIFY(!found[0]->children.empty());
        QCOMPARE(QString::fromStdString(found[0]->children.front().eventField), eventField);
    }

    void fieldKeys()
    {
        QCOMPARE(FieldNames::internKey("Source Name"), FieldNames::internKey("SourceName"));
        QCOMPARE(FieldNames::internKey("source name"), FieldNames::internKey("SOURCENAME"));
        QVERIFY(FieldNames::internKey("Source Name") != FieldNames::internKey("Source_Name"));
        QCOMPARE(str(FieldNames::text(FieldNames::intern("Source Name"))), QStringLiteral("Source Name"));
    }

    // --- SigmaHQ rules on the reference corpus (skipped without ../shared) ----------------------

    void sigmaHqRulesOnRealEvtx_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("field");    // a field every matching event has ...
        QTest::addColumn<QString>("expected"); // ... with this value (empty: not checked)
        const QString sec = QStringLiteral("sigmahq/rules/windows/builtin/security/");
        const QString kerberos = QStringLiteral("events/EVTX-to-MITRE-Attack/TA0006-Credential Access/"
                                                "T1558-Steal or Forge Kerberos Tickets/");
        QTest::addRow("Kerberoasting (RC4 tickets)")
            << QString(sec + QLatin1String("win_security_kerberoasting_activity.yml"))
            << QString(kerberos + QLatin1String("ID4769-Kerberoast ticket with low encryption.evtx"))
            << "TicketEncryptionType"
            << "0x17";
        QTest::addRow("suspicious RC4 Kerberos")
            << QString(sec + QLatin1String("win_security_susp_rc4_kerberos.yml"))
            << QString(kerberos + QLatin1String("ID4769-Kerberoast ticket with low encryption.evtx")) << "TicketOptions"
            << "0x40810000";
        QTest::addRow("AS-REP roasting") << QString(sec + QLatin1String("win_security_kerberos_asrep_roasting.yml"))
                                         << QString(kerberos + QLatin1String("ID4768-Kerberos AS-REP Roasting.evtx"))
                                         << "PreAuthType"
                                         << "0";
        QTest::addRow("LSASS access mask (Sysmon 10, lsassy)")
            << "sigmahq/rules/windows/process_access/proc_access_win_lsass_memdump.yml"
            << "events/EVTX-to-MITRE-Attack/TA0006-Credential Access/T1003-Credential dumping/"
               "ID1-LSASS dump with LSASSY (SYSMON).evtx"
            << "GrantedAccess"
            << "0x1fffff";
        QTest::addRow("LSASS access mask (Sysmon 10, CME and Mimikatz)")
            << "sigmahq/rules/windows/process_access/proc_access_win_lsass_memdump.yml"
            << "events/EVTX-to-MITRE-Attack/TA0002-Execution/T1047-Windows Management Instrumentation/"
               "ID3-7-10-Suspicious DLL loaded (CME+Mimikatz).evtx"
            << "TargetImage"
            << "";
        QTest::addRow("Defender exclusion added (NewValue)")
            << "sigmahq/rules/windows/builtin/windefend/win_defender_config_change_exclusion_added.yml"
            << "events/EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.001-Impair Defenses-Disable or Modify "
               "tool/ID5007-Defender threat exclusion (native).evtx"
            << "EventID"
            << "5007";
        QTest::addRow("Defender detections")
            << "sigmahq/rules/windows/builtin/windefend/win_defender_threat.yml"
            << "events/EVTX-to-MITRE-Attack/Antivirus/ID1116-1117-Defender threat detected.evtx"
            << "Threat Name"
            << "";
    }
    void sigmaHqRulesOnRealEvtx()
    {
        QFETCH(QString, rule);
        QFETCH(QString, events);
        QFETCH(QString, field);
        QFETCH(QString, expected);
        SIGMA_REQUIRE_SHARED("corpus");
        const auto compiled = compileFile(QString(sharedPathValue + QLatin1Char('/') + rule));
        QVERIFY2(compiled, qPrintable(rule));
        const ReadResult r = readEventsFile(QString(sharedPathValue + QLatin1Char('/') + events).toStdString());
        if (r.events.empty() && r.skipped > 0)
            QSKIP(qPrintable(QStringLiteral("the reader cannot decode any record of %1 (libevtx 20181227 "
                                            "cannot; the project's own EVTX decoder will)")
                                 .arg(events)));
        int matched = 0;
        for (const auto& e : r.events) {
            if (!compiled->matches(e))
                continue;
            ++matched;
            QVERIFY2(e.value(field.toStdString()), qPrintable(field));
            if (!expected.isEmpty())
                QCOMPARE(str(*e.value(field.toStdString())), expected);
        }
        QVERIFY2(
            matched > 0,
            qPrintable(
                QStringLiteral("%1 matches none of the %2 events of %3").arg(rule).arg(r.events.size()).arg(events)));
        qInfo("%d of %zu events match", matched, r.events.size());
    }
};

QTEST_GUILESS_MAIN(TestEvtxValues)
#include "tst_evtxvalues.moc"
