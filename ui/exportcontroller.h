#pragma once

#include "exportqueriesdialog.h"

#include "validation/export.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace sigmaui {

class DocumentTabs;
class RuleDocument;
class TestsController;
class WorkbenchContext;

/// File > Export: the current (saved) rule with its tests, and its queries for the targets the user
/// picks (ExportQueriesDialog, remembered in QSettings), to a folder or a .zip. Refusals (lint
/// errors, failing tests, a target the rule cannot be converted into) are shown in the banner with
/// an "Export anyway…" action.
class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(WorkbenchContext* context, DocumentTabs* tabs, TestsController* tests, QObject* parent = nullptr);

    /// Exports the current rule to `destination` (a folder or a .zip) unless refused (`force`: anyway).
    sigma::ExportResult exportCurrentRule(const QString& destination, bool force);
    /// Asks for the queries (targets and pipeline), plans, shows refusals, asks for the
    /// destination, writes.
    void exportInteractive(bool force = false);

    /// The queries the export holds: the user's last choice, or before any the Query pane's target
    /// and pipeline (setOptionsProvider).
    ExportQueryChoice queryChoice() const;
    /// Remembers `choice` (QSettings) for the next exports.
    void setQueryChoice(const ExportQueryChoice& choice);
    /// Asks for the queries (true: `choice` was changed and accepted). Replaceable for tests.
    using QueryQuestion = std::function<bool(ExportQueryChoice& choice)>;
    void setQueryQuestion(QueryQuestion question) { m_askQueries = std::move(question); }

    /// Chooses the export destination (empty: cancelled). Replaceable for tests.
    using PathQuestion = std::function<QString(const QString& suggestion)>;
    void setPathQuestion(PathQuestion question) { m_askPath = std::move(question); }
    /// Adds to the export's options: the Query pane's target and pipeline, the queries of an export
    /// before the user chose any (queryChoice).
    using OptionsProvider = std::function<void(sigma::ExportOptions&)>;
    void setOptionsProvider(OptionsProvider provider) { m_options = std::move(provider); }
    /// The loaded corpus, for REPORT.md's corpus reach column (null: none loaded).
    using CorpusProvider = std::function<std::shared_ptr<const sigma::Corpus>()>;
    void setCorpusProvider(CorpusProvider provider) { m_corpus = std::move(provider); }
    /// The event sets the rule was tried on (the loaded events by the files they came from, with
    /// the current rule's matches), as REPORT.md lists them.
    std::vector<sigma::ExportEventSet> loadedEventSets() const;

    /// A new live result of the current rule: the "Export refused" banner goes once its cause is
    /// gone (the rule compiles and its tests pass).
    void onResultShown();

private:
    void showRefusals(const std::vector<std::string>& refusals);
    void dismissRefusals();
    sigma::ExportPlan plan(const RuleDocument* document) const;
    void exportAsking(bool force, bool askQueries);

    WorkbenchContext* m_context;
    DocumentTabs* m_tabs;
    TestsController* m_tests;
    PathQuestion m_askPath;
    QueryQuestion m_askQueries;
    OptionsProvider m_options;
    CorpusProvider m_corpus;
    QString m_refusalText; ///< the refusal banner this controller shows (empty: none)
};

} // namespace sigmaui
