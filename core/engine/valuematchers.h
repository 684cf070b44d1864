#pragma once

// Internal to the engine: the value matchers of each family (one file each: matchstring.cpp,
// matchregex.cpp with regexliterals.cpp, matchcidr.cpp, matchnumber.cpp), built from a detection
// item by compileitem.cpp and evaluated by matchers.cpp. The family of an item is the modifier
// registry's (rule/modifiers.h).

#include "engine/casefold.h"
#include "engine/compiled.h"
#include "engine/pattern.h"
#include "util/ipnetwork.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::engine {

/// 'text', for descriptions.
std::string quoted(std::string_view s);

// --- strings: plain / contains / startswith / endswith, with expansions (matchstring.cpp) ---------

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

/// null: the field is absent or empty.
std::unique_ptr<ValueMatcher> makeNullMatcher();
/// exists: true or false.
std::unique_ptr<ValueMatcher> makeExistsMatcher(bool expected);
enum class FieldRefAnchor { Whole, Contains, Start, End };
/// fieldref: compare with the value of field `other` of the same event.
std::unique_ptr<ValueMatcher> makeFieldRefMatcher(std::string other, FieldRefAnchor anchor, bool fold, bool negate);

// --- regular expressions (matchregex.cpp, regexliterals.cpp) --------------------------------------

/// Literal runs a regular expression's every match contains, in this order and without overlap
/// (a necessary condition checked before running PCRE2: `\+.*\+.*\+` needs three '+').
/// Conservative: the pattern is read as a top-level sequence of atoms; groups, classes, escapes
/// other than escaped punctuation, and anything quantified to zero break a run; an alternation at
/// the top level, inline options, verbs and unusual escapes give no runs at all. With `caseless`,
/// letters break runs (only ASCII non-letters, which have no other case, are kept).
/// `pure`: the pattern is nothing but these runs joined by `.*` (or `.*?`), so it matches exactly
/// when one line (the whole text with `dotAll`) holds them in order.
std::vector<std::string> regexRequiredRuns(std::string_view p, bool caseless, bool& pure);
/// The runs occur in text in order, without overlapping.
bool runsOccur(const std::vector<std::string>& runs, std::string_view text);
/// `options`: regexCompileOptions() of the item (rule/modifiers.h). Null when the pattern does not
/// compile (regexProblem() says why).
std::unique_ptr<ValueMatcher> makeRegexMatcher(const std::string& pattern, std::uint32_t options,
                                               const CompileOptions& compileOptions);

// --- cidr (matchcidr.cpp) -------------------------------------------------------------------------

std::unique_ptr<ValueMatcher> makeCidrMatcher(const IpNetwork& network, std::string text);

// --- numbers and time parts (matchnumber.cpp) -----------------------------------------------------

enum class Compare { Eq, Neq, Gt, Gte, Lt, Lte };
enum class TimePart { Minute, Hour, Day, Week, Month, Year };
/// A number as events write it (decimal, 0x hexadecimal), whatever the process locale.
std::optional<double> parseNumber(std::string_view text);
std::unique_ptr<ValueMatcher> makeNumberMatcher(Compare op, double value, std::string text);
std::unique_ptr<ValueMatcher> makeTimePartMatcher(TimePart part, Compare op, double value, std::string text);

} // namespace sigma::engine
