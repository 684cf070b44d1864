// core/util: the atomic file writer every save of the project goes through.
#include "util/civildate.h"
#include "util/fileio.h"

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
