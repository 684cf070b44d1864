#include "validation/manifest.h"

#include "util/fileio.h"
#include "validation/manifestyaml.h"

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

using namespace manifestyaml;

namespace {

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
        } else if (key == "group") {
            if (kind == ExpectationKind::Baseline || !value.IsMap() || value.size() == 0) {
                diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                               "'group' (under match or no_match) must map group-by fields to values, "
                                               "e.g. {User: alice}",
                                               file, spanOf(value)));
                ok = false;
                continue;
            }
            for (const auto& g : value) {
                if (!g.second.IsScalar()) {
                    diags.push_back(makeDiagnostic(
                        Severity::Error, "manifest-invalid",
                        "the value of '" + g.first.Scalar() + "' in 'group' must be a string", file, spanOf(g.second)));
                    ok = false;
                    continue;
                }
                e.group.emplace_back(g.first.Scalar(), g.second.Scalar());
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
                                               (kind == ExpectationKind::Match ? ", count, at_least, record_ids, group"
                                                : kind == ExpectationKind::Baseline ? ", max_hits"
                                                                                    : ", group") +
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
        } else if (key == "correlation") {
            if (!value.IsScalar() || value.Scalar().empty())
                group.diagnostics.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                                           "'correlation' must be the id or name of a correlation",
                                                           file, spanOf(value)));
            else
                group.correlation = value.Scalar();
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
                    "translate_security_5156, correlation" +
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

TestManifest parseManifestText(const std::string& text, const std::string& file, const ManifestOptions& options)
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
        m.diagnostics.push_back(yamlErrorDiagnostic(e, "manifest-yaml-syntax", file));
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
        m.diagnostics.push_back(yamlErrorDiagnostic(e, "manifest-invalid", file));
    }
    if (!options.allowOutsidePaths)
        refuseOutsidePaths(m);
    return m;
}

TestManifest loadManifest(const std::string& path, const ManifestOptions& options)
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
    return parseManifestText(text, path, options);
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

} // namespace sigma
