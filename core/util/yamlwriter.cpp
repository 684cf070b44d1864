#include "util/yamlwriter.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace sigma::yaml {

bool plainSafe(std::string_view s)
{
    if (s.empty())
        return false;
    static constexpr std::array<std::string_view, 22> reserved = {
        "true", "false", "yes",  "no",  "on", "off", "null", "~",  "True", "False", "Null",
        "TRUE", "FALSE", "NULL", "Yes", "No", "YES", "NO",   "On", "Off",  "ON",    "OFF"};
    if (std::find(reserved.begin(), reserved.end(), s) != reserved.end())
        return false;
    if (std::all_of(s.begin(), s.end(),
                    [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'; }))
        return false; // looks like a number
    if (s.front() == '-' || (s.front() == '.' && s.size() == 1))
        return false;
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
               c == '/' || c == '-' || c == '\\' || c == '+' || c >= 0x80;
    });
}

std::string doubleQuoted(std::string_view s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + '"';
}

std::string scalar(std::string_view s)
{
    return plainSafe(s) ? std::string(s) : doubleQuoted(s);
}

void appendLiteralBlock(std::string& out, std::string_view text, std::string_view indent)
{
    // The chomping indicator keeps the trailing newlines exactly: "-" none, "" one, "+" several.
    std::size_t trailing = 0;
    while (trailing < text.size() && text[text.size() - 1 - trailing] == '\n')
        ++trailing;
    const std::string_view body = text.substr(0, text.size() - trailing);
    out += '|';
    if (!body.empty() && (body.front() == ' ' || body.front() == '\n'))
        out += '2'; // the content is indented two spaces more than its key
    out += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    out += '\n';
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t nl = body.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = body.size();
        const std::string_view line = body.substr(pos, nl - pos);
        if (!line.empty()) {
            out += indent;
            out += line;
        }
        out += '\n';
        pos = nl + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i)
        out += '\n';
}

} // namespace sigma::yaml
