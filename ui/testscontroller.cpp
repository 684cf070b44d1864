#include "testscontroller.h"

#include "eventsmodel.h"
#include "ruledocument.h"
#include "ruletestsupport.h"
#include "workbenchcontext.h"

#include "events/reader.h"
#include "validation/marking.h"

#include <QDir>
#include <QStringList>

namespace sigmaui {

TestsController::TestsController(WorkbenchContext* context, EventsModel* events, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_events(events)
{
    connect(&m_marksJob, &JobTracker::progress, this, [this](int permille) { Q_EMIT marksProgress(permille); });
    connect(&m_marksJob, &JobTracker::busyChanged, this, [this] { Q_EMIT busyChanged(isBusy()); });
}

bool TestsController::isBusy() const
{
    if (m_marksJob.isPending())
        return true;
    for (const JobTracker* loader : m_loaders)
        if (loader->isPending())
            return true;
    return false;
}

JobTracker* TestsController::loaderOf(RuleDocument* document)
{
    if (JobTracker* loader = m_loaders.value(document))
        return loader;
    auto* loader = new JobTracker(JobTracker::Lane::Background, document);
    m_loaders.insert(document, loader);
    connect(document, &QObject::destroyed, this, [this, document] { m_loaders.remove(document); });
    connect(loader, &JobTracker::busyChanged, this, [this] { Q_EMIT busyChanged(isBusy()); });
    return loader;
}

void TestsController::reload(RuleDocument* document)
{
    if (!document)
        return;
    const QString path = document->path();
    if (path.isEmpty()) {
        document->evaluator()->setTests(nullptr);
        return;
    }
    // The manifest and its event files are read off the GUI thread; the evaluator re-runs with them.
    LiveEvaluator* evaluator = document->evaluator();
    const bool allow = m_allowOutsidePaths;
    loaderOf(document)->start([path, allow](const JobContext&) { return loadTestSet(path, allow); },
                              [this, evaluator, path](TestSetPtr tests) {
                                  const QStringList refused = tests ? outsidePathRefusals(*tests) : QStringList();
                                  evaluator->setTests(std::move(tests));
                                  showOutsideRefusal(path, refused);
                              });
}

void TestsController::showOutsideRefusal(const QString& path, const QStringList& refused)
{
    MessageBanner* banner = m_context->banner();
    if (refused.isEmpty() || m_allowOutsidePaths) { // the cause is gone: so is its banner
        if (path == m_outsidePath || m_allowOutsidePaths) {
            if (!m_outsideText.isEmpty() && !banner->isHidden() && banner->text() == m_outsideText)
                banner->dismiss();
            m_outsideText.clear();
        }
        return;
    }
    m_outsidePath = path;
    m_outsideText =
        tr("The tests of %1 were not read: %2").arg(QDir::toNativeSeparators(path), refused.join(QStringLiteral("; ")));
    m_context->showMessage(MessageBanner::Kind::Warning, m_outsideText, tr("Allow Files Outside (This Session)"),
                           [this] { setAllowOutsidePaths(true); });
}

void TestsController::setAllowOutsidePaths(bool allow)
{
    if (m_allowOutsidePaths == allow)
        return;
    m_allowOutsidePaths = allow;
    const QList<RuleDocument*> documents = m_loaders.keys();
    for (RuleDocument* document : documents)
        reload(document);
}

void TestsController::updateMarks()
{
    RuleDocument* document = m_context->currentDocument();
    const TestSetPtr tests = document ? document->evaluator()->tests() : nullptr;
    const EventListPtr events = m_context->events();
    // A correlation's tests count its results (per group), not events: a file it must not fire on
    // may hold events its base rules rightly match, so no event is marked from them.
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    const bool correlations = last && last->parsed && sigma::holdsCorrelation(*last->parsed);
    if (!document || !tests || !events || correlations) {
        m_marksJob.cancel();
        m_marksFor.clear();
        m_events->setTestMarks({});
        Q_EMIT marksShown();
        return;
    }
    RuleDocument::TestMarks& known = document->testMarks();
    if (known.events == events && known.tests == tests) {
        if (m_marksFor == document)
            m_marksJob.cancel(); // a job for an older version of the tests or events
        m_marksFor.clear();
        m_events->setTestMarks(known.marks);
        Q_EMIT marksShown();
        return;
    }
    if (m_marksJob.isPending() && m_marksFor == document && m_marksEvents == events && m_marksTests == tests)
        return; // being computed
    // Until the new marks arrive, the old ones stay when they are of the same events.
    if (known.events != events)
        m_events->setTestMarks({});
    m_marksFor = document;
    m_marksEvents = events;
    m_marksTests = tests;
    QPointer<RuleDocument> target(document);
    m_marksJob.start(
        [tests, events](const JobContext& job) {
            // Each look-up serialises an event: thousands take a while.
            return testMarksOf(*tests, *events, 5000, job.cancelFlag(),
                               [&job](int permille) { job.reportProgress(permille); });
        },
        [this, target, tests, events](std::vector<int> marks) {
            m_marksFor.clear();
            if (!target)
                return;
            RuleDocument::TestMarks& stored = target->testMarks();
            stored.marks = std::move(marks);
            stored.events = events;
            stored.tests = tests;
            if (target == m_context->currentDocument() && events == m_context->events()) {
                m_events->setTestMarks(stored.marks);
                Q_EMIT marksShown();
            }
        });
}

bool TestsController::ensureSaved(const QString& what)
{
    RuleDocument* document = m_context->currentDocument();
    if (!document)
        return false;
    if (document->path().isEmpty()) {
        m_context->showMessage(MessageBanner::Kind::Warning,
                               tr("Save the rule before %1: its tests are kept beside the rule file.").arg(what),
                               tr("Save As…"), [this] {
                                   if (m_saveAs)
                                       m_saveAs();
                               });
        return false;
    }
    return true;
}

bool TestsController::markEvents(int kind, const QList<int>& rows)
{
    RuleDocument* document = m_context->currentDocument();
    if (!document || !m_context->events() || !ensureSaved(tr("marking tests")) || rows.isEmpty())
        return false;
    // The user's own action on a few events: the manifest is written here, at once.
    sigma::RuleTests group = sigma::openRuleTests(document->path().toStdString());
    bool changed = false;
    for (int row : rows) {
        const sigma::Event* e = m_events->eventAt(row);
        if (!e)
            continue;
        std::string error;
        if (kind < 0) {
            changed = sigma::unmarkEvent(group, sigma::eventXml(*e), e->origin.recordId) || changed;
        } else if (sigma::markEvent(group, sigma::eventXml(*e), e->origin.recordId, sigma::ExpectationKind(kind),
                                    error)) {
            changed = true;
        } else {
            m_context->showMessage(MessageBanner::Kind::Error,
                                   tr("Could not mark the event: %1").arg(QString::fromStdString(error)));
            break;
        }
    }
    if (!changed) {
        // A mark read from a folder manifest (or SigmaHQ info) is not ours to rewrite.
        const TestSetPtr tests = document->evaluator()->tests();
        QStringList others;
        if (kind < 0 && tests)
            for (const auto& source : tests->sources)
                if (source != group.manifest)
                    others << QDir::toNativeSeparators(QString::fromStdString(source));
        if (!others.isEmpty())
            m_context->showMessage(
                MessageBanner::Kind::Information,
                tr("These marks come from %1: edit that file to remove them.").arg(others.join(QStringLiteral(", "))));
        return false;
    }
    std::string error;
    if (!sigma::saveRuleTests(group, error)) {
        m_context->showMessage(MessageBanner::Kind::Error,
                               tr("Could not save the tests: %1").arg(QString::fromStdString(error)));
        return false;
    }
    m_context->showStatus(tr("Tests saved to %1").arg(QDir::toNativeSeparators(QString::fromStdString(group.manifest))),
                          3000);
    reload(document);
    return true;
}

} // namespace sigmaui
