// RuleSet: many rules matched together. Two pre-filters keep an event away from rules that cannot
// match it: (1) the log source (channel + EventID buckets), (2) required literals: every rule
// whose condition implies "one of these strings occurs in the event" is only evaluated when an
// Aho-Corasick pass over the event's case-folded values found one of them.
#include "engine/ahocorasick.h"
#include "engine/casefold.h"
#include "engine/compiled.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <unordered_map>
#include <utility>

namespace sigma {

using namespace engine;

namespace {

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
    std::unordered_map<std::string, std::vector<std::uint32_t>> buckets; ///< "channel#id" / "channel#*"
    std::vector<std::uint32_t> always;                                   ///< not bucketed: always candidates
    /// Sorted candidate lists: "channel#id" -> always + channel#* + channel#id; "channel#" -> always +
    /// channel#* (an EventID no rule names).
    struct Candidates {
        std::vector<std::uint32_t> rules;
        /// Parallel to rules: the row of the rule's scope that covers every event of this list,
        /// -1 when it must be looked up per event (unscoped rules, lists of several EventIDs).
        std::vector<std::int32_t> entries;
        std::vector<std::uint32_t> unfiltered; ///< positions in rules of candidates without a literal filter
        std::vector<std::uint64_t> member;     ///< bit set over rule indices: the rule is in rules
        std::vector<char> automata;            ///< automata some literal-filtered candidate needs
        bool anyFiltered = false;
        bool contains(std::uint32_t rule) const { return (member[rule >> 6] >> (rule & 63)) & 1; }
    };
    std::unordered_map<std::string, Candidates> candidateLists;
    Candidates everyRule;
    Candidates alwaysList;
    std::vector<std::vector<std::int32_t>> automataOfRule;
    /// One automaton per field key (literals of field items) and one over every field (keywords);
    /// an event field is scanned only by its field's automaton and the keyword one.
    std::vector<AhoCorasick> automata;
    std::vector<std::vector<std::uint32_t>> globalIds; ///< per automaton: local literal id -> global
    std::vector<std::int32_t> automatonOfKey;          ///< field key -> automaton index, -1 none
    std::int32_t anyFieldAutomaton = -1;
    std::size_t literalCount = 0;
    std::vector<std::vector<std::uint32_t>> literalRules; ///< global literal id -> literal groups (ids)
    std::vector<std::uint32_t> groupRule;                 ///< literal group id -> rule
    std::vector<std::uint8_t> groupCount;                 ///< rule -> its literal groups, all needed
    std::vector<char> filtered;                           ///< rule has a literal filter

