#include "sigmacompleter.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTimer>

namespace sigmaui {

SigmaCompleter::SigmaCompleter(QPlainTextEdit* editor)
    : QObject(editor)
    , m_editor(editor)
    , m_completer(new QCompleter(this))
    , m_model(new QStandardItemModel(this))
{
    setObjectName(QStringLiteral("sigmaCompleter"));
    m_completer->setModel(m_model);
    m_completer->setWidget(editor);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchStartsWith);
    m_completer->setCompletionRole(InsertRole);
    m_completer->setMaxVisibleItems(12);
    connect(m_completer, qOverload<const QModelIndex&>(&QCompleter::activated), this,
            [this](const QModelIndex& index) { insertCompletion(index.data(InsertRole).toString()); });
    editor->installEventFilter(this);
    // QCompleter hands the popup's keys straight to QPlainTextEdit::event() (bypassing the
    // editor's filters), where Return would insert a new line: accept a candidate here first.
    m_completer->popup()->installEventFilter(this);
}

SigmaCompleter* SigmaCompleter::of(QPlainTextEdit* editor)
{
    return editor ? editor->findChild<SigmaCompleter*>(QStringLiteral("sigmaCompleter"), Qt::FindDirectChildrenOnly)
                  : nullptr;
}

int SigmaCompleter::complete(bool explicitRequest)
{
    const QTextCursor cursor = m_editor->textCursor();
    const QString text = m_editor->toPlainText();
    m_context = completionContextAt(text, cursor.position());
    if (m_context.kind == CompletionContext::Kind::None) {
        m_completer->popup()->hide();
        return 0;
    }
    const QVector<CompletionCandidate> candidates =
        completionCandidates(m_context, text, m_sources ? m_sources() : CompletionSources{});
    m_model->clear();
    for (const auto& c : candidates) {
        auto* item = new QStandardItem(c.detail.isEmpty() ? c.text : QStringLiteral("%1   — %2").arg(c.text, c.detail));
        item->setData(c.text, InsertRole);
        item->setEditable(false);
        if (!c.detail.isEmpty())
            item->setToolTip(c.detail);
        m_model->appendRow(item);
    }
    m_completer->setCompletionPrefix(m_context.prefix);
    const int count = m_completer->completionCount();
    if (count == 0 || (!explicitRequest && count == 1 &&
                       m_completer->currentCompletion().compare(m_context.prefix, Qt::CaseInsensitive) == 0)) {
        m_completer->popup()->hide();
        return count;
    }
    QRect rect = m_editor->cursorRect();
    rect.setWidth(qMin(560, m_completer->popup()->sizeHintForColumn(0) +
                                m_completer->popup()->verticalScrollBar()->sizeHint().width() + 8));
    m_completer->complete(rect);
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    return count;
}

QStringList SigmaCompleter::currentCompletions() const
{
    QStringList out;
    QAbstractItemModel* model = m_completer->completionModel();
    for (int r = 0; r < model->rowCount(); ++r)
        out.append(model->index(r, 0).data(InsertRole).toString());
    return out;
}

void SigmaCompleter::insertCompletion(const QString& text)
{
    QTextCursor c = m_editor->textCursor();
    c.setPosition(m_context.prefixStart);
    c.setPosition(m_editor->textCursor().position(), QTextCursor::KeepAnchor);
    c.insertText(text);
    m_editor->setTextCursor(c);
    m_completer->popup()->hide();
}

bool SigmaCompleter::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::KeyPress)
        return QObject::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    if (watched == m_completer->popup()) {
        switch (key->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Tab: {
            const QModelIndex current = m_completer->popup()->currentIndex();
            m_completer->popup()->hide();
            if (current.isValid())
                insertCompletion(current.data(InsertRole).toString());
            return true;
        }
        case Qt::Key_Space:
            if (key->modifiers() & Qt::ControlModifier) {
                complete(true);
                return true;
            }
            break;
        default:
            break;
        }
        // Every other key goes from the popup straight to the editor's event() (QCompleter),
        // past the editor's filters: the list follows what it types from here.
        followTyping(key);
        return false;
    }
    if (watched != m_editor)
        return false;
    if (m_completer->popup()->isVisible()) {
        switch (key->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Tab:
        case Qt::Key_Escape:
        case Qt::Key_Backtab:
            // The completer's popup handles these (it filters the editor's keys while shown).
            key->ignore();
            return true;
        default:
            break;
        }
    }
    if (key->key() == Qt::Key_Space && (key->modifiers() & Qt::ControlModifier)) {
        complete(true);
        return true;
    }
    followTyping(key);
    return false;
}

void SigmaCompleter::followTyping(const QKeyEvent* key)
{
    const QString typed = key->text();
    if (!typed.isEmpty() && (typed.at(0).isPrint() || key->key() == Qt::Key_Backspace)) {
        // After the editor inserted the character: update or open the popup.
        QTimer::singleShot(0, this, [this, typed] {
            const bool wasVisible = m_completer->popup()->isVisible();
            const CompletionContext ctx =
                completionContextAt(m_editor->toPlainText(), m_editor->textCursor().position());
            using Kind = CompletionContext::Kind;
            const bool autoOpen = typed == QLatin1String("|") || (ctx.kind == Kind::Field && ctx.prefix.size() >= 2) ||
                                  (ctx.kind == Kind::Tag && ctx.prefix.size() >= 1) || (ctx.kind == Kind::Modifier) ||
                                  (ctx.kind == Kind::Identifier && ctx.prefix.size() >= 1) ||
                                  (ctx.kind == Kind::LogSourceValue && ctx.prefix.size() >= 1);
            if (wasVisible || autoOpen)
                complete(false);
        });
    }
}

} // namespace sigmaui
