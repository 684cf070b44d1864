#include "validation/manifest.h"

#include "util/fileio.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace sigma {

namespace {

SourceSpan spanOf(const YAML::Node& node)
{
    SourceSpan span;
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
        span.begin = {mark.line + 1, mark.column + 1};
        span.end = span.begin;
    }
    return span;
}

std::string nodeTypeName(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Scalar:
        return "a scalar";
    case YAML::NodeType::Null:
        return "null";
    case YAML::NodeType::Undefined:
        break;
    }
    return "nothing";
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Parses a non-negative integer scalar; false (with a diagnostic) otherwise.
bool readCount(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags, std::uint64_t& out)
{
    if (!node.IsScalar()) {
        diags.push_back(
            makeDiagnostic(Severity::Error, "manifest-invalid",
                           std::string("'") + key + "' must be a non-negative integer, not " + nodeTypeName(node), file,
                           spanOf(node)));
        return false;
    }
    const std::string& text = node.Scalar();
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                       std::string("'") + key + "' must be a non-negative integer, not '" + text + "'",
                                       file, spanOf(node)));
        return false;
    }
    out = std::stoull(text);
    return true;
}

bool readBool(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags, bool& out)
{
    if (node.IsScalar()) {
        std::string t = node.Scalar();
        std::transform(t.begin(), t.end(), t.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (t == "true" || t == "yes" || t == "on") {
            out = true;
            return true;
        }
        if (t == "false" || t == "no" || t == "off") {
            out = false;
            return true;
        }
    }
    diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                   std::string("'") + key + "' must be true or false", file, spanOf(node)));
    return false;
}

std::string resolveAgainst(const std::string& baseFile, const std::string& written)
{
    if (written.empty())
        return {};
    fs::path p(written);
    if (p.is_absolute())
        return p.lexically_normal().string();
    fs::path base = fs::path(baseFile).parent_path();
    return (base / p).lexically_normal().string();
}

std::optional<ExpectationKind> kindFromKey(const std::string& key)
{
    if (key == "match" || key == "must_match")
        return ExpectationKind::Match;
    if (key == "no_match" || key == "must_not_match")
        return ExpectationKind::NoMatch;
    if (key == "baseline")
        return ExpectationKind::Baseline;
    return std::nullopt;
}

