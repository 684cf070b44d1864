#include "ruleeditor.h"

#include "syntaxsupport.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QToolTip>

#include <algorithm>
#include <climits>
#include <utility>

namespace sigmaui {

namespace {
class LineNumberArea : public QWidget {
public:
    explicit LineNumberArea(RuleEditor* editor)
        : QWidget(editor)
        , m_editor(editor)
    {
        setObjectName(QStringLiteral("lineNumberArea"));
    }
    QSize sizeHint() const override { return {m_editor->lineNumberAreaWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { m_editor->paintLineNumbers(event); }
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() != Qt::LeftButton || !m_editor->quickFixMarginClicked(event->position().toPoint().y()))
            QWidget::mousePressEvent(event);
    }

private:
    RuleEditor* m_editor;
};
} // namespace

RuleEditor::RuleEditor(const SyntaxSupport* syntax, QWidget* parent)
    : QPlainTextEdit(parent)
    , m_syntax(syntax)
    , m_lineNumberArea(new LineNumberArea(this))
{
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    mono.setFixedPitch(true);
    setFont(mono);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    if (m_syntax)
        m_highlighter = m_syntax->createHighlighter(document(), palette());
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { updateLineNumberAreaWidth(); });
    connect(this, &QPlainTextEdit::updateRequest, this, &RuleEditor::updateLineNumberArea);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &RuleEditor::updateExtraSelections);
    applyColors();
    updateLineNumberAreaWidth();
}

void RuleEditor::keyPressEvent(QKeyEvent* event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))) {
        newLineWithIndent();
        return;
    }
    if (event->key() == Qt::Key_Slash && event->modifiers() == Qt::ControlModifier) {
        toggleComment();
        return;
    }
    if (event->key() == Qt::Key_Period && event->modifiers() == Qt::ControlModifier) {
        showQuickFixes();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

QMap<int, QString> RuleEditor::inlineErrors() const
{
    QMap<int, QString> out;
    for (const auto& m : m_marks[std::size_t(MarkLayer::Diagnostics)])
        if (m.kind == EditorMark::Kind::Error && !out.contains(m.line))
            out.insert(m.line, m.toolTip);
    return out;
}

int RuleEditor::indentStep() const
{
    int step = 0;
    for (QTextBlock b = document()->begin(); b.isValid(); b = b.next()) {
        const QString t = b.text();
        int n = 0;
        while (n < t.size() && t.at(n) == QLatin1Char(' '))
            ++n;
        if (n > 0 && n < t.size() && (step == 0 || n < step))
            step = n;
    }
    return step > 0 && step <= 8 ? step : 4;
}

QList<int> RuleEditor::indentGuides(const QString& line, int step)
{
    int n = 0;
    while (n < line.size() && line.at(n) == QLatin1Char(' '))
        ++n;
    QList<int> columns;
    if (n == line.size() || step <= 0) // a blank line: no guides
        return columns;
    for (int c = step; c < n; c += step)
        columns.append(c);
    return columns;
}

void RuleEditor::paintEvent(QPaintEvent* event)
{
    QPlainTextEdit::paintEvent(event);
    {
        // Indentation guides: a faint line at each indentation level inside a line's indentation.
        QPainter painter(viewport());
        QColor guide = m_colors.text;
        guide.setAlpha(45);
        painter.setPen(guide);
        const int step = indentStep();
        const qreal space = fontMetrics().horizontalAdvance(QLatin1Char(' '));
        const QPointF offset = contentOffset();
        for (QTextBlock b = firstVisibleBlock(); b.isValid(); b = b.next()) {
            const QRectF rect = blockBoundingGeometry(b).translated(offset);
            if (rect.top() > event->rect().bottom())
                break;
            for (int column : indentGuides(b.text(), step)) {
                const qreal x = rect.left() + document()->documentMargin() + column * space + 0.5;
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()));
            }
        }
    }
    const QMap<int, QString> errors = inlineErrors();
    if (errors.isEmpty())
        return;
    QPainter painter(viewport());
    QFont f = font();
    f.setItalic(true);
    painter.setFont(f);
    const QFontMetrics fm(f);
    const QPointF offset = contentOffset();
    for (auto it = errors.begin(); it != errors.end(); ++it) {
        const QTextBlock block = document()->findBlockByNumber(it.key() - 1);
        if (!block.isValid() || !block.isVisible())
            continue;
        const QRectF rect = blockBoundingGeometry(block).translated(offset);
        if (rect.bottom() < event->rect().top() || rect.top() > event->rect().bottom())
            continue;
        const qreal x = rect.left() + document()->documentMargin() + fontMetrics().horizontalAdvance(block.text()) +
                        2 * fm.averageCharWidth();
        const int room = viewport()->width() - int(x) - 4;
        if (room < 4 * fm.averageCharWidth())
            continue;
        painter.setPen(m_colors.error);
        painter.drawText(QRectF(x, rect.top(), room, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(QStringLiteral("● ") + it.value(), Qt::ElideRight, room));
    }
}

