// Value matchers (one family per section) and the evaluation of one detection item.
#include "engine/casefold.h"
#include "engine/compiled.h"
#include "engine/pattern.h"
#include "rule/modifiers.h"
#include "util/ipnetwork.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string.h> // memmem

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <optional>

namespace sigma::engine {

void EvalContext::init()
{
    const auto& fields = m_event->fields;
    std::size_t total = 0;
    for (const auto& f : fields)
        total += f.value.size();
    // Simple case folding grows a UTF-8 sequence by at most half (2 -> 3 bytes): reserve that so
    // the buffer never moves.
    m_buffer.clear();
    m_buffer.reserve(total + total / 2 + 16);
    m_spans.assign(fields.size(), {kNotFolded, 0});
}

void EvalContext::foldField(std::size_t index)
{
    const std::string& v = m_event->fields[index].value;
    // One pass: lower ASCII letters while watching for non-ASCII bytes; redo the value with
    // Unicode folding only if there was one.
    const std::size_t at = m_buffer.size();
    m_buffer.resize(at + v.size());
    char* out = m_buffer.data() + at;
    unsigned char high = 0;
    std::size_t k = 0;
#if defined(__SSE2__)
    // 16 bytes at a time: 'A'..'Z' get 0x20 added; a byte >= 0x80 (negative as signed) sends the
    // value to the Unicode path below.
    const __m128i beforeA = _mm_set1_epi8('A' - 1);
    const __m128i afterZ = _mm_set1_epi8('Z' + 1);
    const __m128i caseBit = _mm_set1_epi8(0x20);
    for (; k + 16 <= v.size(); k += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + k));
        if (_mm_movemask_epi8(x) != 0) {
            high = 0x80;
            break;
        }
        const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(x, beforeA), _mm_cmplt_epi8(x, afterZ));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + k), _mm_add_epi8(x, _mm_and_si128(upper, caseBit)));
    }
#endif
    if (!(high & 0x80)) {
        for (; k < v.size(); ++k) {
            const auto c = static_cast<unsigned char>(v[k]);
            high |= c;
            out[k] = static_cast<char>(c + (static_cast<unsigned>(c - 'A') < 26u ? 32 : 0));
        }
    }
    if (high & 0x80) {
        m_buffer.resize(at);
        appendFolded(v, m_buffer);
    }
    m_spans[index] = {at, m_buffer.size() - at};
}

const SystemKeys& SystemKeys::get()
{
    static const SystemKeys keys{FieldNames::internKey("Channel"), FieldNames::internKey("Provider_Name"),
                                 FieldNames::internKey("EventID")};
    return keys;
}

namespace {

std::string quoted(std::string_view s)
{
    std::string out = "'";
    out += s;
    out += "'";
    return out;
}

// --- strings: plain / contains / startswith / endswith, with expansions ---------------------------

class StringMatcher : public ValueMatcher {
public:
    StringMatcher(std::vector<Glob> globs, bool fold, bool negate, std::string description)
        : m_globs(std::move(globs))
        , m_fold(fold)
        , m_negate(negate)
        , m_description(std::move(description))
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        const std::string_view text = m_fold ? ctx.folded(index) : ctx.raw(index);
        bool hit = false;
        for (const auto& g : m_globs)
            if (g.match(text)) {
                hit = true;
                break;
            }
        return hit != m_negate ? Outcome::Matched : Outcome::NotMatched;
    }
    std::vector<std::string> requiredLiterals() const override
    {
        if (m_negate)
            return {};
        std::vector<std::string> out;
        for (const auto& g : m_globs) {
            if (g.longestLiteral().empty() || !isValidUtf8(g.longestLiteral()))
                return {};
            out.push_back(m_fold ? g.longestLiteral() : folded(g.longestLiteral()));
        }
        return out;
    }
    std::string describe() const override { return m_description; }
    const std::vector<Glob>& globs() const { return m_globs; }
    bool folds() const { return m_fold; }
    bool negated() const { return m_negate; }
    unsigned cost() const override
    {
        unsigned c = 0;
        for (const auto& g : m_globs)
            c += g.shape() == Glob::Shape::Contains ? 3 : (g.shape() == Glob::Shape::General ? 6 : 1);
        return c;
    }

private:
    std::vector<Glob> m_globs;
    bool m_fold;
    bool m_negate;
    std::string m_description;
};

// --- null: the field is absent or empty ------------------------------------------------------------

class NullMatcher : public ValueMatcher {
public:
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        return ctx.raw(index).empty() ? Outcome::Matched : Outcome::NotMatched;
    }
    Outcome testAbsent() const override { return Outcome::Matched; }
    std::string describe() const override { return "null: the field is absent or empty"; }
};

// --- exists ----------------------------------------------------------------------------------------

