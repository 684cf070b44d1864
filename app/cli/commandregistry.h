#pragma once

#include "command.h"

#include <vector>

namespace sigmawb {

struct CommandInfo {
    int order;
    std::string name;
    std::string description;
    Setup setup;
};

std::vector<CommandInfo>& commandRegistry();

} // namespace sigmawb
