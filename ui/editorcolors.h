#pragma once

#include <QColor>

namespace sigmaui {

/// The colours the rule editor paints with, derived from the highlighting theme (or, without
/// KSyntaxHighlighting, from the palette). Light and dark variants differ only in values.
struct EditorColors {
    bool dark = false;
    QColor background;
    QColor text;
    QColor selection;
    QColor currentLine;
    QColor lineNumberBackground;
    QColor lineNumberText;
    QColor currentLineNumberText;
    // The Sigma layer and predicate marks.
    QColor matched;         ///< background of a predicate that held for the selected event
    QColor failed;          ///< background of a predicate that failed
    QColor error;           ///< wavy underline of an error
    QColor warning;         ///< wavy underline of a warning
    QColor info;            ///< underline of a hint
    QColor sigmaKeyword;    ///< condition keywords (and, or, not, 1 of, all of, them)
    QColor sigmaModifier;   ///< |contains, |re, ...
    QColor sigmaIdentifier; ///< search identifiers (definition and use)
};

} // namespace sigmaui