class ExistsMatcher : public ValueMatcher {
public:
    explicit ExistsMatcher(bool expected)
        : m_expected(expected)
    {}
    Outcome test(EvalContext&, std::size_t, std::string*) const override
    {
        return m_expected ? Outcome::Matched : Outcome::NotMatched;
    }
    Outcome testAbsent() const override { return m_expected ? Outcome::FieldAbsent : Outcome::Matched; }
    std::string describe() const override { return m_expected ? "the field exists" : "the field does not exist"; }

private:
    bool m_expected;
};

// --- regular expressions (PCRE2) -------------------------------------------------------------------

/// Literal runs a regular expression's every match contains, in this order and without overlap
/// (a necessary condition checked before running PCRE2: `\+.*\+.*\+` needs three '+').
/// Conservative: the pattern is read as a top-level sequence of atoms; groups, classes, escapes
/// other than escaped punctuation, and anything quantified to zero break a run; an alternation at
/// the top level, inline options, verbs and unusual escapes give no runs at all. With `caseless`,
/// letters break runs (only ASCII non-letters, which have no other case, are kept).
/// `pure`: the pattern is nothing but these runs joined by `.*` (or `.*?`), so it matches exactly
/// when one line (the whole text with `dotAll`) holds them in order.
std::vector<std::string> regexRequiredRuns(std::string_view p, bool caseless, bool& pure)
{
    std::vector<std::string> runs;
    pure = true;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty())
            runs.push_back(std::move(cur));
        cur.clear();
    };
    auto isAlnum = [](unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); };
    // Skips a character class starting at p[i] == '['; returns the index after it, or npos.
    auto skipClass = [&](std::size_t i) -> std::size_t {
        ++i;
        if (i < p.size() && p[i] == '^')
            ++i;
        if (i < p.size() && p[i] == ']')
            ++i;
        while (i < p.size()) {
            if (p[i] == '\\') {
                if (i + 1 < p.size() && (p[i + 1] == 'Q' || p[i + 1] == 'E'))
                    return std::string_view::npos;
                i += 2;
            } else if (p[i] == '[' && i + 1 < p.size() && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
                const std::size_t close = p.find(std::string{p[i + 1], ']'}, i + 2);
                if (close == std::string_view::npos)
                    return std::string_view::npos;
                i = close + 2;
            } else if (p[i] == ']') {
                return i + 1;
            } else {
                ++i;
            }
        }
        return std::string_view::npos;
    };
    // Skips a group starting at p[i] == '('; returns the index after it, or npos.
    auto skipGroup = [&](std::size_t i) -> std::size_t {
        int depth = 0;
        while (i < p.size()) {
            const char c = p[i];
            if (c == '\\') {
                if (i + 1 < p.size() && (p[i + 1] == 'Q' || p[i + 1] == 'E'))
                    return std::string_view::npos;
                i += 2;
            } else if (c == '[') {
                i = skipClass(i);
                if (i == std::string_view::npos)
                    return i;
            } else if (c == '(') {
                // Only plain, non-capturing and lookaround groups: inline options and verbs change
                // how the rest of the pattern reads.
                if (i + 1 < p.size() && p[i + 1] == '*')
                    return std::string_view::npos;
                if (i + 1 < p.size() && p[i + 1] == '?') {
                    const std::string_view rest = p.substr(i + 2);
                    if (!(rest.starts_with(":") || rest.starts_with("=") || rest.starts_with("!") ||
                          rest.starts_with("<=") || rest.starts_with("<!")))
                        return std::string_view::npos;
                }
                ++depth;
                ++i;
            } else if (c == ')') {
                ++i;
                if (--depth == 0)
                    return i;
            } else {
                ++i;
            }
        }
        return std::string_view::npos;
    };
    std::size_t i = 0;
    while (i < p.size()) {
        const auto c = static_cast<unsigned char>(p[i]);
        int literal = -1; // the atom's byte when it is a literal, else -1 (an atom we do not read)
        const bool dot = c == '.';
        if (c == '\\') {
            if (i + 1 >= p.size())
                return {};
            const auto n = static_cast<unsigned char>(p[i + 1]);
            if (n < 0x80 && n >= 0x20 && !isAlnum(n))
                literal = n;
            else if (std::string_view("dDwWsShHvVbBAzZG").find(static_cast<char>(n)) == std::string_view::npos)
                return {};
            i += 2;
        } else if (c == '[') {
            i = skipClass(i);
            if (i == std::string_view::npos)
                return {};
        } else if (c == '(') {
            i = skipGroup(i);
            if (i == std::string_view::npos)
                return {};
        } else if (c == '|' || c == ')' || c == '*' || c == '+' || c == '?' || c == '{') {
            return {};
        } else if (c == '.' || c == '^' || c == '$') {
            ++i;
        } else if (c >= 0x80) {
            ++i; // one code point, read as an atom we do not know
            while (i < p.size() && (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80)
                ++i;
        } else {
            if (!(caseless && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
                literal = c;
            ++i;
        }
        // A quantifier applies to the atom just read.
        std::size_t min = 1;
        bool quantified = false;
        bool star = false; // the quantifier is '*'
        if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
            min = p[i] == '+' ? 1 : 0;
            star = p[i] == '*';
            quantified = true;
            ++i;
        } else if (i < p.size() && p[i] == '{') {
            std::size_t j = i + 1, digits = 0;
            min = 0;
            while (j < p.size() && p[j] >= '0' && p[j] <= '9') {
                min = std::min<std::size_t>(min * 10 + static_cast<std::size_t>(p[j] - '0'), 100000);
                ++j;
                ++digits;
            }
            if (j < p.size() && p[j] == ',') {
                ++j;
                while (j < p.size() && p[j] >= '0' && p[j] <= '9')
                    ++j;
            }
            if (digits == 0 || j >= p.size() || p[j] != '}')
                return {}; // a literal '{' or a form some PCRE2 version reads otherwise
            i = j + 1;
            quantified = true;
        }
        bool possessive = false;
        if (quantified && i < p.size() && (p[i] == '?' || p[i] == '+')) {
            possessive = p[i] == '+';
            ++i; // lazy / possessive
        }
        const bool gap = dot && star && !possessive; // `.*` or `.*?`
        if (!(gap || (literal >= 0 && !quantified && literal != '\n' && literal != '\r')))
            pure = false;
        if (literal >= 0 && min >= 1) {
            cur += static_cast<char>(literal);
            if (quantified)
                flush(); // what follows need not be adjacent (ab+c matches "abbc")
        } else {
            flush();
        }
    }
    flush();
    if (runs.empty())
        pure = false;
    return runs;
}

/// The runs occur in text in order, without overlapping.
bool runsOccur(const std::vector<std::string>& runs, std::string_view text)
{
    std::size_t pos = 0;
    for (const auto& r : runs) {
        const void* at = memmem(text.data() + pos, text.size() - pos, r.data(), r.size());
        if (!at)
            return false;
        pos = static_cast<std::size_t>(static_cast<const char*>(at) - text.data()) + r.size();
    }
    return true;
}

struct MatchDataDeleter {
    void operator()(pcre2_match_data* p) const { pcre2_match_data_free(p); }
};

class RegexMatcher : public ValueMatcher {
public:
    ~RegexMatcher() override
    {
        if (m_code)
            pcre2_code_free(m_code);
        if (m_context)
            pcre2_match_context_free(m_context);
    }
    /// `flags`: the PCRE2 compile options of regexCompileOptions() (rule/modifiers.h). Null when
    /// the pattern does not compile (regexProblem() says why).
    static std::unique_ptr<RegexMatcher> create(const std::string& pattern, std::uint32_t flags,
                                                const CompileOptions& options)
    {
        int code = 0;
        PCRE2_SIZE offset = 0;
        pcre2_code* re =
            pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags, &code, &offset, nullptr);
        if (!re)
            return nullptr;
        auto m = std::unique_ptr<RegexMatcher>(new RegexMatcher);
        m->m_code = re;
        m->m_jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
        m->m_context = pcre2_match_context_create(nullptr);
        pcre2_set_match_limit(m->m_context, options.regexMatchLimit);
        pcre2_set_depth_limit(m->m_context, options.regexDepthLimit);
        m->m_pattern = pattern;
        m->m_flags = flags;
        bool pure = false;
        m->m_runs = regexRequiredRuns(pattern, flags & PCRE2_CASELESS, pure);
        // A pure pattern is decided without PCRE2 when '.' excludes exactly '\n' (newline
        // convention LF) or everything (dotall).
        std::uint32_t newline = 0;
        pcre2_config(PCRE2_CONFIG_NEWLINE, &newline);
        if (pure && (flags & PCRE2_DOTALL))
            m->m_direct = Direct::WholeText;
        else if (pure && newline == PCRE2_NEWLINE_LF)
            m->m_direct = Direct::PerLine;
        return m;
    }
    Outcome test(EvalContext& ctx, std::size_t index, std::string* error) const override
    {
        thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> data(pcre2_match_data_create(1, nullptr));
        const std::string_view subject = ctx.raw(index);
        // The literals every match contains are missing: no match, without running PCRE2 (which
        // may take long, or give up, on patterns like \+.*\+.*...). Invalid UTF-8 is left to
        // PCRE2, which reports it.
        if (!m_runs.empty() && (isAscii(subject) || isValidUtf8(subject))) {
            if (!runsOccur(m_runs, subject))
                return Outcome::NotMatched;
            // Runs joined by `.*`: decided here, in linear time, where PCRE2's backtracking may
            // take milliseconds on a long command line (or give up).
            if (m_direct == Direct::WholeText)
                return Outcome::Matched;
            if (m_direct == Direct::PerLine) {
                for (std::size_t from = 0; from <= subject.size();) {
                    std::size_t to = subject.find('\n', from);
                    if (to == std::string_view::npos)
                        to = subject.size();
                    if (runsOccur(m_runs, subject.substr(from, to - from)))
                        return Outcome::Matched;
                    from = to + 1;
                }
                return Outcome::NotMatched;
            }
        }
        const int rc = pcre2_match(m_code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                                   data.get(), m_context);
        if (rc >= 0)
            return Outcome::Matched;
        if (rc == PCRE2_ERROR_NOMATCH)
            return Outcome::NotMatched;
        if (error) {
            std::array<PCRE2_UCHAR, 256> buf{};
            pcre2_get_error_message(rc, buf.data(), buf.size());
            *error = "regular expression " + quoted(m_pattern) +
                     " gave up on this event: " + reinterpret_cast<const char*>(buf.data());
        }
        return Outcome::Error;
    }
    std::string describe() const override
    {
        std::string d = "regex " + quoted(m_pattern);
        if (m_flags & PCRE2_CASELESS)
            d += " (case-insensitive)";
        if (m_flags & PCRE2_MULTILINE)
            d += " (multi-line)";
        if (m_flags & PCRE2_DOTALL)
            d += " (dot matches newline)";
        if (!m_jit)
            d += " [no JIT]";
        return d;
    }
    unsigned cost() const override { return 40; }

private:
    RegexMatcher() = default;
    pcre2_code* m_code = nullptr;
    pcre2_match_context* m_context = nullptr;
    bool m_jit = false;
    std::string m_pattern;
    std::uint32_t m_flags = 0;
    std::vector<std::string> m_runs; ///< regexRequiredRuns
    enum class Direct { No, WholeText, PerLine };
    Direct m_direct = Direct::No; ///< the pattern is pure (see regexRequiredRuns): decided without PCRE2
};

