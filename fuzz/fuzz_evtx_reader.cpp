// libFuzzer target: the .evtx path of readEvtxBytes on arbitrary bytes: our decoder by default,
// libevtx + our XML normalisation with SIGMA_EVTX_DECODER=libevtx (fuzz_evtx_decoder.cpp is the
// decoder alone, without the in-memory file).
#include "events/reader.h"

#include <cstddef>
#include <cstdint>
#include <string>

// libevtx 20181227 leaks ~400 bytes (a libfdata list) when libevtx_file_open fails on a damaged
// chunk (libevtx_file_open_read's error path): not ours to fix. Run with
//   LSAN_OPTIONS=suppressions=<file with "leak:libevtx.so">
// so that LeakSanitizer reports only other leaks.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Most inputs should look like EVTX, so the fuzzer gets past the signature check quickly.
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (bytes.size() >= 8 && bytes.compare(0, 7, "ElfFile") != 0 && (data[0] & 1))
        bytes.replace(0, 8, std::string("ElfFile\0", 8));
    sigma::ReadOptions options;
    options.keepOriginalXml = (size % 2) == 0;
    const sigma::ReadResult result = sigma::readEvtxBytes(bytes, "fuzz.evtx", options);
    for (const auto& e : result.events)
        (void)e.xml();
    return 0;
}
