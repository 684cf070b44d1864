// core/util: the atomic file writer every save of the project goes through; calendar dates and the
// ISO 8601 digit fields; UTF-8 decoding and encoding.
#include "util/asciitext.h"
#include "util/civildate.h"
#include "util/crc32.h"
#include "util/fileio.h"
#include "util/utf8.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

class TestUtil : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Known dates (hand-checked: leap days, century rules, before 1970) and a round trip over
    // every day from 1600 to 2400 against a day-by-day walk of the calendar.
    void civilDate_data()
    {
        QTest::addColumn<qint64>("days");
        QTest::addColumn<qint64>("year");
        QTest::addColumn<uint>("month");
        QTest::addColumn<uint>("day");
        QTest::newRow("epoch") << qint64(0) << qint64(1970) << 1u << 1u;
        QTest::newRow("day before epoch") << qint64(-1) << qint64(1969) << 12u << 31u;
        QTest::newRow("2000-02-29 (leap: divisible by 400)") << qint64(11016) << qint64(2000) << 2u << 29u;
        QTest::newRow("2000-03-01") << qint64(11017) << qint64(2000) << 3u << 1u;
        QTest::newRow("1900-03-01 (1900 not leap)") << qint64(-25508) << qint64(1900) << 3u << 1u;
        QTest::newRow("2026-12-02") << qint64(20789) << qint64(2026) << 12u << 2u;
        QTest::newRow("1601-01-01 (FILETIME epoch)") << qint64(-134774) << qint64(1601) << 1u << 1u;
    }
    void civilDate()
    {
        QFETCH(qint64, days);
        QFETCH(qint64, year);
        QFETCH(uint, month);
        QFETCH(uint, day);
        const sigma::CivilDate d = sigma::civilFromDays(days);
        QCOMPARE(qint64(d.year), year);
        QCOMPARE(d.month, month);
        QCOMPARE(d.day, day);
        QCOMPARE(qint64(sigma::daysFromCivil(year, month, day)), days);
    }
    void civilDateWalk()
    {
        const auto leap = [](std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
        const unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        std::int64_t days = sigma::daysFromCivil(1600, 1, 1);
        for (std::int64_t y = 1600; y < 2400; ++y)
            for (unsigned m = 1; m <= 12; ++m)
                for (unsigned d = 1; d <= lengths[m - 1] + (m == 2 && leap(y) ? 1 : 0); ++d, ++days) {
                    const sigma::CivilDate c = sigma::civilFromDays(days);
                    if (c.year != y || c.month != m || c.day != d || sigma::daysFromCivil(y, m, d) != days)
                        QFAIL(qPrintable(QStringLiteral("day %1 is not %2-%3-%4").arg(days).arg(y).arg(m).arg(d)));
                }
    }
    void digitsAt_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("pos");
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("value");
        QTest::newRow("year") << QStringLiteral("2024-03-05") << 0 << 4 << true << 2024;
        QTest::newRow("month with a leading zero") << QStringLiteral("2024-03-05") << 5 << 2 << true << 3;
        QTest::newRow("a dash is no digit") << QStringLiteral("2024-03-05") << 3 << 2 << false << 0;
        QTest::newRow("past the end") << QStringLiteral("2024-03-0") << 8 << 2 << false << 0;
        QTest::newRow("a sign is no digit") << QStringLiteral("+1") << 0 << 2 << false << 0;
    }
    void digitsAt()
    {
        QFETCH(QString, text);
        QFETCH(int, pos);
        QFETCH(int, count);
        QFETCH(bool, ok);
        QFETCH(int, value);
        const std::string s = text.toStdString();
        int out = -1;
        QCOMPARE(sigma::digitsAt(s, std::size_t(pos), std::size_t(count), out), ok);
        if (ok)
            QCOMPARE(out, value);
    }

    // Each sequence decoded from its start: the code point, how many bytes it took and whether it
    // is valid UTF-8 (an invalid one decodes as its first byte alone).
    // ASCII letters match whatever their case; nothing else does: bytes that differ in the case bit
    // alone but are not letters ('@' and '`', '[' and '{', UTF-8 continuation bytes of é and É).
    void asciiEqualsIgnoringCase_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("Microsoft-Windows-Sysmon") << QByteArray("Microsoft-Windows-Sysmon")
                              << true;
        QTest::newRow("case") << QByteArray("Microsoft-Windows-Sysmon") << QByteArray("MICROSOFT-windows-SYSMON")
                              << true;
        QTest::newRow("empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("length") << QByteArray("Security") << QByteArray("Securit") << false;
        QTest::newRow("letters") << QByteArray("abc") << QByteArray("abd") << false;
        QTest::newRow("at and backtick") << QByteArray("a@") << QByteArray("a`") << false;
        QTest::newRow("brackets") << QByteArray("[") << QByteArray("{") << false;
        QTest::newRow("caret and tilde") << QByteArray("^") << QByteArray("~") << false;
        QTest::newRow("e acute") << QByteArray("\xc3\xa9") << QByteArray("\xc3\x89") << false;
        QTest::newRow("digits") << QByteArray("1") << QByteArray("\x11") << false;
    }

    void asciiEqualsIgnoringCase()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        const std::string_view x(a.constData(), std::size_t(a.size()));
        const std::string_view y(b.constData(), std::size_t(b.size()));
        QCOMPARE(sigma::asciiEqualsIgnoringCase(x, y), equal);
        QCOMPARE(sigma::asciiEqualsIgnoringCase(y, x), equal);
        QCOMPARE(sigma::asciiEqualsIgnoringCase(x, y), sigma::asciiLowered(x) == sigma::asciiLowered(y));
    }

    void utf8Decode_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<uint>("codePoint");
        QTest::addColumn<int>("length");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ASCII") << QByteArray("A") << 0x41u << 1 << true;
        QTest::newRow("two bytes (e acute)") << QByteArray("\xC3\xA9") << 0xE9u << 2 << true;
        QTest::newRow("three bytes (euro)") << QByteArray("\xE2\x82\xAC") << 0x20ACu << 3 << true;
        QTest::newRow("four bytes (U+1F600)") << QByteArray("\xF0\x9F\x98\x80") << 0x1F600u << 4 << true;
        QTest::newRow("overlong '/'") << QByteArray("\xC0\xAF") << 0xC0u << 1 << false;
        QTest::newRow("overlong three bytes") << QByteArray("\xE0\x80\xAF") << 0xE0u << 1 << false;
        QTest::newRow("surrogate U+D800") << QByteArray("\xED\xA0\x80") << 0xEDu << 1 << false;
        QTest::newRow("past U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0xF4u << 1 << false;
        QTest::newRow("truncated") << QByteArray("\xE2\x82") << 0xE2u << 1 << false;
        QTest::newRow("lone continuation byte") << QByteArray("\x80") << 0x80u << 1 << false;
    }
    void utf8Decode()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(uint, codePoint);
        QFETCH(int, length);
        QFETCH(bool, valid);
        const std::string_view text(bytes.constData(), std::size_t(bytes.size()));
        std::size_t pos = 0;
        bool ok = true;
        QCOMPARE(uint(sigma::decodeUtf8(text, pos, &ok)), codePoint);
        QCOMPARE(int(pos), length);
        QCOMPARE(ok, valid);
        QCOMPARE(sigma::isValidUtf8(text), valid);
        if (valid) { // and back
            std::string out;
            sigma::appendUtf8(char32_t(codePoint), out);
            QCOMPARE(QByteArray::fromStdString(out), bytes);
        }
    }

    void crc32KnownValues_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<quint32>("expected");
        QTest::newRow("empty") << QByteArray() << quint32(0);
        QTest::newRow("check value") << QByteArray("123456789") << quint32(0xCBF43926);
        QTest::newRow("64 zero bytes (folded)") << QByteArray(64, '\0') << quint32(0x758D6336);
        QTest::newRow("fox, 4 times (folded + tail)")
            << QByteArray("The quick brown fox jumps over the lazy dog").repeated(4) << quint32(0x60AC3865);
    }

    void crc32KnownValues()
    {
        QFETCH(QByteArray, data);
        QFETCH(quint32, expected);
        QCOMPARE(sigma::crc32(data.constData(), std::size_t(data.size())), expected);
        QCOMPARE(sigma::crc32Reference(data.constData(), std::size_t(data.size())), expected);
    }

    void crc32MatchesZlib()
    {
        // Every length from 0 to 1,100 bytes (folded lanes, single lanes, tails), at every
        // alignment, continuing a previous value: the folding gives zlib's result.
        std::vector<std::uint8_t> bytes(1200);
        std::uint32_t seed = 12345;
        for (auto& b : bytes) {
            seed = seed * 1103515245u + 12345u;
            b = static_cast<std::uint8_t>(seed >> 16);
        }
        for (std::size_t size = 0; size <= 1100; ++size) {
            for (std::size_t at : {std::size_t(0), std::size_t(1), std::size_t(7), std::size_t(13)}) {
                const std::uint32_t previous = static_cast<std::uint32_t>(size * 2654435761u);
                const auto* p = bytes.data() + at;
                if (sigma::crc32(p, size, previous) != sigma::crc32Reference(p, size, previous))
                    QFAIL(qPrintable(QStringLiteral("size %1 at %2").arg(size).arg(at)));
            }
        }
        // A 64 KiB chunk in two pieces = in one.
        std::vector<std::uint8_t> chunk(65536);
        for (std::size_t i = 0; i < chunk.size(); ++i)
            chunk[i] = static_cast<std::uint8_t>(i * 31 + (i >> 8));
        const std::uint32_t whole = sigma::crc32(chunk.data(), chunk.size());
        QCOMPARE(whole, sigma::crc32Reference(chunk.data(), chunk.size()));
        QCOMPARE(sigma::crc32(chunk.data() + 1000, chunk.size() - 1000, sigma::crc32(chunk.data(), 1000)), whole);
    }

    void writeAndReadBack()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("a.yml")).toStdString();
        std::string error;
        const std::string data("first\0with nul", 14);
        QVERIFY2(sigma::writeFileAtomically(path, data, error), error.c_str());
        std::string back;
        QVERIFY(sigma::readWholeFile(path, back, error));
        QCOMPARE(back, data);
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp-sigmawb")));
    }

    void replaceKeepsPermissions()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("rule.yml")).toStdString();
        std::string error;
        QVERIFY(sigma::writeFileAtomically(path, "old", error));
        QVERIFY(::chmod(path.c_str(), 0600) == 0);
        QVERIFY(sigma::writeFileAtomically(path, "new", error));
        std::string back;
        QVERIFY(sigma::readWholeFile(path, back, error));
        QCOMPARE(back, std::string("new"));
        struct stat st {};
        QVERIFY(::stat(path.c_str(), &st) == 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
    }

    void failedWriteLeavesTheOldFile()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("keep.yml"));
        std::string error;
        QVERIFY(sigma::writeFileAtomically(target.toStdString(), "precious", error));
        // The temporary name is taken by a folder: the write fails before touching the target.
        QVERIFY(QDir().mkpath(target + QStringLiteral(".tmp-sigmawb")));
        QVERIFY(!sigma::writeFileAtomically(target.toStdString(), "half", error));
        QVERIFY2(error.find(target.toStdString()) != std::string::npos, error.c_str());
        std::string back;
        QVERIFY(sigma::readWholeFile(target.toStdString(), back, error));
        QCOMPARE(back, std::string("precious"));
    }

    void foldersOnlyWhenAsked()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("x/y/z.xml")).toStdString();
        std::string error;
        QVERIFY(!sigma::writeFileAtomically(path, "a", error));
        QVERIFY2(error.find("x/y/z.xml") != std::string::npos, error.c_str());
        QVERIFY(sigma::writeFileAtomically(path, "a", error, true));
        QVERIFY(QFile::exists(QString::fromStdString(path)));
    }

    void readMissingFileSaysWhy()
    {
        std::string out, error;
        QVERIFY(!sigma::readWholeFile("/nonexistent/file.yml", out, error));
        QCOMPARE(error, std::string("No such file or directory"));
    }
};

QTEST_GUILESS_MAIN(TestUtil)
#include "tst_util.moc"
