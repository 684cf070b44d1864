// The quick fixes the checks attach to their diagnostics (see linter.h, lintfix.h and
// docs/lint.md). Each one edits the text as written: it checks that the source still reads as the
// parser understood it (a scalar's quoting, a modifier chain on one line, a block or flow list
// entry) and gives up (nullopt) on anything else, so a fix never guesses.
#include "rule/linter.h"

#include "rule/modifiers.h"
#include "rule/yamlscalar.h"

#include <algorithm>

namespace sigma {
namespace {

/// `s` written as a plain YAML scalar reads back as the same string (not a number, boolean, null,
/// alias, comment or mapping).
bool plainSafe(std::string_view s)
{
    if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':')
        return false;
    if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos)
        return false;
    if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos)
        return false;
    for (const char c : s)
        if (static_cast<unsigned char>(c) < 0x20)
            return false;
    bool b = false;
    long long i = 0;
    double d = 0;
    if (yaml11::resolveBool(s, b) || yaml11::resolveInt(s, i) || yaml11::resolveFloat(s, d))
        return false;
    return s != "~" && s != "null" && s != "Null" && s != "NULL";
}

std::string singleQuoted(std::string_view s)
{
    std::string out = "'";
    for (const char c : s) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

/// The raw text of a scalar written `raw` rewritten to read `newText`, in the same quoting style
/// when it can; nullopt when `raw` does not read as `oldText` on its own (escapes, several lines).
std::optional<std::string> rewriteScalar(std::string_view raw, std::string_view oldText, std::string_view newText)
{
    if (raw.empty() || raw.find('\n') != std::string_view::npos)
        return std::nullopt;
    if (raw.front() == '\'') {
        if (raw.size() < 2 || raw.back() != '\'')
            return std::nullopt;
        std::string inner;
        const std::string_view body = raw.substr(1, raw.size() - 2);
        for (std::size_t i = 0; i < body.size(); ++i) {
            inner += body[i];
            if (body[i] == '\'')
                ++i; // '' is one quote
        }
        if (inner != oldText)
            return std::nullopt;
        return singleQuoted(newText);
    }
    if (raw.front() == '"') {
        const std::string_view body = raw.size() >= 2 ? raw.substr(1, raw.size() - 2) : std::string_view{};
        if (raw.size() < 2 || raw.back() != '"' || body.find('\\') != std::string_view::npos || body != oldText)
            return std::nullopt;
        if (newText.find_first_of("\\\"") != std::string_view::npos)
            return singleQuoted(newText);
        return "\"" + std::string(newText) + "\"";
    }
    if (raw != oldText)
        return std::nullopt;
    return plainSafe(newText) ? std::string(newText) : singleQuoted(newText);
}

} // namespace

std::optional<Fix> Linter::fixReplaceScalar(SourceSpan span, std::string_view oldText, std::string_view newText,
                                            std::string title)
{
    const auto raw = rewriteScalar(m_text.slice(span), oldText, newText);
    if (!raw)
        return std::nullopt;
    return Fix{std::move(title), {{span, *raw}}};
}

std::optional<Fix> Linter::fixWildcardModifier(const DetectionItem& item, const char* modifier)
{
    const std::string_view mod(modifier);
    const bool dropLeading = mod != "startswith";
    const bool dropTrailing = mod != "endswith";
    Fix fix{"Write '" + item.field + "|" + std::string(mod) + "' without the wildcards", {}};
    for (const auto& v : item.values) {
        std::string_view t = v.text;
        if (v.type != Value::Type::String || t.size() < 2)
            return std::nullopt;
        if (dropLeading)
            t.remove_prefix(1);
        if (dropTrailing)
            t.remove_suffix(1);
        const auto raw = rewriteScalar(m_text.slice(v.span), v.text, t);
        if (!raw)
            return std::nullopt;
        fix.edits.push_back({v.span, *raw});
    }
    const std::string_view key = m_text.slice(item.keySpan);
    if (key.empty() || key.find('|') != std::string_view::npos)
        return std::nullopt;
    SourcePos at = item.keySpan.end;
    if (key.back() == '\'' || key.back() == '"')
        --at.column;
    if (at.line != item.keySpan.begin.line)
        return std::nullopt;
    fix.edits.insert(fix.edits.begin(), TextEdit{{at, at}, "|" + std::string(mod)});
    return fix;
}