// --- cidr ------------------------------------------------------------------------------------------

class CidrMatcher : public ValueMatcher {
public:
    CidrMatcher(IpNetwork network, std::string text)
        : m_network(network)
        , m_text(std::move(text))
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        const auto ip = parseEventIpAddress(ctx.raw(index));
        return ip && m_network.contains(*ip) ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override { return "in network " + m_text; }

private:
    IpNetwork m_network;
    std::string m_text;
};

// --- numbers and time parts ------------------------------------------------------------------------

enum class Compare { Eq, Neq, Gt, Gte, Lt, Lte };

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

enum class TimePart { Minute, Hour, Day, Week, Month, Year };

/// Parses "YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh:mm]" (UTC when no offset).
std::optional<std::tm> parseTimestamp(std::string_view s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    if (s.size() < 10)
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len, int& out) {
        if (at + len > s.size())
            return false;
        out = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    if (!num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d))
        return std::nullopt;
    if (s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && num(11, 2, h) && s[13] == ':' && num(14, 2, mi)) {
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

// --- fieldref --------------------------------------------------------------------------------------

class FieldRefMatcher : public ValueMatcher {
public:
    enum class Anchor { Whole, Contains, Start, End };
    FieldRefMatcher(std::string other, Anchor anchor, bool fold, bool negate)
        : m_other(std::move(other))
        , m_key(FieldNames::internKey(m_other))
        , m_anchor(anchor)
        , m_fold(fold)
        , m_negate(negate)
    {}
    Outcome test(EvalContext& ctx, std::size_t index, std::string*) const override
    {
        const auto& fields = ctx.event().fields;
        std::size_t other = fields.size();
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i].key == m_key) {
                other = i;
                break;
            }
        if (other == fields.size())
            return Outcome::NotMatched;
        const std::string_view a = m_fold ? ctx.folded(index) : ctx.raw(index);
        const std::string_view b = m_fold ? ctx.folded(other) : ctx.raw(other);
        bool hit = false;
        switch (m_anchor) {
        case Anchor::Whole:
            hit = a == b;
            break;
        case Anchor::Contains:
            hit = a.find(b) != std::string_view::npos;
            break;
        case Anchor::Start:
            hit = a.substr(0, b.size()) == b;
            break;
        case Anchor::End:
            hit = a.size() >= b.size() && a.substr(a.size() - b.size()) == b;
            break;
        }
        return hit != m_negate ? Outcome::Matched : Outcome::NotMatched;
    }
    std::string describe() const override
    {
        static const char* how[] = {"equals", "contains", "starts with", "ends with"};
        return std::string(m_negate ? "not: " : "") + how[static_cast<int>(m_anchor)] + " the value of field " +
               m_other;
    }

