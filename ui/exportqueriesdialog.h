#pragma once

// File > Export's first question: which query targets the bundle holds (the rule converted into
// each target ticked, as `queries/<rule>.<ext>` and a section of REPORT.md) and the processing
// pipeline applied to them; the same choice as `sigmawb export --target T... --pipeline P...`.

#include <QDialog>
#include <QStringList>

class QComboBox;
class QListWidget;

namespace sigmaui {

/// The queries an export holds.
struct ExportQueryChoice {
    QStringList targets;   ///< target names ("splunk", "esql", ...; conversion/conversion.h)
    QStringList pipelines; ///< built-in pipeline names or pipeline files, applied by priority
    friend bool operator==(const ExportQueryChoice&, const ExportQueryChoice&) = default;
};

class ExportQueriesDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportQueriesDialog(const ExportQueryChoice& choice, QWidget* parent = nullptr);

    /// The targets ticked (in the list's order) and the pipeline chosen.
    ExportQueryChoice choice() const;
    /// Ticks exactly `targets` (names; unknown names are ignored).
    void setTargets(const QStringList& targets);
    /// Selects the pipeline choice applying `pipelines` (a file not yet listed is added).
    void setPipelines(const QStringList& pipelines);

    QListWidget* targetList() const { return m_targets; }
    QComboBox* pipelineBox() const { return m_pipeline; }

private:
    void onPipelineActivated(int index);
    void updatePipelineEnabled();

    QListWidget* m_targets;
    QComboBox* m_pipeline;
    int m_lastPipelineIndex = 0;
};

} // namespace sigmaui
