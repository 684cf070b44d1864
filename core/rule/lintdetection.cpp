// The linter's detection checks: conditions, modifiers, fields and values (see linter.h and
// docs/lint.md).
#include "rule/linter.h"

#include "rule/condition.h"
#include "rule/modifiers.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma {
namespace {

bool isNumeric(std::string_view s)
{
    if (s.empty())
        return false;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i >= s.size())
        return false;
    // keep leading zeros ('0012') as strings: they are identifiers, not numbers
    if (s.size() - i > 1 && s[i] == '0')
        return false;
    return std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Counts unescaped wildcards; `\*` and `\?` are escaped, `\\*` is a backslash then a wildcard.
struct WildcardInfo {
    bool leadingStar = false;
    bool trailingStar = false;
    bool doubleStar = false;
    bool anyWildcard = false;
    bool innerWildcard = false;
    bool escaped = false;       ///< an escaped wildcard (odd run of backslashes before * or ?)
    bool escapedInPath = false; ///< ... right after a path segment: "dir\*\" or "dir\*" at the end
};

bool pathSegmentChar(char c)
{
    return isAsciiAlnum(c) || c == '_' || c == '%' || c == '$' || c == '-' || c == ')' || c == '}';
}

/// The value has a backslash that escapes nothing (a path separator: "C:\Windows").
bool hasPlainBackslash(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\')
            continue;
        std::size_t j = i;
        while (j < s.size() && s[j] == '\\')
            ++j;
        const bool beforeWildcard = j < s.size() && (s[j] == '*' || s[j] == '?');
        if (!beforeWildcard || (j - i) > 1)
            return true;
        i = j;
    }
    return false;
}

WildcardInfo wildcards(std::string_view s)
{
    WildcardInfo w;
    std::vector<std::size_t> stars;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
            // a run of backslashes before a wildcard: odd run escapes it
            std::size_t j = i;
            while (j < s.size() && s[j] == '\\')
                ++j;
            if (j < s.size() && (s[j] == '*' || s[j] == '?') && (j - i) % 2 == 1) {
                w.escaped = true;
                // "Users\*\", "Windows\*.exe", "C:\*" at the end: written as a path whose
                // segment was meant to be a wildcard. A single backslash only: "\\\*" is deliberate.
                const bool afterSegment =
                    j - i == 1 && i > 0 &&
                    (pathSegmentChar(s[i - 1]) || (s[i - 1] == ':' && i == 2 && isAsciiLetter(s[0])));
                const bool beforeSeparator = j + 1 == s.size() || s[j + 1] == '\\' || s[j + 1] == '.';
                if (afterSegment && beforeSeparator)
                    w.escapedInPath = true;
                i = j; // escaped wildcard
                continue;
            }
            i = j - 1;
            continue;
        }
        if (s[i] == '*' || s[i] == '?') {
            w.anyWildcard = true;
            if (s[i] == '*') {
                if (!stars.empty() && stars.back() + 1 == i)
                    w.doubleStar = true;
                stars.push_back(i);
            }
            if (i != 0 && i + 1 != s.size())
                w.innerWildcard = true;
        }
    }
    const bool drive = s.size() > 2 && s[1] == ':' && isAsciiLetter(s[0]);
    if (w.escapedInPath && !drive && !hasPlainBackslash(s))
        w.escapedInPath = false; // "\*avira\*": no path around it, a deliberate literal
    w.leadingStar = !s.empty() && s.front() == '*';
    w.trailingStar = !stars.empty() && stars.back() == s.size() - 1 && s.size() > 0;
    return w;
}

/// The position modifier a value like '*x*', 'x*' or '*x' of an item without modifiers stands for.
const char* wildcardSuggestion(const DetectionItem& item, const Value& v)
{
    if (!item.modifiers.empty() || item.isKeyword || v.type != Value::Type::String || v.text.size() < 2)
        return nullptr;
    const WildcardInfo w = wildcards(v.text);
    if (w.innerWildcard)
        return nullptr;
    if (w.leadingStar && w.trailingStar && v.text.size() > 2)
        return "contains";
    if (w.trailingStar && !w.leadingStar)
        return "startswith";
    if (w.leadingStar && !w.trailingStar)
        return "endswith";
    return nullptr;
}

