// The linter (see lint.h and docs/lint.md).
#include "rule/lint.h"
#include "rule/lintcorrelation.h"

#include "rule/attack.h"
#include "rule/condition.h"
#include "rule/modifiers.h"
#include "rule/parser.h"
#include "util/asciitext.h"

#include <algorithm>
#include <map>
#include <set>

namespace sigma {
namespace {

const std::vector<LintCheckInfo> kChecks{
    // metadata
    {"missing-id", Severity::Warning, "the rule has no 'id'"},
    {"invalid-id", Severity::Warning, "'id' is not a UUID"},
    {"duplicate-id", Severity::Error, "two documents of the loaded set share an id"},
    {"duplicate-title", Severity::Warning, "two documents of the loaded set share a title"},
    {"duplicate-reference", Severity::Warning, "the same reference is listed twice"},
    {"title-too-long", Severity::Warning, "the title is longer than 110 characters (SigmaHQ)"},
    {"title-style", Severity::Info, "the title ends with a period or starts with lower case (SigmaHQ)"},
    {"missing-author", Severity::Warning, "no 'author' (SigmaHQ)"},
    {"missing-date", Severity::Warning, "no 'date' (SigmaHQ)"},
    {"missing-description", Severity::Warning, "no 'description' (SigmaHQ)"},
    {"missing-level", Severity::Warning, "no 'level'"},
    {"missing-status", Severity::Warning, "no 'status' (SigmaHQ)"},
    {"invalid-status", Severity::Error, "'status' is not stable, test, experimental, deprecated or unsupported"},
    {"invalid-level", Severity::Error, "'level' is not informational, low, medium, high or critical"},
    {"invalid-date", Severity::Warning, "'date' or 'modified' is not YYYY-MM-DD"},
    {"modified-before-date", Severity::Warning, "'modified' is earlier than 'date'"},
    {"invalid-related", Severity::Error, "a 'related' entry has no valid id or type"},
    {"unknown-attribute", Severity::Info, "a top-level attribute the specification does not define"},
    {"filename-convention", Severity::Info, "the file name is not lower_case_with_underscores.yml (SigmaHQ)"},
    // tags
    {"tag-format", Severity::Warning, "a tag is not namespace.name in lower case ([a-z0-9_-].[a-z0-9._-])"},
    {"duplicate-tag", Severity::Warning, "the same tag is listed twice"},
    {"unknown-tag-namespace", Severity::Warning,
     "a tag namespace other than attack, car, cve, d3fend, detection, stp, tlp"},
    {"attack-unknown-technique", Severity::Warning, "an ATT&CK technique id that does not exist"},
    {"attack-revoked-technique", Severity::Warning, "a revoked or deprecated ATT&CK technique id"},
    {"attack-unknown-tag", Severity::Warning, "an attack.* tag that is no tactic, technique, group or software id"},
    {"attack-renamed-tactic", Severity::Info,
     "a tactic under its old name (attack.defense-evasion is now attack.stealth)"},
    {"attack-technique-without-tactic", Severity::Info, "an ATT&CK technique tag without any of its tactics"},
    {"invalid-tag-value", Severity::Warning, "a tlp, cve, car, detection or stp tag with an invalid value"},
    // detection
    {"all-of-them", Severity::Info, "'all of them' (pySigma: prefer naming the identifiers)"},
    {"them-single-identifier", Severity::Info, "'1 of them' / 'all of them' with a single search identifier"},
    {"all-without-contains", Severity::Warning, "'all' on exact values: one field cannot equal two different values"},
    {"base64offset-without-contains", Severity::Warning, "'base64offset' not followed by 'contains'"},
    {"windash-with-all", Severity::Info, "'windash' together with 'all' (misbehaves in several backends)"},
    {"duplicate-modifier", Severity::Warning, "the same modifier twice in one chain"},
    {"base64-wildcard", Severity::Warning, "wildcards in a value that is base64-encoded (they are encoded literally)"},
    {"double-wildcard", Severity::Warning, "'**' in a value"},
    {"escaped-wildcard", Severity::Info, "'\\*' or '\\?' in a value: a literal asterisk or question mark"},
    {"escaped-wildcard-in-path", Severity::Warning,
     "'\\*' or '\\?' after a path segment ('C:\\Users\\*\\'): a literal character where a backslash and a "
     "wildcard were probably meant ('\\\\*')"},
    {"wildcard-instead-of-modifier", Severity::Info,
     "a value like '*x*', 'x*' or '*x' where contains/startswith/endswith says it"},
    {"redundant-wildcard", Severity::Warning, "a leading/trailing '*' with contains/startswith/endswith"},
    {"number-as-string", Severity::Warning, "a quoted number ('4688') where the number is meant"},
    {"control-character", Severity::Warning, "a control character in a value"},
    {"duplicate-value", Severity::Warning, "the same value twice in a value list"},
    {"expand-without-placeholder", Severity::Warning, "'expand' on a value without %placeholder%"},
    {"regex-unsupported", Severity::Warning,
     "lookaround, atomic groups or backreferences: not portable to every backend"},
    {"field-with-space", Severity::Warning, "a field name with white space"},
    {"field-implied-by-logsource", Severity::Warning,
     "a Channel, Provider_Name or EventID test every event of the log source passes (it filters nothing)"},
    {"eventid-with-category", Severity::Info, "EventID filtered in a rule whose log source is a generic category"},
    {"field-unknown-for-logsource", Severity::Warning,
     "a field the event catalog does not know for the (Windows, by category) log source"},
};

bool isUuid(std::string_view s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!isAsciiHexDigit(c)) {
            return false;
        }
    }
    return true;
}

