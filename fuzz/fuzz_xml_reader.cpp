// libFuzzer target: the Windows Event XML reader (pugixml + Sigma field naming).
#include "events/reader.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<const char*>(data), size);
    sigma::ReadOptions options;
    options.keepOriginalXml = (size % 2) == 0;
    // Force the XML path even when the input does not start with '<'.
    const std::string withTag = "<" + std::string(text);
    const sigma::ReadResult result =
        sigma::readEventsText(text.empty() || text[0] != '<' ? withTag : text, "fuzz.xml", options);
    for (const auto& e : result.events) {
        (void)e.xml();
        (void)e.time();
    }
    return 0;
}
