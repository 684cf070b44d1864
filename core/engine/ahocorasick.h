#pragma once

// Internal: the Aho-Corasick automaton of RuleSet's literal pre-filter (every literal a rule
// needs is looked for in one pass over an event's values).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma::engine {

/// Aho-Corasick automaton over bytes, with a dense transition table on byte classes.
class AhoCorasick {
public:
    static constexpr std::size_t kMaxLiteral = 16; // longer literals are cut (still a necessary condition)

    AhoCorasick();

    /// Returns the literal's id (shared by literals with the same class string).
    std::uint32_t add(std::string_view literal);
    std::size_t literalCount() const { return m_literals.size(); }

    /// Turns the literals added so far into the automaton (call once, after the last add()).
    void build();

    /// One walk through the table over the whole text.
    template <typename T, std::uint32_t Flag, typename F>
    void scanTable(const T* delta, std::string_view text, F& hit) const
    {
        std::uint32_t s = 0;
        const std::size_t classes = static_cast<std::size_t>(m_classes);
        for (unsigned char c : text) {
            const std::uint32_t t = delta[s * classes + m_classOf[c]];
            s = t & ~Flag;
            if (t & Flag)
                report(s, hit);
        }
    }

    /// Calls hit(literalId) for every literal occurrence in text (at least once; an occurrence may
    /// be reported twice). The text is cut into four overlapping stretches scanned in one loop:
    /// the four walks through the table are independent, so the processor overlaps their loads
    /// instead of waiting for each transition in turn. Each stretch reaches maxLength - 1 bytes
    /// into the next, so every occurrence lies wholly inside one stretch.
    template <typename F>
    void scanInterleaved(std::string_view text, F&& hit) const
    {
        if (!m_delta16.empty())
            scanTable4<std::uint16_t, 0x8000u>(m_delta16.data(), text, hit);
        else
            scanTable4<std::uint32_t, kOutput>(m_delta.data(), text, hit);
    }

    template <typename T, std::uint32_t Flag, typename F>
    void scanTable4(const T* delta, std::string_view text, F& hit) const
    {
        const std::size_t n = text.size();
        const std::size_t overlap = m_maxLength > 0 ? m_maxLength - 1 : 0;
        if (n < 64 || n / 4 <= overlap) {
            scanTable<T, Flag>(delta, text, hit);
            return;
        }
        const std::size_t classes = static_cast<std::size_t>(m_classes);
        const std::size_t seg = n / 4;
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        const unsigned char* q0 = p;
        const unsigned char* q1 = p + seg;
        const unsigned char* q2 = p + 2 * seg;
        const unsigned char* q3 = p + 3 * seg;
        // Stretches 0-2 are seg + overlap long (they end inside the text: n - 3 seg >= seg >
        // overlap), the last one n - 3 seg.
        const std::size_t common = seg + overlap;
        const std::size_t last = n - 3 * seg;
        std::uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        std::size_t i = 0;
        for (const std::size_t both = std::min(common, last); i < both; ++i) {
            const std::uint32_t t0 = delta[s0 * classes + m_classOf[q0[i]]];
            const std::uint32_t t1 = delta[s1 * classes + m_classOf[q1[i]]];
            const std::uint32_t t2 = delta[s2 * classes + m_classOf[q2[i]]];
            const std::uint32_t t3 = delta[s3 * classes + m_classOf[q3[i]]];
            s0 = t0 & ~Flag;
            s1 = t1 & ~Flag;
            s2 = t2 & ~Flag;
            s3 = t3 & ~Flag;
            if ((t0 | t1 | t2 | t3) & Flag) [[unlikely]] {
                if (t0 & Flag)
                    report(s0, hit);
                if (t1 & Flag)
                    report(s1, hit);
                if (t2 & Flag)
                    report(s2, hit);
                if (t3 & Flag)
                    report(s3, hit);
            }
        }
        auto step = [&](std::uint32_t& st, unsigned char c) {
            const std::uint32_t t = delta[st * classes + m_classOf[c]];
            st = t & ~Flag;
            if (t & Flag)
                report(st, hit);
        };
        for (std::size_t k = i; k < common; ++k) {
            step(s0, q0[k]);
            step(s1, q1[k]);
            step(s2, q2[k]);
        }
        for (std::size_t k = i; k < last; ++k)
            step(s3, q3[k]);
    }

    /// Reports every literal that ends in state s (itself and through output links).
    template <typename F>
    void report(std::uint32_t s, F& hit) const
    {
        for (std::int32_t o = m_terminal[s] >= 0 ? static_cast<std::int32_t>(s) : m_outLink[s]; o > 0; o = m_outLink[o])
            hit(static_cast<std::uint32_t>(m_terminal[o]));
    }

    bool empty() const { return m_literals.empty(); }
    std::size_t states() const { return m_terminal.size(); }
    int classes() const { return m_classes; }

private:
    std::unordered_map<std::string, std::uint32_t> m_ids;
    std::vector<std::string> m_literals;
    std::array<std::uint8_t, 256> m_classOf{};
    int m_classes = 1;
    std::size_t m_maxLength = 0; ///< longest literal, in bytes
    static constexpr std::uint32_t kOutput = 0x80000000u;
    std::vector<std::uint32_t> m_delta;
    std::vector<std::uint16_t> m_delta16;
    std::vector<std::int32_t> m_terminal;
    std::vector<std::int32_t> m_outLink;
};

} // namespace sigma::engine
