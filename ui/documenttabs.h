#pragma once

#include "ruledocument.h"

#include <QHash>
#include <QMessageBox>
#include <QTabWidget>

#include <functional>
#include <memory>

namespace sigmaui {

class RecoveryStore;
class SyntaxSupport;
class WorkbenchContext;

/// The rule tabs: one RuleDocument each; opening, saving (atomic), closing with the question
/// about unsaved changes, autosave copies and the recovery of work a crashed session left.
class DocumentTabs : public QTabWidget {
    Q_OBJECT
public:
    DocumentTabs(const SyntaxSupport& syntax, WorkbenchContext* context, const RuleDocument::Options& options,
                 const QString& recoveryDirectory, QWidget* parent = nullptr);
    ~DocumentTabs() override;

    RuleDocument* document(int index) const;
    RuleDocument* currentDocument() const { return document(currentIndex()); }
    QList<RuleDocument*> documents() const;
    int indexOf(const RuleDocument* document) const;

    /// A new tab holding `text` (unmodified); `path` empty for an untitled rule.
    RuleDocument* create(const QString& text, const QString& path, const QString& untitledName);
    void newRule();
    /// A new untitled rule tab holding `text` (a rule made for the user, e.g. from events).
    RuleDocument* newRule(const QString& text);
    /// A page that is not a rule (technique page, rule page of the corpus) in a tab of its own,
    /// placed after the current tab, made current; the tab owns it. Shown again when present.
    void showPage(QWidget* page, const QString& title, const QString& toolTip);
    /// The page tabs' widgets, in tab order.
    QList<QWidget*> pages() const;

    /// Opens a rule (or shows the tab that has it). Errors go to the banner.
    bool openRuleFile(const QString& path);

    /// Saves the tab to its file (or `path`); on failure shows the banner and returns false.
    bool save(int index, const QString& path = {});
    bool saveCurrent() { return save(currentIndex()); }
    bool saveCurrentAs();
    /// Asks about unsaved changes of a tab (Save / Discard / Cancel); false when cancelled.
    bool maybeSave(int index);
    /// Closes a tab, asking about unsaved changes; false when the user cancelled.
    bool close(int index);
    /// Before the window closes: asks about every tab; true when the window may close (recovery
    /// copies are then removed: everything was saved or discarded).
    bool prepareToClose();

    /// Offers documents left by a crashed session (banner with "Restore"); returns how many.
    int offerRecovery();
    void restoreRecovered();

    /// The live evaluation's compile options, for every document (re-evaluated at once) and new ones.
    void setCompileOptions(const sigma::CompileOptions& options);

    using SaveQuestion = std::function<QMessageBox::StandardButton(const QString& documentName)>;
    void setSaveQuestion(SaveQuestion question) { m_askToSave = std::move(question); }
    SaveQuestion saveQuestion() const { return m_askToSave; }
    using SavePathQuestion = std::function<QString(const QString& suggestion)>;
    void setSavePathQuestion(SavePathQuestion question) { m_askSavePath = std::move(question); }

Q_SIGNALS:
    /// A new document, before its first evaluation (give it events and compile options here).
    void documentCreated(sigmaui::RuleDocument* document);
    /// A file was opened or saved (for the recent files).
    void fileUsed(const QString& path);
    /// A document's file changed (Save As to a new name): its tests are elsewhere.
    void documentMoved(sigmaui::RuleDocument* document);
    /// The current tab's name or modified state changed (the window title).
    void titleChanged();

private:
    void updateTabTitle(int index);
    void autosave(RuleDocument* document);

    const SyntaxSupport& m_syntax;
    WorkbenchContext* m_context;
    RuleDocument::Options m_options;
    sigma::CompileOptions m_compileOptions;
    std::unique_ptr<RecoveryStore> m_recovery;
    QHash<const QWidget*, RuleDocument*> m_documents; ///< by editor
    int m_untitledCounter = 0;
    SaveQuestion m_askToSave;
    SavePathQuestion m_askSavePath;
};

} // namespace sigmaui
