// `sigmawb test PATH... [--junit FILE] [--format text|json] [--verbose]`: runs every test manifest
// found under the paths (rule.tests.yml beside a rule, folder manifests, SigmaHQ regression_tests_path)
// and reports what was expected and what happened. Exit 0 all pass, 1 any test fails or errs (a broken
// manifest included), 2 usage or I/O error (a path that does not exist, a JUnit file that cannot be
// written, nothing to test).
#include "command.h"

#include "util/fileio.h"
#include "validation/junit.h"
#include "validation/manifest.h"
#include "validation/runner.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

struct Options {
    std::vector<std::string> paths;
    std::string junit;
    std::string format = "text";
    bool verbose = false;
    bool allowOutsidePaths = false;
};

int run(const Options& o)
{
    sigma::ManifestOptions manifestOptions;
    manifestOptions.allowOutsidePaths = o.allowOutsidePaths;
    const sigma::Discovery found = sigma::discoverTests(o.paths, manifestOptions);
    for (const auto& d : found.diagnostics)
        std::cerr << d.format() << '\n';
    if (sigma::hasErrors(found.diagnostics))
        return sigmawb::ExitUsage;
    for (const auto& rule : found.rulesWithoutTests)
        std::cerr << rule << ": warning: no tests (no " << sigma::besideManifestPath(rule)
                  << ", no regression_tests_path)\n";
    if (found.groups.empty()) {
        std::cerr << "sigmawb test: no test manifests found (looked for *.tests.yml and regression_tests_path)\n";
        return sigmawb::ExitUsage;
    }

    std::vector<sigma::RuleTestResult> results;
    results.reserve(found.groups.size());
    sigma::TestEventCache cache; // rules sharing a baseline read it once
    sigma::RunOptions options;
    options.cache = &cache;
    for (const auto& group : found.groups)
        results.push_back(sigma::runRuleTests(group, options));

    if (o.format == "json")
        std::cout << sigma::formatJson(results);
    else
        std::cout << sigma::formatText(results, o.verbose);
    std::cout.flush();

    if (!o.junit.empty()) {
        sigma::JUnitOptions jo;
        char host[256] = {};
        if (gethostname(host, sizeof host - 1) == 0)
            jo.hostname = host;
        const std::string xml = sigma::junitXml(results, jo);
        std::string error;
        if (!sigma::writeFileAtomically(o.junit, xml, error)) {
            std::cerr << o.junit << ": error: cannot write the JUnit report: " << error << '\n';
            return sigmawb::ExitUsage;
        }
    }
    const sigma::TestTotals t = sigma::totals(results);
    return t.failures + t.errors > 0 ? sigmawb::ExitFailure : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    60, "test", "Run rule test manifests (must match / must not match / baseline); JUnit for CI",
    [](CLI::App& sub) -> std::function<int()> {
        auto o = std::make_shared<Options>();
        sub.add_option("paths", o->paths,
                       "Manifests (*.tests.yml), rules (their NAME.tests.yml / regression_tests_path) or folders")
            ->required();
        sub.add_option("--junit", o->junit, "Also write a JUnit XML report to FILE")->type_name("FILE");
        sub.add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}));
        sub.add_flag("-v,--verbose", o->verbose, "List passing tests too");
        sub.add_flag("--allow-outside-paths", o->allowOutsidePaths,
                     "Let manifests name files outside their workspace (the nearest folder with .git or "
                     "workspace.ini, else the manifest's folder); refused by default");
        sub.footer("Exit codes: 0 all tests pass, 1 a test fails or a manifest is broken, 2 usage or I/O error.\n"
                   "Manifest format: docs/test-manifests.md");
        return [o] { return run(*o); };
    });

} // namespace