bool isDate(std::string_view s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!isAsciiDigit(s[i]))
            return false;
    const int month = (s[5] - '0') * 10 + (s[6] - '0');
    const int day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool matchesTagFormat(std::string_view t)
{
    const auto dot = t.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= t.size())
        return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || (i >= dot && c == '.');
        if (!ok)
            return false;
    }
    return true;
}

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

std::vector<std::string> splitCodes(std::string_view s)
{
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty())
            out.push_back(cur);
        cur.clear();
    };
    for (char c : s) {
        if (c == ',' || c == ' ' || c == '\t' || c == '[' || c == ']' || c == '"' || c == '\'')
            flush();
        else
            cur += c;
    }
    flush();
    return out;
}

class Linter {
public:
    Linter(const ParsedFile& file, const LintOptions& options, Diagnostics& out)
        : m_file(file)
        , m_options(options)
        , m_out(out)
    {}

    void run()
    {
        if (m_options.sigmahqConventions && !m_file.file.empty()) {
            const auto slash = m_file.file.find_last_of('/');
            const std::string base = m_file.file.substr(slash == std::string::npos ? 0 : slash + 1);
            const bool ok =
                base.size() > 4 &&
                std::all_of(base.begin(), base.end() - 4,
                            [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }) &&
                (base.ends_with(".yml"));
            if (!ok && (base.ends_with(".yml") || base.ends_with(".yaml")))
                add("filename-convention", "the file name '" + base + "' is not lower_case_with_underscores.yml", {});
        }
        for (const auto& doc : m_file.documents) {
            m_docStart = {doc.span.begin, doc.span.begin};
            if (const Rule* r = doc.rule())
                rule(*r);
            else if (const Correlation* c = doc.correlation())
                metadataCommon(c->id, c->title, c->status, c->level, c->keySpans, c->valueSpans, false);
            else if (const Filter* f = doc.filter()) {
                metadataCommon(f->id, f->title, "", "", f->keySpans, f->valueSpans, false);
                for (const auto& s : f->detection)
                    searchIdentifier(s, f->logsource);
                conditions(f->conditions, f->detection);
            }
        }
    }

private:
    void add(const std::string& code, std::string message, SourceSpan span)
    {
        for (const auto& d : m_options.disabled)
            if (d == code)
                return;
        Severity sev = Severity::Warning;
        for (const auto& c : kChecks)
            if (c.code == code)
                sev = c.severity;
        if (!span.valid())
            span = m_docStart;
        m_out.push_back({sev, code, std::move(message), m_file.file, span});
    }

    static SourceSpan at(const std::map<std::string, SourceSpan>& spans, const std::string& key)
    {
        const auto it = spans.find(key);
        return it == spans.end() ? SourceSpan{} : it->second;
    }

