#include "samples.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

static void initSamplesResource()
{
    Q_INIT_RESOURCE(samples);
}

namespace sigmaui {

void initUiResources()
{
    static const bool done = [] {
        initSamplesResource();
        return true;
    }();
    Q_UNUSED(done)
}

SampleWorkspace installSampleWorkspace(const QString& targetDir)
{
    initUiResources();
    SampleWorkspace ws;
    ws.directory = targetDir.isEmpty() ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                             .filePath(QStringLiteral("samples"))
                                       : targetDir;
    const QDir target(ws.directory);
    QDirIterator it(QStringLiteral(":/samples"), QDir::Files, QDirIterator::Subdirectories);
    QStringList sources;
    while (it.hasNext())
        sources.append(it.next());
    sources.sort();
    for (const QString& source : sources) {
        const QString relative = source.mid(QStringLiteral(":/samples/").size());
        const QString destination = target.filePath(relative);
        if (!QFileInfo::exists(destination)) {
            if (!QDir().mkpath(QFileInfo(destination).absolutePath()) || !QFile::copy(source, destination)) {
                ws.error = QCoreApplication::translate("sigmaui", "Could not copy the sample workspace to %1.")
                               .arg(QDir::toNativeSeparators(ws.directory));
                continue;
            }
            // Resource files are read-only; the copy must be editable.
            QFile::setPermissions(destination,
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        }
        if (relative.startsWith(QLatin1String("rules/")))
            ws.rules.append(destination);
        else if (relative.startsWith(QLatin1String("events/")))
            ws.events.append(destination);
    }
    if (QFileInfo(target.filePath(QStringLiteral("corpus"))).isDir())
        ws.corpus = target.filePath(QStringLiteral("corpus"));
    // Show the process_creation rule first: it has the richest explanation.
    std::stable_sort(ws.rules.begin(), ws.rules.end(), [](const QString& a, const QString& b) {
        return QFileInfo(a).fileName().startsWith(QLatin1String("proc_")) &&
               !QFileInfo(b).fileName().startsWith(QLatin1String("proc_"));
    });
    return ws;
}

} // namespace sigmaui
