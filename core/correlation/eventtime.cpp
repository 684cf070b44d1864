// Event times of correlations: ISO 8601 UTC text <-> microseconds since 1970 (see correlation.h).
#include "correlation/correlation.h"

#include "util/civildate.h"

#include <cstdio>

namespace sigma {

std::optional<EventTime> parseEventTime(std::string_view text)
{
    int y, mo, d, h, mi, s;
    if (text.size() < 19 || !digitsAt(text, 0, 4, y) || text[4] != '-' || !digitsAt(text, 5, 2, mo) || text[7] != '-' ||
        !digitsAt(text, 8, 2, d) || (text[10] != 'T' && text[10] != ' ') || !digitsAt(text, 11, 2, h) ||
        text[13] != ':' || !digitsAt(text, 14, 2, mi) || text[16] != ':' || !digitsAt(text, 17, 2, s))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    std::size_t pos = 19;
    std::int64_t micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6)
                micros = micros * 10 + (text[pos] - '0'), ++digits;
            ++pos;
        }
        if (digits == 0)
            return std::nullopt;
        for (; digits < 6; ++digits)
            micros *= 10;
    }
    const std::string_view rest = text.substr(pos);
    if (!(rest.empty() || rest == "Z" || rest == "z" || rest == "+00:00" || rest == "+0000" || rest == "-00:00"))
        return std::nullopt;
    const std::int64_t seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return seconds * 1'000'000 + micros;
}

std::string formatEventTime(EventTime time)
{
    std::int64_t seconds = time / 1'000'000;
    std::int64_t micros = time % 1'000'000;
    if (micros < 0)
        micros += 1'000'000, --seconds;
    std::int64_t days = seconds / 86400;
    std::int64_t rem = seconds % 86400;
    if (rem < 0)
        rem += 86400, --days;
    const CivilDate date = civilFromDays(days);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", int(date.year), date.month, date.day,
                  int(rem / 3600), int(rem / 60 % 60), int(rem % 60), int(micros));
    return buf;
}

} // namespace sigma
