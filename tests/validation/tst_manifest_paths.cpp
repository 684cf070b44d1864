// Files from elsewhere (issue 19, item 8): a manifest names files only inside its workspace (the
// nearest folder with .git or workspace.ini, else its own folder); `../../`, absolute paths and
// symlinks that lead outside are refused with an error on the entry unless allowed; exports never
// carry absolute or `..` names.
#include "testsupport.h"

#include "validation/export.h"
#include "validation/manifest.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace sigma;

namespace {

std::string data(const char* relative)
{
    return sigmatest::dataPath(QString::fromUtf8(relative)).toStdString();
}

/// A workspace tree under a temporary folder:
///   outside/secret.xml, outside/rule.yml
///   ws/<marker>, ws/rules/r.yml, ws/events/e.xml, ws/tests/m.tests.yml (written per row)
struct Tree {
    QTemporaryDir root;
    QString ws() const { return root.filePath(QStringLiteral("ws")); }
    std::string path(const char* relative) const { return root.filePath(QString::fromUtf8(relative)).toStdString(); }

    Tree()
    {
        const QByteArray rule = sigmatest::readFile(QString::fromStdString(data("validation/pass/whoami.yml")));
        const QByteArray events = sigmatest::readFile(QString::fromStdString(data("validation/events/positive.xml")));
        sigmatest::writeFile(root.filePath(QStringLiteral("outside/secret.xml")), events);
        sigmatest::writeFile(root.filePath(QStringLiteral("outside/rule.yml")), rule);
        sigmatest::writeFile(root.filePath(QStringLiteral("ws/rules/r.yml")), rule);
        sigmatest::writeFile(root.filePath(QStringLiteral("ws/events/e.xml")), events);
        QDir().mkpath(root.filePath(QStringLiteral("ws/tests")));
    }
};

QStringList codes(const TestManifest& m)
{
    QStringList out;
    for (const auto& d : m.diagnostics)
        out << QString::fromStdString(d.code);
    for (const auto& g : m.rules)
        for (const auto& d : g.diagnostics)
            out << QString::fromStdString(d.code);
    return out;
}

} // namespace

