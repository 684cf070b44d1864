// Parsing + linting the whole SigmaHQ snapshot (../shared/corpus/sigmahq/rules*/), one core.
// Prints figures: files, bytes, time to read, to tokenize with yaml-cpp alone (the floor), to parse
// into the model, to lint each file and to check the set; best of several runs.
#include "benchutil.h"

#include "rule/lint.h"
#include "rule/parser.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct NullHandler : YAML::EventHandler {
    std::size_t events = 0;
    void OnDocumentStart(const YAML::Mark&) override { ++events; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { ++events; }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        ++events;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        ++events;
    }
    void OnMapEnd() override {}
};

} // namespace

int main(int argc, char** argv)
{
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const fs::path shared = sigmabench::sharedDir();
    if (shared.empty()) {
        std::printf("bench_parse_lint: the reference corpus ../shared is not here; nothing to measure\n");
        return 0;
    }
    std::vector<std::pair<std::string, std::string>> files; // path, text
    std::size_t bytes = 0;
    sigmabench::Stopwatch readTimer;
    for (const auto& dir : fs::directory_iterator(shared / "corpus" / "sigmahq")) {
        if (!dir.is_directory() || dir.path().filename().string().rfind("rules", 0) != 0)
            continue;
        for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
            if (!e.is_regular_file() || e.path().extension() != ".yml")
                continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::ostringstream ss;
            ss << in.rdbuf();
            files.emplace_back(e.path().string(), ss.str());
            bytes += files.back().second.size();
        }
    }
    const double readMs = readTimer.ms();
    std::sort(files.begin(), files.end());
    std::printf("SigmaHQ snapshot: %zu files, %.2f MiB (read in %.0f ms)\n", files.size(), bytes / 1048576.0, readMs);

    double bestYaml = 1e18, bestParse = 1e18, bestLint = 1e18, bestSet = 1e18;
    std::size_t errors = 0, warnings = 0, events = 0;
    for (int run = 0; run < runs; ++run) {
        sigmabench::Stopwatch t;
        NullHandler handler;
        for (const auto& [path, text] : files) {
            std::istringstream in(text);
            YAML::Parser p(in);
            while (p.HandleNextDocument(handler)) {
            }
        }
        bestYaml = std::min(bestYaml, t.ms());
        events = handler.events;

        t.restart();
        std::vector<sigma::ParsedFile> parsed;
        parsed.reserve(files.size());
        for (const auto& [path, text] : files)
            parsed.push_back(sigma::parseRuleText(text, path));
        bestParse = std::min(bestParse, t.ms());

        t.restart();
        errors = warnings = 0;
        for (const auto& p : parsed)
            for (const auto& d : sigma::lintFile(p)) {
                errors += d.severity == sigma::Severity::Error;
                warnings += d.severity == sigma::Severity::Warning;
            }
        bestLint = std::min(bestLint, t.ms());

        t.restart();
        std::vector<const sigma::ParsedFile*> set;
        for (const auto& p : parsed)
            set.push_back(&p);
        const auto dup = sigma::lintSet(set);
        errors +=
            std::count_if(dup.begin(), dup.end(), [](const auto& d) { return d.severity == sigma::Severity::Error; });
        bestSet = std::min(bestSet, t.ms());
    }
    const double total = bestParse + bestLint + bestSet;
    std::printf("best of %d runs, one thread:\n", runs);
    std::printf("  yaml-cpp events only (floor)  %8.1f ms  (%zu events, %.1f MiB/s)\n", bestYaml, events,
                bytes / 1048576.0 / (bestYaml / 1000));
    std::printf("  parse into the model          %8.1f ms  (%.1f MiB/s, %.1f us/file)\n", bestParse,
                bytes / 1048576.0 / (bestParse / 1000), bestParse * 1000 / files.size());
    std::printf("  lint each file                %8.1f ms\n", bestLint);
    std::printf("  duplicate ids/titles (set)    %8.1f ms\n", bestSet);
    std::printf("  parse + lint total            %8.1f ms  (%zu errors, %zu warnings)\n", total, errors, warnings);
    return 0;
}
