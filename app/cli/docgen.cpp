// sigmawb-docgen KIND OUTPUT DATE: writes the man page (KIND man) or a shell completion (bash, zsh,
// fish) of sigmawb, from the command tree sigmawb itself parses with. Run by the build, not installed.
#include "clidoc.h"
#include "commandregistry.h"

#include "util/version.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: sigmawb-docgen man|bash|zsh|fish OUTPUT DATE\n";
        return 2;
    }
    CLI::App app;
    sigmawb::buildCommandLine(app);
    const std::string text = sigmawb::doc::generate(app, argv[1], sigma::versionString(), argv[3]);
    if (text.empty()) {
        std::cerr << "sigmawb-docgen: unknown kind " << argv[1] << '\n';
        return 2;
    }
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        std::cerr << "sigmawb-docgen: cannot write " << argv[2] << '\n';
        return 2;
    }
    return 0;
}
