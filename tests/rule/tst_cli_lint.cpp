// `sigmawb lint`: text and JSON output, folders, exit codes 0/1/2.
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCliLint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanFileExitsZero()
    {
        const auto path = sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml"));
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray());
        QVERIFY2(r.err.contains("1 file, 0 errors, 0 warnings"), r.err.constData());
    }

    void textIsCompilerStyle()
    {
        const auto path = sigmatest::dataPath(QStringLiteral("rule/diagnostics/unknown_modifier.yml"));
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), path});
        QCOMPARE(r.exitCode, 1);
        const auto lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], path + QStringLiteral(":17:15: error: unknown modifier 'endwith'; did you mean 'endswith'? "
                                                 "[unknown-modifier]"));
        QVERIFY(lines[1].startsWith(path + QStringLiteral(":18:21: error: unknown modifier 'contians'")));
    }

    void jsonOutput()
    {
        const auto dir = sigmatest::dataPath(QStringLiteral("rule/lintset"));
        const auto r =
            sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--format"), QStringLiteral("json"), dir});
        QCOMPARE(r.exitCode, 1);
        QJsonParseError err;
        const auto doc = QJsonDocument::fromJson(r.out, &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        const auto o = doc.object();
        QCOMPARE(o.value(QStringLiteral("files")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("errors")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("warnings")).toInt(), 2);
        const auto ds = o.value(QStringLiteral("diagnostics")).toArray();
        QCOMPARE(ds.size(), 4);
        const auto first = ds[0].toObject();
        QCOMPARE(first.value(QStringLiteral("file")).toString(), QDir(dir).filePath(QStringLiteral("rule_one.yml")));
        QCOMPARE(first.value(QStringLiteral("line")).toInt(), 1);
        QCOMPARE(first.value(QStringLiteral("column")).toInt(), 8);
        QCOMPARE(first.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(first.value(QStringLiteral("code")).toString(), QStringLiteral("duplicate-title"));
        QVERIFY(first.value(QStringLiteral("message")).toString().contains(QStringLiteral("rule_two.yml")));
        QCOMPARE(ds[1].toObject().value(QStringLiteral("code")).toString(), QStringLiteral("duplicate-id"));
        QCOMPARE(ds[1].toObject().value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
    }

    void foldersAreRecursiveYmlAndYaml()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const auto clean = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml")));
        QDir(tmp.path()).mkpath(QStringLiteral("a/b"));
        auto write = [&](const QString& rel, const QByteArray& data) {
            QFile f(tmp.filePath(rel));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(data);
        };
        write(QStringLiteral("a/b/deep_rule.yaml"), clean);
        write(QStringLiteral("a/top_rule.yml"),
              QByteArray(clean).replace("5f1f0c3e", "6f1f0c3e").replace("Fixture Rule", "Other Rule"));
        write(QStringLiteral("a/notes.txt"), "not: [a rule");
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--format=json"), tmp.path()});
        QCOMPARE(r.exitCode, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("files")).toInt(), 2);
        QCOMPARE(o.value(QStringLiteral("errors")).toInt(), 0);
        const auto ds = o.value(QStringLiteral("diagnostics")).toArray();
        QCOMPARE(ds.size(), 1); // SigmaHQ names rule files *.yml
        QCOMPARE(ds[0].toObject().value(QStringLiteral("code")).toString(), QStringLiteral("filename-convention"));
        QVERIFY(
            ds[0].toObject().value(QStringLiteral("file")).toString().endsWith(QStringLiteral("a/b/deep_rule.yaml")));
    }

    void warningsOnlyExitZero()
    {
        const auto path = sigmatest::dataPath(QStringLiteral("rule/lint/value_misuse.yml"));
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), path});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(
            r.out.contains(":24:20: warning: '4688' is quoted: write the number without quotes [number-as-string]"));
    }

    void disableAndNoSigmahq()
    {
        const auto path = sigmatest::dataPath(QStringLiteral("rule/lint/metadata_missing.yml"));
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--no-sigmahq"),
                                              QStringLiteral("--disable"), QStringLiteral("missing-id"), path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out).trimmed(),
                 path + QStringLiteral(":1:1: warning: no 'level' [missing-level]"));
    }

    void fieldsCheckedAgainstTheEventCatalog()
    {
        QTemporaryDir tmp;
        const auto clean = sigmatest::readFile(sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml")));
        QFile f(tmp.filePath(QStringLiteral("file_rule.yml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(clean)
                    .replace("process_creation", "file_event")
                    .replace("Image|endswith", "CommandLine|endswith"));
        f.close();
        auto r = sigmatest::runSigmawb({QStringLiteral("lint"), f.fileName()});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out).trimmed(),
                 f.fileName() +
                     QStringLiteral(":17:9: warning: the event catalog has no field 'CommandLine' for this log "
                                    "source [field-unknown-for-logsource]"));
        r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--no-catalog"), f.fileName()});
        QCOMPARE(r.out, QByteArray());
    }

    void listChecks()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--list-checks")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("unknown-modifier\terror\tparser\t"));
        QVERIFY(r.out.contains("attack-unknown-technique\twarning\tlint\t"));
    }

    void usageAndIoErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no path") << QStringList{QStringLiteral("lint")};
        QTest::newRow("bad format") << QStringList{
            QStringLiteral("lint"), QStringLiteral("--format"), QStringLiteral("xml"),
            sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml"))};
        QTest::newRow("missing file") << QStringList{QStringLiteral("lint"), QStringLiteral("/nonexistent/rule.yml")};
        QTest::newRow("missing file among good ones") << QStringList{
            QStringLiteral("lint"), sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml")),
            QStringLiteral("/nonexistent/rule.yml")};
    }
    void usageAndIoErrors()
    {
        QFETCH(QStringList, args);
        const auto r = sigmatest::runSigmawb(args);
        QCOMPARE(r.exitCode, 2);
    }

    void ioErrorIsReported()
    {
        const auto r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("/nonexistent/rule.yml")});
        QVERIFY2(r.out.startsWith("/nonexistent/rule.yml: error: no such file or folder [io-error]"),
                 r.out.constData());
    }

    void sigmahqSnapshot()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules");
        const auto r = sigmatest::runSigmawb(
            {QStringLiteral("lint"), QStringLiteral("--format"), QStringLiteral("json"), sharedPathValue});
        QCOMPARE(r.exitCode, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value(QStringLiteral("files")).toInt() > 3000);
        QCOMPARE(o.value(QStringLiteral("errors")).toInt(), 0);
    }

    void fixDryRunThenWrite()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString file = tmp.filePath(QStringLiteral("wildcard_endswith.yml"));
        const QByteArray original =
            sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/wildcard_endswith.yml")));
        QVERIFY(sigmatest::writeFile(file, original));
        auto r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--fix"), QStringLiteral("--dry-run"),
                                        QStringLiteral("--disable"), QStringLiteral("missing-id"),
                                        QStringLiteral("--disable"), QStringLiteral("title-case"), file});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(
            r.out.contains("-        Image: '*\\cmd.exe' # keep me\n+        Image|endswith: '\\cmd.exe' # keep me\n"),
            r.out.constData());
        // An absolute path stays as it is (git's a/ b/ only before relative ones: "a//tmp/..." before).
        QVERIFY2(
            r.out.startsWith(QByteArray("--- " + file.toUtf8() + "\n+++ " + file.toUtf8() + "\n@@ -10,7 +10,7 @@\n")),
            r.out.constData());
        QVERIFY2(r.err.contains("1 fix in 1 file (dry run: nothing written)"), r.err.constData());
        QCOMPARE(sigmatest::readFile(file), original);
        r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--fix"), QStringLiteral("--disable"),
                                   QStringLiteral("title-case"), file});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(sigmatest::readFile(file),
                 sigmatest::readFile(sigmatest::dataPath(QStringLiteral("lintfix/wildcard_endswith.fixed.yml"))));
        r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--fix"), QStringLiteral("--disable"),
                                   QStringLiteral("title-case"), file});
        QVERIFY2(r.err.contains("0 fixes in 0 files"), r.err.constData());
        QVERIFY(!r.out.contains("+++"));
        // --dry-run alone is a usage error
        r = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--dry-run"), file});
        QCOMPARE(r.exitCode, 2);
    }

    void fixSigmahqCopyIsIdempotent()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString copy = tmp.filePath(QStringLiteral("sigmahq"));
        QProcess cp;
        cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), sharedPathValue, copy});
        QVERIFY(cp.waitForFinished(120000) && cp.exitCode() == 0);
        const auto errorsOf = [](const QByteArray& err) {
            static const QRegularExpression re(QStringLiteral("(\\d+) files, (\\d+) errors?"));
            const auto m = re.match(QString::fromUtf8(err));
            return m.hasMatch() ? m.captured(2).toInt() : -1;
        };
        const auto before = sigmatest::runSigmawb({QStringLiteral("lint"), copy});
        const auto first = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--fix"), copy});
        static const QRegularExpression counts(QStringLiteral("(\\d+) fix(?:es)? in (\\d+) files?"));
        const auto m = counts.match(QString::fromUtf8(first.err));
        QVERIFY2(m.hasMatch(), first.err.constData());
        qInfo("lint --fix over a copy of SigmaHQ: %s fixes in %s files", qPrintable(m.captured(1)),
              qPrintable(m.captured(2)));
        QVERIFY(m.captured(1).toInt() > 0);
        // no error introduced: the errors after the fix are those before it
        QVERIFY(errorsOf(before.err) >= 0);
        QCOMPARE(errorsOf(first.err), errorsOf(before.err));
        const auto second = sigmatest::runSigmawb({QStringLiteral("lint"), QStringLiteral("--fix"), copy});
        QVERIFY2(second.err.contains("0 fixes in 0 files"), second.err.constData());
        QVERIFY(!second.out.contains("+++ b/"));
    }
};

QTEST_GUILESS_MAIN(TestCliLint)
#include "tst_cli_lint.moc"
