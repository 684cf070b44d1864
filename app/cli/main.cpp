// sigmawb: every non-visual job of Sigma Workbench, for detection-as-code pipelines.
#include "commandregistry.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv)
{
    using namespace sigmawb;
    CLI::App app;
    const Runners runners = buildCommandLine(app);

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
