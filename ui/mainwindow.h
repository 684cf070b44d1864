#pragma once

#include "eventloader.h"
#include "eventset.h"
#include "liveevaluator.h"

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <map>
#include <memory>

class QCheckBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QTabWidget;
class QTableView;
class QToolButton;
class QTreeView;

namespace sigma {
struct ExportResult;
}

namespace sigmaui {

class EventFieldsModel;
class EventsFilterProxy;
class EventsModel;
class ExplanationModel;
class MessageBanner;
class ProblemsModel;
class RecoveryStore;
class RuleEditor;
class Security5156Switch;
class SyntaxSupport;

struct MainWindowOptions {
    QString recoveryDirectory;  ///< default: AppDataLocation/recovery
    int autosaveDelayMs = 3000; ///< recovery copy this long after the last change
    int debounceMs = 150;       ///< live evaluation this long after the last keystroke
    bool offerRecovery = true;  ///< look for work left by a crashed session at start
    bool restoreLayout = true;  ///< window geometry and docks from QSettings
};

/// The workbench window: rule editors in tabs; docked Test (events and verdicts), Explanation,
/// Event detail and Problems panes; the message banner; live evaluation of the current rule.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `syntax` is the application's one highlighting repository; it must outlive the window.
    explicit MainWindow(const SyntaxSupport& syntax, QWidget* parent = nullptr);
    MainWindow(const SyntaxSupport& syntax, const MainWindowOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a rule in a tab (or shows the tab that has it). Errors go to the banner.
    bool openRuleFile(const QString& path);
    /// Opens each path as a rule (.yml/.yaml) or loads it as events (anything else).
    void openPaths(const QStringList& paths);
    /// Loads event files in the background (added to the loaded ones).
    void loadEvents(const QStringList& paths);
    void clearEvents();
    /// Replaces the loaded events (what a finished load does) and re-evaluates every rule.
    void setEvents(EventListPtr events);
    void cancelLoading();
    bool isLoadingEvents() const;
    /// Copies the bundled samples to a writable place and opens them (rules and events).
    void openSampleWorkspace();
    void newRule();

    /// Saves the tab to its file (or `path`); on failure shows the banner and returns false.
    bool saveTab(int index, const QString& path = {});
    bool saveCurrent();
    bool saveCurrentAs();
    /// Closes a tab, asking about unsaved changes; false when the user cancelled.
    bool closeTab(int index);

    int tabCount() const;
    int currentTab() const;
    void setCurrentTab(int index);
    RuleEditor* editorAt(int index) const;
    RuleEditor* currentEditor() const;
    QString filePathAt(int index) const;
    LiveEvaluator* evaluatorAt(int index) const;
    MessageBanner* banner() const { return m_banner; }
    QDockWidget* testDock() const { return m_testDock; }
    EventListPtr events() const { return m_events; }

    EventsModel* eventsModel() const { return m_eventsModel; }
    EventsFilterProxy* eventsProxy() const { return m_eventsProxy; }
    QTableView* eventsView() const { return m_eventsView; }
    ProblemsModel* problemsModel() const { return m_problemsModel; }
    QTableView* problemsView() const { return m_problemsView; }
    ExplanationModel* explanationModel() const { return m_explanationModel; }
    QTreeView* explanationView() const { return m_explanationView; }
    EventFieldsModel* eventFieldsModel() const { return m_fieldsModel; }
    QTableView* eventFieldsView() const { return m_fieldsView; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    QCheckBox* matchesOnlyBox() const { return m_matchesOnly; }
    /// The Test pane's "Read Security 5156 as network connections" switch (per workspace).
    Security5156Switch* translate5156Switch() const { return m_translate5156; }
    /// "N of M events match · X ms" (or why there is no count).
    QString matchSummary() const;
    QString explanationSummaryText() const;
    /// Selects an event by its position in the loaded events (source row).
    void selectEvent(int eventIndex);
    int selectedEvent() const { return m_selectedEvent; }

    // ---- tests (issue 9) ----
    /// Marks the selected events of the Test pane (or `eventIndexes`) in the current rule's beside
    /// manifest: `kind` is int(sigma::ExpectationKind), or -1 to unmark. An unsaved rule is refused
    /// with a banner offering to save it. Returns false when nothing was marked.
    bool markEvents(int kind, const QList<int>& eventIndexes = {});
    /// The current rule's test result shown ("tests: 3/4 pass"; empty without tests).
    QString testSummary() const;
    /// Exports the current (saved) rule to `destination` (a folder or a .zip); refusals (lint
    /// errors, failing tests) are shown in the banner with an "Export anyway…" action unless `force`.
    sigma::ExportResult exportCurrentRule(const QString& destination, bool force);
    /// File > Export…: plans, shows refusals, asks for the destination (setExportPathQuestion).
    void exportInteractive(bool force = false);

    /// Offers documents left by a crashed session (banner with "Restore"); returns how many.
    int offerRecovery();
    void restoreRecovered();

    /// Asks whether to save a modified document (Save / Discard / Cancel). Replaceable for tests.
    using SaveQuestion = std::function<QMessageBox::StandardButton(const QString& documentName)>;
    void setSaveQuestion(SaveQuestion question) { m_askToSave = std::move(question); }
    /// Chooses a file to save to (empty: cancelled). Replaceable for tests.
    using SavePathQuestion = std::function<QString(const QString& suggestion)>;
    void setSavePathQuestion(SavePathQuestion question) { m_askSavePath = std::move(question); }
    /// Chooses the export destination (empty: cancelled). Replaceable for tests.
    void setExportPathQuestion(SavePathQuestion question) { m_askExportPath = std::move(question); }

    /// View > Reset Layout: every dock (the corpus ones too) back where a first start puts it.
    void resetLayout();

    static constexpr int MaxRecentFiles = 10;
    QStringList recentFiles() const;

Q_SIGNALS:
    /// The current tab's verdicts, problems or marks were updated (tests wait for this).
    void resultShown();
    void eventsLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Tab;
    void createActions();
    void createDocks();
    QWidget* createTestPane();
    QWidget* createExplanationPane();
    QWidget* createDetailPane();
    QWidget* createProblemsPane();
    int createTab(const QString& text, const QString& path, const QString& untitledName);
    void updateTitle();
    void updateTabTitle(int index);
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void restoreLayout();
    void saveLayout();
    bool maybeSave(int index);
    Tab* tab(int index) const;
    Tab* tabOf(const LiveEvaluator* evaluator) const;
    int indexOfEditor(const RuleEditor* editor) const;
    QString documentName(int index) const;
    void showBanner(int kind, const QString& text, const QString& actionText = {}, std::function<void()> action = {});

    void onEvaluated(Tab* tab, const EvaluationPtr& result);
    void showCurrentResult();
    void updateExplanation();
    void updateEventDetail();
    void updateMatchSummary();
    void onEventsLoaded(const EventLoadResultPtr& result);
    void autosave(Tab* tab);
    void applyModelColors();
    void reloadTests(Tab* tab);
    void updateTestMarks();
    bool ensureSavedForTests(const QString& what);

    const SyntaxSupport& m_syntax;
    MainWindowOptions m_options;
    std::unique_ptr<RecoveryStore> m_recovery;
    MessageBanner* m_banner;
    std::function<void()> m_bannerAction;
    QTabWidget* m_tabs;
    QDockWidget* m_testDock = nullptr;
    QDockWidget* m_explanationDock = nullptr;
    QDockWidget* m_detailDock = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    Security5156Switch* m_translate5156 = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QByteArray m_defaultState;

    EventListPtr m_events;
    EventLoader* m_loader;
    EventsModel* m_eventsModel;
    EventsFilterProxy* m_eventsProxy;
    ProblemsModel* m_problemsModel;
    ExplanationModel* m_explanationModel;
    EventFieldsModel* m_fieldsModel;
    QTableView* m_eventsView = nullptr;
    QTableView* m_problemsView = nullptr;
    QTreeView* m_explanationView = nullptr;
    QTableView* m_fieldsView = nullptr;
    QPlainTextEdit* m_xmlView = nullptr;
    QLabel* m_explanationSummary = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QCheckBox* m_matchesOnly = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancelLoad = nullptr;
    QLabel* m_matchLabel = nullptr;
    QLabel* m_eventsLabel = nullptr;
    QLabel* m_testLabel = nullptr;
    int m_selectedEvent = -1;
    bool m_pendingAutoSelect = false;

    int m_untitledCounter = 0;
    SaveQuestion m_askToSave;
    SavePathQuestion m_askSavePath;
    SavePathQuestion m_askExportPath;
    std::map<const RuleEditor*, std::unique_ptr<Tab>> m_tabData;
};

} // namespace sigmaui
