// RuleSet: many rules matched together. Two pre-filters keep an event away from rules that cannot
// match it: (1) the log source (channel + EventID buckets), (2) required literals: every rule
// whose condition implies "one of these strings occurs in the event" is only evaluated when an
// Aho-Corasick pass over the event's case-folded values found one of them.
#include "engine/casefold.h"
#include "engine/compiled.h"

#include <algorithm>
#include <array>
#include <deque>
#include <unordered_map>

namespace sigma {

using namespace engine;

namespace {

/// Aho-Corasick automaton over bytes, with a dense transition table on byte classes.
class AhoCorasick {
public:
    static constexpr std::size_t kMaxLiteral = 12; // longer literals are cut (still a necessary condition)

    /// Returns the literal's id.
    std::uint32_t add(std::string_view literal)
    {
        if (literal.size() > kMaxLiteral)
            literal = literal.substr(0, kMaxLiteral);
        auto [it, inserted] = m_ids.emplace(std::string(literal), static_cast<std::uint32_t>(m_literals.size()));
        if (inserted)
            m_literals.emplace_back(literal);
        return it->second;
    }
    std::size_t literalCount() const { return m_literals.size(); }

    void build()
    {
        // Byte classes: every byte used by a literal gets its own class; the rest share class 0.
        m_classOf.fill(0);
        int classes = 1;
        for (const auto& l : m_literals)
            for (unsigned char c : l)
                if (!m_classOf[c])
                    m_classOf[c] = static_cast<std::uint8_t>(classes++);
        m_classes = classes;
        // Trie
        std::vector<std::vector<std::int32_t>> next(1, std::vector<std::int32_t>(m_classes, -1));
        std::vector<std::int32_t> terminal(1, -1);
        for (std::uint32_t id = 0; id < m_literals.size(); ++id) {
            std::int32_t s = 0;
            for (unsigned char c : m_literals[id]) {
                const int k = m_classOf[c];
                if (next[s][k] < 0) {
                    next[s][k] = static_cast<std::int32_t>(next.size());
                    next.emplace_back(m_classes, -1);
                    terminal.push_back(-1);
                }
                s = next[s][k];
            }
            terminal[s] = static_cast<std::int32_t>(id);
        }
        const std::size_t n = next.size();
        m_delta.assign(n * m_classes, 0);
        m_terminal = terminal;
        m_outLink.assign(n, -1);
        std::vector<std::int32_t> fail(n, 0);
        std::deque<std::int32_t> queue;
        for (int k = 0; k < m_classes; ++k) {
            const std::int32_t t = next[0][k];
            if (t > 0) {
                m_delta[k] = t;
                fail[t] = 0;
                queue.push_back(t);
            } else {
                m_delta[k] = 0;
            }
        }
        while (!queue.empty()) {
            const std::int32_t s = queue.front();
            queue.pop_front();
            // Output link: nearest proper suffix state that ends a literal.
            const std::int32_t f = fail[s];
            m_outLink[s] = m_terminal[f] >= 0 ? f : m_outLink[f];
            for (int k = 0; k < m_classes; ++k) {
                const std::int32_t t = next[s][k];
                if (t > 0) {
                    fail[t] = m_delta[static_cast<std::size_t>(f) * m_classes + k];
                    m_delta[static_cast<std::size_t>(s) * m_classes + k] = t;
                    queue.push_back(t);
                } else {
                    m_delta[static_cast<std::size_t>(s) * m_classes + k] =
                        m_delta[static_cast<std::size_t>(f) * m_classes + k];
                }
            }
        }
        m_ids.clear();
    }

    /// Calls hit(literalId) for every literal occurrence in text.
    template <typename F>
    void scan(std::string_view text, F&& hit) const
    {
        std::int32_t s = 0;
        const std::int32_t* delta = m_delta.data();
        const int classes = m_classes;
        for (unsigned char c : text) {
            s = delta[static_cast<std::size_t>(s) * classes + m_classOf[c]];
            if (s == 0)
                continue;
            for (std::int32_t o = m_terminal[s] >= 0 ? s : m_outLink[s]; o > 0; o = m_outLink[o])
                hit(static_cast<std::uint32_t>(m_terminal[o]));
        }
    }

    bool empty() const { return m_literals.empty(); }

private:
    std::unordered_map<std::string, std::uint32_t> m_ids;
    std::vector<std::string> m_literals;
    std::array<std::uint8_t, 256> m_classOf{};
    int m_classes = 1;
    std::vector<std::int32_t> m_delta;
    std::vector<std::int32_t> m_terminal;
    std::vector<std::int32_t> m_outLink;
};

std::string bucketKey(std::string_view channel, std::string_view eventId)
{
    std::string key = folded(channel);
    key += '#';
    key += eventId;
    return key;
}

} // namespace

struct RuleSet::Impl {
    std::vector<std::shared_ptr<const CompiledRule>> rules;
    bool finalized = false;
    std::unordered_map<std::string, std::vector<std::uint32_t>> buckets; ///< "channel#id" / "channel#*"
    std::vector<std::uint32_t> always;                                   ///< not bucketed: always candidates
    AhoCorasick literals;
    std::vector<std::vector<std::uint32_t>> literalRules; ///< literal id -> rules
    std::vector<char> filtered;                           ///< rule has a literal filter

