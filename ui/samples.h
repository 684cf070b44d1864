#pragma once

#include <QString>
#include <QStringList>

namespace sigmaui {

/// The bundled sample workspace: rules and events written by the project (resources/samples),
/// compiled in and copied to a writable directory so the user can edit and save them.
struct SampleWorkspace {
    QString directory;  ///< where the copy lives
    QStringList rules;  ///< .yml files, in a stable order (the first is shown)
    QStringList events; ///< event files
    QString corpus;     ///< the sample corpus folder (rules written by the project), empty if missing
    QString error;      ///< non-empty when the copy could not be made
};

/// Copies the samples into `targetDir` (default: AppDataLocation/samples). Files that already
/// exist there are kept (the user may have edited them).
SampleWorkspace installSampleWorkspace(const QString& targetDir = {});

/// Registers the compiled-in resources of the ui library (needed because it is a static library).
void initUiResources();

} // namespace sigmaui
