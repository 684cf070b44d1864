#include "clidoc.h"

#include <CLI/CLI.hpp>

#include <sstream>

namespace sigmawb::doc {

namespace {

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\t')
            c = ' ';
    return text;
}

std::vector<std::string> choicesOf(const std::string& typeName)
{
    std::vector<std::string> out;
    const auto open = typeName.find('{');
    const auto close = typeName.find('}', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos)
        return out;
    std::string item;
    for (char c : typeName.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            out.push_back(item);
            item.clear();
        } else if (c != ' ') {
            item += c;
        }
    }
    if (!item.empty())
        out.push_back(item);
    return out;
}

OptionDoc optionDoc(const CLI::Option& opt)
{
    OptionDoc d;
    d.longNames = opt.get_lnames();
    d.shortNames = opt.get_snames();
    if (!opt.nonpositional())
        d.positionalName = opt.get_name(true);
    d.description = oneLine(opt.get_description());
    d.required = opt.get_required();
    d.repeatable = opt.get_items_expected_max() > 1 || opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    if (opt.get_items_expected_max() == 0) { // a flag
        d.kind = ValueKind::None;
        return d;
    }
    const std::string type = opt.get_type_name();
    d.valueText = type + (opt.get_items_expected_max() > 1 ? " ..." : "");
    d.choices = choicesOf(type);
    if (!d.choices.empty())
        d.kind = ValueKind::Choices;
    else if (type.rfind("UINT", 0) == 0 || type.rfind("INT", 0) == 0 || type.rfind("FLOAT", 0) == 0 ||
             type.rfind("NUMBER", 0) == 0 || type.rfind("POSITIVE", 0) == 0 || type.rfind("NONNEGATIVE", 0) == 0)
        d.kind = ValueKind::Number;
    else
        d.kind = ValueKind::Files;
    return d;
}

void describeInto(const CLI::App& app, const std::string& prefix, std::vector<CommandDoc>& out)
{
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_group().empty())
            continue; // hidden
        CommandDoc c;
        c.path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
        c.description = oneLine(sub->get_description());
        c.footer = sub->get_footer();
        for (const CLI::Option* opt : sub->get_options([](const CLI::Option*) { return true; }))
            if (!opt->get_group().empty())
                c.options.push_back(optionDoc(*opt));
        out.push_back(c);
        describeInto(*sub, c.path, out);
    }
}

std::vector<OptionDoc> rootOptions(const CLI::App& app)
{
    std::vector<OptionDoc> out;
    for (const CLI::Option* opt : app.get_options([](const CLI::Option*) { return true; }))
        if (!opt->get_group().empty())
            out.push_back(optionDoc(*opt));
    return out;
}

// --- roff ---------------------------------------------------------------------------------------

std::string roff(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 8);
    bool lineStart = true;
    for (char c : text) {
        if (lineStart && (c == '.' || c == '\''))
            out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        lineStart = c == '\n';
    }
    return out;
}

