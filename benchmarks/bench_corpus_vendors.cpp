// Load + index of the three reference corpora in one corpus (SigmaHQ rules, Elastic detection
// rules, Splunk detections; default: those in ../shared), then the share of the time each vendor's
// files take on one thread, queries read per language, and multi-vendor indicator rows.
//   bench_corpus_vendors [ROOT...] [--threads N] [--repeat N]
#include "benchutil.h"

#include "corpus/corpus.h"
#include "corpus/vendorrule.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using sigmabench::cpuMs;

int main(int argc, char** argv)
{
    const sigmabench::LoadArgs args = sigmabench::loadArgs(argc, argv);
    std::vector<std::filesystem::path> roots = args.paths;
    if (roots.empty()) {
        const auto shared = sigmabench::sharedDir();
        if (shared.empty()) {
            std::printf("bench_corpus_vendors: the reference corpus (../shared) is not here; pass rule folders\n");
            return 0;
        }
        roots = {shared / "corpus/sigmahq/rules", shared / "corpus/elastic", shared / "corpus/splunk/detections"};
    }

    sigma::LoadOptions options;
    options.threads = args.threads;
    sigma::Corpus corpus;
    const sigmabench::Timings times = sigmabench::timeRuns(
        args.repeat, [&] { corpus = sigma::Corpus(); }, // free the previous one outside the measurement
        [&] { corpus = sigma::Corpus::load(roots, options); });

    std::map<std::string, std::size_t> rulesByVendor, indicatorsByVendor;
    std::map<std::string, std::pair<std::size_t, std::size_t>> queries; // read, total
    for (const auto& r : corpus.rules()) {
        ++rulesByVendor[r.vendor];
        indicatorsByVendor[r.vendor] += r.indicators.size();
        if (r.vendorRule && r.vendorRule->hasQuery) {
            auto& q = queries[r.vendor + " " + r.language];
            ++q.second;
            q.first += r.queryAnalysed;
        }
    }
    for (const auto& root : roots)
        std::printf("corpus           %s\n", root.string().c_str());
    std::printf("files            %zu (%zu rules, %zu not rules or deprecated, %zu left out with errors)\n",
                corpus.filesScanned(), corpus.rules().size(), corpus.filesSkipped(), corpus.brokenFiles().size());
    for (const auto& [vendor, n] : rulesByVendor)
        std::printf("  %-14s %zu rules, %zu indicators\n", vendor.c_str(), n, indicatorsByVendor[vendor]);
    for (const auto& [what, q] : queries)
        std::printf("  queries read   %-14s %zu of %zu\n", what.c_str(), q.first, q.second);
    sigmabench::printLoadTimes(times, args);

    // Rows that rules of more than one vendor share.
    std::size_t shared = 0, three = 0;
    std::set<std::string> seen;
    for (const auto& r : corpus.rules())
        for (const auto& ind : r.indicators) {
            const std::string key = ind.key();
            if (!seen.insert(key).second)
                continue;
            const auto* stats = corpus.indicatorStats(key);
            std::set<std::string> vendors;
            for (auto i : stats->rules)
                vendors.insert(corpus.rules()[i].vendor);
            shared += vendors.size() > 1;
            three += vendors.size() > 2;
        }
    std::printf("indicator rows   %zu distinct, %zu used by two vendors or more, %zu by all three\n",
                corpus.distinctIndicators(), shared, three);

    // Each vendor's share on one thread.
    for (const auto& root : roots) {
        sigma::LoadOptions one;
        one.threads = 1;
        const double cpu0 = cpuMs();
        sigmabench::Stopwatch sw;
        const sigma::Corpus c = sigma::Corpus::load(root, one);
        std::printf("one thread       %-40s %zu rules in %.1f ms (CPU %.1f ms)\n", root.filename().string().c_str(),
                    c.rules().size(), sw.ms(), cpuMs() - cpu0);
    }
    return corpus.rules().empty() ? 1 : 0;
}
