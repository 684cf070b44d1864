#include "fileio.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace sigmaui {

bool readTextFile(const QString& path, QString* text, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QCoreApplication::translate("sigmaui", "Could not open %1: %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        if (error)
            *error = QCoreApplication::translate("sigmaui", "Could not read %1: %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    if (text)
        *text = QString::fromUtf8(bytes);
    return true;
}

bool writeTextFileAtomically(const QString& path, const QString& text, QString* error)
{
    QSaveFile file(path);
    auto fail = [&](const QString& what) {
        if (error)
            *error =
                QCoreApplication::translate("sigmaui", "Could not save %1: %2 (%3). The file on disk was not changed.")
                    .arg(QDir::toNativeSeparators(path), what, file.errorString());
        file.cancelWriting();
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail(QCoreApplication::translate("sigmaui", "cannot create a temporary file beside it"));
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size())
        return fail(QCoreApplication::translate("sigmaui", "writing failed"));
    if (!file.commit()) {
        if (error)
            *error = QCoreApplication::translate("sigmaui", "Could not save %1: %2. The file on disk was not changed.")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

} // namespace sigmaui
