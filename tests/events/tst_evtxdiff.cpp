// Differential test: our EVTX decoder against libevtx (the reference), field by field, on every
// .evtx of the shared corpus (skipped without ../shared) and on the project's own generated files,
// damaged ones included. A difference passes only when it is one of the named cases below, where
// libevtx's output is not Windows' (docs/events.md, "Our decoder and libevtx"); anything else
// fails with both renderings.
#include "eventtestutil.h"
#include "evtxwriter.h"
#include "testsupport.h"

#include "events/evtx/evtxformat.h"
#include "events/evtxreader.h"
#include "events/reader.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>

using namespace sigma;
using namespace eventtest;
namespace ev = sigmatest::evtx;

namespace {

// The named cases.
const char* const libevtxUnreadable = "record libevtx cannot read (skipped by it, decoded by ours)";
const char* const whitespaceOnly = "whitespace-only value emptied by libevtx's XML path";
const char* const attributeWhitespace = "tab/CR/LF in an attribute value turned into spaces by libevtx's XML path";
const char* const paddedHex = "zero-padded hex libevtx wrote and the correction left (ambiguous in the record)";
const char* const libevtxOnly = "record libevtx read that ours skipped";

bool isWhitespace(const std::string& s)
{
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

/// The case explaining libevtx's `theirs` where ours wrote `ours`; empty when none does.
QString classify(const std::string& ours, const std::string& theirs)
{
    if (theirs.empty() && !ours.empty() && isWhitespace(ours))
        return QString::fromLatin1(whitespaceOnly);
    if (ours.find_first_of("\t\r\n") != std::string::npos) {
        std::string spaced = ours;
        for (char& c : spaced)
            if (c == '\t' || c == '\r' || c == '\n')
                c = ' ';
        if (spaced == theirs)
            return QString::fromLatin1(attributeWhitespace);
    }
    if (ours.size() > 2 && ours.compare(0, 2, "0x") == 0 && theirs.size() > ours.size() &&
        theirs.compare(0, 2, "0x") == 0) {
        const std::size_t zeros = theirs.size() - ours.size();
        if (theirs.compare(2, zeros, std::string(zeros, '0')) == 0 &&
            theirs.compare(2 + zeros, std::string::npos, ours, 2) == 0)
            return QString::fromLatin1(paddedHex);
    }
    return {};
}

struct Diff {
    std::map<QString, std::size_t> cases;
    QStringList unexplained;
    std::size_t compared = 0;
    std::size_t identical = 0;

    void compare(const QString& file, const ReadResult& ours, const ReadResult& theirs)
    {
        // Align by EventRecordID, in order (a log's record identifiers increase).
        std::multimap<std::uint64_t, const Event*> byId;
        for (const auto& e : theirs.events)
            byId.emplace(e.origin.recordId.value_or(0), &e);
        for (const auto& e : ours.events) {
            const auto it = byId.find(e.origin.recordId.value_or(0));
            if (it == byId.end()) {
                ++cases[QString::fromLatin1(libevtxUnreadable)];
                continue;
            }
            const Event& other = *it->second;
            byId.erase(it);
            ++compared;
            compareFields(file, e, other);
        }
        for (const auto& [id, e] : byId) {
            ++cases[QString::fromLatin1(libevtxOnly)];
            unexplained << QStringLiteral("%1: record %2 read by libevtx only").arg(file).arg(id);
        }
    }

    void compareFields(const QString& file, const Event& ours, const Event& theirs)
    {
        const QStringList a = fieldLines(ours);
        const QStringList b = fieldLines(theirs);
        if (a == b) {
            ++identical;
            return;
        }
        bool explained = a.size() == b.size();
        for (std::size_t i = 0; explained && i < ours.fields.size(); ++i) {
            const auto& x = ours.fields[i];
            const auto& y = theirs.fields[i];
            if (x.name != y.name) {
                explained = false;
            } else if (ours.text(x) != theirs.text(y)) {
                const QString c = classify(std::string(ours.text(x)), std::string(theirs.text(y)));
                if (c.isEmpty())
                    explained = false;
                else
                    ++cases[c];
            }
        }
        if (!explained) {
            // The lines of each side the other does not have.
            QStringList onlyOurs, onlyTheirs;
            for (const auto& line : a)
                if (!b.contains(line))
                    onlyOurs << line.left(160);
            for (const auto& line : b)
                if (!a.contains(line))
                    onlyTheirs << line.left(160);
            unexplained << QStringLiteral("%1, record %2:\n  ours only:    %3\n  libevtx only: %4")
                               .arg(file)
                               .arg(ours.origin.recordId.value_or(0))
                               .arg(onlyOurs.join(QStringLiteral(" | ")), onlyTheirs.join(QStringLiteral(" | ")));
        }
    }

    void report() const
    {
        qInfo("%zu records compared, %zu identical", compared, identical);
        for (const auto& [name, count] : cases)
            qInfo("  %6zu  %s", count, qPrintable(name));
    }
};

ReadResult readWith(detail::EvtxDecoder decoder, const std::string& path)
{
    ReadResult r;
    detail::readEvtxFileWith(decoder, path, path, {}, r);
    return r;
}

std::vector<ev::Record> generated(std::uint64_t count)
{
    std::vector<ev::Record> records;
    for (std::uint64_t i = 1; i <= count; ++i) {
        ev::EventSpec s;
        s.recordId = i;
        s.userSid = i % 2 ? "S-1-5-18" : "";
        s.activityId = i % 3 ? "" : "{3F0C7A49-E4FD-0001-0094-0940FDE4D701}";
        s.data = {
            {"SubjectLogonId", ev::hexInt64(0x3e7 + i)},
            {"Status", ev::hexInt32(0xc000006d)},
            {"GrantedAccess", ev::hexInt32(0x1fffff)},
            {"Count", ev::uint32(std::uint32_t(i))},
            {"Delta", ev::int64(-std::int64_t(i))},
            {"Elevated", ev::boolean(i % 2)},
            {"Guid", ev::guid("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}")},
            {"When", ev::fileTime(ev::fileTimeOf(2015, 10, 9, 5, 4, 30, 9419))},
            {"Sid", ev::sid("S-1-5-21-1-2-3-500")},
            {"Blob", ev::binary({0xde, 0xad, 0xbe, 0xef})},
            {"Text", ev::string("line1\r\nline2 & <b>")},
            {"Names", ev::array({ev::string("a"), ev::string("b")})},
            {"Flags", ev::array({ev::hexInt32(1), ev::hexInt32(0x20)})},
            {"", ev::string("unnamed")},
            {"Pointer", ev::pointer64(0xe2c)},
        };
        records.push_back(ev::windowsEvent(s));
        records.back().templateGuid = {0xd1, 0xff, 0x00, 0x01, 1}; // shared, as Windows writes them
    }
    return records;
}

} // namespace

enum Damage { Intact, Truncated, BadCrc, GarbageChunk, Dirty };

class TestEvtxDiff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void generatedFiles_data()
    {
        QTest::addColumn<int>("damage");
        QTest::addRow("intact") << int(Intact);
        QTest::addRow("truncated") << int(Truncated);
        QTest::addRow("bad records CRC") << int(BadCrc);
        QTest::addRow("garbage chunk") << int(GarbageChunk);
        QTest::addRow("dirty") << int(Dirty);
    }
    void generatedFiles()
    {
        QFETCH(int, damage);
        std::string bytes = ev::writeFile(generated(1200), {damage == Dirty ? 1u : 0u});
        QVERIFY(bytes.size() > 3 * evtx::chunkSize);
        auto* chunk1 = reinterpret_cast<std::uint8_t*>(bytes.data()) + evtx::fileHeaderSize + evtx::chunkSize;
        if (damage == Truncated)
            bytes.resize(evtx::fileHeaderSize + evtx::chunkSize + 30000);
        else if (damage == BadCrc) // a changed character in a value: the records' CRC32 fails
            *std::search(chunk1 + 4000, chunk1 + evtx::chunkSize, "l\0i\0n\0e\0", "l\0i\0n\0e\0" + 8) = 'L';
        else if (damage == GarbageChunk)
            for (std::size_t i = 0; i < evtx::chunkSize; ++i)
                chunk1[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 11);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("generated.evtx")).toStdString();
        {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.data(), qint64(bytes.size()));
        }
        const ReadResult ours = readWith(detail::EvtxDecoder::Own, path);
        const ReadResult theirs = readWith(detail::EvtxDecoder::Libevtx, path);
        QVERIFY2(!ours.events.empty(), qPrintable(diagnosticsText(ours)));
        QVERIFY(ours.events.size() >= theirs.events.size());
        Diff diff;
        diff.compare(QString::fromLatin1(QTest::currentDataTag()), ours, theirs);
        diff.report();
        QVERIFY2(diff.unexplained.isEmpty(), qPrintable(diff.unexplained.mid(0, 5).join(QLatin1Char('\n'))));
        if (damage == Intact || damage == Dirty || damage == BadCrc)
            QCOMPARE(ours.events.size(), std::size_t(1200));
        if (damage == Intact)
            QCOMPARE(diff.identical, std::size_t(1200));
    }

    void sharedCorpus()
    {
        SIGMA_REQUIRE_SHARED("corpus/events");
        Diff diff;
        std::size_t files = 0, ours = 0, theirs = 0;
        QDirIterator it(sharedPathValue, {QStringLiteral("*.evtx")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const ReadResult a = readWith(detail::EvtxDecoder::Own, path.toStdString());
            const ReadResult b = readWith(detail::EvtxDecoder::Libevtx, path.toStdString());
            ++files;
            ours += a.events.size();
            theirs += b.events.size();
            QVERIFY2(!a.failed(), qPrintable(diagnosticsText(a)));
            diff.compare(path.mid(sharedPathValue.size() + 1), a, b);
        }
        qInfo("%zu files: ours %zu records, libevtx %zu", files, ours, theirs);
        for (const auto& line : diff.unexplained.mid(0, 300))
            qInfo("%s", qPrintable(line));
        diff.report();
        QVERIFY2(diff.unexplained.isEmpty(),
                 qPrintable(QStringLiteral("%1 unexplained differences:\n").arg(diff.unexplained.size()) +
                            diff.unexplained.mid(0, 200).join(QLatin1Char('\n'))));
        QVERIFY(ours >= theirs);
    }
};

QTEST_GUILESS_MAIN(TestEvtxDiff)
#include "tst_evtxdiff.moc"
