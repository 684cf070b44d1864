#include "editorassistance.h"

#include "corpussession.h"
#include "indicatorscontroller.h"
#include "indicatorspane.h"
#include "sigmacompleter.h"
#include "techniquepages.h"

#include "../liveevaluator.h"
#include "../ruledocument.h"
#include "../ruleeditor.h"
#include "../rulemarks.h"
#include "../workbenchcontext.h"

#include "engine/fieldfacts.h"
#include "events/fieldname.h"
#include "rule/attack.h"
#include "rule/parser.h"

#include <QCoreApplication>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QToolTip>

#include <set>

namespace sigmaui {

namespace {
QString tagDescription(const std::string& tag)
{
    const std::string technique = sigma::techniqueFromTag(tag);
    if (!technique.empty()) {
        const auto* t = sigma::attack::findTechnique(technique);
        if (!t)
            return QCoreApplication::translate("sigmaui", "%1: not in the ATT&CK table")
                .arg(QString::fromStdString(technique));
        QStringList tactics;
        for (const auto& s : t->tactics)
            if (const auto* ta = sigma::attack::findTactic(s))
                tactics.append(QString::fromStdString(ta->name));
        QString text = QCoreApplication::translate("sigmaui", "%1 — %2\nTactic: %3")
                           .arg(QString::fromStdString(t->id), QString::fromStdString(t->name),
                                tactics.join(QStringLiteral(", ")));
        if (t->status != sigma::attack::Technique::Status::Active)
            text += t->currentId.empty() ? QCoreApplication::translate("sigmaui", "\nDeprecated in ATT&CK")
                                         : QCoreApplication::translate("sigmaui", "\nRevoked; now %1")
                                               .arg(QString::fromStdString(t->currentId));
        return text + QCoreApplication::translate("sigmaui", "\nCtrl+click for the technique page");
    }
    if (tag.rfind("attack.", 0) == 0) {
        if (const auto* ta = sigma::attack::findTactic(tag.substr(7)))
            return QCoreApplication::translate("sigmaui", "Tactic %1 — %2")
                .arg(QString::fromStdString(ta->id), QString::fromStdString(ta->name));
    }
    return {};
}
} // namespace

EditorAssistance::EditorAssistance(WorkbenchContext* context, CorpusSession* session, IndicatorsController* indicators,
                                   TechniquePages* techniques, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_session(session)
    , m_indicators(indicators)
    , m_techniques(techniques)
{
    connect(m_context, &WorkbenchContext::documentAdded, this,
            [this](RuleDocument* document) { attach(document->editor()); });
    for (RuleDocument* document : m_context->documents())
        attach(document->editor());
}

RuleDocument* EditorAssistance::documentOf(const RuleEditor* editor) const
{
    for (RuleDocument* document : m_context->documents())
        if (document->editor() == editor)
            return document;
    return nullptr;
}

QStringList EditorAssistance::eventFieldNames() const
{
    const EventListPtr events = m_context->events();
    if (events == m_fieldNamesFor)
        return m_fieldNames;
    std::set<std::string> names;
    if (events) {
        const std::size_t limit = std::min<std::size_t>(events->size(), 20000);
        for (std::size_t i = 0; i < limit; ++i)
            for (const auto& f : (*events)[i].fields)
                names.insert(std::string(sigma::FieldNames::text(f.name)));
    }
    m_fieldNames.clear();
    for (const auto& n : names)
        m_fieldNames.append(QString::fromStdString(n));
    m_fieldNamesFor = events;
    return m_fieldNames;
}

void EditorAssistance::attach(RuleEditor* editor)
{
    if (!editor || m_attached.contains(editor))
        return;
    m_attached.insert(editor);
    connect(editor, &QObject::destroyed, this, [this, editor] { m_attached.remove(editor); });
    auto* completer = new SigmaCompleter(editor);
    completer->setSourcesProvider([this] {
        CompletionSources sources;
        sources.eventFields = eventFieldNames();
        if (const CorpusPtr corpus = m_session->corpus()) {
            std::set<QString> values;
            for (const auto& r : corpus->rules()) {
                if (!r.logsource.category.empty())
                    values.insert(QStringLiteral("category:") + QString::fromStdString(r.logsource.category));
                if (!r.logsource.product.empty())
                    values.insert(QStringLiteral("product:") + QString::fromStdString(r.logsource.product));
                if (!r.logsource.service.empty())
                    values.insert(QStringLiteral("service:") + QString::fromStdString(r.logsource.service));
            }
            for (const QString& v : values)
                sources.corpusLogSourceValues.append(v);
        }
        return sources;
    });
    editor->viewport()->installEventFilter(this);
}

QString EditorAssistance::hoverTextAt(RuleEditor* editor, int line, int column) const
{
    RuleDocument* document = documentOf(editor);
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    if (!last || !last->parsed || last->text != editor->toPlainText())
        return {};
    const sigma::Rule* rule = last->parsed->firstRule();
    if (!rule)
        return {};
    const QTextDocument* doc = editor->document();
    for (std::size_t i = 0; i < rule->tags.size() && i < rule->tagSpans.size(); ++i)
        if (spanContains(doc, rule->tagSpans[i], line, column))
            return tagDescription(rule->tags[i]);
    for (const auto& search : rule->detection)
        for (const auto& map : search.maps)
            for (const auto& item : map.items)
                if (!item.isKeyword && !item.field.empty() && spanContains(doc, item.fieldSpan, line, column)) {
                    const sigma::LogSourceTable* table = m_context->compileOptions().logSources;
                    const auto facts = sigma::fieldFacts(item.field, rule->logsource,
                                                         table ? *table : sigma::LogSourceTable::builtin());
                    return QString::fromStdString(sigma::fieldFactsText(item.field, facts));
                }
    if (document == m_context->currentDocument() && last->parsed == m_indicators->shownParsed()) {
        const IndicatorsModel* model = m_indicators->pane()->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            const IndicatorFigures* f = model->figuresAt(r);
            if (spanContains(doc, f->indicator.span, line, column))
                return model->data(model->index(r, 0), Qt::ToolTipRole).toString();
        }
    }
    return {};
}

QString EditorAssistance::techniqueAtCursor() const
{
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    if (!last || !last->parsed || !last->parsed->firstRule())
        return {};
    const sigma::Rule* rule = last->parsed->firstRule();
    const QTextCursor c = document->editor()->textCursor();
    const int line = c.blockNumber() + 1;
    const int column = c.positionInBlock() + 1;
    for (std::size_t i = 0; i < rule->tags.size() && i < rule->tagSpans.size(); ++i) {
        const auto& span = rule->tagSpans[i];
        if (span.begin.line != line)
            continue;
        const auto [b, e] = characterRange(document->editor()->document(), span);
        if (column >= b && column <= e) // the cursor may sit just after the tag
            return QString::fromStdString(sigma::techniqueFromTag(rule->tags[i]));
    }
    return {};
}

bool EditorAssistance::eventFilter(QObject* watched, QEvent* event)
{
    auto* editor = watched->parent() ? qobject_cast<RuleEditor*>(watched->parent()) : nullptr;
    if (!editor || (event->type() != QEvent::ToolTip && event->type() != QEvent::MouseButtonRelease))
        return QObject::eventFilter(watched, event);
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor c = editor->cursorForPosition(help->pos());
        const int line = c.blockNumber() + 1;
        const int column = c.positionInBlock() + 1;
        const QString mine = hoverTextAt(editor, line, column);
        if (mine.isEmpty())
            return false; // the editor's own marks
        QStringList tips{mine};
        tips.append(editor->toolTipsAt(line, column));
        QToolTip::showText(help->globalPos(), tips.join(QStringLiteral("\n\n")), editor->viewport());
        return true;
    }
    auto* mouse = static_cast<QMouseEvent*>(event);
    if (mouse->button() == Qt::LeftButton && (mouse->modifiers() & Qt::ControlModifier)) {
        const QString id = techniqueAtCursor();
        if (!id.isEmpty()) {
            m_techniques->show(id);
            return false;
        }
    }
    return false;
}

} // namespace sigmaui
