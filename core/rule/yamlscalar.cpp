// YAML 1.1 implicit typing of plain scalars (see yamlscalar.h).
#include "rule/yamlscalar.h"

#include "util/asciitext.h"

#include <charconv>
#include <cmath>
#include <string>

namespace sigma::yaml11 {

bool resolveBool(std::string_view s, bool& out)
{
    static constexpr std::string_view yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static constexpr std::string_view no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (auto y : yes)
        if (s == y)
            return out = true, true;
    for (auto n : no)
        if (s == n)
            return out = false, true;
    return false;
}

bool resolveInt(std::string_view s, long long& out)
{
    if (s.empty())
        return false;
    bool negative = false;
    std::size_t i = 0;
    if (s[0] == '+' || s[0] == '-') {
        negative = s[0] == '-';
        i = 1;
    }
    std::string_view body = s.substr(i);
    if (body.empty())
        return false;
    auto digits = [](std::string_view d, int base, long long& value) {
        if (d.empty() || d.front() == '_')
            return false;
        unsigned long long v = 0;
        bool any = false;
        for (char c : d) {
            if (c == '_')
                continue;
            int x = -1;
            if (c >= '0' && c <= '9')
                x = c - '0';
            else if (c >= 'a' && c <= 'f')
                x = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                x = c - 'A' + 10;
            if (x < 0 || x >= base)
                return false;
            if (v > (~0ULL) / 16)
                return false; // overflow: keep it a string
            v = v * static_cast<unsigned>(base) + static_cast<unsigned>(x);
            any = true;
        }
        if (!any || v > static_cast<unsigned long long>(9223372036854775807LL))
            return false;
        value = static_cast<long long>(v);
        return true;
    };
    long long v = 0;
    bool ok = false;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'))
        ok = body[1] == 'x' && digits(body.substr(2), 16, v);
    else if (body.size() > 2 && body[0] == '0' && body[1] == 'b')
        ok = digits(body.substr(2), 2, v);
    else if (body.size() > 2 && body[0] == '0' && body[1] == 'o')
        ok = digits(body.substr(2), 8, v); // YAML 1.2 form, accepted too
    else if (body.size() > 1 && body[0] == '0' && body.find(':') == std::string_view::npos)
        ok = digits(body.substr(1), 8, v); // YAML 1.1 octal: 017
    else if (body.find(':') != std::string_view::npos) {
        // sexagesimal: [1-9][0-9_]*(:[0-5]?[0-9])+
        if (body[0] < '1' || body[0] > '9')
            return false;
        long long total = 0;
        std::size_t start = 0;
        bool first = true;
        while (start <= body.size()) {
            const auto colon = body.find(':', start);
            auto part = body.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
            long long pv = 0;
            if (!digits(part, 10, pv))
                return false;
            if (!first && (part.size() > 2 || pv > 59))
                return false;
            total = total * 60 + pv;
            first = false;
            if (colon == std::string_view::npos)
                break;
            start = colon + 1;
        }
        v = total;
        ok = true;
    } else {
        ok = isAsciiDigit(body[0]) && digits(body, 10, v);
    }
    if (!ok)
        return false;
    out = negative ? -v : v;
    return true;
}

bool resolveFloat(std::string_view s, double& out)
{
    // PyYAML: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    std::string_view body = s;
    bool negative = false;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
        negative = body[0] == '-';
        body.remove_prefix(1);
    }
    if (body == ".inf" || body == ".Inf" || body == ".INF")
        return out = negative ? -HUGE_VAL : HUGE_VAL, true;
    if (s == ".nan" || s == ".NaN" || s == ".NAN")
        return out = std::nan(""), true;
    std::size_t i = 0;
    std::string clean;
    while (i < body.size() && (isAsciiDigit(body[i]) || (i > 0 && body[i] == '_'))) {
        if (body[i] != '_')
            clean += body[i];
        ++i;
    }
    if (i >= body.size() || body[i] != '.')
        return false;
    clean += '.';
    ++i;
    while (i < body.size() && (isAsciiDigit(body[i]) || body[i] == '_')) {
        if (body[i] != '_')
            clean += body[i];
        ++i;
    }
    if (clean == ".")
        return false;
    if (i < body.size()) {
        if ((body[i] != 'e' && body[i] != 'E') || i + 2 >= body.size() || (body[i + 1] != '+' && body[i + 1] != '-'))
            return false;
        clean += body.substr(i, 2);
        i += 2;
        const std::size_t expStart = i;
        while (i < body.size() && isAsciiDigit(body[i]))
            clean += body[i++];
        if (i != body.size() || i == expStart)
            return false;
    }
    // from_chars, not strtod: the decimal point must not follow the process locale (the GUI runs
    // in the user's, where it may be ',').
    double v = 0;
    std::from_chars(clean.data(), clean.data() + clean.size(), v);
    out = negative ? -v : v;
    return true;
}

} // namespace sigma::yaml11