void parseEntry(const YAML::Node& node, ExpectationKind kind, const std::string& file, RuleTests& group)
{
    Diagnostics& diags = group.diagnostics;
    Expectation e;
    e.kind = kind;
    e.span = spanOf(node);
    if (node.IsScalar()) {
        e.file = node.Scalar();
        if (e.file.empty()) {
            diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid", "empty event file path", file, e.span));
            return;
        }
        e.path = resolveAgainst(file, e.file);
        group.expectations.push_back(std::move(e));
        return;
    }
    if (!node.IsMap()) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                       std::string("an entry of '") + expectationKindName(kind) +
                                           "' must be a file path or a map with 'file' or 'xml', not " +
                                           nodeTypeName(node),
                                       file, e.span));
        return;
    }
    bool ok = true;
    bool haveFile = false;
    bool haveXml = false;
    int countForms = 0;
    for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& value = kv.second;
        const SourceSpan keySpan = spanOf(kv.first);
        auto needScalar = [&]() {
            if (value.IsScalar())
                return true;
            diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                           "'" + key + "' must be a string, not " + nodeTypeName(value), file,
                                           spanOf(value)));
            ok = false;
            return false;
        };
        auto onlyFor = [&](ExpectationKind k) {
            if (kind == k)
                return true;
            diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                           "'" + key + "' is not allowed under '" + expectationKindName(kind) +
                                               "' (only under '" + expectationKindName(k) + "')",
                                           file, keySpan));
            ok = false;
            return false;
        };
        if (key == "name") {
            if (needScalar())
                e.name = value.Scalar();
        } else if (key == "file") {
            if (needScalar()) {
                e.file = value.Scalar();
                haveFile = true;
            }
        } else if (key == "xml") {
            if (needScalar()) {
                e.xml = value.Scalar();
                haveXml = true;
            }
        } else if (key == "count") {
            std::uint64_t n = 0;
            if (onlyFor(ExpectationKind::Match) && readCount(value, "count", file, diags, n))
                e.count = static_cast<std::size_t>(n);
            else
                ok = false;
            ++countForms;
        } else if (key == "at_least" || key == "match_count") {
            std::uint64_t n = 0;
            if (onlyFor(ExpectationKind::Match) && readCount(value, key.c_str(), file, diags, n))
                e.atLeast = static_cast<std::size_t>(n);
            else
                ok = false;
            ++countForms;
        } else if (key == "record_ids") {
            ++countForms;
            if (!onlyFor(ExpectationKind::Match))
                continue;
            if (!value.IsSequence() || value.size() == 0) {
                diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                               "'record_ids' must be a non-empty list of EventRecordIDs", file,
                                               spanOf(value)));
                ok = false;
                continue;
            }
            for (const auto& id : value) {
                std::uint64_t n = 0;
                if (readCount(id, "record_ids", file, diags, n))
                    e.recordIds.push_back(n);
                else
                    ok = false;
            }
        } else if (key == "max_hits") {
            std::uint64_t n = 0;
            if (onlyFor(ExpectationKind::Baseline) && readCount(value, "max_hits", file, diags, n))
                e.maxHits = static_cast<std::size_t>(n);
            else
                ok = false;
        } else {
            diags.push_back(makeDiagnostic(Severity::Error, "manifest-unknown-key",
                                           "unknown key '" + key + "' in an entry of '" + expectationKindName(kind) +
                                               "' (expected name, file, xml" +
                                               (kind == ExpectationKind::Match      ? ", count, at_least, record_ids"
                                                : kind == ExpectationKind::Baseline ? ", max_hits"
                                                                                    : "") +
                                               ")",
                                           file, keySpan));
            ok = false;
        }
    }
    if (haveFile == haveXml) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                       haveFile ? "an entry has both 'file' and 'xml'; give one"
                                                : "an entry needs 'file' (a path) or 'xml' (embedded events)",
                                       file, e.span));
        ok = false;
    }
    if (haveFile && e.file.empty()) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid", "empty event file path", file, e.span));
        ok = false;
    }
    if (haveXml && e.xml.find('<') == std::string::npos) {
        diags.push_back(
            makeDiagnostic(Severity::Error, "manifest-invalid", "'xml' does not contain an XML element", file, e.span));
        ok = false;
    }
    if (countForms > 1) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                       "give only one of 'count', 'at_least' and 'record_ids' in an entry", file,
                                       e.span));
        ok = false;
    }
    if (!ok)
        return;
    e.path = resolveAgainst(file, e.file);
    group.expectations.push_back(std::move(e));
}

std::string impliedRule(const std::string& manifestFile)
{
    const std::string name = fs::path(manifestFile).filename().string();
    for (const char* suffix : {".tests.yml", ".tests.yaml"}) {
        if (endsWith(name, suffix)) {
            const std::string stem = name.substr(0, name.size() - std::strlen(suffix));
            for (const char* ext : {".yml", ".yaml"}) {
                const std::string candidate = stem + ext;
                if (fs::exists(fs::path(manifestFile).parent_path() / candidate))
                    return candidate;
            }
            return stem + ".yml";
        }
    }
    return {};
}

