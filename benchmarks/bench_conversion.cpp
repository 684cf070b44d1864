// Conversion of a whole rule folder (default: SigmaHQ's Windows rules in ../shared) to each target:
// rules parsed once (not measured), then lowering + writing the query per target, rules/s, and the
// time of lowering once and writing all six targets (what a workbench pane showing every target does).
//   bench_conversion [RULES_DIR] [--repeat N]
#include "benchutil.h"

#include "conversion/conversion.h"
#include "engine/loader.h"
#include "rule/parser.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace sigma;

int main(int argc, char** argv)
{
    const sigmabench::LoadArgs args = sigmabench::loadArgs(argc, argv);
    std::string dir = args.paths.empty() ? std::string() : args.paths.front().string();
    if (dir.empty()) {
        const auto shared = sigmabench::sharedDir();
        if (shared.empty()) {
            std::printf("bench_conversion: the reference corpus (../shared) is not here; pass a rules folder\n");
            return 0;
        }
        dir = (shared / "corpus/sigmahq/rules/windows").string();
    }
    Diagnostics ignored;
    std::vector<ParsedFile> files;
    for (const auto& f : collectRuleFiles({dir}, ignored))
        files.push_back(parseRuleFile(f));
    std::vector<std::pair<const Rule*, const std::string*>> rules;
    for (const auto& f : files)
        for (const auto& d : f.documents)
            if (const Rule* r = d.rule())
                rules.emplace_back(r, &f.file);
    std::printf("rules            %s: %zu rules in %zu files\n", dir.c_str(), rules.size(), files.size());

    for (const conversion::Target target : conversion::allTargets()) {
        std::size_t converted = 0, bytes = 0;
        const auto t = sigmabench::timeRuns(
            args.repeat, [&] { converted = bytes = 0; },
            [&] {
                for (const auto& [rule, file] : rules) {
                    const auto r = conversion::convert(*rule, target, {}, *file);
                    converted += r.ok();
                    bytes += r.query.size();
                }
            });
        const double wall = t.wallMs.front(), cpu = t.cpuMs.front();
        const double n = static_cast<double>(rules.size());
        std::printf("%-16s best %.1f ms wall = %.0f rules/s (CPU %.1f ms = %.0f rules/s; median wall %.1f ms); %zu "
                    "converted, %zu not convertible, %.1f KiB of queries\n",
                    conversion::targetName(target), wall, wall > 0 ? 1000.0 * n / wall : 0.0, cpu,
                    cpu > 0 ? 1000.0 * n / cpu : 0.0, t.wallMs[t.wallMs.size() / 2], converted,
                    rules.size() - converted, static_cast<double>(bytes) / 1024.0);
    }

    // Lower once, write every target.
    std::size_t queries = 0;
    const auto all = sigmabench::timeRuns(
        args.repeat, [&] { queries = 0; },
        [&] {
            for (const auto& [rule, file] : rules) {
                const auto lowered = conversion::lower(*rule, {}, *file);
                if (!lowered.root)
                    continue;
                for (const conversion::Target target : conversion::allTargets())
                    queries += conversion::convertLowered(*lowered.root, target, {}, *file).ok();
            }
        });
    std::printf("all six targets  best %.1f ms (CPU %.1f ms) for %zu queries = %.0f rules/s (six queries each)\n",
                all.wallMs.front(), all.cpuMs.front(), queries,
                all.cpuMs.front() > 0 ? 1000.0 * static_cast<double>(rules.size()) / all.cpuMs.front() : 0.0);
    return 0;
}
