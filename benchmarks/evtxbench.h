#pragma once

// EVTX decoding figures for bench_events: our decoder against libevtx (in this process, the
// same files, one thread each), per log kind (Sysmon, Security, other), and on a large log made by
// concatenating every valid chunk of the shared corpus until it is >= 200 MB.
#include "events/evtx/evtxdecoder.h"
#include "events/evtx/evtxformat.h"
#include "events/evtxreader.h"
#include "events/fieldname.h"
#include "events/reader.h"
#include "util/crc32.h"

#include <time.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace evtxbench {

inline double processCpu()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

inline double wallClock()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

struct Timing {
    std::size_t records = 0;
    double cpu = 0;
    double wall = 0;
};

inline Timing decodeTimed(sigma::detail::EvtxDecoder decoder, const std::string& path, std::string* channel = nullptr)
{
    sigma::ReadResult r;
    const double c0 = processCpu(), w0 = wallClock();
    sigma::detail::readEvtxFileWith(decoder, path, path, {}, r);
    Timing t{r.events.size(), processCpu() - c0, wallClock() - w0};
    if (channel && !r.events.empty())
        *channel = std::string(r.events.front().channel());
    return t;
}

inline std::string kindOf(const std::string& channel)
{
    if (channel.find("Sysmon") != std::string::npos)
        return "Sysmon";
    if (channel == "Security")
        return "Security";
    return "other";
}

using KindTimings = std::map<std::string, Timing>; ///< by log kind, and "all"

inline void printDecoderTable(const char* title, const KindTimings& ours, const KindTimings& theirs)
{
    std::printf("%s\n", title);
    std::printf("  %-9s %9s %12s %12s %9s %12s %7s\n", "logs", "records", "ours s", "ours rec/s", "libevtx",
                "libevtx/s", "ratio");
    for (const auto& [kind, a] : ours) {
        const Timing& b = theirs.at(kind);
        const double ra = double(a.records) / a.cpu, rb = double(b.records) / b.cpu;
        std::printf("  %-9s %9zu %12.3f %12.0f %9zu %12.0f %6.1fx\n", kind.c_str(), a.records, a.cpu, ra, b.records, rb,
                    ra / rb);
    }
}

/// Records/s per core, ours and libevtx, over `files`, by log kind, two ways: each file decoded
/// `rounds` times in a row by one decoder then by the other, its best run counted (warm: the
/// file's bytes and the decoder's tables in the CPU's caches); and the whole folder read file
/// after file, as `sigmawb match` reads it (one field-name set for the load), the best of `rounds`
/// passes per decoder (cold: the caches hold the previous file's). Until 2026-12-06 the warm runs alternated the
/// decoders on each file, which charged each of our runs the cache misses of the libevtx run before it.
inline void compareDecoders(const std::vector<std::string>& files, int rounds)
{
    using sigma::detail::EvtxDecoder;
    sigma::evtx::setDecoderThreads(1);
    std::vector<std::string> kinds(files.size());
    KindTimings ours, theirs;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string channel;
        Timing best{0, 1e9, 1e9}, bestTheirs{0, 1e9, 1e9};
        for (int r = 0; r < rounds; ++r)
            if (const Timing a = decodeTimed(EvtxDecoder::Own, files[i], &channel); a.cpu < best.cpu)
                best = a;
        for (int r = 0; r < rounds; ++r)
            if (const Timing b = decodeTimed(EvtxDecoder::Libevtx, files[i]); b.cpu < bestTheirs.cpu)
                bestTheirs = b;
        kinds[i] = kindOf(channel);
        for (const std::string& kind : {kinds[i], std::string("all")}) {
            ours[kind].records += best.records;
            ours[kind].cpu += best.cpu;
            theirs[kind].records += bestTheirs.records;
            theirs[kind].cpu += bestTheirs.cpu;
        }
    }
    KindTimings folder, folderTheirs;
    for (int r = 0; r < rounds; ++r)
        for (const auto decoder : {EvtxDecoder::Own, EvtxDecoder::Libevtx}) {
            KindTimings pass;
            // One field-name set for the pass, as streamEvents (`sigmawb match`, `test`) and the
            // workbench's loader give every file of a load; the warm runs above have a set per file
            // (a file read alone, `sigmawb events FILE`).
            const sigma::FieldNameSet::Scope load(std::make_shared<sigma::FieldNameSet>());
            for (std::size_t i = 0; i < files.size(); ++i) {
                const Timing t = decodeTimed(decoder, files[i]);
                for (const std::string& kind : {kinds[i], std::string("all")}) {
                    pass[kind].records += t.records;
                    pass[kind].cpu += t.cpu;
                }
            }
            KindTimings& best = decoder == EvtxDecoder::Own ? folder : folderTheirs;
            if (best.empty() || pass["all"].cpu < best["all"].cpu)
                best = pass;
        }
    sigma::evtx::setDecoderThreads(0);
    char title[160];
    std::snprintf(title, sizeof title,
                  "EVTX decoding, one thread, CPU time, %zu files; each file %d times in a row per decoder, best run:",
                  files.size(), rounds);
    printDecoderTable(title, ours, theirs);
    std::snprintf(title, sizeof title,
                  "The folder read file after file, one name set for the load, best pass of %d per decoder:", rounds);
    printDecoderTable(title, folder, folderTheirs);
}

