#pragma once

// A workspace of a test: the ui fixtures (a rule that matches event 101 of four, and the four
// events) copied into a temporary folder, with a folder manifest beside them when the test gives
// one. For tests that write beside the rule or read manifests above it.

#include "testsupport.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

namespace sigmatest {

struct FixtureWorkspace {
    QTemporaryDir dir;
    QString rule;    ///< a copy of tests/data/ui/whoami.yml at rules/whoami.yml
    QString events;  ///< a copy of tests/data/ui/events.xml at events/events.xml
    bool ok = false; ///< all was written

    /// With a `manifest`, it is written to suite.tests.yml at the top of the folder (its paths are
    /// relative to it: rules/whoami.yml, events/events.xml).
    explicit FixtureWorkspace(const QByteArray& manifest = {})
    {
        rule = dir.filePath(QStringLiteral("rules/whoami.yml"));
        events = dir.filePath(QStringLiteral("events/events.xml"));
        ok = dir.isValid() && copy(QStringLiteral("ui/whoami.yml"), rule) &&
             copy(QStringLiteral("ui/events.xml"), events) &&
             (manifest.isEmpty() || writeFile(dir.filePath(QStringLiteral("suite.tests.yml")), manifest));
    }

private:
    static bool copy(const QString& fixture, const QString& to)
    {
        return QDir().mkpath(QFileInfo(to).path()) && writeFile(to, readFile(dataPath(fixture)));
    }
};

} // namespace sigmatest
