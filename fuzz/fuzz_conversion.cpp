// libFuzzer target for the query writers: a rule from the input is converted into every target
// (Splunk, ES|QL, EQL, Lucene, Kusto, SQLite) and each query a reader exists for is read back and
// compared with the rule (conversion/readback.h). Any rule must give a query or diagnostics, never a
// crash, a hang or a leak. A writer's query that its own language's reader cannot read is a finding
// (SIGMA_FUZZ_READBACK=1 makes it abort; =2 also when the query read back says something else than
// the rule; off by default while the readers are fuzzed on their own).
#include "conversion/conversion.h"
#include "conversion/readback.h"
#include "rule/parser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const int strictReadBack = [] {
        const char* value = std::getenv("SIGMA_FUZZ_READBACK");
        return value ? std::atoi(value) : 0;
    }();
    sigma::ParseOptions parseOptions;
    parseOptions.maxNodes = 20000;
    const sigma::ParsedFile parsed =
        sigma::parseRuleText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml", parseOptions);
    const sigma::Rule* rule = parsed.firstRule();
    if (!rule)
        return 0;
    sigma::conversion::ConversionOptions options;
    options.maxExpansions = 64;
    options.placeholders["p"] = {"a*", "b\\"};
    // keywords become a test of this field, which the read-back tree names as such: level 2 leaves it out
    options.fullTextField = size % 2 && strictReadBack < 2 ? "message" : "";
    const auto lowered = sigma::conversion::lower(*rule, options, "fuzz.yml");
    for (const auto target : sigma::conversion::allTargets()) {
        const auto converted = sigma::conversion::convert(*rule, target, options, "fuzz.yml");
        if (!converted.ok() || !lowered.root)
            continue;
        for (const auto& fragment : converted.fragments)
            if (fragment.begin > fragment.end || fragment.end > converted.query.size())
                __builtin_trap(); // a fragment outside the query
        const auto check = sigma::conversion::checkReadBack(*lowered.root, converted, "fuzz.yml");
        if (strictReadBack > 0 && sigma::conversion::readBackLanguage(target) &&
            (!check.read || (strictReadBack > 1 && !check.same))) {
            std::fprintf(stderr, "%s query %s: %s\n%s\nrule:  %s\nquery: %s\n", sigma::conversion::targetName(target),
                         check.read ? "read back differs" : "not read back", check.problem.c_str(),
                         converted.query.c_str(), check.rule.c_str(), check.query.c_str());
            std::abort();
        }
    }
    return 0;
}
