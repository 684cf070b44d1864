// Helpers of the correlation evaluator: see values.h.
#include "correlation/values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace sigma::correlationvalues {

std::optional<double> parseNumber(std::string_view text)
{
    std::string_view s = text;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<double> percentile(std::vector<double> values, double percent)
{
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const double rank = percent / 100.0 * double(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const auto hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (rank - double(lo));
}

bool holds(const std::vector<CorrelationTerm>& condition, double value)
{
    for (const auto& t : condition) {
        bool ok = false;
        switch (t.op) {
        case CorrelationOp::Gt:
            ok = value > t.value;
            break;
        case CorrelationOp::Gte:
            ok = value >= t.value;
            break;
        case CorrelationOp::Lt:
            ok = value < t.value;
            break;
        case CorrelationOp::Lte:
            ok = value <= t.value;
            break;
        case CorrelationOp::Eq:
            ok = value == t.value;
            break;
        case CorrelationOp::Neq:
            ok = value != t.value;
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

std::string joinKey(const std::vector<std::string>& values)
{
    std::string key;
    for (const auto& v : values) {
        key += v;
        key += kSeparator;
    }
    return key;
}

std::vector<std::string> splitKey(const std::string& key, std::size_t count)
{
    std::vector<std::string> out;
    std::size_t from = 0;
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t to = i + 1 == count ? key.size() - 1 : key.find(kSeparator, from);
        if (to == std::string::npos || to < from)
            to = from;
        out.push_back(key.substr(from, to - from));
        from = to + 1;
    }
    return out;
}

} // namespace sigma::correlationvalues
