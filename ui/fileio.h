#pragma once

#include <QString>

namespace sigmaui {

/// Reads a UTF-8 text file; on failure returns false and a message naming the file.
bool readTextFile(const QString& path, QString* text, QString* error);

/// Writes a UTF-8 text file atomically (QSaveFile: a temporary file renamed over the target on
/// success). On failure the old file is untouched and the message names the file and the cause.
bool writeTextFileAtomically(const QString& path, const QString& text, QString* error);

} // namespace sigmaui
