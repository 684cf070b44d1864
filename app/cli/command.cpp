#include "command.h"

#include "commandregistry.h"

#include "util/version.h"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace sigmawb {

std::vector<CommandInfo>& commandRegistry()
{
    static std::vector<CommandInfo> commands;
    return commands;
}

bool registerCommand(int order, std::string name, std::string description, Setup setup)
{
    commandRegistry().push_back(CommandInfo{order, std::move(name), std::move(description), std::move(setup)});
    return true;
}

Runners buildCommandLine(CLI::App& app)
{
    app.name("sigmawb");
    app.description("sigmawb - lint, match, explain and test Sigma rules against Windows events");
    app.set_version_flag("--version", std::string("sigmawb ") + sigma::versionString());
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success, 1 check failed, 2 usage or I/O error, 3 damaged input skipped or no events read "
               "from the paths given.");

    auto commands = commandRegistry();
    std::stable_sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
    Runners runners;
    for (auto& c : commands) {
        CLI::App* sub = app.add_subcommand(c.name, c.description);
        runners.emplace_back(sub, c.setup(*sub));
    }
    return runners;
}

} // namespace sigmawb
