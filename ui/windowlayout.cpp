#include "windowlayout.h"

#include <QDockWidget>
#include <QGuiApplication>
#include <QMainWindow>
#include <QScreen>
#include <QSettings>

namespace sigmaui {

WindowLayout::WindowLayout(QMainWindow* window)
    : m_window(window)
{}

QSize WindowLayout::defaultSize(const QWidget* window)
{
    const QScreen* screen = window && window->screen() ? window->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return {DefaultWidth, DefaultHeight};
    const QSize available = screen->availableGeometry().size();
    return {qMin(DefaultWidth, available.width()), qMin(DefaultHeight, available.height())};
}

WindowLayout::DockSizes WindowLayout::dockSizes(const QSize& size)
{
    DockSizes d;
    d.corpusWidth = qBound(220, size.width() * 17 / 100, 320);
    d.explanationWidth = qBound(380, size.width() * 27 / 100, 480); // predicate names uncut at 1280 px
    // The Test table shows at least 8 rows at 1280 x 800; the editor keeps more than half the height.
    d.bottomHeight = qBound(260, size.height() * 40 / 100, 400);
    // The bottom row spans the window. Indicators keeps ~660 px, enough for its six columns with
    // Corpus reach and Baseline hits in view; the Test table gets the rest, at least half the row
    // (at 1600 px its Time, Provider and Process columns were cut to a few characters at half).
    d.testWidth = qMax(size.width() / 2, size.width() - 660);
    // The Explanation tree above Event Detail / Query: more rows for the predicates.
    d.explanationShare = 62;
    return d;
}

void WindowLayout::takeDefault()
{
    m_default = m_window->saveState();
}

void WindowLayout::restore()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("ui/geometry")).toByteArray();
    if (geometry.isEmpty() || !m_window->restoreGeometry(geometry))
        m_window->resize(defaultSize(m_window));
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
