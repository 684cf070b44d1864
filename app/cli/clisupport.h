#pragma once

// Small pieces several subcommands share.

#include "engine/engine.h"
#include "engine/logsource.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}
namespace sigma {
class Corpus;
struct ReadResult;
} // namespace sigma

namespace sigmawb {

/// Prints the corpus problems on stderr (at most a screenful, then a count) and returns whether
/// any corpus file was left out.
bool reportCorpusProblems(const sigma::Corpus& corpus);

/// The corpus folders (or files) given with --corpus, checked: on a missing one prints
/// "sigmawb COMMAND: PATH: no such corpus folder" and returns nothing.
std::optional<std::vector<std::filesystem::path>> corpusRoots(std::string_view command,
                                                              const std::vector<std::string>& paths);

/// Help text of --corpus (Sigma, Elastic and Splunk rules; how to give several folders).
extern const char* const kCorpusHelp;

/// A required --corpus option taking one folder (or file) each time it is given, into `corpus`.
void addCorpusOption(CLI::App& sub, std::vector<std::string>& corpus);

/// Writes `text` to `path` atomically (util/fileio.h); on failure prints
/// "sigmawb COMMAND: error" on stderr and returns false.
bool writeOutputFile(std::string_view command, const std::string& path, std::string_view text);

/// The event files under `paths` (folders expanded, events/eventfiles.h); listing problems are
/// printed on stderr. Nullopt when one of them is an error (the caller exits with ExitUsage).
std::optional<std::vector<std::string>> eventFilesOrReport(const std::vector<std::string>& paths);

/// Reads the event files under `paths` (as eventFilesOrReport) one at a time, printing each file's
/// problems on stderr, and hands each file's result to `each` (which may move its events out).
/// False when a file cannot be listed or read (the caller exits with ExitUsage); the files before
/// it have been handed over. With `command`, an unreadable file is also named as
/// "sigmawb COMMAND: FILE: cannot read the events".
bool readEventFiles(const std::vector<std::string>& paths,
                    const std::function<void(const std::string& file, sigma::ReadResult& read)>& each,
                    std::string_view command = {});

/// The switches that say how rules are compiled, shared by `match` and `explain`: --placeholders,
/// --logsources, --translate-5156, --no-scope.
struct CompileFlags {
    std::string placeholders;
    std::string logSources;
    bool translate5156 = false;
    bool noScope = false;

    /// Adds the four options to a subcommand.
    void addTo(CLI::App& sub);
};

/// Compile options from the flags, with the placeholders and log-source table read (the options
/// point into `holder`, which must outlive them). Problems are printed on stderr; nothing is
/// returned when one is an error (a usage error).
struct CompileSetup {
    sigma::CompileOptions options;
    std::unique_ptr<sigma::LogSourceTable> logSources;
};
std::optional<CompileSetup> compileSetup(const CompileFlags& flags);

} // namespace sigmawb