/// Writes a log of every valid chunk of `files`, repeated until it has at least `target` bytes.
inline bool writeLargeLog(const std::vector<std::string>& files, std::size_t target, const std::string& out)
{
    std::vector<std::string> chunks;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (std::size_t at = sigma::evtx::fileHeaderSize; at + sigma::evtx::chunkSize <= bytes.size();
             at += sigma::evtx::chunkSize) {
            const sigma::evtx::Bytes chunk(reinterpret_cast<const std::uint8_t*>(bytes.data()) + at,
                                           sigma::evtx::chunkSize);
            const auto h = sigma::evtx::readChunkHeader(chunk);
            if (h && h->headerChecksumOk && sigma::evtx::recordsChecksumOk(chunk, *h) && h->recordCount() > 0)
                chunks.push_back(bytes.substr(at, sigma::evtx::chunkSize));
        }
    }
    if (chunks.empty())
        return false;
    const std::size_t count = (target + sigma::evtx::chunkSize - 1) / sigma::evtx::chunkSize;
    std::string header(sigma::evtx::fileHeaderSize, '\0');
    auto* h = reinterpret_cast<std::uint8_t*>(header.data());
    auto put = [](std::uint8_t* p, std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            p[i] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    std::memcpy(h, "ElfFile\0", 8);
    put(h + 16, count - 1, 8);
    put(h + 32, 128, 4);
    put(h + 36, 1, 2);
    put(h + 38, 3, 2);
    put(h + 40, 4096, 2);
    put(h + 42, count > 0xffff ? 0xffff : count, 2);
    put(h + 124, sigma::crc32(h, 120), 4);
    std::ofstream o(out, std::ios::binary);
    o.write(header.data(), std::streamsize(header.size()));
    for (std::size_t i = 0; i < count; ++i)
        o.write(chunks[i % chunks.size()].data(), std::streamsize(sigma::evtx::chunkSize));
    return bool(o);
}

inline void largeLog(const std::vector<std::string>& files, std::size_t target)
{
    using sigma::detail::EvtxDecoder;
    const std::string path = (std::filesystem::temp_directory_path() / "sigma-bench-large.evtx").string();
    if (!writeLargeLog(files, target, path)) {
        std::printf("large log: no valid chunk to repeat\n");
        return;
    }
    const double mb = double(std::filesystem::file_size(path)) / 1048576.0;
    std::printf("large log: %.0f MiB of repeated real chunks (%s)\n", mb, path.c_str());
    sigma::evtx::setDecoderThreads(1);
    const Timing one = decodeTimed(EvtxDecoder::Own, path);
    std::printf("  ours, 1 thread      %8zu records  %7.2f s CPU  %10.0f records/s per core\n", one.records, one.cpu,
                double(one.records) / one.cpu);
    sigma::evtx::setDecoderThreads(0);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const Timing all = decodeTimed(EvtxDecoder::Own, path);
    std::printf("  ours, %u threads     %8zu records  %7.2f s CPU  %7.2f s wall  %10.0f records/s per core, %10.0f "
                "records/s wall\n",
                cores, all.records, all.cpu, all.wall, double(all.records) / all.cpu, double(all.records) / all.wall);
    const Timing lib = decodeTimed(EvtxDecoder::Libevtx, path);
    std::printf("  libevtx, 1 thread   %8zu records  %7.2f s CPU  %10.0f records/s per core  -> ours %.1fx\n",
                lib.records, lib.cpu, double(lib.records) / lib.cpu,
                (double(one.records) / one.cpu) / (double(lib.records) / lib.cpu));
    std::filesystem::remove(path);
}

} // namespace evtxbench
