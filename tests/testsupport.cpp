#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>

namespace sigmatest {

QString dataPath(const QString& relative)
{
    return QDir(QStringLiteral(SIGMA_TEST_DATA_DIR)).filePath(relative);
}

QString sharedDir()
{
    QString dir = qEnvironmentVariable("SIGMA_SHARED_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral(SIGMA_SHARED_DIR_DEFAULT);
    return QFileInfo(dir).isDir() ? QDir(dir).absolutePath() : QString();
}

QString sharedPath(const QString& relative)
{
    const QString dir = sharedDir();
    if (dir.isEmpty())
        return {};
    const QString path = QDir(dir).filePath(relative);
    return QFileInfo::exists(path) ? path : QString();
}

QString sigmawbPath()
{
    return QStringLiteral(SIGMAWB_EXECUTABLE);
}

ProcessResult runSigmawb(const QStringList& args, int timeoutMs, const QByteArray& input)
{
    QProcess p;
    p.start(sigmawbPath(), args);
    ProcessResult r;
    if (!p.waitForStarted(10000))
        return r;
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

void isolateSettings(const QString& testName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SigmaWorkbenchTest"));
    QCoreApplication::setApplicationName(testName);
    QSettings().clear();
}

sigma::Event eventFromPairs(const QStringList& fields)
{
    sigma::Event e;
    for (const auto& f : fields) {
        const int eq = f.indexOf(QLatin1Char('='));
        e.add(f.left(eq).toStdString(), f.mid(eq + 1).toStdString());
    }
    return e;
}

} // namespace sigmatest
