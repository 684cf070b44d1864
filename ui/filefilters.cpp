#include "filefilters.h"

#include "events/eventfiles.h"

#include <QCoreApplication>

namespace sigmaui {

namespace {
QString patterns()
{
    return QString::fromStdString(sigma::eventFilePatterns());
}
} // namespace

QString eventFileFilter()
{
    return QCoreApplication::translate("sigmaui", "Events (%1);;All files (*)").arg(patterns());
}

QString ruleAndEventFileFilter()
{
    return QCoreApplication::translate("sigmaui",
                                       "Rules and events (*.yml *.yaml %1);;Sigma rules (*.yml *.yaml);;Events (%1);;"
                                       "All files (*)")
        .arg(patterns());
}

} // namespace sigmaui
