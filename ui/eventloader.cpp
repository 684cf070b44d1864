#include "eventloader.h"

#include "events/eventfiles.h"

#include "events/reader.h"

#include <QElapsedTimer>
#include <QFileInfo>

namespace sigmaui {

EventLoader::EventLoader(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<EventLoadResultPtr>();
    connect(&m_jobs, &JobTracker::progress, this, &EventLoader::progress);
}

EventLoader::~EventLoader() = default; // a running load is cancelled, never waited for

void EventLoader::cancel()
{
    m_jobs.stop();
}

void EventLoader::load(const QStringList& paths, EventListPtr existing)
{
    m_jobs.start(
        [paths, existing](const JobContext& job) {
            return run(paths, existing, job.cancelFlag(),
                       [&job](int permille, const QString& file) { job.reportProgress(permille, file); });
        },
        [this](const EventLoadResultPtr& result) { Q_EMIT finished(result); });
}

EventLoadResultPtr EventLoader::run(const QStringList& givenPaths, EventListPtr existing,
                                    const std::atomic<bool>* cancel,
                                    const std::function<void(int permille, const QString& file)>& progress)
{
    QElapsedTimer timer;
    timer.start();
    auto result = std::make_shared<EventLoadResult>();
    // A folder stands for the event files under it, searched as the CLI does (recursively, by
    // extension); a file is read as given.
    QStringList paths;
    for (const QString& path : givenPaths) {
        if (!QFileInfo(path).isDir()) {
            paths.append(path);
            continue;
        }
        const std::vector<std::string> files =
            sigma::collectEventFiles({QFileInfo(path).absoluteFilePath().toStdString()}, result->diagnostics);
        if (files.empty()) {
            result->diagnostics.push_back(
                sigma::makeDiagnostic(sigma::Severity::Error, "no-event-files",
                                      "no event files (" + sigma::eventFilePatterns() + ") in this folder",
                                      QFileInfo(path).absoluteFilePath().toStdString()));
            result->failedFiles.append(path);
        }
        for (const auto& f : files)
            paths.append(QString::fromStdString(f));
    }
    // The events already loaded are shared, not copied (EventList's segments): the new ones are one
    // more segment, allocated once for what the files announce (.evtx chunk headers), not doubled as
    // it grows: a doubling held the old and the new array at once (1M events: +138 MiB at the peak).
    std::uint64_t announced = 0;
    for (const QString& path : paths)
        announced += sigma::announcedEventCount(path.toStdString());
    std::vector<sigma::Event> added;
    added.reserve(announced);
    // One set of field names for the load, shared by its files (released with its last event).
    const auto names = std::make_shared<sigma::FieldNameSet>();
    for (int i = 0; i < paths.size(); ++i) {
        const QString& path = paths.at(i);
        sigma::ReadOptions options;
        // The original XML of an .evtx record is decoded again when shown (sigma::eventXml): kept
        // for every event it was most of their memory. Event XML and JSON files keep theirs.
        options.keepOriginalXml = !path.endsWith(QLatin1String(".evtx"), Qt::CaseInsensitive);
        options.names = names;
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
            // Values repeated within the file (provider, channel, computer, SIDs, ...) kept once: the
            // loaded events take ~40 % less memory (docs/events.md, "Memory").
            sigma::shareRepeatedValues(read.events);
            added.insert(added.end(), std::make_move_iterator(read.events.begin()),
                         std::make_move_iterator(read.events.end()));
        }
        if (read.cancelled || (cancel && cancel->load())) {
            result->cancelled = true;
            break;
        }
    }
    // Up to half of a grown vector is spare (1M events: up to ~70 MB), given back when it is much;
    // not always, as the copy holds both for a moment.
    if (added.capacity() - added.size() > added.size() / 4)
        added.shrink_to_fit();
    result->added = added.size();
    auto events = std::make_shared<EventList>();
    if (existing)
        events->append(*existing);
    events->append(std::move(added));
    result->events = std::move(events);
    result->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    if (progress)
        progress(1000, {});
    return result;
}

} // namespace sigmaui
