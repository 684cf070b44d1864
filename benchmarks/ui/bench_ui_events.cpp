// Memory of the events the workbench keeps loaded (issue 18: 1M events in < 1 GiB RSS): the shared
// .evtx files loaded again and again through the workbench's own loader (EventLoader::run, as
// File > Load Events does: one load, every path read as given) until EVENTS events are loaded, then
// shown in the events table's model. Prints the resident memory before and after, per event, and
// what 1M events take.
//
//   bench_ui_events [EVENTS]   (default 1000000)
#include "benchutil.h"

#include "eventloader.h"
#include "eventsmodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace sigmaui;

namespace {
long statusKb(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.rfind(prefix, 0) == 0)
            return std::atol(line.c_str() + prefix.size());
    return 0;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const std::size_t wanted = argc > 1 ? std::max<std::size_t>(1, std::strtoull(argv[1], nullptr, 10)) : 1000000;
    const std::filesystem::path shared = sigmabench::sharedDir();
    if (shared.empty()) {
        std::printf("bench_ui_events: the reference corpus (../shared) is not here; nothing measured\n");
        return 0;
    }
    QStringList files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(shared / "corpus" / "events"))
        if (entry.is_regular_file() && entry.path().extension() == ".evtx")
            files.append(QString::fromStdString(entry.path().string()));
    files.sort();
    const std::size_t perCopy = EventLoader::run(files, {}, nullptr, {})->added;
    if (perCopy == 0)
        return 1;
    QStringList paths;
    const std::size_t copies = (wanted + perCopy - 1) / perCopy;
    for (std::size_t c = 0; c < copies; ++c)
        paths += files;
    malloc_trim(0);
    const long rssBefore = statusKb("VmRSS");
    const std::size_t heapBefore = mallinfo2().uordblks;

    QElapsedTimer timer;
    timer.start();
    const EventLoadResultPtr result = EventLoader::run(paths, {}, nullptr, {});
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    EventsModel model;
    model.setEvents(result->events);
    model.setVerdicts(std::vector<Verdict>(result->events->size(), Verdict::NoMatch), false);

    const std::size_t n = result->events->size();
    const long rss = statusKb("VmRSS");
    const double heap = double(mallinfo2().uordblks - heapBefore);
    const double perEvent = double(rss - rssBefore) * 1024.0 / double(n);
    std::printf("%zu events (%zu files x %zu) loaded in %.1f s wall (%.0f events/s); model rows %d\n", n,
                std::size_t(files.size()), copies, seconds, double(n) / seconds, model.rowCount());
    std::printf("  RSS %.0f MiB before, %.0f MiB after (peak %.0f MiB): %.0f bytes/event; heap %.0f bytes/event\n",
                rssBefore / 1024.0, rss / 1024.0, statusKb("VmHWM") / 1024.0, perEvent, heap / double(n));
    std::printf("  1M events: %.0f MiB of events, %.0f MiB RSS with this process' %.0f MiB before loading\n",
                perEvent * 1e6 / 1048576.0, (perEvent * 1e6 / 1024.0 + double(rssBefore)) / 1024.0, rssBefore / 1024.0);

    // File > Load Events again, onto what is loaded: the loaded events are shared, not copied, so
    // the peak grows by the new events only.
    const long peakBefore = statusKb("VmHWM");
    timer.restart();
    const EventLoadResultPtr more = EventLoader::run(files, result->events, nullptr, {});
    model.setEvents(more->events);
    std::printf("  loading %zu more events onto them: %.2f s wall, RSS %.0f -> %.0f MiB, peak %.0f -> %.0f MiB\n",
                more->added, double(timer.nsecsElapsed()) / 1e9, rss / 1024.0, statusKb("VmRSS") / 1024.0,
                peakBefore / 1024.0, statusKb("VmHWM") / 1024.0);
    return 0;
}
