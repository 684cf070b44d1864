// What an installed package carries: the icon the .desktop file names, the licence the AppStream
// metainfo declares; and that the engine and the CLI build without Qt (the fuzz preset needs that).

#include <QDir>
#include <QFile>
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
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
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
            readText(m_prefix.filePath(QStringLiteral("share/applications/org.sigmaworkbench.SigmaWorkbench.desktop")));
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
    }

    void licenseMatchesMetainfo()
    {
        const QString license = readText(QStringLiteral(SIGMA_SOURCE_DIR "/LICENSE"));
        QVERIFY2(!license.isEmpty(), "no LICENSE file at the top of the source tree");
        const QString metainfo =
            readText(QStringLiteral(SIGMA_SOURCE_DIR "/packaging/org.sigmaworkbench.SigmaWorkbench.metainfo.xml"));
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
