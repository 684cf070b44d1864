#include "rulemarks.h"

#include <QCoreApplication>
#include <QTextBlock>
#include <QTextDocument>

#include <set>

namespace sigmaui {

using Kind = sigma::ExplainNode::Kind;

int characterColumn(const QTextDocument* document, int line, int byteColumn)
{
    if (byteColumn <= 1)
        return 1;
    const QTextBlock block = document->findBlockByNumber(line - 1);
    if (!block.isValid())
        return byteColumn;
    const QByteArray utf8 = block.text().toUtf8();
    if (byteColumn - 1 >= utf8.size())
        return int(block.text().size()) + 1 + (byteColumn - 1 - int(utf8.size()));
    return int(QString::fromUtf8(utf8.left(byteColumn - 1)).size()) + 1;
}

EditorMark markFromSpan(const QTextDocument* document, EditorMark::Kind kind, const sigma::SourceSpan& span,
                        const QString& toolTip)
{
    EditorMark m;
    m.kind = kind;
    m.toolTip = toolTip;
    m.line = span.begin.line;
    m.column = characterColumn(document, span.begin.line, qMax(1, span.begin.column));
    if (span.end.line > 0 && (span.end.line > span.begin.line || span.end.column > span.begin.column)) {
        m.endLine = span.end.line;
        m.endColumn = characterColumn(document, span.end.line, span.end.column);
    } else {
        const QTextBlock block = document->findBlockByNumber(span.begin.line - 1);
        m.endLine = m.line;
        m.endColumn = block.isValid() ? int(block.text().size()) + 1 : m.column + 1;
        if (m.endColumn <= m.column)
            m.endColumn = m.column + 1;
    }
    return m;
}

std::pair<int, int> characterRange(const QTextDocument* document, const sigma::SourceSpan& span)
{
    const int begin = characterColumn(document, span.begin.line, qMax(1, span.begin.column));
    int end;
    if (span.end.line == span.begin.line && span.end.column > span.begin.column) {
        end = characterColumn(document, span.end.line, span.end.column);
    } else {
        const QTextBlock block = document->findBlockByNumber(span.begin.line - 1);
        end = block.isValid() ? int(block.text().size()) + 1 : begin + 1;
    }
    return {begin, qMax(end, begin + 1)};
}

bool spanContains(const QTextDocument* document, const sigma::SourceSpan& span, int line, int column)
{
    if (!span.valid() || span.begin.line != line)
        return false;
    const auto [b, e] = characterRange(document, span);
    return column >= b && column < e;
}

namespace {
void conditionMarks(const sigma::ConditionNode& node, const QTextDocument* document, QVector<EditorMark>& out)
{
    using CK = sigma::ConditionNode::Kind;
    if (node.operatorSpan.valid())
        out.append(markFromSpan(document, EditorMark::Kind::SigmaKeyword, node.operatorSpan));
    if ((node.kind == CK::Identifier || node.kind == CK::OneOf || node.kind == CK::AllOf) && node.nameSpan.valid()) {
        const bool them = node.name == "them";
        out.append(markFromSpan(document, them ? EditorMark::Kind::SigmaKeyword : EditorMark::Kind::SigmaIdentifier,
                                node.nameSpan));
    }
    for (const auto& child : node.children)
        conditionMarks(child, document, out);
}

void detectionMarks(const std::vector<sigma::SearchIdentifier>& detection, const QTextDocument* document,
                    QVector<EditorMark>& out)
{
    for (const auto& search : detection) {
        if (search.nameSpan.valid())
            out.append(markFromSpan(document, EditorMark::Kind::SigmaIdentifier, search.nameSpan));
        for (const auto& map : search.maps)
            for (const auto& item : map.items)
                for (const auto& modifier : item.modifiers)
                    if (modifier.span.valid())
                        out.append(markFromSpan(document, EditorMark::Kind::SigmaModifier, modifier.span));
    }
}

bool failed(sigma::Outcome o)
{
    return o == sigma::Outcome::NotMatched || o == sigma::Outcome::FieldAbsent || o == sigma::Outcome::Error;
}

QString outcomeWord(sigma::Outcome o)
{
    switch (o) {
    case sigma::Outcome::Matched:
        return QCoreApplication::translate("sigmaui", "matched");
    case sigma::Outcome::NotMatched:
        return QCoreApplication::translate("sigmaui", "did not match");
    case sigma::Outcome::FieldAbsent:
        return QCoreApplication::translate("sigmaui", "field absent from the event");
    case sigma::Outcome::Skipped:
        return QCoreApplication::translate("sigmaui", "not evaluated");
    case sigma::Outcome::Error:
        return QCoreApplication::translate("sigmaui", "error");
    }
    return {};
}

struct MarkCollector {
    const sigma::Rule& rule;
    const QTextDocument* document;
    QVector<EditorMark> marks;
    std::set<std::tuple<int, int, int, int>> seen;

