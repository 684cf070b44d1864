#include "command.h"

#include "commandregistry.h"

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

} // namespace sigmawb
