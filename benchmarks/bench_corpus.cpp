// Load + index of a whole rule corpus (default: the SigmaHQ snapshot in ../shared), then the
// cost of a technique page, corpus reach look-ups and the Navigator layer.
//   bench_corpus [RULES_DIR] [--threads N] [--repeat N]
#include "benchutil.h"

#include "corpus/corpus.h"
#include "corpus/report.h"
#include "corpus/technique.h"
#include "rule/parser.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using sigmabench::cpuMs;

int main(int argc, char** argv)
{
    const sigmabench::LoadArgs args = sigmabench::loadArgs(argc, argv);
    std::filesystem::path dir = args.paths.empty() ? std::filesystem::path() : args.paths.front();
    if (dir.empty()) {
        const auto shared = sigmabench::sharedDir();
        if (shared.empty()) {
            std::printf("bench_corpus: the reference corpus (../shared) is not here; pass a rules folder\n");
            return 0;
        }
        dir = shared / "corpus/sigmahq/rules";
    }

    sigma::LoadOptions options;
    options.threads = args.threads;
    sigma::Corpus corpus;
    const sigmabench::Timings times = sigmabench::timeRuns(
        args.repeat, [&] { corpus = sigma::Corpus(); }, // free the previous one outside the measurement
        [&] { corpus = sigma::Corpus::load(dir, options); });
    std::size_t indicators = 0;
    for (const auto& rule : corpus.rules())
        indicators += rule.indicators.size();
    std::printf("corpus           %s\n", dir.string().c_str());
    std::printf("files            %zu (%zu rules, %zu left out with errors)\n", corpus.filesScanned(),
                corpus.rules().size(), corpus.brokenFiles().size());
    std::printf("indicators       %zu (%zu distinct), %zu techniques\n", indicators, corpus.distinctIndicators(),
                corpus.techniqueCounts().size());
    sigmabench::printLoadTimes(times, args);

    // Where the time goes: parsing alone (one thread), then extraction and indexing.
    std::vector<std::string> files;
    for (const auto& r : corpus.rules())
        files.push_back(r.file);
    const double parseCpu0 = cpuMs();
    sigmabench::Stopwatch sw;
    for (const auto& f : files)
        (void)sigma::parseRuleFile(f);
    const double parseMs = sw.ms();
    const double parseCpu = cpuMs() - parseCpu0;
    std::printf("parse only       %.1f ms on one thread, CPU %.1f ms (%.1f us per file)\n", parseMs, parseCpu,
                parseCpu * 1000.0 / static_cast<double>(std::max<std::size_t>(files.size(), 1)));

    sw.restart();
    std::size_t pages = 0, rows = 0;
    for (const auto& [id, n] : corpus.techniqueCounts()) {
        rows += sigma::buildTechniquePage(corpus, id).indicators.size();
        ++pages;
    }
    std::printf("technique pages  %zu pages (%zu indicator rows) in %.1f ms\n", pages, rows, sw.ms());

    sw.restart();
    std::size_t reachSum = 0, lookups = 0;
    for (const auto& rule : corpus.rules())
        for (const auto& ind : rule.indicators) {
            reachSum += corpus.reach(ind);
            ++lookups;
        }
    std::printf("corpus reach     %zu look-ups in %.1f ms (%.2f us each)\n", lookups, sw.ms(),
                lookups ? sw.ms() * 1000.0 / static_cast<double>(lookups) : 0.0);

    sw.restart();
    const std::string layer = sigma::navigatorLayerJson(corpus);
    std::printf("navigator layer  %zu bytes in %.1f ms\n", layer.size(), sw.ms());
    return reachSum ? 0 : 1;
}
