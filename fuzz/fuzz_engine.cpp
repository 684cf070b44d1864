// libFuzzer target: a rule from the input is parsed, compiled and evaluated/explained against a
// few fixed events (and as a RuleSet), so matcher construction and evaluation see hostile rules:
// odd modifiers, escapes, expansions, regexes, huge value lists.
#include "engine/engine.h"
#include "rule/parser.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {
std::vector<sigma::Event> makeEvents()
{
    std::vector<sigma::Event> events(3);
    auto& a = events[0];
    a.add("Channel", "Microsoft-Windows-Sysmon/Operational");
    a.add("EventID", "1");
    a.add("Image", "C:\\Windows\\System32\\cmd.exe");
    a.add("CommandLine", "cmd.exe /c whoami \xE2\x80\x94x aGVsbG8= \xC3\xA9");
    a.add("DestinationIp", "fe80::1%eth0");
    auto& b = events[1];
    b.add("Channel", "Security");
    b.add("EventID", "4688");
    b.add("NewProcessName", "C:\\a.exe");
    b.add("MandatoryLabel", "S-1-16-12288");
    auto& c = events[2];
    c.add("Channel", "Security");
    c.add("EventID", "5156");
    c.add("Application", "\\device\\harddiskvolume2\\x.exe");
    c.add("Direction", "%%14593");
    c.add("Protocol", "6");
    c.add("TimeCreated_SystemTime", "2024-03-05T13:45:10Z");
    return events;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<sigma::Event> events = makeEvents();
    sigma::ParsedFile parsed = sigma::parseRuleText(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml");
    const sigma::Rule* rule = parsed.firstRule();
    if (!rule)
        return 0;
    sigma::CompileOptions options;
    options.translateSecurity5156 = size % 2 == 0;
    options.placeholders["p"] = {"a*", "b\\"};
    options.maxExpansions = 256;
    auto compiled = sigma::compileRule(*rule, "fuzz.yml", options);
    if (!compiled.rule)
        return 0;
    sigma::RuleSetBuilder builder;
    builder.add(compiled.rule);
    const sigma::RuleSet set = builder.build();
    for (const auto& e : events) {
        const bool m = compiled.rule->matches(e);
        const auto ex = compiled.rule->explain(e);
        if (m != ex.matched)
            __builtin_trap(); // the fast path and the explanation must agree
        if (m != !set.match(e).empty())
            __builtin_trap(); // the pre-filter must never drop a match
    }
    return 0;
}
