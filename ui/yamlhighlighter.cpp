#include "yamlhighlighter.h"

#include <QRegularExpression>

namespace sigmaui {

namespace {
// Block state: -1 normal; n >= 0 inside a block scalar whose key sits at indentation n.
constexpr int NormalState = -1;

int indentation(const QString& text)
{
    int i = 0;
    while (i < text.size() && text.at(i) == QLatin1Char(' '))
        ++i;
    return i;
}

bool isBlank(const QString& text)
{
    for (QChar c : text)
        if (!c.isSpace())
            return false;
    return true;
}

/// Start of a comment ('#' at the line start or after white space, outside quotes), or -1.
int commentStart(const QString& text)
{
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == quote) {
                if (quote == QLatin1Char('\'') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\''))
                    ++i; // '' inside a single-quoted string
                else
                    quote = QChar();
            } else if (quote == QLatin1Char('"') && c == QLatin1Char('\\')) {
                ++i;
            }
            continue;
        }
        if (c == QLatin1Char('#') && (i == 0 || text.at(i - 1).isSpace()))
            return i;
        if ((c == QLatin1Char('"') || c == QLatin1Char('\'')) &&
            (i == 0 || text.at(i - 1).isSpace() || text.at(i - 1) == QLatin1Char('[') ||
             text.at(i - 1) == QLatin1Char(',')))
            quote = c;
    }
    return -1;
}
} // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document, bool dark)
    : QSyntaxHighlighter(document)
    , m_dark(dark)
{
    updateFormats();
}

void YamlHighlighter::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    updateFormats();
    rehighlight();
}

QTextCharFormat YamlHighlighter::formatFor(Role role) const
{
    return m_formats[static_cast<int>(role)];
}

void YamlHighlighter::updateFormats()
{
    // Every colour reads at WCAG AA (4.5:1) on the theme's editor background and inside the
    // matched and failed marks (tst_ui_contrast::yamlColors).
    auto set = [this](Role role, QColor color, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(color);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        m_formats[static_cast<int>(role)] = f;
    };
    if (m_dark) {
        set(Role::Key, QColor(0x7c, 0xb7, 0xff), true);
        set(Role::Modifier, QColor(0x4e, 0xc9, 0xb0), true);
        set(Role::Comment, QColor(0x9a, 0xa4, 0xae), false, true);
        set(Role::String, QColor(0xf4, 0x9b, 0x6c));
        set(Role::Constant, QColor(0xd0, 0x9c, 0xf0));
        set(Role::Punctuation, QColor(0xb0, 0xb8, 0xc0));
        set(Role::DocumentMarker, QColor(0xf0, 0xc6, 0x4a), true);
        set(Role::BlockScalar, QColor(0xe6, 0xb4, 0x8c));
    } else {
        set(Role::Key, QColor(0x1f, 0x4e, 0x99), true);
        set(Role::Modifier, QColor(0x00, 0x6b, 0x5e), true);
        set(Role::Comment, QColor(0x5f, 0x62, 0x64), false, true);
        set(Role::String, QColor(0xb3, 0x40, 0x0b));
        set(Role::Constant, QColor(0x8e, 0x24, 0xaa));
        set(Role::Punctuation, QColor(0x60, 0x66, 0x6c));
        set(Role::DocumentMarker, QColor(0x80, 0x55, 0x00), true);
        set(Role::BlockScalar, QColor(0x8a, 0x4b, 0x1a));
    }
}

void YamlHighlighter::highlightBlock(const QString& text)
{
    const int previous = previousBlockState();
    if (previous >= 0 && (isBlank(text) || indentation(text) > previous)) {
        setFormat(0, int(text.size()), formatFor(Role::BlockScalar));
        setCurrentBlockState(previous);
        return;
    }
    setCurrentBlockState(NormalState);

    if (text.startsWith(QLatin1String("---")) || text.startsWith(QLatin1String("..."))) {
        setFormat(0, 3, formatFor(Role::DocumentMarker));
        const int c = commentStart(text);
        if (c >= 0)
            setFormat(c, int(text.size()) - c, formatFor(Role::Comment));
        return;
    }

    const int comment = commentStart(text);
    const int end = comment >= 0 ? comment : int(text.size());
    if (comment >= 0)
        setFormat(comment, int(text.size()) - comment, formatFor(Role::Comment));

    // Leading list dashes.
    int pos = indentation(text);
    while (pos < end && text.at(pos) == QLatin1Char('-') && (pos + 1 == end || text.at(pos + 1).isSpace())) {
        setFormat(pos, 1, formatFor(Role::Punctuation));
        ++pos;
        while (pos < end && text.at(pos) == QLatin1Char(' '))
            ++pos;
    }
    if (pos >= end)
        return;

    // A mapping key: plain or quoted, followed by ':' and white space or the end of the line.
    static const QRegularExpression keyRe(QStringLiteral(R"(\G("[^"]*"|'[^']*'|[^\s#"'\[\]{},][^#]*?)\s*:(?=\s|$))"));
    const QString content = text.left(end);
    const QRegularExpressionMatch m =
        keyRe.match(content, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
    if (m.hasMatch()) {
        const int keyStart = int(m.capturedStart(1));
        const QString key = m.captured(1);
        const int bar = key.startsWith(QLatin1Char('"')) || key.startsWith(QLatin1Char('\''))
                            ? -1
                            : int(key.indexOf(QLatin1Char('|')));
        if (bar >= 0) {
            setFormat(keyStart, bar, formatFor(Role::Key));
            setFormat(keyStart + bar, int(key.size()) - bar, formatFor(Role::Modifier));
        } else {
            setFormat(keyStart, int(key.size()), formatFor(Role::Key));
        }
        const int colon = int(m.capturedEnd(0)) - 1;
        setFormat(colon, 1, formatFor(Role::Punctuation));
        int valueStart = colon + 1;
        while (valueStart < end && text.at(valueStart).isSpace())
            ++valueStart;
        const QString value = content.mid(valueStart).trimmed();
        if (!value.isEmpty() && (value.at(0) == QLatin1Char('|') || value.at(0) == QLatin1Char('>')) &&
            value.size() <= 3) {
            setFormat(valueStart, int(value.size()), formatFor(Role::Punctuation));
            setCurrentBlockState(indentation(text));
            return;
        }
        highlightValue(text, valueStart, end);
        return;
    }
    highlightValue(text, pos, end);
}

void YamlHighlighter::highlightValue(const QString& text, int from, int to)
{
    const QString value = text.mid(from, to - from).trimmed();
    if (value.isEmpty())
        return;
    const QChar first = value.at(0);
    if (first == QLatin1Char('"') || first == QLatin1Char('\'')) {
        setFormat(from, int(value.size()), formatFor(Role::String));
        return;
    }
    if (first == QLatin1Char('[') || first == QLatin1Char('{')) {
        setFormat(from, 1, formatFor(Role::Punctuation));
        return;
    }
    static const QRegularExpression constantRe(QStringLiteral(
        R"(^(?:[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|true|false|True|False|TRUE|FALSE|null|Null|NULL|~|yes|no)$)"));
    if (constantRe.match(value).hasMatch())
        setFormat(from, int(value.size()), formatFor(Role::Constant));
}

} // namespace sigmaui
