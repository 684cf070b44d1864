#include "validation/manifest.h"

#include "util/fileio.h"
#include "validation/manifestyaml.h"
#include "validation/marking.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace sigma {

using namespace manifestyaml;

// Test discovery: manifests and rules with regression tests under the paths given.

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
    ManifestOptions options;
    Discovery result;
    std::set<std::string> seenManifests;
    std::set<std::string> seenInfos; // rule + info pairs

    static std::string key(const std::string& path) { return canonicalPath(path).string(); }

    void addManifest(const std::string& path)
    {
        if (!seenManifests.insert(key(path)).second)
            return;
        result.manifests.push_back(path);
        TestManifest m = loadManifest(path, options);
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

Discovery discoverTests(const std::vector<std::string>& paths, const ManifestOptions& options)
{
    Discoverer d;
    d.options = options;
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

FoundRuleTests findRuleTests(const std::string& rulePath, const ManifestOptions& options)
{
    FoundRuleTests found;
    RuleTests& merged = found.group;
    const std::string beside = besideManifestPath(rulePath);
    merged.manifest = beside;
    merged.rule = fs::path(rulePath).filename().string();
    merged.rulePath = rulePath;
    const std::string ruleKey = Discoverer::key(rulePath);
    bool haveOptions = false;
    auto take = [&](RuleTests&& g, const std::string& source) {
        if (!haveOptions) {
            merged.scopeByLogSource = g.scopeByLogSource;
            merged.translateSecurity5156 = g.translateSecurity5156;
            merged.correlation = g.correlation;
            haveOptions = true;
        }
        if (merged.name.empty())
            merged.name = g.name;
        for (auto& e : g.expectations)
            merged.expectations.push_back(std::move(e));
        for (auto& d : g.diagnostics)
            merged.diagnostics.push_back(std::move(d));
        found.sources.push_back(source);
    };

    std::error_code ec;
    if (fs::exists(beside, ec)) {
        RuleTests g = openRuleTests(rulePath);
        if (!options.allowOutsidePaths) {
            TestManifest one;
            one.file = beside;
            one.rules.push_back(std::move(g));
            refuseOutsidePaths(one);
            g = std::move(one.rules.front());
        }
        merged.span = g.span;
        take(std::move(g), beside);
    }
    // Folder manifests above the rule that name it.
    fs::path dir = fs::path(rulePath).parent_path();
    for (int level = 0; level < 8 && !dir.empty(); ++level) {
        std::vector<std::string> manifests;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (isManifestName(name) && Discoverer::key(it->path().string()) != Discoverer::key(beside))
                manifests.push_back(it->path().string());
        }
        std::sort(manifests.begin(), manifests.end());
        for (const auto& path : manifests) {
            TestManifest m = loadManifest(path, options);
            if (!m.folderForm)
                continue;
            for (auto& g : m.rules)
                if (Discoverer::key(g.rulePath) == ruleKey)
                    take(std::move(g), path);
        }
        if (fs::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir)
            break;
        dir = dir.parent_path();
    }
    // SigmaHQ regression tests named by the rule.
    Discoverer sigmaHq;
    if (sigmaHq.addSigmaHq(rulePath))
        for (auto& g : sigmaHq.result.groups) {
            const std::string source = g.manifest;
            take(std::move(g), source);
        }
    return found;
}

} // namespace sigma
