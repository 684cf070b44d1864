#pragma once

#include "command.h"

#include <utility>
#include <vector>

namespace sigmawb {

struct CommandInfo {
    int order;
    std::string name;
    std::string description;
    Setup setup;
};

std::vector<CommandInfo>& commandRegistry();

/// A parsed subcommand and the function that runs it.
using Runners = std::vector<std::pair<CLI::App*, std::function<int()>>>;

/// Builds the whole command line of `sigmawb` on `app`: name, version flag, footer and every
/// registered subcommand in --help order. main(), the man page and the shell completions all read
/// this one tree, so they cannot drift apart.
Runners buildCommandLine(CLI::App& app);

} // namespace sigmawb
