#pragma once

// Turning the core's source spans (1-based lines, UTF-8 byte columns) into editor marks and
// problems (QString character columns of the editor's lines).

#include "problemsmodel.h"
#include "ruleeditor.h"

#include "engine/engine.h"
#include "rule/rule.h"

#include <utility>

class QTextDocument;

namespace sigmaui {

/// 1-based character column of a 1-based UTF-8 byte column on a line of the document.
int characterColumn(const QTextDocument* document, int line, int byteColumn);

/// Character columns [begin, end) of a span on its first line (to the end of the line when the
/// span ends on another one); at least one character.
std::pair<int, int> characterRange(const QTextDocument* document, const sigma::SourceSpan& span);
/// The span covers this 1-based line and character column.
bool spanContains(const QTextDocument* document, const sigma::SourceSpan& span, int line, int column);

/// A mark over a span; an invalid end marks to the end of the start line.
EditorMark markFromSpan(const QTextDocument* document, EditorMark::Kind kind, const sigma::SourceSpan& span,
                        const QString& toolTip = {});

/// The Sigma layer: modifiers, search identifiers (definitions and uses), condition keywords.
QVector<EditorMark> sigmaLayerMarks(const sigma::ParsedFile& parsed, const QTextDocument* document);

/// Diagnostics as wavy underlines (with the message as tooltip).
QVector<EditorMark> diagnosticMarks(const sigma::Diagnostics& diagnostics, const QTextDocument* document);
QVector<Problem> problemsFrom(const sigma::Diagnostics& diagnostics, const QTextDocument* document);

/// Green/red marks for the explanation of one event: each value, field item (key), search
/// identifier (definition and condition reference) and condition operator that was evaluated.
/// Deciding failed predicates say "why not" in their tooltip.
QVector<EditorMark> predicateMarks(const sigma::Explanation& explanation, const sigma::Rule& rule,
                                   const QTextDocument* document);

/// One line summarising why an event did (not) match, e.g. "No match: selection_parent failed —
/// ParentImage|endswith (event value 'C:\\Windows\\explorer.exe')".
QString explanationSummary(const sigma::Explanation& explanation);

} // namespace sigmaui
