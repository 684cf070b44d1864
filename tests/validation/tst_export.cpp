// Export of a validated rule: the ZIP writer (read back by unzip / Python's zipfile), the plan
// (files, report, refusals), writing to a folder or a zip, and `sigmawb export`.
#include "testsupport.h"

#include "util/crc32.h"
#include "validation/export.h"
#include "validation/manifest.h"
#include "validation/zip.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sigma;

namespace {

std::string data(const char* relative)
{
    return sigmatest::dataPath(QString::fromUtf8(relative)).toStdString();
}

const ExportFile* findFile(const ExportPlan& plan, const std::string& name)
{
    for (const auto& f : plan.files)
        if (f.name == name)
            return &f;
    return nullptr;
}

/// Lists a zip with an independent reader: Python's zipfile (testzip checks every CRC), else unzip.
/// Returns "name size" of each entry, one per line, or a null string when neither tool is there.
QString listZip(const QString& path, QString* problem)
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    QProcess p;
    if (!python.isEmpty()) {
        p.start(python, {QStringLiteral("-c"),
                         QStringLiteral("import sys, zipfile\n"
                                        "z = zipfile.ZipFile(sys.argv[1])\n"
                                        "bad = z.testzip()\n"
                                        "assert bad is None, 'bad CRC in ' + str(bad)\n"
                                        "print('\\n'.join(n + ' ' + str(len(z.read(n))) for n in z.namelist()))\n"),
                         path});
    } else {
        const QString unzip = QStandardPaths::findExecutable(QStringLiteral("unzip"));
        if (unzip.isEmpty())
            return QString();
        p.start(unzip, {QStringLiteral("-Zl"), path}); // names with sizes, reformatted below
        p.waitForFinished(60000);
        QStringList lines;
        for (const QString& line : QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'))) {
            const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (f.size() >= 10 && f[0].startsWith(QLatin1Char('-')))
                lines << f.mid(9).join(QLatin1Char(' ')) + QLatin1Char(' ') + f[3];
        }
        return lines.join(QLatin1Char('\n'));
    }
    p.waitForFinished(60000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        *problem = QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void crc32KnownValues_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<uint>("crc");
        QTest::addRow("empty") << QByteArray() << 0u;
        QTest::addRow("check value") << QByteArray("123456789") << 0xCBF43926u;
        QTest::addRow("fox") << QByteArray("The quick brown fox jumps over the lazy dog") << 0x414FA339u;
    }
    void crc32KnownValues()
    {
        QFETCH(QByteArray, input);
        QFETCH(uint, crc);
        QCOMPARE(uint(crc32(input.toStdString())), crc);
        // Incremental use gives the same value.
        const std::string s = input.toStdString();
        const std::size_t half = s.size() / 2;
        QCOMPARE(uint(crc32(s.substr(half), crc32(s.substr(0, half)))), crc);
    }

    void zipReadBack()
    {
        ZipWriter zip;
        QVERIFY(zip.add("rule.yml", "title: x\n"));
        QVERIFY(zip.add("tests/rule/events.xml", std::string(100000, 'e')));
        QVERIFY(zip.add("tests/rule/\xC3\xA9v\xC3\xA9nements.xml", "<Events/>"));
        QVERIFY(zip.add("empty.txt", ""));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.zip"));
        QVERIFY2(zip.write(path.toStdString()), zip.error().c_str());
        QString problem;
        const QString names = listZip(path, &problem);
        if (names.isNull())
            QSKIP("neither python3 nor unzip is installed to read the zip back");
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(names.split(QLatin1Char('\n')),
                 (QStringList{QStringLiteral("rule.yml 9"), QStringLiteral("tests/rule/events.xml 100000"),
                              QStringLiteral("tests/rule/événements.xml 9"), QStringLiteral("empty.txt 0")}));
        // Entries are deflated: 100,000 equal bytes take far less room than stored.
        const QByteArray bytes = sigmatest::readFile(path);
        QVERIFY(bytes.startsWith("PK\x03\x04"));
        QVERIFY2(bytes.size() < 4000, QByteArray::number(bytes.size()).constData());
        QCOMPARE(bytes.size(), qsizetype(zip.bytes().size()));
    }

