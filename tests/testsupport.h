#pragma once

#include <QString>
#include <QStringList>

#include "events/event.h"

namespace sigmatest {

/// Absolute path of a fixture under tests/data.
QString dataPath(const QString& relative);
/// The reference corpus directory (../shared beside the checkout, or $SIGMA_SHARED_DIR); empty
/// when it is not there.
QString sharedDir();
/// sharedDir() + relative, or empty when the corpus is absent.
QString sharedPath(const QString& relative);
/// Path of the built sigmawb executable.
QString sigmawbPath();

struct ProcessResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
/// Runs sigmawb with the arguments (and optional stdin), waiting up to timeoutMs.
ProcessResult runSigmawb(const QStringList& args, int timeoutMs = 120000, const QByteArray& input = {});

QByteArray readFile(const QString& path);
/// Writes `bytes` to `path`, creating its folder; false when it cannot.
bool writeFile(const QString& path, const QByteArray& bytes);

/// Gives a GUI test its own settings (test-mode standard paths, an application name of its own)
/// and clears them, so no test sees another's recent files, layout or recovery state.
void isolateSettings(const QString& testName);

/// An event from "Name=Value" strings (the first '=' separates name and value).
sigma::Event eventFromPairs(const QStringList& fields);

} // namespace sigmatest

/// Skips the current test with a clear message when the reference corpus is missing.
#define SIGMA_REQUIRE_SHARED(relative)                                                                                 \
    const QString sharedPathValue = sigmatest::sharedPath(QStringLiteral(relative));                                   \
    if (sharedPathValue.isEmpty())                                                                                     \
        QSKIP("the reference corpus ../shared/" relative " is not here (it is not part of a clone); skipped");