void RuleEditor::applyColors()
{
    m_applyingColors = true;
    // The theme follows the application palette (View > Theme); the editor's own palette then
    // takes the theme's background, text and selection colours.
    const QPalette source = QApplication::palette(this);
    if (m_syntax) {
        m_colors = m_syntax->colorsFor(source);
    } else {
        m_colors = EditorColors{};
        m_colors.dark = source.color(QPalette::Window).lightness() < 128;
        m_colors.background = source.color(QPalette::Base);
        m_colors.text = source.color(QPalette::Text);
        m_colors.currentLine = m_colors.dark ? m_colors.background.lighter(130) : m_colors.background.darker(106);
        m_colors.lineNumberBackground = source.color(QPalette::Window);
        m_colors.lineNumberText = source.color(QPalette::Disabled, QPalette::Text);
        m_colors.currentLineNumberText = source.color(QPalette::Text);
        fillSigmaColors(m_colors);
    }
    // Only the roles the editor sets are its own (a copy of the whole palette would hold every role
    // as set, and a later theme switch would then not reach the editor: it stayed dark).
    QPalette p;
    p.setColor(QPalette::Base, m_colors.background);
    p.setColor(QPalette::Text, m_colors.text);
    if (m_colors.selection.isValid()) {
        p.setColor(QPalette::Highlight, m_colors.selection);
        p.setColor(QPalette::HighlightedText, m_colors.text);
    }
    setPalette(p);
    if (m_syntax && m_highlighter)
        m_syntax->applyPalette(m_highlighter, source);
    m_applyingColors = false;
    m_lineNumberArea->update();
    updateExtraSelections();
}

void RuleEditor::changeEvent(QEvent* event)
{
    QPlainTextEdit::changeEvent(event);
    // Our own setPalette also raises PaletteChange; only follow changes from outside (theme).
    if (event->type() == QEvent::PaletteChange && !m_applyingColors) {
        applyColors();
    } else if (event->type() == QEvent::FontChange) {
        updateLineNumberAreaWidth();
    }
}

