#include "editoractions.h"

#include "findbar.h"
#include "ruleeditor.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>

namespace sigmaui {

EditorActions::EditorActions(QMenu* edit, FindBar* findBar, std::function<RuleEditor*()> currentEditor, QWidget* window)
    : QObject(window)
    , m_editor(std::move(currentEditor))
    , m_findBar(findBar)
    , m_window(window)
{
    edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] {
        if (auto* e = m_editor())
            e->undo();
    });
    edit->addAction(tr("&Redo"), QKeySequence::Redo, this, [this] {
        if (auto* e = m_editor())
            e->redo();
    });
    edit->addSeparator();
    const auto onEditor = [this](void (QPlainTextEdit::*f)()) {
        return [this, f] {
            if (auto* e = m_editor())
                (e->*f)();
        };
    };
    // The keys stay with the focused widget (the editor, a table's Copy, a line edit): the menu
    // only names them, a window shortcut of its own would make them ambiguous.
    const auto keyText = [](QKeyCombination key) {
        return QLatin1Char('\t') + QKeySequence(key).toString(QKeySequence::NativeText);
    };
    edit->addAction(tr("Cu&t") + keyText(Qt::CTRL | Qt::Key_X), this, onEditor(&QPlainTextEdit::cut))
        ->setObjectName(QStringLiteral("cutAction"));
    edit->addAction(tr("&Copy") + keyText(Qt::CTRL | Qt::Key_C), this, onEditor(&QPlainTextEdit::copy))
        ->setObjectName(QStringLiteral("copyAction"));
    edit->addAction(tr("&Paste") + keyText(Qt::CTRL | Qt::Key_V), this, onEditor(&QPlainTextEdit::paste))
        ->setObjectName(QStringLiteral("pasteAction"));
    edit->addAction(tr("Select &All") + keyText(Qt::CTRL | Qt::Key_A), this, onEditor(&QPlainTextEdit::selectAll));
    edit->addSeparator();
    QAction* comment = edit->addAction(tr("Toggle &Comment"), QKeySequence(Qt::CTRL | Qt::Key_Slash), this, [this] {
        if (auto* e = m_editor())
            e->toggleComment();
    });
    comment->setObjectName(QStringLiteral("toggleCommentAction"));
    edit->addSeparator();
    QAction* find = edit->addAction(tr("&Find…"), QKeySequence::Find, this, [this] {
        if (m_editor())
            m_findBar->open(false);
    });
    find->setObjectName(QStringLiteral("findAction"));
    QAction* replace = edit->addAction(tr("&Replace…"), QKeySequence(Qt::CTRL | Qt::Key_H), this, [this] {
        if (m_editor())
            m_findBar->open(true);
    });
    replace->setObjectName(QStringLiteral("replaceAction"));
    edit->addAction(tr("Find &Next"), QKeySequence::FindNext, this, [this] { m_findBar->findNext(false); });
    edit->addAction(tr("Find Pre&vious"), QKeySequence::FindPrevious, this, [this] { m_findBar->findNext(true); });
    QAction* goToLine = edit->addAction(tr("&Go to Line…"), QKeySequence(Qt::CTRL | Qt::Key_G), this,
                                        &EditorActions::goToLineInteractive);
    goToLine->setObjectName(QStringLiteral("goToLineAction"));
    edit->addSeparator();
}

void EditorActions::goToLineInteractive()
{
    RuleEditor* e = m_editor();
    if (!e)
        return;
    bool ok = false;
    const int line = QInputDialog::getInt(m_window, tr("Go to Line"), tr("Line (1–%1):").arg(e->blockCount()),
                                          e->textCursor().blockNumber() + 1, 1, e->blockCount(), 1, &ok);
    if (ok)
        e->jumpTo(line, 1);
}

} // namespace sigmaui