/// Parses one group map (the whole document in the beside form, an element of `tests:` otherwise).
RuleTests parseGroup(const YAML::Node& node, const std::string& file, bool folderForm)
{
    RuleTests group;
    group.manifest = file;
    group.form = folderForm ? ManifestForm::Folder : ManifestForm::Beside;
    group.span = spanOf(node);
    bool haveRule = false;
    for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        const YAML::Node& value = kv.second;
        if (key == "rule") {
            if (!value.IsScalar() || value.Scalar().empty()) {
                group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                           "'rule' must be the path of a rule file", file,
                                                           spanOf(value)));
                continue;
            }
            group.rule = value.Scalar();
            group.span = spanOf(value);
            haveRule = true;
        } else if (key == "name" || key == "description") {
            if (!value.IsScalar()) {
                group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                           "'" + key + "' must be a string", file, spanOf(value)));
                continue;
            }
            if (key == "name")
                group.name = value.Scalar();
        } else if (key == "scope_by_logsource") {
            readBool(value, "scope_by_logsource", file, group.diagnostics, group.scopeByLogSource);
        } else if (key == "translate_security_5156") {
            readBool(value, "translate_security_5156", file, group.diagnostics, group.translateSecurity5156);
        } else if (auto kind = kindFromKey(key)) {
            if (value.IsNull())
                continue; // `match:` with nothing under it
            if (!value.IsSequence()) {
                group.diagnostics.push_back(
                    makeDiagnostic(Severity::Error, "manifest-invalid",
                                   "'" + key + "' must be a list of event files or entries, not " + nodeTypeName(value),
                                   file, spanOf(value)));
                continue;
            }
            for (const auto& entry : value)
                parseEntry(entry, *kind, file, group);
        } else if (key == "tests" && !folderForm) {
            // handled by the caller
        } else {
            group.diagnostics.push_back(makeDiagnostic(
                Severity::Error, "manifest-unknown-key",
                "unknown key '" + key +
                    "' (expected rule, name, description, match, no_match, baseline, scope_by_logsource, "
                    "translate_security_5156" +
                    (folderForm ? "" : ", tests") + ")",
                file, spanOf(kv.first)));
        }
    }
    if (!haveRule) {
        if (folderForm) {
            group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-no-rule",
                                                       "an entry of 'tests' needs 'rule:' (the rule file it tests)",
                                                       file, group.span));
        } else {
            group.rule = impliedRule(file);
            if (group.rule.empty())
                group.diagnostics.push_back(makeDiagnostic(
                    Severity::Error, "manifest-no-rule",
                    "the manifest names no 'rule:' and its name is not '<rule>.tests.yml'", file, {{1, 1}, {1, 1}}));
        }
    }
    group.rulePath = resolveAgainst(file, group.rule);
    if (group.expectations.empty() && !hasErrors(group.diagnostics))
        group.diagnostics.push_back(makeDiagnostic(Severity::Warning, "manifest-no-expectations",
                                                   "no 'match', 'no_match' or 'baseline' entries", file, group.span));
    return group;
}

// --- YAML output ---------------------------------------------------------------------------------

bool plainSafe(const std::string& s)
{
    if (s.empty())
        return false;
    static const char* reserved[] = {"true", "false", "yes",  "no",  "on", "off", "null", "~",  "True", "False", "Null",
                                     "TRUE", "FALSE", "NULL", "Yes", "No", "YES", "NO",   "On", "Off",  "ON",    "OFF"};
    for (const char* r : reserved)
        if (s == r)
            return false;
    if (std::all_of(s.begin(), s.end(),
                    [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'; }))
        return false; // looks like a number
    if (s.front() == '-' || (s.front() == '.' && s.size() == 1))
        return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == '\\' || c == '+' || c >= 0x80;
    });
}

std::string quoted(const std::string& s)
{
    if (plainSafe(s))
        return s;
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + '"';
}

void writeBlock(std::ostringstream& out, const std::string& text, const std::string& indent)
{
    // Literal block scalar; the chomping indicator keeps the trailing newlines exactly.
    std::size_t trailing = 0;
    while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n')
        ++trailing;
    std::string body = text.substr(0, text.size() - trailing);
    out << '|';
    if (!body.empty() && (body.front() == ' ' || body.front() == '\n'))
        out << 2; // the content is indented two spaces more than its key
    out << (trailing == 0 ? "-" : trailing == 1 ? "" : "+") << '\n';
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t nl = body.find('\n', pos);
        if (nl == std::string::npos)
            nl = body.size();
        const std::string line = body.substr(pos, nl - pos);
        if (line.empty())
            out << '\n';
        else
            out << indent << line << '\n';
        pos = nl + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i)
        out << '\n';
}