private:
    std::string m_other;
    FieldNames::Id m_key;
    Anchor m_anchor;
    bool m_fold;
    bool m_negate;
};

// --- compiling one item ----------------------------------------------------------------------------

struct ItemContext {
    const DetectionItem& item;
    const std::string& file;
    const CompileOptions& options;
    Diagnostics& diagnostics;
    bool ok = true;

    void error(const SourceSpan& span, std::string code, std::string message)
    {
        diagnostics.push_back(Diagnostic{Severity::Error, std::move(code), std::move(message), file, span});
        ok = false;
    }
};

std::string itemLabel(const DetectionItem& item)
{
    std::string label = item.isKeyword ? std::string("keywords") : item.field;
    for (const auto& m : item.modifiers)
        label += "|" + (m.written.empty() ? std::string(modifierName(m.kind)) : m.written);
    return label;
}

std::unique_ptr<ValueMatcher> compileValue(ItemContext& c, const Value& value)
{
    const DetectionItem& item = c.item;
    const auto& mods = item.modifiers;
    auto has = [&](ModifierKind k) { return item.has(k); };

    const MatcherFamily family = matcherFamilyOf(item);
    const bool negate = has(ModifierKind::Neq);

    if (family == MatcherFamily::Exists) {
        if (value.type != Value::Type::Boolean) {
            c.error(value.span, "invalid-value", "exists needs true or false, not '" + value.text + "'");
            return nullptr;
        }
        const std::string t = folded(value.text);
        return std::make_unique<ExistsMatcher>(t == "true" || t == "yes" || t == "on");
    }

    if (family == MatcherFamily::Number || family == MatcherFamily::TimePart) {
        // The comparator is the last of gt/gte/lt/lte (none: equality, or inequality with neq).
        std::optional<Compare> cmp;
        std::optional<TimePart> part;
        for (const auto& m : mods) {
            switch (m.kind) {
            case ModifierKind::Gt:
                cmp = Compare::Gt;
                break;
            case ModifierKind::Gte:
                cmp = Compare::Gte;
                break;
            case ModifierKind::Lt:
                cmp = Compare::Lt;
                break;
            case ModifierKind::Lte:
                cmp = Compare::Lte;
                break;
            case ModifierKind::Minute:
                part = TimePart::Minute;
                break;
            case ModifierKind::Hour:
                part = TimePart::Hour;
                break;
            case ModifierKind::Day:
                part = TimePart::Day;
                break;
            case ModifierKind::Week:
                part = TimePart::Week;
                break;
            case ModifierKind::Month:
                part = TimePart::Month;
                break;
            case ModifierKind::Year:
                part = TimePart::Year;
                break;
            default:
                break;
            }
        }
        auto n = parseNumber(value.text);
        if (!n || value.type == Value::Type::Boolean || value.type == Value::Type::Null) {
            c.error(value.span, "invalid-value", "'" + value.text + "' is not a number");
            return nullptr;
        }
        Compare op = cmp.value_or(negate ? Compare::Neq : Compare::Eq);
        if (part)
            return std::make_unique<TimePartMatcher>(*part, op, *n, value.text);
        return std::make_unique<NumberMatcher>(op, *n, value.text);
    }

    if (family == MatcherFamily::Cidr) {
        std::string why;
        auto network = parseIpNetwork(value.text, &why);
        if (!network) {
            c.error(value.span, "invalid-cidr", "'" + value.text + "' is not an IPv4 or IPv6 network: " + why);
            return nullptr;
        }
        return std::make_unique<CidrMatcher>(*network, value.text);
    }

    if (family == MatcherFamily::Regex) {
        // The same options and the same message as the parser's check (rule/modifiers.h).
        const std::uint32_t options = regexCompileOptions(item);
        auto m = RegexMatcher::create(value.text, options, c.options);
        if (!m) {
            const auto problem = regexProblem(value.text, options);
            c.error(value.span, "invalid-regex",
                    problem ? problem->message : "regular expression '" + value.text + "' does not compile");
        }
        return m;
    }

    // fieldref
    const bool fold = !has(ModifierKind::Cased);
    if (family == MatcherFamily::FieldRef) {
        auto anchor = FieldRefMatcher::Anchor::Whole;
        if (has(ModifierKind::Contains))
            anchor = FieldRefMatcher::Anchor::Contains;
        else if (has(ModifierKind::StartsWith))
            anchor = FieldRefMatcher::Anchor::Start;
        else if (has(ModifierKind::EndsWith))
            anchor = FieldRefMatcher::Anchor::End;
        return std::make_unique<FieldRefMatcher>(value.text, anchor, fold, negate);
    }

    // null
    if (value.type == Value::Type::Null)
        return std::make_unique<NullMatcher>();

    // Strings: apply the transformations in the order written.
    std::vector<SigmaString> values{SigmaString::parse(value.text)};
    if (value.type != Value::Type::String) // numbers/booleans: their text, no wildcards
        values = {SigmaString::literal(value.text)};
    const std::size_t limit = c.options.maxExpansions;
    auto tooMany = [&](const Modifier& m) {
        c.error(m.span.valid() ? m.span : value.span, "too-many-expansions",
                "'" + m.written + "' expands '" + value.text + "' into more than " + std::to_string(limit) +
                    " strings");
    };
    std::vector<std::string> notes;
    for (const auto& m : mods) {
        std::vector<SigmaString> next;
        switch (m.kind) {
        case ModifierKind::Contains:
            for (auto& v : values) {
                v.prependStar();
                v.appendStar();
            }
            break;
        case ModifierKind::StartsWith:
            for (auto& v : values)
                v.appendStar();
            break;
        case ModifierKind::EndsWith:
            for (auto& v : values)
                v.prependStar();
            break;
        case ModifierKind::Windash:
            for (const auto& v : values)
                if (!expandWindash(v, next, limit)) {
                    tooMany(m);
                    return nullptr;
                }
            values = std::move(next);
            notes.push_back("windash");
            break;
        case ModifierKind::Expand: {
            std::vector<std::string> missing;
            for (const auto& v : values)
                if (!expandPlaceholders(v, c.options.placeholders, next, missing, limit)) {
                    tooMany(m);
                    return nullptr;
                }
            if (!missing.empty()) {
                std::string names;
                for (const auto& n : missing)
                    names += (names.empty() ? "%" : ", %") + n + "%";
                c.error(value.span, "unresolved-placeholder",
                        "placeholder " + names +
                            " has no values: give them in a placeholder file (--placeholders FILE)");
                return nullptr;
            }
            values = std::move(next);
            notes.push_back("expand");
            break;
        }
        case ModifierKind::Base64:
        case ModifierKind::Base64Offset:
        case ModifierKind::Utf16le:
        case ModifierKind::Utf16be:
        case ModifierKind::Utf16: {
            const bool encodeParts =
                m.kind == ModifierKind::Utf16le || m.kind == ModifierKind::Utf16be || m.kind == ModifierKind::Utf16;
            for (const auto& v : values) {
                if (encodeParts) {
                    // pySigma encodes the literal runs and keeps the wildcards; a BOM starts the value.
                    SigmaString out;
                    bool first = true;
                    for (const auto& p : v.parts) {
                        if (p.kind != SigmaString::Part::Kind::Literal) {
                            out.parts.push_back(p);
                            continue;
                        }
                        const Utf16Kind kind = m.kind == ModifierKind::Utf16be            ? Utf16Kind::BE
                                               : (m.kind == ModifierKind::Utf16 && first) ? Utf16Kind::WithBom
                                                                                          : Utf16Kind::LE;
                        out.appendLiteral(toUtf16(p.text, kind));
                        first = false;
                    }
                    next.push_back(std::move(out));
                    continue;
                }
                if (v.hasWildcards()) {
                    c.error(m.span.valid() ? m.span : value.span, "wildcard-in-encoded-value",
                            "'" + m.written + "' cannot encode a value with wildcards ('" + value.text +
                                "'); put contains/startswith/endswith after it");
                    return nullptr;
                }
                if (m.kind == ModifierKind::Base64) {
                    next.push_back(SigmaString::literal(base64Encode(v.plain())));
                } else {
                    for (auto& s : base64OffsetVariants(v.plain()))
                        next.push_back(SigmaString::literal(s));
                }
            }
            values = std::move(next);
            notes.push_back(m.written.empty() ? modifierName(m.kind) : m.written);
            break;
        }
        default:
            break;
        }
    }
    if (item.isKeyword || item.field.empty()) {
        // Keywords are a full-text search (pySigma backends: an unanchored search term): the value
        // may occur anywhere in a field value.
        for (auto& v : values) {
            v.prependStar();
            v.appendStar();
        }
    }
    std::vector<Glob> globs;
    globs.reserve(values.size());
    for (const auto& v : values)
        globs.emplace_back(v, fold);
    std::string description;
    if (negate)
        description = "not ";
    if (values.size() == 1) {
        description += quoted(values[0].toDisplay());
    } else {
        description += "any of " + std::to_string(values.size()) + " variants: ";
        for (std::size_t i = 0; i < values.size() && i < 6; ++i)
            description += (i ? ", " : "") + quoted(values[i].toDisplay());
        if (values.size() > 6)
            description += ", ...";
    }
    if (!fold)
        description += " (cased)";
    return std::make_unique<StringMatcher>(std::move(globs), fold, negate, description);
}

} // namespace

