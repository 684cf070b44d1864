#pragma once

#include "corpusloader.h"

#include <QObject>
#include <QString>

namespace sigmaui {

class WorkbenchContext;

/// The corpus of the workbench: a rules folder loaded in the background (progress, cancel),
/// remembered across starts; load problems are told in the banner.
class CorpusSession : public QObject {
    Q_OBJECT
public:
    explicit CorpusSession(WorkbenchContext* context, QObject* parent = nullptr);
    ~CorpusSession() override;

    /// Loads a rules folder as the corpus in the background and remembers it.
    void open(const QString& folder);
    /// The folder remembered from an earlier start (empty when none, or it is gone).
    static QString rememberedFolder();
    void cancel();
    bool isLoading() const;
    CorpusPtr corpus() const { return m_corpus; }
    QString path() const { return m_path; }

Q_SIGNALS:
    void loadingStarted(const QString& path);
    void progress(qint64 done, qint64 total);
    /// A load finished: corpus() is its corpus unless it failed (result->error).
    void loaded(sigmaui::CorpusLoadResultPtr result);

private:
    void onLoaded(const CorpusLoadResultPtr& result);

    WorkbenchContext* m_context;
    CorpusLoader* m_loader;
    CorpusPtr m_corpus;
    QString m_path;
};

} // namespace sigmaui
