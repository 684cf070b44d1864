#pragma once

#include "eventset.h"
#include "jobtracker.h"
#include "liveevaluator.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

namespace sigmaui {

class EventsModel;
class RuleDocument;
class WorkbenchContext;

/// The rules' tests in the workbench (issue 9): the manifest beside each saved rule is read with
/// its events on a worker and handed to the rule's live evaluation; the marks of the loaded
/// events (which event is "must match", "must not match", baseline) are computed on a worker
/// with progress and shown in the Test pane; marking events writes the manifest.
class TestsController : public QObject {
    Q_OBJECT
public:
    TestsController(WorkbenchContext* context, EventsModel* events, QObject* parent = nullptr);

    /// Reads the tests beside the document's file off the GUI thread; its evaluator re-runs with them.
    void reload(RuleDocument* document);
    /// Shows the current document's marks of the loaded events: at once when they are known,
    /// else computed off the GUI thread (marksProgress, then marksShown).
    void updateMarks();
    /// Marks events (source rows) in the current rule's beside manifest: `kind` is
    /// int(sigma::ExpectationKind), or -1 to unmark. An unsaved rule is refused with a banner
    /// offering to save it. Returns false when nothing was marked.
    bool markEvents(int kind, const QList<int>& rows);
    /// A banner asking to save the current rule first (tests live beside the rule file); false
    /// when it has no file yet.
    bool ensureSaved(const QString& what);
    /// Tests being read or marks being computed.
    bool isBusy() const;

    void setSaveAs(std::function<void()> saveAs) { m_saveAs = std::move(saveAs); }

    /// Whether manifests may name rules and event files outside their workspace (issue 19: refused
    /// by default, with a banner offering to allow it; for this session only, never remembered).
    /// Changing it re-reads the tests of every open rule.
    void setAllowOutsidePaths(bool allow);
    bool allowOutsidePaths() const { return m_allowOutsidePaths; }

Q_SIGNALS:
    /// Computing the marks: permille done.
    void marksProgress(int permille);
    /// The marks of the current document were shown (also when there are none).
    void marksShown();
    void busyChanged(bool busy);

private:
    JobTracker* loaderOf(RuleDocument* document);
    /// The banner offering to allow files outside the workspace, or its dismissal once they are read.
    void showOutsideRefusal(const QString& path, const QStringList& refused);

    WorkbenchContext* m_context;
    EventsModel* m_events;
    JobTracker m_marksJob;
    QHash<RuleDocument*, JobTracker*> m_loaders;
    /// What the running marks job computes for.
    QPointer<RuleDocument> m_marksFor;
    EventListPtr m_marksEvents;
    TestSetPtr m_marksTests;
    std::function<void()> m_saveAs;
    bool m_allowOutsidePaths = false;
    QString m_outsideText; ///< the refusal banner's text while it is shown
    QString m_outsidePath; ///< the rule it is about
};

} // namespace sigmaui
