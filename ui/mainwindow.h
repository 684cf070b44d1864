#pragma once

#include <QMainWindow>
#include <QMessageBox>

#include <functional>
#include <map>
#include <memory>

class QDockWidget;
class QTabWidget;
class QMenu;
class QLabel;

namespace sigmaui {

class MessageBanner;
class RuleEditor;
class SyntaxSupport;

/// The workbench window: rule editors in tabs, docked panes, the message banner.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `syntax` is the application's one highlighting repository; it must outlive the window.
    explicit MainWindow(const SyntaxSupport& syntax, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a rule in a tab (or shows the tab that has it). Errors go to the banner.
    bool openRuleFile(const QString& path);
    /// Opens each path as a rule (.yml/.yaml) or as events (anything else).
    void openPaths(const QStringList& paths);
    /// Copies the bundled samples to a writable place and opens them.
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
    RuleEditor* editorAt(int index) const;
    RuleEditor* currentEditor() const;
    QString filePathAt(int index) const;
    MessageBanner* banner() const { return m_banner; }
    QDockWidget* testDock() const { return m_testDock; }

    /// Asks whether to save a modified document (Save / Discard / Cancel). Replaceable for tests.
    using SaveQuestion = std::function<QMessageBox::StandardButton(const QString& documentName)>;
    void setSaveQuestion(SaveQuestion question) { m_askToSave = std::move(question); }
    /// Chooses a file to save to (empty: cancelled). Replaceable for tests.
    using SavePathQuestion = std::function<QString(const QString& suggestion)>;
    void setSavePathQuestion(SavePathQuestion question) { m_askSavePath = std::move(question); }

    static constexpr int MaxRecentFiles = 10;
    QStringList recentFiles() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Tab;
    void createActions();
    void createDocks();
    void updateTitle();
    void updateTabTitle(int index);
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void restoreLayout();
    void saveLayout();
    bool maybeSave(int index);
    Tab* tab(int index) const;
    int indexOfEditor(const RuleEditor* editor) const;
    QString documentName(int index) const;

    const SyntaxSupport& m_syntax;
    MessageBanner* m_banner;
    QTabWidget* m_tabs;
    QDockWidget* m_testDock = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    int m_untitledCounter = 0;
    SaveQuestion m_askToSave;
    SavePathQuestion m_askSavePath;
    std::map<const RuleEditor*, std::unique_ptr<Tab>> m_tabData;
};

} // namespace sigmaui
