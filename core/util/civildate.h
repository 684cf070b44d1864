#pragma once

// Proleptic Gregorian dates <-> days since 1970-01-01, for the event-time renderers and the
// correlation windows (Howard Hinnant's civil calendar algorithms: exact for every int64 day in
// range, no time zone, no locale), and the fixed-width digit runs of ISO 8601 text.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sigma {

struct CivilDate {
    std::int64_t year = 1970;
    unsigned month = 1; ///< 1..12
    unsigned day = 1;   ///< 1..31
};

/// Days since 1970-01-01 of a date (month 1..12, day 1..31; not validated).
constexpr std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

/// The date of a day count since 1970-01-01.
constexpr CivilDate civilFromDays(std::int64_t days)
{
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned mp = (5 * dayOfYear + 2) / 153;
    CivilDate out;
    out.day = dayOfYear - (153 * mp + 2) / 5 + 1;
    out.month = mp < 10 ? mp + 3 : mp - 9;
    out.year = static_cast<std::int64_t>(yearOfEra) + era * 400 + (out.month <= 2 ? 1 : 0);
    return out;
}

/// The `count` decimal digits at text[pos] as a number (ISO 8601's fixed-width fields: "2024" at
/// 0, "03" at 5); false when the text is shorter or one of them is not a digit.
constexpr bool digitsAt(std::string_view text, std::size_t pos, std::size_t count, int& out)
{
    if (pos + count > text.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

} // namespace sigma
