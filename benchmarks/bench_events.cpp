// Event reading speed and memory: JSON Lines (500k generated flat lines, no corpus needed;
// `bench_events json [LINES [BLOCK]]` runs only that, `evtx [ROUNDS]` the decoders, `memory [COPIES]` the memory per
// event, `log`/`decode` one large log on one thread); every .evtx of the reference corpus decoded by our decoder and by
// libevtx (in this process, one thread each; evtxbench.h), a >= 200 MB log of repeated real chunks, our reader against
// libevtx's own `evtxexport` (same files, output to /dev/null), plus memory per event kept. Prints figures; run
// directly or with `ctest -C bench -L bench`. Arguments: [rounds] [copies kept] [large log MiB].
#include "benchutil.h"
#include "evtxbench.h"

#include "events/reader.h"

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> evtxFiles(const std::filesystem::path& dir)
{
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".evtx")
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string shellQuote(const std::string& s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// CPU seconds (user + system) of this process or of its finished children: robust against a
/// loaded machine, unlike wall time.
double cpuSeconds(int who)
{
    rusage u{};
    getrusage(who, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::size_t heapInUse()
{
    return mallinfo2().uordblks;
}

/// One flat JSON line of the NXLog / Security-Datasets shape (Sysmon 1, 22 keys, ~750 bytes),
/// varied by `i` so that values are not all the same.
std::string flatJsonLine(std::size_t i)
{
    static const char* const images[] = {"C:\\\\Windows\\\\System32\\\\whoami.exe",
                                         "C:\\\\Windows\\\\System32\\\\cmd.exe",
                                         "C:\\\\Program Files\\\\Git\\\\bin\\\\git.exe"};
    const std::string n = std::to_string(i);
    std::string line = "{\"@timestamp\":\"2024-03-05T10:20:01.073Z\",\"EventTime\":\"2024-03-05 05:20:01\","
                       "\"Hostname\":\"ws01.example.test\",\"Keywords\":-9223372036854775808,\"EventType\":\"INFO\","
                       "\"SeverityValue\":2,\"Severity\":\"INFO\",\"EventID\":1,\"SourceName\":\"Microsoft-Windows-"
                       "Sysmon\",\"ProviderGuid\":\"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}\",\"Version\":5,\"Task\":1,"
                       "\"OpcodeValue\":0,\"RecordNumber\":";
    line += n;
    line += ",\"ProcessID\":3012,\"ThreadID\":4888,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
            "\"UtcTime\":\"2024-03-05 10:20:01.070\",\"ProcessGuid\":\"{a1b2c3d4-0001-0000-0000-";
    line += std::string(12 - std::min<std::size_t>(12, n.size()), '0') + n;
    line += "}\",\"ProcessId\":\"" + std::to_string(1000 + i % 60000) + "\",\"Image\":\"" + images[i % 3] +
            "\",\"CommandLine\":\"" + images[i % 3] + " /c task " + n +
            "\",\"CurrentDirectory\":\"C:\\\\Users\\\\alice\\\\\",\"User\":\"EXAMPLE\\\\alice\","
            "\"IntegrityLevel\":\"Medium\",\"Hashes\":\"SHA256=9F1E4ECB3A02E8D7C6B5A49382716050F4E3D2C1B0A9"
            "8776655443322110FFEE\"}\n";
    return line;
}

/// JSON Lines reading speed (issue 18: >= 300k lines/s per core): `lines` generated flat lines
/// read in blocks of `block` lines (the events of a block are dropped before the next, as a
/// streaming reader would), CPU time of this thread, best of `rounds`.
void jsonLinesFigure(std::size_t lines, std::size_t block, int rounds)
{
    std::vector<std::string> texts;
    std::size_t bytes = 0;
    for (std::size_t first = 0; first < lines; first += block) {
        std::string text;
        for (std::size_t i = first; i < std::min(lines, first + block); ++i)
            text += flatJsonLine(i);
        bytes += text.size();
        texts.push_back(std::move(text));
    }
    double best = 1e9, bestWithFree = 1e9;
    std::size_t events = 0;
    for (int r = 0; r < rounds; ++r) {
        std::size_t n = 0;
        double reading = 0;
        const double start = cpuSeconds(RUSAGE_THREAD);
        for (const auto& text : texts) {
            const double before = cpuSeconds(RUSAGE_THREAD);
            const sigma::ReadResult result = sigma::readEventsText(text, "generated.jsonl");
            reading += cpuSeconds(RUSAGE_THREAD) - before;
            n += result.events.size();
        } // the block's events are freed here: counted in "with freeing" only
        best = std::min(best, reading);
        bestWithFree = std::min(bestWithFree, cpuSeconds(RUSAGE_THREAD) - start);
        events = n;
    }
    std::printf("JSON Lines: %zu generated flat lines (%.0f MB, blocks of %zu), %zu events\n", lines,
                double(bytes) / 1e6, block, events);
    std::printf("  sigma reader         %8.3f s CPU  %10.0f lines/s per core  %6.0f MB/s  (best of %d)\n", best,
                double(lines) / best, double(bytes) / 1e6 / best, rounds);
    std::printf("  with freeing events  %8.3f s CPU  %10.0f lines/s per core\n", bestWithFree,
                double(lines) / bestWithFree);
}

/// Memory per event kept: every file read `copies` times, all events kept (the workbench's case; it
/// keeps no XML for .evtx events since issue 18, `keepXml` measures what keeping it cost), the values
/// repeated within each file stored once (shareRepeatedValues(), as the workbench does) unless `!share`.
void keptMemoryFigure(const std::vector<std::string>& files, int copies, bool keepXml, bool share)
{
    sigma::ReadOptions options;
    options.keepOriginalXml = keepXml;
    const std::size_t heapBefore = heapInUse();
    std::vector<sigma::ReadResult> kept;
    std::size_t keptEvents = 0;
    sigmabench::Stopwatch watch;
    for (int c = 0; c < copies; ++c)
        for (const auto& f : files) {
            kept.push_back(sigma::readEventsFile(f, options));
            if (share)
                sigma::shareRepeatedValues(kept.back().events);
            keptEvents += kept.back().events.size();
        }
    const double secs = watch.seconds();
    const std::size_t heap = heapInUse() - heapBefore;
    std::printf("kept%s%s: %zu events in %.2f s; heap %.1f MiB = %.0f bytes/event = %.0f MiB per million events; "
                "peak RSS %.1f MiB\n",
                keepXml ? " with their XML" : "", share ? ", repeated values shared" : "", keptEvents, secs,
                heap / 1048576.0, double(heap) / double(keptEvents),
                double(heap) / double(keptEvents) * 1e6 / 1048576.0, sigmabench::peakRssKb() / 1024.0);
    // Where it goes (per event): the Event itself, the field array (used and spare slots) and the value text.
    double fields = 0, spare = 0, text = 0, textSpare = 0, sharedText = 0;
    const std::string* lastShared = nullptr;
    for (const auto& r : kept)
        for (const auto& e : r.events) {
            if (e.sharedText() && e.sharedText().get() != lastShared) { // the events of a block are adjacent
                lastShared = e.sharedText().get();
                sharedText += double(lastShared->capacity());
            }
            fields += double(e.fields.size());
            spare += double(e.fields.capacity() - e.fields.size());
            text += double(e.textSize());
            textSpare += double(e.textCapacity() - e.textSize());
        }
    const double n = double(keptEvents);
    std::printf("  per event: Event %zu bytes, %.1f fields (%zu bytes each), %.1f spare slots, value text %.0f bytes "
                "(+%.0f spare), shared values %.0f\n",
                sizeof(sigma::Event), fields / n, sizeof(sigma::EventField), spare / n, text / n, textSpare / n,
                sharedText / n);
}

} // namespace

int main(int argc, char** argv)
{
    // `bench_events json [LINES [BLOCK]]`: the JSON Lines figure only.
    if (argc > 1 && std::string(argv[1]) == "json") {
        const std::size_t lines = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 500000;
        const std::size_t block = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 50000;
        jsonLinesFigure(std::max<std::size_t>(1, lines), std::max<std::size_t>(1, block), 3);
        return 0;
    }
    if (argc > 2 && std::string(argv[1]) == "decode") {
        sigma::evtx::setDecoderThreads(1);
        const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
        evtxbench::Timing best{0, 1e9, 1e9};
        for (int r = 0; r < rounds; ++r) {
            const auto t = evtxbench::decodeTimed(sigma::detail::EvtxDecoder::Own, argv[2]);
            if (t.cpu < best.cpu)
                best = t;
        }
        std::printf("decoded %zu records in %.3f s CPU (best of %d): %.0f records/s per core\n", best.records, best.cpu,
                    rounds, double(best.records) / best.cpu);
        return 0;
    }
    const std::filesystem::path shared = sigmabench::sharedDir();
    if (shared.empty()) {
        std::cout << "bench_events: the reference corpus (../shared) is not here; nothing measured\n";
        return 0;
    }
    const auto files = evtxFiles(shared / "corpus" / "events");
    // `bench_events evtx [ROUNDS]`: the per-file decoder comparison only (records/s per core by kind);
    // `bench_events memory [COPIES]`: memory per event kept only.
    const std::string only = argc > 1 ? argv[1] : "";
    if (only == "evtx") {
        evtxbench::compareDecoders(files, argc > 2 ? std::max(1, std::atoi(argv[2])) : 3);
        return 0;
    }
    // `bench_events log KIND MIB PATH`: writes a log of the valid chunks of the files of one kind (Security,
    // Sysmon, other, all) repeated to MIB MiB; `bench_events decode PATH [ROUNDS]`: decodes it on one thread, CPU
    // time (for a profiler or callgrind: the instruction count is stable on a loaded machine, CPU time is not).
    if (only == "log" && argc > 4) {
        std::vector<std::string> kind;
        for (const auto& f : files) {
            std::string channel;
            evtxbench::decodeTimed(sigma::detail::EvtxDecoder::Own, f, &channel);
            if (std::string(argv[2]) == "all" || evtxbench::kindOf(channel) == argv[2])
                kind.push_back(f);
        }
        const bool ok = evtxbench::writeLargeLog(kind, std::size_t(std::max(1, std::atoi(argv[3]))) << 20, argv[4]);
        std::printf("%s: %zu files of kind %s\n", ok ? "written" : "nothing written", kind.size(), argv[2]);
        return ok ? 0 : 1;
    }
    if (only == "memory") { // `memory [COPIES] [xml|unshared]`: `xml` keeps each event's XML (the workbench
                            // before issue 18), `unshared` does not share repeated values
        const std::string how = argc > 3 ? argv[3] : "";
        keptMemoryFigure(files, argc > 2 ? std::max(1, std::atoi(argv[2])) : 40, how == "xml",
                         how != "xml" && how != "unshared");
        return 0;
    }
    jsonLinesFigure(500000, 50000, 3);
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    evtxbench::compareDecoders(files, std::min(rounds, 3));
    evtxbench::largeLog(files, std::size_t(argc > 3 ? std::max(1, std::atoi(argv[3])) : 200) << 20);

    auto compare = [&](const char* label, const std::vector<std::string>& set) -> bool {
        // 1. Our reader: decode every file (fields built, events then dropped), best of `rounds`.
        std::size_t events = 0;
        double best = 1e9;
        for (int r = 0; r < rounds; ++r) {
            std::size_t n = 0;
            const double start = cpuSeconds(RUSAGE_SELF);
            for (const auto& f : set)
                n += sigma::readEventsFile(f).events.size();
            best = std::min(best, cpuSeconds(RUSAGE_SELF) - start);
            events = n;
        }
        const double ours = double(events) / best;
        std::printf("%s: %zu .evtx, %zu events\n", label, set.size(), events);
        std::printf("  sigma reader         %8.3f s CPU  %10.0f events/s  (best of %d)\n", best, ours, rounds);
        // 2. evtxexport on the same files (CPU time of its processes; one process per file).
        for (const char* mode : {"", "-f xml "}) {
            double bestTool = 1e9;
            for (int r = 0; r < rounds; ++r) {
                const double start = cpuSeconds(RUSAGE_CHILDREN);
                for (const auto& f : set) {
                    const std::string cmd = std::string("exec evtxexport ") + mode + shellQuote(f) + " >/dev/null 2>&1";
                    if (std::system(cmd.c_str()) != 0 && r == 0 &&
                        std::system("command -v evtxexport >/dev/null") != 0) {
                        std::printf("  evtxexport not installed (libevtx-utils): no comparison\n");
                        return false;
                    }
                }
                bestTool = std::min(bestTool, cpuSeconds(RUSAGE_CHILDREN) - start);
            }
            const double rate = double(events) / bestTool;
            std::printf("  evtxexport %-8s  %8.3f s CPU  %10.0f events/s  -> ratio sigma/evtxexport %.2fx\n",
                        *mode ? "-f xml" : "(text)", bestTool, rate, ours / rate);
        }
        return true;
    };
    compare("all samples", files);
    std::vector<std::string> large;
    for (const auto& f : files)
        if (std::filesystem::file_size(f) >= (1u << 20))
            large.push_back(f);
    compare("large files only (>= 1 MiB, process start-up negligible)", large);

    keptMemoryFigure(files, argc > 2 ? std::max(1, std::atoi(argv[2])) : 40, false, true);
    return 0;
}
