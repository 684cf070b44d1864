#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace sigmawb {

/// Exit codes shared by every subcommand.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1, ///< the check failed (lint errors, failing tests, rules that do not compile)
    ExitUsage = 2,   ///< usage or I/O error
    ExitPartial = 3, ///< some input was damaged and skipped (events)
};

/// A subcommand adds its options to `sub` and returns the function that runs it once parsed.
using Setup = std::function<std::function<int()>(CLI::App& sub)>;

/// Registers a subcommand; call from a static initialiser in cmd_NAME.cpp. `order` sorts --help.
bool registerCommand(int order, std::string name, std::string description, Setup setup);

} // namespace sigmawb
