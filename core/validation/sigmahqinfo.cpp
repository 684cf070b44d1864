#include "validation/manifest.h"

#include "util/fileio.h"
#include "validation/manifestyaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace sigma {

using namespace manifestyaml;

// SigmaHQ regression tests: the info.yml a rule names with regression_tests_path.

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
        group.diagnostics.push_back(yamlErrorDiagnostic(e, "manifest-yaml-syntax", infoPath));
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

} // namespace sigma
