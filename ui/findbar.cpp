#include "findbar.h"

#include "ruleeditor.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

namespace sigmaui {

FindBar::FindBar(std::function<RuleEditor*()> currentEditor, QWidget* parent)
    : QWidget(parent)
    , m_editor(std::move(currentEditor))
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_caseSensitive(new QCheckBox(tr("Match case"), this))
    , m_replaceRow(new QWidget(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("findBar"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    auto* findRow = new QHBoxLayout;
    m_find->setObjectName(QStringLiteral("findText"));
    m_find->setPlaceholderText(tr("Find in the rule"));
    m_find->setClearButtonEnabled(true);
    auto* previous = new QToolButton(this);
    previous->setText(tr("Previous"));
    auto* next = new QToolButton(this);
    next->setText(tr("Next"));
    auto* closeButton = new QToolButton(this);
    closeButton->setText(QStringLiteral("✕"));
    closeButton->setToolTip(tr("Close (Escape)"));
    findRow->addWidget(new QLabel(tr("Find:"), this));
    findRow->addWidget(m_find, 1);
    findRow->addWidget(previous);
    findRow->addWidget(next);
    findRow->addWidget(m_caseSensitive);
    findRow->addWidget(m_status);
    findRow->addWidget(closeButton);
    layout->addLayout(findRow);
    auto* replaceRow = new QHBoxLayout(m_replaceRow);
    replaceRow->setContentsMargins(0, 0, 0, 0);
    m_replace->setObjectName(QStringLiteral("replaceText"));
    m_replace->setPlaceholderText(tr("Replace with"));
    auto* replace = new QToolButton(this);
    replace->setText(tr("Replace"));
    auto* replaceAllButton = new QToolButton(this);
    replaceAllButton->setText(tr("Replace All"));
    replaceRow->addWidget(new QLabel(tr("Replace:"), this));
    replaceRow->addWidget(m_replace, 1);
    replaceRow->addWidget(replace);
    replaceRow->addWidget(replaceAllButton);
    layout->addWidget(m_replaceRow);
    m_find->installEventFilter(this);
    m_replace->installEventFilter(this);

    connect(next, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(previous, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(replace, &QToolButton::clicked, this, &FindBar::replaceNext);
    connect(replaceAllButton, &QToolButton::clicked, this, &FindBar::replaceAll);
    connect(closeButton, &QToolButton::clicked, this, &FindBar::close);
    connect(m_find, &QLineEdit::textEdited, this, [this] {
        // Incremental: search again from the start of the current match.
        if (RuleEditor* e = m_editor()) {
            QTextCursor c = e->textCursor();
            c.setPosition(c.selectionStart());
            e->setTextCursor(c);
        }
        if (m_find->text().isEmpty())
            setFound(true);
        else
            findNext(false);
    });
    hide();
}

void FindBar::open(bool replace)
{
    if (RuleEditor* e = m_editor()) {
        const QString selected = e->textCursor().selectedText();
        if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
            m_find->setText(selected);
    }
    m_replaceRow->setVisible(replace);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

void FindBar::close()
{
    hide();
    if (RuleEditor* e = m_editor())
        e->setFocus();
}

bool FindBar::findNext(bool backwards)
{
    RuleEditor* e = m_editor();
    const bool found = e && e->find(m_find->text(), backwards, m_caseSensitive->isChecked());
    setFound(found || m_find->text().isEmpty());
    return found;
}

bool FindBar::replaceNext()
{
    RuleEditor* e = m_editor();
    if (!e)
        return false;
    const bool replaced = e->replaceNext(m_find->text(), m_replace->text(), m_caseSensitive->isChecked());
    if (!replaced)
        findNext(false);
    return replaced;
}

int FindBar::replaceAll()
{
    RuleEditor* e = m_editor();
    const int n = e ? e->replaceAll(m_find->text(), m_replace->text(), m_caseSensitive->isChecked()) : 0;
    m_status->setText(tr("%n replaced", nullptr, n));
    return n;
}

QString FindBar::statusText() const
{
    return m_status->text();
}

void FindBar::setFound(bool found)
{
    m_find->setStyleSheet(found ? QString() : QStringLiteral("QLineEdit { background: #f8d7da; color: #58151c; }"));
    m_status->setText(found ? QString() : tr("Not found"));
}

bool FindBar::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Escape) {
            close();
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (watched == m_replace)
                replaceNext();
            else
                findNext(key->modifiers() & Qt::ShiftModifier);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace sigmaui
