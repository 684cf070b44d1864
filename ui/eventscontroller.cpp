#include "eventscontroller.h"

#include "eventsets.h"
#include "filefilters.h"

#include "security5156switch.h"
#include "testpane.h"
#include "workbenchcontext.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>

#include <algorithm>
#include <utility>

namespace sigmaui {

EventsController::EventsController(WorkbenchContext* context, TestPane* pane, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_pane(pane)
    , m_loader(new EventLoader(this))
    , m_sets(new EventSets(this))
{
    connect(m_sets, &EventSets::changedOnDisk, this, &EventsController::reloadSets);
    connect(m_sets, &EventSets::setsChanged, this,
            [this] { m_pane->setEventSets(m_sets->summary(), m_sets->filesText()); });
    connect(m_loader, &EventLoader::progress, m_pane, &TestPane::setLoadProgress);
    connect(m_loader, &EventLoader::finished, this, &EventsController::onLoaded);
    connect(m_pane, &TestPane::loadRequested, this, &EventsController::loadInteractive);
    connect(m_pane, &TestPane::cancelRequested, this, &EventsController::cancel);
    QLabel* label = m_pane->eventSetsLabel();
    label->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(label, &QWidget::customContextMenuRequested, this, [this, label](const QPoint& at) {
        QMenu menu;
        fillSetsMenu(&menu);
        menu.exec(label->mapToGlobal(at));
    });
}

bool EventsController::renameSet(int index, const QString& name)
{
    return m_sets->rename(index, name);
}

void EventsController::renameSetInteractive(int index)
{
    if (index < 0 || index >= m_sets->sets().size())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(m_context->window(), tr("Rename Event Set"), tr("Name:"),
                                               QLineEdit::Normal, m_sets->sets()[index].name, &ok);
    if (ok)
        renameSet(index, name);
}

bool EventsController::removeSet(int index)
{
    if (m_loader->isLoading() || !m_sets->remove(index))
        return false;
    if (m_sets->sets().isEmpty())
        m_context->setEvents({});
    else
        reloadSets();
    return true;
}

QMenu* EventsController::createSetsMenu(QWidget* parent)
{
    auto* menu = new QMenu(tr("Event &Sets"), parent);
    connect(menu, &QMenu::aboutToShow, this, [this, menu] {
        menu->clear();
        fillSetsMenu(menu);
    });
    return menu;
}

void EventsController::fillSetsMenu(QMenu* menu)
{
    const QList<EventSets::Set>& sets = m_sets->sets();
    if (sets.isEmpty()) {
        menu->addAction(tr("No event sets loaded"))->setEnabled(false);
        return;
    }
    for (int i = 0; i < sets.size(); ++i) {
        QMenu* sub = menu->addMenu(sets[i].name);
        sub->setToolTipsVisible(true);
        sub->menuAction()->setToolTip(sets[i].paths.join(QLatin1Char('\n')));
        sub->addAction(tr("&Rename…"), this, [this, i] { renameSetInteractive(i); });
        QAction* remove = sub->addAction(tr("Re&move"), this, [this, i] { removeSet(i); });
        remove->setEnabled(!m_loader->isLoading());
    }
}

EventsController::~EventsController()
{
    m_loader->cancel();
}

void EventsController::loadInteractive()
{
    load(QFileDialog::getOpenFileNames(m_context->window(), tr("Load Events"), lastFolder(), eventFileFilter()));
}

void EventsController::loadFolderInteractive()
{
    const QString folder =
        QFileDialog::getExistingDirectory(m_context->window(), tr("Load Events Folder"), lastFolder());
    if (!folder.isEmpty())
        load({folder});
}

QString EventsController::lastFolder()
{
    return QSettings().value(QStringLiteral("events/lastFolder")).toString();
}

void EventsController::load(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (m_loader->isLoading() && !m_replacing) {
        // A load while one runs (the samples' events, then the files given on the command line):
        // it follows, adding to what the running one reads.
        m_queued += paths;
        return;
    }
    // The next dialog starts where these came from.
    const QFileInfo first(paths.first());
    QSettings().setValue(QStringLiteral("events/lastFolder"),
                         first.isDir() ? first.absoluteFilePath() : first.absolutePath());
    m_pane->setLoading(true);
    m_context->showStatus(tr("Loading events…"));
    m_pane->translate5156Switch()->setWorkspace(Security5156Switch::workspaceOf(paths));
    m_loading = paths;
    m_replacing = false;
    m_loader->load(paths, m_context->events());
}

bool EventsController::restoreSets()
{
    if (m_sets->restore().isEmpty())
        return false;
    reloadSets();
    return true;
}

void EventsController::reloadSets()
{
    const QStringList paths = m_sets->allPaths();
    m_pane->setLoading(true);
    m_context->showStatus(tr("Loading events…"));
    m_pane->translate5156Switch()->setWorkspace(Security5156Switch::workspaceOf(paths));
    m_loading.clear(); // the sets are known already
    m_replacing = true;
    m_loader->load(paths, {});
}

void EventsController::forgetSets()
{
    m_sets->clear();
}

void EventsController::cancel()
{
    m_queued.clear();
    m_loader->cancel();
}

bool EventsController::isLoading() const
{
    return m_loader->isLoading();
}

void EventsController::onLoaded(const EventLoadResultPtr& result)
{
    m_pane->setLoading(false);
    m_context->showStatus(QString());
    if (!result->failedFiles.isEmpty()) {
        QStringList reasons;
        for (const auto& d : result->diagnostics)
            if (d.severity == sigma::Severity::Error)
                reasons.append(QString::fromStdString(d.format()));
        m_context->showMessage(MessageBanner::Kind::Error, tr("Could not load events from %1: %2")
                                                               .arg(result->failedFiles.join(QStringLiteral(", ")),
                                                                    reasons.join(QStringLiteral("; "))));
    } else if (result->cancelled) {
        m_context->showMessage(
            MessageBanner::Kind::Warning,
            tr("Loading was cancelled; %n event(s) were read and are shown.", nullptr, int(result->added)));
    } else {
        int warnings = 0;
        QString first;
        for (const auto& d : result->diagnostics)
            if (d.severity == sigma::Severity::Warning && warnings++ == 0)
                first = QString::fromStdString(d.format());
        if (warnings > 0) {
            m_context->showMessage(
                MessageBanner::Kind::Warning,
                tr("%n damaged record(s) were skipped while loading events. First: %1", nullptr, warnings).arg(first));
        } else if (MessageBanner* banner = m_context->banner();
                   !banner->isHidden() && !m_bannerText.isEmpty() && banner->text() == m_bannerText) {
            banner->dismiss(); // an earlier load's problem: this load went well
        }
    }
    const bool clean = result->failedFiles.isEmpty() && !result->cancelled &&
                       std::none_of(result->diagnostics.begin(), result->diagnostics.end(),
                                    [](const sigma::Diagnostic& d) { return d.severity == sigma::Severity::Warning; });
    m_bannerText = clean ? QString() : m_context->banner()->text();
    if (result->failedFiles.isEmpty() && !result->cancelled && !m_loading.isEmpty())
        m_sets->noteLoaded(m_loading);
    else if (m_replacing)
        m_sets->rewatch();
    m_loading.clear();
    if (result->added > 0 || !m_context->events() || m_replacing)
        m_context->setEvents(result->events);
    m_replacing = false;
    Q_EMIT loaded();
    if (!m_queued.isEmpty())
        load(std::exchange(m_queued, {}));
}

} // namespace sigmaui
