#pragma once

// The corpus half of the workbench, installed into the main window with one call: a rules folder
// opened as the corpus (remembered across starts, loaded in the background with progress and
// cancel), the Corpus browser, the Indicators pane of the rule being edited, technique pages,
// completion and hover in the editor, and the ATT&CK Navigator export.

#include "corpusloader.h"
#include "indicatorsmodel.h"

#include "../eventset.h"
#include "../jobtracker.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>

class QCommandLineParser;
class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;
class QTreeView;

namespace sigmaui {

class CorpusFilterProxy;
class CorpusTreeModel;
class IndicatorsPane;
class MainWindow;
class RuleEditor;
class TechniqueView;

struct CorpusFeaturesOptions {
    bool restoreCorpus = true; ///< load the corpus remembered in QSettings at start
};

class CorpusFeatures : public QObject {
    Q_OBJECT
public:
    explicit CorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options = {});
    ~CorpusFeatures() override;

    /// The features installed in a window (nullptr when none).
    static CorpusFeatures* of(const MainWindow* window);

    /// Loads a rules folder as the corpus in the background and remembers it.
    void openCorpus(const QString& folder);
    void cancelLoading();
    bool isLoading() const;
    CorpusPtr corpus() const { return m_corpus; }
    QString corpusPath() const { return m_corpusPath; }

    /// Shows the technique page (at once, or when the corpus being loaded is ready).
    TechniqueView* showTechnique(const QString& techniqueId);
    TechniqueView* currentTechniqueView() const;
    /// Writes the ATT&CK Navigator layer of the loaded corpus; false with `error` naming the file.
    bool exportNavigatorLayer(const QString& path, QString* error = nullptr) const;

    /// The hover text at a 1-based line and character column of the current rule: the figures
    /// of the indicator there, or the name and tactics of the ATT&CK tag there; empty if none.
    QString hoverTextAt(RuleEditor* editor, int line, int column) const;
    /// Selects an indicator's value in the current editor.
    void selectIndicator(const IndicatorFigures& figures);
    /// The technique of the tag at the cursor of the current editor, if any.
    QString techniqueAtCursor() const;

    IndicatorsPane* indicatorsPane() const { return m_indicators; }
    CorpusTreeModel* treeModel() const { return m_treeModel; }
    CorpusFilterProxy* treeProxy() const { return m_treeProxy; }
    QTreeView* treeView() const { return m_tree; }
    QLineEdit* searchEdit() const { return m_search; }
    QComboBox* groupingBox() const { return m_grouping; }
    QDockWidget* corpusDock() const { return m_corpusDock; }
    QDockWidget* indicatorsDock() const { return m_indicatorsDock; }
    QDockWidget* techniqueDock() const { return m_techniqueDock; }
    QMenu* menu() const { return m_menu; }
    /// Field names seen in the loaded events (cached per event set).
    QStringList eventFieldNames() const;

    /// Attaches completion, hover and Ctrl+click to an editor (idempotent).
    void attachEditor(RuleEditor* editor);

Q_SIGNALS:
    void corpusLoaded(sigmaui::CorpusLoadResultPtr result);
    /// The Indicators pane shows the figures of the current rule (baseline included when events are loaded).
    void indicatorsUpdated();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

public:
    static constexpr int BaselineDelayMs = 300;

private:
    QWidget* createBrowser();
    void createMenu();
    void onLoaded(const CorpusLoadResultPtr& result);
    void updateIndicators();
    /// Stops the baseline count of an older text (an edit, or the pane closed) so that it does
    /// not compete with the live evaluation for the cores; the next result starts a new one.
    void cancelBaseline();
    /// Counts the baseline of the shown indicators in the background unless it is counted, the
    /// pane is closed or a newer evaluation is coming.
    void startBaseline();
    /// startBaseline() once typing pauses (BaselineDelayMs after the last result), so the count
    /// never takes the cores while the GUI shows the verdicts of an edit or the next one runs.
    void scheduleBaseline();
    void activateTreeIndex(const QModelIndex& index);

    MainWindow* m_window;
    CorpusFeaturesOptions m_options;
    CorpusLoader* m_loader;
    CorpusPtr m_corpus;
    QString m_corpusPath;
    QString m_pendingTechnique;

    CorpusTreeModel* m_treeModel;
    CorpusFilterProxy* m_treeProxy;
    QTreeView* m_tree = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_grouping = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    IndicatorsPane* m_indicators = nullptr;
    QTabWidget* m_techniqueTabs = nullptr;
    QDockWidget* m_corpusDock = nullptr;
    QDockWidget* m_indicatorsDock = nullptr;
    QDockWidget* m_techniqueDock = nullptr;
    QMenu* m_menu = nullptr;
    QSet<QObject*> m_attached;

    // The rule shown in the Indicators pane, and the baseline job generation.
    QString m_shownText;
    std::shared_ptr<const void> m_shownParsed;
    EventListPtr m_shownEvents;
    CorpusPtr m_shownCorpus;
    JobTracker m_baselineJob; ///< the count of the rule shown, cancelled by an edit
    QTimer m_baselineDelay;
    std::shared_ptr<const void> m_baselineParsed; ///< the rule counted or being counted
    QString m_indicatorsSummary;                  ///< the pane's summary without the baseline
    mutable EventListPtr m_fieldNamesFor;
    mutable QStringList m_fieldNames;
};

/// Installs the corpus features into a main window (docks, Corpus menu, editor hooks).
CorpusFeatures* installCorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options = {});

/// `--corpus DIR` and `--technique TID` for sigma-workbench.
void configureCorpusCommandLine(QCommandLineParser& parser);
void openCorpusStartup(MainWindow& window, const QCommandLineParser& parser);

} // namespace sigmaui
