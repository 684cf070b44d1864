// PipelineRegex: the regular expressions of pipeline files (field name conditions in mode "re",
// match_string, replace_string) with Python's re semantics where they differ from PCRE2's defaults:
// UTF-8 patterns, fullmatch for field names, and re.sub's replacement syntax.
#include "conversion/pipeline.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

namespace sigma::conversion {
namespace {

pcre2_code* codeOf(const std::shared_ptr<void>& p)
{
    return static_cast<pcre2_code*>(p.get());
}

struct MatchData {
    explicit MatchData(pcre2_code* code)
        : data(pcre2_match_data_create_from_pattern(code, nullptr))
    {}
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
    pcre2_match_data* data;
};

/// Python's replacement template (\1, \g<1>, \g<name>, \n, \\) as PCRE2's extended substitution
/// text (${1}, ${name}, literal '$' doubled; a backslash is literal there).
std::string pcreReplacement(const std::string& python)
{
    std::string out;
    for (std::size_t i = 0; i < python.size(); ++i) {
        const char c = python[i];
        if (c == '$') {
            out += "$$";
            continue;
        }
        if (c != '\\' || i + 1 == python.size()) {
            out += c;
            continue;
        }
        const char n = python[i + 1];
        if (std::isdigit(static_cast<unsigned char>(n))) {
            std::size_t j = i + 1;
            std::string digits;
            while (j < python.size() && digits.size() < 2 && std::isdigit(static_cast<unsigned char>(python[j])))
                digits += python[j++];
            out += "${" + digits + "}";
            i = j - 1;
        } else if (n == 'g' && i + 2 < python.size() && python[i + 2] == '<') {
            const auto close = python.find('>', i + 3);
            if (close == std::string::npos) {
                out += '\\';
                continue;
            }
            out += "${" + python.substr(i + 3, close - i - 3) + "}";
            i = close;
        } else if (n == 'n') {
            out += '\n';
            ++i;
        } else if (n == 't') {
            out += '\t';
            ++i;
        } else if (n == '\\') {
            out += '\\';
            ++i;
        } else {
            out += '\\'; // any other escape: the backslash itself
        }
    }
    return out;
}

} // namespace

PipelineRegex PipelineRegex::compile(const std::string& pattern, std::string& error)
{
    PipelineRegex r;
    r.m_pattern = pattern;
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF, &code, &offset, nullptr);
    if (!re) {
        PCRE2_UCHAR buffer[256];
        pcre2_get_error_message(code, buffer, sizeof buffer);
        error = "invalid regular expression '" + pattern + "': " + reinterpret_cast<const char*>(buffer) +
                " at offset " + std::to_string(offset);
        return r;
    }
    r.m_code = std::shared_ptr<void>(re, [](void* p) { pcre2_code_free(static_cast<pcre2_code*>(p)); });
    return r;
}

bool PipelineRegex::matchStart(std::string_view text) const
{
    if (!m_code)
        return false;
    MatchData md(codeOf(m_code));
    return pcre2_match(codeOf(m_code), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, PCRE2_ANCHORED,
                       md.data, nullptr) >= 0;
}

bool PipelineRegex::fullMatch(std::string_view text) const
{
    if (!m_code)
        return false;
    MatchData md(codeOf(m_code));
    return pcre2_match(codeOf(m_code), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                       PCRE2_ANCHORED | PCRE2_ENDANCHORED, md.data, nullptr) >= 0;
}

std::string PipelineRegex::replaceAll(std::string_view text, const std::string& replacement) const
{
    if (!m_code)
        return std::string(text);
    const std::string repl = pcreReplacement(replacement);
    std::string out(text.size() * 2 + 64, '\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
        PCRE2_SIZE length = out.size();
        const int rc = pcre2_substitute(codeOf(m_code), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                                        PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, nullptr, nullptr,
                                        reinterpret_cast<PCRE2_SPTR>(repl.data()), repl.size(),
                                        reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
        if (rc >= 0) {
            out.resize(length);
            return out;
        }
        if (rc != PCRE2_ERROR_NOMEMORY)
            return std::string(text);
        out.assign(length + 1, '\0'); // the length needed
    }
    return std::string(text);
}

} // namespace sigma::conversion