int RuleEditor::lineNumberAreaWidth() const
{
    int digits = 1;
    for (int max = qMax(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    digits = qMax(digits, 3);
    // room for the light bulb of a line with a quick fix on the left
    return 12 + fontMetrics().height() + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

void RuleEditor::updateLineNumberAreaWidth()
{
    setViewportMargins(lineNumberAreaWidth(), 0, 0, 0);
}

void RuleEditor::updateLineNumberArea(const QRect& rect, int dy)
{
    if (dy)
        m_lineNumberArea->scroll(0, dy);
    else
        m_lineNumberArea->update(0, rect.y(), m_lineNumberArea->width(), rect.height());
    if (rect.contains(viewport()->rect()))
        updateLineNumberAreaWidth();
}

void RuleEditor::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_lineNumberArea->setGeometry(QRect(cr.left(), cr.top(), lineNumberAreaWidth(), cr.height()));
}

void RuleEditor::paintLineNumbers(QPaintEvent* event)
{
    QPainter painter(m_lineNumberArea);
    painter.fillRect(event->rect(), m_colors.lineNumberBackground);
    const int currentBlock = textCursor().blockNumber();
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    const int width = m_lineNumberArea->width() - 6;
    // Marks of the diagnostics layer colour the number of their first line.
    QHash<int, QColor> lineColors;
    for (const auto& m : m_marks[std::size_t(MarkLayer::Diagnostics)]) {
        const QColor c = m.kind == EditorMark::Kind::Error ? m_colors.error : m_colors.warning;
        if (!lineColors.contains(m.line) || m.kind == EditorMark::Kind::Error)
            lineColors.insert(m.line, c);
    }
    const QList<int> bulbs = quickFixLines();
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            if (bulbs.contains(line))
                paintLightBulb(painter, QRect(2, top, fontMetrics().height(), fontMetrics().height()));
            QFont f = font();
            QColor color =
                block.blockNumber() == currentBlock ? m_colors.currentLineNumberText : m_colors.lineNumberText;
            if (block.blockNumber() == currentBlock)
                f.setBold(true);
            if (lineColors.contains(line)) {
                color = lineColors.value(line);
                f.setBold(true);
            }
            painter.setFont(f);
            painter.setPen(color);
            painter.drawText(0, top, width, fontMetrics().height(), Qt::AlignRight, QString::number(line));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

void RuleEditor::paintLightBulb(QPainter& painter, const QRect& box) const
{
    // a bulb: a yellow glass over a grey screw base
    const qreal u = box.height() / 12.0;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0xa0, 0x7a, 0x00), u));
    painter.setBrush(QColor(0xff, 0xcc, 0x33));
    painter.drawEllipse(QRectF(box.left() + 2 * u, box.top() + u, 8 * u, 7.5 * u));
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0x80, 0x80, 0x80));
    painter.drawRect(QRectF(box.left() + 4 * u, box.top() + 8.5 * u, 4 * u, 2.5 * u));
    painter.restore();
}

QTextCursor RuleEditor::cursorFor(int line, int column) const
{
    QTextBlock block = document()->findBlockByNumber(qMax(0, line - 1));
    if (!block.isValid())
        block = document()->lastBlock();
    QTextCursor c(block);
    const int offset = qBound(0, column - 1, block.length() - 1);
    c.setPosition(block.position() + offset);
    return c;
}

void RuleEditor::setMarks(MarkLayer layer, QVector<EditorMark> marks)
{
    auto& slot = m_marks[std::size_t(layer)];
    if (slot == marks)
        return;
    slot = std::move(marks);
    // A tooltip of a mark that is gone (an error fixed under the mouse) goes with it.
    if (!m_shownToolTip.isEmpty() && QToolTip::isVisible() && QToolTip::text() == m_shownToolTip) {
        QStringList current;
        for (const auto& layerMarks : m_marks)
            for (const auto& m : layerMarks)
                current.append(m.toolTip);
        const QStringList shown = m_shownToolTip.split(QLatin1Char('\n'));
        if (!std::all_of(shown.begin(), shown.end(), [&](const QString& t) { return current.contains(t); })) {
            QToolTip::hideText();
            m_shownToolTip.clear();
        }
    }
    if (layer == MarkLayer::Diagnostics)
        viewport()->update(); // the inline errors
    if (m_marksUpdates > 0) {
        m_marksDirty = true;
        return;
    }
    updateExtraSelections();
    m_lineNumberArea->update();
}

RuleEditor::MarksUpdate::MarksUpdate(RuleEditor* editor)
    : m_editor(editor)
{
    if (m_editor)
        ++m_editor->m_marksUpdates;
}

RuleEditor::MarksUpdate::~MarksUpdate()
{
    if (!m_editor || --m_editor->m_marksUpdates > 0 || !std::exchange(m_editor->m_marksDirty, false))
        return;
    m_editor->updateExtraSelections();
    m_editor->m_lineNumberArea->update();
}

