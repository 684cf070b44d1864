#pragma once

// The Explanation, Event Detail and Problems panes of the workbench window. Each acts on the
// current document through the WorkbenchContext (a click jumps in its editor, a field is added
// to it); the window tells each what to show.

#include "util/diagnostic.h"

#include <QTabWidget>
#include <QTableView>
#include <QWidget>

class QAction;
class QLabel;
class QPlainTextEdit;
class QTextDocument;
class QTreeView;

namespace sigma {
struct Event;
}

namespace sigmaui {

class EventFieldsModel;
class ExplanationModel;
class ProblemsModel;
class RuleDocument;
class WorkbenchContext;

/// Which predicates of the current rule fired for the selected event, as a tree, with their marks
/// in the editor; a click on a node jumps to its place in the rule.
class ExplanationPane : public QWidget {
    Q_OBJECT
public:
    ExplanationPane(WorkbenchContext* context, QWidget* parent = nullptr);

    /// Explains `event` with the document's newest result (greyed when the rule has errors).
    void showExplanation(RuleDocument* document, const sigma::Event* event);
    ExplanationModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// The columns for the pane's width: the outcome as wide as its text, the predicate as wide
    /// as its deepest label needs (so "ParentImage|endswith" is never cut) while the event value
    /// keeps a readable share; the event value takes the rest and is elided.
    void fitColumns();
    QString summaryText() const;
    void setColors(const QColor& matched, const QColor& failed);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    WorkbenchContext* m_context;
    ExplanationModel* m_model;
    QLabel* m_summary;
    QTreeView* m_view;
};

/// The selected event's fields (double-click or drag one into the rule) and its XML. Fields can
/// be ticked; "New Rule from Selection" (button and context menu) asks for a rule from the ticked
/// fields of the events selected in the Test pane.
class EventDetailPane : public QTabWidget {
    Q_OBJECT
public:
    EventDetailPane(WorkbenchContext* context, QWidget* parent = nullptr);

    void setEvent(const sigma::Event* event);
    EventFieldsModel* model() const { return m_model; }
    QTableView* fieldsView() const { return m_fields; }
    /// "New Rule from Selection": enabled while a field is ticked.
    QAction* newRuleAction() const { return m_newRule; }

Q_SIGNALS:
    /// A new rule from these fields of the selected events was asked for.
    void newRuleRequested(const QStringList& fields);

private:
    WorkbenchContext* m_context;
    EventFieldsModel* m_model;
    QTableView* m_fields;
    QPlainTextEdit* m_xml;
    QAction* m_newRule;
};

/// The current rule's parser, linter and compiler findings; a click jumps to the place.
class ProblemsPane : public QTableView {
    Q_OBJECT
public:
    ProblemsPane(WorkbenchContext* context, QWidget* parent = nullptr);
    ProblemsModel* model() const { return m_model; }
    /// The problems of a document's evaluation; says when the shown rule stops compiling.
    void showProblems(const RuleDocument* document, const sigma::Diagnostics& diagnostics, bool compiled,
                      const QTextDocument* text);
    /// Problems found after the evaluation (the Query pane's conversion), shown with those of the
    /// document's last showProblems() until the next one.
    void setExtraProblems(const sigmaui::RuleDocument* document, const sigma::Diagnostics& extra);

Q_SIGNALS:
    /// "Problems (2)" with the number of errors, for the dock.
    void titleChanged(const QString& title);
    /// The shown rule compiled and, as typed now, does not (not on every keystroke while it stays
    /// broken): the window brings the pane to the front.
    void stoppedCompiling();

private:
    WorkbenchContext* m_context;
    ProblemsModel* m_model;
    const RuleDocument* m_shownDocument = nullptr;
    bool m_shownCompiled = true;
    sigma::Diagnostics m_shownDiagnostics;
};

} // namespace sigmaui