    void add(const sigma::ExplainNode& node, const sigma::SourceSpan& span, const QString& what)
    {
        if (!span.valid() || node.outcome == sigma::Outcome::Skipped)
            return;
        const auto key = std::make_tuple(span.begin.line, span.begin.column, span.end.line, span.end.column);
        if (!seen.insert(key).second)
            return;
        QString tip = what + QStringLiteral(": ") + outcomeWord(node.outcome);
        if (node.eventValue)
            tip += QCoreApplication::translate("sigmaui", " (event %1 = '%2')")
                       .arg(QString::fromStdString(node.eventField.empty() ? node.field : node.eventField),
                            QString::fromStdString(*node.eventValue));
        if (!node.detail.empty())
            tip += QStringLiteral(" — ") + QString::fromStdString(node.detail);
        if (node.deciding && failed(node.outcome))
            tip = QCoreApplication::translate("sigmaui", "Why not: ") + tip;
        marks.append(markFromSpan(document, failed(node.outcome) ? EditorMark::Kind::Failed : EditorMark::Kind::Matched,
                                  span, tip));
    }

    const sigma::DetectionItem* item(const sigma::ExplainNode& n) const
    {
        if (n.searchIndex >= rule.detection.size())
            return nullptr;
        const auto& s = rule.detection[n.searchIndex];
        if (n.mapIndex >= s.maps.size() || n.itemIndex >= s.maps[n.mapIndex].items.size())
            return nullptr;
        return &s.maps[n.mapIndex].items[n.itemIndex];
    }

