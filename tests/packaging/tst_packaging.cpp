// What an installed package carries: the icon the .desktop file names, the licence the AppStream
// metainfo declares; and that the engine and the CLI build without Qt (the fuzz preset needs that).

#include "testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString output;
};

Run run(const QString& program, const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.output = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = QString::fromUtf8(p.readAll());
    return r;
}

QString readText(const QString& path)
{
    return QString::fromUtf8(sigmatest::readFile(path));
}

} // namespace

class TestPackaging : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_prefix;
    bool m_installed = false;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_prefix.isValid());
        const Run r = run(
            QStringLiteral(SIGMA_CMAKE_COMMAND),
            {QStringLiteral("--install"), QStringLiteral(SIGMA_BUILD_DIR), QStringLiteral("--prefix"), m_prefix.path()},
            300000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        m_installed = true;
    }

    void desktopIconIsInstalled()
    {
        if (!SIGMA_BUILD_GUI)
            QSKIP("the GUI is not built, so no .desktop file is installed");
        const QString desktop =
            readText(m_prefix.filePath(QStringLiteral("share/applications/org.sigmaworkbench.workbench.desktop")));
        QVERIFY2(!desktop.isEmpty(), "the .desktop file is not installed");
        const auto icon =
            QRegularExpression(QStringLiteral("^Icon=(.+)$"), QRegularExpression::MultilineOption).match(desktop);
        QVERIFY(icon.hasMatch());
        const QString name = icon.captured(1).trimmed();
        // The icon theme specification: <theme>/<size>/apps/<name>.{svg,png}; hicolor is the fallback theme.
        QDir hicolor(m_prefix.filePath(QStringLiteral("share/icons/hicolor")));
        QVERIFY2(QFile::exists(hicolor.filePath(QStringLiteral("scalable/apps/%1.svg").arg(name))),
                 qPrintable(QStringLiteral("no scalable icon %1 in %2").arg(name, hicolor.path())));
        QVERIFY(readText(hicolor.filePath(QStringLiteral("scalable/apps/%1.svg").arg(name)))
                    .contains(QLatin1String("<svg")));
        // PNG sizes for desktops that do not scale SVG icons, each really of its size.
        for (int size : {16, 32, 48, 64, 128, 256}) {
            const QString png = hicolor.filePath(QStringLiteral("%1x%1/apps/%2.png").arg(size).arg(name));
            QFile f(png);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(png));
            const QByteArray head = f.read(24);
            QVERIFY(head.startsWith("\x89PNG\r\n\x1a\n"));
            const auto be32 = [&](int at) {
                return (uchar(head[at]) << 24) | (uchar(head[at + 1]) << 16) | (uchar(head[at + 2]) << 8) |
                       uchar(head[at + 3]);
            };
            QCOMPARE(be32(16), size); // IHDR width
            QCOMPARE(be32(20), size); // IHDR height
        }
    }

    // .evtx gets a MIME type (shared-mime-info has none) that the .desktop file claims.
    void evtxMimeTypeIsInstalled()
    {
        if (!SIGMA_BUILD_GUI)
            QSKIP("the GUI is not built, so no desktop integration is installed");
        const QString mime =
            readText(m_prefix.filePath(QStringLiteral("share/mime/packages/org.sigmaworkbench.workbench.xml")));
        QVERIFY2(mime.contains(QLatin1String("<mime-type type=\"application/x-ms-evtx\">")), qPrintable(mime));
        QVERIFY(mime.contains(QLatin1String("<glob pattern=\"*.evtx\"/>")));
        QVERIFY(mime.contains(QLatin1String("value=\"ElfFile\\0\"")));
        const QString desktop =
            readText(m_prefix.filePath(QStringLiteral("share/applications/org.sigmaworkbench.workbench.desktop")));
        QVERIFY(desktop.contains(QLatin1String("application/x-ms-evtx;")));
    }

    // `man sigmawb` and the shell completions travel with the package.
    void manPageAndCompletionsAreInstalled()
    {
        const QString man = readText(m_prefix.filePath(QStringLiteral("share/man/man1/sigmawb.1")));
        QVERIFY2(man.contains(QLatin1String(".TH SIGMAWB 1")), "no man page share/man/man1/sigmawb.1");
        QVERIFY(man.contains(QLatin1String(".SH \"SIGMAWB MATCH\"")));
        QVERIFY(readText(m_prefix.filePath(QStringLiteral("share/bash-completion/completions/sigmawb")))
                    .contains(QLatin1String("complete -F _sigmawb sigmawb")));
        QVERIFY(readText(m_prefix.filePath(QStringLiteral("share/zsh/vendor-completions/_sigmawb")))
                    .startsWith(QLatin1String("#compdef sigmawb")));
        QVERIFY(readText(m_prefix.filePath(QStringLiteral("share/fish/vendor_completions.d/sigmawb.fish")))
                    .contains(QLatin1String("__fish_seen_subcommand_from match")));
    }

    void sampleCorpusIsInstalled()
    {
        // The samples and the sample corpus the GUI opens on a first start; both lint clean.
        const QString samples = m_prefix.filePath(QStringLiteral("share/sigma-workbench/samples"));
        QVERIFY(QFileInfo::exists(samples + QStringLiteral("/samples.tests.yml")));
        QDirIterator it(samples + QStringLiteral("/corpus"), {QStringLiteral("*.yml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        int rules = 0;
        while (it.hasNext()) {
            it.next();
            ++rules;
        }
        QVERIFY2(rules >= 30, qPrintable(QString::number(rules)));
        const auto lint = sigmatest::runSigmawb({QStringLiteral("lint"), samples + QStringLiteral("/corpus")});
        QVERIFY2(lint.exitCode == 0 && lint.err.contains(" 0 errors, 0 warnings"), lint.err.constData());
    }

    void licenseMatchesMetainfo()
    {
        const QString license = readText(QStringLiteral(SIGMA_SOURCE_DIR "/LICENSE"));
        QVERIFY2(!license.isEmpty(), "no LICENSE file at the top of the source tree");
        const QString metainfo =
            readText(QStringLiteral(SIGMA_SOURCE_DIR "/packaging/org.sigmaworkbench.workbench.metainfo.xml"));
        const auto declared =
            QRegularExpression(QStringLiteral("<project_license>([^<]+)</project_license>")).match(metainfo);
        QVERIFY(declared.hasMatch());
        QCOMPARE(declared.captured(1), QStringLiteral("GPL-3.0-or-later"));
        QVERIFY(license.contains(QLatin1String("GNU GENERAL PUBLIC LICENSE")));
        QVERIFY(license.contains(QLatin1String("Version 3, 29 June 2007")));
        // The licence travels with the package.
        QCOMPARE(readText(m_prefix.filePath(QStringLiteral("share/doc/sigma-workbench/LICENSE"))), license);
    }

    void coreAndCliConfigureWithoutQt()
    {
        QTemporaryDir build;
        QVERIFY(build.isValid());
        // A machine without Qt: any find_package(Qt6) fails the configuration.
        const QString noQt = build.filePath(QStringLiteral("no-qt.cmake"));
        {
            QFile f(noQt);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("macro(find_package name)\n"
                    "  if(\"${name}\" STREQUAL \"Qt6\")\n"
                    "    message(FATAL_ERROR \"find_package(Qt6) although no Qt target is built\")\n"
                    "  endif()\n"
                    "  _find_package(${ARGV})\n"
                    "endmacro()\n");
        }
        const Run r = run(
            QStringLiteral(SIGMA_CMAKE_COMMAND),
            {QStringLiteral("-S"), QStringLiteral(SIGMA_SOURCE_DIR), QStringLiteral("-DSIGMA_BUILD_GUI=OFF"),
             QStringLiteral("-DSIGMA_BUILD_TESTS=OFF"), QStringLiteral("-DSIGMA_BUILD_BENCHMARKS=OFF"),
             QStringLiteral("-DSIGMA_WITH_KSYNTAXHIGHLIGHTING=OFF"), QStringLiteral("-DCMAKE_PROJECT_INCLUDE=") + noQt,
             QStringLiteral("-B"), build.filePath(QStringLiteral("b"))},
            120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
    }

    void benchmarksAreLabelledNotConfigured()
    {
        // Benchmarks stay out of the default run by their label (test presets exclude it), not by
        // abusing CONFIGURATIONS as a label.
        const QString cmake = readText(QStringLiteral(SIGMA_SOURCE_DIR "/benchmarks/CMakeLists.txt"));
        QVERIFY(!cmake.isEmpty());
        QVERIFY(!cmake.contains(QLatin1String("CONFIGURATIONS")));
        const QString presets = readText(QStringLiteral(SIGMA_SOURCE_DIR "/CMakePresets.json"));
        QVERIFY(presets.contains(QLatin1String("\"label\": \"bench\"")));
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
