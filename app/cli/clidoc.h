#pragma once
// The man page and the bash, zsh and fish completions of `sigmawb`, written from the same CLI11
// command tree that parses its arguments (buildCommandLine), so --help, `man sigmawb` and
// completion always name the same subcommands and options.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace sigmawb::doc {

/// What completion offers for an option's value.
enum class ValueKind {
    None,    ///< a flag: no value
    Files,   ///< paths (TEXT values are rule, event, manifest or output paths)
    Choices, ///< one of a fixed set ({text,jsonl})
    Number,  ///< a count or size: nothing to complete
};

struct OptionDoc {
    std::vector<std::string> longNames;  ///< without "--"
    std::vector<std::string> shortNames; ///< without "-"
    std::string positionalName;          ///< set for positional arguments
    std::string description;
    std::string valueText; ///< "TEXT ...", "UINT", "TEXT:{text,jsonl}"
    ValueKind kind = ValueKind::None;
    std::vector<std::string> choices;
    bool repeatable = false; ///< takes several values or may be given several times
    bool required = false;
};

struct CommandDoc {
    std::string path; ///< "match", or "a b" for nested subcommands
    std::string description;
    std::string footer;
    std::vector<OptionDoc> options; ///< visible options in declaration order, --help first
};

/// The visible subcommands (depth first) of `app` with their options; hidden ones are left out.
std::vector<CommandDoc> describe(const CLI::App& app);

/// A roff man page (man(7) macros): NAME, SYNOPSIS, DESCRIPTION, COMMANDS, one section per
/// subcommand with every option, EXIT STATUS. `date` is written as given (e.g. "2026-12-02").
std::string manPage(const CLI::App& app, std::string_view version, std::string_view date);

std::string bashCompletion(const CLI::App& app);
std::string zshCompletion(const CLI::App& app);
std::string fishCompletion(const CLI::App& app);

/// `kind` is one of "man", "bash", "zsh", "fish"; empty string for an unknown kind.
std::string generate(const CLI::App& app, std::string_view kind, std::string_view version, std::string_view date);

} // namespace sigmawb::doc
