#pragma once

#include "eventset.h"
#include "liveevaluator.h"

#include <QObject>
#include <QString>

#include <vector>

class QTimer;

namespace sigmaui {

class RuleEditor;
class SyntaxSupport;

/// One open rule: its editor, its live evaluation, its file (or untitled name), its recovery
/// copy and the test marks last computed for it. Lives as long as its editor (a child of it).
class RuleDocument : public QObject {
    Q_OBJECT
public:
    struct Options {
        int autosaveDelayMs = 3000; ///< recovery copy this long after the last change
    };

    /// Creates the editor (with `editorParent`) holding `text`, unmodified; the document is the
    /// editor's child. `path` is empty for an untitled rule, which is named `untitledName`.
    RuleDocument(const SyntaxSupport* syntax, const QString& text, const QString& path, const QString& untitledName,
                 const Options& options, QWidget* editorParent);

    RuleEditor* editor() const { return m_editor; }
    LiveEvaluator* evaluator() const { return m_evaluator; }
    QString text() const;
    bool isModified() const;
    /// The text as opened or last saved (taken whenever the editor becomes unmodified): what the
    /// edit impact compares with.
    QString savedText() const { return m_savedText; }

    QString path() const { return m_path; }
    /// A new file for the document (after Save As); the evaluator reports under its name.
    void setPath(const QString& path);
    QString untitledName() const { return m_untitledName; }
    /// The file name, or the untitled name.
    QString displayName() const;
    QString recoveryId() const { return m_recoveryId; }
    void stopAutosave();

    /// The marks of loaded events in the document's tests, as last computed (see TestsController).
    struct TestMarks {
        std::vector<int> marks;
        EventListPtr events;
        TestSetPtr tests;
    };
    TestMarks& testMarks() { return m_testMarks; }

Q_SIGNALS:
    /// The newest live evaluation of the document finished.
    void evaluated(sigmaui::EvaluationPtr result);
    /// The text changed and then rested for the autosave delay.
    void autosaveDue();
    void modificationChanged(bool modified);
    /// savedText() changed (the document was saved with other text).
    void savedTextChanged();

private:
    RuleEditor* m_editor;
    LiveEvaluator* m_evaluator;
    QTimer* m_autosave;
    QString m_path;
    QString m_untitledName;
    QString m_recoveryId;
    QString m_savedText;
    TestMarks m_testMarks;
};

} // namespace sigmaui
