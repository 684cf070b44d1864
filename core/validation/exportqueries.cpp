// The queries of an export: the rule converted into each target the user picked, after the chosen
// processing pipelines (issue 16), written as files beside the rule and shown in the report.
#include "validation/exportqueries.h"

#include "conversion/conversion.h"
#include "conversion/pipeline.h"

namespace sigma {
namespace {

const char* extensionOf(conversion::Target target)
{
    switch (target) {
    case conversion::Target::Splunk:
        return "spl";
    case conversion::Target::Esql:
        return "esql";
    case conversion::Target::Eql:
        return "eql";
    case conversion::Target::Lucene:
        return "lucene";
    case conversion::Target::Kusto:
        return "kql";
    case conversion::Target::Sqlite:
        return "sql";
    }
    return "txt";
}

std::string firstError(const Diagnostics& diagnostics)
{
    for (const auto& d : diagnostics)
        if (d.severity == Severity::Error)
            return d.format();
    return "no query";
}

} // namespace

void planQueries(ExportPlan& plan, const Rule* rule, const std::string& stem, const ExportOptions& options)
{
    if (options.queryTargets.empty())
        return;
    std::vector<conversion::Pipeline> pipelines;
    Diagnostics pipelineProblems;
    if (!conversion::loadPipelines(options.queryPipelines, pipelines, pipelineProblems)) {
        for (auto& d : pipelineProblems)
            if (d.severity == Severity::Error)
                plan.diagnostics.push_back(d);
        return;
    }
    for (const auto& p : options.queryPipelines)
        plan.queryPipelines += (plan.queryPipelines.empty() ? "" : ", ") + p;
    conversion::ConversionOptions convertOptions;
    if (!pipelines.empty())
        convertOptions.pipelineHook = conversion::makePipelineHook(std::move(pipelines));
    for (const auto& name : options.queryTargets) {
        const auto target = conversion::parseTarget(name);
        if (!target) {
            plan.diagnostics.push_back(makeDiagnostic(
                Severity::Error, "unknown-target",
                "unknown query target '" + name + "' (splunk, esql, eql, lucene, kusto, sqlite)", plan.rulePath));
            continue;
        }
        ExportedQuery q;
        q.target = conversion::targetName(*target);
        if (!rule) {
            q.error = "the rule could not be parsed";
        } else {
            conversion::ConversionResult r = conversion::convert(*rule, *target, convertOptions, plan.rulePath);
            for (auto& d : r.diagnostics)
                if (d.file.empty())
                    d.file = plan.rulePath;
            if (r.ok()) {
                q.query = r.query;
                q.file = "queries/" + stem + "." + extensionOf(*target);
                plan.files.push_back({q.file, r.query + "\n"});
            } else {
                q.error = firstError(r.diagnostics);
                plan.refusals.push_back("the rule cannot be converted to " + q.target + " faithfully: " + q.error);
            }
        }
        plan.queries.push_back(std::move(q));
    }
}

void appendQueriesReport(const ExportPlan& plan, std::ostream& r)
{
    if (plan.queries.empty())
        return;
    r << "\n## Queries\n\n";
    r << "Converted by sigmawb "
      << (plan.queryPipelines.empty() ? "without a pipeline (field names as written)"
                                      : "after the pipelines " + plan.queryPipelines)
      << ".\n";
    for (const auto& q : plan.queries) {
        r << "\n### " << q.target << "\n\n";
        if (!q.error.empty()) {
            r << "Not convertible: " << q.error << "\n";
            continue;
        }
        r << "`" << q.file << "`:\n\n```\n" << q.query << "\n```\n";
    }
}

} // namespace sigma
