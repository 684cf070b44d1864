// RuleEditor's text commands: new line with indentation, comment toggling, find and replace,
// inserting a detection item (the Event Detail pane's "add to rule"). Painting, marks and
// events are in ruleeditor.cpp.

#include "ruleeditor.h"

#include <QRegularExpression>
#include <QTextBlock>

namespace sigmaui {

QString yamlScalar(const QString& value)
{
    // Sigma style: values single-quoted (backslashes stay literal, numbers stay strings).
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

void RuleEditor::newLineWithIndent()
{
    QTextCursor c = textCursor();
    const QString line = c.block().text();
    int indent = 0;
    while (indent < line.size() && line.at(indent) == QLatin1Char(' '))
        ++indent;
    const QString before = line.left(c.positionInBlock());
    const QString trimmed = before.trimmed();
    int extra = 0;
    if (trimmed.endsWith(QLatin1Char(':')) && !trimmed.startsWith(QLatin1Char('#')))
        extra = 4; // a key opening a block (Sigma's style indents by four)
    else if (trimmed.startsWith(QLatin1String("- ")) && trimmed.endsWith(QLatin1Char(':')))
        extra = 4;
    if (c.positionInBlock() < indent) // Enter inside the indentation: keep the column
        indent = c.positionInBlock();
    c.beginEditBlock();
    c.insertText(QStringLiteral("\n") + QString(indent + extra, QLatin1Char(' ')));
    c.endEditBlock();
    setTextCursor(c);
    ensureCursorVisible();
}

void RuleEditor::toggleComment()
{
    QTextCursor c = textCursor();
    QTextBlock first = document()->findBlock(c.selectionStart());
    QTextBlock last = document()->findBlock(c.selectionEnd());
    if (c.hasSelection() && last != first && c.selectionEnd() == last.position())
        last = last.previous(); // a selection ending at a line's start leaves that line alone
    bool allCommented = true;
    int minIndent = INT_MAX;
    for (QTextBlock b = first; b.isValid(); b = b.next()) {
        const QString t = b.text();
        const QString trimmed = t.trimmed();
        if (!trimmed.isEmpty()) {
            if (!trimmed.startsWith(QLatin1Char('#')))
                allCommented = false;
            int spaces = 0;
            while (spaces < t.size() && t.at(spaces) == QLatin1Char(' '))
                ++spaces;
            minIndent = qMin(minIndent, spaces);
        }
        if (b == last)
            break;
    }
    if (minIndent == INT_MAX)
        return;
    QTextCursor edit(document());
    edit.beginEditBlock();
    for (QTextBlock b = first; b.isValid(); b = b.next()) {
        const QString t = b.text();
        if (!t.trimmed().isEmpty()) {
            if (allCommented) {
                const int hash = int(t.indexOf(QLatin1Char('#')));
                const int length = t.mid(hash + 1).startsWith(QLatin1Char(' ')) ? 2 : 1;
                edit.setPosition(b.position() + hash);
                edit.setPosition(b.position() + hash + length, QTextCursor::KeepAnchor);
                edit.removeSelectedText();
            } else {
                edit.setPosition(b.position() + minIndent);
                edit.insertText(QStringLiteral("# "));
            }
        }
        if (b == last)
            break;
    }
    edit.endEditBlock();
}

bool RuleEditor::find(const QString& text, bool backwards, bool caseSensitive)
{
    if (text.isEmpty())
        return false;
    QTextDocument::FindFlags flags;
    if (backwards)
        flags |= QTextDocument::FindBackward;
    if (caseSensitive)
        flags |= QTextDocument::FindCaseSensitively;
    QTextCursor found = document()->find(text, textCursor(), flags);
    if (found.isNull()) { // wrap around
        QTextCursor start(document());
        if (backwards)
            start.movePosition(QTextCursor::End);
        found = document()->find(text, start, flags);
    }
    if (found.isNull())
        return false;
    setTextCursor(found);
    ensureCursorVisible();
    return true;
}

bool RuleEditor::replaceNext(const QString& text, const QString& replacement, bool caseSensitive)
{
    QTextCursor c = textCursor();
    const bool selected =
        c.hasSelection() &&
        QString::compare(c.selectedText(), text, caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive) == 0;
    if (selected)
        c.insertText(replacement);
    setTextCursor(c);
    find(text, false, caseSensitive);
    return selected;
}

int RuleEditor::replaceAll(const QString& text, const QString& replacement, bool caseSensitive)
{
    if (text.isEmpty())
        return 0;
    const QTextDocument::FindFlags flags =
        caseSensitive ? QTextDocument::FindCaseSensitively : QTextDocument::FindFlags();
    int n = 0;
    QTextCursor edit(document());
    edit.beginEditBlock();
    QTextCursor found = document()->find(text, 0, flags);
    while (!found.isNull()) {
        found.insertText(replacement);
        ++n;
        found = document()->find(text, found, flags);
    }
    edit.endEditBlock();
    return n;
}

void RuleEditor::insertDetectionItem(const QString& field, const QString& value)
{
    static const QRegularExpression itemRe(QStringLiteral(R"(^(\s+)(?:-\s+)?[^\s#:][^#]*?:(?:\s|$))"));
    QTextCursor c = textCursor();
    const QString lineText = c.block().text();
    const QRegularExpressionMatch m = itemRe.match(lineText);
    const QString item = field + QLatin1String(": ") + yamlScalar(value);
    c.beginEditBlock();
    if (m.hasMatch()) {
        // The item goes below the current one and its value lines, at the column of its key (a
        // list item's dash becomes spaces so the new item joins the same map).
        int keyColumn = int(m.captured(1).size());
        if (lineText.mid(keyColumn).startsWith(QLatin1Char('-'))) {
            ++keyColumn;
            while (keyColumn < lineText.size() && lineText.at(keyColumn) == QLatin1Char(' '))
                ++keyColumn;
        }
        QTextBlock last = c.block();
        for (QTextBlock b = last.next(); b.isValid(); b = b.next()) {
            const QString t = b.text();
            int ind = 0;
            while (ind < t.size() && t.at(ind) == QLatin1Char(' '))
                ++ind;
            if (t.trimmed().isEmpty())
                break;
            const bool continuation = ind > keyColumn || (ind == keyColumn && t.mid(ind).startsWith(QLatin1Char('-')));
            if (!continuation)
                break;
            last = b;
        }
        c.setPosition(last.position() + last.length() - 1);
        c.insertText(QLatin1Char('\n') + QString(keyColumn, QLatin1Char(' ')) + item);
    } else {
        c.insertText(item);
    }
    c.endEditBlock();
    setTextCursor(c);
}

} // namespace sigmaui