    void metadataCommon(const std::string& id, const std::string& title, const std::string& status,
                        const std::string& level, const std::map<std::string, SourceSpan>& keys,
                        const std::map<std::string, SourceSpan>& values, bool isRule)
    {
        if (!keys.count("id"))
            add("missing-id", "no 'id': give the document a UUID so other rules and tools can refer to it", {});
        else if (!isUuid(id))
            add("invalid-id", "'" + id + "' is not a UUID (8-4-4-4-12 hexadecimal digits)", at(values, "id"));
        if (title.size() > 110 && m_options.sigmahqConventions)
            add("title-too-long", "the title has " + std::to_string(title.size()) + " characters; SigmaHQ allows 110",
                at(values, "title"));
        if (!title.empty() && m_options.sigmahqConventions &&
            (title.back() == '.' || isAsciiLowerLetter(title.front())))
            add("title-style", "start the title with a capital letter and do not end it with a period",
                at(values, "title"));
        if (keys.count("status")) {
            static const std::set<std::string> statuses{"stable", "test", "experimental", "deprecated", "unsupported"};
            if (!statuses.count(status))
                add("invalid-status",
                    "'" + status + "' is not a status (stable, test, experimental, deprecated, unsupported)",
                    at(values, "status"));
        } else if (isRule && m_options.sigmahqConventions) {
            add("missing-status", "no 'status'", {});
        }
        if (keys.count("level")) {
            static const std::set<std::string> levels{"informational", "low", "medium", "high", "critical"};
            if (!levels.count(level))
                add("invalid-level", "'" + level + "' is not a level (informational, low, medium, high, critical)",
                    at(values, "level"));
        } else if (isRule) {
            add("missing-level", "no 'level'", {});
        }
    }

    void rule(const Rule& r)
    {
        metadataCommon(r.id, r.title, r.status, r.level, r.keySpans, r.valueSpans, true);
        if (m_options.sigmahqConventions) {
            if (!r.keySpans.count("author"))
                add("missing-author", "no 'author'", {});
            if (!r.keySpans.count("date"))
                add("missing-date", "no 'date'", {});
            if (!r.keySpans.count("description"))
                add("missing-description", "no 'description'", {});
        }
        for (const char* key : {"date", "modified"}) {
            const std::string& v = std::string_view(key) == "date" ? r.date : r.modified;
            if (r.keySpans.count(key) && !isDate(v))
                add("invalid-date", "'" + v + "' is not a date in the form YYYY-MM-DD", at(r.valueSpans, key));
        }
        if (isDate(r.date) && isDate(r.modified) && r.modified < r.date)
            add("modified-before-date", "'modified' (" + r.modified + ") is earlier than 'date' (" + r.date + ")",
                at(r.valueSpans, "modified"));
        static const std::set<std::string> relatedTypes{"derived", "obsolete", "merged", "renamed", "similar"};
        for (const auto& rel : r.related) {
            if (!isUuid(rel.id))
                add("invalid-related", "the related id '" + rel.id + "' is not a UUID", at(r.valueSpans, "related"));
            if (!relatedTypes.count(rel.type))
                add("invalid-related",
                    "'" + rel.type + "' is not a related type (derived, obsolete, merged, renamed, similar)",
                    at(r.valueSpans, "related"));
        }
        {
            std::set<std::string> seen;
            for (const auto& ref : r.references)
                if (!seen.insert(ref).second)
                    add("duplicate-reference", "the reference '" + ref + "' is listed twice",
                        at(r.valueSpans, "references"));
        }
        static const std::set<std::string> known{
            "title",  "id",         "name", "related",  "taxonomy",  "status",    "description", "license",
            "author", "references", "date", "modified", "logsource", "detection", "fields",      "falsepositives",
            "level",  "tags",       "scope"};
        for (const auto& c : r.custom)
            if (!known.count(c.key) && c.key.rfind("x-", 0) != 0 && c.key != "simulation" &&
                c.key != "regression_tests_path")
                add("unknown-attribute", "'" + c.key + "' is not a Sigma attribute (kept as a custom attribute)",
                    c.span);
        tags(r);
        for (const auto& s : r.detection)
            searchIdentifier(s, r.logsource);
        conditions(r.conditions, r.detection);
    }

