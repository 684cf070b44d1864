#include "ruledocument.h"

#include "recoverystore.h"
#include "ruleeditor.h"

#include <QFileInfo>
#include <QTimer>

namespace sigmaui {

RuleDocument::RuleDocument(const SyntaxSupport* syntax, const QString& text, const QString& path,
                           const QString& untitledName, const Options& options, QWidget* editorParent)
    : m_editor(new RuleEditor(syntax, editorParent))
    , m_evaluator(new LiveEvaluator(this))
    , m_autosave(new QTimer(this))
    , m_path(path)
    , m_untitledName(untitledName)
    , m_recoveryId(RecoveryStore::newId())
{
    setParent(m_editor);
    m_evaluator->setFileName(path.isEmpty() ? untitledName : path);
    m_autosave->setSingleShot(true);
    m_autosave->setInterval(options.autosaveDelayMs);
    m_editor->setPlainText(text);
    m_editor->document()->setModified(false);
    m_savedText = m_editor->toPlainText();
    m_evaluator->setText(text);
    connect(m_editor->document(), &QTextDocument::modificationChanged, this, [this](bool modified) {
        const QString now = modified ? m_savedText : m_editor->toPlainText();
        if (now == m_savedText)
            return;
        m_savedText = now;
        Q_EMIT savedTextChanged();
    });
    connect(m_editor->document(), &QTextDocument::modificationChanged, this, &RuleDocument::modificationChanged);
    connect(m_editor->document(), &QTextDocument::contentsChanged, this, [this] {
        m_evaluator->setText(m_editor->toPlainText());
        m_autosave->start();
    });
    connect(m_autosave, &QTimer::timeout, this, &RuleDocument::autosaveDue);
    connect(m_evaluator, &LiveEvaluator::evaluated, this, &RuleDocument::evaluated);
}

QString RuleDocument::text() const
{
    return m_editor->toPlainText();
}

bool RuleDocument::isModified() const
{
    return m_editor->document()->isModified();
}

void RuleDocument::setPath(const QString& path)
{
    m_path = path;
    m_evaluator->setFileName(path.isEmpty() ? m_untitledName : path);
}

QString RuleDocument::displayName() const
{
    return m_path.isEmpty() ? m_untitledName : QFileInfo(m_path).fileName();
}

void RuleDocument::stopAutosave()
{
    m_autosave->stop();
}

} // namespace sigmaui
