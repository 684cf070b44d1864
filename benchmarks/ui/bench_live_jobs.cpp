// The live job alone, headless, for instruction counts (issue 13's "no regression"): JOBS live jobs
// (sigmaui::LiveEvaluator::run, as the workbench's editor runs them) over EVENTS generated events
// (bench_ui_latency's events and rule), each after the previous one's result (an edit), or each
// without it ("cold"). Count every thread, without --toggle-collect (the job spreads its events
// over threads, differently from one version and one run to another), and subtract the same run
// with JOBS = 0 (the events' generation):
//
//   valgrind --tool=callgrind bench_live_jobs 20000 0
//   valgrind --tool=callgrind bench_live_jobs 20000 10 [cold]
//   (split DWARF: run it on a copy made with objcopy --strip-debug; valgrind 3.19 cannot read it)
//
// Prints the wall time per job too (indicative only).
#include "livebench.h"
#include "liveevaluator.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace sigmaui;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
    const int jobs = argc > 2 ? std::atoi(argv[2]) : 10;
    const bool cold = argc > 3 && std::string(argv[3]) == "cold";
    const EventListPtr events = sigmabench::makeLiveEvents(count);
    const QString rule = QString::fromUtf8(sigmabench::LiveRule);
    auto requestFor = [&](int i, EvaluationPtr previous) {
        return sigmabench::liveEditRequest(i, rule, events, std::move(previous));
    };
    EvaluationPtr previous;
    std::size_t matches = 0;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < jobs; ++i) {
        const EvaluationPtr r = LiveEvaluator::run(requestFor(i, cold ? nullptr : previous));
        if (!r || !r->ok()) {
            std::fprintf(stderr, "bench_live_jobs: the rule does not compile\n");
            return 2;
        }
        previous = r;
        matches += r->matches;
    }
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    std::printf("bench_live_jobs: %zu events, %d %s jobs, %.2f ms per job (wall), %zu matches in all\n", events->size(),
                jobs, cold ? "cold" : "edit", jobs ? ms / jobs : 0.0, matches);
    return 0;
}