    void tags(const Rule& r)
    {
        std::set<std::string> seen;
        std::set<std::string> tactics;
        for (const auto& t : r.tags)
            if (t.rfind("attack.", 0) == 0)
                if (const auto* tac = attack::findTactic(t.substr(7)))
                    tactics.insert(tac->shortName);
        static const std::set<std::string> namespaces{"attack", "car", "cve", "d3fend", "detection", "stp", "tlp"};
        for (std::size_t i = 0; i < r.tags.size(); ++i) {
            const std::string& t = r.tags[i];
            const SourceSpan sp = i < r.tagSpans.size() ? r.tagSpans[i] : SourceSpan{};
            if (!seen.insert(t).second)
                add("duplicate-tag", "the tag '" + t + "' is listed twice", sp);
            if (!matchesTagFormat(t)) {
                add("tag-format", "'" + t + "' is not namespace.name in lower case", sp);
                continue;
            }
            const auto dot = t.find('.');
            const std::string ns = t.substr(0, dot);
            const std::string name = t.substr(dot + 1);
            if (!namespaces.count(ns)) {
                add("unknown-tag-namespace",
                    "unknown tag namespace '" + ns + "' (attack, car, cve, d3fend, detection, stp, tlp)", sp);
                continue;
            }
            if (ns == "attack")
                attackTag(name, sp, tactics);
            else if (ns == "tlp") {
                static const std::set<std::string> tlp{"clear", "white", "green", "amber", "amber-strict", "red"};
                if (!tlp.count(name))
                    add("invalid-tag-value", "'" + t + "' is not a TLP level (clear, green, amber, amber-strict, red)",
                        sp);
            } else if (ns == "cve") {
                const bool ok = name.size() >= 9 && name[4] == '-' &&
                                std::all_of(name.begin(), name.begin() + 4, isAsciiDigit) &&
                                std::all_of(name.begin() + 5, name.end(), isAsciiDigit);
                if (!ok)
                    add("invalid-tag-value", "'" + t + "' is not a CVE id (cve.YYYY-NNNN)", sp);
            } else if (ns == "detection") {
                static const std::set<std::string> det{"dfir", "emerging-threats", "threat-hunting"};
                if (!det.count(name))
                    add("invalid-tag-value", "'" + t + "' is not dfir, emerging-threats or threat-hunting", sp);
            } else if (ns == "stp") {
                const bool ok = (name.size() == 1 || (name.size() == 2 && (name[1] == 'a' || name[1] == 'k'))) &&
                                name[0] >= '1' && name[0] <= '5';
                if (!ok)
                    add("invalid-tag-value",
                        "'" + t + "' is not a Summiting the Pyramid score (stp.1 ... stp.5, stp.2a)", sp);
            }
        }
    }