    void zipRejectsBadNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("empty") << QString();
        QTest::addRow("absolute") << QStringLiteral("/etc/passwd");
        QTest::addRow("parent") << QStringLiteral("../x.yml");
        QTest::addRow("inner parent") << QStringLiteral("a/../../x.yml");
        QTest::addRow("backslash") << QStringLiteral("a\\b.yml");
        QTest::addRow("empty part") << QStringLiteral("a//b.yml");
    }
    void zipRejectsBadNames()
    {
        QFETCH(QString, name);
        ZipWriter zip;
        QVERIFY(!zip.add(name.toStdString(), "x"));
        QVERIFY(!zip.error().empty());
        QCOMPARE(zip.size(), std::size_t(0));
    }

    void zipRejectsDuplicates()
    {
        ZipWriter zip;
        QVERIFY(zip.add("a.yml", "1"));
        QVERIFY(!zip.add("a.yml", "2"));
        QVERIFY(zip.error().find("duplicate") != std::string::npos);
    }

    void planOfAValidatedRule()
    {
        const ExportPlan plan = planExport(data("validation/pass/whoami.yml"));
        QVERIFY2(plan.refusals.empty(), plan.refusals.empty() ? "" : plan.refusals.front().c_str());
        QCOMPARE(plan.title, std::string("Whoami Started From a Command Shell"));
        QCOMPARE(plan.lintErrors, std::size_t(0));
        QCOMPARE(plan.testTotals.tests, std::size_t(6));
        QCOMPARE(plan.testTotals.passed, std::size_t(6));

        // The rule exactly as written.
        const ExportFile* rule = findFile(plan, "whoami.yml");
        QVERIFY(rule);
        QCOMPARE(QByteArray::fromStdString(rule->data),
                 sigmatest::readFile(sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml"))));
        // Each event file once, under tests/<rule>/.
        QVERIFY(findFile(plan, "tests/whoami/positive.xml"));
        QVERIFY(findFile(plan, "tests/whoami/mixed.xml"));
        QVERIFY(findFile(plan, "tests/whoami/benign.xml"));
        QVERIFY(findFile(plan, "tests/whoami/baseline.xml"));
        QCOMPARE(plan.files.size(), std::size_t(7)); // rule, 4 event files, manifest, report
        // The manifest points into the export.
        const ExportFile* manifest = findFile(plan, "whoami.tests.yml");
        QVERIFY(manifest);
        const TestManifest m = parseManifestText(manifest->data, "/export/whoami.tests.yml");
        QVERIFY(m.ok());
        QCOMPARE(m.rules.front().rule, std::string("whoami.yml"));
        QCOMPARE(m.rules.front().expectations[0].file, std::string("tests/whoami/positive.xml"));
        QVERIFY(m.rules.front().expectations[3].embedded());

        // Noise: Image|endswith '\whoami.exe' alone hits 402 and 404 of the baseline; the rule hits 1.
        QCOMPARE(plan.baselineEvents, std::size_t(5));
        QCOMPARE(plan.baselineEventsRead, std::size_t(5));
        QCOMPARE(plan.baselineRuleHits, std::size_t(1));
        const auto image = std::find_if(plan.noise.begin(), plan.noise.end(), [](const IndicatorNoise& n) {
            return n.indicator.find("whoami.exe") != std::string::npos;
        });
        QVERIFY(image != plan.noise.end());
        QCOMPARE(image->baselineHits, std::size_t(2));
        QCOMPARE(image->line, 17);
        QVERIFY(!image->excluded);
        const auto filter = std::find_if(plan.noise.begin(), plan.noise.end(), [](const IndicatorNoise& n) {
            return n.indicator.find("SYSTEM") != std::string::npos;
        });
        QVERIFY(filter != plan.noise.end());
        QVERIFY(filter->excluded);
        QVERIFY(!filter->reach); // no corpus given

        const QString report = QString::fromStdString(plan.report);
        QVERIFY2(report.contains(QLatin1String("**ready**")), qPrintable(report));
        QVERIFY(report.contains(QLatin1String("## Lint")));
        QVERIFY(report.contains(QLatin1String("6 test(s): 6 passed, 0 failed, 0 error(s).")));
        QVERIFY(report.contains(QLatin1String("## Indicator noise")));
        QVERIFY(report.contains(QLatin1String("corpus reach is not reported")));
    }

    void exportedFolderTestsItself()
    {
        const ExportPlan plan = planExport(data("validation/pass/whoami.yml"));
        QTemporaryDir dir;
        const std::string dest = dir.filePath(QStringLiteral("bundle")).toStdString();
        const ExportResult r = writeExport(plan, dest, false);
        QVERIFY2(r.written, r.error.c_str());
        QVERIFY(!r.forced);
        QCOMPARE(r.files.size(), plan.files.size());
        QVERIFY(QFileInfo::exists(QString::fromStdString(dest + "/REPORT.md")));
        // The bundle is self-contained: its tests run and pass where it was written.
        const auto found = discoverTests({dest});
        QCOMPARE(found.groups.size(), std::size_t(1));
        const auto result = runRuleTests(found.groups.front());
        QVERIFY2(result.passed(), formatText({result}).c_str());
    }

    void refusedWhileTestsFail()
    {
        const ExportPlan plan = planExport(data("validation/fail/whoami_broad.yml"));
        QCOMPARE(plan.refusals.size(), std::size_t(1));
        QVERIFY2(plan.refusals.front().find("4 failing test(s)") != std::string::npos, plan.refusals.front().c_str());
        QVERIFY(plan.report.find("**not validated**") != std::string::npos);
        QTemporaryDir dir;
        const std::string dest = dir.filePath(QStringLiteral("broad.zip")).toStdString();
        const ExportResult refused = writeExport(plan, dest, false);
        QVERIFY(!refused.written);
        QCOMPARE(refused.refusals, plan.refusals);
        QVERIFY(!QFileInfo::exists(QString::fromStdString(dest)));

        const ExportResult forced = writeExport(plan, dest, true);
        QVERIFY2(forced.written, forced.error.c_str());
        QVERIFY(forced.forced);
        QString problem;
        const QString names = listZip(QString::fromStdString(dest), &problem);
        if (!names.isNull()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QVERIFY(names.contains(QStringLiteral("\nwhoami_broad.tests.yml ")) ||
                    names.startsWith(QStringLiteral("whoami_broad.tests.yml ")));
            QVERIFY(names.contains(QStringLiteral("REPORT.md ")));
        }
    }

    void refusedWithoutTests()
    {
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("lonely.yml"));
        QVERIFY(QFile::copy(sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")), rule));
        const ExportPlan plan = planExport(rule.toStdString());
        QCOMPARE(plan.refusals.size(), std::size_t(1));
        QVERIFY2(plan.refusals.front().find("no tests") != std::string::npos, plan.refusals.front().c_str());
    }

    void refusedWithLintErrors()
    {
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("whoami.yml"));
        QByteArray text = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")));
        text.replace("condition: selection and parent and not filter_system", "condition: selection and (parent");
        QFile f(rule);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        const ExportPlan plan = planExport(rule.toStdString());
        QVERIFY(plan.lintErrors > 0);
        QVERIFY(!plan.refusals.empty());
        QVERIFY2(plan.refusals.front().find("lint error(s) remain") != std::string::npos,
                 plan.refusals.front().c_str());
    }

    void cliExport()
    {
        QTemporaryDir dir;
        const QString zip = dir.filePath(QStringLiteral("whoami.zip"));
        auto r = sigmatest::runSigmawb({QStringLiteral("export"),
                                        sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")),
                                        QStringLiteral("--to"), zip});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("REPORT.md"));
        QString problem;
        const QString names = listZip(zip, &problem);
        if (!names.isNull()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            QCOMPARE(names.split(QLatin1Char('\n')).size(), 7);
        }

        const QString refusedZip = dir.filePath(QStringLiteral("broad.zip"));
        r = sigmatest::runSigmawb({QStringLiteral("export"),
                                   sigmatest::dataPath(QStringLiteral("validation/fail/whoami_broad.yml")),
                                   QStringLiteral("--to"), refusedZip});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("refused") && r.err.contains("failing test(s)") && r.err.contains("--force"),
                 r.err.constData());
        QVERIFY(!QFileInfo::exists(refusedZip));

        r = sigmatest::runSigmawb({QStringLiteral("export"),
                                   sigmatest::dataPath(QStringLiteral("validation/fail/whoami_broad.yml")),
                                   QStringLiteral("--to"), refusedZip, QStringLiteral("--force")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.contains("exported despite"));
        QVERIFY(QFileInfo::exists(refusedZip));

        r = sigmatest::runSigmawb({QStringLiteral("export"), QStringLiteral("/nowhere/rule.yml"),
                                   QStringLiteral("--to"), dir.filePath(QStringLiteral("x"))});
        QCOMPARE(r.exitCode, 2);
        r = sigmatest::runSigmawb(
            {QStringLiteral("export"), sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml"))});
        QCOMPARE(r.exitCode, 2); // --to is required
    }

    void cliExportWithCorpusReach()
    {
        // Corpus reach: the fixture folder itself as a small corpus (three whoami rules share the
        // Image|endswith '\whoami.exe' indicator).
        QTemporaryDir dir;
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("export"), sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")),
             QStringLiteral("--to"), dir.filePath(QStringLiteral("b")), QStringLiteral("--corpus"),
             sigmatest::dataPath(QStringLiteral("validation")), QStringLiteral("--report")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("corpus reach |"), r.out.constData());
        QVERIFY2(r.out.contains("whoami.exe'` | selection | 2 | 4 |"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
