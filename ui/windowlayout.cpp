#include "windowlayout.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QSettings>

namespace sigmaui {

WindowLayout::WindowLayout(QMainWindow* window)
    : m_window(window)
{}

void WindowLayout::takeDefault()
{
    m_default = m_window->saveState();
}

void WindowLayout::restore()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("ui/geometry")).toByteArray();
    if (geometry.isEmpty() || !m_window->restoreGeometry(geometry))
        m_window->resize(DefaultWidth, DefaultHeight);
    m_window->restoreState(settings.value(QStringLiteral("ui/windowState")).toByteArray());
}

void WindowLayout::save() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/geometry"), m_window->saveGeometry());
    settings.setValue(QStringLiteral("ui/windowState"), m_window->saveState());
}

void WindowLayout::reset(const QList<QDockWidget*>& docksToShow)
{
    // Floating docks are put back first: restoring a state does not always re-dock them.
    for (QDockWidget* d : m_window->findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly))
        d->setFloating(false);
    m_window->restoreState(m_default);
    for (QDockWidget* d : docksToShow)
        d->show();
}

} // namespace sigmaui