std::string upper(std::string s)
{
    for (char& c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string optionHeading(const OptionDoc& o)
{
    std::string names;
    if (!o.positionalName.empty())
        return "\\fI" + roff(o.positionalName) + "\\fR" + (o.repeatable ? " ..." : "");
    for (const auto& s : o.shortNames)
        names += (names.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(s) + "\\fR";
    for (const auto& l : o.longNames)
        names += (names.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(l) + "\\fR";
    if (!o.valueText.empty())
        names += " \\fI" + roff(o.valueText) + "\\fR";
    return names;
}

// --- shell quoting ------------------------------------------------------------------------------

std::string singleQuotedSh(std::string_view text) // for bash and zsh: '...' with '\'' for quotes
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string zshBracket(std::string_view text) // the [description] of an _arguments spec
{
    std::string out;
    for (char c : text) {
        if (c == '[' || c == ']' || c == '\\' || c == ':')
            out += '\\';
        out += c;
    }
    return out;
}

std::string fishQuoted(std::string_view text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

/// The subcommands directly under sigmawb (completions offer nested ones after their parent).
std::vector<std::string> topLevel(const std::vector<CommandDoc>& commands)
{
    std::vector<std::string> out;
    for (const auto& c : commands)
        if (c.path.find(' ') == std::string::npos)
            out.push_back(c.path);
    return out;
}

/// "-h", "--help": the spellings of an option on a command line.
std::vector<std::string> flagsOf(const OptionDoc& o)
{
    std::vector<std::string> out;
    for (const auto& s : o.shortNames)
        out.push_back("-" + s);
    for (const auto& l : o.longNames)
        out.push_back("--" + l);
    return out;
}

std::string joined(const std::vector<std::string>& words)
{
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

} // namespace

std::vector<CommandDoc> describe(const CLI::App& app)
{
    std::vector<CommandDoc> out;
    describeInto(app, "", out);
    return out;
}

std::string manPage(const CLI::App& app, std::string_view version, std::string_view date)
{
    const auto commands = describe(app);
    std::ostringstream m;
    m << ".\\\" Generated from the command line of sigmawb (app/cli/clidoc.cpp); do not edit.\n";
    m << ".TH SIGMAWB 1 \"" << date << "\" \"sigmawb " << version << "\" \"User Commands\"\n";
    m << ".SH NAME\n";
    std::string summary = app.get_description();
    const auto dash = summary.find(" - ");
    if (dash != std::string::npos)
        summary = summary.substr(dash + 3);
    m << "sigmawb \\- " << roff(summary) << "\n";
    m << ".SH SYNOPSIS\n";
    m << ".B sigmawb\n.I command\n.RI [ options ]\n.br\n.B sigmawb \\-\\-version\n.br\n"
         ".B sigmawb\n.I command\n.B \\-\\-help\n";
    m << ".SH DESCRIPTION\n";
    m << "\\fBsigmawb\\fR is the headless side of Sigma Workbench: every job that needs no window "
         "(linting, matching rules against Windows events, explaining a match, counting how noisy each "
         "indicator is, ATT&CK coverage, test manifests and exports) for detection\\-as\\-code pipelines. "
         "Each job is a command; \\fBsigmawb\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR prints the same options "
         "as this page.\n";
    m << ".SH COMMANDS\n";
    for (const auto& c : commands) {
        m << ".TP\n.B " << roff(c.path) << "\n" << roff(c.description) << "\n";
    }
    for (const auto& c : commands) {
        m << ".SH \"SIGMAWB " << roff(upper(c.path)) << "\"\n";
        m << roff(c.description) << ".\n";
        m << ".PP\n.B sigmawb " << roff(c.path) << "\n.RI [ options ]\n";
        for (const auto& o : c.options) {
            m << ".TP\n" << optionHeading(o) << (o.required ? " (required)" : "") << "\n";
            m << roff(o.description.empty() ? std::string("(no description)") : o.description) << "\n";
        }
    }
    m << ".SH \"EXIT STATUS\"\n" << roff(oneLine(app.get_footer())) << "\n";
    m << ".SH \"SEE ALSO\"\nThe Sigma specification "
         "<https://github.com/SigmaHQ/sigma\\-specification>\n";
    return m.str();
}

std::string bashCompletion(const CLI::App& app)
{
    const auto commands = describe(app);
    std::vector<std::string> top = topLevel(commands);
    for (const auto& o : rootOptions(app))
        for (const auto& l : o.longNames)
            top.push_back("--" + l);

    std::ostringstream b;
    b << "# bash completion for sigmawb. Generated from its command line (app/cli/clidoc.cpp); do not edit.\n";
    b << "_sigmawb()\n{\n";
    b << "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n";
    b << "    local cmd='' i\n";
    b << "    for ((i = 1; i < COMP_CWORD; i++)); do\n";
    b << "        case ${COMP_WORDS[i]} in\n        -*) ;;\n        *) cmd=${COMP_WORDS[i]}; break ;;\n"
         "        esac\n    done\n";
    b << "    if [[ -z $cmd ]]; then\n";
    b << "        COMPREPLY=($(compgen -W " << singleQuotedSh(joined(top)) << " -- \"$cur\"))\n";
    b << "        return\n    fi\n";
    b << "    case $cmd in\n";
    for (const auto& c : commands) {
        if (c.path.find(' ') != std::string::npos)
            continue;
        std::vector<std::string> words;
        b << "    " << c.path << ")\n        case $prev in\n";
        for (const auto& o : c.options) {
            if (!o.positionalName.empty())
                continue; // positional arguments are paths: the file completion below
            const std::vector<std::string> names = flagsOf(o);
            for (const auto& n : names)
                words.push_back(n);
            std::string pattern;
            for (const auto& n : names)
                pattern += (pattern.empty() ? "" : "|") + n;
            if (o.kind == ValueKind::Choices)
                b << "        " << pattern << ") COMPREPLY=($(compgen -W " << singleQuotedSh(joined(o.choices))
                  << " -- \"$cur\")); return ;;\n";
            else if (o.kind == ValueKind::Files)
                b << "        " << pattern
                  << ") compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
            else if (o.kind == ValueKind::Number)
                b << "        " << pattern << ") return ;;\n";
        }
        b << "        esac\n";
        b << "        if [[ $cur == -* ]]; then\n";
        b << "            COMPREPLY=($(compgen -W " << singleQuotedSh(joined(words)) << " -- \"$cur\"))\n";
        b << "        else\n";
        b << "            compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))\n";
        b << "        fi\n        ;;\n";
    }
    b << "    esac\n}\ncomplete -F _sigmawb sigmawb\n";
    return b.str();
}

std::string zshCompletion(const CLI::App& app)
{
    const auto commands = describe(app);
    std::ostringstream z;
    z << "#compdef sigmawb\n";
    z << "# zsh completion for sigmawb. Generated from its command line (app/cli/clidoc.cpp); do not edit.\n";
    z << "_sigmawb() {\n  local curcontext=\"$curcontext\" state line\n  local -a commands\n  commands=(\n";
    for (const auto& c : commands)
        if (c.path.find(' ') == std::string::npos)
            z << "    " << singleQuotedSh(c.path + ":" + c.description) << "\n";
    z << "  )\n";
    z << "  _arguments -C \\\n";
    for (const auto& o : rootOptions(app))
        for (const auto& l : o.longNames)
            z << "    " << singleQuotedSh("(- *)--" + l + "[" + zshBracket(o.description) + "]") << " \\\n";
    z << "    '1: :->command' \\\n    '*:: :->args'\n";
    z << "  case $state in\n  command) _describe -t commands 'sigmawb command' commands ;;\n  args)\n";
    z << "    case $words[1] in\n";
    for (const auto& c : commands) {
        if (c.path.find(' ') != std::string::npos)
            continue;
        z << "    " << c.path << ")\n      _arguments \\\n";
        for (const auto& o : c.options) {
            std::string action;
            if (o.kind == ValueKind::Choices)
                action = ":value:(" + joined(o.choices) + ")";
            else if (o.kind == ValueKind::Files)
                action = ":file:_files";
            else if (o.kind == ValueKind::Number)
                action = ":number: ";
            if (!o.positionalName.empty()) {
                z << "        "
                  << singleQuotedSh((o.repeatable ? "*" : "") + std::string(":") + o.positionalName + action)
                  << " \\\n";
                continue;
            }
            const std::vector<std::string> names = flagsOf(o);
            for (const auto& n : names)
                z << "        "
                  << singleQuotedSh((o.repeatable ? "*" : "") + n + "[" + zshBracket(o.description) + "]" + action)
                  << " \\\n";
        }
        z << "        && return\n      ;;\n";
    }
    z << "    esac\n    ;;\n  esac\n}\n_sigmawb \"$@\"\n";
    return z.str();
}

std::string fishCompletion(const CLI::App& app)
{
    const auto commands = describe(app);
    std::vector<std::string> top = topLevel(commands);
    std::ostringstream f;
    f << "# fish completion for sigmawb. Generated from its command line (app/cli/clidoc.cpp); do not edit.\n";
    f << "complete -c sigmawb -f\n";
    for (const auto& o : rootOptions(app))
        for (const auto& l : o.longNames)
            f << "complete -c sigmawb -n __fish_use_subcommand -l " << l << " -d " << fishQuoted(o.description) << "\n";
    for (const auto& c : commands) {
        if (c.path.find(' ') != std::string::npos)
            continue;
        f << "complete -c sigmawb -n __fish_use_subcommand -a " << c.path << " -d " << fishQuoted(c.description)
          << "\n";
        const std::string cond = fishQuoted("__fish_seen_subcommand_from " + c.path);
        bool positionalFiles = false;
        for (const auto& o : c.options) {
            if (!o.positionalName.empty()) {
                positionalFiles = positionalFiles || o.kind == ValueKind::Files;
                continue;
            }
            f << "complete -c sigmawb -n " << cond;
            for (const auto& s : o.shortNames)
                f << " -s " << s;
            for (const auto& l : o.longNames)
                f << " -l " << l;
            if (o.kind == ValueKind::Choices)
                f << " -x -a " << fishQuoted(joined(o.choices));
            else if (o.kind == ValueKind::Files)
                f << " -r -F";
            else if (o.kind == ValueKind::Number)
                f << " -x";
            f << " -d " << fishQuoted(o.description) << "\n";
        }
        if (positionalFiles)
            f << "complete -c sigmawb -n " << cond << " -F\n";
    }
    return f.str();
}

std::string generate(const CLI::App& app, std::string_view kind, std::string_view version, std::string_view date)
{
    if (kind == "man")
        return manPage(app, version, date);
    if (kind == "bash")
        return bashCompletion(app);
    if (kind == "zsh")
        return zshCompletion(app);
    if (kind == "fish")
        return fishCompletion(app);
    return {};
}

} // namespace sigmawb::doc
