#pragma once

#include "../jobtracker.h"

#include "corpus/corpus.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace sigmaui {

/// A loaded corpus, shared read-only between the GUI and background jobs.
using CorpusPtr = std::shared_ptr<const sigma::Corpus>;

struct CorpusLoadResult {
    CorpusPtr corpus; ///< null when the folder does not exist
    QString path;
    bool cancelled = false;
    double milliseconds = 0;
    QString error; ///< names the folder when it could not be read
};
using CorpusLoadResultPtr = std::shared_ptr<const CorpusLoadResult>;

/// Loads a folder of Sigma rules as the corpus on a worker thread, with progress and cancel. One
/// load at a time: a new load cancels the running one, whose result is then dropped.
class CorpusLoader : public QObject {
    Q_OBJECT
public:
    explicit CorpusLoader(QObject* parent = nullptr);
    ~CorpusLoader() override;

    void load(const QString& path);
    /// Stops the running load early; the rules read so far are still delivered (result->cancelled).
    void cancel();
    bool isLoading() const { return m_jobs.isPending(); }

    /// The job itself, synchronous (tests, benchmarks).
    static CorpusLoadResultPtr run(const QString& path, const std::atomic<bool>* cancel,
                                   const std::function<void(qint64 done, qint64 total)>& progress);

Q_SIGNALS:
    void started(const QString& path);
    void progress(qint64 done, qint64 total);
    void finished(sigmaui::CorpusLoadResultPtr result);

private:
    JobTracker m_jobs;
};

} // namespace sigmaui

Q_DECLARE_METATYPE(sigmaui::CorpusLoadResultPtr)