void writeGroup(std::ostringstream& out, const RuleTests& g, const std::string& indent, bool writeRule)
{
    // `indent` applies to every line after the first (the first is placed by the caller).
    bool first = true;
    auto line = [&](const std::string& text) {
        out << (first ? "" : indent) << text << '\n';
        first = false;
    };
    if (writeRule && !g.rule.empty())
        line("rule: " + quoted(g.rule));
    if (!g.name.empty())
        line("name: " + quoted(g.name));
    if (!g.scopeByLogSource)
        line("scope_by_logsource: false");
    if (g.translateSecurity5156)
        line("translate_security_5156: true");
    for (ExpectationKind kind : {ExpectationKind::Match, ExpectationKind::NoMatch, ExpectationKind::Baseline}) {
        bool any = false;
        for (const auto& e : g.expectations) {
            if (e.kind != kind)
                continue;
            if (!any)
                line(std::string(expectationKindName(kind)) + ':');
            any = true;
            const bool shortForm = !e.embedded() && e.name.empty() && !e.count && !e.atLeast && e.recordIds.empty() &&
                                   (kind != ExpectationKind::Baseline || e.maxHits == 0);
            if (shortForm) {
                line("  - " + quoted(e.file));
                continue;
            }
            const std::string sub = indent + "    ";
            out << (first ? "" : indent) << "  - ";
            first = false;
            bool firstKey = true;
            auto key = [&](const std::string& text) {
                out << (firstKey ? "" : sub) << text << '\n';
                firstKey = false;
            };
            if (!e.name.empty())
                key("name: " + quoted(e.name));
            if (!e.embedded())
                key("file: " + quoted(e.file));
            if (e.count)
                key("count: " + std::to_string(*e.count));
            if (e.atLeast)
                key("at_least: " + std::to_string(*e.atLeast));
            if (!e.recordIds.empty()) {
                std::string ids;
                for (auto id : e.recordIds)
                    ids += (ids.empty() ? "" : ", ") + std::to_string(id);
                key("record_ids: [" + ids + "]");
            }
            if (kind == ExpectationKind::Baseline)
                key("max_hits: " + std::to_string(e.maxHits));
            if (e.embedded()) {
                out << (firstKey ? "" : sub) << "xml: ";
                firstKey = false;
                writeBlock(out, e.xml, sub + "  ");
            }
        }
    }
}

/// Where each document of a YAML stream starts, read event by event without building nodes.
class DocumentStarts : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

/// The documents of a YAML stream, without YAML::LoadAll: on a token that cannot start a
/// document (a lone ",") yaml-cpp up to 0.8 reports an empty document without consuming it, and
/// LoadAll then loops until memory runs out (yaml-cpp issue 1040). Here a document that starts
/// where the previous one did is that case: `stuck` is set with its position. Throws
/// YAML::Exception on syntax errors like YAML::Load. Counts at most `limit` documents.
std::vector<YAML::Mark> documentStarts(const std::string& text, bool& stuck, std::size_t limit = 1000)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts handler;
    stuck = false;
    while (handler.starts.size() < limit && parser.HandleNextDocument(handler)) {
        const auto n = handler.starts.size();
        if (n >= 2 && handler.starts[n - 1].pos == handler.starts[n - 2].pos) {
            stuck = true;
            handler.starts.pop_back();
            break;
        }
    }
    return handler.starts;
}

} // namespace

const char* expectationKindName(ExpectationKind kind)
{
    switch (kind) {
    case ExpectationKind::Match:
        return "match";
    case ExpectationKind::NoMatch:
        return "no_match";
    case ExpectationKind::Baseline:
        return "baseline";
    }
    return "match";
}

std::string Expectation::label() const
{
    if (!name.empty())
        return name;
    if (!file.empty())
        return file;
    return "embedded events";
}

std::string Expectation::expectedText() const
{
    auto events = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " event" : " events"); };
    switch (kind) {
    case ExpectationKind::Match:
        if (count)
            return "exactly " + events(*count) + " match";
        if (!recordIds.empty()) {
            std::string ids;
            for (auto id : recordIds)
                ids += (ids.empty() ? "" : ", ") + std::to_string(id);
            return "exactly the events with EventRecordID " + ids + " match";
        }
        return "at least " + events(atLeast.value_or(1)) + " match";
    case ExpectationKind::NoMatch:
        return "no event matches";
    case ExpectationKind::Baseline:
        return "at most " + events(maxHits) + " match (baseline)";
    }
    return {};
}