/// "Does any value of the item match this text?" for an item of plain string values (no |all,
/// not negated, all folded or all cased), with many `contains` values: those are found in one
/// pass over the text, by their first four bytes (a 4096-bucket hash and a bit set in front of
/// it), then compared whole; the few others (plain, startswith, endswith, wildcards, needles
/// shorter than four bytes) are tested one by one. Same answer as testing value by value.
class ItemAccelerator {
public:
    static constexpr std::size_t kMinNeedles = 6;

    static std::shared_ptr<const ItemAccelerator> build(const CompiledItem& item)
    {
        if (item.keyword || item.all || item.values.empty())
            return nullptr;
        auto acc = std::make_shared<ItemAccelerator>();
        bool first = true;
        std::vector<std::string> needles;
        for (const auto& v : item.values) {
            const auto* sm = dynamic_cast<const StringMatcher*>(v.matcher.get());
            if (!sm || sm->negated() || (!first && sm->folds() != acc->m_fold))
                return nullptr;
            acc->m_fold = sm->folds();
            first = false;
            for (const auto& g : sm->globs()) {
                if (g.shape() == Glob::Shape::Contains && g.literal().size() >= 4)
                    needles.push_back(g.literal());
                else if (g.shape() == Glob::Shape::Contains)
                    acc->m_short.push_back(g.literal());
                else
                    acc->m_others.push_back(&g);
            }
        }
        std::sort(needles.begin(), needles.end());
        needles.erase(std::unique(needles.begin(), needles.end()), needles.end());
        if (needles.size() < kMinNeedles)
            return nullptr;
        // Bucket the needles by the hash of their first four bytes (counting sort).
        std::vector<std::uint32_t> bucketOf(needles.size());
        acc->m_bucketStart.assign(kBuckets + 1, 0);
        for (std::size_t k = 0; k < needles.size(); ++k) {
            bucketOf[k] = bucket(needles[k].data());
            ++acc->m_bucketStart[bucketOf[k] + 1];
        }
        for (std::size_t b = 0; b < kBuckets; ++b)
            acc->m_bucketStart[b + 1] += acc->m_bucketStart[b];
        acc->m_needles.resize(needles.size());
        std::vector<std::uint32_t> fill(acc->m_bucketStart.begin(), acc->m_bucketStart.end() - 1);
        for (std::size_t k = 0; k < needles.size(); ++k) {
            acc->m_needles[fill[bucketOf[k]]++] = std::move(needles[k]);
            acc->m_bits[bucketOf[k] >> 6] |= std::uint64_t{1} << (bucketOf[k] & 63);
        }
        return acc;
    }

