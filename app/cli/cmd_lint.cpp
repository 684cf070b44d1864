// `sigmawb lint [--format text|json] PATH...`: parses and lints Sigma files (folders recursively,
// *.yml and *.yaml). Text output is compiler style (file:line:col: severity: message [code]);
// exit 0 without errors, 1 with errors, 2 on usage or I/O failure.
#include "command.h"

#include "engine/lintscope.h"
#include "engine/logsourcefields.h"
#include "rule/lint.h"
#include "rule/lintfix.h"
#include "rule/parser.h"
#include "util/fileio.h"
#include "util/textdiff.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <system_error>

namespace {

namespace fs = std::filesystem;

struct LintArgs {
    std::vector<std::string> paths;
    std::string format = "text";
    bool noSigmahq = false;
    std::vector<std::string> disabled;
    bool listChecks = false;
    bool noCatalog = false;
    std::string logSources;
    bool fix = false;
    bool dryRun = false;
};

/// `--fix`: applies the quick fixes of each file (rule/lintfix.h), prints a unified diff of each
/// change on stdout (text format) and, unless `dryRun`, writes the file atomically. Counts on stderr.
bool fixFiles(const std::vector<std::string>& files, const sigma::LintOptions& options, bool dryRun, bool printDiff,
              sigma::Diagnostics& diagnostics)
{
    std::size_t changed = 0, fixes = 0;
    bool ok = true;
    for (const auto& f : files) {
        std::string text, error;
        if (!sigma::readWholeFile(f, text, error))
            continue; // reported by the lint that follows
        const auto report = sigma::fixText(text, f, options);
        if (report.text == text)
            continue;
        ++changed;
        fixes += report.codes.size();
        if (printDiff) {
            // git's a/ b/ prefixes for relative paths (patch -p1); an absolute path as it is.
            const bool absolute = !f.empty() && f.front() == '/';
            std::cout << sigma::unifiedDiff(text, report.text, absolute ? f : "a/" + f, absolute ? f : "b/" + f);
        }
        if (!dryRun && !sigma::writeFileAtomically(f, report.text, error)) {
            diagnostics.push_back({sigma::Severity::Error, "io-error", "cannot write the fixed file: " + error, f, {}});
            ok = false;
        }
    }
    std::cerr << fixes << (fixes == 1 ? " fix in " : " fixes in ") << changed << (changed == 1 ? " file" : " files")
              << (dryRun ? " (dry run: nothing written)" : "") << '\n';
    return ok;
}

bool isRuleFile(const fs::path& p)
{
    const auto ext = p.extension().string();
    return ext == ".yml" || ext == ".yaml";
}

int run(const LintArgs& args)
{
    if (args.listChecks) {
        for (const auto& c : sigma::parserDiagnosticCodes())
            std::cout << c.code << '\t' << sigma::severityName(c.severity) << "\tparser\t" << c.description << '\n';
        for (const auto& c : sigma::lintChecks())
            std::cout << c.code << '\t' << sigma::severityName(c.severity) << "\tlint\t" << c.description << '\n';
        return sigmawb::ExitOk;
    }
    if (args.paths.empty()) {
        std::cerr << "sigmawb lint: no PATH given\n";
        return sigmawb::ExitUsage;
    }
    bool ioFailure = false;
    std::vector<std::string> files;
    sigma::Diagnostics diagnostics;
    sigma::LogSourceTable table = sigma::LogSourceTable::builtin();
    if (!args.logSources.empty()) {
        sigma::Diagnostics setup;
        table = table.overriddenBy(sigma::LogSourceTable::fromFile(args.logSources, setup));
        for (const auto& d : setup)
            std::cerr << d.format() << '\n';
        if (std::any_of(setup.begin(), setup.end(),
                        [](const sigma::Diagnostic& d) { return d.severity == sigma::Severity::Error; }))
            return sigmawb::ExitUsage;
    }
    for (const auto& path : args.paths) {
        std::error_code ec;
        const fs::path p(path);
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
            for (; !ec && it != end; it.increment(ec)) {
                std::error_code fec;
                if (it->is_regular_file(fec) && isRuleFile(it->path()))
                    found.push_back(it->path().string());
            }
            if (ec) {
                diagnostics.push_back(
                    {sigma::Severity::Error, "io-error", "cannot read the folder: " + ec.message(), path, {}});
                ioFailure = true;
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(path);
        } else {
            diagnostics.push_back({sigma::Severity::Error, "io-error", "no such file or folder", path, {}});
            ioFailure = true;
        }
    }
    sigma::LintOptions options;
    options.sigmahqConventions = !args.noSigmahq;
    options.disabled = args.disabled;
    if (!args.noCatalog)
        options.fieldKnown = sigma::eventCatalogFieldLookup(table);
    options.logSourceScope = sigma::logSourceScopeLookup(table);
    if (args.fix && !fixFiles(files, options, args.dryRun, args.format == "text", diagnostics))
        ioFailure = true;
    std::vector<std::unique_ptr<sigma::ParsedFile>> parsed;
    for (const auto& f : files) {
        auto pf = std::make_unique<sigma::ParsedFile>(sigma::parseRuleFile(f));
        for (const auto& d : pf->diagnostics)
            if (d.code == "io-error")
                ioFailure = true;
        auto ds = sigma::lintFile(*pf, options);
        diagnostics.insert(diagnostics.end(), ds.begin(), ds.end());
        parsed.push_back(std::move(pf));
    }
    std::vector<const sigma::ParsedFile*> set;
    for (const auto& p : parsed)
        set.push_back(p.get());
    {
        auto ds = sigma::lintSet(set, options);
        diagnostics.insert(diagnostics.end(), ds.begin(), ds.end());
    }
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : diagnostics) {
        if (d.severity == sigma::Severity::Error)
            ++errors;
        else if (d.severity == sigma::Severity::Warning)
            ++warnings;
    }
    if (args.format == "json") {
        nlohmann::json j;
        j["files"] = files.size();
        j["errors"] = errors;
        j["warnings"] = warnings;
        auto& arr = j["diagnostics"] = nlohmann::json::array();
        for (const auto& d : diagnostics)
            arr.push_back({{"file", d.file},
                           {"line", d.span.begin.line},
                           {"column", d.span.begin.column},
                           {"endLine", d.span.end.line},
                           {"endColumn", d.span.end.column},
                           {"severity", sigma::severityName(d.severity)},
                           {"code", d.code},
                           {"message", d.message}});
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    } else {
        for (const auto& d : diagnostics)
            std::cout << d.format() << '\n';
        std::cerr << files.size() << (files.size() == 1 ? " file, " : " files, ") << errors
                  << (errors == 1 ? " error, " : " errors, ") << warnings << (warnings == 1 ? " warning" : " warnings")
                  << '\n';
    }
    if (ioFailure)
        return sigmawb::ExitUsage;
    return errors ? sigmawb::ExitFailure : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    10, "lint", "Check Sigma rules: syntax, specification and conventions (compiler-style output)",
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<LintArgs>();
        sub.add_option("PATH", args->paths, "Rule files or folders (recursive, *.yml and *.yaml)");
        sub.add_option("--format", args->format, "Output format")->check(CLI::IsMember({"text", "json"}));
        sub.add_flag("--no-sigmahq", args->noSigmahq, "Skip the SigmaHQ repository conventions");
        sub.add_option("--disable", args->disabled, "Switch a check off (repeatable; see --list-checks)")
            ->allow_extra_args(false);
        sub.add_flag("--no-catalog", args->noCatalog, "Do not check field names against the built-in event catalog");
        sub.add_option("--logsources", args->logSources,
                       "CSV file overriding rows of the built-in log-source table (for field-implied-by-logsource)");
        auto* fix =
            sub.add_flag("--fix", args->fix,
                         "Apply the quick fixes (wildcards to modifiers, duplicate tags, missing id, ...), print a "
                         "unified diff and write the files; then lint what is left");
        sub.add_flag("--dry-run", args->dryRun, "With --fix: print the diff, write nothing")->needs(fix);
        sub.add_flag("--list-checks", args->listChecks, "List every diagnostic code and exit");
        return [args] { return run(*args); };
    });

} // namespace
