#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace sigmaui {

/// A small YAML highlighter for builds without KF6 SyntaxHighlighting: keys (with Sigma
/// modifiers after '|' set apart), comments, quoted strings, numbers/booleans/null, list
/// dashes, document markers and block scalars.
class YamlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    enum class Role { Key, Modifier, Comment, String, Constant, Punctuation, DocumentMarker, BlockScalar };

    YamlHighlighter(QTextDocument* document, bool dark);

    void setDark(bool dark);
    bool isDark() const { return m_dark; }
    QTextCharFormat formatFor(Role role) const;

protected:
    void highlightBlock(const QString& text) override;

private:
    void highlightValue(const QString& text, int from, int to);
    void updateFormats();

    bool m_dark = false;
    QTextCharFormat m_formats[8];
};

} // namespace sigmaui
