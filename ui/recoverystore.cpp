#include "recoverystore.h"

#include "util/fileio.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUuid>

namespace sigmaui {

namespace {
const QString LockName = QStringLiteral("session.lock");
}

RecoveryStore::RecoveryStore(const QString& baseDir)
    : m_baseDir(baseDir.isEmpty() ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                        .filePath(QStringLiteral("recovery"))
                                  : baseDir)
{
    m_sessionDir = QDir(m_baseDir).filePath(QStringLiteral("session-") + newId());
    QDir().mkpath(m_sessionDir);
    m_lock = std::make_unique<QLockFile>(QDir(m_sessionDir).filePath(LockName));
    m_lock->setStaleLockTime(0);
    m_lock->tryLock(0);
}

RecoveryStore::~RecoveryStore()
{
    m_lock->unlock();
    // A session that left nothing behind is removed; one with documents stays for recovery.
    QDir dir(m_sessionDir);
    if (dir.entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty())
        dir.removeRecursively();
}

QString RecoveryStore::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool RecoveryStore::save(const QString& id, const QString& path, const QString& untitledName, const QString& text)
{
    QDir().mkpath(m_sessionDir);
    QJsonObject o;
    o.insert(QStringLiteral("path"), path);
    o.insert(QStringLiteral("untitledName"), untitledName);
    o.insert(QStringLiteral("text"), text);
    o.insert(QStringLiteral("savedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact);
    std::string error;
    return sigma::writeFileAtomically(
        QFile::encodeName(QDir(m_sessionDir).filePath(id + QStringLiteral(".json"))).toStdString(),
        std::string_view(json.constData(), std::size_t(json.size())), error);
}

void RecoveryStore::remove(const QString& id)
{
    QFile::remove(QDir(m_sessionDir).filePath(id + QStringLiteral(".json")));
}

QVector<RecoveredDocument> RecoveryStore::orphaned() const
{
    QVector<RecoveredDocument> out;
    const QDir base(m_baseDir);
    const QStringList sessions =
        base.entryList({QStringLiteral("session-*")}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
    for (const QString& session : sessions) {
        const QString dirPath = base.filePath(session);
        if (dirPath == m_sessionDir)
            continue;
        QLockFile lock(QDir(dirPath).filePath(LockName));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue; // that session is still running
        lock.unlock();
        const QDir dir(dirPath);
        for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Time)) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
            if (o.isEmpty())
                continue;
            RecoveredDocument d;
            d.id = name.chopped(5);
            d.path = o.value(QStringLiteral("path")).toString();
            d.untitledName = o.value(QStringLiteral("untitledName")).toString();
            d.text = o.value(QStringLiteral("text")).toString();
            d.savedAt = QDateTime::fromString(o.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs);
            d.recoveryFile = f.fileName();
            out.append(d);
        }
    }
    return out;
}

void RecoveryStore::discard(const QVector<RecoveredDocument>& documents)
{
    for (const auto& d : documents) {
        QFile::remove(d.recoveryFile);
        QDir dir = QFileInfo(d.recoveryFile).dir();
        if (dir.entryList({QStringLiteral("*.json")}, QDir::Files).isEmpty() &&
            dir.absolutePath() != QDir(m_sessionDir).absolutePath())
            dir.removeRecursively();
    }
}

} // namespace sigmaui
