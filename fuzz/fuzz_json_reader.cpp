// libFuzzer target: the JSON event reader (arrays, JSON Lines, evtx_dump / Winlogbeat / flat shapes).
#include "events/reader.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    if (text.empty() || (text[0] != '{' && text[0] != '['))
        text.insert(0, 1, '{');
    sigma::ReadOptions options;
    options.limit = size % 7; // exercises the limit path too (0 = no limit)
    const sigma::ReadResult result = sigma::readEventsText(text, "fuzz.json", options);
    for (const auto& e : result.events)
        (void)e.xml();
    return 0;
}
