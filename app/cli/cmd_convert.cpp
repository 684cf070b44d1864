// `sigmawb convert --target splunk|esql|eql|lucene|kusto|sqlite [--pipeline NAME|FILE]...
//  RULE_OR_DIR... [--format text|json]`: each rule as a query of the target (conversion/conversion.h).
// Without --pipeline field names stay as the rule writes them (as pySigma does). Text output: per
// rule a `# title [id] file` line and the query; problems on stderr, compiler style. JSON: one object
// per rule and line, {"rule_id","rule_file","target","query"} or {..., "error"}. Exit 1 when a rule
// cannot be converted faithfully, 2 on usage or I/O errors.
#include "command.h"

#include "conversion/conversion.h"
#include "conversion/pipeline.h"
#include "engine/loader.h"
#include "rule/parser.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace {

struct ConvertArgs {
    std::string target;
    std::vector<std::string> pipelines;
    std::vector<std::string> paths;
    std::string format = "text";
    std::string table;
    std::string fullText;
};

/// The --pipeline values (built-in names or pySigma YAML files, docs/pipelines.md); false when one
/// cannot be read (its problems printed, file:line:col).
bool resolvePipelines(const std::vector<std::string>& specs, std::vector<sigma::conversion::Pipeline>& pipelines)
{
    sigma::Diagnostics diagnostics;
    const bool ok = sigma::conversion::loadPipelines(specs, pipelines, diagnostics);
    for (const auto& d : diagnostics)
        std::cerr << d.format() << '\n';
    return ok;
}

std::string firstError(const sigma::Diagnostics& diagnostics)
{
    for (const auto& d : diagnostics)
        if (d.severity == sigma::Severity::Error)
            return d.format();
    return {};
}

int run(const ConvertArgs& args)
{
    const auto target = sigma::conversion::parseTarget(args.target);
    if (!target) {
        std::cerr << "sigmawb convert: unknown target '" << args.target
                  << "' (splunk, esql, eql, lucene, kusto, sqlite)\n";
        return sigmawb::ExitUsage;
    }
    sigma::conversion::ConversionOptions options;
    if (!args.table.empty()) {
        options.sqlTable = args.table;
        options.kustoTable = args.table;
        options.esqlIndex = args.table;
    }
    options.fullTextField = args.fullText;
    std::vector<sigma::conversion::Pipeline> pipelines;
    if (!resolvePipelines(args.pipelines, pipelines))
        return sigmawb::ExitUsage;
    sigma::Diagnostics collectDiagnostics;
    const auto files = sigma::collectRuleFiles(args.paths, collectDiagnostics);
    bool ioError = false;
    for (const auto& d : collectDiagnostics) {
        std::cerr << d.format() << '\n';
        ioError = ioError || d.severity == sigma::Severity::Error;
    }
    const bool json = args.format == "json";
    std::size_t converted = 0, failed = 0;
    for (const auto& file : files) {
        const sigma::ParsedFile parsed = sigma::parseRuleFile(file);
        for (const auto& d : parsed.diagnostics)
            if (d.code == "io-error") {
                std::cerr << d.format() << '\n';
                ioError = true;
            }
        bool anyRule = false;
        for (const auto& doc : parsed.documents)
            anyRule = anyRule || doc.rule();
        if (!anyRule && sigma::hasErrors(parsed.diagnostics)) {
            // Nothing to convert because the file does not read as a rule: say why.
            ++failed;
            if (json) {
                nlohmann::ordered_json j;
                j["rule_id"] = "";
                j["rule_file"] = file;
                j["target"] = sigma::conversion::targetName(*target);
                j["error"] = firstError(parsed.diagnostics);
                std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            } else {
                for (const auto& d : parsed.diagnostics)
                    if (d.severity == sigma::Severity::Error)
                        std::cerr << d.format() << '\n';
            }
            continue;
        }
        for (const auto& doc : parsed.documents) {
            const sigma::Rule* rule = doc.rule();
            if (!rule)
                continue;
            sigma::conversion::ConversionResult r =
                sigma::conversion::convertWithPipelines(*rule, *target, pipelines, options, file);
            // A rule that does not parse cleanly is not converted faithfully either.
            for (const auto& d : parsed.diagnostics)
                if (d.severity == sigma::Severity::Error && d.code != "io-error" &&
                    d.span.begin.line >= doc.span.begin.line &&
                    (d.span.begin.line <= doc.span.end.line || doc.span.end.line == 0))
                    r.diagnostics.insert(r.diagnostics.begin(), d);
            const bool ok = r.ok() && !sigma::hasErrors(r.diagnostics);
            ok ? ++converted : ++failed;
            if (json) {
                nlohmann::ordered_json j;
                j["rule_id"] = rule->id;
                j["rule_file"] = file;
                j["target"] = sigma::conversion::targetName(*target);
                if (ok)
                    j["query"] = r.query;
                else
                    j["error"] = firstError(r.diagnostics);
                std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            } else if (ok) {
                std::cout << "# " << rule->title << " [" << rule->id << "] " << file << '\n' << r.query << "\n\n";
            }
            for (const auto& d : r.diagnostics)
                if (!json || d.severity != sigma::Severity::Error)
                    std::cerr << d.format() << '\n';
        }
    }
    if (!json)
        std::cerr << converted << (converted == 1 ? " rule" : " rules") << " converted to "
                  << sigma::conversion::targetName(*target) << ", " << failed << " not convertible\n";
    if (ioError)
        return sigmawb::ExitUsage;
    return failed ? sigmawb::ExitFailure : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    25, "convert", "Convert rules to queries: Splunk SPL, ES|QL, EQL, Lucene, KQL or SQLite",
    [](CLI::App& sub) -> std::function<int()> {
        auto args = std::make_shared<ConvertArgs>();
        sub.add_option("--target,-t", args->target, "Query language: splunk, esql, eql, lucene, kusto or sqlite")
            ->required();
        sub.add_option(
               "--pipeline,-p", args->pipelines,
               "Processing pipeline applied before conversion: a built-in name (sysmon, ecs, splunk-cim, sentinel) "
               "or a pySigma YAML file "
               "(repeatable, applied by priority)")
            ->allow_extra_args(false);
        sub.add_option("--format", args->format, "Output format: text, or json (one object per rule and line)")
            ->check(CLI::IsMember({"text", "json"}));
        sub.add_option("--table", args->table,
                       "Table or index the query reads: SQLite table (default logs), KQL table (default none: "
                       "a bare where expression), ES|QL index pattern (default logs-*)");
        sub.add_option("--full-text-field", args->fullText,
                       "Column or field holding the whole event, for keyword searches in SQLite and ES|QL "
                       "(without it, rules with keywords cannot be converted to those targets)");
        sub.add_option("RULE_OR_DIR", args->paths, "Rule files or folders (recursive, *.yml and *.yaml)")->required();
        return [args] { return run(*args); };
    });

} // namespace
