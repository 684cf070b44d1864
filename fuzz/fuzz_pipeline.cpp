// libFuzzer target for processing pipelines (pySigma's YAML format, docs/pipelines.md): the input is
// read as a pipeline; when it loads, it is applied to a few fixed rules and the result converted into
// every target. Any input must give diagnostics, never a crash, a hang or a leak; regular
// expressions of the pipeline (field names, match_string, replace_string) are hostile too.
#include "conversion/pipeline.h"
#include "rule/parser.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {
const char* const kRules[] = {
    R"(title: Process
id: 00000000-0000-4000-8000-000000000001
logsource: {category: process_creation, product: windows}
detection:
    selection:
        Image|endswith: '\cmd.exe'
        CommandLine|contains|all: ['/c', 'whoami']
    filter:
        User|re: '^NT AUTHORITY\\'
        ParentImage: null
    condition: selection and not filter
)",
    R"(title: Network
id: 00000000-0000-4000-8000-000000000002
logsource: {category: network_connection, product: windows}
tags: [attack.t1071, attack.command-and-control]
detection:
    selection:
        DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10']
        DestinationPort|gte: 1024
        Initiated: 'true'
    keywords: ['beacon', '%domain%*']
    condition: selection or 1 of keywords
)",
    R"(title: Expand
id: 00000000-0000-4000-8000-000000000003
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: [4624, 4625]
        TargetUserName|expand: '%admins%'
        SubjectUserName|fieldref: TargetUserName
    condition: all of selection*
)",
};

std::vector<sigma::Rule> makeRules()
{
    std::vector<sigma::Rule> rules;
    for (const char* text : kRules) {
        const sigma::ParsedFile file = sigma::parseRuleText(text, "fixed.yml");
        if (const sigma::Rule* rule = file.firstRule())
            rules.push_back(*rule);
    }
    return rules;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<sigma::Rule> rules = makeRules();
    if (rules.size() != std::size(kRules))
        __builtin_trap(); // the fixed rules must parse, or this target tests nothing
    const std::string_view yaml(reinterpret_cast<const char*>(data), size);
    sigma::conversion::PipelineLoad load = sigma::conversion::parsePipeline(yaml, "fuzz.yml");
    if (!load.pipeline)
        return 0;
    const std::vector<sigma::conversion::Pipeline> pipelines{*load.pipeline};
    sigma::conversion::ConversionOptions options;
    options.maxExpansions = 64;
    options.placeholders["admins"] = {"root", "adm*"};
    options.fullTextField = "message";
    for (const auto& rule : rules) {
        const auto applied = sigma::conversion::applyPipelines(rule, pipelines);
        for (const auto target : sigma::conversion::allTargets()) {
            const auto converted =
                sigma::conversion::convertWithPipelines(rule, target, pipelines, options, "rule.yml");
            if (converted.ok() && converted.query.empty())
                __builtin_trap();
        }
        (void)applied;
    }
    return 0;
}
