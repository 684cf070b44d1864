#pragma once

// The one background-job helper of the workbench: every asynchronous path in ui/ (live
// evaluation, event loading, the corpus, the baseline count, test marks) runs its work through a
// JobTracker, which gives each job a generation number and a cancel flag and hands the newest
// job's result back on the tracker's thread. Only value snapshots cross threads.

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

class QThreadPool;

namespace sigmaui {

/// What a running job sees: whether it was cancelled or superseded, and a way to report progress.
class JobContext {
public:
    /// True once the job was cancelled or a newer job of the same tracker started: stop early.
    bool isCancelled() const { return m_cancel->load(std::memory_order_relaxed); }
    /// The flag behind isCancelled(), for core functions that take an `std::atomic<bool>*`.
    const std::atomic<bool>* cancelFlag() const { return m_cancel.get(); }
    quint64 generation() const { return m_generation; }
    /// Progress in permille (0..1000) with an optional note (a file name); repeated values are
    /// not posted again, and nothing arrives once the job is stale.
    void reportProgress(int permille, const QString& note = {}) const;
    /// Runs `call` on the tracker's thread unless the job is stale by then or the tracker is gone
    /// (for progress of another shape than reportProgress's).
    void post(std::function<void()> call) const;

private:
    friend class JobTracker;
    JobContext() = default;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::shared_ptr<std::atomic<int>> m_lastPermille;
    std::shared_ptr<const QPointer<QObject>> m_tracker;
};

/// Runs jobs on a shared thread pool: start() supersedes the job before it (its cancel flag is
/// set, its result dropped), the newest job's result is delivered on the tracker's thread, and
/// destroying the tracker never waits for a running job (it is cancelled and left to wind down
/// on the pool, which the tracker does not own).
class JobTracker : public QObject {
    Q_OBJECT
public:
    /// Where jobs run. Interactive jobs (live evaluation) never queue behind background work
    /// (loading, corpus, baseline counts, test marks).
    enum class Lane { Interactive, Background };

    explicit JobTracker(Lane lane = Lane::Background, QObject* parent = nullptr);
    ~JobTracker() override;

    /// Runs `work(const JobContext&)` on the lane's pool; when it returns and is still the newest
    /// job (not cancelled), `deliver(result)` runs on this object's thread. Returns the job's
    /// generation.
    template <typename Work, typename Deliver>
    quint64 start(Work work, Deliver deliver);

    /// Cancels the running job (its result is dropped); the next start() is a new generation.
    void cancel();
    /// Asks the running job to stop early (its cancel flag) but still delivers what it returns
    /// (a partial result: "loading was cancelled, N events were read").
    void stop();
    /// The newest job's generation (0 before the first one).
    quint64 generation() const { return m_generation; }
    /// Jobs still running, superseded ones included (they wind down on their own).
    int runningCount() const { return m_running; }
    bool isBusy() const { return m_running > 0; }
    /// The newest job has neither finished nor been cancelled.
    bool isPending() const { return m_pending; }

    /// The pool of a lane (created on first use, owned by the application object).
    static QThreadPool* pool(Lane lane);

Q_SIGNALS:
    /// The newest job's progress (see JobContext::reportProgress).
    void progress(int permille, const QString& note);
    /// Emitted when the first job starts and when the last running one (stale ones included) ends,
    /// after the newest result was delivered.
    void busyChanged(bool busy);

private:
    friend class JobContext;
    JobContext begin();
    void finish(quint64 generation, const std::function<void()>& deliver);
    void submit(std::function<void()> task);
    /// Runs `call` on the application's thread (where trackers live); dropped when there is none.
    static void toGuiThread(std::function<void()> call);

    Lane m_lane;
    quint64 m_generation = 0;
    int m_running = 0;
    bool m_pending = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::shared_ptr<const QPointer<QObject>> m_self;
};

template <typename Work, typename Deliver>
quint64 JobTracker::start(Work work, Deliver deliver)
{
    using Result = std::decay_t<std::invoke_result_t<Work&, const JobContext&>>;
    JobContext context = begin();
    const quint64 generation = context.m_generation;
    auto self = m_self;
    submit([work = std::move(work), deliver = std::move(deliver), context, self, generation]() mutable {
        auto result = std::make_shared<Result>(work(context));
        // Back on the tracker's thread: counted as finished there, delivered if still newest.
        auto call = std::make_shared<Deliver>(std::move(deliver));
        toGuiThread([self, generation, result, call] {
            if (auto* tracker = static_cast<JobTracker*>(self->data()))
                tracker->finish(generation, [&] { (*call)(std::move(*result)); });
        });
    });
    return generation;
}

} // namespace sigmaui
