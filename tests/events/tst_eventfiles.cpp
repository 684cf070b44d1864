// events/eventfiles: the event-file extensions and the expansion of paths into event files
// (folders searched recursively, symbolic links followed, loops detected, problems reported).
#include "events/eventfiles.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <unistd.h>

using namespace sigma;

namespace {
QString at(const QTemporaryDir& dir, const char* relative)
{
    return dir.filePath(QString::fromUtf8(relative));
}
void touch(const QString& path)
{
    QVERIFY(sigmatest::writeFile(path, "{}\n"));
}
void link(const QString& target, const QString& at)
{
    QVERIFY2(::symlink(target.toUtf8().constData(), at.toUtf8().constData()) == 0, qPrintable(at));
}
QStringList collect(const QStringList& paths, Diagnostics& d)
{
    std::vector<std::string> in;
    for (const auto& p : paths)
        in.push_back(p.toStdString());
    QStringList out;
    for (const auto& f : collectEventFiles(in, d))
        out << QString::fromStdString(f);
    return out;
}
bool hasDiagnostic(const Diagnostics& d, Severity severity, const char* code, const QString& file)
{
    return std::any_of(d.begin(), d.end(), [&](const Diagnostic& x) {
        return x.severity == severity && x.code == code && QString::fromStdString(x.file) == file;
    });
}
} // namespace

class TestEventFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void extensions_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("event");
        QTest::addRow("evtx") << QStringLiteral("Security.evtx") << true;
        QTest::addRow("xml") << QStringLiteral("a.XML") << true;
        QTest::addRow("json") << QStringLiteral("a.json") << true;
        QTest::addRow("jsonl") << QStringLiteral("a.JsonL") << true;
        QTest::addRow("ndjson") << QStringLiteral("logs/a.ndjson") << true;
        QTest::addRow("yml") << QStringLiteral("rule.yml") << false;
        QTest::addRow("bare extension") << QStringLiteral(".json") << false;
        QTest::addRow("txt") << QStringLiteral("a.json.txt") << false;
    }
    void extensions()
    {
        QFETCH(QString, name);
        QFETCH(bool, event);
        QCOMPARE(isEventFileName(name.toStdString()), event);
    }

    void patternsNameEveryExtension()
    {
        const QString patterns = QString::fromStdString(eventFilePatterns());
        QCOMPARE(patterns, QStringLiteral("*.evtx *.xml *.json *.jsonl *.ndjson"));
        QCOMPARE(static_cast<qsizetype>(eventFileExtensions().size()), patterns.split(QLatin1Char(' ')).size());
    }

    void folderSortedAndFiltered()
    {
        QTemporaryDir dir;
        touch(at(dir, "b/2.ndjson"));
        touch(at(dir, "a.evtx"));
        touch(at(dir, "b/1.json"));
        touch(at(dir, "notes.txt"));
        touch(at(dir, "rule.yml"));
        Diagnostics d;
        QCOMPARE(collect({dir.path()}, d),
                 (QStringList{at(dir, "a.evtx"), at(dir, "b/1.json"), at(dir, "b/2.ndjson")}));
        QVERIFY(d.empty());
    }

    void filesAsGiven()
    {
        // A file named explicitly is read whatever its name; order of the paths is kept, and a
        // file given twice is read twice (the user asked for it).
        QTemporaryDir dir;
        touch(at(dir, "z.log"));
        touch(at(dir, "a.xml"));
        Diagnostics d;
        QCOMPARE(collect({at(dir, "z.log"), at(dir, "a.xml"), at(dir, "z.log")}, d),
                 (QStringList{at(dir, "z.log"), at(dir, "a.xml"), at(dir, "z.log")}));
        QVERIFY(d.empty());
    }

    void missingPathIsAnError()
    {
        QTemporaryDir dir;
        touch(at(dir, "a.xml"));
        Diagnostics d;
        QCOMPARE(collect({at(dir, "nothing"), at(dir, "a.xml")}, d), QStringList{at(dir, "a.xml")});
        QVERIFY(hasErrors(d));
        QVERIFY(hasDiagnostic(d, Severity::Error, "io-error", at(dir, "nothing")));
    }

    void symlinkedFoldersAndFilesFollowed()
    {
        // Issue 18: a folder of symlinked sub-folders read 0 events.
        QTemporaryDir store;
        QTemporaryDir dir;
        touch(at(store, "sysmon/1.evtx"));
        touch(at(store, "security/2.xml"));
        touch(at(store, "single.jsonl"));
        link(at(store, "sysmon"), at(dir, "sysmon"));
        link(at(store, "security"), at(dir, "security"));
        link(at(store, "single.jsonl"), at(dir, "single.jsonl"));
        Diagnostics d;
        QCOMPARE(collect({dir.path()}, d),
                 (QStringList{at(dir, "security/2.xml"), at(dir, "single.jsonl"), at(dir, "sysmon/1.evtx")}));
        QVERIFY(d.empty());
    }

    void loopsDetected()
    {
        QTemporaryDir dir;
        touch(at(dir, "a/1.xml"));
        link(at(dir, "a"), at(dir, "a/back"));                 // a/back -> a
        link(QStringLiteral(".."), at(dir, "a/up"));           // a/up -> the root
        link(QStringLiteral("self.xml"), at(dir, "self.xml")); // a link to itself
        Diagnostics d;
        QCOMPARE(collect({dir.path()}, d), QStringList{at(dir, "a/1.xml")});
        QVERIFY(!hasErrors(d));
        QVERIFY(hasDiagnostic(d, Severity::Warning, "symlink-loop", at(dir, "a/back")));
        QVERIFY(hasDiagnostic(d, Severity::Warning, "symlink-loop", at(dir, "a/up")));
        QVERIFY(hasDiagnostic(d, Severity::Warning, "broken-link", at(dir, "self.xml")));
    }

    void sameFolderTwiceListedOnce()
    {
        // Two links to one folder (no loop): its files are read once.
        QTemporaryDir store;
        QTemporaryDir dir;
        touch(at(store, "logs/1.xml"));
        link(at(store, "logs"), at(dir, "x"));
        link(at(store, "logs"), at(dir, "y"));
        Diagnostics d;
        QCOMPARE(collect({dir.path()}, d), QStringList{at(dir, "x/1.xml")});
        QVERIFY(d.empty());
    }
};

QTEST_GUILESS_MAIN(TestEventFiles)
#include "tst_eventfiles.moc"
