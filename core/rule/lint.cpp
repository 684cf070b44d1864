// The linter (see lint.h and docs/lint.md): the check table, the run over a file's documents,
// lintFile and lintSet. The checks themselves are in lintmetadata.cpp and lintdetection.cpp,
// correlations in lintcorrelation.cpp, suppression in lintsuppress.cpp.
#include "rule/lintcorrelation.h"
#include "rule/linter.h"

#include <algorithm>

namespace sigma {
namespace {

const std::vector<LintCheckInfo> kChecks{
    // metadata
    {"missing-id", Severity::Warning, "the rule has no 'id'"},
    {"invalid-id", Severity::Warning, "'id' is not a UUID"},
    {"duplicate-id", Severity::Error, "two documents of the loaded set share an id"},
    {"duplicate-title", Severity::Warning, "two documents of the loaded set share a title"},
    {"duplicate-reference", Severity::Warning, "the same reference is listed twice"},
    {"title-too-long", Severity::Warning, "the title is longer than 120 characters (SigmaHQ)"},
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
    {"modifier-order", Severity::Warning,
     "contains/startswith/endswith before base64, base64offset or utf16/wide: the encoding sees the wildcards"},
    {"base64-wildcard", Severity::Warning, "wildcards in a value that is base64-encoded (they are encoded literally)"},
    {"double-wildcard", Severity::Warning, "'**' in a value"},
    {"escaped-wildcard", Severity::Info, "'\\*' or '\\?' in a value: a literal asterisk or question mark"},
    {"escaped-wildcard-in-path", Severity::Warning,
     "'\\*' or '\\?' after a path segment ('C:\\Users\\*\\'): a literal character where a backslash and a "
     "wildcard were probably meant ('\\\\*')"},
    {"wildcard-instead-of-modifier", Severity::Info,
     "a value like '*x*', 'x*' or '*x' where contains/startswith/endswith says it"},
    {"redundant-wildcard", Severity::Warning, "a leading/trailing '*' with contains/startswith/endswith"},
    {"wildcard-in-emoji", Severity::Warning,
     "a '*' that is part of the keycap emoji (U+FE0F, U+20E3 follow): a wildcard"},
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
    {"wildcard-only-value", Severity::Warning, "a lone '*' as the value: 'field|exists: true' says it"},
    {"of-without-wildcard", Severity::Info,
     "'1 of x' / 'all of x' without a wildcard: it names one identifier (SigmaHQ)"},
    {"of-pattern-single", Severity::Info,
     "'1 of x_*' / 'all of x_*' designates one search identifier (SigmaHQ; filter_* and selection_* excepted)"},
    {"user-localized", Severity::Info,
     "a single user name with 'AUTHORI'/'AUTORI': localized forms of NT AUTHORITY are missed (SigmaHQ)"},
    {"invalid-hash", Severity::Warning,
     "a Hashes/Hash value that is not MD5=, SHA1=, SHA256= or IMPHASH=<hex> (SigmaHQ)"},
    // conventions (lintconventions.cpp)
    {"logsource-not-lowercase", Severity::Warning, "a log source category, product or service not in lower case"},
    {"deprecated-without-related", Severity::Warning, "a deprecated rule without 'related' naming its replacement"},
    {"attribute-too-long", Severity::Warning,
     "description above 65535, name, taxonomy or (without SigmaHQ conventions) title above 256 characters"},
    {"duplicate-field", Severity::Warning, "the same field twice under 'fields'"},
    {"falsepositive-too-short", Severity::Warning, "a falsepositives entry shorter than 2 characters"},
    {"scope-too-short", Severity::Warning, "a scope entry shorter than 2 characters"},
    {"title-case", Severity::Info, "a lower-case word in the title that is not a minor word (SigmaHQ)"},
    {"title-starts-with-detect", Severity::Info, "the title starts with 'Detect' or 'Detects' (SigmaHQ)"},
    {"title-trademark", Severity::Info, "'ATT&CK' or 'MITRE ATT&CK' in the title (SigmaHQ)"},
    {"description-too-short", Severity::Warning, "a description shorter than 16 characters (SigmaHQ)"},
    {"description-link", Severity::Info,
     "a link or 'internal research' in the description of a rule without references (SigmaHQ)"},
    {"falsepositive-capital", Severity::Info, "a false positive starting with a lower-case letter (SigmaHQ)"},
    {"falsepositive-banned-word", Severity::Warning,
     "'none', 'pentest' or 'penetration' as a false positive (SigmaHQ)"},
    {"falsepositive-typo", Severity::Warning, "a common typo in a false positive ('unkown', 'ligitimate') (SigmaHQ)"},
    {"reference-attack-link", Severity::Info, "an attack.mitre.org link as a reference instead of a tag (SigmaHQ)"},
    {"reference-branch-link", Severity::Info, "a GitHub link to a file on a branch instead of a permalink (SigmaHQ)"},
    {"fields-attribute", Severity::Info, "the 'fields' attribute, which SigmaHQ no longer uses"},
    {"modified-without-date", Severity::Warning, "'modified' without 'date' (SigmaHQ)"},
    {"redundant-modified", Severity::Info, "'modified' equal to 'date' (SigmaHQ)"},
    {"sysmon-missing-eventid", Severity::Warning, "a 'service: sysmon' rule that tests no EventID (SigmaHQ)"},
    {"filter-has-level", Severity::Warning, "a filter with 'level' (a filter takes its rules' level)"},
    {"filter-has-status", Severity::Warning, "a filter with 'status'"},
    {"tag-namespace-twice", Severity::Warning, "two detection.* or two tlp.* tags (SigmaHQ)"},
    {"tlp-not-clear", Severity::Info, "a tlp.* tag other than tlp.clear (SigmaHQ)"},
    {"detection-tag-missing", Severity::Warning,
     "a rule under rules-dfir/, rules-emerging-threats/ or rules-threat-hunting/ without its detection.* tag "
     "(SigmaHQ)"},
};
void sortDiagnostics(Diagnostics& d)
{
    std::stable_sort(d.begin(), d.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file)
            return a.file < b.file;
        return std::pair(a.span.begin.line, a.span.begin.column) < std::pair(b.span.begin.line, b.span.begin.column);
    });
}

} // namespace

void Linter::run()
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
            auto keys = f->keySpans; // a filter's level and status are filter-has-level/-status
            keys.erase("level");
            keys.erase("status");
            metadataCommon(f->id, f->title, "", "", keys, f->valueSpans, false);
            filterConventions(*f);
            for (const auto& s : f->detection)
                searchIdentifier(s, f->logsource);
            conditions(f->conditions, f->detection);
        }
    }
}

void Linter::add(const std::string& code, std::string message, SourceSpan span, std::optional<Fix> fix)
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
    m_out.push_back({sev, code, std::move(message), m_file.file, span, std::move(fix)});
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