#pragma once

// The Query pane: the current rule as a query of a chosen target (Splunk SPL, ES|QL, EQL, Lucene,
// KQL, SQLite) after a chosen processing pipeline (none, a built-in one, or a pySigma YAML file),
// updated with each live evaluation of the rule as it is typed. A click on a part of the query
// selects the rule text it comes from; moving the editor's cursor highlights the query parts that
// come from there. What the target cannot express goes to the Problems pane (problemsChanged).

#include "liveevaluator.h"

#include "conversion/conversion.h"
#include "conversion/pipeline.h"
#include "validation/export.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace sigmaui {

class RuleDocument;
class WorkbenchContext;

/// "Splunk SPL", "Elastic ES|QL", ...: a target as the workbench names it.
QString queryTargetLabel(sigma::conversion::Target target);
/// The pipeline choices (none, each built-in one, sysmon + ecs / splunk-cim) appended to `box`; each
/// item's data is the list of built-in names applied (QStringList; empty: none).
void addPipelineChoices(QComboBox* box);

class QueryPane : public QWidget {
    Q_OBJECT
public:
    explicit QueryPane(WorkbenchContext* context, QWidget* parent = nullptr);

    /// Creates the pane and its dock (tabbed with the Explanation pane) in the context's window.
    static QueryPane* install(WorkbenchContext* context);

    QComboBox* targetBox() const { return m_target; }
    QComboBox* pipelineBox() const { return m_pipeline; }
    QPlainTextEdit* queryView() const { return m_query; }
    QToolButton* copyButton() const { return m_copy; }
    QString queryText() const;
    QString statusText() const;
    /// Adds a pipeline file to the choices and selects it; false (the reason in the status line)
    /// when it cannot be read.
    bool choosePipelineFile(const QString& path);
    /// The export bundle holds the query of the chosen target and pipeline (sigma::ExportOptions).
    void addToExport(sigma::ExportOptions& options) const;
    /// Microseconds the last conversion (pipelines and writing) took.
    double lastConversionUs() const { return m_lastUs; }

Q_SIGNALS:
    /// The conversion problems of the shown rule (empty when it converts), for the Problems pane.
    void problemsChanged(const sigmaui::RuleDocument* document, const sigma::Diagnostics& problems);
    /// A query (or a problem) was shown for the current document's newest evaluation.
    void queryShown();

protected:
    void changeEvent(QEvent* event) override;

private:
    /// The query's text colour: the theme's, greyed while the query is stale.
    void applyTextColor();

    void onCurrentDocumentChanged(RuleDocument* document);
    void onPipelineActivated(int index);
    bool loadPipelineChoice();
    void refresh(bool force = false);
    void showQuery(const sigma::conversion::ConversionResult& result, bool stale);
    void selectOrigin();
    void highlightFromEditor();

    WorkbenchContext* m_context;
    QComboBox* m_target;
    QComboBox* m_pipeline;
    QToolButton* m_copy;
    QPlainTextEdit* m_query;
    QLabel* m_status;
    QPointer<RuleDocument> m_document;
    QMetaObject::Connection m_cursorConnection;
    std::vector<sigma::conversion::Pipeline> m_pipelines;
    QString m_pipelineError;
    EvaluationPtr m_shown; ///< the evaluation converted last, with the choices below
    int m_shownTarget = -1, m_shownPipeline = -1;
    /// The query's fragments as character ranges of the shown text, with their rule spans.
    struct Fragment {
        int begin = 0, end = 0;
        sigma::SourceSpan origin;
    };
    std::vector<Fragment> m_fragments;
    bool m_settingText = false;
    bool m_stale = false;
    int m_lastPipelineIndex = 0;
    double m_lastUs = 0;
};

} // namespace sigmaui
