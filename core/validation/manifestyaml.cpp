#include "validation/manifestyaml.h"
#include "util/asciitext.h"

#include <algorithm>

namespace sigma::manifestyaml {

Diagnostic yamlErrorDiagnostic(const YAML::Exception& e, const char* code, const std::string& file)
{
    SourceSpan span;
    if (e.mark.line >= 0)
        span.begin = span.end = {e.mark.line + 1, e.mark.column + 1};
    return makeDiagnostic(Severity::Error, code, e.msg, file, span);
}

SourceSpan spanOf(const YAML::Node& node)
{
    SourceSpan span;
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
        span.begin = {mark.line + 1, mark.column + 1};
        span.end = span.begin;
    }
    return span;
}

std::string nodeTypeName(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Scalar:
        return "a scalar";
    case YAML::NodeType::Null:
        return "null";
    case YAML::NodeType::Undefined:
        break;
    }
    return "nothing";
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool readCount(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags, std::uint64_t& out)
{
    if (!node.IsScalar()) {
        diags.push_back(
            makeDiagnostic(Severity::Error, "manifest-invalid",
                           std::string("'") + key + "' must be a non-negative integer, not " + nodeTypeName(node), file,
                           spanOf(node)));
        return false;
    }
    const std::string& text = node.Scalar();
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                       std::string("'") + key + "' must be a non-negative integer, not '" + text + "'",
                                       file, spanOf(node)));
        return false;
    }
    out = std::stoull(text);
    return true;
}

bool readBool(const YAML::Node& node, const char* key, const std::string& file, Diagnostics& diags, bool& out)
{
    if (node.IsScalar()) {
        const std::string t = asciiLowered(node.Scalar());
        if (t == "true" || t == "yes" || t == "on") {
            out = true;
            return true;
        }
        if (t == "false" || t == "no" || t == "off") {
            out = false;
            return true;
        }
    }
    diags.push_back(makeDiagnostic(Severity::Error, "manifest-invalid",
                                   std::string("'") + key + "' must be true or false", file, spanOf(node)));
    return false;
}

/// yaml-cpp parses recursively: refuse input nested deep enough to exhaust the stack. Returns the
/// 1-based line where flow nesting ([ and {) gets deeper than the limit, or 0. Quoted text and
/// comments are skipped; block scalars are not special-cased (a bracket inside one only makes the
/// check stricter, and 64 levels are far beyond any real manifest).
int tooDeepAt(const std::string& text)
{
    int depth = 0;
    int line = 1;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            comment = false;
            continue;
        }
        if (comment)
            continue;
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || (c == '\'' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' || text[i - 1] == ',' ||
                                       text[i - 1] == '{' || text[i - 1] == ':')))
            quote = c;
        else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
            comment = true;
        else if (c == '[' || c == '{') {
            if (++depth > kMaxFlowDepth)
                return line;
        } else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return 0;
}

} // namespace sigma::manifestyaml