    void build()
    {
        buckets.clear();
        always.clear();
        literals = AhoCorasick();
        literalRules.clear();
        filtered.assign(rules.size(), 0);
        for (std::uint32_t i = 0; i < rules.size(); ++i) {
            const auto& impl = rules[i]->impl();
            bool bucketed = impl.scoped;
            std::vector<std::string> keys;
            for (const auto& e : impl.scope) {
                if (e.channel.empty()) {
                    bucketed = false;
                    break;
                }
                if (e.eventIds.empty())
                    keys.push_back(bucketKey(e.channel, "*"));
                for (auto id : e.eventIds)
                    keys.push_back(bucketKey(e.channel, std::to_string(id)));
            }
            if (bucketed) {
                std::sort(keys.begin(), keys.end());
                keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
                for (const auto& k : keys)
                    buckets[k].push_back(i);
            } else {
                always.push_back(i);
            }
            if (!impl.requiredLiterals.empty()) {
                filtered[i] = 1;
                for (const auto& l : impl.requiredLiterals) {
                    const auto id = literals.add(l);
                    if (literalRules.size() <= id)
                        literalRules.resize(id + 1);
                    if (literalRules[id].empty() || literalRules[id].back() != i)
                        literalRules[id].push_back(i);
                }
            }
        }
        literals.build();
        finalized = true;
    }
};

RuleSet::RuleSet()
    : m_impl(std::make_unique<Impl>())
{}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

void RuleSet::add(std::shared_ptr<const CompiledRule> rule)
{
    if (!rule)
        return;
    m_impl->rules.push_back(std::move(rule));
    m_impl->finalized = false;
}

void RuleSet::finalize()
{
    if (!m_impl->finalized)
        m_impl->build();
}

std::size_t RuleSet::size() const
{
    return m_impl->rules.size();
}
const std::shared_ptr<const CompiledRule>& RuleSet::at(std::size_t index) const
{
    return m_impl->rules.at(index);
}

std::vector<std::size_t> RuleSet::match(const Event& event) const
{
    std::vector<std::size_t> out;
    match(event, out);
    return out;
}

void RuleSet::match(const Event& event, std::vector<std::size_t>& out) const
{
    Stats stats;
    match(event, out, stats);
}

void RuleSet::match(const Event& event, std::vector<std::size_t>& out, Stats& stats) const
{
    out.clear();
    if (!m_impl->finalized)
        const_cast<RuleSet*>(this)->finalize(); // documented: call finalize() before sharing
    const Impl& impl = *m_impl;
    ++stats.events;

    // 1. Candidates by channel and EventID.
    struct Scratch {
        const void* owner = nullptr;
        std::uint32_t epoch = 0;
        std::vector<std::uint32_t> ruleStamp;
        std::vector<std::uint32_t> literalStamp;
        std::vector<std::uint32_t> candidates;
    };
    thread_local Scratch scratch;
    if (scratch.owner != &impl || scratch.ruleStamp.size() != impl.rules.size() ||
        scratch.literalStamp.size() != impl.literalRules.size()) {
        scratch.owner = &impl;
        scratch.epoch = 0;
        scratch.ruleStamp.assign(impl.rules.size(), 0);
        scratch.literalStamp.assign(impl.literalRules.size(), 0);
    }
    if (++scratch.epoch == 0) {
        std::fill(scratch.ruleStamp.begin(), scratch.ruleStamp.end(), 0);
        std::fill(scratch.literalStamp.begin(), scratch.literalStamp.end(), 0);
        scratch.epoch = 1;
    }
    const std::uint32_t epoch = scratch.epoch;

    auto& candidates = scratch.candidates;
    candidates.clear();
    const std::string_view channel = event.channel();
    if (channel.empty()) {
        for (std::uint32_t i = 0; i < impl.rules.size(); ++i)
            candidates.push_back(i);
    } else {
        candidates.insert(candidates.end(), impl.always.begin(), impl.always.end());
        for (const auto& key : {bucketKey(channel, event.eventId()), bucketKey(channel, "*")}) {
            auto it = impl.buckets.find(key);
            if (it != impl.buckets.end())
                candidates.insert(candidates.end(), it->second.begin(), it->second.end());
        }
        std::sort(candidates.begin(), candidates.end());
        candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
    stats.candidates += candidates.size();
    if (candidates.empty())
        return;

    // 2. Literal pass, only when a candidate is literal-filtered.
    EvalContext ctx(event);
    bool needScan = false;
    for (auto c : candidates)
        if (impl.filtered[c]) {
            needScan = true;
            break;
        }
    TranslationCache translations(event);
    if (needScan && !impl.literals.empty()) {
        auto scanAll = [&](EvalContext& c) {
            for (std::size_t f = 0; f < c.event().fields.size(); ++f) {
                impl.literals.scan(c.folded(f), [&](std::uint32_t lit) {
                    if (scratch.literalStamp[lit] == epoch)
                        return;
                    scratch.literalStamp[lit] = epoch;
                    for (auto r : impl.literalRules[lit])
                        scratch.ruleStamp[r] = epoch;
                });
            }
        };
        scanAll(ctx);
        // Security 4688 is read through a translation that derives values (User, IntegrityLevel):
        // scan the translated view too. (Rules translating 5156 have no literal filter.)
        if (channel == "Security" && event.eventId() == "4688")
            scanAll(translations.get(SourceTranslation::Security4688));
    }

    // 3. Evaluate.
    for (auto c : candidates) {
        if (impl.filtered[c] && scratch.ruleStamp[c] != epoch)
            continue;
        ++stats.evaluated;
        if (impl.rules[c]->impl().evaluate(event, &ctx, &translations)) {
            out.push_back(c);
            ++stats.matches;
        }
    }
}

} // namespace sigma
