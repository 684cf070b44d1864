// libFuzzer target: our EVTX decoder (core/events/evtx/) on arbitrary bytes, straight from memory.
// Inputs are given an EVTX file header and chunk signature often enough for the fuzzer to reach
// the Binary XML quickly. Besides the sanitizers, it checks the decoder's own promises: events in
// file order with increasing 1-based positions, the chunk of each event inside the file, every
// diagnostic naming the file, and Event XML (when asked for) for every event.
//
// Inputs with bit 2 of their first byte set get their header checksums made right (a clean file
// for the fuzzer to change), and are also read as a file (readEvtxBytes: an in-memory file read
// like one on disk, MappedFile reading only the used parts of a clean file): the events, their
// XML and the diagnostics must be those of decoding the bytes whole.
//
// Every input is also decoded without field plans (every record through the field builder): the
// same events, fields and diagnostics.
//
// With SIGMA_FUZZ_DIFF=1 in the environment it also reads the input with libevtx and aborts when
// a record both decoders read has different fields (the corpus and the generated files agree
// field by field, tst_evtxdiff; libevtx leaks on some damaged inputs, see fuzz_evtx_reader.cpp).
#include "events/evtx/evtxdecoder.h"
#include "events/evtx/evtxformat.h"
#include "events/evtx/fieldplan.h"
#include "events/reader.h"
#include "util/crc32.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace {

[[noreturn]] void broken(const char* what)
{
    std::fprintf(stderr, "fuzz_evtx_decoder: %s\n", what);
    std::abort();
}

void compareWithLibevtx(const std::string& bytes, const sigma::ReadResult& ours)
{
    const sigma::ReadResult theirs = sigma::readEvtxBytes(bytes, "fuzz.evtx");
    std::map<std::uint64_t, const sigma::Event*> byId;
    for (const auto& e : ours.events)
        if (e.origin.recordId)
            byId.emplace(*e.origin.recordId, &e);
    for (const auto& e : theirs.events) {
        const auto it = e.origin.recordId ? byId.find(*e.origin.recordId) : byId.end();
        if (it == byId.end())
            continue;
        const auto& a = it->second->fields;
        const auto& b = e.fields;
        if (a.size() != b.size())
            broken("a record both decoders read has a different number of fields");
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i].name != b[i].name)
                broken("a record both decoders read has different field names");
    }
}

void put32(std::string& bytes, std::size_t at, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        bytes[at + i] = static_cast<char>(v >> (8 * i));
}

/// Makes the file header's checksum right, and each chunk header's and its records' (where the
/// free-space offset is inside the chunk).
void fixChecksums(std::string& bytes)
{
    using namespace sigma::evtx;
    auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (bytes.size() < 128)
        return;
    put32(bytes, 124, sigma::crc32(p, 120));
    for (std::size_t at = fileHeaderSize; at + chunkHeaderSize <= bytes.size(); at += chunkSize) {
        if (std::memcmp(p + at, "ElfChnk\0", 8) != 0)
            continue;
        const std::uint32_t free = le32(p + at + 48);
        if (free >= chunkHeaderSize && free <= chunkSize && at + free <= bytes.size())
            put32(bytes, at + 52, sigma::crc32(p + at + chunkHeaderSize, free - chunkHeaderSize));
        put32(bytes, at + 124, sigma::crc32(p + at + 128, chunkHeaderSize - 128, sigma::crc32(p + at, 120)));
    }
}

