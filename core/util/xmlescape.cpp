#include "util/xmlescape.h"

#include "util/utf8.h"

#include <cstdint>

namespace sigma {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

/// Length of the valid UTF-8 sequence at text[i] that XML 1.0 allows, or 0.
std::size_t validXmlChar(std::string_view text, std::size_t i)
{
    std::size_t end = i;
    bool valid = true;
    const char32_t cp = decodeUtf8(text, end, &valid);
    if (!valid || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return end - i;
}

} // namespace

void appendXmlEscaped(std::string& out, std::string_view text, XmlEscape mode)
{
    const bool attribute = mode == XmlEscape::Attribute;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = validXmlChar(text, i);
        if (len == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        switch (text[i]) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += attribute ? "&quot;" : "\"";
            break;
        case '\'':
            out += attribute ? "&#39;" : "'";
            break;
        case '\n':
            out += attribute ? "&#10;" : "\n";
            break;
        case '\t':
            out += attribute ? "&#9;" : "\t";
            break;
        case '\r':
            out += "&#13;";
            break;
        default:
            out.append(text.substr(i, len));
        }
        i += len;
    }
}

std::string xmlEscaped(std::string_view text, XmlEscape mode)
{
    std::string out;
    out.reserve(text.size() + 16);
    appendXmlEscaped(out, text, mode);
    return out;
}

} // namespace sigma