std::optional<Fix> Linter::fixRedundantWildcard(const Value& v, bool leading, bool trailing)
{
    std::string_view t = v.text;
    if (leading && !t.empty())
        t.remove_prefix(1);
    if (trailing && !t.empty())
        t.remove_suffix(1);
    if (t.empty())
        return std::nullopt;
    return fixReplaceScalar(v.span, v.text, t, "Drop the redundant '*'");
}

std::optional<Fix> Linter::fixUnquoteNumber(const Value& v)
{
    const std::string_view raw = m_text.slice(v.span);
    if (raw.size() != v.text.size() + 2 || (raw.front() != '\'' && raw.front() != '"') ||
        raw.substr(1, v.text.size()) != v.text)
        return std::nullopt;
    return Fix{"Write " + v.text + " without quotes", {{v.span, v.text}}};
}

std::optional<Fix> Linter::fixRemoveListElement(SourceSpan element, std::string title)
{
    const std::string_view raw = m_text.slice(element);
    if (raw.empty() || element.begin.line != element.end.line)
        return std::nullopt;
    const int line = element.begin.line;
    const std::string_view text = m_text.line(line);
    // block list: "  - value" (an end-of-line comment goes with it)
    const std::size_t dash = text.find_first_not_of(' ');
    if (dash != std::string_view::npos && text[dash] == '-' &&
        static_cast<std::size_t>(element.begin.column) - 1 == text.find_first_not_of(' ', dash + 1)) {
        std::string_view rest = text.substr(static_cast<std::size_t>(element.end.column) - 1);
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        if (!rest.empty() && rest.front() != '#')
            return std::nullopt;
        if (line < m_text.lineCount())
            return Fix{std::move(title), {{{{line, 1}, {line + 1, 1}}, ""}}};
        if (line == 1)
            return std::nullopt;
        const int prevEnd = static_cast<int>(m_text.line(line - 1).size()) + 1;
        const int end = static_cast<int>(text.size()) + 1;
        return Fix{std::move(title), {{{{line - 1, prevEnd}, {line, end}}, ""}}};
    }
    // flow list: "[a, b, a]": drop ", a"
    std::size_t i = static_cast<std::size_t>(element.begin.column) - 1;
    while (i > 0 && text[i - 1] == ' ')
        --i;
    if (i == 0 || text[i - 1] != ',')
        return std::nullopt;
    return Fix{std::move(title), {{{{line, static_cast<int>(i)}, element.end}, ""}}};
}

std::optional<Fix> Linter::fixRemoveModifier(const DetectionItem& item, std::size_t index)
{
    const Modifier& m = item.modifiers[index];
    if (m.span.begin.line != m.span.end.line || m.span.begin.column < 2)
        return std::nullopt;
    const SourcePos bar{m.span.begin.line, m.span.begin.column - 1};
    if (m_text.slice({bar, m.span.begin}) != "|" || m_text.slice(m.span) != m.written)
        return std::nullopt;
    return Fix{"Remove the second '" + m.written + "'", {{{bar, m.span.end}, ""}}};
}

std::optional<Fix> Linter::fixModifierOrder(const DetectionItem& item)
{
    if (item.modifiers.empty())
        return std::nullopt;
    std::vector<const Modifier*> order;
    std::string written;
    std::size_t lastTransform = 0;
    for (std::size_t i = 0; i < item.modifiers.size(); ++i) {
        order.push_back(&item.modifiers[i]);
        written += (i ? "|" : "") + item.modifiers[i].written;
        if (isEncodingModifier(item.modifiers[i].kind))
            lastTransform = i + 1;
    }
    const SourceSpan whole{item.modifiers.front().span.begin, item.modifiers.back().span.end};
    if (m_text.slice(whole) != written)
        return std::nullopt;
    // the position modifiers written before the last transformation move right after it
    std::vector<const Modifier*> moved;
    std::vector<const Modifier*> kept;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const bool position = modifierInfo(order[i]->kind).role == ModifierRole::Position;
        (position && i < lastTransform ? moved : kept).push_back(order[i]);
    }
    if (moved.empty())
        return std::nullopt;
    std::size_t insertAt = 0;
    for (std::size_t i = 0; i < kept.size(); ++i)
        if (isEncodingModifier(kept[i]->kind))
            insertAt = i + 1;
    kept.insert(kept.begin() + static_cast<long>(insertAt), moved.begin(), moved.end());
    std::string fixed;
    for (std::size_t i = 0; i < kept.size(); ++i)
        fixed += (i ? "|" : "") + kept[i]->written;
    return Fix{"Write '" + item.field + "|" + fixed + "'", {{whole, fixed}}};
}

