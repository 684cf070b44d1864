// RuleEditor's quick fixes (see ruleeditor.h): the fixes lint diagnostics carry (core
// rule/lintfix.h), offered at the cursor with Ctrl+. and applied as one undo step. Positions of
// diagnostics are 1-based lines and UTF-8 byte columns; the editor counts UTF-16 characters.
#include "ruleeditor.h"

#include <QMenu>
#include <QTextBlock>

#include <algorithm>

namespace sigmaui {
namespace {

/// The document position of a 1-based line and byte column; -1 when it is not in the text.
int positionOf(const QTextDocument* doc, sigma::SourcePos p)
{
    if (p.line < 1 || p.column < 1)
        return -1;
    if (p.line > doc->blockCount())
        return p.line == doc->blockCount() + 1 && p.column == 1 ? doc->characterCount() - 1 : -1;
    const QTextBlock block = doc->findBlockByNumber(p.line - 1);
    const QByteArray utf8 = block.text().toUtf8();
    if (p.column - 1 > utf8.size())
        return -1;
    return block.position() + int(QString::fromUtf8(utf8.left(p.column - 1)).size());
}

} // namespace

void RuleEditor::setQuickFixes(const sigma::Diagnostics& diagnostics)
{
    m_quickFixes.clear();
    for (const auto& d : diagnostics)
        if (d.fix && !d.fix->edits.empty())
            m_quickFixes.push_back(d);
    m_quickFixText = toPlainText();
    m_lineNumberArea->update(); // the light bulbs
}

std::vector<sigma::Fix> RuleEditor::quickFixesAtCursor() const
{
    std::vector<sigma::Fix> covering, onLine;
    if (m_quickFixText != toPlainText())
        return {};
    const QTextCursor c = textCursor();
    const int line = c.blockNumber() + 1;
    const int column = int(c.block().text().left(c.positionInBlock()).toUtf8().size()) + 1;
    const auto add = [](std::vector<sigma::Fix>& to, const sigma::Fix& f) {
        if (std::none_of(to.begin(), to.end(), [&](const sigma::Fix& g) { return g.title == f.title; }))
            to.push_back(f);
    };
    for (const auto& d : m_quickFixes) {
        const auto& b = d.span.begin;
        const auto& e = d.span.end;
        const bool after = line > b.line || (line == b.line && column >= b.column);
        const bool before = line < e.line || (line == e.line && column <= e.column);
        if (after && before)
            add(covering, *d.fix);
        else if (b.line == line)
            add(onLine, *d.fix);
    }
    return covering.empty() ? onLine : covering;
}

bool RuleEditor::applyQuickFix(const sigma::Fix& fix)
{
    struct Edit {
        int begin, end;
        QString text;
    };
    std::vector<Edit> edits;
    for (const auto& e : fix.edits) {
        const int b = positionOf(document(), e.range.begin);
        const int en = positionOf(document(), e.range.end);
        if (b < 0 || en < b)
            return false;
        edits.push_back({b, en, QString::fromStdString(e.replacement)});
    }
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
    QTextCursor c(document());
    c.beginEditBlock();
    for (const auto& e : edits) {
        c.setPosition(e.begin);
        c.setPosition(e.end, QTextCursor::KeepAnchor);
        c.insertText(e.text);
    }
    c.endEditBlock();
    return true;
}

QList<int> RuleEditor::quickFixLines() const
{
    QList<int> lines;
    if (m_quickFixText != toPlainText())
        return lines;
    for (const auto& d : m_quickFixes)
        if (!lines.contains(d.span.begin.line))
            lines.append(d.span.begin.line);
    std::sort(lines.begin(), lines.end());
    return lines;
}

QMenu* RuleEditor::quickFixMarginClicked(int y)
{
    const QTextCursor at = cursorForPosition(QPoint(0, y));
    const int line = at.blockNumber() + 1;
    if (!quickFixLines().contains(line))
        return nullptr;
    for (const auto& d : m_quickFixes)
        if (d.span.begin.line == line) {
            const int position = positionOf(document(), d.span.begin);
            QTextCursor c(document());
            c.setPosition(position < 0 ? at.block().position() : position);
            setTextCursor(c);
            break;
        }
    return showQuickFixes();
}

QMenu* RuleEditor::showQuickFixes()
{
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->setObjectName(QStringLiteral("quickFixMenu"));
    const auto fixes = quickFixesAtCursor();
    for (const auto& f : fixes)
        menu->addAction(QString::fromStdString(f.title), this, [this, f] { applyQuickFix(f); });
    if (fixes.empty())
        menu->addAction(tr("No quick fix here"))->setEnabled(false);
    menu->popup(viewport()->mapToGlobal(cursorRect().bottomLeft()));
    return menu;
}

} // namespace sigmaui
