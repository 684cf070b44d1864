#include "corpusloader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <atomic>

namespace sigmaui {

CorpusLoader::CorpusLoader(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<CorpusLoadResultPtr>();
}

CorpusLoader::~CorpusLoader() = default; // a running load is cancelled, never waited for

CorpusLoadResultPtr CorpusLoader::run(const QString& path, const std::atomic<bool>* cancel,
                                      const std::function<void(qint64, qint64)>& progress)
{
    auto result = std::make_shared<CorpusLoadResult>();
    result->path = path;
    QElapsedTimer timer;
    timer.start();
    const QFileInfo info(path);
    if (!info.exists()) {
        result->error = QCoreApplication::translate("sigmaui", "%1: no such rules folder").arg(path);
        return result;
    }
    sigma::LoadOptions options;
    options.cancel = cancel;
    if (progress)
        options.progress = [&progress](std::size_t done, std::size_t total) {
            progress(qint64(done), qint64(total));
            return true;
        };
    auto corpus = std::make_shared<sigma::Corpus>(sigma::Corpus::load(info.absoluteFilePath().toStdString(), options));
    result->cancelled = corpus->cancelled();
    result->corpus = std::move(corpus);
    result->milliseconds = double(timer.nsecsElapsed()) / 1e6;
    return result;
}

void CorpusLoader::load(const QString& path)
{
    Q_EMIT started(path);
    m_jobs.start(
        [this, path](const JobContext& job) {
            // Progress is throttled to whole permille steps so the event queue is never flooded.
            std::atomic<int> lastPermille{-1}; // the corpus may report from several threads
            return run(path, job.cancelFlag(), [&](qint64 done, qint64 total) {
                const int permille = total > 0 ? int(done * 1000 / total) : 0;
                if (lastPermille.exchange(permille) != permille)
                    job.post([this, done, total] { Q_EMIT progress(done, total); }); // only while the loader lives
            });
        },
        [this](const CorpusLoadResultPtr& result) { Q_EMIT finished(result); });
}

void CorpusLoader::cancel()
{
    m_jobs.stop();
}

} // namespace sigmaui
