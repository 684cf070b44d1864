#pragma once

#include "editorcolors.h"

#include <QPalette>
#include <QString>

#include <memory>

class QSyntaxHighlighter;
class QTextDocument;

namespace sigmaui {

/// YAML highlighting for the rule editor. With KF6 SyntaxHighlighting it wraps one
/// KSyntaxHighlighting::Repository (create one per application and inject it); without it,
/// our own YamlHighlighter. This is the only place that knows which one is built in.
class SyntaxSupport {
public:
    SyntaxSupport();
    ~SyntaxSupport();
    SyntaxSupport(const SyntaxSupport&) = delete;
    SyntaxSupport& operator=(const SyntaxSupport&) = delete;

    /// True when built with KF6 SyntaxHighlighting.
    static bool hasKSyntaxHighlighting();
    /// "KSyntaxHighlighting 6.x (YAML)" or "built-in YAML highlighter", for About and logs.
    QString backendDescription() const;

    /// Creates a YAML highlighter on the document, themed for the palette (owned by the document).
    QSyntaxHighlighter* createHighlighter(QTextDocument* document, const QPalette& palette) const;
    /// Re-themes a highlighter made by createHighlighter after a palette change.
    void applyPalette(QSyntaxHighlighter* highlighter, const QPalette& palette) const;
    /// The editor colours for a palette: from the theme that fits its lightness.
    EditorColors colorsFor(const QPalette& palette) const;
    /// Name of the theme used for this palette.
    QString themeName(const QPalette& palette) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Colours for the Sigma layer and marks that suit a light or dark background (shared by both
/// back ends).
void fillSigmaColors(EditorColors& colors);

} // namespace sigmaui
