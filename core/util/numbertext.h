#pragma once

// Real numbers as text with a '.' whatever the process locale (the GUI runs in the user's, where
// printf's %f may write a decimal comma): printf's %.Nf and %.Ne as the C locale writes them.

#include <array>
#include <charconv>
#include <string>

namespace sigma {

/// `value` with `precision` digits after the point, as printf("%.*f") in the C locale.
inline std::string fixedText(double value, int precision)
{
    std::array<char, 400> buffer{}; // %f of DBL_MAX has 309 digits before the point
    const auto [end, ec] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, precision);
    return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
}

/// `value` as printf("%.*e") in the C locale ("1.500000e+00").
inline std::string scientificText(double value, int precision)
{
    std::array<char, 64> buffer{};
    const auto [end, ec] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific, precision);
    return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
}

} // namespace sigma