bool TestManifest::ok() const
{
    if (hasErrors(diagnostics))
        return false;
    return std::none_of(rules.begin(), rules.end(), [](const RuleTests& g) { return hasErrors(g.diagnostics); });
}

namespace {

constexpr std::size_t kMaxManifestBytes = 4u << 20;
constexpr int kMaxFlowDepth = 64;

/// yaml-cpp parses recursively: refuse input nested deep enough to exhaust the stack. Returns the
/// 1-based line where flow nesting ([ and {) gets deeper than the limit, or 0. Quoted text and
/// comments are skipped; block scalars are not special-cased (a bracket inside one only makes the
/// check stricter, and 64 levels are far beyond any real manifest).
int tooDeepAt(const std::string& text)
{
    int depth = 0;
    int line = 1;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            comment = false;
            continue;
        }
        if (comment)
            continue;
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || (c == '\'' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' || text[i - 1] == ',' ||
                                       text[i - 1] == '{' || text[i - 1] == ':')))
            quote = c;
        else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
            comment = true;
        else if (c == '[' || c == '{') {
            if (++depth > kMaxFlowDepth)
                return line;
        } else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return 0;
}

} // namespace

TestManifest parseManifestText(const std::string& text, const std::string& file)
{
    TestManifest m;
    m.file = file;
    if (text.size() > kMaxManifestBytes) {
        m.diagnostics.push_back(makeDiagnostic(
            Severity::Error, "manifest-too-large",
            "the manifest is larger than 4 MiB; list event files instead of embedding them", file, {{1, 1}, {1, 1}}));
        return m;
    }
    if (const int line = tooDeepAt(text)) {
        m.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-too-deep",
                                               "nesting deeper than " + std::to_string(kMaxFlowDepth) + " levels", file,
                                               {{line, 1}, {line, 1}}));
        return m;
    }
    YAML::Node root;
    try {
        bool stuck = false;
        const std::vector<YAML::Mark> starts = documentStarts(text, stuck);
        if (stuck) {
            const YAML::Mark& at = starts.back();
            const std::size_t pos = static_cast<std::size_t>(std::max(at.pos, 0));
            const std::string token = pos < text.size() ? std::string(1, text[pos]) : std::string("end of input");
            m.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-yaml-syntax",
                                                   "unexpected '" + token + "' where a YAML value should start", file,
                                                   {{at.line + 1, at.column + 1}, {at.line + 1, at.column + 2}}));
            return m;
        }
        if (starts.size() > 1) {
            const YAML::Mark& second = starts[1];
            m.diagnostics.push_back(
                makeDiagnostic(Severity::Error, "manifest-invalid",
                               "a manifest is one YAML document; found " + std::to_string(starts.size()) +
                                   (starts.size() >= 1000 ? " or more" : ""),
                               file, {{second.line + 1, second.column + 1}, {second.line + 1, second.column + 1}}));
            return m;
        }
        if (!starts.empty())
            root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        SourceSpan span;
        if (e.mark.line >= 0)
            span.begin = span.end = {e.mark.line + 1, e.mark.column + 1};
        m.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-yaml-syntax", e.msg, file, span));
        return m;
    }
    if (!root || root.IsNull()) {
        m.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "manifest-empty", "the manifest is empty", file, {{1, 1}, {1, 1}}));
        return m;
    }
    if (!root.IsMap()) {
        m.diagnostics.push_back(makeDiagnostic(
            Severity::Error, "manifest-invalid",
            "a manifest must be a map (rule, match, no_match, baseline or tests), not " + nodeTypeName(root), file,
            spanOf(root)));
        return m;
    }
    try {
        const YAML::Node tests = root["tests"];
        if (tests) {
            m.folderForm = true;
            for (const auto& kv : root) {
                const std::string key = kv.first.Scalar();
                if (key != "tests" && key != "name" && key != "description")
                    m.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-unknown-key",
                                                           "unknown key '" + key +
                                                               "' beside 'tests' (a folder manifest has tests, name, "
                                                               "description)",
                                                           file, spanOf(kv.first)));
            }
            if (!tests.IsSequence()) {
                m.diagnostics.push_back(makeDiagnostic(
                    Severity::Error, "manifest-invalid",
                    "'tests' must be a list of {rule, match, no_match, baseline}, not " + nodeTypeName(tests), file,
                    spanOf(tests)));
                return m;
            }
            for (const auto& entry : tests) {
                if (!entry.IsMap()) {
                    m.diagnostics.push_back(
                        makeDiagnostic(Severity::Error, "manifest-invalid",
                                       "an entry of 'tests' must be a map with 'rule', not " + nodeTypeName(entry),
                                       file, spanOf(entry)));
                    continue;
                }
                m.rules.push_back(parseGroup(entry, file, true));
            }
        } else {
            m.rules.push_back(parseGroup(root, file, false));
        }
    } catch (const YAML::Exception& e) {
        // Defensive: node access should not throw on a well-formed document.
        SourceSpan span;
        if (e.mark.line >= 0)
            span.begin = span.end = {e.mark.line + 1, e.mark.column + 1};
        m.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid", e.msg, file, span));
    }
    return m;
}

