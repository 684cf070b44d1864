#include "clisupport.h"

#include "corpus/corpus.h"
#include "events/eventfiles.h"
#include "events/reader.h"
#include "util/fileio.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace sigmawb {

bool reportCorpusProblems(const sigma::Corpus& corpus)
{
    const auto& diags = corpus.diagnostics();
    const std::size_t shown = std::min<std::size_t>(diags.size(), 20);
    for (std::size_t i = 0; i < shown; ++i)
        std::cerr << diags[i].format() << '\n';
    if (diags.size() > shown)
        std::cerr << "... and " << diags.size() - shown << " more problems\n";
    if (!corpus.brokenFiles().empty())
        std::cerr << "sigmawb: " << corpus.brokenFiles().size() << " of " << corpus.filesScanned()
                  << " corpus files had errors and were left out\n";
    return !corpus.brokenFiles().empty();
}

std::optional<std::vector<std::string>> eventFilesOrReport(const std::vector<std::string>& paths)
{
    sigma::Diagnostics listing;
    auto files = sigma::collectEventFiles(paths, listing);
    for (const auto& d : listing)
        std::cerr << d.format() << '\n';
    if (sigma::hasErrors(listing))
        return std::nullopt;
    return files;
}

bool readEventFiles(const std::vector<std::string>& paths,
                    const std::function<void(const std::string& file, sigma::ReadResult& read)>& each,
                    std::string_view command)
{
    const auto files = eventFilesOrReport(paths);
    if (!files)
        return false;
    for (const auto& file : *files) {
        sigma::ReadResult read = sigma::readEventsFile(file);
        for (const auto& d : read.diagnostics)
            std::cerr << d.format() << '\n';
        if (read.failed()) {
            if (!command.empty())
                std::cerr << "sigmawb " << command << ": " << file << ": cannot read the events\n";
            return false;
        }
        each(file, read);
    }
    return true;
}

bool writeOutputFile(std::string_view command, const std::string& path, std::string_view text)
{
    std::string error;
    if (sigma::writeFileAtomically(path, text, error))
        return true;
    std::cerr << "sigmawb " << command << ": " << error << '\n';
    return false;
}

const char* const kCorpusHelp =
    "Folder (or file) of Sigma, Elastic (.toml) and Splunk (.yml) rules, searched recursively; "
    "repeat --corpus for several";

void addCorpusOption(CLI::App& sub, std::vector<std::string>& corpus)
{
    sub.add_option("--corpus", corpus, kCorpusHelp)->required()->expected(1)->allow_extra_args(false)->take_all();
}

std::optional<std::vector<std::filesystem::path>> corpusRoots(std::string_view command,
                                                              const std::vector<std::string>& paths)
{
    std::vector<std::filesystem::path> roots;
    for (const auto& p : paths) {
        std::error_code ec;
        if (!std::filesystem::is_directory(p, ec) && !std::filesystem::is_regular_file(p, ec)) {
            std::cerr << "sigmawb " << command << ": " << p << ": no such corpus folder\n";
            return std::nullopt;
        }
        roots.emplace_back(p);
    }
    return roots;
}

void CompileFlags::addTo(CLI::App& sub)
{
    sub.add_option("--placeholders", placeholders, "YAML file: placeholder name -> values (for |expand)");
    sub.add_option("--logsources", logSources,
                   "CSV file overriding rows of the built-in log-source table (same format)");
    sub.add_flag("--translate-5156", translate5156,
                 "Read Security 5156 events as Sysmon network connections (network_connection rules)");
    sub.add_flag("--no-scope", noScope, "Test every rule against every event, whatever its log source");
}

std::optional<CompileSetup> compileSetup(const CompileFlags& flags)
{
    CompileSetup setup;
    setup.options.translateSecurity5156 = flags.translate5156;
    setup.options.scopeByLogSource = !flags.noScope;
    sigma::Diagnostics problems;
    if (!flags.placeholders.empty())
        setup.options.placeholders = sigma::loadPlaceholdersFile(flags.placeholders, problems);
    if (!flags.logSources.empty()) {
        setup.logSources = std::make_unique<sigma::LogSourceTable>(
            sigma::LogSourceTable::builtin().overriddenBy(sigma::LogSourceTable::fromFile(flags.logSources, problems)));
        setup.options.logSources = setup.logSources.get();
    }
    for (const auto& d : problems)
        std::cerr << d.format() << '\n';
    if (sigma::hasErrors(problems))
        return std::nullopt;
    return setup;
}

} // namespace sigmawb
