// libFuzzer target: the .evtx reader (libevtx + our XML normalisation) on arbitrary bytes.
#include "events/reader.h"

#include <cstddef>
#include <cstdint>
#include <string>

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
