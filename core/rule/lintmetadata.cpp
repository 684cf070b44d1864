// The linter's metadata checks: id, title, status, level, dates, related, references, custom
// attributes, tags and ATT&CK ids (see linter.h and docs/lint.md).
#include "rule/linter.h"

#include "rule/attack.h"
#include "util/asciitext.h"

#include <algorithm>
#include <cstdio>

namespace sigma {
namespace {

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

/// A date written YYYY/MM/DD, YYYY.MM.DD or YYYY-M-D (what the specification's YYYY-MM-DD is most
/// often mistyped as; Sigma v2.1 also deprecates the YYYY/MM/DD of Sigma 1) in the form YYYY-MM-DD.
std::optional<std::string> isoDate(std::string_view s)
{
    int parts[3] = {0, 0, 0};
    int digits[3] = {0, 0, 0};
    int part = 0;
    char separator = 0;
    for (const char c : s) {
        if (isAsciiDigit(c)) {
            parts[part] = parts[part] * 10 + (c - '0');
            if (++digits[part] > (part == 0 ? 4 : 2))
                return std::nullopt;
        } else if ((c == '/' || c == '.' || c == '-') && part < 2 && digits[part] > 0 &&
                   (separator == 0 || separator == c)) {
            separator = c;
            ++part;
        } else {
            return std::nullopt;
        }
    }
    if (part != 2 || digits[0] != 4 || digits[2] == 0 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31)
        return std::nullopt;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
    return std::string(buf);
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

} // namespace

void Linter::metadataCommon(const std::string& id, const std::string& title, const std::string& status,
                            const std::string& level, const std::map<std::string, SourceSpan>& keys,
                            const std::map<std::string, SourceSpan>& values, bool isRule)
{
    if (!keys.count("id"))
        add("missing-id", "no 'id': give the document a UUID so other rules and tools can refer to it", {},
            fixInsertId(keys, values));
    else if (!isUuid(id))
        add("invalid-id", "'" + id + "' is not a UUID (8-4-4-4-12 hexadecimal digits)", at(values, "id"));
    // characters as pySigma counts them (code points); SigmaHQ's limit is 120 (it was 110 until 2025)
    const auto titleLength = static_cast<std::size_t>(std::count_if(
        title.begin(), title.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    if (titleLength > 120 && m_options.sigmahqConventions)
        add("title-too-long", "the title has " + std::to_string(titleLength) + " characters; SigmaHQ allows 120",
            at(values, "title"));
    if (!title.empty() && m_options.sigmahqConventions && (title.back() == '.' || isAsciiLowerLetter(title.front()))) {
        std::string trimmed = title;
        while (!trimmed.empty() && trimmed.back() == '.')
            trimmed.pop_back();
        add("title-style", "start the title with a capital letter and do not end it with a period", at(values, "title"),
            trimmed != title && !trimmed.empty()
                ? fixReplaceScalar(at(values, "title"), title, trimmed, "Drop the final period")
                : std::nullopt);
    }
    titleConventions(title, at(values, "title"));
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

void Linter::rule(const Rule& r)
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
        if (r.keySpans.count(key) && !isDate(v)) {
            const auto iso = isoDate(v);
            add("invalid-date", "'" + v + "' is not a date in the form YYYY-MM-DD", at(r.valueSpans, key),
                iso ? fixReplaceScalar(at(r.valueSpans, key), v, *iso, "Write " + *iso) : std::nullopt);
        }
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
    static const std::set<std::string> known{"title",          "id",          "name",      "related",   "taxonomy",
                                             "status",         "description", "license",   "author",    "references",
                                             "date",           "modified",    "logsource", "detection", "fields",
                                             "falsepositives", "level",       "tags",      "scope"};
    for (const auto& c : r.custom)
        if (!known.count(c.key) && c.key.rfind("x-", 0) != 0 && c.key != "simulation" &&
            c.key != "regression_tests_path")
            add("unknown-attribute", "'" + c.key + "' is not a Sigma attribute (kept as a custom attribute)", c.span);
    ruleConventions(r);
    tags(r);
    sigmahqTags(r);
    for (const auto& s : r.detection)
        searchIdentifier(s, r.logsource);
    conditions(r.conditions, r.detection);
}

void Linter::tags(const Rule& r)
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
            add("duplicate-tag", "the tag '" + t + "' is listed twice", sp,
                fixRemoveListElement(sp, "Remove the second '" + t + "'"));
        if (!matchesTagFormat(t)) {
            const std::string lowered = asciiLowered(t);
            add("tag-format", "'" + t + "' is not namespace.name in lower case", sp,
                lowered != t && matchesTagFormat(lowered) ? fixReplaceScalar(sp, t, lowered, "Write " + lowered)
                                                          : std::nullopt);
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
                add("invalid-tag-value", "'" + t + "' is not a TLP level (clear, green, amber, amber-strict, red)", sp);
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
                add("invalid-tag-value", "'" + t + "' is not a Summiting the Pyramid score (stp.1 ... stp.5, stp.2a)",
                    sp);
        }
    }
}

void Linter::sigmahqTags(const Rule& r)
{
    if (!m_options.sigmahqConventions)
        return;
    const SourceSpan tagsSpan = at(r.valueSpans, "tags");
    std::map<std::string, int> perNamespace;
    for (std::size_t i = 0; i < r.tags.size(); ++i) {
        const std::string& t = r.tags[i];
        const SourceSpan sp = i < r.tagSpans.size() ? r.tagSpans[i] : tagsSpan;
        const std::string ns = t.substr(0, t.find('.'));
        if ((ns == "detection" || ns == "tlp") && ++perNamespace[ns] == 2)
            add("tag-namespace-twice", "a second " + ns + ".* tag: a rule has one (SigmaHQ)", sp);
        if (ns == "tlp" && t != "tlp.clear")
            add("tlp-not-clear", "'" + t + "': SigmaHQ publishes tlp.clear rules only", sp);
    }
    // rules-dfir/, rules-emerging-threats/, rules-threat-hunting/ carry their detection.* tag
    for (const char* folder : {"dfir", "emerging-threats", "threat-hunting"}) {
        const std::string dir = std::string("rules-") + folder;
        if (m_file.file.find(dir + "/") == std::string::npos && m_file.file.find(dir + "\\") == std::string::npos)
            continue;
        const std::string tag = std::string("detection.") + folder;
        if (std::find(r.tags.begin(), r.tags.end(), tag) == r.tags.end())
            add("detection-tag-missing", "a rule under " + dir + "/ is tagged " + tag + " (SigmaHQ)",
                tagsSpan.valid() ? tagsSpan : SourceSpan{});
    }
}

void Linter::attackTag(const std::string& name, SourceSpan sp, const std::set<std::string>& ruleTactics)
{
    if (const auto* tac = attack::findTactic(name)) {
        if (tac->shortName != name)
            add("attack-renamed-tactic",
                "attack." + name + " is now attack." + tac->shortName + " (" + tac->name + ", " + tac->id + ")", sp);
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
                msg += "; use attack." + asciiLowered(tech->currentId) + " (" + attack::techniqueName(tech->currentId) +
                       ")";
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

} // namespace sigma