TestManifest loadManifest(const std::string& path)
{
    std::string text;
    std::string error;
    if (!readWholeFile(path, text, error)) {
        TestManifest m;
        m.file = path;
        m.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "io-error", "cannot read the manifest: " + error, path));
        return m;
    }
    return parseManifestText(text, path);
}

std::string besideManifestPath(const std::string& rulePath)
{
    fs::path p(rulePath);
    return (p.parent_path() / (p.stem().string() + ".tests.yml")).string();
}

std::string markedEventsDir(const std::string& rulePath)
{
    fs::path p(rulePath);
    return (p.parent_path() / "tests" / p.stem()).string();
}

std::string manifestToYaml(const TestManifest& manifest)
{
    std::ostringstream out;
    out << "# Sigma Workbench test manifest (docs/test-manifests.md)\n";
    if (!manifest.folderForm && manifest.rules.size() == 1) {
        writeGroup(out, manifest.rules.front(), "", true);
        return out.str();
    }
    out << "tests:\n";
    for (const auto& g : manifest.rules) {
        out << "  - ";
        writeGroup(out, g, "    ", true);
    }
    return out.str();
}

bool saveManifest(const TestManifest& manifest, const std::string& path, std::string& error)
{
    return writeFileAtomically(path, manifestToYaml(manifest), error);
}

std::string resolveRegressionPath(const std::string& rulePath, const std::string& written)
{
    fs::path w(written);
    if (w.is_absolute())
        return w.lexically_normal().string();
    fs::path dir = fs::absolute(fs::path(rulePath)).parent_path();
    const fs::path first = (dir / w).lexically_normal();
    for (fs::path d = dir;; d = d.parent_path()) {
        fs::path candidate = (d / w).lexically_normal();
        std::error_code ec;
        if (fs::exists(candidate, ec))
            return candidate.string();
        if (d == d.parent_path() || d.empty())
            break;
    }
    return first.string();
}