    void attackTag(const std::string& name, SourceSpan sp, const std::set<std::string>& ruleTactics)
    {
        if (const auto* tac = attack::findTactic(name)) {
            if (tac->shortName != name)
                add("attack-renamed-tactic",
                    "attack." + name + " is now attack." + tac->shortName + " (" + tac->name + ", " + tac->id + ")",
                    sp);
            return;
        }
        auto allDigits = [](std::string_view s) {
            return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        if (name.size() >= 5 && name[0] == 't' && allDigits(name.substr(1, 4))) {
            const auto* tech = attack::findTechnique(name);
            if (!tech) {
                std::string id = name;
                id[0] = 'T';
                add("attack-unknown-technique", "ATT&CK has no technique " + id, sp);
                return;
            }
            if (tech->status != attack::Technique::Status::Active) {
                std::string msg = tech->id + " (" + tech->name + ") is " +
                                  (tech->status == attack::Technique::Status::Revoked ? "revoked" : "deprecated");
                if (!tech->currentId.empty()) {
                    msg += "; use attack." + asciiLowered(tech->currentId) + " (" +
                           attack::techniqueName(tech->currentId) + ")";
                }
                add("attack-revoked-technique", msg, sp);
                return;
            }
            if (!ruleTactics.empty() || !tech->tactics.empty()) {
                const bool any = std::any_of(tech->tactics.begin(), tech->tactics.end(),
                                             [&](const std::string& s) { return ruleTactics.count(s) > 0; });
                if (!any) {
                    std::string list;
                    for (const auto& s : tech->tactics)
                        list += (list.empty() ? "attack." : ", attack.") + s;
                    add("attack-technique-without-tactic",
                        tech->id + " (" + tech->name + ") belongs to " + list + ", none of which is tagged", sp);
                }
            }
            return;
        }
        if ((name[0] == 'g' || name[0] == 's') && name.size() == 5 && allDigits(name.substr(1)))
            return; // group / software ids: format only (no table shipped)
        add("attack-unknown-tag",
            "attack." + name + " is no ATT&CK tactic, technique (t1234), group (g1234) or software (s1234)", sp);
    }

    void conditions(const std::vector<Condition>& conds, const std::vector<SearchIdentifier>& ids)
    {
        std::vector<std::string> names;
        for (const auto& s : ids)
            names.push_back(s.name);
        for (const auto& c : conds)
            if (c.root)
                conditionNode(*c.root, names);
    }

    void conditionNode(const ConditionNode& n, const std::vector<std::string>& names)
    {
        if ((n.kind == ConditionNode::Kind::OneOf || n.kind == ConditionNode::Kind::AllOf) && n.name == "them") {
            if (n.kind == ConditionNode::Kind::AllOf)
                add("all-of-them",
                    "'all of them': name the search identifiers (or use 'a and b') so the condition "
                    "stays right when one is added",
                    n.span);
            if (expandConditionPattern("them", names).size() == 1)
                add("them-single-identifier", "'them' designates a single search identifier: name it", n.span);
        }
        for (const auto& c : n.children)
            conditionNode(c, names);
    }

    void searchIdentifier(const SearchIdentifier& s, const LogSource& ls)
    {
        for (const auto& m : s.maps)
            for (const auto& item : m.items)
                detectionItem(item, ls);
    }

    void detectionItem(const DetectionItem& item, const LogSource& ls)
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
                        item.modifiers[i].span);
        if (hasAll && !stringMatch && !item.isKeyword && family != MatcherFamily::Regex &&
            family != MatcherFamily::Cidr && family != MatcherFamily::FieldRef && item.values.size() > 1)
            add("all-without-contains",
                "'all' on exact values requires '" + item.field + "' to equal several values at once: add contains?",
                item.keySpan);
        for (std::size_t i = 0; i < item.modifiers.size(); ++i)
            if (item.modifiers[i].kind == ModifierKind::Base64Offset) {
                const bool containsAfter =
                    std::any_of(item.modifiers.begin() + static_cast<long>(i), item.modifiers.end(),
                                [](const Modifier& m) { return m.kind == ModifierKind::Contains; });
                if (!containsAfter)
                    add("base64offset-without-contains",
                        "'base64offset' yields fragments of an encoding: follow it with 'contains'",
                        item.modifiers[i].span);
            }
        if (item.has(ModifierKind::Windash) && hasAll)
            add("windash-with-all", "'windash' with 'all': several backends expand it wrongly", item.keySpan);
        // field
        if (!item.isKeyword) {
            if (item.field.find_first_of(" \t") != std::string::npos)
                add("field-with-space", "the field name '" + item.field + "' contains white space", item.fieldSpan);
            if (impliedByLogSource(item, ls)) {
                // reported; the weaker "eventid-with-category" would say the same again
            } else if ((item.field == "EventID" || item.field == "EventCode") && !ls.category.empty() &&
                       ls.service.empty())
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
        // values
        std::set<std::string> seen;
        for (const auto& v : item.values) {
            if (item.valueIsList && !seen.insert(v.text).second && v.type != Value::Type::Null)
                add("duplicate-value", "the value '" + v.text + "' is listed twice", v.span);
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
                add("number-as-string", "'" + v.text + "' is quoted: write the number without quotes", v.span);
            if (item.has(ModifierKind::Cidr) || item.has(ModifierKind::FieldRef))
                continue;
            const WildcardInfo w = wildcards(v.text);
            if (w.doubleStar)
                add("double-wildcard", "'**' in a value is the same as '*'", v.span);
            if (w.escapedInPath)
                add("escaped-wildcard-in-path",
                    "'\\*' is a literal '*', not a backslash and a wildcard: write '\\\\*' if any name was meant "
                    "here",
                    v.span);
            else if (w.escaped)
                add("escaped-wildcard",
                    "'\\*' and '\\?' match a literal '*' or '?' (the backslash escapes the wildcard)", v.span);
            if (encoded && w.anyWildcard)
                add("base64-wildcard", "wildcards are encoded literally by base64/base64offset", v.span);
            if (item.has(ModifierKind::Contains) && (w.leadingStar || w.trailingStar))
                add("redundant-wildcard", "'contains' already matches anywhere: drop the leading/trailing '*'", v.span);
            else if (item.has(ModifierKind::StartsWith) && w.trailingStar)
                add("redundant-wildcard", "'startswith' already allows anything after: drop the trailing '*'", v.span);
            else if (item.has(ModifierKind::EndsWith) && w.leadingStar)
                add("redundant-wildcard", "'endswith' already allows anything before: drop the leading '*'", v.span);
            if (item.modifiers.empty() && !item.isKeyword && v.text.size() > 1 && !w.innerWildcard) {
                const char* suggestion = nullptr;
                if (w.leadingStar && w.trailingStar && v.text.size() > 2)
                    suggestion = "contains";
                else if (w.trailingStar && !w.leadingStar)
                    suggestion = "startswith";
                else if (w.leadingStar && !w.trailingStar)
                    suggestion = "endswith";
                if (suggestion)
                    add("wildcard-instead-of-modifier",
                        std::string("write '") + item.field + "|" + suggestion + "' instead of wildcards", v.span);
            }
        }
    }

