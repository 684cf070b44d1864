// The number family: gt/gte/lt/lte (and neq on numbers), and the time parts minute .. year.
#include "engine/valuematchers.h"

#include "util/civildate.h"

#include <charconv>
#include <cmath>
#include <ctime>

namespace sigma::engine {

std::optional<double> parseNumber(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text.empty() || text.size() > 64)
        return std::nullopt;
    double v = 0;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        std::uint64_t n = 0;
        const auto r = std::from_chars(text.data() + 2, text.data() + text.size(), n, 16);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size())
            return std::nullopt;
        v = static_cast<double>(n);
    } else {
        // from_chars, not strtod: "1.5" is a number whatever the process locale's decimal point
        // (the GUI runs in the user's). What strtod also took is kept: leading blanks, a '+'.
        while (!text.empty() && (text.front() == '\t' || text.front() == '\n' || text.front() == '\v' ||
                                 text.front() == '\f' || text.front() == '\r'))
            text.remove_prefix(1);
        if (text.size() > 1 && text[0] == '+' && text[1] != '-' && text[1] != '+')
            text.remove_prefix(1);
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size())
            return std::nullopt;
    }
    if (!std::isfinite(v))
        return std::nullopt;
    return v;
}

namespace {

const char* compareText(Compare c)
{
    switch (c) {
    case Compare::Eq:
        return "==";
    case Compare::Neq:
        return "!=";
    case Compare::Gt:
        return ">";
    case Compare::Gte:
        return ">=";
    case Compare::Lt:
        return "<";
    case Compare::Lte:
        return "<=";
    }
    return "?";
}

bool compare(double a, Compare op, double b)
{
    switch (op) {
    case Compare::Eq:
        return a == b;
    case Compare::Neq:
        return a != b;
    case Compare::Gt:
        return a > b;
    case Compare::Gte:
        return a >= b;
    case Compare::Lt:
        return a < b;
    case Compare::Lte:
        return a <= b;
    }
    return false;
}

class NumberMatcher : public ValueMatcher {
public:
    NumberMatcher(Compare op, double value, std::string text)
        : m_op(op)
        , m_value(value)
        , m_text(std::move(text))
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        auto v = parseNumber(ctx.raw(index));
        return v && compare(*v, m_op, m_value) ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override { return std::string("number ") + compareText(m_op) + " " + m_text; }

private:
    Compare m_op;
    double m_value;
    std::string m_text;
};

/// Parses "YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh:mm]" (UTC when no offset).
std::optional<std::tm> parseTimestamp(std::string_view s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    if (s.size() < 10)
        return std::nullopt;
    if (!digitsAt(s, 0, 4, y) || s[4] != '-' || !digitsAt(s, 5, 2, mo) || s[7] != '-' || !digitsAt(s, 8, 2, d))
        return std::nullopt;
    if (s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && digitsAt(s, 11, 2, h) && s[13] == ':' &&
        digitsAt(s, 14, 2, mi)) {
    }
    std::tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    const time_t tt = timegm(&t); // normalises and fills tm_wday / tm_yday
    std::tm out{};
    gmtime_r(&tt, &out);
    return out;
}

int isoWeek(const std::tm& t)
{
    const int wday = (t.tm_wday + 6) % 7; // Monday = 0
    int week = (t.tm_yday - wday + 10) / 7;
    if (week < 1) {
        // last week of the previous year
        std::tm prev = t;
        prev.tm_mday = 31;
        prev.tm_mon = 11;
        prev.tm_year -= 1;
        const time_t tt = timegm(&prev);
        gmtime_r(&tt, &prev);
        return isoWeek(prev);
    }
    if (week == 53) {
        const int jan1 = (t.tm_wday - t.tm_yday % 7 + 7) % 7; // weekday of Jan 1 (Sunday = 0)
        const bool leap =
            ((t.tm_year + 1900) % 4 == 0 && (t.tm_year + 1900) % 100 != 0) || (t.tm_year + 1900) % 400 == 0;
        const bool has53 = jan1 == 4 || (leap && jan1 == 3);
        if (!has53)
            week = 1;
    }
    return week;
}

class TimePartMatcher : public ValueMatcher {
public:
    TimePartMatcher(TimePart part, Compare op, double value, std::string text)
        : m_part(part)
        , m_op(op)
        , m_value(value)
        , m_text(std::move(text))
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        auto t = parseTimestamp(ctx.raw(index));
        if (!t)
            return Outcome::NotMatched;
        int v = 0;
        switch (m_part) {
        case TimePart::Minute:
            v = t->tm_min;
            break;
        case TimePart::Hour:
            v = t->tm_hour;
            break;
        case TimePart::Day:
            v = t->tm_mday;
            break;
        case TimePart::Week:
            v = isoWeek(*t);
            break;
        case TimePart::Month:
            v = t->tm_mon + 1;
            break;
        case TimePart::Year:
            v = t->tm_year + 1900;
            break;
        }
        return compare(v, m_op, m_value) ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override
    {
        static const char* names[] = {"minute", "hour", "day", "week", "month", "year"};
        return std::string(names[static_cast<int>(m_part)]) + " " + compareText(m_op) + " " + m_text;
    }

private:
    TimePart m_part;
    Compare m_op;
    double m_value;
    std::string m_text;
};

} // namespace

std::unique_ptr<ValueMatcher> makeNumberMatcher(Compare op, double value, std::string text)
{
    return std::make_unique<NumberMatcher>(op, value, std::move(text));
}

std::unique_ptr<ValueMatcher> makeTimePartMatcher(TimePart part, Compare op, double value, std::string text)
{
    return std::make_unique<TimePartMatcher>(part, op, value, std::move(text));
}

} // namespace sigma::engine
