#pragma once

#include "../eventset.h"

#include <QObject>
#include <QSet>
#include <QStringList>

namespace sigmaui {

class CorpusSession;
class IndicatorsController;
class RuleDocument;
class RuleEditor;
class TechniquePages;
class WorkbenchContext;

/// Help while writing a rule: completion (fields of the loaded events, the corpus's log sources),
/// hover texts (a field's catalog events, an indicator's figures, an ATT&CK tag's technique and
/// tactics) and Ctrl+click on
/// a technique tag for its page.
class EditorAssistance : public QObject {
    Q_OBJECT
public:
    EditorAssistance(WorkbenchContext* context, CorpusSession* session, IndicatorsController* indicators,
                     TechniquePages* techniques, QObject* parent = nullptr);

    /// Attaches completion, hover and Ctrl+click to an editor (idempotent; every rule tab gets them).
    void attach(RuleEditor* editor);
    /// The hover text at a 1-based line and character column of a rule's editor: on a field name,
    /// the catalog events of the rule's log source carrying it (engine/fieldfacts.h); else the
    /// figures of the indicator there, or the name and tactics of the ATT&CK tag there; empty if none.
    QString hoverTextAt(RuleEditor* editor, int line, int column) const;
    /// The technique of the tag at the cursor of the current editor, if any.
    QString techniqueAtCursor() const;
    /// Field names seen in the loaded events (cached per event set).
    QStringList eventFieldNames() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    RuleDocument* documentOf(const RuleEditor* editor) const;

    WorkbenchContext* m_context;
    CorpusSession* m_session;
    IndicatorsController* m_indicators;
    TechniquePages* m_techniques;
    QSet<QObject*> m_attached;
    mutable EventListPtr m_fieldNamesFor;
    mutable QStringList m_fieldNames;
};

} // namespace sigmaui