    /// A plain test of Channel / Provider_Name / EventID whose values include every channel,
    /// provider or EventID the log source selects: it holds for every event the rule sees.
    bool impliedByLogSource(const DetectionItem& item, const LogSource& ls)
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
        for (const auto& [k, v] : {std::pair{"product", &ls.product}, std::pair{"category", &ls.category},
                                   std::pair{"service", &ls.service}})
            if (!v->empty())
                source += (source.empty() ? "" : ", ") + std::string(k) + ": " + *v;
        add("field-implied-by-logsource",
            "the log source (" + source + ") already selects " + item.field + " " + what +
                ": this test filters nothing; remove it, or change the log source if another was meant",
            item.span);
        return true;
    }

    void regex(const DetectionItem& item, const Value& v)
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

    const ParsedFile& m_file;
    const LintOptions& m_options;
    Diagnostics& m_out;
    SourceSpan m_docStart{{1, 1}, {1, 1}};
};

bool codeMatches(const std::vector<std::string>& codes, const std::string& code)
{
    return std::any_of(codes.begin(), codes.end(), [&](const std::string& c) { return c == code || c == "all"; });
}

void sortDiagnostics(Diagnostics& d)
{
    std::stable_sort(d.begin(), d.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file)
            return a.file < b.file;
        return std::pair(a.span.begin.line, a.span.begin.column) < std::pair(b.span.begin.line, b.span.begin.column);
    });
}

} // namespace

bool Suppressions::suppressed(const Diagnostic& d) const
{
    if (codeMatches(fileWide, d.code))
        return true;
    const int line = d.span.begin.line;
    for (const auto& [l, code] : byLine)
        if (l == line && (code == d.code || code == "all"))
            return true;
    for (const auto& r : documents) {
        // document-less diagnostics (line 0: missing keys) apply to the first document
        const bool inside = line == 0 ? (&r == &documents.front()) : (line >= r.firstLine && line <= r.lastLine);
        if (inside && codeMatches(r.codes, d.code))
            return true;
    }
    return false;
}

Suppressions collectSuppressions(const ParsedFile& file)
{
    Suppressions s;
    const std::string& text = file.text;
    // comments
    std::vector<std::pair<int, std::vector<std::string>>> pending; // standalone comments awaiting their line
    int line = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        ++line;
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos)
            eol = text.size();
        const std::string_view l(text.data() + pos, eol - pos);
        const auto first = l.find_first_not_of(" \t\r");
        const bool blank = first == std::string_view::npos;
        const bool commentOnly = !blank && l[first] == '#';
        if (!blank && !commentOnly && !pending.empty()) {
            for (auto& [_, codes] : pending)
                for (auto& c : codes)
                    s.byLine.emplace_back(line, c);
            pending.clear();
        }
        const auto marker = l.find("sigmawb-ignore");
        if (marker != std::string_view::npos) {
            // the marker must be inside a comment: a '#' at the line start or after a blank
            const auto hash = l.rfind('#', marker);
            if (hash != std::string_view::npos && (hash == 0 || l[hash - 1] == ' ' || l[hash - 1] == '\t')) {
                std::string_view rest = l.substr(marker + std::string_view("sigmawb-ignore").size());
                const bool fileWide = rest.rfind("-file", 0) == 0;
                if (fileWide)
                    rest.remove_prefix(5);
                if (!rest.empty() && rest.front() == ':') {
                    auto codes = splitCodes(rest.substr(1));
                    if (fileWide)
                        s.fileWide.insert(s.fileWide.end(), codes.begin(), codes.end());
                    else if (commentOnly)
                        pending.emplace_back(line, std::move(codes));
                    else
                        for (auto& c : codes)
                            s.byLine.emplace_back(line, c);
                }
            }
        }
        if (eol == text.size())
            break;
        pos = eol + 1;
    }
    // x-sigmawb-ignore attributes
    for (const auto& doc : file.documents) {
        const std::vector<CustomAttribute>* custom = nullptr;
        if (auto r = doc.rule())
            custom = &r->custom;
        else if (auto c = doc.correlation())
            custom = &c->custom;
        else if (auto f = doc.filter())
            custom = &f->custom;
        if (!custom)
            continue;
        for (const auto& a : *custom)
            if (a.key == "x-sigmawb-ignore")
                s.documents.push_back(
                    {doc.span.begin.line, std::max(doc.span.end.line, doc.span.begin.line), splitCodes(a.yaml)});
    }
    return s;
}

