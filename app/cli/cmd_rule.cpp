// `sigmawb rule --corpus DIR [--corpus DIR...] ID_OR_FILE [--format text|json]`: the rule page of
// any vendor's rule (Sigma, Elastic, Splunk): metadata, the native query, the predicate tree with
// what it looks for and excludes (with line:column in the rule file), and the indicators with their
// corpus reach split by vendor. ID_OR_FILE is a rule id of the corpus, a file of the corpus, or a
// rule file outside it (its reach is then counted against the corpus).
#include "clisupport.h"
#include "command.h"

#include "corpus/corpus.h"
#include "corpus/rulepage.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

namespace {

struct Options {
    std::vector<std::string> corpus;
    std::string rule;
    std::string format = "text";
};

int run(const Options& options)
{
    const auto roots = sigmawb::corpusRoots("rule", options.corpus);
    if (!roots)
        return sigmawb::ExitUsage;
    const sigma::Corpus corpus = sigma::Corpus::load(*roots);
    const bool partial = sigmawb::reportCorpusProblems(corpus);

    const sigma::CorpusRule* rule = sigma::findCorpusRule(corpus, options.rule);
    sigma::Corpus outside;
    std::error_code ec;
    if (!rule && std::filesystem::is_regular_file(options.rule, ec)) {
        outside = sigma::Corpus::load(std::filesystem::path(options.rule));
        for (const auto& d : outside.diagnostics())
            std::cerr << d.format() << '\n';
        if (!outside.rules().empty())
            rule = &outside.rules().front();
    }
    if (!rule) {
        std::cerr << "sigmawb rule: " << options.rule << ": no rule of the corpus has this id or file\n";
        return sigmawb::ExitUsage;
    }
    const sigma::RulePage page = sigma::buildRulePage(corpus, *rule);
    std::cout << (options.format == "json" ? sigma::rulePageJson(page) : sigma::rulePageText(page));
    return partial ? sigmawb::ExitPartial : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    525, "rule", "The page of one rule of a corpus (any vendor): query, predicates, indicators and their reach",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sigmawb::addCorpusOption(sub, options->corpus);
        sub.add_option("ID_OR_FILE", options->rule, "A rule id of the corpus, or a rule file")->required();
        sub.add_option("--format", options->format, "Output: text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
        return [options] { return run(*options); };
    });

} // namespace
