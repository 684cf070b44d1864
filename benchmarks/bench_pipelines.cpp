// Processing pipelines over the SigmaHQ Windows rules (or the folder given): each built-in pipeline
// (and sysmon + ecs) applied to every rule, parsed once beforehand. Prints rules/s and µs per rule
// (CPU time, one thread), and how many rules each pipeline changed.
//
//   bench_pipelines [RULES_DIR] [--repeat N]   (default ../shared/corpus/sigmahq/rules/windows, 5)
#include "benchutil.h"

#include "conversion/pipeline.h"
#include "rule/parser.h"

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv)
{
    std::filesystem::path dir;
    int repeat = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else
            dir = argv[i];
    }
    if (dir.empty()) {
        const auto shared = sigmabench::sharedDir();
        if (shared.empty()) {
            std::printf("bench_pipelines: no ../shared corpus and no folder given; skipped\n");
            return 0;
        }
        dir = shared / "corpus/sigmahq/rules/windows";
    }
    std::vector<sigma::Rule> rules;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".yml") {
            const sigma::ParsedFile parsed = sigma::parseRuleFile(e.path().string());
            if (const sigma::Rule* r = parsed.firstRule())
                rules.push_back(*r);
        }
    std::printf("%zu rules from %s, %d repetitions\n", rules.size(), dir.string().c_str(), repeat);
    std::vector<std::vector<std::string>> sets;
    for (const auto& name : sigma::conversion::builtinPipelineNames())
        sets.push_back({name});
    sets.push_back({"sysmon", "ecs"});
    for (const auto& set : sets) {
        std::vector<sigma::conversion::Pipeline> pipelines;
        sigma::Diagnostics diags;
        if (!sigma::conversion::loadPipelines(set, pipelines, diags)) {
            std::printf("cannot load %s\n", set.front().c_str());
            return 1;
        }
        std::size_t changed = 0, errors = 0;
        const double cpu0 = sigmabench::cpuMs();
        for (int rep = 0; rep < repeat; ++rep)
            for (const auto& rule : rules) {
                const auto r = sigma::conversion::applyPipelines(rule, pipelines);
                if (rep == 0) {
                    changed += !r.applied.empty();
                    errors += !r.ok();
                }
            }
        const double ms = (sigmabench::cpuMs() - cpu0) / repeat;
        std::string name;
        for (const auto& s : set)
            name += (name.empty() ? "" : " + ") + s;
        std::printf("%-14s %8.1f ms  %9.0f rules/s  %6.1f us/rule  changed %zu, errors %zu\n", name.c_str(), ms,
                    rules.size() / (ms / 1000.0), ms * 1000.0 / double(rules.size()), changed, errors);
    }
    return 0;
}