    void build()
    {
        buckets.clear();
        always.clear();
        automata.clear();
        globalIds.clear();
        automatonOfKey.clear();
        anyFieldAutomaton = -1;
        literalRules.clear();
        groupRule.clear();
        groupCount.assign(rules.size(), 0);
        filtered.assign(rules.size(), 0);
        automataOfRule.assign(rules.size(), {});
        // A literal longer than kWindow is looked for through one window of it (a necessary
        // condition still): the window the fewest literals of the whole set contain, so that
        // common stretches ("c:\windows\system32\") do not make every event a candidate; on a
        // tie the last one (file names and switches end literals). Short windows keep the
        // automata small.
        constexpr std::size_t kWindow = 8;
        // Windows are counted by a 64-bit hash (a collision only makes a choice less good).
        auto hashOf = [](std::string_view w) {
            std::uint64_t h = 1469598103934665603ull;
            for (unsigned char c : w)
                h = (h ^ c) * 1099511628211ull;
            return h;
        };
        // Open addressing, linear probing over 32-bit tags (a collision only makes a choice less
        // good), tag 0 = empty slot; compact so that the table stays mostly in cache.
        // Only the last kCandidates windows of a literal are candidates (long literals are mostly
        // encoded forms, base64 or UTF-16, whose ends are as good as any other place), and each
        // distinct literal text is counted once.
        constexpr std::size_t kCandidates = 12;
        auto firstCandidate = [&](std::string_view t) {
            return t.size() - kWindow + 1 > kCandidates ? t.size() - kWindow + 1 - kCandidates : 0;
        };
        std::vector<std::string_view> texts;
        for (const auto& r : rules)
            for (const auto& group : CompiledRuleAccess::impl(*r).literalGroups)
                for (const auto& l : group)
                    if (l.text.size() > kWindow)
                        texts.push_back(l.text);
        std::sort(texts.begin(), texts.end());
        texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
        const std::size_t totalWindows = texts.size() * kCandidates;
        int bits = 10;
        while ((std::size_t{1} << bits) < totalWindows + totalWindows / 2)
            ++bits;
        const std::size_t mask = (std::size_t{1} << bits) - 1;
        struct Slot {
            std::uint32_t tag = 0;
            std::uint32_t count = 0;
        };
        std::vector<Slot> windowCount(mask + 1);
        auto slot = [&](std::uint64_t h) -> Slot& {
            const auto tag = static_cast<std::uint32_t>(h >> 32) | 1u;
            std::size_t i = static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> (64 - bits));
            while (windowCount[i].tag != 0 && windowCount[i].tag != tag)
                i = (i + 1) & mask;
            windowCount[i].tag = tag;
            return windowCount[i];
        };
        std::vector<std::uint64_t> seen;
        for (const std::string_view t : texts) {
            seen.clear();
            for (std::size_t k = firstCandidate(t); k + kWindow <= t.size(); ++k)
                seen.push_back(hashOf(t.substr(k, kWindow)));
            std::sort(seen.begin(), seen.end());
            seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
            for (auto w : seen)
                ++slot(w).count;
        }
        auto window = [&](std::string_view t) {
            if (t.size() <= kWindow)
                return t;
            std::string_view best;
            std::uint32_t bestCount = UINT32_MAX;
            for (std::size_t k = firstCandidate(t); k + kWindow <= t.size(); ++k) {
                const std::string_view w = t.substr(k, kWindow);
                const std::uint32_t c = slot(hashOf(w)).count;
                if (c <= bestCount) {
                    best = w;
                    bestCount = c;
                }
            }
            return best;
        };
        auto automatonFor = [&](FieldNames::Id field) -> std::int32_t {
            if (field == kAnyField) {
                if (anyFieldAutomaton < 0) {
                    anyFieldAutomaton = static_cast<std::int32_t>(automata.size());
                    automata.emplace_back();
                    globalIds.emplace_back();
                }
                return anyFieldAutomaton;
            }
            if (automatonOfKey.size() <= field)
                automatonOfKey.resize(field + 1, -1);
            if (automatonOfKey[field] < 0) {
                automatonOfKey[field] = static_cast<std::int32_t>(automata.size());
                automata.emplace_back();
                globalIds.emplace_back();
            }
            return automatonOfKey[field];
        };
        for (std::uint32_t i = 0; i < rules.size(); ++i) {
            const auto& impl = CompiledRuleAccess::impl(*rules[i]);
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
            if (!impl.literalGroups.empty()) {
                filtered[i] = 1;
                groupCount[i] = static_cast<std::uint8_t>(impl.literalGroups.size());
            }
            for (const auto& group : impl.literalGroups) {
                const auto gid = static_cast<std::uint32_t>(groupRule.size());
                groupRule.push_back(i);
                for (const auto& l : group) {
                    const std::int32_t a = automatonFor(l.field);
                    if (std::find(automataOfRule[i].begin(), automataOfRule[i].end(), a) == automataOfRule[i].end())
                        automataOfRule[i].push_back(a);
                    const std::uint32_t local = automata[a].add(window(l.text));
                    // Local ids are dense per automaton: globalIds maps them to global ids.
                    auto& ids = globalIds[static_cast<std::size_t>(a)];
                    if (ids.size() <= local)
                        ids.resize(local + 1, UINT32_MAX);
                    if (ids[local] == UINT32_MAX) {
                        ids[local] = static_cast<std::uint32_t>(literalRules.size());
                        literalRules.emplace_back();
                    }
                    auto& groupsOf = literalRules[ids[local]];
                    if (groupsOf.empty() || groupsOf.back() != gid)
                        groupsOf.push_back(gid);
                }
            }
        }
        literalCount = literalRules.size();
        std::size_t states = 0;
        for (auto& ac : automata) {
            ac.build();
            states += ac.states();
        }
        candidateLists.clear();
        std::vector<std::uint32_t> all;
        for (std::uint32_t i = 0; i < rules.size(); ++i)
            all.push_back(i);
        // The scope row covering every event with this (folded) channel and EventID (as the
        // event writes it: the bucket keys are the canonical decimal form), as scopeFor finds it.
        auto entryFor = [&](std::uint32_t r, std::string_view channel, std::string_view eventId) -> std::int32_t {
            const auto& impl = CompiledRuleAccess::impl(*rules[r]);
            if (!impl.scoped || eventId.empty())
                return -1;
            std::uint32_t id = 0;
            auto [p, ec] = std::from_chars(eventId.data(), eventId.data() + eventId.size(), id);
            if (ec != std::errc() || p != eventId.data() + eventId.size() || std::to_string(id) != eventId)
                return -1;
            for (std::size_t k = 0; k < impl.scope.size(); ++k) {
                const auto& e = impl.scope[k];
                if (e.channel.empty())
                    return -1; // decided by the provider: per event
                if (folded(e.channel) != channel)
                    continue;
                if (e.eventIds.empty() || std::find(e.eventIds.begin(), e.eventIds.end(), id) != e.eventIds.end())
                    return static_cast<std::int32_t>(k);
            }
            return -1;
        };
        auto merged = [&](std::initializer_list<const std::vector<std::uint32_t>*> lists, std::string_view channel = {},
                          std::string_view eventId = {}) {
            Candidates out;
            for (const auto* l : lists)
                if (l)
                    out.rules.insert(out.rules.end(), l->begin(), l->end());
            std::sort(out.rules.begin(), out.rules.end());
            out.rules.erase(std::unique(out.rules.begin(), out.rules.end()), out.rules.end());
            out.automata.assign(automata.size(), 0);
            out.member.assign((rules.size() + 63) / 64, 0);
            for (std::uint32_t k = 0; k < out.rules.size(); ++k) {
                const auto r = out.rules[k];
                out.anyFiltered |= filtered[r] != 0;
                for (auto a : automataOfRule[r])
                    out.automata[a] = 1;
                if (!filtered[r])
                    out.unfiltered.push_back(k);
                out.member[r >> 6] |= std::uint64_t{1} << (r & 63);
                out.entries.push_back(entryFor(r, channel, eventId));
            }
            return out;
        };
        for (const auto& [key, list] : buckets) {
            const std::string channel = key.substr(0, key.rfind('#'));
            auto star = buckets.find(channel + "#*");
            const auto* starList = star == buckets.end() ? nullptr : &star->second;
            candidateLists[key] = merged({&always, starList, &list}, channel, key.substr(key.rfind('#') + 1));
            candidateLists[channel + "#"] = merged({&always, starList});
        }
        everyRule = merged({&all});
        alwaysList = merged({&always});
        if (std::getenv("SIGMA_ENGINE_STATS")) {
            std::size_t chars = 0;
            for (const auto& r : rules)
                for (const auto& group : CompiledRuleAccess::impl(*r).literalGroups)
                    for (const auto& l : group)
                        chars += l.text.size();
            std::fprintf(stderr, "ruleset: %zu literals (%zu bytes), %zu automata, %zu states\n", literalCount, chars,
                         automata.size(), states);
            for (auto r : always) {
                bool keywords = anyFieldAutomaton >= 0 && std::find(automataOfRule[r].begin(), automataOfRule[r].end(),
                                                                    anyFieldAutomaton) != automataOfRule[r].end();
                std::fprintf(stderr, "  always: %s%s%s\n", rules[r]->file().c_str(),
                             filtered[r] ? "" : " (no literal filter)", keywords ? " (keyword literals)" : "");
            }
            std::size_t kw = 0;
            for (std::uint32_t r = 0; r < rules.size(); ++r)
                kw += anyFieldAutomaton >= 0 && std::find(automataOfRule[r].begin(), automataOfRule[r].end(),
                                                          anyFieldAutomaton) != automataOfRule[r].end();
            std::fprintf(stderr, "  %zu rules with keyword literals, %zu unbucketed\n", kw, always.size());
        }
    }
};

