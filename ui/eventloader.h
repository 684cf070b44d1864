#pragma once

#include "eventset.h"
#include "jobtracker.h"

#include "util/diagnostic.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace sigmaui {

struct EventLoadResult {
    EventListPtr events;     ///< the previous events followed by the new ones
    QStringList loadedFiles; ///< files that gave events
    QStringList failedFiles; ///< files that could not be read as events
    sigma::Diagnostics diagnostics;
    std::size_t added = 0;
    bool cancelled = false;
    double milliseconds = 0;
};
using EventLoadResultPtr = std::shared_ptr<const EventLoadResult>;

/// Loads event files (XML, EVTX, JSON) in the background, with progress and cancel.
class EventLoader : public QObject {
    Q_OBJECT
public:
    explicit EventLoader(QObject* parent = nullptr);
    ~EventLoader() override;

    /// Loads the files after `existing` (which is kept). One load at a time: a new call cancels
    /// the running one (whose result is dropped).
    void load(const QStringList& paths, EventListPtr existing = {});
    /// Stops the running load early; what was read is still delivered (result->cancelled).
    void cancel();
    bool isLoading() const { return m_jobs.isPending(); }

    /// The job itself, synchronous (tests, benchmarks).
    static EventLoadResultPtr run(const QStringList& paths, EventListPtr existing, const std::atomic<bool>* cancel,
                                  const std::function<void(int permille, const QString& file)>& progress);

Q_SIGNALS:
    void progress(int permille, const QString& file);
    void finished(sigmaui::EventLoadResultPtr result);

private:
    JobTracker m_jobs;
};

} // namespace sigmaui

Q_DECLARE_METATYPE(sigmaui::EventLoadResultPtr)
