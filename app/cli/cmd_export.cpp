// `sigmawb export RULE --to DIR|FILE.zip [--force] [--corpus DIR]... [--manifest FILE]
//  [--target T]... [--pipeline NAME|FILE]...`: the rule as written, its test manifest and events, its
// queries for the targets asked for (queries/), and REPORT.md (lint, tests, indicator noise, queries).
// Refused, with the reasons, while lint errors or failing tests remain, the rule has no tests or
// cannot be converted into a target asked for, unless --force.
// Exit 0 exported, 1 refused, 2 usage or I/O error.
#include "clisupport.h"
#include "command.h"

#include "conversion/conversion.h"
#include "conversion/pipeline.h"
#include "corpus/corpus.h"
#include "validation/export.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace {

struct Options {
    std::string rule;
    std::string to;
    bool force = false;
    std::vector<std::string> corpus;
    std::string manifest;
    bool printReport = false;
    std::vector<std::string> targets;
    std::vector<std::string> pipelines;
    bool allowOutsidePaths = false;
};

int run(const Options& o)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(o.rule, ec)) {
        std::cerr << o.rule << ": error: no such rule file\n";
        return sigmawb::ExitUsage;
    }
    if (!o.manifest.empty() && !std::filesystem::is_regular_file(o.manifest, ec)) {
        std::cerr << o.manifest << ": error: no such manifest\n";
        return sigmawb::ExitUsage;
    }
    for (const auto& t : o.targets)
        if (!sigma::conversion::parseTarget(t)) {
            std::cerr << "sigmawb export: unknown target '" << t << "' (splunk, esql, eql, lucene, kusto, sqlite)\n";
            return sigmawb::ExitUsage;
        }
    std::vector<sigma::conversion::Pipeline> pipelines;
    sigma::Diagnostics pipelineProblems;
    const bool pipelinesOk = sigma::conversion::loadPipelines(o.pipelines, pipelines, pipelineProblems);
    for (const auto& d : pipelineProblems)
        std::cerr << d.format() << '\n';
    if (!pipelinesOk)
        return sigmawb::ExitUsage;
    if (!o.pipelines.empty() && o.targets.empty()) {
        std::cerr << "sigmawb export: --pipeline needs a --target to convert to\n";
        return sigmawb::ExitUsage;
    }
    sigma::ExportOptions options;
    options.manifest = o.manifest;
    options.queryTargets = o.targets;
    options.queryPipelines = o.pipelines;
    options.manifestOptions.allowOutsidePaths = o.allowOutsidePaths;
    std::unique_ptr<sigma::Corpus> corpus;
    if (!o.corpus.empty()) {
        const auto roots = sigmawb::corpusRoots("export", o.corpus);
        if (!roots) {
            return sigmawb::ExitUsage;
        }
        corpus = std::make_unique<sigma::Corpus>(sigma::Corpus::load(*roots));
        std::cerr << "corpus: " << corpus->rules().size() << " rules loaded from " << roots->size() << " folder"
                  << (roots->size() == 1 ? "" : "s") << '\n';
        options.corpus = corpus.get();
    }

    const sigma::ExportPlan plan = sigma::planExport(o.rule, options);
    if (o.printReport)
        std::cout << plan.report << '\n';
    const sigma::ExportResult result = sigma::writeExport(plan, o.to, o.force);
    if (!result.refusals.empty()) {
        std::cerr << "sigmawb export: refused to export " << o.rule << ":\n";
        for (const auto& reason : result.refusals)
            std::cerr << "  - " << reason << '\n';
        std::cerr << "Fix these, or export anyway with --force.\n";
        return sigmawb::ExitFailure;
    }
    if (!result.written) {
        std::cerr << "sigmawb export: error: " << result.error << '\n';
        return sigmawb::ExitUsage;
    }
    if (result.forced) {
        std::cerr << "sigmawb export: warning: exported despite:\n";
        for (const auto& reason : plan.refusals)
            std::cerr << "  - " << reason << '\n';
    }
    std::cout << "exported " << o.rule << " to " << result.destination << ":\n";
    for (const auto& f : result.files)
        std::cout << "  " << f << '\n';
    return sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    70, "export", "Export a validated rule with its tests, events and a report (folder or .zip)",
    [](CLI::App& sub) -> std::function<int()> {
        auto o = std::make_shared<Options>();
        sub.add_option("rule", o->rule, "The rule file")->required();
        sub.add_option("--to", o->to, "Destination: a folder, or a file ending in .zip")
            ->required()
            ->type_name("DIR|FILE.zip");
        sub.add_flag("--force", o->force, "Export even with lint errors, failing tests or no tests");
        sub.add_option("--corpus", o->corpus,
                       "A rule corpus for the corpus-reach column of the noise table; repeat for several folders")
            ->type_name("DIR")
            ->expected(1)
            ->allow_extra_args(false)
            ->take_all();
        sub.add_option("--manifest", o->manifest, "Use this manifest instead of the rule's own")->type_name("FILE");
        sub.add_flag("--report", o->printReport, "Print REPORT.md on standard output as well");
        sub.add_option("--target,-t", o->targets,
                       "Include the rule as a query of this target (splunk, esql, eql, lucene, kusto, sqlite); "
                       "repeat for several")
            ->type_name("TARGET")
            ->expected(1)
            ->allow_extra_args(false)
            ->take_all();
        sub.add_option("--pipeline,-p", o->pipelines,
                       "Processing pipeline for the queries: a built-in name (sysmon, ecs, splunk-cim, sentinel) or a "
                       "pySigma YAML file; repeat for several (applied by priority)")
            ->type_name("NAME|FILE")
            ->expected(1)
            ->allow_extra_args(false)
            ->take_all();
        sub.add_flag("--allow-outside-paths", o->allowOutsidePaths,
                     "Let the manifest name files outside its workspace (refused by default)");
        sub.footer("Exit codes: 0 exported, 1 refused (reasons on stderr), 2 usage or I/O error.");
        return [o] { return run(*o); };
    });

} // namespace