RuleTests loadSigmaHqInfo(const std::string& infoPath, const std::string& rulePath)
{
    RuleTests group;
    group.manifest = infoPath;
    group.form = ManifestForm::SigmaHQ;
    group.rule = rulePath;
    group.rulePath = rulePath;
    std::string text;
    std::string error;
    if (!readWholeFile(infoPath, text, error)) {
        group.diagnostics.push_back(makeDiagnostic(
            Severity::Error, "io-error",
            "cannot read the regression test info (regression_tests_path of " + rulePath + "): " + error, infoPath));
        return group;
    }
    if (text.size() > kMaxManifestBytes || tooDeepAt(text)) {
        group.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "manifest-too-deep",
                           "info.yml is too large or nested too deeply to be a regression test list", infoPath,
                           {{std::max(1, tooDeepAt(text)), 1}, {std::max(1, tooDeepAt(text)), 1}}));
        return group;
    }
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        SourceSpan span;
        if (e.mark.line >= 0)
            span.begin = span.end = {e.mark.line + 1, e.mark.column + 1};
        group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-yaml-syntax", e.msg, infoPath, span));
        return group;
    }
    if (!root.IsMap()) {
        group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                   "info.yml must be a map with 'regression_tests_info'", infoPath,
                                                   spanOf(root)));
        return group;
    }
    try {
        if (const YAML::Node id = root["id"]; id && id.IsScalar())
            group.name = id.Scalar();
        const YAML::Node tests = root["regression_tests_info"];
        if (!tests || !tests.IsSequence()) {
            group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                       "info.yml has no 'regression_tests_info' list", infoPath,
                                                       spanOf(tests ? tests : root)));
            return group;
        }
        for (const auto& t : tests) {
            if (!t.IsMap()) {
                group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                           "an entry of 'regression_tests_info' must be a map",
                                                           infoPath, spanOf(t)));
                continue;
            }
            Expectation e;
            e.kind = ExpectationKind::Match;
            e.span = spanOf(t);
            const YAML::Node path = t["path"];
            if (!path || !path.IsScalar() || path.Scalar().empty()) {
                group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                           "a regression test needs 'path'", infoPath, e.span));
                continue;
            }
            e.file = path.Scalar();
            if (const YAML::Node name = t["name"]; name && name.IsScalar())
                e.name = name.Scalar();
            if (const YAML::Node type = t["type"]; type && type.IsScalar()) {
                const std::string& ty = type.Scalar();
                if (ty != "evtx" && ty != "json" && ty != "ndjson" && ty != "jsonl")
                    group.diagnostics.push_back(
                        makeDiagnostic(Severity::Warning, "manifest-unknown-type",
                                       "unknown regression test type '" + ty +
                                           "' (evtx, json, ndjson, jsonl); the file is read by content",
                                       infoPath, spanOf(type)));
                if (ty != "evtx" && (t["pipelines"] || t["filters"]))
                    group.diagnostics.push_back(makeDiagnostic(Severity::Warning, "manifest-pipelines-ignored",
                                                               "'pipelines' and 'filters' are not applied; fields are "
                                                               "matched by name as in the event",
                                                               infoPath, e.span));
            }
            std::uint64_t n = 1;
            if (const YAML::Node mc = t["match_count"]; mc) {
                if (!readCount(mc, "match_count", infoPath, group.diagnostics, n))
                    continue;
            }
            e.atLeast = static_cast<std::size_t>(n);
            // SigmaHQ resolves sample paths from the rule's folder upwards (the repository root).
            fs::path local = fs::path(infoPath).parent_path() / e.file;
            std::error_code ec;
            if (fs::path(e.file).is_relative() && fs::exists(local, ec))
                e.path = local.lexically_normal().string();
            else
                e.path = resolveRegressionPath(rulePath, e.file);
            group.expectations.push_back(std::move(e));
        }
    } catch (const YAML::Exception& e) {
        group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid", e.msg, infoPath));
    }
    if (group.expectations.empty() && !hasErrors(group.diagnostics))
        group.diagnostics.push_back(makeDiagnostic(Severity::Warning, "manifest-no-expectations",
                                                   "no regression tests listed", infoPath, spanOf(root)));
    return group;
}

// --- discovery -----------------------------------------------------------------------------------

namespace {

bool isManifestName(const std::string& name)
{
    return endsWith(name, ".tests.yml") || endsWith(name, ".tests.yaml");
}

bool isYamlName(const std::string& name)
{
    return endsWith(name, ".yml") || endsWith(name, ".yaml");
}

/// The `regression_tests_path` of the first document of a rule file (empty if none) and its line.
std::pair<std::string, int> regressionTestsPath(const std::string& path)
{
    std::string text;
    std::string error;
    if (!readWholeFile(path, text, error) || text.find("regression_tests_path") == std::string::npos ||
        text.size() > kMaxManifestBytes || tooDeepAt(text))
        return {};
    try {
        YAML::Node root = YAML::Load(text);
        if (root.IsMap())
            if (const YAML::Node p = root["regression_tests_path"]; p && p.IsScalar())
                return {p.Scalar(), p.Mark().line + 1};
    } catch (const YAML::Exception&) {
        // not our problem here: `sigmawb lint` reports broken rules
    }
    return {};
}

struct Discoverer {
    Discovery result;
    std::set<std::string> seenManifests;
    std::set<std::string> seenInfos; // rule + info pairs

