#include "corpusloader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace sigmaui {

CorpusLoader::CorpusLoader(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<CorpusLoadResultPtr>();
}

CorpusLoader::~CorpusLoader()
{
    cancel();
}

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
    cancel();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = ++m_generation;
    m_loading = true;
    Q_EMIT started(path);
    QPointer<CorpusLoader> self(this);
    auto cancelFlag = m_cancel;
    // Progress is throttled to whole permille steps so the event queue is never flooded.
    auto lastPermille = std::make_shared<std::atomic<int>>(-1);
    auto report = [self, generation, lastPermille](qint64 done, qint64 total) {
        const int permille = total > 0 ? int(done * 1000 / total) : 0;
        if (lastPermille->exchange(permille) == permille)
            return;
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, done, total] {
                if (self && self->m_generation == generation)
                    Q_EMIT self->progress(done, total);
            },
            Qt::QueuedConnection);
    };
    (void)QtConcurrent::run([self, path, cancelFlag, generation, report] {
        CorpusLoadResultPtr result = run(path, cancelFlag.get(), report);
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, result] {
                if (!self || self->m_generation != generation)
                    return; // superseded or cancelled by a newer load
                self->m_loading = false;
                Q_EMIT self->finished(result);
            },
            Qt::QueuedConnection);
    });
}

void CorpusLoader::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace sigmaui
