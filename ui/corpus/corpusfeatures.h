#pragma once

// The corpus half of the workbench, installed into the main window with one call. Its parts:
// the corpus session (a rules folder loaded in the background, remembered across starts), the
// Corpus browser dock, the Indicators controller, the technique pages and the editor assistance
// (completion, hover, Ctrl+click); they reach the window only through its WorkbenchContext.

#include "corpusloader.h"
#include "indicatorsmodel.h"

#include <QObject>

class QComboBox;
class QDockWidget;
class QLineEdit;
class QMenu;
class QTreeView;

namespace sigmaui {

class CorpusBrowser;
class CorpusFilterProxy;
class CorpusSession;
class CorpusTreeModel;
class EditorAssistance;
class IndicatorsController;
class IndicatorsPane;
class MainWindow;
class RuleEditor;
class RulePageView;
class TechniquePages;
class TechniqueView;
class WorkbenchContext;

struct CorpusFeaturesOptions {
    bool restoreCorpus = true; ///< load the corpus remembered in QSettings at start
};

class CorpusFeatures : public QObject {
    Q_OBJECT
public:
    CorpusFeatures(WorkbenchContext* context, const CorpusFeaturesOptions& options = {});
    ~CorpusFeatures() override;

    /// The features installed in a window (nullptr when none).
    static CorpusFeatures* of(const MainWindow* window);

    CorpusSession* session() const { return m_session; }
    IndicatorsController* indicators() const { return m_indicators; }
    TechniquePages* techniques() const { return m_techniques; }
    EditorAssistance* assistance() const { return m_assistance; }

    // Shortcuts to the parts (tests, the command line).
    void openCorpus(const QString& folder);
    void cancelLoading();
    bool isLoading() const;
    CorpusPtr corpus() const;
    QString corpusPath() const;
    TechniqueView* showTechnique(const QString& techniqueId);
    TechniqueView* currentTechniqueView() const;
    bool exportNavigatorLayer(const QString& path, QString* error = nullptr) const;
    QString hoverTextAt(RuleEditor* editor, int line, int column) const;
    void selectIndicator(const IndicatorFigures& figures);
    QString techniqueAtCursor() const;
    QStringList eventFieldNames() const;
    void attachEditor(RuleEditor* editor);

    IndicatorsPane* indicatorsPane() const;
    CorpusTreeModel* treeModel() const;
    CorpusFilterProxy* treeProxy() const;
    QTreeView* treeView() const;
    QLineEdit* searchEdit() const;
    QComboBox* groupingBox() const;
    QComboBox* vendorBox() const;
    RulePageView* showRulePage(const QString& file, const QString& id = {});
    RulePageView* currentRulePage() const;
    QDockWidget* corpusDock() const { return m_corpusDock; }
    QDockWidget* indicatorsDock() const;
    QMenu* menu() const { return m_menu; }

    static constexpr int BaselineDelayMs = 300;

Q_SIGNALS:
    void corpusLoaded(sigmaui::CorpusLoadResultPtr result);
    /// The Indicators pane shows the figures of the current rule (baseline included when events are loaded).
    void indicatorsUpdated();

private:
    void placeDocks();
    void createMenu();

    WorkbenchContext* m_context;
    CorpusSession* m_session;
    CorpusBrowser* m_browser;
    IndicatorsController* m_indicators;
    TechniquePages* m_techniques;
    EditorAssistance* m_assistance;
    QDockWidget* m_corpusDock;
    QMenu* m_menu = nullptr;
};

/// Installs the corpus features into a main window (docks, Corpus menu, editor hooks).
CorpusFeatures* installCorpusFeatures(MainWindow* window, const CorpusFeaturesOptions& options = {});

} // namespace sigmaui