RuleSet::RuleSet()
    : RuleSet(std::vector<std::shared_ptr<const CompiledRule>>{})
{}
RuleSet::RuleSet(std::vector<std::shared_ptr<const CompiledRule>> rules)
{
    // Built here, whole, before anyone can match: the set is immutable (and so thread-safe).
    auto impl = std::make_unique<Impl>();
    impl->rules = std::move(rules);
    impl->build();
    m_impl = std::move(impl);
}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

void RuleSetBuilder::add(std::shared_ptr<const CompiledRule> rule)
{
    if (rule)
        m_rules.push_back(std::move(rule));
}

RuleSet RuleSetBuilder::build()
{
    return RuleSet(std::exchange(m_rules, {}));
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
    const Impl& impl = *m_impl;
    ++stats.events;

    // 1. Candidates by channel and EventID.
    struct Scratch {
        const void* owner = nullptr;
        std::uint32_t epoch = 0;
        std::vector<std::uint32_t> ruleStamp;
        std::vector<std::uint8_t> ruleGroups; ///< groups of the rule found (valid when ruleStamp == epoch)
        std::vector<std::uint32_t> literalStamp;
        std::vector<std::uint32_t> groupStamp;
        std::vector<std::uint32_t> hitRules; ///< rules stamped for this event
        std::string key;
    };
    thread_local Scratch scratch;
    if (scratch.owner != &impl || scratch.ruleStamp.size() != impl.rules.size() ||
        scratch.literalStamp.size() != impl.literalRules.size() || scratch.groupStamp.size() != impl.groupRule.size()) {
        scratch.owner = &impl;
        scratch.epoch = 0;
        scratch.ruleStamp.assign(impl.rules.size(), 0);
        scratch.ruleGroups.assign(impl.rules.size(), 0);
        scratch.literalStamp.assign(impl.literalRules.size(), 0);
        scratch.groupStamp.assign(impl.groupRule.size(), 0);
    }
    if (++scratch.epoch == 0) {
        std::fill(scratch.ruleStamp.begin(), scratch.ruleStamp.end(), 0);
        std::fill(scratch.literalStamp.begin(), scratch.literalStamp.end(), 0);
        std::fill(scratch.groupStamp.begin(), scratch.groupStamp.end(), 0);
        scratch.epoch = 1;
    }
    const std::uint32_t epoch = scratch.epoch;

    const auto& keys = SystemKeys::get();
    const std::string_view channel = fieldByKey(event, keys.channel);
    const Impl::Candidates* list = &impl.everyRule;
    bool security4688 = false;
    if (!channel.empty()) {
        std::string& key = scratch.key;
        key.clear();
        appendFolded(channel, key);
        key += '#';
        const std::size_t base = key.size();
        key += fieldByKey(event, keys.eventId);
        security4688 = key == "security#4688";
        auto it = impl.candidateLists.find(key);
        if (it == impl.candidateLists.end()) {
            key.resize(base);
            it = impl.candidateLists.find(key);
        }
        list = it != impl.candidateLists.end() ? &it->second : &impl.alwaysList;
    }
    const std::vector<std::uint32_t>& candidates = list->rules;
    stats.candidates += candidates.size();
    if (candidates.empty())
        return;

    // 2. Literal pass, only when a candidate is literal-filtered.
    // One context per thread, rebound to each event: its buffers are allocated once, not per event.
    thread_local EvalContext ctxStorage(event);
    EvalContext& ctx = ctxStorage;
    ctx.rebind(event);
    const bool needScan = list->anyFiltered;
    scratch.hitRules.clear();
    thread_local TranslationCache translationStorage(event);
    TranslationCache& translations = translationStorage;
    translations.rebind(event);
    if (needScan && impl.literalCount) {
        auto hit = [&](const std::vector<std::uint32_t>& globals) {
            return [&](std::uint32_t local) {
                const std::uint32_t lit = globals[local];
                if (scratch.literalStamp[lit] == epoch)
                    return;
                scratch.literalStamp[lit] = epoch;
                // A rule is a hit once a literal of each of its groups was found.
                for (auto gid : impl.literalRules[lit]) {
                    if (scratch.groupStamp[gid] == epoch)
                        continue;
                    scratch.groupStamp[gid] = epoch;
                    const std::uint32_t r = impl.groupRule[gid];
                    if (scratch.ruleStamp[r] != epoch) {
                        scratch.ruleStamp[r] = epoch;
                        scratch.ruleGroups[r] = 0;
                    }
                    if (++scratch.ruleGroups[r] == impl.groupCount[r])
                        scratch.hitRules.push_back(r);
                }
            };
        };
        const std::int32_t any = impl.anyFieldAutomaton;
        const bool scanAny = any >= 0 && list->automata[any];
        auto scanAll = [&](EvalContext& c, std::size_t first) {
            const auto& fields = c.event().fields;
            // The values are usually not in cache: ask for the next fields' values while this
            // one is scanned.
            auto prefetch = [&](std::size_t f) {
                if (f >= fields.size())
                    return;
                const std::string_view v = c.event().text(f);
                __builtin_prefetch(v.data());
                if (v.size() > 64)
                    __builtin_prefetch(v.data() + 64);
            };
            prefetch(first);
            prefetch(first + 1);
            for (std::size_t f = first; f < fields.size(); ++f) {
                prefetch(f + 2);
                const FieldNames::Id key = fields[f].key;
                const std::int32_t a = key < impl.automatonOfKey.size() ? impl.automatonOfKey[key] : -1;
                const bool scanField = a >= 0 && list->automata[a];
                if (!scanField && !scanAny)
                    continue;
                // The automata fold ASCII case themselves: an ASCII value is scanned as it is; a
                // value with other bytes in its Unicode case-folded form (folded by the context,
                // which shares it with the rules).
                const std::string_view raw = c.raw(f);
                const std::string_view text = isAscii(raw) ? raw : c.folded(f);
                if (scanField)
                    impl.automata[a].scanInterleaved(text, hit(impl.globalIds[a]));
                if (scanAny)
                    impl.automata[any].scanInterleaved(text, hit(impl.globalIds[any]));
            }
        };
        scanAll(ctx, 0);
        // Security 4688 is read through a translation that renames fields and derives values
        // (User, IntegrityLevel): scan the translated view too, but only its renamed and derived
        // fields: the others are the event's own, already scanned with the same automata.
        // (Rules translating 5156 have no literal filter.)
        if (security4688) {
            std::size_t copied = 0;
            translations.translated(SourceTranslation::Security4688, &copied);
            scanAll(translations.get(SourceTranslation::Security4688), copied);
        }
    }

    // 3. Evaluate, in ascending order: the candidates without a literal filter and those whose
    // literals were found (rules of other log sources may share a literal: only candidates).
    auto& hits = scratch.hitRules;
    std::size_t kept = 0;
    for (auto r : hits)
        if (list->contains(r))
            hits[kept++] = r;
    hits.resize(kept);
    std::sort(hits.begin(), hits.end());
    auto evaluate = [&](std::uint32_t c, std::int32_t entry) {
        ++stats.evaluated;
        const auto& rule = CompiledRuleAccess::impl(*impl.rules[c]);
        auto run = [&] {
            return entry >= 0
                       ? rule.evaluateIn(&rule.scope[static_cast<std::size_t>(entry)], event, &ctx, &translations)
                       : rule.evaluate(event, &ctx, &translations);
        };
        bool m = false;
        if (stats.ruleSeconds) [[unlikely]] {
            const auto start = std::chrono::steady_clock::now();
            m = run();
            (*stats.ruleSeconds)[c] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (stats.ruleEvaluations)
                ++(*stats.ruleEvaluations)[c];
        } else {
            m = run();
        }
        if (m) {
            out.push_back(c);
            ++stats.matches;
        }
    };
    auto position = [&](std::uint32_t r) {
        return static_cast<std::size_t>(std::lower_bound(candidates.begin(), candidates.end(), r) - candidates.begin());
    };
    std::size_t u = 0, h = 0;
    const auto& unfiltered = list->unfiltered;
    while (u < unfiltered.size() || h < hits.size()) {
        if (h == hits.size() || (u < unfiltered.size() && candidates[unfiltered[u]] < hits[h])) {
            const std::uint32_t k = unfiltered[u++];
            evaluate(candidates[k], list->entries[k]);
        } else {
            const std::uint32_t r = hits[h++];
            evaluate(r, list->entries[position(r)]);
        }
    }
}

} // namespace sigma
