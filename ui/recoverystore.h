#pragma once

#include <QDateTime>
#include <QLockFile>
#include <QString>
#include <QVector>

#include <memory>

namespace sigmaui {

/// A document saved for recovery.
struct RecoveredDocument {
    QString id;
    QString path;         ///< the file it belongs to (empty for an untitled rule)
    QString untitledName; ///< name shown for an untitled rule
    QString text;
    QDateTime savedAt;
    QString recoveryFile; ///< where the recovery copy lives
};

/// Autosave copies of unsaved editors, one directory per running session, locked while the
/// session runs. Sessions whose lock is free (the program ended without cleaning up: a crash)
/// are offered for recovery on the next start.
class RecoveryStore {
public:
    /// `baseDir` default: AppDataLocation/recovery.
    explicit RecoveryStore(const QString& baseDir = {});
    ~RecoveryStore();

    QString sessionDirectory() const { return m_sessionDir; }

    /// Writes (atomically) the recovery copy of a document; false on failure.
    bool save(const QString& id, const QString& path, const QString& untitledName, const QString& text);
    /// Removes the copy (after a save, or when the user discarded the changes).
    void remove(const QString& id);

    /// Documents left by sessions that are no longer running.
    QVector<RecoveredDocument> orphaned() const;
    /// Deletes recovered documents (after they were restored or discarded) and empty sessions.
    void discard(const QVector<RecoveredDocument>& documents);

    static QString newId();

private:
    QString m_baseDir;
    QString m_sessionDir;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace sigmaui