std::optional<Fix> Linter::fixInsertId(const std::map<std::string, SourceSpan>& keys,
                                       const std::map<std::string, SourceSpan>& values)
{
    const SourceSpan key = at(keys, "title");
    if (!key.valid() || key.begin.column != 1)
        return std::nullopt; // a top-level key starts its line
    const SourceSpan value = at(values, "title");
    const SourcePos end = value.valid() ? value.end : key.end;
    const std::string id = m_options.newId ? m_options.newId() : randomUuid();
    const std::string lineBreak(m_text.lineBreak());
    Fix fix{"Add 'id: " + id + "'", {}};
    const int next = end.column == 1 ? end.line : end.line + 1;
    if (next <= m_text.lineCount())
        fix.edits.push_back({{{next, 1}, {next, 1}}, "id: " + id + lineBreak});
    else if (m_text.offset({next, 1}))
        fix.edits.push_back({{{next, 1}, {next, 1}}, "id: " + id + lineBreak}); // after the final line break
    else {
        const SourcePos eol{end.line, static_cast<int>(m_text.line(end.line).size()) + 1};
        fix.edits.push_back({{eol, eol}, lineBreak + "id: " + id});
    }
    return fix;
}

std::optional<Fix> Linter::fixOfOperand(const ConditionNode& n, std::string_view operand, const std::string& name)
{
    const std::string_view raw = m_text.slice(n.span);
    if (raw.empty() || n.span.begin.line != n.span.end.line || !raw.ends_with(operand))
        return std::nullopt;
    // "1 of X", "any of X", "all of X" with any spacing
    const auto first = raw.find(' ');
    if (first == std::string_view::npos)
        return std::nullopt;
    const std::string_view quantifier = raw.substr(0, first);
    std::string_view rest = raw.substr(first);
    rest.remove_prefix(rest.find_first_not_of(' '));
    if ((quantifier != "1" && quantifier != "any" && quantifier != "all") || !rest.starts_with("of ") ||
        rest.substr(3).find_first_not_of(' ') != rest.size() - 3 - operand.size())
        return std::nullopt;
    return Fix{"Write '" + name + "'", {{n.span, name}}};
}

std::optional<Fix> Linter::fixWildcardOnly(const DetectionItem& item)
{
    if (!item.modifiers.empty() || item.valueIsList || item.values.size() != 1 || item.isKeyword)
        return std::nullopt;
    const Value& v = item.values.front();
    const std::string_view key = m_text.slice(item.keySpan);
    if (key.empty() || key.find('|') != std::string_view::npos || item.keySpan.begin.line != item.keySpan.end.line)
        return std::nullopt;
    const std::string_view raw = m_text.slice(v.span);
    if (raw != "'*'" && raw != "\"*\"")
        return std::nullopt;
    SourcePos at = item.keySpan.end;
    if (key.back() == '\'' || key.back() == '"')
        --at.column;
    return Fix{"Write '" + item.field + "|exists: true'", {{{at, at}, "|exists"}, {v.span, "true"}}};
}

std::optional<Fix> Linter::fixRemoveKeyLine(SourceSpan key, SourceSpan value, std::string title)
{
    if (!key.valid() || key.begin.column != 1 || (value.valid() && value.end.line != key.begin.line))
        return std::nullopt;
    const int line = key.begin.line;
    const std::string_view text = m_text.line(line);
    if (value.valid()) {
        std::string_view rest = text.substr(std::min(text.size(), static_cast<std::size_t>(value.end.column) - 1));
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        if (!rest.empty() && rest.front() != '#')
            return std::nullopt;
    }
    if (line < m_text.lineCount())
        return Fix{std::move(title), {{{{line, 1}, {line + 1, 1}}, ""}}};
    if (line == 1)
        return std::nullopt;
    const int prevEnd = static_cast<int>(m_text.line(line - 1).size()) + 1;
    return Fix{std::move(title), {{{{line - 1, prevEnd}, {line, static_cast<int>(text.size()) + 1}}, ""}}};
}

} // namespace sigma