void compareWithFile(const std::string& bytes, const sigma::ReadOptions& options, const sigma::ReadResult& whole)
{
    const sigma::ReadResult file = sigma::readEvtxBytes(bytes, "fuzz.evtx", options);
    if (file.events.size() != whole.events.size() || file.skipped != whole.skipped)
        broken("read as a file, a different number of events or skipped records");
    for (std::size_t i = 0; i < whole.events.size(); ++i) {
        if (file.events[i].xml() != whole.events[i].xml())
            broken("read as a file, an event with different fields");
        const auto& a = file.events[i].originalXml;
        const auto& b = whole.events[i].originalXml;
        if (bool(a) != bool(b) || (a && *a != *b))
            broken("read as a file, an event with a different Event XML");
    }
    if (file.diagnostics.size() != whole.diagnostics.size())
        broken("read as a file, a different number of diagnostics");
    for (std::size_t i = 0; i < whole.diagnostics.size(); ++i)
        if (file.diagnostics[i].message != whole.diagnostics[i].message ||
            file.diagnostics[i].code != whole.diagnostics[i].code)
            broken("read as a file, a different diagnostic");
}

/// Decodes the bytes again with every record through the field builder (no field plans,
/// fieldplan.h): the same events, fields and diagnostics.
void compareWithoutPlans(const std::string& bytes, const sigma::ReadOptions& options, const sigma::ReadResult& planned)
{
    sigma::evtx::setFieldPlans(false);
    sigma::ReadResult built;
    sigma::evtx::decodeFile({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, "fuzz.evtx", options,
                            built);
    sigma::evtx::setFieldPlans(true);
    if (built.events.size() != planned.events.size() || built.skipped != planned.skipped)
        broken("without field plans, a different number of events or skipped records");
    for (std::size_t i = 0; i < built.events.size(); ++i) {
        const sigma::Event& a = built.events[i];
        const sigma::Event& b = planned.events[i];
        if (a.fields.size() != b.fields.size())
            broken("without field plans, an event with a different number of fields");
        for (std::size_t f = 0; f < a.fields.size(); ++f)
            if (a.fields[f].name != b.fields[f].name || a.text(f) != b.text(f))
                broken("without field plans, a different field");
    }
    if (built.diagnostics.size() != planned.diagnostics.size())
        broken("without field plans, a different number of diagnostics");
    for (std::size_t i = 0; i < built.diagnostics.size(); ++i)
        if (built.diagnostics[i].message != planned.diagnostics[i].message)
            broken("without field plans, a different diagnostic");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (!bytes.empty() && (data[0] & 1)) { // a file header, then the input as chunk(s)
        std::string header(sigma::evtx::fileHeaderSize, '\0');
        std::memcpy(header.data(), "ElfFile\0", 8);
        bytes = header + (bytes.size() > 8 && (data[0] & 2) ? std::string("ElfChnk\0", 8) + bytes.substr(8) : bytes);
    }
    const bool asFile = !bytes.empty() && (data[0] & 4);
    if (asFile)
        fixChecksums(bytes);
    sigma::ReadOptions options;
    options.keepOriginalXml = (size % 2) == 0;
    sigma::evtx::setDecoderThreads(size % 3 == 0 ? 2 : 1);
    sigma::ReadResult result;
    sigma::evtx::decodeFile({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, "fuzz.evtx", options,
                            result);
    std::size_t previous = 0;
    const std::size_t chunks = bytes.size() / sigma::evtx::chunkSize + 1;
    for (const auto& e : result.events) {
        if (e.origin.index <= previous)
            broken("event positions do not increase");
        previous = e.origin.index;
        if (!e.origin.chunk || *e.origin.chunk >= chunks)
            broken("an event's chunk is outside the file");
        if (options.keepOriginalXml && (!e.originalXml || e.originalXml->find("<Event") == std::string::npos))
            broken("an event without its Event XML");
        (void)e.xml();
    }
    if (previous > result.events.size() + result.skipped)
        broken("positions beyond the events and skipped records");
    for (const auto& d : result.diagnostics)
        if (d.file != "fuzz.evtx")
            broken("a diagnostic without the file");
    if (asFile)
        compareWithFile(bytes, options, result);
    compareWithoutPlans(bytes, options, result);
    if (const char* diff = std::getenv("SIGMA_FUZZ_DIFF"); diff && *diff == '1')
        compareWithLibevtx(bytes, result);
    return 0;
}
