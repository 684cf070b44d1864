// core/util: the atomic file writer every save of the project goes through.
#include "util/fileio.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

class TestUtil : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
