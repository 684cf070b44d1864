#include "jobtracker.h"

#include <QCoreApplication>
#include <QThreadPool>

#include <algorithm>

namespace sigmaui {

void JobContext::reportProgress(int permille, const QString& note) const
{
    if (isCancelled() || m_lastPermille->exchange(permille) == permille)
        return;
    auto self = m_tracker;
    auto cancel = m_cancel;
    JobTracker::toGuiThread([self, cancel, permille, note] {
        if (auto* tracker = static_cast<JobTracker*>(self->data()); tracker && !cancel->load())
            Q_EMIT tracker->progress(permille, note);
    });
}

void JobContext::post(std::function<void()> call) const
{
    if (isCancelled())
        return;
    auto self = m_tracker;
    auto cancel = m_cancel;
    JobTracker::toGuiThread([self, cancel, call = std::move(call)] {
        if (self->data() && !cancel->load())
            call();
    });
}

JobTracker::JobTracker(Lane lane, QObject* parent)
    : QObject(parent)
    , m_lane(lane)
    , m_self(std::make_shared<const QPointer<QObject>>(this))
{}

JobTracker::~JobTracker()
{
    // Never waits: the running job sees its cancel flag, and its result finds no tracker.
    cancel();
}

QThreadPool* JobTracker::pool(Lane lane)
{
    if (lane == Lane::Background)
        return QThreadPool::globalInstance();
    // Live evaluation gets threads of its own so that an edit's job never queues behind a load
    // or a baseline count; a second thread lets a new job start while a stale one stops.
    // Never deleted: jobs may still run at exit (they stop early, and their results go nowhere).
    static QThreadPool* const interactive = [] {
        auto* pool = new QThreadPool;
        pool->setObjectName(QStringLiteral("sigmaui-interactive-jobs"));
        pool->setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
        pool->setExpiryTimeout(60000); // typing pauses do not pay for new threads
        return pool;
    }();
    return interactive;
}

void JobTracker::toGuiThread(std::function<void()> call)
{
    if (QCoreApplication* app = QCoreApplication::instance())
        QMetaObject::invokeMethod(app, std::move(call), Qt::QueuedConnection);
}

JobContext JobTracker::begin()
{
    cancel();
    JobContext context;
    context.m_generation = ++m_generation;
    context.m_cancel = std::make_shared<std::atomic<bool>>(false);
    context.m_lastPermille = std::make_shared<std::atomic<int>>(-1);
    context.m_tracker = m_self;
    m_cancel = context.m_cancel;
    m_pending = true;
    if (m_running++ == 0)
        Q_EMIT busyChanged(true);
    return context;
}

void JobTracker::submit(std::function<void()> task)
{
    pool(m_lane)->start(std::move(task));
}

void JobTracker::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    m_pending = false;
}

void JobTracker::stop()
{
    if (m_cancel)
        m_cancel->store(true);
}

void JobTracker::finish(quint64 generation, const std::function<void()>& deliver)
{
    --m_running;
    if (generation == m_generation && m_pending) {
        m_pending = false;
        m_cancel.reset();
        const QPointer<JobTracker> alive(this);
        deliver();
        if (!alive)
            return; // the result closed what owned the tracker
    }
    if (m_running == 0)
        Q_EMIT busyChanged(false);
}

} // namespace sigmaui
