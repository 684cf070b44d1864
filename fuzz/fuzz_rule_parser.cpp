// libFuzzer target for the Sigma parser, the condition grammar and the linter: any input must give
// diagnostics, never a crash, a hang, a leak or an exception.
#include "rule/condition.h"
#include "rule/lint.h"
#include "rule/parser.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    sigma::ParseOptions options;
    options.maxNodes = 20000; // keep each run fast; the limit itself is exercised too
    const sigma::ParsedFile file = sigma::parseRuleText(text, "fuzz.yml", options);
    const auto diagnostics = sigma::lintFile(file);
    const auto set = sigma::lintSet({&file});
    // the condition grammar on its own, with the raw input as a condition
    const auto cond = sigma::parseCondition(text.substr(0, 512));
    if (cond.root)
        (void)sigma::referencedIdentifiers(*cond.root, {"selection", "filter_a", "_x"});
    return static_cast<int>(diagnostics.size() + set.size()) * 0;
}