    static std::string key(const std::string& path)
    {
        std::error_code ec;
        fs::path c = fs::weakly_canonical(path, ec);
        return ec ? path : c.string();
    }

    void addManifest(const std::string& path)
    {
        if (!seenManifests.insert(key(path)).second)
            return;
        result.manifests.push_back(path);
        TestManifest m = loadManifest(path);
        if (!m.diagnostics.empty() && m.rules.empty()) {
            RuleTests broken;
            broken.manifest = path;
            broken.form = m.folderForm ? ManifestForm::Folder : ManifestForm::Beside;
            broken.diagnostics = std::move(m.diagnostics);
            result.groups.push_back(std::move(broken));
            return;
        }
        // File-level problems beside good groups: attach them to the first group.
        bool first = true;
        for (auto& g : m.rules) {
            if (first)
                g.diagnostics.insert(g.diagnostics.begin(), m.diagnostics.begin(), m.diagnostics.end());
            first = false;
            result.groups.push_back(std::move(g));
        }
    }

    bool addSigmaHq(const std::string& rulePath)
    {
        const auto [written, line] = regressionTestsPath(rulePath);
        if (written.empty())
            return false;
        const std::string info = resolveRegressionPath(rulePath, written);
        if (!seenInfos.insert(key(rulePath) + '\n' + key(info)).second)
            return true;
        result.manifests.push_back(info);
        std::error_code ec;
        if (!fs::exists(info, ec)) {
            RuleTests missing;
            missing.manifest = info;
            missing.form = ManifestForm::SigmaHQ;
            missing.rule = rulePath;
            missing.rulePath = rulePath;
            missing.diagnostics.push_back(makeDiagnostic(
                Severity::Error, "io-error",
                "regression_tests_path '" + written + "' does not exist (looked in the rule's folder and its parents)",
                rulePath, {{line, 1}, {line, 1}}));
            result.groups.push_back(std::move(missing));
            return true;
        }
        result.groups.push_back(loadSigmaHqInfo(info, rulePath));
        return true;
    }

    void addRule(const std::string& path, bool explicitlyGiven)
    {
        bool found = false;
        for (const char* suffix : {".tests.yml", ".tests.yaml"}) {
            fs::path p(path);
            fs::path beside = p.parent_path() / (p.stem().string() + suffix);
            std::error_code ec;
            if (fs::exists(beside, ec)) {
                addManifest(beside.string());
                found = true;
            }
        }
        if (addSigmaHq(path))
            found = true;
        if (!found && explicitlyGiven)
            result.rulesWithoutTests.push_back(path);
    }

    void addFolder(const std::string& dir)
    {
        std::vector<std::string> manifests;
        std::vector<std::string> rules;
        std::error_code ec;
        fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            result.diagnostics.push_back(
                makeDiagnostic(Severity::Error, "io-error", "cannot list the folder: " + ec.message(), dir));
            return;
        }
        for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            const std::string name = it->path().filename().string();
            if (it->is_directory(ec)) {
                if (!name.empty() && name.front() == '.')
                    it.disable_recursion_pending();
                continue;
            }
            if (isManifestName(name))
                manifests.push_back(it->path().string());
            else if (isYamlName(name))
                rules.push_back(it->path().string());
        }
        std::sort(manifests.begin(), manifests.end());
        std::sort(rules.begin(), rules.end());
        for (const auto& m : manifests)
            addManifest(m);
        for (const auto& r : rules)
            addSigmaHq(r);
    }
};

} // namespace

Discovery discoverTests(const std::vector<std::string>& paths)
{
    Discoverer d;
    for (const auto& path : paths) {
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (ec || !fs::exists(st)) {
            d.result.diagnostics.push_back(makeDiagnostic(Severity::Error, "io-error", "no such file or folder", path));
            continue;
        }
        if (fs::is_directory(st)) {
            d.addFolder(path);
            continue;
        }
        const std::string name = fs::path(path).filename().string();
        if (isManifestName(name))
            d.addManifest(path);
        else
            d.addRule(path, true);
    }
    return d.result;
}

} // namespace sigma
