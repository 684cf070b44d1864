#pragma once

#include "validation/export.h"

#include <QObject>
#include <QString>

#include <functional>

namespace sigmaui {

class DocumentTabs;
class RuleDocument;
class TestsController;
class WorkbenchContext;

/// File > Export: the current (saved) rule with its tests to a folder or a .zip. Refusals (lint
/// errors, failing tests) are shown in the banner with an "Export anyway…" action.
class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(WorkbenchContext* context, DocumentTabs* tabs, TestsController* tests, QObject* parent = nullptr);

    /// Exports the current rule to `destination` (a folder or a .zip) unless refused (`force`: anyway).
    sigma::ExportResult exportCurrentRule(const QString& destination, bool force);
    /// Plans, shows refusals, asks for the destination, writes.
    void exportInteractive(bool force = false);

    /// Chooses the export destination (empty: cancelled). Replaceable for tests.
    using PathQuestion = std::function<QString(const QString& suggestion)>;
    void setPathQuestion(PathQuestion question) { m_askPath = std::move(question); }
    /// Adds to the export's options (the Query pane's target and pipeline: the bundle holds the query).
    using OptionsProvider = std::function<void(sigma::ExportOptions&)>;
    void setOptionsProvider(OptionsProvider provider) { m_options = std::move(provider); }

private:
    void showRefusals(const std::vector<std::string>& refusals);
    sigma::ExportPlan plan(const RuleDocument* document) const;

    WorkbenchContext* m_context;
    DocumentTabs* m_tabs;
    TestsController* m_tests;
    PathQuestion m_askPath;
    OptionsProvider m_options;
};

} // namespace sigmaui