/// U+FE0F (emoji presentation) or U+20E3 (combining enclosing keycap) at `at` in UTF-8.
bool keycapMarkAt(std::string_view t, std::size_t at)
{
    return t.substr(at, 3) == "\xEF\xB8\x8F" || t.substr(at, 3) == "\xE2\x83\xA3";
}

/// The unescaped '*' of `t` followed by a keycap mark (the emoji "*" U+FE0F U+20E3 written as
/// such): their number, and `t` with each of them escaped in `escaped`.
std::size_t keycapStars(std::string_view t, std::string& escaped)
{
    std::size_t count = 0;
    escaped.clear();
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '\\' && i + 1 < t.size() && (t[i + 1] == '*' || t[i + 1] == '?' || t[i + 1] == '\\')) {
            escaped += t.substr(i, 2);
            ++i;
            continue;
        }
        if (t[i] == '*' && keycapMarkAt(t, i + 1)) {
            escaped += "\\*";
            ++count;
            continue;
        }
        escaped += t[i];
    }
    return count;
}

bool startsKeycap(std::string_view t)
{
    return !t.empty() && t[0] == '*' && keycapMarkAt(t, 1);
}

} // namespace

void Linter::conditions(const std::vector<Condition>& conds, const std::vector<SearchIdentifier>& ids)
{
    std::vector<std::string> names;
    for (const auto& s : ids)
        names.push_back(s.name);
    for (const auto& c : conds)
        if (c.root)
            conditionNode(*c.root, names);
}

void Linter::conditionNode(const ConditionNode& n, const std::vector<std::string>& names)
{
    if ((n.kind == ConditionNode::Kind::OneOf || n.kind == ConditionNode::Kind::AllOf) && n.name == "them") {
        const auto them = expandConditionPattern("them", names);
        const auto fix = them.size() == 1 ? fixOfOperand(n, "them", them.front()) : std::nullopt;
        if (n.kind == ConditionNode::Kind::AllOf)
            add("all-of-them",
                "'all of them': name the search identifiers (or use 'a and b') so the condition "
                "stays right when one is added",
                n.span, fix);
        if (them.size() == 1)
            add("them-single-identifier", "'them' designates a single search identifier: name it", n.span, fix);
    }
    ofPattern(n, names);
    for (const auto& c : n.children)
        conditionNode(c, names);
}

void Linter::ofPattern(const ConditionNode& n, const std::vector<std::string>& names)
{
    if ((n.kind != ConditionNode::Kind::OneOf && n.kind != ConditionNode::Kind::AllOf) || n.name == "them" ||
        !m_options.sigmahqConventions)
        return;
    if (!n.name.ends_with('*')) {
        add("of-without-wildcard",
            "'of " + n.name + "' names one search identifier: write '" + n.name + "' (or a pattern like '" + n.name +
                "_*')",
            n.span, fixOfOperand(n, n.name, n.name));
        return;
    }
    // SigmaHQ keeps filter_* and selection_* patterns even for one identifier (more are added later)
    if (n.name.ends_with("_*") && !n.name.starts_with("filter_") && !n.name.starts_with("selection_")) {
        const auto matched = expandConditionPattern(n.name, names);
        if (matched.size() == 1)
            add("of-pattern-single", "'" + n.name + "' designates a single search identifier: name it", n.span,
                fixOfOperand(n, n.name, matched.front()));
    }
}

void Linter::searchIdentifier(const SearchIdentifier& s, const LogSource& ls)
{
    for (const auto& m : s.maps)
        for (const auto& item : m.items)
            detectionItem(item, ls);
}

