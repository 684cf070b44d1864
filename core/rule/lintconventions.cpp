// The linter's convention checks (see linter.h and docs/lint.md): the SigmaHQ repository's rules
// for titles, descriptions, false positives, references, dates and the 'fields' attribute (what
// pySigma-validators-sigmaHQ checks), and RSigma's schema checks (lower-case log source values,
// entry and attribute lengths, deprecated rules without 'related', filters with level/status).
#include "rule/linter.h"

#include "util/asciitext.h"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

namespace sigma {
namespace {

/// Code points of a UTF-8 string (what Python's len() counts).
std::size_t codePoints(std::string_view s)
{
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string_view> words(std::string_view s)
{
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == ' ') {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

/// Python's str.islower() for ASCII: a lower-case letter and no upper-case one.
bool isLowerWord(std::string_view w)
{
    return std::any_of(w.begin(), w.end(), isAsciiLowerLetter) && std::none_of(w.begin(), w.end(), isAsciiUpperLetter);
}

bool validLogSourceValue(std::string_view v)
{
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        return isAsciiLowerLetter(c) || isAsciiDigit(c) || c == '_' || c == '.' || c == '-';
    });
}

/// A GitHub link to a file on a branch ("blob/master/x.ps1") rather than at a commit.
bool githubBranchLink(std::string_view link)
{
    if (!link.starts_with("https://github.com/"))
        return false;
    const auto dot = link.find_last_of("./");
    if (dot == std::string_view::npos || link[dot] != '.')
        return false;
    const std::string_view ext = link.substr(dot + 1);
    if (ext.empty() || ext.size() > 3 ||
        !std::all_of(ext.begin(), ext.end(), [](char c) { return isAsciiAlnum(c) || c == '_'; }))
        return false;
    // a path segment of 40 lower-case hex digits / alphanumerics is a commit
    std::size_t start = 0;
    while (start < link.size()) {
        const auto slash = link.find('/', start);
        if (slash == std::string_view::npos)
            break;
        const std::string_view seg = link.substr(start, slash - start);
        if (seg.size() == 40 &&
            std::all_of(seg.begin(), seg.end(), [](char c) { return isAsciiDigit(c) || isAsciiLowerLetter(c); }) &&
            start > 0 && link[start - 1] == '/')
            return false;
        start = slash + 1;
    }
    return true;
}

constexpr std::array kMinorWords{"a",  "an", "and", "as",   "at",  "by",      "for", "from", "in",   "new",
                                 "of", "on", "or",  "over", "the", "through", "to",  "via",  "with", "without"};

struct Typo {
    std::string_view wrong, right;
};
constexpr std::array kFalsePositiveTypos{Typo{"unkown", "unknown"}, Typo{"ligitimate", "legitimate"},
                                         Typo{"legitimeate", "legitimate"}};

} // namespace

std::vector<SourceSpan> Linter::listEntrySpans(SourceSpan list, std::size_t count) const
{
    std::vector<SourceSpan> out;
    if (list.valid() && list.begin.line <= list.end.line) {
        for (int line = list.begin.line; line <= list.end.line; ++line) {
            const std::string_view text = m_text.line(line);
            const auto dash = text.find_first_not_of(' ');
            if (dash == std::string_view::npos || text[dash] == '#')
                continue;
            if (text[dash] != '-' || dash + 1 >= text.size() || text[dash + 1] != ' ')
                break; // a flow list, or something else: give up
            const auto begin = text.find_first_not_of(' ', dash + 1);
            if (begin == std::string_view::npos)
                break;
            std::size_t end = text.size();
            if (text[begin] == '\'' || text[begin] == '"') {
                const char q = text[begin];
                std::size_t i = begin + 1;
                for (; i < text.size(); ++i) {
                    if (text[i] == q && q == '\'' && i + 1 < text.size() && text[i + 1] == '\'')
                        ++i;
                    else if (text[i] == '\\' && q == '"')
                        ++i;
                    else if (text[i] == q)
                        break;
                }
                if (i >= text.size())
                    break;
                end = i + 1;
            } else {
                const auto comment = text.find(" #", begin);
                end = comment == std::string_view::npos ? text.size() : comment;
                while (end > begin && text[end - 1] == ' ')
                    --end;
            }
            out.push_back({{line, static_cast<int>(begin) + 1}, {line, static_cast<int>(end) + 1}});
        }
    }
    if (out.size() != count)
        out.assign(count, SourceSpan{});
    return out;
}

void Linter::logSourceValues(const LogSource& ls)
{
    for (const auto& [key, value] :
         {std::pair{"category", &ls.category}, std::pair{"product", &ls.product}, std::pair{"service", &ls.service}}) {
        if (value->empty() || validLogSourceValue(*value))
            continue;
        const std::string lowered = asciiLowered(*value);
        const SourceSpan sp = at(ls.valueSpans, key);
        add("logsource-not-lowercase",
            std::string("the log source ") + key + " '" + *value + "' is not lower case (a-z, 0-9, _, ., -)", sp,
            validLogSourceValue(lowered) ? fixReplaceScalar(sp, *value, lowered, "Write " + lowered) : std::nullopt);
    }
}

void Linter::titleConventions(const std::string& title, SourceSpan span)
{
    if (title.empty() || !m_options.sigmahqConventions)
        return;
    if (title.starts_with("Detect ") || title.starts_with("Detects "))
        add("title-starts-with-detect", "a title names what is found, not 'Detects ...' (SigmaHQ)", span);
    for (const std::string_view mark : {"MITRE ATT&CK", "ATT&CK"})
        if (title.find(mark) != std::string::npos) {
            add("title-trademark", "'" + std::string(mark) + "' in the title is a trademark: use a tag instead", span);
            break;
        }
    std::string fixed = title;
    std::string listed;
    bool fixable = true;
    std::size_t offset = 0;
    for (const std::string_view w : words(title)) {
        const std::string lower = asciiLowered(w);
        const bool minor = std::find(kMinorWords.begin(), kMinorWords.end(), lower) != kMinorWords.end();
        if (isLowerWord(w) && !minor && w.find_first_of("./_") == std::string_view::npos && !isAsciiDigit(w[0])) {
            listed += (listed.empty() ? "'" : ", '") + std::string(w) + "'";
            // the first letter or digit (or non-ASCII byte) is the one to capitalize
            const auto first =
                std::find_if(w.begin(), w.end(),
                             [](char c) { return isAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80; }) -
                w.begin();
            const auto at = static_cast<std::size_t>(first);
            if (isAsciiLowerLetter(w[at]))
                fixed[offset + at] = asciiUpper(w[at]);
            else
                fixable = false; // "über", "(1st": no mechanical capital
        }
        offset += w.size() + 1;
    }
    if (!listed.empty())
        add("title-case", "write the title in title case: " + listed + " (SigmaHQ)", span,
            fixable ? fixReplaceScalar(span, title, fixed, "Write '" + fixed + "'") : std::nullopt);
}

void Linter::ruleConventions(const Rule& r)
{
    logSourceValues(r.logsource);
    if (r.status == "deprecated" && r.related.empty())
        add("deprecated-without-related", "a deprecated rule names its replacement under 'related'",
            at(r.valueSpans, "status"));
    // RSigma's schema limits (JSON schema maxLength)
    for (const auto& [key, value, limit] :
         {std::tuple{"description", &r.description, std::size_t(65535)}, std::tuple{"name", &r.name, std::size_t(256)},
          std::tuple{"taxonomy", &r.taxonomy, std::size_t(256)}, std::tuple{"title", &r.title, std::size_t(256)}}) {
        if (value->size() > limit && !(std::string_view(key) == "title" && m_options.sigmahqConventions))
            add("attribute-too-long",
                std::string("'") + key + "' has " + std::to_string(value->size()) + " characters; the schema allows " +
                    std::to_string(limit),
                at(r.valueSpans, key));
    }
    // list entries: fields, falsepositives, scope, references
    const auto fieldSpans = listEntrySpans(at(r.valueSpans, "fields"), r.fields.size());
    std::set<std::string> seenFields;
    for (std::size_t i = 0; i < r.fields.size(); ++i)
        if (!seenFields.insert(r.fields[i]).second) {
            const SourceSpan sp = fieldSpans[i].valid() ? fieldSpans[i] : at(r.valueSpans, "fields");
            add("duplicate-field", "the field '" + r.fields[i] + "' is listed twice under 'fields'", sp,
                fieldSpans[i].valid() ? fixRemoveListElement(sp, "Remove the second '" + r.fields[i] + "'")
                                      : std::nullopt);
        }
    for (const auto& [key, list] : {std::pair{"falsepositives", &r.falsepositives}, std::pair{"scope", &r.scope}}) {
        const auto spans = listEntrySpans(at(r.valueSpans, key), list->size());
        for (std::size_t i = 0; i < list->size(); ++i)
            if (codePoints((*list)[i]) < 2)
                add(std::string_view(key) == "scope" ? "scope-too-short" : "falsepositive-too-short",
                    std::string("the ") + key + " entry '" + (*list)[i] + "' is shorter than 2 characters",
                    spans[i].valid() ? spans[i] : at(r.valueSpans, key));
    }
    if (!m_options.sigmahqConventions)
        return;
    if (r.keySpans.count("description")) {
        if (!r.description.empty() && codePoints(r.description) < 16) // empty: not a string (wrong-type)
            add("description-too-short",
                "the description has " + std::to_string(codePoints(r.description)) +
                    " characters: say what the rule finds and why it matters (SigmaHQ: 16 at least)",
                at(r.valueSpans, "description"));
        const std::string lower = asciiLowered(r.description);
        if (r.references.empty())
            for (const char* word : {"http://", "https://", "internal research"})
                if (lower.find(word) != std::string::npos) {
                    add("description-link",
                        std::string("'") + word + "' in the description: links go under 'references' (SigmaHQ)",
                        at(r.valueSpans, "description"));
                    break;
                }
    }
    const auto fpSpans = listEntrySpans(at(r.valueSpans, "falsepositives"), r.falsepositives.size());
    for (std::size_t i = 0; i < r.falsepositives.size(); ++i) {
        const std::string& fp = r.falsepositives[i];
        const SourceSpan sp = fpSpans[i].valid() ? fpSpans[i] : at(r.valueSpans, "falsepositives");
        if (!fp.empty() && isAsciiLowerLetter(fp.front())) {
            std::string capital = fp;
            capital[0] = asciiUpper(capital[0]);
            add("falsepositive-capital", "start the false positive with a capital letter (SigmaHQ)", sp,
                fpSpans[i].valid() ? fixReplaceScalar(sp, fp, capital, "Write '" + capital + "'") : std::nullopt);
        }
        std::string fixed;
        bool typo = false;
        for (const std::string_view w : words(fp)) {
            const std::string lower = asciiLowered(w);
            if (lower == "none" || lower == "pentest" || lower == "penetration")
                add("falsepositive-banned-word",
                    "'" + std::string(w) +
                        "' as a false positive: name what could trigger the rule, or 'Unlikely' (SigmaHQ)",
                    sp);
            std::string word(w);
            for (const auto& t : kFalsePositiveTypos)
                if (lower == t.wrong) {
                    word = std::string(t.right);
                    if (isAsciiUpperLetter(w.front()))
                        word[0] = asciiUpper(word[0]);
                    typo = true;
                }
            fixed += word + " ";
        }
        if (typo) {
            fixed.pop_back();
            add("falsepositive-typo", "a typo in the false positive: '" + fixed + "'", sp,
                fpSpans[i].valid() ? fixReplaceScalar(sp, fp, fixed, "Write '" + fixed + "'") : std::nullopt);
        }
    }
    const auto refSpans = listEntrySpans(at(r.valueSpans, "references"), r.references.size());
    for (std::size_t i = 0; i < r.references.size(); ++i) {
        const std::string& ref = r.references[i];
        const SourceSpan sp = refSpans[i].valid() ? refSpans[i] : at(r.valueSpans, "references");
        if (ref.starts_with("https://attack.mitre.org/"))
            add("reference-attack-link", "an ATT&CK page as a reference: tag the technique instead (attack.tNNNN)", sp);
        else if (githubBranchLink(ref))
            add("reference-branch-link",
                "a GitHub link to a branch changes with it: link the file at a commit (a permalink)", sp);
    }
    if (!r.fields.empty())
        add("fields-attribute", "SigmaHQ no longer uses 'fields' (backends ignore it)", at(r.keySpans, "fields"));
    if (r.keySpans.count("modified") && !r.keySpans.count("date"))
        add("modified-without-date", "'modified' without 'date': a new rule has only 'date'",
            at(r.keySpans, "modified"));
    if (!r.date.empty() && r.date == r.modified)
        add("redundant-modified", "'modified' is the same as 'date': remove it", at(r.keySpans, "modified"),
            fixRemoveKeyLine(at(r.keySpans, "modified"), at(r.valueSpans, "modified"), "Remove 'modified'"));
    if (r.logsource.service == "sysmon") {
        bool eventId = false;
        for (const auto& s : r.detection)
            for (const auto& m : s.maps)
                for (const auto& item : m.items)
                    eventId = eventId || item.field == "EventID";
        if (!eventId)
            add("sysmon-missing-eventid", "a rule on 'service: sysmon' selects the Sysmon events by EventID",
                at(r.logsource.valueSpans, "service"));
    }
}

void Linter::filterConventions(const Filter& f)
{
    logSourceValues(f.logsource);
    for (const char* key : {"level", "status"})
        if (f.keySpans.count(key))
            add(std::string("filter-has-") + key,
                std::string("a filter has no '") + key + "': it takes the " + key + " of the rules it applies to",
                at(f.keySpans, key),
                fixRemoveKeyLine(at(f.keySpans, key), at(f.valueSpans, key), std::string("Remove '") + key + "'"));
}

} // namespace sigma