void RuleEditor::updateExtraSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    QTextEdit::ExtraSelection current;
    current.format.setBackground(m_colors.currentLine);
    current.format.setProperty(QTextFormat::FullWidthSelection, true);
    current.cursor = textCursor();
    current.cursor.clearSelection();
    selections.append(current);

    for (std::size_t layer = 0; layer < m_marks.size(); ++layer) {
        for (const auto& m : m_marks[layer]) {
            QTextEdit::ExtraSelection s;
            s.cursor = cursorFor(m.line, m.column);
            const QTextCursor end = cursorFor(m.endLine > 0 ? m.endLine : m.line, m.endColumn);
            s.cursor.setPosition(end.position(), QTextCursor::KeepAnchor);
            switch (m.kind) {
            case EditorMark::Kind::Matched:
                s.format.setBackground(m_colors.matched);
                break;
            case EditorMark::Kind::Failed:
                s.format.setBackground(m_colors.failed);
                break;
            case EditorMark::Kind::Error:
                s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
                s.format.setUnderlineColor(m_colors.error);
                break;
            case EditorMark::Kind::Warning:
                s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
                s.format.setUnderlineColor(m_colors.warning);
                break;
            case EditorMark::Kind::Info:
                s.format.setUnderlineStyle(QTextCharFormat::DotLine);
                s.format.setUnderlineColor(m_colors.info);
                break;
            case EditorMark::Kind::SigmaKeyword:
                s.format.setForeground(m_colors.sigmaKeyword);
                s.format.setFontWeight(QFont::Bold);
                break;
            case EditorMark::Kind::SigmaModifier:
                s.format.setForeground(m_colors.sigmaModifier);
                s.format.setFontItalic(true);
                break;
            case EditorMark::Kind::SigmaIdentifier:
                s.format.setForeground(m_colors.sigmaIdentifier);
                s.format.setFontWeight(QFont::Bold);
                break;
            }
            if (!m.toolTip.isEmpty())
                s.format.setToolTip(m.toolTip);
            selections.append(s);
        }
    }
    setExtraSelections(selections);
}

QStringList RuleEditor::toolTipsAt(int line, int column) const
{
    QStringList tips;
    for (const auto& layer : m_marks) {
        for (const auto& m : layer) {
            const int endLine = m.endLine > 0 ? m.endLine : m.line;
            const bool after = line > m.line || (line == m.line && column >= m.column);
            const bool before = line < endLine || (line == endLine && column < m.endColumn);
            if (after && before && !m.toolTip.isEmpty() && !tips.contains(m.toolTip))
                tips.append(m.toolTip);
        }
    }
    return tips;
}

bool RuleEditor::event(QEvent* event)
{
    // A theme switch changes the application palette; the editor has set its own palette, so the
    // change does not always reach it as a PaletteChange (Dark -> System kept it dark).
    if (event->type() == QEvent::ApplicationPaletteChange && !m_applyingColors)
        applyColors();
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPoint viewportPos = viewport()->mapFromGlobal(help->globalPos());
        const QTextCursor c = cursorForPosition(viewportPos);
        const QStringList tips = toolTipsAt(c.blockNumber() + 1, c.positionInBlock() + 1);
        m_shownToolTip = tips.join(QLatin1Char('\n'));
        if (tips.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), m_shownToolTip, this);
        return true;
    }
    return QPlainTextEdit::event(event);
}

void RuleEditor::jumpTo(int line, int column)
{
    setTextCursor(cursorFor(line, qMax(1, column)));
    centerCursor();
    setFocus();
}

void RuleEditor::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) {
        event->ignore(); // files are opened by the main window
        return;
    }
    QPlainTextEdit::dragEnterEvent(event);
}

void RuleEditor::dropEvent(QDropEvent* event)
{
    if (event->mimeData()->hasUrls()) {
        event->ignore();
        return;
    }
    QPlainTextEdit::dropEvent(event);
}

} // namespace sigmaui