Diagnostics lintFile(const ParsedFile& file, const LintOptions& options)
{
    Diagnostics lint;
    Linter(file, options, lint).run();
    lintCorrelationFile(file, options, lint);
    const Suppressions sup = collectSuppressions(file);
    Diagnostics out;
    for (const auto& d : file.diagnostics)
        if (d.severity == Severity::Error || !sup.suppressed(d))
            out.push_back(d);
    for (auto& d : lint)
        if (!sup.suppressed(d))
            out.push_back(std::move(d));
    sortDiagnostics(out);
    return out;
}

Diagnostics lintSet(const std::vector<const ParsedFile*>& files, const LintOptions& options)
{
    struct Seen {
        const ParsedFile* file;
        SourceSpan span;
    };
    std::map<std::string, std::vector<Seen>> ids, titles;
    for (const ParsedFile* f : files) {
        for (const auto& doc : f->documents) {
            std::string id, title;
            const std::map<std::string, SourceSpan>* spans = nullptr;
            if (auto r = doc.rule())
                id = r->id, title = r->title, spans = &r->valueSpans;
            else if (auto c = doc.correlation())
                id = c->id, title = c->title, spans = &c->valueSpans;
            else if (auto fl = doc.filter())
                id = fl->id, title = fl->title, spans = &fl->valueSpans;
            if (!spans)
                continue;
            auto spanOf = [&](const char* k) {
                auto it = spans->find(k);
                return it == spans->end() ? SourceSpan{} : it->second;
            };
            if (!id.empty())
                ids[id].push_back({f, spanOf("id")});
            if (!title.empty())
                titles[title].push_back({f, spanOf("title")});
        }
    }
    Diagnostics out;
    auto disabled = [&](const char* code) {
        return std::find(options.disabled.begin(), options.disabled.end(), code) != options.disabled.end();
    };
    auto report = [&](const std::map<std::string, std::vector<Seen>>& table, const char* code, Severity sev,
                      const char* what) {
        if (disabled(code))
            return;
        for (const auto& [key, seen] : table) {
            if (seen.size() < 2)
                continue;
            for (std::size_t i = 0; i < seen.size(); ++i) {
                const auto& other = seen[i == 0 ? 1 : 0];
                Diagnostic d{sev, code,
                             std::string("the ") + what + " '" + key + "' is also used in " + other.file->file + ":" +
                                 std::to_string(other.span.begin.line),
                             seen[i].file->file, seen[i].span};
                if (!collectSuppressions(*seen[i].file).suppressed(d))
                    out.push_back(std::move(d));
            }
        }
    };
    report(ids, "duplicate-id", Severity::Error, "id");
    report(titles, "duplicate-title", Severity::Warning, "title");
    Diagnostics correlations;
    lintCorrelationSet(files, options, correlations);
    for (auto& d : correlations)
        for (const ParsedFile* f : files)
            if (f->file == d.file && !collectSuppressions(*f).suppressed(d)) {
                out.push_back(std::move(d));
                break;
            }
    sortDiagnostics(out);
    return out;
}

const std::vector<LintCheckInfo>& lintChecks()
{
    static const std::vector<LintCheckInfo> all = [] {
        auto v = kChecks;
        v.insert(v.end(), correlationLintChecks().begin(), correlationLintChecks().end());
        return v;
    }();
    return all;
}

} // namespace sigma
