#include "sigmacompletion.h"

#include "engine/logsourcefields.h"
#include "events/catalog.h"
#include "rule/attack.h"
#include "rule/rule.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <map>
#include <set>

namespace sigmaui {

namespace {
int indentOf(const QString& line)
{
    int i = 0;
    while (i < line.size() && line.at(i) == QLatin1Char(' '))
        ++i;
    return i;
}

bool blank(const QString& line)
{
    const QString t = line.trimmed();
    return t.isEmpty() || t.startsWith(QLatin1Char('#'));
}

/// The key of a mapping line ("  selection:" -> "selection"), empty when not a key line.
QString keyOf(const QString& line)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*(?:-\s+)?([^\s:#'"][^:#]*?)\s*:(?:\s|$))"));
    const auto m = re.match(line);
    return m.hasMatch() ? m.captured(1) : QString();
}

/// The keys enclosing line `index` (outermost first), from indentation.
QStringList parentKeys(const QStringList& lines, int index, int indent)
{
    QStringList keys;
    for (int i = index - 1; i >= 0 && indent > 0; --i) {
        if (blank(lines.at(i)))
            continue;
        const int ind = indentOf(lines.at(i));
        if (ind < indent) {
            const QString key = keyOf(lines.at(i));
            if (!key.isEmpty())
                keys.prepend(key);
            indent = ind;
        }
    }
    return keys;
}

QString techniqueTag(const std::string& id)
{
    return QStringLiteral("attack.") + QString::fromStdString(id).toLower();
}
} // namespace

CompletionContext completionContextAt(const QString& text, int position)
{
    CompletionContext ctx;
    position = qBound(0, position, int(text.size()));
    const int lineStart = int(text.lastIndexOf(QLatin1Char('\n'), position - 1)) + 1;
    const QString before = text.mid(lineStart, position - lineStart);
    const QStringList lines = text.left(lineStart).split(QLatin1Char('\n'));
    const int lineIndex = int(lines.size()) - 1; // the lines before the current one, then an empty tail
    QStringList previous = lines.mid(0, lineIndex);
    const int indent = indentOf(before);
    const QStringList parents = parentKeys(previous, int(previous.size()), indent);
    const QString top = parents.value(0);

    auto wordStart = [&](const QString& chars) {
        int i = int(before.size());
        while (i > 0 && (before.at(i - 1).isLetterOrNumber() || chars.contains(before.at(i - 1))))
            --i;
        return i;
    };
    auto set = [&](CompletionContext::Kind kind, int startInLine) {
        ctx.kind = kind;
        ctx.prefixStart = lineStart + startInLine;
        ctx.prefix = before.mid(startInLine);
    };

    // condition: on this line, or a list item under condition:
    static const QRegularExpression conditionLine(QStringLiteral(R"(^\s*condition\s*:)"));
    if ((conditionLine.match(before).hasMatch() && top == QLatin1String("detection")) ||
        (parents.size() >= 2 && parents.at(1) == QLatin1String("condition"))) {
        set(CompletionContext::Kind::Identifier, wordStart(QStringLiteral("_*")));
        return ctx;
    }
    if (indent == 0 && !before.contains(QLatin1Char(':'))) {
        set(CompletionContext::Kind::TopLevelKey, wordStart(QStringLiteral("_")));
        return ctx;
    }
    if (top == QLatin1String("tags")) {
        static const QRegularExpression item(QStringLiteral(R"(^\s*-\s*['"]?)"));
        const auto m = item.match(before);
        if (m.hasMatch() && !before.mid(m.capturedEnd()).contains(QLatin1Char(' ')))
            set(CompletionContext::Kind::Tag, int(m.capturedEnd()));
        return ctx;
    }
    if (top == QLatin1String("logsource") && parents.size() == 1) {
        static const QRegularExpression value(QStringLiteral(R"(^\s*(category|product|service)\s*:\s*['"]?)"));
        const auto m = value.match(before);
        if (m.hasMatch()) {
            set(CompletionContext::Kind::LogSourceValue, int(m.capturedEnd()));
            ctx.logSourceKey = m.captured(1);
        } else if (!before.contains(QLatin1Char(':'))) {
            set(CompletionContext::Kind::LogSourceKey, wordStart(QStringLiteral("_")));
        }
        return ctx;
    }
    if (top == QLatin1String("detection") && parents.size() >= 2 && !before.contains(QLatin1Char(':'))) {
        // A detection item key: "Field" or "Field|mod|mod", possibly as a list item.
        static const QRegularExpression key(QStringLiteral(R"(^\s*(?:-\s+)?['"]?([\w.\-]*)((?:\|[\w]*)*)$)"));
        const auto m = key.match(before);
        if (!m.hasMatch())
            return ctx;
        if (!m.captured(2).isEmpty()) {
            set(CompletionContext::Kind::Modifier, int(before.lastIndexOf(QLatin1Char('|'))) + 1);
        } else {
            set(CompletionContext::Kind::Field, int(m.capturedStart(1)));
        }
        return ctx;
    }
    return ctx;
}

TextLogSource logSourceOfText(const QString& text)
{
    TextLogSource source;
    const QStringList lines = text.split(QLatin1Char('\n'));
    bool inside = false;
    static const QRegularExpression kv(QStringLiteral(R"(^\s+(category|product|service)\s*:\s*['"]?([^'"#\s]*))"));
    for (const QString& line : lines) {
        if (blank(line))
            continue;
        if (indentOf(line) == 0) {
            inside = keyOf(line) == QLatin1String("logsource");
            continue;
        }
        if (!inside)
            continue;
        const auto m = kv.match(line);
        if (!m.hasMatch())
            continue;
        const QString value = m.captured(2).toLower();
        if (m.captured(1) == QLatin1String("category"))
            source.category = value;
        else if (m.captured(1) == QLatin1String("product"))
            source.product = value;
        else
            source.service = value;
    }
    return source;
}

QStringList searchIdentifiersOfText(const QString& text)
{
    QStringList ids;
    const QStringList lines = text.split(QLatin1Char('\n'));
    bool inside = false;
    int childIndent = -1;
    for (const QString& line : lines) {
        if (blank(line))
            continue;
        const int ind = indentOf(line);
        if (ind == 0) {
            inside = keyOf(line) == QLatin1String("detection");
            childIndent = -1;
            continue;
        }
        if (!inside)
            continue;
        if (childIndent < 0)
            childIndent = ind;
        if (ind != childIndent)
            continue;
        const QString key = keyOf(line);
        if (!key.isEmpty() && key != QLatin1String("condition") && key != QLatin1String("timeframe") &&
            !ids.contains(key))
            ids.append(key);
    }
    return ids;
}

QStringList catalogFieldsFor(const TextLogSource& source)
{
    // The fields the linter knows for the log source too (engine/logsourcefields.h); every catalog
    // field when the log source is unknown.
    sigma::LogSource logsource;
    logsource.product = source.product.toStdString();
    logsource.category = source.category.toStdString();
    logsource.service = source.service.toStdString();
    std::vector<std::string> fields;
    if (auto known = sigma::catalogFieldsFor(logsource)) {
        fields = std::move(*known);
    } else {
        std::set<std::string> all;
        for (auto& f : sigma::EventCatalog::allFields())
            all.insert(std::move(f));
        for (const auto& f : sigma::EventCatalog::systemFields())
            all.insert(f);
        fields.assign(all.begin(), all.end());
    }
    QStringList out;
    for (const auto& f : fields)
        out.append(QString::fromStdString(f));
    return out;
}

QVector<CompletionCandidate> completionCandidates(const CompletionContext& context, const QString& text,
                                                  const CompletionSources& sources)
{
    using Kind = CompletionContext::Kind;
    QVector<CompletionCandidate> out;
    switch (context.kind) {
    case Kind::None:
        break;
    case Kind::TopLevelKey:
        for (const char* k :
             {"title", "id", "related", "name", "taxonomy", "status", "description", "license", "references", "author",
              "date", "modified", "tags", "logsource", "detection", "fields", "falsepositives", "level", "scope"})
            out.append({QString::fromLatin1(k), {}});
        break;
    case Kind::Field: {
        const TextLogSource source = logSourceOfText(text);
        const QString where = QStringList{source.product, source.category, source.service}.join(QLatin1Char('/'));
        std::map<QString, QString> fields; // sorted case-insensitively by key
        for (const QString& f : catalogFieldsFor(source))
            fields.emplace(f.toLower() + QLatin1Char('\1') + f,
                           QCoreApplication::translate("sigmaui", "catalog: %1").arg(where));
        for (const QString& f : sources.eventFields) {
            const QString key = f.toLower() + QLatin1Char('\1') + f;
            auto it = fields.find(key);
            if (it == fields.end())
                fields.emplace(key, QCoreApplication::translate("sigmaui", "seen in loaded events"));
            else
                it->second += QCoreApplication::translate("sigmaui", ", seen in loaded events");
        }
        for (const auto& [key, detail] : fields)
            out.append({key.section(QLatin1Char('\1'), 1), detail});
        break;
    }
    case Kind::Modifier: {
        std::set<std::string> seen;
        for (int k = int(sigma::ModifierKind::Contains); k <= int(sigma::ModifierKind::Year); ++k) {
            const std::string name = sigma::modifierName(sigma::ModifierKind(k));
            if (!name.empty() && seen.insert(name).second)
                out.append({QString::fromStdString(name), {}});
        }
        out.append({QStringLiteral("wide"), QCoreApplication::translate("sigmaui", "alias of utf16le")});
        break;
    }
    case Kind::Identifier: {
        for (const QString& id : searchIdentifiersOfText(text))
            out.append({id, QCoreApplication::translate("sigmaui", "search identifier")});
        for (const char* k : {"and", "or", "not", "1 of", "all of", "them"})
            out.append({QString::fromLatin1(k), QCoreApplication::translate("sigmaui", "keyword")});
        break;
    }
    case Kind::Tag: {
        for (const auto& t : sigma::attack::tactics())
            out.append({QStringLiteral("attack.") + QString::fromStdString(t.shortName),
                        QCoreApplication::translate("sigmaui", "tactic %1 %2")
                            .arg(QString::fromStdString(t.id), QString::fromStdString(t.name))});
        for (const auto& t : sigma::attack::techniques())
            if (t.status == sigma::attack::Technique::Status::Active)
                out.append({techniqueTag(t.id), QString::fromStdString(t.name)});
        for (const char* k : {"cve.", "detection.emerging-threats", "detection.threat-hunting", "detection.dfir",
                              "tlp.clear", "tlp.green", "tlp.amber", "tlp.red"})
            out.append({QString::fromLatin1(k), {}});
        break;
    }
    case Kind::LogSourceKey:
        for (const char* k : {"category", "product", "service", "definition"})
            out.append({QString::fromLatin1(k), {}});
        break;
    case Kind::LogSourceValue: {
        std::set<QString> values;
        for (const auto& e : sigma::LogSourceTable::builtin().entries()) {
            const std::string& v = context.logSourceKey == QLatin1String("category")  ? e.category
                                   : context.logSourceKey == QLatin1String("product") ? e.product
                                                                                      : e.service;
            if (!v.empty())
                values.insert(QString::fromStdString(v));
        }
        const QString prefix = context.logSourceKey + QLatin1Char(':');
        for (const QString& v : sources.corpusLogSourceValues)
            if (v.startsWith(prefix))
                values.insert(v.mid(prefix.size()));
        for (const QString& v : values)
            out.append({v, {}});
        break;
    }
    }
    return out;
}

} // namespace sigmaui
