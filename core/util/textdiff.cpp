// unifiedDiff (see textdiff.h): the longest common subsequence of lines, by dynamic programming
// over the lines between the common prefix and suffix (rules are short).
#include "util/textdiff.h"

#include <algorithm>
#include <vector>

namespace sigma {
namespace {

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto nl = text.find('\n', at);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(at, end - at));
        at = end;
    }
    return lines;
}

struct Op {
    char kind; ///< ' ', '-', '+'
    std::size_t oldLine, newLine;
};

} // namespace

std::string unifiedDiff(std::string_view before, std::string_view after, const std::string& oldName,
                        const std::string& newName, int context)
{
    if (before == after)
        return {};
    const auto a = splitLines(before);
    const auto b = splitLines(after);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    const std::size_t n = a.size() - prefix - suffix, m = b.size() - prefix - suffix;
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<Op> ops;
    for (std::size_t i = 0; i < prefix; ++i)
        ops.push_back({' ', i, i});
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[prefix + i] == b[prefix + j])
            ops.push_back({' ', prefix + i++, prefix + j++});
        else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]))
            ops.push_back({'-', prefix + i++, prefix + j});
        else
            ops.push_back({'+', prefix + i, prefix + j++});
    }
    for (std::size_t k = 0; k < suffix; ++k)
        ops.push_back({' ', prefix + n + k, prefix + m + k});

    std::string out = "--- " + oldName + "\n+++ " + newName + "\n";
    const auto line = [&](const Op& op) {
        const std::string_view text = op.kind == '+' ? b[op.newLine] : a[op.oldLine];
        std::string s(1, op.kind);
        s += text;
        if (s.back() != '\n')
            s += "\n\\ No newline at end of file\n";
        return s;
    };
    const auto ctx = static_cast<std::size_t>(std::max(context, 0));
    std::size_t k = 0;
    while (k < ops.size()) {
        if (ops[k].kind == ' ') {
            ++k;
            continue;
        }
        // a hunk: from `context` lines before this change to `context` lines after the last change
        // that is at most 2 * context lines from the next
        const std::size_t start = k >= ctx ? k - ctx : 0;
        std::size_t end = k;
        std::size_t last = k;
        while (end < ops.size()) {
            if (ops[end].kind != ' ')
                last = end;
            else if (end - last > 2 * ctx)
                break;
            ++end;
        }
        end = std::min(ops.size(), last + 1 + ctx);
        std::size_t oldCount = 0, newCount = 0;
        for (std::size_t x = start; x < end; ++x) {
            oldCount += ops[x].kind != '+';
            newCount += ops[x].kind != '-';
        }
        const std::size_t oldStart = oldCount ? ops[start].oldLine + 1 : ops[start].oldLine;
        const std::size_t newStart = newCount ? ops[start].newLine + 1 : ops[start].newLine;
        out += "@@ -" + std::to_string(oldStart) + "," + std::to_string(oldCount) + " +" + std::to_string(newStart) +
               "," + std::to_string(newCount) + " @@\n";
        for (std::size_t x = start; x < end; ++x)
            out += line(ops[x]);
        k = end;
    }
    return out;
}

} // namespace sigma
