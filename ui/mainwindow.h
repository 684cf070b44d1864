#pragma once

#include "documenttabs.h"
#include "eventscontroller.h"
#include "eventset.h"
#include "exportcontroller.h"
#include "liveevaluator.h"
#include "recentfiles.h"
#include "statussummary.h"
#include "testpane.h"
#include "workbenchcontext.h"
#include "workbenchpanes.h"

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <memory>

class QCheckBox;
class QDockWidget;
class QLineEdit;
class QTableView;
class QTreeView;

namespace sigmaui {

class CorpusFeatures;
class DocumentTabs;
class EventDetailPane;
class EventFieldsModel;
class EventsController;
class EventsFilterProxy;
class EventsModel;
class ExplanationModel;
class ExplanationPane;
class ExportController;
class MessageBanner;
class ProblemsModel;
class ProblemsPane;
class QueryPane;
class RecentFiles;
class RuleDocument;
class RuleEditor;
class Security5156Switch;
class StatusSummary;
class SyntaxSupport;
class TestPane;
class TestsController;
class WindowLayout;
class WorkbenchContext;

struct MainWindowOptions {
    QString recoveryDirectory;  ///< default: AppDataLocation/recovery
    int autosaveDelayMs = 3000; ///< recovery copy this long after the last change
    bool offerRecovery = true;  ///< look for work left by a crashed session at start
    bool restoreLayout = true;  ///< window geometry and docks from QSettings
};

/// The workbench window: it puts the parts together and passes results between them. Rule tabs
/// (DocumentTabs), the Test, Explanation, Event Detail and Problems panes, the tests and export
/// controllers, recent files and the window layout; other parts (the corpus) join through the
/// WorkbenchContext. The accessors below are for tests and benchmarks.
class FindBar;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `syntax` is the application's one highlighting repository; it must outlive the window.
    explicit MainWindow(const SyntaxSupport& syntax, QWidget* parent = nullptr);
    MainWindow(const SyntaxSupport& syntax, const MainWindowOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    WorkbenchContext* context() const { return m_context; }
    /// The corpus half (browser, Indicators, technique pages, editor assistance).
    CorpusFeatures* corpusFeatures() const { return m_corpusFeatures; }

    /// Opens a rule in a tab (or shows the tab that has it). Errors go to the banner.
    bool openRuleFile(const QString& path) { return m_tabs->openRuleFile(path); }
    /// Opens each path as a rule (.yml/.yaml) or loads it as events (anything else).
    void openPaths(const QStringList& paths);
    /// Loads event files in the background (added to the loaded ones).
    void loadEvents(const QStringList& paths) { m_events->load(paths); }
    void clearEvents();
    /// Loads the event sets remembered from the last session (false: none), see EventSets.
    bool restoreEventSets();
    EventsController* eventsController() const { return m_events; }
    /// Replaces the loaded events (what a finished load does) and re-evaluates every rule.
    void setEvents(EventListPtr events) { m_context->setEvents(std::move(events)); }
    void cancelLoading() { m_events->cancel(); }
    bool isLoadingEvents() const { return m_events->isLoading(); }
    /// Copies the bundled samples to a writable place and opens them (rules and events); returns
    /// the sample corpus folder (empty when missing).
    QString openSampleWorkspace(bool withEvents = true);
    void newRule() { m_tabs->newRule(); }
    /// A new untitled rule from the ticked fields (`fields`; empty: those ticked in Event Detail)
    /// of the events selected in the Test pane (core/live/rulefromevent.h); warnings and errors in
    /// the banner. False when no rule could be made.
    bool newRuleFromSelection(const QStringList& fields = {});

    bool saveTab(int index, const QString& path = {}) { return m_tabs->save(index, path); }
    bool saveCurrent() { return m_tabs->saveCurrent(); }
    bool saveCurrentAs() { return m_tabs->saveCurrentAs(); }
    /// Closes a tab, asking about unsaved changes; false when the user cancelled.
    bool closeTab(int index) { return m_tabs->close(index); }
    int offerRecovery() { return m_tabs->offerRecovery(); }
    void restoreRecovered() { m_tabs->restoreRecovered(); }

    int tabCount() const { return m_tabs->count(); }
    int currentTab() const { return m_tabs->currentIndex(); }
    void setCurrentTab(int index) { m_tabs->setCurrentIndex(index); }
    RuleDocument* documentAt(int index) const { return m_tabs->document(index); }
    RuleEditor* editorAt(int index) const { return documentAt(index) ? documentAt(index)->editor() : nullptr; }
    RuleEditor* currentEditor() const { return editorAt(currentTab()); }
    QString filePathAt(int index) const { return documentAt(index) ? documentAt(index)->path() : QString(); }
    LiveEvaluator* evaluatorAt(int index) const { return documentAt(index) ? documentAt(index)->evaluator() : nullptr; }
    MessageBanner* banner() const { return m_banner; }
    /// Find / replace in the current rule (Edit > Find… Ctrl+F, Replace… Ctrl+H).
    FindBar* findBar() const { return m_findBar; }
    QDockWidget* testDock() const { return m_testDock; }
    EventListPtr events() const { return m_context->events(); }

    // The panes' models and views (tests, benchmarks).
    EventsModel* eventsModel() const { return m_testPane->model(); }
    EventsFilterProxy* eventsProxy() const { return m_testPane->proxy(); }
    QTableView* eventsView() const { return m_testPane->view(); }
    QLineEdit* filterEdit() const { return m_testPane->filterEdit(); }
    QCheckBox* matchesOnlyBox() const { return m_testPane->matchesOnlyBox(); }
    /// The Test pane's "Read Security 5156 as network connections" switch (per workspace).
    Security5156Switch* translate5156Switch() const { return m_testPane->translate5156Switch(); }
    ProblemsModel* problemsModel() const { return m_problemsPane->model(); }
    QueryPane* queryPane() const { return m_queryPane; }
    QTableView* problemsView() const { return m_problemsPane; }
    ExplanationModel* explanationModel() const { return m_explanationPane->model(); }
    QTreeView* explanationView() const { return m_explanationPane->view(); }
    EventFieldsModel* eventFieldsModel() const { return m_detailPane->model(); }
    QTableView* eventFieldsView() const { return m_detailPane->fieldsView(); }
    TestsController* testsController() const { return m_tests; }
    /// "N of M events match · X ms" (or why there is no count).
    QString matchSummary() const { return m_status->matchText(); }
    QString explanationSummaryText() const { return m_explanationPane->summaryText(); }
    /// Selects an event by its position in the loaded events (source row).
    void selectEvent(int eventIndex) { m_testPane->selectEvent(eventIndex); }
    int selectedEvent() const { return m_testPane->selectedEvent(); }

    /// Marks the selected events of the Test pane (or `eventIndexes`) in the current rule's tests
    /// (see TestsController::markEvents).
    bool markEvents(int kind, const QList<int>& eventIndexes = {});
    /// The current rule's test result shown ("tests: 3/4 pass"; empty without tests).
    QString testSummary() const { return m_status->testText(); }
    /// See ExportController.
    sigma::ExportResult exportCurrentRule(const QString& destination, bool force)
    {
        return m_export->exportCurrentRule(destination, force);
    }
    void exportInteractive(bool force = false) { m_export->exportInteractive(force); }

    using SaveQuestion = DocumentTabs::SaveQuestion;
    void setSaveQuestion(SaveQuestion question) { m_tabs->setSaveQuestion(std::move(question)); }
    using SavePathQuestion = DocumentTabs::SavePathQuestion;
    void setSavePathQuestion(SavePathQuestion question) { m_tabs->setSavePathQuestion(std::move(question)); }
    void setExportPathQuestion(SavePathQuestion question) { m_export->setPathQuestion(std::move(question)); }

    /// View > Reset Layout: the window's docks back where a first start puts them (the corpus ones too).
    void resetLayout();

    static constexpr int MaxRecentFiles = 10;
    QStringList recentFiles() const { return m_recent->files(); }

Q_SIGNALS:
    /// The current tab's verdicts, problems or marks were updated (tests wait for this).
    void resultShown();
    void eventsLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    /// The docks' default sizes for the window's size (WindowLayout::dockSizes).
    void applyDefaultDockSizes();
    void createDocks();
    void createMenus();
    void prepareDocument(RuleDocument* document);
    void updateTitle();
    void onEventsChanged(const EventListPtr& events);
    void showCurrentResult();
    void showSelectedEvent();
    void updateMatchSummary();
    void applyModelColors();

    const SyntaxSupport& m_syntax;
    MainWindowOptions m_options;
    FindBar* m_findBar = nullptr;
    MessageBanner* m_banner;
    WorkbenchContext* m_context;
    DocumentTabs* m_tabs;
    TestPane* m_testPane;
    ExplanationPane* m_explanationPane;
    EventDetailPane* m_detailPane;
    ProblemsPane* m_problemsPane;
    QueryPane* m_queryPane = nullptr;
    TestsController* m_tests;
    ExportController* m_export;
    EventsController* m_events;
    StatusSummary* m_status;
    RecentFiles* m_recent = nullptr;
    std::unique_ptr<WindowLayout> m_layout;
    QDockWidget* m_testDock = nullptr;
    QDockWidget* m_explanationDock = nullptr;
    QDockWidget* m_detailDock = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    CorpusFeatures* m_corpusFeatures = nullptr;
    bool m_pendingAutoSelect = false;
    bool m_showingResult = false; ///< in showCurrentResult: it signals resultShown once, at its end
};

} // namespace sigmaui