void Linter::detectionItem(const DetectionItem& item, const LogSource& ls)
{
    const bool hasAll = item.has(ModifierKind::All);
    const bool stringMatch = std::any_of(item.modifiers.begin(), item.modifiers.end(), [](const Modifier& m) {
        return modifierInfo(m.kind).role == ModifierRole::Position;
    });
    const MatcherFamily family = matcherFamilyOf(item);
    const bool isRe = item.has(ModifierKind::Re);
    const bool encoded = item.has(ModifierKind::Base64) || item.has(ModifierKind::Base64Offset);
    // modifiers
    for (std::size_t i = 0; i < item.modifiers.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (item.modifiers[i].kind == item.modifiers[j].kind)
                add("duplicate-modifier", "the modifier '" + item.modifiers[i].written + "' is applied twice",
                    item.modifiers[i].span, fixRemoveModifier(item, i));
    if (hasAll && !stringMatch && !item.isKeyword && family != MatcherFamily::Regex && family != MatcherFamily::Cidr &&
        family != MatcherFamily::FieldRef && item.values.size() > 1)
        add("all-without-contains",
            "'all' on exact values requires '" + item.field + "' to equal several values at once: add contains?",
            item.keySpan);
    for (std::size_t i = 0; i < item.modifiers.size(); ++i)
        if (item.modifiers[i].kind == ModifierKind::Base64Offset) {
            const bool containsAfter = std::any_of(item.modifiers.begin() + static_cast<long>(i), item.modifiers.end(),
                                                   [](const Modifier& m) { return m.kind == ModifierKind::Contains; });
            if (!containsAfter)
                add("base64offset-without-contains",
                    "'base64offset' yields fragments of an encoding: follow it with 'contains'", item.modifiers[i].span,
                    fixModifierOrder(item));
        }
    for (std::size_t i = 0; i < item.modifiers.size(); ++i) {
        if (modifierInfo(item.modifiers[i].kind).role != ModifierRole::Position)
            continue;
        const auto later = std::find_if(item.modifiers.begin() + static_cast<long>(i), item.modifiers.end(),
                                        [](const Modifier& m) { return isEncodingModifier(m.kind); });
        if (later != item.modifiers.end())
            add("modifier-order",
                "'" + item.modifiers[i].written + "' before '" + later->written + "': the encoding would see the " +
                    "wildcards; write '" + later->written + "|" + item.modifiers[i].written + "'",
                item.modifiers[i].span, fixModifierOrder(item));
    }
    if (item.has(ModifierKind::Windash) && hasAll)
        add("windash-with-all", "'windash' with 'all': several backends expand it wrongly", item.keySpan);
    // field
    if (!item.isKeyword) {
        if (item.field.find_first_of(" \t") != std::string::npos)
            add("field-with-space", "the field name '" + item.field + "' contains white space", item.fieldSpan);
        if (impliedByLogSource(item, ls)) {
            // reported; the weaker "eventid-with-category" would say the same again
        } else if ((item.field == "EventID" || item.field == "EventCode") && !ls.category.empty() && ls.service.empty())
            add("eventid-with-category",
                "'" + item.field + "' in a rule with the generic category '" + ls.category +
                    "': the category already selects the events",
                item.fieldSpan);
        if (m_options.fieldKnown && !item.has(ModifierKind::Exists)) {
            const auto known = m_options.fieldKnown(ls, item.field);
            if (known && !*known)
                add("field-unknown-for-logsource",
                    "the event catalog has no field '" + item.field + "' for this log source", item.fieldSpan);
        }
    }
    valueConventions(item);
    // values
    const char* commonSuggestion = item.values.empty() ? nullptr : wildcardSuggestion(item, item.values.front());
    for (const auto& v : item.values)
        if (!commonSuggestion || wildcardSuggestion(item, v) != commonSuggestion)
            commonSuggestion = nullptr; // a fix rewrites the whole item: every value must agree
    std::set<std::string> seen;
    for (const auto& v : item.values) {
        if (item.valueIsList && !seen.insert(v.text).second && v.type != Value::Type::Null)
            add("duplicate-value", "the value '" + v.text + "' is listed twice", v.span,
                fixRemoveListElement(v.span, "Remove the second '" + v.text + "'"));
        if (v.type != Value::Type::String)
            continue;
        if (std::any_of(v.text.begin(), v.text.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
            }))
            add("control-character", "the value contains a control character", v.span);
        if (isRe) {
            regex(item, v);
            continue;
        }
        if (item.has(ModifierKind::Expand) && v.text.find('%') == std::string::npos)
            add("expand-without-placeholder", "'expand' needs a %placeholder% in the value", v.span);
        if (v.quoted && isNumeric(v.text) && item.modifiers.empty() && !item.isKeyword)
            add("number-as-string", "'" + v.text + "' is quoted: write the number without quotes", v.span,
                fixUnquoteNumber(v));
        if (item.has(ModifierKind::Cidr) || item.has(ModifierKind::FieldRef))
            continue;
        WildcardInfo w = wildcards(v.text);
        if (w.doubleStar)
            add("double-wildcard", "'**' in a value is the same as '*'", v.span);
        if (w.escapedInPath)
            add("escaped-wildcard-in-path",
                "'\\*' is a literal '*', not a backslash and a wildcard: write '\\\\*' if any name was meant "
                "here",
                v.span);
        else if (w.escaped)
            add("escaped-wildcard", "'\\*' and '\\?' match a literal '*' or '?' (the backslash escapes the wildcard)",
                v.span);
        if (encoded && w.anyWildcard)
            add("base64-wildcard", "wildcards are encoded literally by base64/base64offset", v.span);
        const bool exactPart = !encoded && !item.has(ModifierKind::Windash);
        std::string keycapEscaped;
        if (keycapStars(v.text, keycapEscaped) > 0) {
            // SigmaHQ has '*️⃣' meant as the emoji; to Sigma that '*' is a wildcard, so the value
            // matches any keycap (#️⃣, 1️⃣, ...). Not a redundant wildcard to drop either.
            add("wildcard-in-emoji",
                "'*' before U+FE0F or U+20E3 reads as the keycap emoji ('*', U+FE0F, U+20E3) but is a wildcard "
                "to Sigma, so any keycap matches: write '\\*' to match the emoji",
                v.span, fixReplaceScalar(v.span, v.text, keycapEscaped, "Escape the keycap's '*'"));
            w.leadingStar = w.leadingStar && !startsKeycap(v.text);
        }
        if (item.has(ModifierKind::Contains) && (w.leadingStar || w.trailingStar))
            add("redundant-wildcard", "'contains' already matches anywhere: drop the leading/trailing '*'", v.span,
                exactPart ? fixRedundantWildcard(v, w.leadingStar, w.trailingStar) : std::nullopt);
        else if (item.has(ModifierKind::StartsWith) && w.trailingStar)
            add("redundant-wildcard", "'startswith' already allows anything after: drop the trailing '*'", v.span,
                exactPart ? fixRedundantWildcard(v, false, true) : std::nullopt);
        else if (item.has(ModifierKind::EndsWith) && w.leadingStar)
            add("redundant-wildcard", "'endswith' already allows anything before: drop the leading '*'", v.span,
                exactPart ? fixRedundantWildcard(v, true, false) : std::nullopt);
        if (const char* suggestion = wildcardSuggestion(item, v))
            add("wildcard-instead-of-modifier",
                std::string("write '") + item.field + "|" + suggestion + "' instead of wildcards", v.span,
                commonSuggestion ? fixWildcardModifier(item, commonSuggestion) : std::nullopt);
    }
}