    bool folds() const { return m_fold; }

    bool anyMatch(std::string_view text) const
    {
        for (const Glob* g : m_others)
            if (g->match(text))
                return true;
        for (const auto& n : m_short)
            if (memmem(text.data(), text.size(), n.data(), n.size()))
                return true;
        if (text.size() < 4)
            return false;
        const char* p = text.data();
        const std::size_t end = text.size() - 3;
        for (std::size_t i = 0; i < end; ++i) {
            const std::uint32_t b = bucket(p + i);
            if (!((m_bits[b >> 6] >> (b & 63)) & 1))
                continue;
            for (std::uint32_t k = m_bucketStart[b]; k < m_bucketStart[b + 1]; ++k) {
                const std::string& n = m_needles[k];
                if (n.size() <= text.size() - i && std::memcmp(p + i, n.data(), n.size()) == 0)
                    return true;
            }
        }
        return false;
    }

private:
    static constexpr int kBucketBits = 12;
    static constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
    static std::uint32_t bucket(const char* p)
    {
        std::uint32_t w = 0;
        std::memcpy(&w, p, 4);
        return (w * 2654435761u) >> (32 - kBucketBits);
    }

    bool m_fold = true;
    std::vector<const Glob*> m_others; ///< owned by the item's matchers
    std::vector<std::string> m_short;
    std::vector<std::string> m_needles; ///< grouped by bucket
    std::vector<std::uint32_t> m_bucketStart;
    std::array<std::uint64_t, kBuckets / 64> m_bits{};
};

