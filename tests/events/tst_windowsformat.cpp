// Windows' text for each EVTX Binary XML value type (core/events/windowsformat.h): every row is a
// value as stored in a record and the text Windows shows for it in Event XML (sources in
// docs/events.md, "Typed values").
#include "eventtestutil.h"

#include "events/windowsformat.h"

#include <QTest>

#include <cstring>
#include <optional>
#include <vector>

using namespace sigma;
using eventtest::L;

namespace {

QByteArray le(std::uint64_t v, int size)
{
    QByteArray out;
    for (int i = 0; i < size; ++i)
        out.append(char(v >> (8 * i)));
    return out;
}

QByteArray utf16(const QString& s)
{
    QByteArray out;
    for (QChar c : s)
        out += le(c.unicode(), 2);
    return out;
}

QByteArray realBytes(double d)
{
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    return le(bits, 8);
}

QByteArray real32Bytes(float f)
{
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return le(bits, 4);
}

QStringList render(int type, const QByteArray& bytes, bool* ok = nullptr)
{
    std::vector<std::string> items;
    const bool done = windows::formatValue(
        std::uint8_t(type), std::span(reinterpret_cast<const std::uint8_t*>(bytes.constData()), size_t(bytes.size())),
        items);
    if (ok)
        *ok = done;
    QStringList out;
    for (const auto& s : items)
        out << QString::fromStdString(s);
    return out;
}

/// appendScalar's text, appended after a prefix that must stay; nullopt when it declines the type.
std::optional<QString> appended(int type, const QByteArray& bytes)
{
    std::string out = "prefix:";
    if (!windows::appendScalar(
            std::uint8_t(type),
            std::span(reinterpret_cast<const std::uint8_t*>(bytes.constData()), size_t(bytes.size())), out))
        return out == "prefix:" ? std::nullopt : std::optional<QString>(QStringLiteral("(appended on refusal)"));
    if (out.rfind("prefix:", 0) != 0)
        return QStringLiteral("(prefix lost)");
    return QString::fromStdString(out.substr(7));
}

// GUID {5770385F-C22A-43E0-BF4C-06F5698FFBD9} (Sysmon's provider) as stored.
const QByteArray sysmonGuid = QByteArray::fromHex("5f387057"
                                                  "2ac2"
                                                  "e043"
                                                  "bf4c06f5698ffbd9");
// S-1-5-21-1-2-3-500 as stored.
const QByteArray sid500 = QByteArray::fromHex("010500000000000515000000010000000200000003000000f4010000");

} // namespace

class TestWindowsFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valueTypes_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("expected");
        auto row = [](const char* name, int type, const QByteArray& bytes, QStringList expected) {
            QTest::addRow("%s", name) << type << bytes << expected;
        };
        row("Null", 0x00, QByteArray(), L(""));
        row("String", 0x01, utf16(QStringLiteral("caf\u00e9 <x>")), L(QStringLiteral("caf\u00e9 <x>")));
        row("String stops at NUL", 0x01, utf16(QStringLiteral("ab")) + le(0, 2) + utf16(QStringLiteral("c")), L("ab"));
        row("String surrogate pair", 0x01, QByteArray::fromHex("3dd800de"), L(QStringLiteral("\U0001F600")));
        row("String unpaired surrogate", 0x01, QByteArray::fromHex("3dd84100"), L(QStringLiteral("\uFFFDA")));
        row("AnsiString cp1252", 0x02, QByteArray("a\x80\xe9"), L(QStringLiteral("a\u20AC\u00e9")));
        row("Int8", 0x03, le(0xFB, 1), L("-5"));
        row("UInt8", 0x04, le(200, 1), L("200"));
        row("Int16", 0x05, le(std::uint16_t(-300), 2), L("-300"));
        row("UInt16", 0x06, le(65535, 2), L("65535"));
        row("Int32", 0x07, le(std::uint32_t(-70000), 4), L("-70000"));
        row("UInt32", 0x08, le(4294967295u, 4), L("4294967295"));
        row("Int64", 0x09, le(std::uint64_t(-5000000000LL), 8), L("-5000000000"));
        row("UInt64", 0x0a, le(~0ull, 8), L("18446744073709551615"));
        row("Real32 half", 0x0b, real32Bytes(0.5f), L("0.500000"));
        row("Real64 integral", 0x0c, realBytes(2.0), L("2"));
        row("Real64 fraction", 0x0c, realBytes(3.25), L("3.250000"));
        row("Real64 negative zero", 0x0c, realBytes(-0.0), L("-0"));
        row("Real64 tiny", 0x0c, realBytes(1.5e-9), L("1.500000e-009"));
        row("Real64 infinity", 0x0c, realBytes(-INFINITY), L("-1.#INF"));
        row("Bool true", 0x0d, le(1, 4), L("true"));
        row("Bool other non-zero", 0x0d, le(2, 4), L("true"));
        row("Bool false", 0x0d, le(0, 4), L("false"));
        row("Binary", 0x0e, QByteArray::fromHex("0a1bff"), L("0A1BFF"));
        row("Binary empty", 0x0e, QByteArray(), L(""));
        row("Guid", 0x0f, sysmonGuid, L("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"));
        row("SizeT 64-bit", 0x10, le(0xe2c, 8), L("0xe2c"));
        row("SizeT 32-bit", 0x10, le(0x58, 4), L("0x58"));
        row("FileTime", 0x11, le(130888406700009419ull, 8), L("2015-10-09T05:04:30.000941900Z"));
        row("FileTime epoch", 0x11, le(0, 8), L("1601-01-01T00:00:00.000000000Z"));
        row("FileTime leap day", 0x11, le(132274080000000000ull, 8), L("2020-02-29T00:00:00.000000000Z"));
        row("SysTime", 0x12,
            le(2019, 2) + le(2, 2) + le(5, 2) + le(1, 2) + le(19, 2) + le(55, 2) + le(16, 2) + le(500, 2),
            L("2019-02-01T19:55:16.500000000Z"));
        row("Sid", 0x13, sid500, L("S-1-5-21-1-2-3-500"));
        row("Sid LocalSystem", 0x13, QByteArray::fromHex("010100000000000512000000"), L("S-1-5-18"));
        row("Sid large authority", 0x13, QByteArray::fromHex("0100010203040506"), L("S-1-0x010203040506"));
        // The cases of issue 21: Windows writes hex without padding, in lower case.
        row("HexInt32 RC4 ticket", 0x14, le(0x17, 4), L("0x17"));
        row("HexInt32 access mask", 0x14, le(0x1fffff, 4), L("0x1fffff"));
        row("HexInt32 status", 0x14, le(0xc000006d, 4), L("0xc000006d"));
        row("HexInt32 zero", 0x14, le(0, 4), L("0x0"));
        row("HexInt64 logon id", 0x15, le(0x3e7, 8), L("0x3e7"));
        row("HexInt64 keywords", 0x15, le(0x8020000000000000ull, 8), L("0x8020000000000000"));
        row("HexInt64 classic keywords", 0x15, le(0x80000000000000ull, 8), L("0x80000000000000"));
        // Arrays: one item per element (Windows repeats the element).
        row("String array", 0x81, utf16(QStringLiteral("a")) + le(0, 2) + utf16(QStringLiteral("bc")) + le(0, 2),
            L("a", "bc"));
        row("String array without last NUL", 0x81, utf16(QStringLiteral("a")) + le(0, 2) + utf16(QStringLiteral("b")),
            L("a", "b"));
        row("String array empty", 0x81, QByteArray(), L(""));
        row("UInt16 array", 0x86, le(1, 2) + le(2, 2), L("1", "2"));
        row("HexInt32 array", 0x94, le(1, 4) + le(0x20, 4), L("0x1", "0x20"));
        row("HexInt64 array", 0x95, le(0x3e7, 8), L("0x3e7"));
        row("Guid array", 0x8f, sysmonGuid + sysmonGuid,
            L("{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"));
        row("Sid array", 0x93, sid500 + QByteArray::fromHex("010100000000000512000000"),
            L("S-1-5-21-1-2-3-500", "S-1-5-18"));
        row("FileTime array", 0x91, le(0, 8) + le(130888406700009419ull, 8),
            L("1601-01-01T00:00:00.000000000Z", "2015-10-09T05:04:30.000941900Z"));
        row("SizeT array", 0x90, le(1, 8) + le(0xff, 8), L("0x1", "0xff"));
        row("Bool array", 0x8d, le(1, 4) + le(0, 4), L("true", "false"));
    }
    void valueTypes()
    {
        QFETCH(int, type);
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, expected);
        bool ok = false;
        QCOMPARE(render(type, bytes, &ok), expected);
        QVERIFY(ok);
        // The decoder's direct path for common scalars gives the same text, or declines.
        const std::optional<QString> direct = appended(type, bytes);
        if (direct) {
            QCOMPARE(expected.size(), 1);
            QCOMPARE(*direct, expected.front());
        } else {
            QVERIFY2(type & 0x80 || type == 0x01 || type == 0x02 || type == 0x0b || type == 0x0c || type == 0x0d ||
                         type == 0x0e || type == 0x10 || type == 0x12,
                     "appendScalar declined a type it handles");
        }
    }

    void notText_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addRow("BinXml") << 0x21 << QByteArray("\x0f\x01\x01\x00", 4);
        QTest::addRow("EvtHandle") << 0x20 << le(1, 8);
        QTest::addRow("unknown type") << 0x16 << le(1, 4);
        QTest::addRow("HexInt32 of 3 bytes") << 0x14 << le(1, 3);
        QTest::addRow("Guid of 15 bytes") << 0x0f << sysmonGuid.left(15);
        QTest::addRow("Sid cut short") << 0x13 << sid500.left(20);
        QTest::addRow("SizeT of 2 bytes") << 0x10 << le(1, 2);
        QTest::addRow("Binary array") << 0x8e << QByteArray("ab");
        QTest::addRow("UInt32 array with a partial item") << 0x88 << le(1, 4) + le(2, 2);
    }
    void notText()
    {
        QFETCH(int, type);
        QFETCH(QByteArray, bytes);
        bool ok = true;
        QCOMPARE(render(type, bytes, &ok), QStringList());
        QVERIFY(!ok);
        QCOMPARE(appended(type, bytes), std::optional<QString>());
    }

    void directFunctions()
    {
        QCOMPARE(QString::fromStdString(windows::formatHex(0)), QStringLiteral("0x0"));
        QCOMPARE(QString::fromStdString(windows::formatHex(0xFFFFFFFFFFFFFFFFull)),
                 QStringLiteral("0xffffffffffffffff"));
        QCOMPARE(QString::fromStdString(windows::formatSigned(INT64_MIN)), QStringLiteral("-9223372036854775808"));
        QCOMPARE(QString::fromStdString(windows::formatBool(0)), QStringLiteral("false"));
        QCOMPARE(QString::fromStdString(windows::formatReal64(NAN)), QStringLiteral("-1.#IND"));
        QCOMPARE(QString::fromStdString(windows::formatReal64(1e20)), QStringLiteral("100000000000000000000.000000"));
        QCOMPARE(QString::fromStdString(windows::formatFileTime(133541073429922301ull)),
                 QStringLiteral("2024-03-05T10:15:42.992230100Z"));
        QCOMPARE(windows::sidSize(std::span(reinterpret_cast<const std::uint8_t*>(sid500.constData()), 28)),
                 std::size_t(28));
        QCOMPARE(QString::fromStdString(windows::formatSid({})), QString());
        // A SID of no bytes: one empty item, which the direct path leaves to formatValue (it has
        // no authority to read).
        bool ok = false;
        QCOMPARE(render(0x13, QByteArray(), &ok), QStringList(QString()));
        QVERIFY(ok);
        QCOMPARE(appended(0x13, QByteArray()), std::optional<QString>());
    }
};

QTEST_GUILESS_MAIN(TestWindowsFormat)
#include "tst_windowsformat.moc"
