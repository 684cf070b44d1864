// sigmawb: every non-visual job of Sigma Workbench, for detection-as-code pipelines.
#include "commandregistry.h"

#include "util/version.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

int main(int argc, char** argv)
{
    using namespace sigmawb;
    CLI::App app{"sigmawb - lint, match, explain and test Sigma rules against Windows events"};
    app.name("sigmawb");
    app.set_version_flag("--version", std::string("sigmawb ") + sigma::versionString());
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success, 1 check failed, 2 usage or I/O error, 3 damaged input skipped or no events read "
               "from the paths given.");

    auto& commands = commandRegistry();
    std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
    std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
    for (auto& c : commands) {
        CLI::App* sub = app.add_subcommand(c.name, c.description);
        runners.emplace_back(sub, c.setup(*sub));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return ExitUsage;
    }
    for (auto& [sub, run] : runners)
        if (sub->parsed())
            return run();
    return ExitUsage;
}