void Linter::valueConventions(const DetectionItem& item)
{
    if (item.isKeyword)
        return;
    if (item.values.size() == 1 && item.values.front().type == Value::Type::String && item.values.front().text == "*" &&
        !item.has(ModifierKind::Re))
        add("wildcard-only-value",
            "'*' matches any value the field has: write '" + item.field + "|exists: true' to say so",
            item.values.front().span, fixWildcardOnly(item));
    if (!m_options.sigmahqConventions)
        return;
    // SigmaHQ: "NT AUTHORITY" is localized ("AUTORITE NT"): a single user name spelled out misses it
    if (asciiLowered(item.field).find("user") != std::string::npos && item.values.size() == 1 &&
        (item.values.front().text.find("AUTHORI") != std::string::npos ||
         item.values.front().text.find("AUTORI") != std::string::npos))
        add("user-localized",
            "'" + item.values.front().text +
                "' is a localized account name: list the other languages' forms too ('AUTHORI', 'AUTORI')",
            item.values.front().span);
    if ((item.field == "Hashes" || item.field == "Hash") && !item.has(ModifierKind::Re)) {
        for (const auto& v : item.values) {
            if (v.type != Value::Type::String) {
                add("invalid-hash", "a Sysmon hash is searched as TYPE=HEX, not as a number", v.span);
                continue;
            }
            // the text between wildcards: each piece is one TYPE=HEX pair
            std::string_view rest = v.text;
            while (!rest.empty()) {
                const auto cut = rest.find_first_of("*?");
                const std::string_view piece = rest.substr(0, cut);
                rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
                if (piece.empty())
                    continue;
                const auto eq = piece.find('=');
                const std::string_view type = piece.substr(0, eq);
                const std::string_view hex = eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1);
                const std::size_t want = type == "MD5" || type == "IMPHASH" ? 32
                                         : type == "SHA1"                   ? 40
                                         : type == "SHA256"                 ? 64
                                                                            : 0;
                // "IMPHASH=" alone (with contains): a test that the hash is there, not a hash
                const bool ok = eq != std::string_view::npos && want != 0 &&
                                (hex.size() == want || (hex.empty() && item.has(ModifierKind::Contains))) &&
                                std::all_of(hex.begin(), hex.end(), isAsciiHexDigit);
                if (!ok) {
                    add("invalid-hash",
                        "'" + std::string(piece) +
                            "' is not MD5=, SHA1=, SHA256= or IMPHASH= followed by a hash of the right length",
                        v.span);
                    break;
                }
            }
        }
    }
}

