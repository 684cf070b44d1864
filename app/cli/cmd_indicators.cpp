// `sigmawb indicators --corpus DIR... [--vendor sigma|elastic|splunk] [--format jsonl|text]`: one
// line per indicator of every rule of the corpus (Sigma, Elastic and Splunk rules alike):
//   {"vendor","rule_id","file","language","field","value","canonical","kind","canonical_value",
//    "use","line","column"}
// where field and value are as the query writes them (after the language's own unescaping,
// wildcards as written) and canonical / kind / canonical_value are the indicator row they count
// in; and one {"vendor","rule_id","file","language","parsed":false,"error"} line per vendor query
// that could not be read.
#include "clisupport.h"
#include "command.h"

#include "corpus/corpus.h"
#include "corpus/rulepage.h"
#include "corpus/vendorrule.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <system_error>

namespace {

struct Options {
    std::vector<std::string> corpus;
    std::string vendor;
    std::string format = "jsonl";
    bool deprecated = false;
};

std::string vendorId(const std::string& vendorName)
{
    sigma::RuleVendor v{};
    return sigma::ruleVendorFromName(vendorName, &v) ? sigma::ruleVendorId(v) : vendorName;
}

int run(const Options& options)
{
    sigma::RuleVendor only{};
    if (!options.vendor.empty() && !sigma::ruleVendorFromName(options.vendor, &only)) {
        std::cerr << "sigmawb indicators: --vendor must be sigma, elastic or splunk, not '" << options.vendor << "'\n";
        return sigmawb::ExitUsage;
    }
    if (options.format != "jsonl" && options.format != "text") {
        std::cerr << "sigmawb indicators: --format must be jsonl or text\n";
        return sigmawb::ExitUsage;
    }
    std::vector<std::filesystem::path> roots;
    for (const auto& c : options.corpus) {
        std::error_code ec;
        if (!std::filesystem::is_directory(c, ec) && !std::filesystem::is_regular_file(c, ec)) {
            std::cerr << "sigmawb indicators: " << c << ": no such corpus folder\n";
            return sigmawb::ExitUsage;
        }
        roots.emplace_back(c);
    }
    sigma::LoadOptions lo;
    lo.includeDeprecated = options.deprecated;
    const sigma::Corpus corpus = sigma::Corpus::load(roots, lo);
    const bool partial = sigmawb::reportCorpusProblems(corpus);

    const bool json = options.format == "jsonl";
    for (const auto& rule : corpus.rules()) {
        const std::string vendor = vendorId(rule.vendor);
        if (!options.vendor.empty() && vendor != sigma::ruleVendorId(only))
            continue;
        if (rule.vendorRule && rule.vendorRule->hasQuery && !rule.queryAnalysed) {
            const auto& diags = rule.vendorRule->parsed.diagnostics;
            const std::string error = diags.empty() ? std::string("query not analysed") : diags.front().format();
            if (json) {
                nlohmann::ordered_json j = {{"vendor", vendor},          {"rule_id", rule.id}, {"file", rule.file},
                                            {"language", rule.language}, {"parsed", false},    {"error", error}};
                std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            } else {
                std::cout << vendor << '\t' << rule.id << '\t' << rule.file << '\t' << rule.language
                          << "\tnot analysed\t" << error << '\n';
            }
            continue;
        }
        for (const auto& ind : rule.indicators) {
            const std::string value = sigma::writtenIndicator(rule, ind).value;
            const char* use = ind.excluded ? "excludes" : "looks_for";
            if (json) {
                nlohmann::ordered_json j = {{"vendor", vendor},
                                            {"rule_id", rule.id},
                                            {"file", rule.file},
                                            {"language", rule.language},
                                            {"field", ind.writtenField},
                                            {"value", value},
                                            {"canonical", ind.field},
                                            {"kind", sigma::indicatorKindName(ind.kind)},
                                            {"canonical_value", ind.value},
                                            {"use", use},
                                            {"line", ind.span.begin.line},
                                            {"column", ind.span.begin.column}};
                std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            } else {
                std::cout << vendor << '\t' << rule.id << '\t' << rule.file << ':' << ind.span.begin.line << ':'
                          << ind.span.begin.column << '\t' << ind.writtenField << '\t' << value << '\t' << ind.field
                          << '\t' << sigma::indicatorKindName(ind.kind) << '\t' << ind.value << '\t' << use << '\n';
            }
        }
    }
    return partial ? sigmawb::ExitPartial : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    520, "indicators", "Every indicator of every rule of a corpus (Sigma, Elastic, Splunk), one JSON line each",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sub.add_option("--corpus", options->corpus,
                       "Folders (or files) of Sigma, Elastic (.toml) and Splunk (.yml) rules, searched recursively")
            ->required()
            ->expected(1, -1);
        sub.add_option("--vendor", options->vendor, "Only the rules of one vendor: sigma, elastic or splunk");
        sub.add_option("--format", options->format, "jsonl (default) or text (tab-separated)");
        sub.add_flag("--deprecated", options->deprecated, "Also read deprecated Elastic and Splunk rules");
        return [options] { return run(*options); };
    });

} // namespace
