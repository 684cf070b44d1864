// `sigmawb version`: prints the version and the embedded data tables.
#include "command.h"

#include "util/resources.h"
#include "util/version.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {
const bool registered = sigmawb::registerCommand(1000, "version", "Print the version and the built-in data tables",
                                                 [](CLI::App&) -> std::function<int()> {
                                                     return [] {
                                                         std::cout << "sigmawb " << sigma::versionString() << '\n';
                                                         for (auto path : sigma::resources::list())
                                                             std::cout << "  data: " << path << '\n';
                                                         return 0;
                                                     };
                                                 });
} // namespace
