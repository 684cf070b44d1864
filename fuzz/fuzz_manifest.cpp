// libFuzzer target for the test-manifest parser: any input gives a manifest or diagnostics, never a
// crash, a hang, a leak or an exception.
#include "validation/manifest.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const sigma::TestManifest manifest = sigma::parseManifestText(text, "fuzz.tests.yml");
    (void)manifest;
    return 0;
}
