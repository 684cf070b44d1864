// Our own EVTX decoder (core/events/evtx/): file header and chunk validation with their CRC32s,
// record discovery (damage, dirty chunks, slack space), Binary XML decoding into fields and
// Event XML, parallel decoding keeping record order. Every file here is written for the test by
// tests/support's EVTX writer and then damaged on purpose.
#include "eventtestutil.h"
#include "evtxwriter.h"
#include "testsupport.h"

#include "events/eventfiles.h"
#include "events/eventrecycler.h"
#include "events/evtx/binxml.h"
#include "events/evtx/evtxdecoder.h"
#include "events/evtx/evtxevent.h"
#include "events/evtx/evtxformat.h"
#include "events/evtx/fieldplan.h"
#include "events/evtx/mappedfile.h"
#include "events/reader.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstring>
#include <set>

using namespace sigma;
using namespace eventtest;
namespace ev = sigmatest::evtx;

namespace {

std::vector<ev::Record> makeRecords(std::uint64_t count, std::size_t padding = 200, bool shareTemplate = false)
{
    std::vector<ev::Record> records;
    for (std::uint64_t i = 1; i <= count; ++i) {
        ev::EventSpec s;
        s.recordId = i;
        s.data = {{"ProcessId", ev::hexInt64(i)}, {"Padding", ev::string(std::string(padding, 'x'))}};
        records.push_back(ev::windowsEvent(s));
        if (shareTemplate)
            records.back().templateGuid = {0x5e, 0x1f, 0x0a, 0x11, 1};
    }
    return records;
}

evtx::Bytes bytesOf(const std::string& s)
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::uint8_t* chunkAt(std::string& file, std::size_t n)
{
    return reinterpret_cast<std::uint8_t*>(file.data()) + evtx::fileHeaderSize + n * evtx::chunkSize;
}

void put32(std::uint8_t* p, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

/// Recomputes a chunk's two CRC32s after the test changed it.
void fixChunkChecksums(std::string& file, std::size_t n)
{
    std::uint8_t* c = chunkAt(file, n);
    const std::uint32_t free = evtx::le32(c + 48);
    put32(c + 52, ev::crc32(c + 512, free - 512));
    put32(c + 124, ev::crc32(c + 128, 384, ev::crc32(c, 120)));
}

ReadResult decode(const std::string& bytes, ReadOptions options = {})
{
    ReadResult r;
    evtx::decodeFile(bytesOf(bytes), "test.evtx", options, r);
    return r;
}

bool hasDiagnostic(const ReadResult& r, const std::string& code, const std::string& messageStart)
{
    return std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [&](const Diagnostic& d) {
        return d.code == code && d.message.compare(0, messageStart.size(), messageStart) == 0 && d.file == "test.evtx";
    });
}

std::vector<std::uint64_t> recordIds(const ReadResult& r)
{
    std::vector<std::uint64_t> ids;
    for (const auto& e : r.events)
        ids.push_back(e.origin.recordId.value_or(0));
    return ids;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to)
{
    std::vector<std::uint64_t> out;
    for (auto i = from; i <= to; ++i)
        out.push_back(i);
    return out;
}

/// The offsets of the records of chunk `n` (by walking the chain).
std::vector<std::uint32_t> recordOffsets(const std::string& file, std::size_t n)
{
    const evtx::Bytes chunk = bytesOf(file).subspan(evtx::fileHeaderSize + n * evtx::chunkSize, evtx::chunkSize);
    std::vector<evtx::RecordSpan> records;
    std::vector<evtx::RecordGap> gaps;
    evtx::findRecords(chunk, *evtx::readChunkHeader(chunk), false, records, gaps);
    std::vector<std::uint32_t> out;
    for (const auto& r : records)
        out.push_back(r.offset);
    return out;
}

ev::Element leafOf(std::string name, std::vector<ev::Content> content,
                   std::vector<std::pair<std::string, ev::Content>> attributes = {})
{
    ev::Element e;
    e.name = std::move(name);
    e.content = std::move(content);
    e.attributes = std::move(attributes);
    return e;
}

ev::Element& childNamed(ev::Element& parent, const std::string& name)
{
    for (auto& c : parent.children)
        if (c.name == name)
            return c;
    parent.children.push_back(leafOf(name, {}));
    return parent.children.back();
}

/// A Windows event (windowsEvent()) to which a test adds elements and values.
struct PlanCase {
    ev::Record r;
    explicit PlanCase(std::vector<ev::DataItem> data = {{"CommandLine", ev::string("cmd.exe /c ver")}})
    {
        ev::EventSpec s;
        s.recordId = 7;
        s.data = std::move(data);
        r = ev::windowsEvent(s);
    }
    /// A substitution of a value added to the record's values.
    ev::Content sub(ev::Value v, bool optional = false)
    {
        const std::uint8_t type = v.type == 0 ? std::uint8_t(0x01) : v.type;
        r.values.push_back(std::move(v));
        return ev::substitution(static_cast<std::uint16_t>(r.values.size() - 1), type, optional);
    }
    ev::Element& system() { return childNamed(r.root, "System"); }
    ev::Element& eventData() { return childNamed(r.root, "EventData"); }
};

/// `inner`'s root and values as a nested record (binXml()), its template its own.
ev::Record innerRecord(ev::Element root, std::vector<ev::Value> values, std::uint64_t id)
{
    ev::Record r;
    r.id = id;
    r.root = std::move(root);
    r.values = std::move(values);
    return r;
}

} // namespace

class TestEvtxDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- container: headers, checksums, records ---------------------------------------------------

    void fileHeader()
    {
        std::string file = ev::writeFile(makeRecords(400), {1});
        const auto h = evtx::readFileHeader(bytesOf(file));
        QVERIFY(h);
        QVERIFY(h->checksumOk);
        QVERIFY(h->dirty());
        QCOMPARE(h->majorVersion, std::uint16_t(3));
        QCOMPARE(h->chunkCount, std::uint16_t(file.size() / evtx::chunkSize));
        file[30] ^= 1;
        QVERIFY(!evtx::readFileHeader(bytesOf(file))->checksumOk);
        QVERIFY(!evtx::readFileHeader(bytesOf(file).first(100)));
        QVERIFY(!evtx::readFileHeader(bytesOf(std::string(4096, 'x'))));
    }

    void chunkHeader()
    {
        std::string file = ev::writeFile(makeRecords(10));
        const evtx::Bytes chunk = bytesOf(file).subspan(evtx::fileHeaderSize);
        auto h = evtx::readChunkHeader(chunk);
        QVERIFY(h);
        QVERIFY(h->headerChecksumOk);
        QVERIFY(evtx::recordsChecksumOk(chunk, *h));
        QCOMPARE(h->firstRecordId, std::uint64_t(1));
        QCOMPARE(h->lastRecordId, std::uint64_t(10));
        QCOMPARE(h->recordCount(), std::uint64_t(10));
        std::vector<evtx::RecordSpan> records;
        std::vector<evtx::RecordGap> gaps;
        evtx::findRecords(chunk, *h, false, records, gaps);
        QCOMPARE(records.size(), std::size_t(10));
        QVERIFY(gaps.empty());
        QCOMPARE(records.front().offset, std::uint32_t(512));
        QCOMPARE(records.back().id, std::uint64_t(10));
        // A changed record byte breaks the records' CRC, a changed header byte the header's.
        chunkAt(file, 0)[600] ^= 0x10;
        QVERIFY(!evtx::recordsChecksumOk(chunk, *evtx::readChunkHeader(chunk)));
        QVERIFY(evtx::readChunkHeader(chunk)->headerChecksumOk);
        chunkAt(file, 0)[8] ^= 0x10;
        QVERIFY(!evtx::readChunkHeader(chunk)->headerChecksumOk);
    }

    // What the loader reserves room for (issue 18: the event list allocated once): the records the
    // chunk headers count, over several chunks; a chunk whose numbers do not add up counts none,
    // and a file that is not .evtx (or is not there) announces nothing.
    void announcedEventCount()
    {
        QTemporaryDir dir;
        std::string file = ev::writeFile(makeRecords(1000, 400));
        const std::size_t chunks = (file.size() - evtx::fileHeaderSize) / evtx::chunkSize;
        QVERIFY2(chunks >= 3, qPrintable(QString::number(chunks)));
        const auto write = [&](const char* name, const std::string& bytes) {
            const QString path = dir.filePath(QLatin1String(name));
            sigmatest::writeFile(path, QByteArray::fromStdString(bytes));
            return path.toStdString();
        };
        QCOMPARE(sigma::announcedEventCount(write("all.evtx", file)), std::uint64_t(1000));
        // The second chunk's last record number before its first: that chunk counts 0.
        const auto second = *evtx::readChunkHeader(bytesOf(file).subspan(evtx::fileHeaderSize + evtx::chunkSize));
        std::uint8_t* p = chunkAt(file, 1);
        for (int i = 0; i < 8; ++i)
            p[16 + i] = 0;
        QCOMPARE(sigma::announcedEventCount(write("damaged.evtx", file)), std::uint64_t(1000 - second.recordCount()));
        QCOMPARE(sigma::announcedEventCount(write("truncated.evtx", file.substr(0, evtx::fileHeaderSize + 40))),
                 std::uint64_t(0));
        QCOMPARE(sigma::announcedEventCount(write("events.xml", "<Events></Events>")), std::uint64_t(0));
        QCOMPARE(sigma::announcedEventCount(dir.filePath(QStringLiteral("missing.evtx")).toStdString()),
                 std::uint64_t(0));
    }

    void damagedRecordChain()
    {
        std::string file = ev::writeFile(makeRecords(10));
        const auto offsets = recordOffsets(file, 0);
        QCOMPARE(offsets.size(), std::size_t(10));
        // Record 4's size copy at its end no longer agrees: record 4 is a gap, 5-10 are found.
        std::uint8_t* c = chunkAt(file, 0);
        put32(c + offsets[3] + 4, evtx::le32(c + offsets[3] + 4) + 8);
        const evtx::Bytes chunk = bytesOf(file).subspan(evtx::fileHeaderSize, evtx::chunkSize);
        std::vector<evtx::RecordSpan> records;
        std::vector<evtx::RecordGap> gaps;
        evtx::findRecords(chunk, *evtx::readChunkHeader(chunk), false, records, gaps);
        QCOMPARE(records.size(), std::size_t(9));
        QCOMPARE(gaps.size(), std::size_t(1));
        QCOMPARE(gaps[0].offset, offsets[3]);
        QCOMPARE(records[3].id, std::uint64_t(5));
    }

    // --- decoding --------------------------------------------------------------------------------

    void windowsEventFields()
    {
        ev::EventSpec s;
        s.recordId = 42;
        s.userSid = "S-1-5-18";
        s.data = {{"SubjectLogonId", ev::hexInt64(0x3e7)}, {"", ev::string("unnamed")}, {"Empty", ev::string("")}};
        const ReadResult r = decode(ev::writeFile({ev::windowsEvent(s)}));
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events.size(), std::size_t(1));
        const QStringList expected = L(
            "Provider_Name=Microsoft-Windows-Security-Auditing", "Provider_Guid={54849625-5478-4994-A5BA-3E3B0328C30D}",
            "EventID=4688", // Qualifiers: optional substitution of a Null value, dropped
            "Version=0", "Level=0", "Task=13312", "Opcode=0", "Keywords=0x8020000000000000",
            "TimeCreated_SystemTime=2024-03-05T10:15:42.992230Z", "EventRecordID=42", "Execution_ProcessID=4",
            "Execution_ThreadID=100", "Channel=Security", "Computer=WKS01.example.test", "Security_UserID=S-1-5-18",
            "SubjectLogonId=0x3e7", "Data=unnamed", "Empty=");
        QCOMPARE(fieldLines(r.events[0]), expected);
        QCOMPARE(r.events[0].origin.recordId, std::optional<std::uint64_t>(42));
        QCOMPARE(r.events[0].origin.chunk, std::optional<std::uint32_t>(0));
        QCOMPARE(r.events[0].origin.index, std::size_t(1));
        QVERIFY(!r.events[0].originalXml);
    }

    void sharedTemplates()
    {
        // Records referring to the template definition an earlier record of the chunk holds (as
        // Windows writes them): compiled once per chunk, each record with its own values.
        const std::string shared = ev::writeFile(makeRecords(2000, 20, true));
        const std::string own = ev::writeFile(makeRecords(2000, 20, false));
        QVERIFY(shared.size() * 3 < own.size());
        const ReadResult r = decode(shared);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(recordIds(r), range(1, 2000));
        for (std::size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(*r.events[i].value("ProcessId"), QStringLiteral("0x%1").arg(i + 1, 0, 16).toStdString());
        const ReadResult o = decode(own);
        QCOMPARE(o.events.size(), r.events.size());
        QCOMPARE(fieldLines(o.events[1234]), fieldLines(r.events[1234]));
        // One compiled template for all the records of the first chunk.
        const evtx::Bytes chunk = bytesOf(shared).subspan(evtx::fileHeaderSize, evtx::chunkSize);
        std::vector<evtx::RecordSpan> records;
        std::vector<evtx::RecordGap> gaps;
        evtx::findRecords(chunk, *evtx::readChunkHeader(chunk), false, records, gaps);
        QVERIFY(records.size() > 100);
        evtx::ChunkDecoder decoder(chunk);
        for (const auto& rec : records) {
            Event e;
            evtx::FieldBuilder builder;
            builder.reset(e);
            std::string error;
            QVERIFY2(decoder.decode(rec, builder, error), error.c_str());
        }
        QCOMPARE(decoder.templateCount(), std::size_t(1));
    }

    void templatesSharedByContent()
    {
        // Compiled templates are shared across chunks and files by content: a second file with
        // the same templates compiles none, and a template of another shape under the same GUID
        // (the writer derives it from the record id, 1 in both files) is a template of its own.
        evtx::TemplateCache::clear();
        const auto file = [](const char* name, const char* value) {
            ev::EventSpec s;
            s.recordId = 1;
            s.data = {{name, ev::string(value)}};
            return ev::writeFile({ev::windowsEvent(s)});
        };
        const std::string a = file("CommandLine", "cmd.exe /c whoami");
        const std::string b = file("TargetFilename", "C:\\x.txt");
        const ReadResult first = decode(a);
        QCOMPARE(first.events.size(), std::size_t(1));
        const std::size_t compiled = evtx::TemplateCache::size();
        QCOMPARE(compiled, std::size_t(1));
        const ReadResult again = decode(a);
        QCOMPARE(evtx::TemplateCache::size(), compiled);
        QCOMPARE(fieldLines(again.events[0]), fieldLines(first.events[0]));
        const ReadResult other = decode(b);
        QCOMPARE(evtx::TemplateCache::size(), compiled + 1);
        QCOMPARE(other.events.size(), std::size_t(1));
        QVERIFY(!other.events[0].value("CommandLine"));
        QCOMPARE(*other.events[0].value("TargetFilename"), std::string("C:\\x.txt"));
        QCOMPARE(*again.events[0].value("CommandLine"), std::string("cmd.exe /c whoami"));
    }

    void templatesRecognisedByTheirBytes()
    {
        // A definition met before is recognised by its GUID and bytes wherever it sits in its
        // chunk: the same bytes but for its name references, each inline at the same place or
        // referring to a name of the same text elsewhere in the chunk.
        evtx::TemplateCache::clear();
        // <EventData><NAME>value</NAME></EventData>: the field is named by an element's name.
        const auto record = [](std::uint64_t id, std::uint8_t guid, const char* name, const char* value) {
            ev::EventSpec s;
            s.recordId = id;
            s.data = {{"", ev::string(value)}};
            ev::Record r = ev::windowsEvent(s);
            r.root.children.back().children.at(0).name = name;
            r.templateGuid.fill(guid);
            return r;
        };
        const auto fields = [](const ReadResult& r, std::size_t i) { return fieldLines(r.events.at(i)); };

        // Names inline: the template of P's first record is the second record of R, at another
        // chunk offset.
        const ReadResult p = decode(ev::writeFile({record(1, 0x11, "Alpha", "a1")}));
        std::size_t recognised = evtx::TemplateCache::recognised();
        const ReadResult r = decode(ev::writeFile({record(1, 0x33, "Zulu", "z"), record(2, 0x11, "Alpha", "a1")}));
        QCOMPARE(evtx::TemplateCache::recognised(), recognised + 1);
        QCOMPARE(r.events.size(), std::size_t(2));
        QCOMPARE(*r.events[1].value("Alpha"), std::string("a1"));
        QCOMPARE(*r.events[1].value("EventRecordID"), std::string("2"));
        QVERIFY(!r.events[1].value("Zulu"));
        QCOMPARE(*p.events.at(0).value("EventRecordID"), std::string("1"));

        // Names stored once per chunk (as Windows writes them): the second records of X and Y have
        // templates of the same bytes, every name a reference to the first record's; but the
        // name of the element in their EventData is "Alpha" in X and "Bravo" in Y. Two templates.
        ev::FileOptions once;
        once.namesOnce = true;
        const std::string x = ev::writeFile({record(1, 0x01, "Alpha", "a1"), record(2, 0x02, "Alpha", "a2")}, once);
        const std::string y = ev::writeFile({record(1, 0x01, "Bravo", "b1"), record(2, 0x02, "Bravo", "b2")}, once);
        const auto stored = [](const std::string& file) { // "Alpha" in UTF-16: each time the name is stored
            const std::string alpha("A\0l\0p\0h\0a\0", 10);
            std::size_t n = 0;
            for (auto at = file.find(alpha); at != std::string::npos; at = file.find(alpha, at + 1))
                ++n;
            return n;
        };
        QCOMPARE(stored(x), std::size_t(1));
        QCOMPARE(stored(ev::writeFile({record(1, 0x01, "Alpha", "a1"), record(2, 0x02, "Alpha", "a2")})),
                 std::size_t(2));
        const ReadResult x1 = decode(x);
        recognised = evtx::TemplateCache::recognised();
        const ReadResult y1 = decode(y);
        QCOMPARE(evtx::TemplateCache::recognised(), recognised); // neither of Y's templates is X's
        QCOMPARE(y1.events.size(), std::size_t(2));
        QCOMPARE(*y1.events[1].value("Bravo"), std::string("b2"));
        QVERIFY(!y1.events[1].value("Alpha"));
        QCOMPARE(*x1.events.at(1).value("Alpha"), std::string("a2"));
        // Read again, X's two templates are recognised, and give the same events.
        const ReadResult x2 = decode(x);
        QCOMPARE(evtx::TemplateCache::recognised(), recognised + 2);
        QCOMPARE(fields(x2, 0), fields(x1, 0));
        QCOMPARE(fields(x2, 1), fields(x1, 1));
        // Emptied with the shared cache; the templates destroyed, names remembered by their address
        // (NameIds) are forgotten.
        const std::uint64_t generation = evtx::templateGeneration();
        evtx::TemplateCache::clear();
        recognised = evtx::TemplateCache::recognised();
        QCOMPARE(fields(decode(y), 1), fields(y1, 1));
        QCOMPARE(evtx::TemplateCache::recognised(), recognised);
        QVERIFY(evtx::templateGeneration() > generation);
    }

    void fieldPlans_data()
    {
        // Each record decoded by its template's field plan (fieldplan.h) and by FieldBuilder: the
        // same fields, in the same order, and the same diagnostics. `planned`: how many records the
        // plans decoded (the others are FieldBuilder's by design); `expected`, when given, the fields.
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("planned");
        QTest::addColumn<QStringList>("expected");
        const auto row = [](const char* name, const std::vector<ev::Record>& records, int planned,
                            const QStringList& expected = {}) {
            const std::string bytes = ev::writeFile(records, ev::FileOptions{0, true});
            QVERIFY(!bytes.empty());
            QTest::newRow(name) << QByteArray(bytes.data(), qsizetype(bytes.size())) << planned << expected;
        };
        {
            ev::EventSpec s;
            s.activityId = "{11111111-2222-3333-4444-555555555555}";
            s.userSid = "S-1-5-18";
            s.data = {{"SubjectLogonId", ev::hexInt64(0x3e7)}, {"", ev::string("unnamed")}, {"Empty", ev::string("")}};
            std::vector<ev::Record> records;
            for (std::uint64_t i = 1; i <= 3; ++i) { // one definition, three records
                s.recordId = i;
                records.push_back(ev::windowsEvent(s));
                records.back().templateGuid = {0x91, 0xa7, 0x2c, 0x03, 1};
            }
            row("Windows event", records, 3);
        }
        {
            PlanCase c;
            // An optional substitution that is an element's whole content drops the element and the
            // fields of its attributes; an optional one in an attribute drops the attribute.
            c.system().children.push_back(
                leafOf("Dropped", {c.sub(ev::null(), true)}, {{"Kept", ev::text("no: element dropped")}}));
            c.system().children.push_back(leafOf("Present", {c.sub(ev::uint16(3), true)},
                                                 {{"Gone", c.sub(ev::null(), true)}, {"Here", ev::text("x")}}));
            c.system().children.push_back(leafOf("EmptyValue", {c.sub(ev::string(""), true)}));
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::null(), true)}, {{"Name", ev::text("Gone")}}));
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::null())}, {{"Name", ev::text("NullKept")}}));
            row("optional substitutions", {c.r}, 1);
        }
        {
            PlanCase c;
            // Prefixed names by their local part (xmlns is no field; a prefixed declaration is one,
            // by its local name, as the XML reader makes it); a System element's text and
            // attributes; literal and substituted text mixed; TimeCreated's SystemTime normalized
            // from literal text; an element below a System item gives no field.
            c.system().children.push_back(leafOf("ev:Extra", {ev::text("a"), c.sub(ev::uint32(42)), ev::text("b")},
                                                 {{"xmlns:ev", ev::text("urn:x")},
                                                  {"xmlns", ev::text("urn:y")},
                                                  {"ev:Kind", c.sub(ev::string("kind"))},
                                                  {"Blank", ev::text("")}}));
            ev::Element& time = childNamed(c.system(), "TimeCreated");
            time.attributes = {{"SystemTime", ev::text("2024-03-05 10:15:42.99223019")}};
            c.system().children.push_back(leafOf("Deep", {}));
            c.system().children.back().children.push_back(leafOf("Deeper", {c.sub(ev::string("no field"))}));
            row("System names", {c.r}, 1);
        }
        {
            PlanCase c(std::vector<ev::DataItem>{});
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::string("v1"))}, {{"Name", ev::text("")}}));
            c.eventData().children.push_back(
                leafOf("Data", {c.sub(ev::string("v2"))}, {{"Name", ev::text("First")}, {"Name", ev::text("Second")}}));
            c.eventData().children.push_back(
                leafOf("Data", {ev::text("lit-"), c.sub(ev::uint8(5))}, {{"Other", ev::text("x")}}));
            c.eventData().children.push_back(leafOf("Binary", {c.sub(ev::binary({0xde, 0xad}))}));
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::string("beyond"))}));
            c.eventData().children.back().content = {ev::substitution(99, 0x01)}; // no such value
            c.eventData().children.push_back(leafOf("ns:Data", {}));
            row("EventData names", {c.r}, 1, L("Data=v1", "First=v2", "Data=lit-5", "Binary=DEAD", "Data=", "Data="));
        }
        {
            PlanCase c;
            c.eventData().children.push_back(
                leafOf("Data", {c.sub(ev::string("v"))}, {{"Name", c.sub(ev::string("FromValue"))}}));
            row("Data Name from a value", {c.r}, 0);
        }
        {
            PlanCase c(std::vector<ev::DataItem>{});
            ev::Element user = leafOf("UserData", {});
            user.children.push_back(leafOf("LogFileCleared", {}));
            user.children.back().children.push_back(leafOf("SubjectUserName", {c.sub(ev::string("admin"))}));
            c.r.root.children.push_back(user);
            row("UserData", {c.r}, 0);
        }
        {
            PlanCase c;
            c.r.root.name = "Evnt";
            row("root not Event", {c.r}, 0);
        }
        {
            PlanCase c;
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::array({ev::string("one"), ev::string("two")}))},
                                                    {{"Name", ev::text("List")}}));
            row("array", {c.r}, 0);
        }
        {
            // Windows' records: <Event><System>…</System>{Binary XML}</Event>, the EventData a fragment of
            // its own template nested in the value.
            PlanCase c(std::vector<ev::DataItem>{});
            ev::Element data = leafOf("EventData", {});
            data.children.push_back(leafOf("Data", {ev::substitution(0, 0x01)}, {{"Name", ev::text("Image")}}));
            data.children.push_back(leafOf("Data", {ev::substitution(1, 0x08)}, {{"Name", ev::text("ProcessId")}}));
            data.children.push_back(leafOf("Data", {ev::substitution(2, 0x01, true)}, {{"Name", ev::text("Gone")}}));
            const ev::Record inner = innerRecord(data, {ev::string("C:\\x.exe"), ev::uint32(4242), ev::null()}, 1001);
            c.r.root.content.push_back(c.sub(ev::binXml(inner)));
            c.r.root.content.push_back(c.sub(ev::null(), true)); // nothing nested here
            PlanCase twice = c;
            twice.r.id = 8;
            row("nested EventData", {c.r, twice.r}, 2);
        }
        {
            // Fragments nested in System and EventData (items) and in <Event> (a section).
            PlanCase c(std::vector<ev::DataItem>{});
            ev::Element deeper = leafOf("EventData", {});
            deeper.children.push_back(leafOf("Data", {ev::substitution(0, 0x01)}, {{"Name", ev::text("Deeper")}}));
            ev::Element item = leafOf("Data", {ev::substitution(0, 0x01)}, {{"Name", ev::text("Item")}});
            const ev::Record inner = innerRecord(item, {ev::string("i")}, 1002);
            c.eventData().content.push_back(c.sub(ev::binXml(inner)));
            c.system().content.push_back(
                c.sub(ev::binXml(innerRecord(leafOf("Extra", {ev::substitution(0, 0x08)}), {ev::uint32(9)}, 1003))));
            c.r.root.content.push_back(c.sub(ev::binXml(innerRecord(deeper, {ev::string("d")}, 1004))));
            row("nested items", {c.r}, 1, {});
        }
        {
            PlanCase c(std::vector<ev::DataItem>{});
            ev::Element user = leafOf("UserData", {});
            user.children.push_back(leafOf("Leaf", {ev::substitution(0, 0x01)}));
            c.r.root.content.push_back(c.sub(ev::binXml(innerRecord(user, {ev::string("u")}, 1005))));
            row("nested UserData", {c.r}, 0);
        }
        {
            PlanCase c;
            c.r.root.children.push_back(leafOf("RenderingInfo", {}));
            c.r.root.children.back().content.push_back(c.sub(
                ev::binXml(innerRecord(leafOf("Message", {ev::substitution(0, 0x01)}), {ev::string("m")}, 1006))));
            row("nested where no field is", {c.r}, 0);
        }
        {
            PlanCase c;
            c.eventData().children.push_back(leafOf("Data", {c.sub(ev::binXml(innerRecord(leafOf("X", {}), {}, 1007)))},
                                                    {{"Name", ev::text("Xml")}}));
            row("nested in a value", {c.r}, 0);
        }
        {
            PlanCase c(std::vector<ev::DataItem>{});
            ev::Value damaged;
            damaged.type = 0x21;
            damaged.bytes = {0x0F, 0x01, 0x01, 0x00, 0x0C, 0x01, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
            c.r.root.content.push_back(c.sub(damaged));
            row("nested fragment damaged", {c.r}, 0);
        }
    }

    void fieldPlans()
    {
        QFETCH(QByteArray, file);
        QFETCH(int, planned);
        QFETCH(QStringList, expected);
        const std::string bytes(file.constData(), std::size_t(file.size()));
        const std::size_t before = evtx::fieldPlanRecords();
        evtx::setFieldPlans(false);
        const ReadResult built = decode(bytes);
        evtx::setFieldPlans(true);
        QCOMPARE(evtx::fieldPlanRecords(), before);
        const ReadResult byPlan = decode(bytes);
        QCOMPARE(int(evtx::fieldPlanRecords() - before), planned);
        QCOMPARE(diagnosticsText(byPlan), diagnosticsText(built));
        QCOMPARE(byPlan.events.size(), built.events.size());
        for (std::size_t i = 0; i < built.events.size(); ++i)
            QCOMPARE(fieldLines(byPlan.events[i]), fieldLines(built.events[i]));
        if (!expected.isEmpty()) {
            QVERIFY(!built.events.empty());
            const QStringList lines = fieldLines(built.events[0]);
            QCOMPARE(lines.mid(lines.size() - expected.size()), expected);
        }
    }

    void fieldPlansOnSharedCorpus()
    {
        // Every shared log read with field plans and without: the same events, fields and
        // diagnostics (most of their records are planned: the rest have UserData or arrays).
        SIGMA_REQUIRE_SHARED("corpus/events");
        std::size_t files = 0, records = 0;
        const std::size_t before = evtx::fieldPlanRecords();
        QDirIterator it(sharedPathValue, {QStringLiteral("*.evtx")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray data = f.readAll();
            const std::string bytes(data.constData(), std::size_t(data.size()));
            evtx::setFieldPlans(false);
            const ReadResult built = decode(bytes);
            evtx::setFieldPlans(true);
            const ReadResult byPlan = decode(bytes);
            QCOMPARE(diagnosticsText(byPlan), diagnosticsText(built));
            QCOMPARE(byPlan.events.size(), built.events.size());
            for (std::size_t i = 0; i < built.events.size(); ++i) {
                QCOMPARE(fieldLines(byPlan.events[i]), fieldLines(built.events[i]));
                QCOMPARE(byPlan.events[i].origin.recordId, built.events[i].origin.recordId);
            }
            ++files;
            records += built.events.size();
        }
        const std::size_t planned = evtx::fieldPlanRecords() - before;
        qInfo("%zu files, %zu records, %zu of them by field plans", files, records, planned);
        QVERIFY(files > 0);
        QVERIFY(planned * 2 > records);
    }

    void eventXmlOnDemand()
    {
        ev::EventSpec s;
        s.data = {{"CommandLine", ev::string("cmd.exe /c \"a & b\" <x>")}, {"Flags", ev::hexInt32(0x17)}};
        ReadOptions keep;
        keep.keepOriginalXml = true;
        const ReadResult r = decode(ev::writeFile({ev::windowsEvent(s)}), keep);
        QCOMPARE(r.events.size(), std::size_t(1));
        QVERIFY(r.events[0].originalXml);
        const std::string& xml = *r.events[0].originalXml;
        QVERIFY2(xml.find("<Data Name=\"CommandLine\">cmd.exe /c \"a &amp; b\" &lt;x&gt;</Data>") != std::string::npos,
                 xml.c_str());
        QVERIFY2(xml.find("<Data Name=\"Flags\">0x17</Data>") != std::string::npos, xml.c_str());
        QVERIFY2(xml.find("<Keywords>0x8020000000000000</Keywords>") != std::string::npos, xml.c_str());
        QVERIFY2(xml.find("Qualifiers") == std::string::npos, xml.c_str());
        // The XML reads back to the same fields.
        const ReadResult again = readEventsText(xml, "again.xml");
        QCOMPARE(again.events.size(), std::size_t(1));
        QCOMPARE(fieldLines(again.events[0]), fieldLines(r.events[0]));
    }

    void xmlDecodedAgainWhenNotKept()
    {
        // The workbench keeps no XML for .evtx events: sigma::eventXml decodes the record's chunk
        // again, by EventRecordID, and gives the XML a reader keeping it would have given.
        const std::string bytes = ev::writeFile(makeRecords(600, 200));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("again.evtx"));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(bytes)));
        ReadOptions keep;
        keep.keepOriginalXml = true;
        const ReadResult kept = readEventsFile(path.toStdString(), keep);
        const ReadResult lean = readEventsFile(path.toStdString());
        QCOMPARE(lean.events.size(), std::size_t(600));
        QCOMPARE(kept.events.size(), lean.events.size());
        QVERIFY(lean.events.back().origin.chunk.value_or(0) > 0);
        for (const std::size_t i : {std::size_t(0), std::size_t(299), std::size_t(599)}) {
            QVERIFY(!lean.events[i].originalXml);
            QVERIFY(kept.events[i].originalXml);
            QCOMPARE(eventXml(lean.events[i]), *kept.events[i].originalXml);
        }
        // Without the file (moved, deleted): the fields rendered.
        Event moved = lean.events[5];
        moved.origin.file =
            std::make_shared<const std::string>(dir.filePath(QStringLiteral("gone.evtx")).toStdString());
        QCOMPARE(eventXml(moved), moved.xml());
        QVERIFY(eventXml(moved) != *kept.events[5].originalXml);
    }

    // A file over MappedFile::kReadWhole is read piece by piece into one reused buffer (issue 18:
    // never in memory whole, not mapped): the same events, diagnostics naming the same chunks and
    // the same XML on demand as decoding its bytes in memory, with a damaged chunk in the middle
    // and the file cut inside its last chunk.
    void largeFileReadPieceByPiece()
    {
        std::string file = ev::writeFile(makeRecords(24000, 400));
        std::size_t chunks = (file.size() - evtx::fileHeaderSize) / evtx::chunkSize;
        QVERIFY2(file.size() > evtx::MappedFile::kReadWhole, qPrintable(QString::number(file.size())));
        chunkAt(file, chunks / 2)[600] ^= 0x5a; // the records' CRC no longer matches
        file.resize(file.size() - evtx::chunkSize / 2);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("large.evtx"));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(file)));

        const ReadResult inMemory = decode(file);
        ReadOptions options;
        std::uint64_t lastDone = 0, lastTotal = 0;
        options.progress = [&](std::uint64_t done, std::uint64_t total) {
            lastDone = done;
            lastTotal = total;
            return true;
        };
        const ReadResult fromFile = readEventsFile(path.toStdString(), options);
        QVERIFY(inMemory.events.size() > 20000);
        QCOMPARE(recordIds(fromFile), recordIds(inMemory));
        QCOMPARE(fromFile.events.size(), inMemory.events.size());
        QCOMPARE(lastDone, std::uint64_t(fromFile.events.size() + fromFile.skipped));
        QVERIFY(lastTotal >= lastDone);
        QCOMPARE(diagnosticsText(fromFile).replace(path, QStringLiteral("test.evtx")), diagnosticsText(inMemory));
        QVERIFY(diagnosticsText(fromFile).contains(QStringLiteral("chunk %1").arg(chunks / 2)));
        for (const std::size_t i : {std::size_t(0), inMemory.events.size() / 2, inMemory.events.size() - 1}) {
            QCOMPARE(fieldLines(fromFile.events[i]), fieldLines(inMemory.events[i]));
            const auto chunk = fromFile.events[i].origin.chunk.value_or(0);
            const auto rid = fromFile.events[i].origin.recordId.value_or(0);
            QCOMPARE(eventXml(fromFile.events[i]), *evtx::recordXml(bytesOf(file), chunk, rid));
        }
    }

    void parallelKeepsOrder_data()
    {
        QTest::addColumn<unsigned>("threads");
        QTest::addRow("1 thread") << 1u;
        QTest::addRow("2 threads") << 2u;
        QTest::addRow("5 threads") << 5u;
    }
    void parallelKeepsOrder()
    {
        QFETCH(unsigned, threads);
        const std::string file = ev::writeFile(makeRecords(3000, 400));
        QVERIFY(file.size() > 20 * evtx::chunkSize);
        evtx::setDecoderThreads(threads);
        const ReadResult r = decode(file);
        evtx::setDecoderThreads(0);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(recordIds(r), range(1, 3000));
        for (std::size_t i = 0; i < r.events.size(); ++i) {
            QCOMPARE(r.events[i].origin.index, i + 1);
            QCOMPARE(*r.events[i].value("ProcessId"), QStringLiteral("0x%1").arg(i + 1, 0, 16).toStdString());
        }
        QCOMPARE(*r.events.back().origin.chunk, std::uint32_t(file.size() / evtx::chunkSize - 1));
    }

    void progressLimitCancel()
    {
        const std::string file = ev::writeFile(makeRecords(1000));
        std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
        ReadOptions options;
        options.progress = [&](std::uint64_t done, std::uint64_t total) {
            calls.emplace_back(done, total);
            return true;
        };
        QCOMPARE(decode(file, options).events.size(), std::size_t(1000));
        QVERIFY(calls.size() >= 4);
        QCOMPARE(calls.back(), std::make_pair(std::uint64_t(1000), std::uint64_t(1000)));
        int n = 0;
        options.progress = [&](std::uint64_t, std::uint64_t) { return ++n < 2; };
        const ReadResult part = decode(file, options);
        QVERIFY(part.cancelled);
        QCOMPARE(part.events.size(), std::size_t(256));
        ReadOptions limited;
        limited.limit = 7;
        QCOMPARE(recordIds(decode(file, limited)), range(1, 7));
    }

    void streamingBatches_data()
    {
        QTest::addColumn<unsigned>("threads");
        QTest::addColumn<int>("batchSize");
        QTest::addRow("1 thread, batches of 1") << 1u << 1;
        QTest::addRow("2 threads, batches of 7") << 2u << 7;
        QTest::addRow("3 threads, batches of 500") << 3u << 500;
    }
    void streamingBatches()
    {
        // Events handed over in batches (ReadOptions::onBatch) are the events of a whole read, in
        // order, each batch at most batchSize, and none is left in the result.
        QFETCH(unsigned, threads);
        QFETCH(int, batchSize);
        const std::string file = ev::writeFile(makeRecords(1500, 300));
        QVERIFY(file.size() > 5 * evtx::chunkSize);
        std::vector<std::uint64_t> ids;
        std::vector<std::size_t> positions;
        std::size_t batches = 0;
        std::size_t largest = 0;
        ReadOptions options;
        options.threads = threads;
        options.batchSize = std::size_t(batchSize);
        options.onBatch = [&](std::vector<Event>& batch) {
            ++batches;
            largest = std::max(largest, batch.size());
            for (const auto& e : batch) {
                ids.push_back(e.origin.recordId.value_or(0));
                positions.push_back(e.origin.index);
            }
            return true;
        };
        const ReadResult r = readEvtxBytes(file, "stream.evtx", options);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QVERIFY(r.events.empty());
        QCOMPARE(r.delivered, std::size_t(1500));
        QCOMPARE(r.count(), std::size_t(1500));
        QCOMPARE(ids, range(1, 1500));
        for (std::size_t i = 0; i < positions.size(); ++i)
            QCOMPARE(positions[i], i + 1);
        QCOMPARE(largest, std::min<std::size_t>(std::size_t(batchSize), 1500));
        QCOMPARE(batches, (1500 + std::size_t(batchSize) - 1) / std::size_t(batchSize));

        // The callee stops the read: the result says cancelled, nothing more comes.
        std::size_t seen = 0;
        options.onBatch = [&](std::vector<Event>& batch) {
            seen += batch.size();
            return seen < 2 * std::size_t(batchSize);
        };
        const ReadResult stopped = readEvtxBytes(file, "stream.evtx", options);
        QVERIFY(stopped.cancelled);
        QCOMPARE(seen, std::min<std::size_t>(2 * std::size_t(batchSize), 1500));
        QCOMPARE(stopped.delivered, seen);
    }

    void recycledEventsReadAsNew_data()
    {
        QTest::addColumn<unsigned>("threads");
        QTest::addRow("1 thread") << 1u;
        QTest::addRow("3 threads") << 3u;
    }
    void recycledEventsReadAsNew()
    {
        // Events a streaming consumer gives back (EventRecycler) are filled again by the decoder:
        // their buffers are reused, and they read exactly as events read without a recycler
        // (fields, values, origin), whatever the previous event left in them: more fields, longer
        // values, other names.
        QFETCH(unsigned, threads);
        std::vector<ev::Record> records;
        for (std::uint64_t i = 1; i <= 3000; ++i) {
            ev::EventSpec s;
            s.recordId = i;
            s.data = {{"ProcessId", ev::hexInt64(i)}};
            if (i % 3 == 0)
                s.data.push_back({"CommandLine", ev::string(std::string(300 + i % 7, 'c'))});
            if (i % 5 == 0)
                s.data.push_back({"Extra" + std::to_string(i % 4), ev::string("e" + std::to_string(i))});
            records.push_back(ev::windowsEvent(s));
        }
        const std::string file = ev::writeFile(records);
        auto text = [](const Event& e) {
            std::string out = *e.origin.file + "#" + std::to_string(e.origin.index) + " r" +
                              std::to_string(e.origin.recordId.value_or(0)) + " c" +
                              std::to_string(e.origin.chunk.value_or(99)) + (e.originalXml ? " xml" : "");
            for (const auto& f : e.fields)
                out += " " + std::string(FieldNames::text(f.name)) + "=" + std::string(e.text(f));
            return out;
        };
        std::vector<std::string> expected;
        for (const auto& e : readEvtxBytes(file, "recycle.evtx").events)
            expected.push_back(text(e));
        QCOMPARE(expected.size(), std::size_t(3000));

        EventRecycler recycler;
        std::set<const EventField*> givenBack;
        std::size_t reused = 0;
        std::vector<std::string> streamed;
        ReadOptions options;
        options.threads = threads;
        options.batchSize = 64;
        options.recycler = &recycler;
        options.onBatch = [&](std::vector<Event>& batch) {
            for (const auto& e : batch) {
                streamed.push_back(text(e));
                reused += givenBack.count(e.fields.data());
            }
            for (const auto& e : batch)
                givenBack.insert(e.fields.data());
            recycler.giveBack(batch);
            return true;
        };
        const ReadResult r = readEvtxBytes(file, "recycle.evtx", options);
        QVERIFY2(r.diagnostics.empty(), qPrintable(diagnosticsText(r)));
        QCOMPARE(streamed, expected);
        // Once the first batches are given back, the events come from them (their buffers reused);
        // with several threads, the first round of chunks is decoded before any is given back.
        QVERIFY2(reused * 2 > expected.size(), qPrintable(QString::number(reused)));
        QVERIFY(recycler.size() > 0);
    }

    void fieldNamesPerFile()
    {
        // The decoder interns the names of a file in the file's FieldNameSet (Event::names), as
        // every reader does, never in the process-wide table: they go with the file's events.
        std::vector<ev::Record> records;
        for (std::uint64_t i = 1; i <= 600; ++i) {
            ev::EventSpec s;
            s.recordId = i;
            s.data = {{"NamesPerFileProbe", ev::hexInt64(i)}};
            records.push_back(ev::windowsEvent(s));
        }
        const std::string file = ev::writeFile(records);
        QCOMPARE(FieldNames::findKey("namesperfileprobe"), FieldNames::kNone);
        {
            ReadOptions options;
            options.threads = 2;
            const ReadResult r = readEvtxBytes(file, "names.evtx", options);
            QCOMPARE(r.events.size(), std::size_t(600));
            const auto& names = r.events.front().names;
            QVERIFY(names);
            for (const auto& e : r.events)
                QCOMPARE(e.names.get(), names.get());
            QVERIFY(names->size() >= 2);
            QVERIFY(FieldNames::findKey("namesperfileprobe") != FieldNames::kNone);
            QCOMPARE(*r.events.back().value("NamesPerFileProbe"), std::string("0x258"));
        }
        QCOMPARE(FieldNames::findKey("namesperfileprobe"), FieldNames::kNone);
        // A stream or a load gives one set to all its files (ReadOptions::names): the second file
        // interns nothing new, and the names still go with the last event.
        {
            ReadOptions options;
            options.names = std::make_shared<FieldNameSet>();
            const ReadResult a = readEvtxBytes(file, "a.evtx", options);
            const std::size_t afterFirst = options.names->size();
            const ReadResult b = readEvtxBytes(file, "b.evtx", options);
            QCOMPARE(options.names->size(), afterFirst);
            QCOMPARE(a.events.front().names.get(), options.names.get());
            QCOMPARE(b.events.back().names.get(), options.names.get());
            options.names.reset();
            QVERIFY(FieldNames::findKey("namesperfileprobe") != FieldNames::kNone);
        }
        QCOMPARE(FieldNames::findKey("namesperfileprobe"), FieldNames::kNone);
    }

    void manyDistinctNames()
    {
        // Each thread's name cache is bounded (started afresh past 4,096 names): records with names
        // of their own still get their own names, across the reset and in a second file's set.
        std::vector<ev::Record> records;
        for (std::uint64_t i = 1; i <= 5000; ++i) {
            ev::EventSpec s;
            s.recordId = i;
            s.data = {{"Distinct_" + std::to_string(i), ev::uint32(std::uint32_t(i))}, {"Shared", ev::uint32(7)}};
            records.push_back(ev::windowsEvent(s));
        }
        const std::string file = ev::writeFile(records);
        for (const char* name : {"first.evtx", "second.evtx"}) {
            ReadOptions options;
            options.threads = 1;
            const ReadResult r = readEvtxBytes(file, name, options);
            QCOMPARE(r.events.size(), std::size_t(5000));
            for (std::size_t i = 0; i < r.events.size(); i += 7) {
                const std::string field = "Distinct_" + std::to_string(i + 1);
                const auto v = r.events[i].value(field);
                QVERIFY2(v, field.c_str());
                QCOMPARE(std::string(*v), std::to_string(i + 1));
                QCOMPARE(std::string(*r.events[i].value("SHARED")), std::string("7"));
                QVERIFY(!r.events[i].value("Distinct_" + std::to_string(i + 2)));
            }
        }
        QCOMPARE(FieldNames::findKey("distinct_4999"), FieldNames::kNone);
    }

    // --- damaged files ---------------------------------------------------------------------------

    void badRecordsChecksum()
    {
        // A changed byte inside a value: the chunk's CRC fails, every record is still well-formed
        // and read (as libevtx does), with a warning naming the chunk.
        std::string file = ev::writeFile(makeRecords(10));
        const auto offsets = recordOffsets(file, 0);
        std::uint8_t* c = chunkAt(file, 0);
        const auto at = std::search(c + offsets[2], c + offsets[3], "x\0x\0", "x\0x\0" + 4) - c;
        c[at] = 'y';
        const ReadResult r = decode(file);
        QCOMPARE(recordIds(r), range(1, 10));
        QVERIFY2(hasDiagnostic(r, "evtx-corrupted", "chunk 0: the CRC32 of the chunk's records"),
                 qPrintable(diagnosticsText(r)));
        QCOMPARE(r.skipped, std::size_t(0));
    }

    void damagedRecord()
    {
        // Record 4's template instance is broken: it is skipped with a warning naming chunk and
        // record, the others are read, and positions still count it.
        std::string file = ev::writeFile(makeRecords(10));
        const auto offsets = recordOffsets(file, 0);
        chunkAt(file, 0)[offsets[3] + 24 + 4] = 0x7f; // the template instance token
        fixChunkChecksums(file, 0);
        const ReadResult r = decode(file);
        QCOMPARE(recordIds(r), (std::vector<std::uint64_t>{1, 2, 3, 5, 6, 7, 8, 9, 10}));
        QCOMPARE(r.skipped, std::size_t(1));
        QVERIFY2(hasDiagnostic(r, "evtx-damaged-record", "chunk 0, record 4: skipped damaged record #4: "),
                 qPrintable(diagnosticsText(r)));
        QCOMPARE(r.events[3].origin.index, std::size_t(5));
    }

    void garbageChunk()
    {
        std::string file = ev::writeFile(makeRecords(1200));
        const std::size_t chunks = (file.size() - evtx::fileHeaderSize) / evtx::chunkSize;
        QVERIFY(chunks >= 3);
        const auto before = decode(file);
        std::uint64_t inChunk1 = 0;
        for (const auto& e : before.events)
            inChunk1 += e.origin.chunk == 1u ? 1 : 0;
        std::uint8_t* c = chunkAt(file, 1);
        for (std::size_t i = 0; i < evtx::chunkSize; ++i)
            c[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
        const ReadResult r = decode(file);
        QCOMPARE(r.events.size(), before.events.size() - inChunk1);
        QVERIFY2(hasDiagnostic(r, "evtx-damaged-chunk", "chunk 1: no chunk signature"), qPrintable(diagnosticsText(r)));
        QVERIFY(!r.failed());
    }

    void truncatedFile()
    {
        const std::string whole = ev::writeFile(makeRecords(30, 10));
        const auto offsets = recordOffsets(whole, 0);
        QCOMPARE(offsets.size(), std::size_t(30));
        // The file ends inside record 21: 20 read, 10 lost, named.
        const ReadResult r = decode(whole.substr(0, evtx::fileHeaderSize + offsets[20] + 30));
        QCOMPARE(recordIds(r), range(1, 20));
        QCOMPARE(r.skipped, std::size_t(10));
        QVERIFY2(hasDiagnostic(r, "evtx-truncated-chunk", "chunk 0: the file ends"), qPrintable(diagnosticsText(r)));
        QVERIFY(!r.failed());
        // Only the file header: an error.
        QVERIFY(decode(whole.substr(0, evtx::fileHeaderSize)).failed());
        QVERIFY(decode(whole.substr(0, 100)).failed());
    }

    void dirtyChunkRecordsPastFreeSpace()
    {
        // A chunk copied while being written: its header says 6 records and ends its free space
        // after record 6, but 10 are there.
        std::string file = ev::writeFile(makeRecords(10), {1});
        const auto offsets = recordOffsets(file, 0);
        std::uint8_t* c = chunkAt(file, 0);
        put32(c + 16, 6); // last record number
        put32(c + 32, 6); // last record identifier
        put32(c + 44, offsets[5]);
        put32(c + 48, offsets[6]);
        fixChunkChecksums(file, 0);
        const ReadResult r = decode(file);
        QCOMPARE(recordIds(r), range(1, 10));
        QVERIFY2(hasDiagnostic(r, "evtx-recovered-records", "chunk 0: 4 record(s) read beyond"),
                 qPrintable(diagnosticsText(r)));
        QVERIFY(hasDiagnostic(r, "evtx-dirty", "the file is flagged dirty"));
        // The same chunk in a clean file: what lies past the free-space offset is slack.
        auto* h = reinterpret_cast<std::uint8_t*>(file.data());
        h[120] = 0;
        put32(h + 124, ev::crc32(h, 120));
        QCOMPARE(recordIds(decode(file)), range(1, 6));
    }

    void chunksBeyondHeaderCount()
    {
        std::string file = ev::writeFile(makeRecords(1000), {1});
        auto* h = reinterpret_cast<std::uint8_t*>(file.data());
        h[42] = 1;
        h[43] = 0;
        std::memset(h + 16, 0, 8);
        put32(h + 124, ev::crc32(h, 120));
        QCOMPARE(recordIds(decode(file)), range(1, 1000));
    }

    void staleRecordsInSlackLeft()
    {
        // Old records in a chunk's slack space (a log cleared and rewritten: the corpus has such
        // files) are not events of this log: their templates may have been overwritten.
        std::string file = ev::writeFile(makeRecords(10));
        const auto offsets = recordOffsets(file, 0);
        std::uint8_t* c = chunkAt(file, 0);
        const std::uint32_t end = evtx::le32(c + 48);
        const std::uint32_t size2 = offsets[2] - offsets[1];
        std::memcpy(c + end + 64, c + offsets[1], size2); // a stale copy of record 2
        const ReadResult r = decode(file);
        QCOMPARE(recordIds(r), range(1, 10));
        QVERIFY(!hasDiagnostic(r, "evtx-recovered-records", "chunk 0"));

        // Record 11 after a zeroed stretch (record 10 wiped) past the free-space offset: the
        // sequence is broken, so it is not taken for one of this log's records.
        std::string more = ev::writeFile(makeRecords(11), {1});
        const auto at = recordOffsets(more, 0);
        std::uint8_t* m = chunkAt(more, 0);
        std::memset(m + at[9], 0, at[10] - at[9]);
        put32(m + 16, 9);
        put32(m + 32, 9);
        put32(m + 44, at[8]);
        put32(m + 48, at[9]);
        fixChunkChecksums(more, 0);
        const ReadResult recovered = decode(more);
        QCOMPARE(recordIds(recovered), range(1, 9));
    }

    // A clean one-chunk file is read up to its chunk's free-space offset only (MappedFile, issue
    // 18: the rest of the 64 KiB is slack); what lies beyond reads as zeros, also after a file
    // whose used part was longer was read into the same buffer, and the events are those of the
    // bytes decoded whole, slack and all.
    void cleanChunkReadToItsFreeSpace()
    {
        std::string small = ev::writeFile(makeRecords(4));
        const std::string large = ev::writeFile(makeRecords(20));
        QCOMPARE(small.size(), evtx::fileHeaderSize + evtx::chunkSize);
        QCOMPARE(large.size(), small.size());
        const std::uint32_t smallEnd = evtx::le32(chunkAt(small, 0) + 48);
        const std::uint32_t largeEnd =
            evtx::le32(reinterpret_cast<const std::uint8_t*>(large.data()) + evtx::fileHeaderSize + 48);
        QVERIFY(largeEnd > smallEnd + 8192);
        // Slack: a stale record and garbage (not covered by a checksum: still a clean file).
        const auto offsets = recordOffsets(small, 0);
        std::uint8_t* c = chunkAt(small, 0);
        std::memset(c + smallEnd, 0xab, evtx::chunkSize - smallEnd);
        std::memcpy(c + smallEnd + 64, c + offsets[1], offsets[2] - offsets[1]);
        QTemporaryDir dir;
        const QString smallPath = dir.filePath(QStringLiteral("small.evtx"));
        const QString largePath = dir.filePath(QStringLiteral("large.evtx"));
        QVERIFY(sigmatest::writeFile(smallPath, QByteArray::fromStdString(small)));
        QVERIFY(sigmatest::writeFile(largePath, QByteArray::fromStdString(large)));
        {
            evtx::MappedFile first;
            QCOMPARE(first.open(largePath.toStdString()), std::string());
            const evtx::Bytes all = first.source().read(0, large.size());
            QVERIFY(std::equal(all.begin(), all.end(), bytesOf(large).begin()));
        }
        {
            evtx::MappedFile second; // the same thread: the buffer the large file was read into
            QCOMPARE(second.open(smallPath.toStdString()), std::string());
            const evtx::Bytes all = second.source().read(0, small.size());
            QCOMPARE(all.size(), small.size());
            // Read: the used part, and with it the first read's bytes (MappedFile::kFirstRead).
            const std::size_t read = std::max(evtx::fileHeaderSize + smallEnd, evtx::MappedFile::kFirstRead);
            QVERIFY(evtx::fileHeaderSize + largeEnd > read + 4096); // the large file's bytes past it
            QVERIFY(std::equal(all.begin(), all.begin() + read, bytesOf(small).begin()));
            QVERIFY(evtx::allZero(all.subspan(read)));
        }
        const ReadResult fromDisk = readEventsFile(smallPath.toStdString());
        const ReadResult whole = decode(small);
        QVERIFY2(fromDisk.diagnostics.empty(), qPrintable(diagnosticsText(fromDisk)));
        QVERIFY2(whole.diagnostics.empty(), qPrintable(diagnosticsText(whole)));
        QCOMPARE(recordIds(fromDisk), range(1, 4));
        QCOMPARE(recordIds(whole), range(1, 4));
        for (std::size_t i = 0; i < 4; ++i)
            QCOMPARE(fieldLines(fromDisk.events[i]), fieldLines(whole.events[i]));
        QCOMPARE(eventXml(fromDisk.events[2]), evtx::recordXml(bytesOf(small), 0, 3).value_or(""));
    }

    // The thread's buffer is never made smaller (MappedFile): after a large file whose every byte
    // was written, a smaller one, then a middle-sized one: what the middle one does not read still
    // reads as zeros, the large file's bytes past the smaller one's end included. (Files of one
    // chunk have a buffer of their own: these are of several.)
    void bufferKeptAcrossFiles()
    {
        const std::string small = ev::writeFile(makeRecords(50));
        const std::string middle = ev::writeFile(makeRecords(80));
        const std::size_t chunks = (middle.size() - evtx::fileHeaderSize) / evtx::chunkSize;
        QVERIFY(small.size() > evtx::fileHeaderSize + evtx::chunkSize);
        QVERIFY(middle.size() > small.size());
        QTemporaryDir dir;
        const QString largePath = dir.filePath(QStringLiteral("large.bin"));
        const QString smallPath = dir.filePath(QStringLiteral("small.evtx"));
        const QString middlePath = dir.filePath(QStringLiteral("middle.evtx"));
        QVERIFY(sigmatest::writeFile(largePath, QByteArray(int(middle.size() + evtx::chunkSize), '\xcd')));
        QVERIFY(sigmatest::writeFile(smallPath, QByteArray::fromStdString(small)));
        QVERIFY(sigmatest::writeFile(middlePath, QByteArray::fromStdString(middle)));
        for (const QString& path : {largePath, smallPath}) {
            evtx::MappedFile f;
            QCOMPARE(f.open(path.toStdString()), std::string());
        }
        evtx::MappedFile mapped;
        QCOMPARE(mapped.open(middlePath.toStdString()), std::string());
        const evtx::Bytes all = mapped.source().read(0, middle.size());
        QCOMPARE(all.size(), middle.size());
        for (std::size_t n = 0; n < chunks; ++n) {
            const std::size_t base = evtx::fileHeaderSize + n * evtx::chunkSize;
            const std::uint32_t end = evtx::le32(bytesOf(middle).data() + base + 48);
            QVERIFY(std::equal(all.begin() + base, all.begin() + base + end, bytesOf(middle).begin() + base));
            QVERIFY2(evtx::allZero(all.subspan(base + end, evtx::chunkSize - end)), qPrintable(QString::number(n)));
        }
        const ReadResult fromDisk = readEventsFile(middlePath.toStdString());
        QVERIFY2(fromDisk.diagnostics.empty(), qPrintable(diagnosticsText(fromDisk)));
        QCOMPARE(recordIds(fromDisk), range(1, 80));
    }

    // A clean file of several chunks is read chunk by chunk, each up to its free-space offset, and
    // blocks past the chunks its header declares only as far as their first 512 bytes when they
    // hold no chunk (unused space: not inspected, read from disk or in memory, and no garbage
    // warning there; a dirty file's are inspected). The rest reads as zeros, whatever an earlier
    // file left in the buffer.
    void cleanFileReadByUsedParts()
    {
        std::string file = ev::writeFile(makeRecords(80));
        const std::size_t chunks = (file.size() - evtx::fileHeaderSize) / evtx::chunkSize;
        QVERIFY(chunks >= 3);
        std::string garbage(evtx::chunkSize, '\0');
        for (std::size_t i = 0; i < garbage.size(); ++i)
            garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
        file += std::string(evtx::chunkSize, '\0') + garbage; // a zero block, then garbage
        const std::size_t last = chunks - 1;
        const std::uint32_t lastEnd = evtx::le32(chunkAt(file, last) + 48);
        std::memset(chunkAt(file, last) + lastEnd, 0xab, evtx::chunkSize - lastEnd); // slack
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("test.evtx"));
        const QString other = dir.filePath(QStringLiteral("other.evtx"));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(file)));
        QVERIFY(sigmatest::writeFile(other, QByteArray(int(file.size()), '\xcd')));
        {
            evtx::MappedFile first; // not EVTX: read whole, every byte of the buffer written
            QCOMPARE(first.open(other.toStdString()), std::string());
        }
        evtx::MappedFile mapped;
        QCOMPARE(mapped.open(path.toStdString()), std::string());
        const evtx::Bytes all = mapped.source().read(0, file.size());
        QCOMPARE(all.size(), file.size());
        const evtx::Bytes want = bytesOf(file);
        auto same = [&](std::size_t begin, std::size_t end) {
            return std::equal(all.begin() + begin, all.begin() + end, want.begin() + begin);
        };
        QVERIFY(same(0, evtx::fileHeaderSize));
        for (std::size_t n = 0; n < chunks; ++n) {
            const std::size_t base = evtx::fileHeaderSize + n * evtx::chunkSize;
            const std::uint32_t end = evtx::le32(want.data() + base + 48);
            QVERIFY(same(base, base + end));
            QVERIFY2(evtx::allZero(all.subspan(base + end, evtx::chunkSize - end)), qPrintable(QString::number(n)));
        }
        const std::size_t garbageAt = evtx::fileHeaderSize + (chunks + 1) * evtx::chunkSize;
        QVERIFY(evtx::allZero(all.subspan(garbageAt - evtx::chunkSize, evtx::chunkSize)));
        QVERIFY(same(garbageAt, garbageAt + evtx::chunkHeaderSize));
        QVERIFY(evtx::allZero(all.subspan(garbageAt + evtx::chunkHeaderSize)));

        const ReadResult inMemory = decode(file);
        QVERIFY2(inMemory.diagnostics.empty(), qPrintable(diagnosticsText(inMemory)));
        QCOMPARE(recordIds(inMemory), range(1, 80));
        const ReadResult fromDisk = readEventsFile(path.toStdString());
        QVERIFY2(fromDisk.diagnostics.empty(), qPrintable(diagnosticsText(fromDisk)));
        QCOMPARE(recordIds(fromDisk), range(1, 80));
        for (const std::size_t i : {std::size_t(0), std::size_t(40), std::size_t(79)})
            QCOMPARE(fieldLines(fromDisk.events[i]), fieldLines(inMemory.events[i]));
        // Dirty, or garbage within the declared chunks: inspected and reported.
        std::string dirty = file;
        auto* h = reinterpret_cast<std::uint8_t*>(dirty.data());
        h[120] |= 1;
        put32(h + 124, ev::crc32(h, 120));
        QVERIFY(hasDiagnostic(decode(dirty), "evtx-damaged-chunk",
                              "chunk " + std::to_string(chunks + 1) + ": no chunk signature"));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(dirty)));
        const ReadResult dirtyFromDisk = readEventsFile(path.toStdString());
        QVERIFY(
            std::any_of(dirtyFromDisk.diagnostics.begin(), dirtyFromDisk.diagnostics.end(), [&](const Diagnostic& d) {
                return d.message.rfind("chunk " + std::to_string(chunks + 1) + ": no chunk signature", 0) == 0;
            }));
        std::string declared = file;
        std::memcpy(chunkAt(declared, 1), garbage.data(), evtx::chunkSize);
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(declared)));
        const ReadResult declaredFromDisk = readEventsFile(path.toStdString());
        QVERIFY(
            std::any_of(declaredFromDisk.diagnostics.begin(), declaredFromDisk.diagnostics.end(),
                        [](const Diagnostic& d) { return d.message.rfind("chunk 1: no chunk signature", 0) == 0; }));
    }

    // Reading a clean chunk's used part only changes nothing: what a record points at (template
    // definitions, names) is read only at or before the record, so never past the free-space
    // offset (a record pointing forward into the slack is damaged), and a record running past
    // that offset (the header says the chunk ends inside it) is damaged too, read from disk or
    // decoded in memory alike (usedPart). libevtx reads both; no shared .evtx has either
    // (tst_evtxdiff).
    void slackNeverNeeded()
    {
        std::string file = ev::writeFile(makeRecords(3, 20, true));
        const auto offsets = recordOffsets(file, 0);
        std::uint8_t* c = chunkAt(file, 0);
        const std::uint32_t end = evtx::le32(c + 48);
        // Record 2's template instance names the definition record 1 holds: find that offset.
        std::uint32_t field = 0, definition = 0;
        for (std::uint32_t at = offsets[1] + 24; at + 10 <= offsets[2] && !field; ++at)
            if (c[at] == 0x0c && evtx::le32(c + at + 6) > offsets[0] && evtx::le32(c + at + 6) < offsets[1]) {
                field = at + 6;
                definition = evtx::le32(c + at + 6);
            }
        QVERIFY(field);
        // A copy of record 1 in the slack, and record 2 pointed at the copy's definition.
        const std::uint32_t copy = end + 64;
        std::memcpy(c + copy, c + offsets[0], offsets[1] - offsets[0]);
        put32(c + field, copy + (definition - offsets[0]));
        fixChunkChecksums(file, 0);
        const ReadResult inMemory = decode(file);
        QCOMPARE(recordIds(inMemory), (std::vector<std::uint64_t>{1, 3}));
        QVERIFY(hasDiagnostic(inMemory, "evtx-damaged-record", "chunk 0, record 2"));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("test.evtx"));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(file)));
        QCOMPARE(recordIds(readEventsFile(path.toStdString())), recordIds(inMemory));

        // The free-space offset moved back into record 3.
        std::string cut = ev::writeFile(makeRecords(3));
        const auto at = recordOffsets(cut, 0);
        put32(chunkAt(cut, 0) + 48, at[2] + 40);
        fixChunkChecksums(cut, 0);
        const ReadResult cutInMemory = decode(cut);
        QCOMPARE(recordIds(cutInMemory), range(1, 2));
        QVERIFY2(hasDiagnostic(cutInMemory, "evtx-damaged-record", "chunk 0"),
                 qPrintable(diagnosticsText(cutInMemory)));
        QVERIFY(sigmatest::writeFile(path, QByteArray::fromStdString(cut)));
        const ReadResult cutFromDisk = readEventsFile(path.toStdString());
        QCOMPARE(recordIds(cutFromDisk), range(1, 2));
        QCOMPARE(diagnosticsText(cutFromDisk), diagnosticsText(cutInMemory).replace(QLatin1String("test.evtx"), path));
    }
};

QTEST_GUILESS_MAIN(TestEvtxDecoder)
#include "tst_evtxdecoder.moc"
