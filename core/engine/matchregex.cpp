// The regular-expression family (PCRE2, JIT when available; literal runs checked first).
#include "engine/valuematchers.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>

namespace sigma::engine {
namespace {

// --- regular expressions (PCRE2) -------------------------------------------------------------------

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

} // namespace

std::unique_ptr<ValueMatcher> makeRegexMatcher(const std::string& pattern, std::uint32_t options,
                                               const CompileOptions& compileOptions)
{
    return RegexMatcher::create(pattern, options, compileOptions);
}

} // namespace sigma::engine
