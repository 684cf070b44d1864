// libFuzzer target for the Sigma parser, the condition grammar and the linter: any input must give
// diagnostics, never a crash, a hang, a leak or an exception. It also checks the fast YAML reader
// against yaml-cpp: whenever the fast reader accepts an input, yaml-cpp must give the same tree.
#include "rule/condition.h"
#include "rule/lint.h"
#include "rule/parser.h"
#include "rule/yamltree.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    sigma::ParseOptions options;
    options.maxNodes = 20000; // keep each run fast; the limit itself is exercised too
    const sigma::ParsedFile file = sigma::parseRuleText(text, "fuzz.yml", options);
    const auto diagnostics = sigma::lintFile(file);
    const auto set = sigma::lintSet({&file});

    // differential: fast reader vs yaml-cpp
    const sigma::yamltree::LineIndex lines(text);
    const sigma::yamltree::Limits limits{options.maxDepth, options.maxNodes};
    const auto fast = sigma::yamltree::parse(text, lines, limits, "fuzz.yml", sigma::yamltree::Reader::Fast);
    if (fast.fastPath) {
        const auto reference =
            sigma::yamltree::parse(text, lines, limits, "fuzz.yml", sigma::yamltree::Reader::YamlCpp);
        if (!sigma::yamltree::sameTree(fast, reference)) {
            std::fprintf(stderr, "fast YAML reader and yaml-cpp disagree\n");
            std::abort();
        }
    }

    // the condition grammar on its own, with the raw input as a condition
    const auto cond = sigma::parseCondition(text.substr(0, 512));
    if (cond.root)
        (void)sigma::referencedIdentifiers(*cond.root, {"selection", "filter_a", "_x"});
    return static_cast<int>(diagnostics.size() + set.size()) * 0;
}
