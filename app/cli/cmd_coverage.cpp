// `sigmawb coverage --corpus DIR... --technique TID [--format md|html|json] [-o FILE]`: the ATT&CK
// technique page of a corpus (events covered, fields filtered most, top indicator values with
// their corpus reach, rules by vendor).
// `sigmawb coverage --corpus DIR --navigator OUT.json`: an ATT&CK Navigator layer (format 4.5)
// scored by rule count.
#include "clisupport.h"
#include "command.h"

#include "corpus/report.h"
#include "corpus/technique.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <system_error>

namespace {

struct Options {
    std::vector<std::string> corpus;
    std::string technique;
    std::string format = "md";
    std::string navigator;
    std::string output;
    bool subtechniques = false;
};

int run(const Options& options)
{
    if (options.technique.empty() == options.navigator.empty()) {
        std::cerr << "sigmawb coverage: give either --technique TID or --navigator OUT.json\n";
        return sigmawb::ExitUsage;
    }
    const auto roots = sigmawb::corpusRoots("coverage", options.corpus);
    if (!roots)
        return sigmawb::ExitUsage;
    const sigma::Corpus corpus = sigma::Corpus::load(*roots);
    const bool partial = sigmawb::reportCorpusProblems(corpus);

    if (!options.navigator.empty()) {
        if (!sigmawb::writeOutputFile("coverage", options.navigator, sigma::navigatorLayerJson(corpus)))
            return sigmawb::ExitUsage;
        std::cerr << "sigmawb coverage: " << sigma::navigatorTechniques(corpus).rules.size() << " techniques from "
                  << corpus.rules().size() << " rules written to " << options.navigator << '\n';
        return partial ? sigmawb::ExitPartial : sigmawb::ExitOk;
    }

    sigma::TechniquePageOptions po;
    po.includeSubtechniques = options.subtechniques;
    const sigma::TechniquePage page = sigma::buildTechniquePage(corpus, options.technique, po);
    if (!page.known && page.rules.empty()) {
        std::cerr << "sigmawb coverage: " << options.technique
                  << ": not an ATT&CK technique id, and no rule of the corpus is tagged with it\n";
        return sigmawb::ExitUsage;
    }
    std::string text;
    if (options.format == "json")
        text = sigma::techniquePageJson(page);
    else if (options.format == "html")
        text = sigma::techniquePageHtml(page);
    else
        text = sigma::techniquePageMarkdown(page);
    if (options.output.empty() || options.output == "-")
        std::cout << text;
    else if (!sigmawb::writeOutputFile("coverage", options.output, text))
        return sigmawb::ExitUsage;
    return partial ? sigmawb::ExitPartial : sigmawb::ExitOk;
}

const bool registered = sigmawb::registerCommand(
    510, "coverage", "ATT&CK technique page of a corpus, or an ATT&CK Navigator layer of its coverage",
    [](CLI::App& sub) -> std::function<int()> {
        auto options = std::make_shared<Options>();
        sub.add_option("--corpus", options->corpus, std::string(sigmawb::kCorpusHelp) + " or list them after it")
            ->required()
            ->expected(1, -1);
        sub.add_option("--technique", options->technique, "ATT&CK technique id, e.g. T1090.002");
        sub.add_option("--format", options->format, "Technique page as md (default), html or json")
            ->check(CLI::IsMember({"md", "html", "json"}));
        sub.add_flag("--subtechniques", options->subtechniques,
                     "With a parent technique id, also collect the rules tagged with its sub-techniques");
        sub.add_option("-o,--output", options->output, "Write the page to this file instead of stdout");
        sub.add_option("--navigator", options->navigator,
                       "Write an ATT&CK Navigator layer (format 4.5) scored by rule count to this file");
        return [options] { return run(*options); };
    });

} // namespace
