#pragma once

// Small pieces several subcommands share.

#include <string>
#include <string_view>

namespace sigma {
class Corpus;
}

namespace sigmawb {

/// Prints the corpus problems on stderr (at most a screenful, then a count) and returns whether
/// any corpus file was left out.
bool reportCorpusProblems(const sigma::Corpus& corpus);

/// Writes `text` to `path` atomically (util/fileio.h); on failure prints
/// "sigmawb COMMAND: error" on stderr and returns false.
bool writeOutputFile(std::string_view command, const std::string& path, std::string_view text);

} // namespace sigmawb
