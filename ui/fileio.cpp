#include "fileio.h"

#include "util/fileio.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

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
    // core's one atomic save (temporary file, fsync, rename). Not QSaveFile: Qt 6.4's QSaveFile
    // reported success on a full tmpfs and left the file empty (tst_ui_robustness).
    const QByteArray bytes = text.toUtf8();
    std::string why;
    if (sigma::writeFileAtomically(QFile::encodeName(path).toStdString(),
                                   std::string_view(bytes.constData(), std::size_t(bytes.size())), why))
        return true;
    if (error)
        *error = QCoreApplication::translate("sigmaui", "Could not save %1 (%2). The file on disk was not changed.")
                     .arg(QDir::toNativeSeparators(path), QString::fromLocal8Bit(why.c_str()));
    return false;
}

} // namespace sigmaui