bool compileItem(const DetectionItem& item, std::size_t itemIndex, const std::string& file,
                 const CompileOptions& options, CompiledItem& out, Diagnostics& diagnostics)
{
    ItemContext c{item, file, options, diagnostics};
    out.keyword = item.isKeyword || item.field.empty();
    out.field = item.field;
    out.key = out.keyword ? 0 : FieldNames::internKey(item.field);
    out.all = item.has(ModifierKind::All);
    out.label = itemLabel(item);
    out.span = item.span;
    out.itemIndex = itemIndex;
    if (item.values.empty()) {
        c.error(item.span, "empty-value-list", "'" + out.label + "' has no values");
        return false;
    }
    for (std::size_t i = 0; i < item.values.size(); ++i) {
        const Value& v = item.values[i];
        auto m = compileValue(c, v);
        if (!m)
            continue;
        CompiledValue cv;
        cv.matcher = std::move(m);
        cv.label = v.type == Value::Type::Null ? "null" : quoted(v.text);
        cv.span = v.span;
        cv.valueIndex = i;
        out.values.push_back(std::move(cv));
    }
    if (c.ok)
        out.accelerator = ItemAccelerator::build(out);
    return c.ok;
}

// --- evaluation of one item ------------------------------------------------------------------------

namespace {

/// Fast path: the value against the given field indices.
Outcome testValueAt(const CompiledValue& value, EvalContext& ctx, const std::size_t* indices, std::size_t count)
{
    if (count == 0)
        return value.matcher->testAbsent();
    bool sawError = false;
    for (std::size_t k = 0; k < count; ++k) {
        const Outcome o = value.matcher->test(ctx, indices[k], nullptr);
        if (o == Outcome::Matched)
            return Outcome::Matched;
        sawError |= o == Outcome::Error;
    }
    return sawError ? Outcome::Error : Outcome::NotMatched;
}

/// Tests one value against the event: every occurrence of the field (or every field for keywords).
Outcome testValue(const CompiledItem& item, const CompiledValue& value, EvalContext& ctx, ExplainNode* node)
{
    const auto& fields = ctx.event().fields;
    std::string error;
    std::string* errorOut = node || ctx.errors ? &error : nullptr;
    bool sawError = false, present = false;
    std::size_t firstSeen = SIZE_MAX;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!item.keyword && fields[i].key != item.key)
            continue;
        present = true;
        if (firstSeen == SIZE_MAX)
            firstSeen = i;
        const Outcome o = value.matcher->test(ctx, i, errorOut);
        if (o == Outcome::Matched) {
            if (node) {
                node->eventValue = fields[i].value;
                node->eventField = std::string(FieldNames::text(fields[i].name));
            }
            return Outcome::Matched;
        }
        if (o == Outcome::Error)
            sawError = true;
    }
    if (node && firstSeen != SIZE_MAX && !item.keyword) {
        node->eventValue = fields[firstSeen].value;
        node->eventField = std::string(FieldNames::text(fields[firstSeen].name));
    }
    if (sawError) {
        if (node)
            node->detail = error;
        if (ctx.errors)
            ctx.errors->push_back(error);
        return Outcome::Error;
    }
    if (!present)
        return item.keyword ? Outcome::NotMatched : value.matcher->testAbsent();
    return Outcome::NotMatched;
}

} // namespace