/// A plain test of Channel / Provider_Name / EventID whose values include every channel,
/// provider or EventID the log source selects: it holds for every event the rule sees.
bool Linter::impliedByLogSource(const DetectionItem& item, const LogSource& ls)
{
    if (!m_options.logSourceScope || item.isKeyword || item.values.empty())
        return false;
    const bool plain = std::all_of(item.modifiers.begin(), item.modifiers.end(),
                                   [](const Modifier& m) { return m.kind == ModifierKind::Cased; });
    if (!plain || item.field.empty())
        return false;
    enum class Which { Channel, Provider, EventId, None };
    Which which = Which::None;
    if (asciiEqualsIgnoringCase(item.field, "Channel"))
        which = Which::Channel;
    else if (asciiEqualsIgnoringCase(item.field, "Provider_Name"))
        which = Which::Provider;
    else if (asciiEqualsIgnoringCase(item.field, "EventID"))
        which = Which::EventId;
    if (which == Which::None)
        return false;
    const auto scope = m_options.logSourceScope(ls);
    if (!scope)
        return false;
    auto listed = [&](std::string_view wanted) {
        return std::any_of(item.values.begin(), item.values.end(), [&](const Value& v) {
            return v.type != Value::Type::Null && wildcards(v.text).anyWildcard == false &&
                   asciiEqualsIgnoringCase(v.text, wanted);
        });
    };
    std::string what;
    if (which == Which::EventId) {
        if (scope->eventIds.empty())
            return false;
        for (const std::uint32_t id : scope->eventIds) {
            if (!listed(std::to_string(id)))
                return false;
            what += (what.empty() ? "" : ", ") + std::to_string(id);
        }
    } else {
        const auto& names = which == Which::Channel ? scope->channels : scope->providers;
        if (names.empty())
            return false;
        for (const auto& n : names) {
            if (!listed(n))
                return false;
            what += (what.empty() ? "'" : ", '") + n + "'";
        }
    }
    std::string source;
    for (const auto& [k, v] :
         {std::pair{"product", &ls.product}, std::pair{"category", &ls.category}, std::pair{"service", &ls.service}})
        if (!v->empty())
            source += (source.empty() ? "" : ", ") + std::string(k) + ": " + *v;
    add("field-implied-by-logsource",
        "the log source (" + source + ") already selects " + item.field + " " + what +
            ": this test filters nothing; remove it, or change the log source if another was meant",
        item.span);
    return true;
}

void Linter::regex(const DetectionItem& item, const Value& v)
{
    // A pattern that does not compile is the parser's "invalid-regex" (rule/modifiers.h).
    if (v.type != Value::Type::String || regexProblem(v.text, regexCompileOptions(item)))
        return;
    static constexpr std::string_view constructs[] = {"(?=", "(?!", "(?<=", "(?<!", "(?>"};
    for (auto c : constructs)
        if (v.text.find(c) != std::string::npos) {
            add("regex-unsupported",
                "'" + std::string(c) + "' (lookaround / atomic group) is not supported by every backend", v.span);
            return;
        }
    for (std::size_t i = 0; i + 1 < v.text.size(); ++i) {
        if (v.text[i] == '\\') {
            if (v.text[i + 1] >= '1' && v.text[i + 1] <= '9') {
                add("regex-unsupported", "backreferences are not supported by every backend", v.span);
                return;
            }
            ++i;
        }
    }
}

} // namespace sigma
