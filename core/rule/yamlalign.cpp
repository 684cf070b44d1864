#include "rule/yamlbuilder.h"

#include "util/hexdigit.h"

#include <algorithm>

namespace sigma::yamltree::detail {

namespace {

int utf8Length(unsigned long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

} // namespace

std::size_t align(const Node& node, std::string_view text, std::vector<std::size_t>* out)
{
    const std::string& v = node.value;
    const std::size_t n = text.size();
    if (out)
        out->assign(v.size() + 1, node.begin);
    std::size_t j = node.begin;
    const bool block = node.style == Node::Style::Literal || node.style == Node::Style::Folded;
    const bool single = node.style == Node::Style::SingleQuoted;
    const bool dbl = node.style == Node::Style::DoubleQuoted;
    if (block) {
        while (j < n && text[j] != '\n')
            ++j;
        if (j < n)
            ++j;
    } else if (single || dbl) {
        ++j; // opening quote
    }
    std::size_t lastContent = std::string::npos; // offset of the last non-line-break source char
    std::size_t i = 0;
    while (i < v.size() && j < n) {
        const char c = v[i];
        const char r = text[j];
        if (dbl && r == '\\' && j + 1 < n) {
            const char e = text[j + 1];
            if (e == '\n' || e == '\r') { // escaped line break: produces nothing
                j += 2;
                while (j < n && isBlank(text[j]))
                    ++j;
                continue;
            }
            std::size_t escLen = 2;
            int produced = 1;
            auto hex = [&](int digits) {
                unsigned long cp = 0;
                for (int k = 0; k < digits && j + 2 + k < n; ++k) {
                    const int h = asciiHexValue(text[j + 2 + k]);
                    if (h < 0)
                        break;
                    cp = cp * 16 + static_cast<unsigned long>(h);
                }
                escLen = 2 + static_cast<std::size_t>(digits);
                produced = utf8Length(cp);
            };
            if (e == 'x')
                hex(2);
            else if (e == 'u')
                hex(4);
            else if (e == 'U')
                hex(8);
            else if (e == 'N' || e == '_')
                produced = 2;
            else if (e == 'L' || e == 'P')
                produced = 3;
            for (int k = 0; k < produced && i < v.size(); ++k, ++i)
                if (out)
                    (*out)[i] = j;
            lastContent = j + escLen - 1;
            j += escLen;
            continue;
        }
        if (single && r == '\'' && j + 1 < n && text[j + 1] == '\'' && c == '\'') {
            if (out)
                (*out)[i] = j;
            lastContent = j + 1;
            ++i;
            j += 2;
            continue;
        }
        if (r == c) {
            if (out)
                (*out)[i] = j;
            if (r != '\n')
                lastContent = j;
            ++i;
            ++j;
            continue;
        }
        if (isBlank(r)) { // folding, indentation
            ++j;
            continue;
        }
        break; // unexpected: stop aligning (best effort)
    }
    if (out)
        for (; i < v.size(); ++i)
            (*out)[i] = std::min(j, n);
    std::size_t end;
    if (single || dbl) {
        const char q = single ? '\'' : '"';
        while (j < n && text[j] != q) {
            if (dbl && text[j] == '\\')
                ++j;
            ++j;
        }
        end = std::min(j + 1, n);
    } else if (lastContent != std::string::npos) {
        end = lastContent + 1;
    } else {
        end = block ? std::min(j, n) : node.begin;
        if (block) { // empty block scalar: end of the header line
            std::size_t k = node.begin;
            while (k < n && text[k] != '\n' && text[k] != '\r')
                ++k;
            end = k;
        }
    }
    if (out)
        out->back() = end;
    return end;
}

} // namespace sigma::yamltree::detail
