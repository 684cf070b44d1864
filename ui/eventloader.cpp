#include "eventloader.h"

#include "events/reader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent>

namespace sigmaui {

EventLoader::EventLoader(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<EventLoadResultPtr>();
}

EventLoader::~EventLoader()
{
    cancel();
}

void EventLoader::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void EventLoader::load(const QStringList& paths, EventListPtr existing)
{
    cancel();
    auto flag = std::make_shared<std::atomic<bool>>(false);
    m_cancel = flag;
    m_loading = true;
    auto* watcher = new QFutureWatcher<EventLoadResultPtr>(this);
    connect(watcher, &QFutureWatcher<EventLoadResultPtr>::finished, this, [this, watcher, flag] {
        watcher->deleteLater();
        if (flag != m_cancel)
            return; // superseded by a newer load
        m_loading = false;
        Q_EMIT finished(watcher->result());
    });
    QPointer<EventLoader> self(this);
    watcher->setFuture(QtConcurrent::run([paths, existing, flag, self] {
        return run(paths, existing, flag.get(), [self, flag](int permille, const QString& file) {
            if (flag->load())
                return;
            QMetaObject::invokeMethod(
                self.data(),
                [self, permille, file] {
                    if (self)
                        Q_EMIT self->progress(permille, file);
                },
                Qt::QueuedConnection);
        });
    }));
}

EventLoadResultPtr EventLoader::run(const QStringList& paths, EventListPtr existing, std::atomic<bool>* cancel,
                                    const std::function<void(int permille, const QString& file)>& progress)
{
    QElapsedTimer timer;
    timer.start();
    auto result = std::make_shared<EventLoadResult>();
    auto events = std::make_shared<EventList>();
    if (existing)
        *events = *existing;
    const std::size_t before = events->size();
    for (int i = 0; i < paths.size(); ++i) {
        const QString& path = paths.at(i);
        sigma::ReadOptions options;
        options.keepOriginalXml = true;
        int lastPermille = -1;
        options.progress = [&](std::uint64_t done, std::uint64_t total) {
            if (cancel && cancel->load())
                return false;
            const double fileShare = total ? double(done) / double(total) : 0.0;
            const int permille = int(1000.0 * (i + fileShare) / paths.size());
            if (progress && permille != lastPermille) {
                lastPermille = permille;
                progress(permille, path);
            }
            return true;
        };
        sigma::ReadResult read = sigma::readEventsFile(QFileInfo(path).absoluteFilePath().toStdString(), options);
        result->diagnostics.insert(result->diagnostics.end(), read.diagnostics.begin(), read.diagnostics.end());
        if (read.failed() || (read.events.empty() && !read.cancelled && read.format == sigma::EventFormat::Unknown)) {
            result->failedFiles.append(path);
        } else {
            result->loadedFiles.append(path);
            events->insert(events->end(), std::make_move_iterator(read.events.begin()),
                           std::make_move_iterator(read.events.end()));
        }
        if (read.cancelled || (cancel && cancel->load())) {
            result->cancelled = true;
            break;
        }
    }
    result->added = events->size() - before;
    result->events = std::move(events);
    result->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    if (progress)
        progress(1000, {});
    return result;
}

} // namespace sigmaui