class TestManifestPaths : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusesFilesOutsideTheWorkspace_data()
    {
        QTest::addColumn<QString>("marker");   // file at ws/ that makes it the workspace ("" = none)
        QTest::addColumn<QString>("manifest"); // manifest text; ROOT is replaced by the tree's root
        QTest::addColumn<bool>("refused");
        QTest::addColumn<int>("line"); // of the refused entry

        QTest::newRow("inside its own folder") << QString() << "rule: r.yml\nmatch: [e.xml]\n" << false << 0;
        QTest::newRow("../ without a workspace marker")
            << QString() << "rule: ../rules/r.yml\nmatch: [../events/e.xml]\n"
            << true << 1;
        QTest::newRow("../ inside a repository") << ".git"
                                                 << "rule: ../rules/r.yml\nmatch: [../events/e.xml]\n"
                                                 << false << 0;
        QTest::newRow("../ inside a workspace") << "workspace.ini"
                                                << "rule: ../rules/r.yml\nmatch: [../events/e.xml]\n"
                                                << false << 0;
        QTest::newRow("../../ out of the workspace") << ".git"
                                                     << "rule: ../rules/r.yml\nmatch:\n  - ../../outside/secret.xml\n"
                                                     << true << 3;
        QTest::newRow("absolute path outside") << ".git"
                                               << "rule: ../rules/r.yml\nno_match:\n  - ROOT/outside/secret.xml\n"
                                               << true << 3;
        QTest::newRow("rule outside") << ".git"
                                      << "rule: ../../outside/rule.yml\nmatch: [../events/e.xml]\n"
                                      << true << 1;
        QTest::newRow("symlink leading outside") << ".git"
                                                 << "rule: ../rules/r.yml\nmatch:\n  - file: link.xml\n    count: 1\n"
                                                 << true << 3;
    }

    void refusesFilesOutsideTheWorkspace()
    {
        QFETCH(QString, marker);
        QFETCH(QString, manifest);
        QFETCH(bool, refused);
        QFETCH(int, line);
        Tree t;
        if (!marker.isEmpty())
            QVERIFY(sigmatest::writeFile(
                QDir(t.ws()).filePath(marker) + (marker == QLatin1String(".git") ? QStringLiteral("/HEAD") : QString()),
                    "x\n"));
        const QString dir = QDir(t.ws()).filePath(QStringLiteral("tests"));
        QVERIFY(QFile::link(t.root.filePath(QStringLiteral("outside/secret.xml")), dir + QStringLiteral("/link.xml")));
        // Rows that stay inside their folder use copies beside the manifest.
        QFile::copy(QString::fromStdString(t.path("ws/rules/r.yml")), dir + QStringLiteral("/r.yml"));
        QFile::copy(QString::fromStdString(t.path("ws/events/e.xml")), dir + QStringLiteral("/e.xml"));
        const std::string file = QString(dir + QStringLiteral("/m.tests.yml")).toStdString();
        const std::string text = manifest.replace(QStringLiteral("ROOT"), t.root.path()).toStdString();

        const TestManifest m = parseManifestText(text, file);
        QCOMPARE(m.rules.size(), std::size_t(1));
        const RuleTests& g = m.rules.front();
        if (!refused) {
            QVERIFY2(m.ok(), qPrintable(codes(m).join(QLatin1Char(' '))));
            QCOMPARE(g.expectations.size(), std::size_t(1));
            return;
        }
        QVERIFY(!m.ok());
        QVERIFY2(codes(m).contains(QStringLiteral("manifest-path-outside")),
                 qPrintable(codes(m).join(QLatin1Char(' '))));
        const auto it = std::find_if(g.diagnostics.begin(), g.diagnostics.end(),
                                     [](const Diagnostic& d) { return d.code == "manifest-path-outside"; });
        QCOMPARE(it->span.begin.line, line);
        QCOMPARE(it->file, file);
        QVERIFY2(it->message.find("--allow-outside-paths") != std::string::npos, it->message.c_str());
        // Nothing outside is kept to be read.
        for (const auto& e : g.expectations)
            QVERIFY2(e.path.find("outside") == std::string::npos, e.path.c_str());
        QVERIFY(g.rulePath.find("outside") == std::string::npos);

        // Allowed by the user: the same manifest reads them.
        ManifestOptions allow;
        allow.allowOutsidePaths = true;
        const TestManifest allowed = parseManifestText(text, file, allow);
        QVERIFY2(allowed.ok(), qPrintable(codes(allowed).join(QLatin1Char(' '))));
        QCOMPARE(allowed.rules.front().expectations.size(), std::size_t(1));
    }

    void cliRefusesUnlessAllowed()
    {
        Tree t;
        const QString manifest = QDir(t.ws()).filePath(QStringLiteral("tests/r.tests.yml"));
        QVERIFY(sigmatest::writeFile(manifest, "rule: ../rules/r.yml\nmatch: [../../outside/secret.xml]\n"));
        const auto refused = sigmatest::runSigmawb({QStringLiteral("test"), manifest});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.out.contains("manifest-path-outside") || refused.err.contains("manifest-path-outside"),
                 QByteArray(refused.out + refused.err).constData());
        QVERIFY(QByteArray(refused.out + refused.err).contains("secret.xml"));
        const auto allowed =
            sigmatest::runSigmawb({QStringLiteral("test"), manifest, QStringLiteral("--allow-outside-paths")});
        QVERIFY2(allowed.exitCode == 0, QByteArray(allowed.out + allowed.err).constData());
    }

    void exportNamesAreRelative()
    {
        // Even when the user allowed files from elsewhere, the bundle holds them under plain names.
        Tree t;
        const QString manifest = QDir(t.ws()).filePath(QStringLiteral("tests/r.tests.yml"));
        QVERIFY(sigmatest::writeFile(manifest, "rule: ../rules/r.yml\nmatch: [" +
                                                   t.root.filePath(QStringLiteral("outside/secret.xml")).toUtf8() +
                                                   "]\nno_match: [../../outside/../ws/events/e.xml]\n"));
        ExportOptions options;
        options.manifest = manifest.toStdString();
        options.manifestOptions.allowOutsidePaths = true;
        const ExportPlan plan = planExport(t.path("ws/rules/r.yml"), options);
        QVERIFY(!plan.files.empty());
        for (const ExportFile& f : plan.files) {
            QVERIFY2(!f.name.empty() && f.name.front() != '/', f.name.c_str());
            QVERIFY2(f.name.find("..") == std::string::npos, f.name.c_str());
            QVERIFY2(f.name.find('\\') == std::string::npos, f.name.c_str());
        }
        // Refused by default: the plan says why instead of bundling the file.
        ExportOptions strict;
        strict.manifest = manifest.toStdString();
        const ExportPlan refused = planExport(t.path("ws/rules/r.yml"), strict);
        QVERIFY(!refused.refusals.empty());
        for (const ExportFile& f : refused.files)
            QVERIFY2(f.name.find("secret") == std::string::npos, f.name.c_str());
    }
};

QTEST_GUILESS_MAIN(TestManifestPaths)
#include "tst_manifest_paths.moc"