    void walk(const sigma::ExplainNode& node)
    {
        const QString label = QString::fromStdString(node.label);
        switch (node.kind) {
        case Kind::Value:
            add(node, node.span, QCoreApplication::translate("sigmaui", "value %1").arg(label));
            break;
        case Kind::Item:
            if (const sigma::DetectionItem* it = item(node); it && it->keySpan.valid())
                add(node, it->keySpan, label);
            break;
        case Kind::Search:
            if (node.searchIndex < rule.detection.size()) {
                const auto& s = rule.detection[node.searchIndex];
                add(node, s.nameSpan, label);
                // The reference in the condition: the engine gives it as the operator span.
                const sigma::SourceSpan reference = node.operatorSpan.valid() ? node.operatorSpan : node.span;
                if (reference.valid() && reference != s.span && reference != s.nameSpan)
                    add(node, reference, label);
            } else {
                add(node, node.span, label);
            }
            break;
        case Kind::And:
        case Kind::Or:
        case Kind::Not:
        case Kind::OneOf:
        case Kind::AllOf:
            add(node, node.operatorSpan.valid() ? node.operatorSpan : node.span, label);
            break;
        case Kind::LogSource:
            if (failed(node.outcome))
                add(node, node.span, QCoreApplication::translate("sigmaui", "log source"));
            break;
        case Kind::Rule:
        case Kind::Translation:
        case Kind::Condition:
        case Kind::Map:
            break;
        }
        for (const auto& child : node.children)
            walk(child);
    }
};

void collectDeciding(const sigma::ExplainNode& node, std::vector<const sigma::ExplainNode*>& out)
{
    if (node.deciding && (node.kind == Kind::Search || node.kind == Kind::LogSource || node.kind == Kind::Item ||
                          node.kind == Kind::Value))
        out.push_back(&node);
    for (const auto& c : node.children)
        collectDeciding(c, out);
}
} // namespace

QVector<EditorMark> sigmaLayerMarks(const sigma::ParsedFile& parsed, const QTextDocument* document)
{
    QVector<EditorMark> out;
    for (const auto& doc : parsed.documents) {
        if (const sigma::Rule* rule = doc.rule()) {
            detectionMarks(rule->detection, document, out);
            for (const auto& c : rule->conditions)
                if (c.root)
                    conditionMarks(*c.root, document, out);
        } else if (const sigma::Filter* filter = doc.filter()) {
            detectionMarks(filter->detection, document, out);
            for (const auto& c : filter->conditions)
                if (c.root)
                    conditionMarks(*c.root, document, out);
        }
    }
    return out;
}

namespace {
/// A mark one character wide (a YAML parser points at one) covers the whole token there: the
/// run of non-blank characters at it, or the one before it when it is at a blank or the line's end.
void widenToToken(const QTextDocument* document, EditorMark& m)
{
    if (m.endLine != m.line || m.endColumn > m.column + 1)
        return;
    const QString text = document->findBlockByNumber(m.line - 1).text();
    if (text.trimmed().isEmpty())
        return;
    int begin = qBound(0, m.column - 1, int(text.size()));
    if (begin >= text.size() || text.at(begin).isSpace()) { // at a blank or the end: the token before
        int i = begin;
        while (i > 0 && (i >= text.size() || text.at(i).isSpace()))
            --i;
        if (text.at(i).isSpace())
            return;
        begin = i;
    }
    int end = begin;
    while (begin > 0 && !text.at(begin - 1).isSpace())
        --begin;
    while (end < text.size() && !text.at(end).isSpace())
        ++end;
    m.column = begin + 1;
    m.endColumn = end + 1;
}
} // namespace

QVector<EditorMark> diagnosticMarks(const sigma::Diagnostics& diagnostics, const QTextDocument* document)
{
    QVector<EditorMark> out;
    for (const auto& d : diagnostics) {
        if (!d.span.valid())
            continue;
        const EditorMark::Kind kind = d.severity == sigma::Severity::Error     ? EditorMark::Kind::Error
                                      : d.severity == sigma::Severity::Warning ? EditorMark::Kind::Warning
                                                                               : EditorMark::Kind::Info;
        EditorMark m = markFromSpan(document, kind, d.span,
                                    QString::fromStdString(d.message) + QStringLiteral(" [") +
                                        QString::fromStdString(d.code) + QLatin1Char(']'));
        widenToToken(document, m);
        out.append(m);
    }
    return out;
}

QVector<Problem> problemsFrom(const sigma::Diagnostics& diagnostics, const QTextDocument* document)
{
    QVector<Problem> out;
    for (const auto& d : diagnostics) {
        Problem p;
        p.severity = d.severity;
        p.code = QString::fromStdString(d.code);
        p.message = QString::fromStdString(d.message);
        p.file = QString::fromStdString(d.file);
        if (d.span.valid()) {
            const EditorMark m = markFromSpan(document, EditorMark::Kind::Error, d.span);
            p.line = m.line;
            p.column = m.column;
            p.endLine = m.endLine;
            p.endColumn = m.endColumn;
        }
        out.append(p);
    }
    return out;
}

QVector<EditorMark> predicateMarks(const sigma::Explanation& explanation, const sigma::Rule& rule,
                                   const QTextDocument* document)
{
    MarkCollector collector{rule, document, {}, {}};
    collector.walk(explanation.root);
    return collector.marks;
}

namespace {
/// The verdict and the first reasons it failed.
QString verdictSummary(const sigma::Explanation& explanation)
{
    if (explanation.matched)
        return QCoreApplication::translate("sigmaui", "Match.");
    if (!explanation.inScope)
        return QCoreApplication::translate("sigmaui", "No match: the event is not of the rule's log source.");
    std::vector<const sigma::ExplainNode*> deciding;
    collectDeciding(explanation.root, deciding);
    QStringList reasons;
    for (const auto* n : deciding) {
        if (!failed(n->outcome) && n->kind != Kind::Search)
            continue;
        QString r = QString::fromStdString(n->label) + QLatin1Char(' ') + outcomeWord(n->outcome);
        if (n->eventValue)
            r += QCoreApplication::translate("sigmaui", " (event value '%1')")
                     .arg(QString::fromStdString(*n->eventValue));
        reasons.append(r);
        if (reasons.size() == 3)
            break;
    }
    if (reasons.isEmpty())
        return QCoreApplication::translate("sigmaui", "No match.");
    return QCoreApplication::translate("sigmaui", "No match: ") + reasons.join(QStringLiteral("; "));
}
} // namespace

QString explanationSummary(const sigma::Explanation& explanation)
{
    // An event read through a source translation says so ("Security 5156 read as Sysmon 3").
    QString text = verdictSummary(explanation);
    for (const auto& child : explanation.root.children) {
        if (child.kind != Kind::Translation || !explanation.inScope)
            continue;
        if (!text.endsWith(QLatin1Char('.')))
            text += QLatin1Char('.');
        text += QCoreApplication::translate("sigmaui", " Read through the translation: %1.")
                    .arg(QString::fromStdString(child.label));
    }
    return text;
}

} // namespace sigmaui
