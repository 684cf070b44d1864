#include "corpussession.h"

#include "../workbenchcontext.h"

#include <QFileInfo>
#include <QSettings>

namespace sigmaui {

namespace {
const QString CorpusPathKey = QStringLiteral("corpus/path");
} // namespace

CorpusSession::CorpusSession(WorkbenchContext* context, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_loader(new CorpusLoader(this))
{
    connect(m_loader, &CorpusLoader::progress, this, &CorpusSession::progress);
    connect(m_loader, &CorpusLoader::finished, this, &CorpusSession::onLoaded);
}

CorpusSession::~CorpusSession()
{
    m_loader->cancel();
}

QString CorpusSession::rememberedFolder()
{
    const QString remembered = QSettings().value(CorpusPathKey).toString();
    return !remembered.isEmpty() && QFileInfo::exists(remembered) ? remembered : QString();
}

void CorpusSession::open(const QString& folder)
{
    m_path = QFileInfo(folder).absoluteFilePath();
    QSettings().setValue(CorpusPathKey, m_path);
    Q_EMIT loadingStarted(m_path);
    m_loader->load(m_path);
}

void CorpusSession::cancel()
{
    m_loader->cancel();
}

bool CorpusSession::isLoading() const
{
    return m_loader->isLoading();
}

void CorpusSession::onLoaded(const CorpusLoadResultPtr& result)
{
    if (!result->error.isEmpty()) {
        m_context->showMessage(MessageBanner::Kind::Error, result->error);
        Q_EMIT loaded(result);
        return;
    }
    m_corpus = result->corpus;
    if (result->cancelled) {
        m_context->showMessage(
            MessageBanner::Kind::Warning,
            tr("Loading the corpus was cancelled; %n rule(s) were read.", nullptr, int(m_corpus->rules().size())));
    } else if (!m_corpus->brokenFiles().empty()) {
        const QString first = m_corpus->diagnostics().empty()
                                  ? QString::fromStdString(m_corpus->brokenFiles().front())
                                  : QString::fromStdString(m_corpus->diagnostics().front().format());
        m_context->showMessage(MessageBanner::Kind::Warning,
                               tr("%n corpus file(s) had errors and were left out. First: %1", nullptr,
                                  int(m_corpus->brokenFiles().size()))
                                   .arg(first));
    }
    Q_EMIT loaded(result);
}

} // namespace sigmaui