Outcome evalItem(const CompiledItem& item, EvalContext& ctx, ExplainNode* explain, bool shortCircuit)
{
    if (!explain && !ctx.errors && !item.keyword) {
        // Fast path: find the field once (up to a few occurrences), then test the values.
        std::size_t indices[8];
        std::size_t count = 0;
        const auto& fields = ctx.event().fields;
        for (std::size_t i = 0; i < fields.size() && count < 8; ++i)
            if (fields[i].key == item.key)
                indices[count++] = i;
        if (count < 8 && item.accelerator) {
            // Plain string values only: no errors, and "field absent" when it is.
            if (count == 0)
                return Outcome::FieldAbsent;
            const ItemAccelerator& acc = *item.accelerator;
            for (std::size_t k = 0; k < count; ++k)
                if (acc.anyMatch(acc.folds() ? ctx.folded(indices[k]) : ctx.raw(indices[k])))
                    return Outcome::Matched;
            return Outcome::NotMatched;
        }
        if (count < 8) {
            bool anyError = false;
            Outcome firstFailure = Outcome::NotMatched;
            bool haveFailure = false;
            for (const auto& v : item.values) {
                const Outcome o = testValueAt(v, ctx, indices, count);
                if (o == Outcome::Matched) {
                    if (!item.all)
                        return Outcome::Matched;
                    continue;
                }
                if (item.all)
                    return o;
                anyError |= o == Outcome::Error;
                if (!haveFailure) {
                    firstFailure = o;
                    haveFailure = true;
                }
            }
            if (item.all)
                return Outcome::Matched;
            if (anyError)
                return Outcome::Error;
            return firstFailure == Outcome::FieldAbsent ? Outcome::FieldAbsent : Outcome::NotMatched;
        }
    }
    bool anyMatched = false, anyError = false, allMatched = true;
    Outcome firstFailure = Outcome::NotMatched;
    bool haveFailure = false;
    bool decided = false;
    for (const auto& v : item.values) {
        ExplainNode* vn = nullptr;
        if (explain) {
            ExplainNode n;
            n.kind = ExplainNode::Kind::Value;
            n.label = v.label;
            n.span = v.span;
            n.field = item.field;
            n.valueIndex = v.valueIndex;
            n.itemIndex = item.itemIndex;
            n.detail = v.matcher->describe();
            explain->children.push_back(std::move(n));
            vn = &explain->children.back();
        }
        if (decided && (shortCircuit || !explain)) {
            if (vn)
                vn->outcome = Outcome::Skipped;
            continue;
        }
        const Outcome o = testValue(item, v, ctx, vn);
        if (vn)
            vn->outcome = o;
        if (o == Outcome::Matched) {
            anyMatched = true;
            if (!item.all)
                decided = true;
        } else {
            allMatched = false;
            anyError |= o == Outcome::Error;
            if (!haveFailure) {
                firstFailure = o;
                haveFailure = true;
            }
            if (item.all)
                decided = true;
        }
    }
    if (item.all)
        return allMatched ? Outcome::Matched : firstFailure;
    if (anyMatched)
        return Outcome::Matched;
    if (anyError)
        return Outcome::Error;
    return firstFailure == Outcome::FieldAbsent ? Outcome::FieldAbsent : Outcome::NotMatched;
}

Tri evalSearch(const CompiledSearch& search, EvalContext& ctx)
{
    bool error = false;
    for (const auto& map : search.maps) {
        Tri r = Tri::True;
        for (const auto index : map.order) {
            const CompiledItem& item = map.items[index];
            const Outcome o = evalItem(item, ctx, nullptr, true);
            if (o != Outcome::Matched) {
                r = o == Outcome::Error ? Tri::Error : Tri::False;
                break;
            }
        }
        if (r == Tri::True)
            return Tri::True;
        error |= r == Tri::Error;
    }
    return error ? Tri::Error : Tri::False;
}

} // namespace sigma::engine
