// CompiledRule: scoping and the evaluation of the condition over the searches (compilerule.cpp
// builds it, explain.cpp explains a verdict).
#include "engine/casefold.h"
#include "engine/compiled.h"
#include "rule/condition.h"

#include <algorithm>

namespace sigma {

using namespace engine;

const char* outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Matched:
        return "matched";
    case Outcome::NotMatched:
        return "not matched";
    case Outcome::FieldAbsent:
        return "field absent";
    case Outcome::Skipped:
        return "skipped";
    case Outcome::Error:
        return "error";
    }
    return "?";
}

namespace {

/// The condition over search outcomes given by `search(index)` (evaluated on demand, so the
/// short-circuit of and/or/1 of/all of decides which ones are needed).
template <typename Search>
Tri evalConditionWith(const CompiledCondition& c, Search& search)
{
    switch (c.kind) {
    case ConditionNode::Kind::Identifier:
        return search(c.searches[0]);
    case ConditionNode::Kind::Not:
        return notTri(evalConditionWith(c.children[0], search));
    case ConditionNode::Kind::And: {
        bool error = false;
        for (const auto& ch : c.children) {
            const Tri t = evalConditionWith(ch, search);
            if (t == Tri::False)
                return Tri::False;
            error |= t == Tri::Error;
        }
        return error ? Tri::Error : Tri::True;
    }
    case ConditionNode::Kind::Or: {
        bool error = false;
        for (const auto& ch : c.children) {
            const Tri t = evalConditionWith(ch, search);
            if (t == Tri::True)
                return Tri::True;
            error |= t == Tri::Error;
        }
        return error ? Tri::Error : Tri::False;
    }
    case ConditionNode::Kind::OneOf: {
        bool error = false;
        for (auto s : c.searches) {
            const Tri t = search(s);
            if (t == Tri::True)
                return Tri::True;
            error |= t == Tri::Error;
        }
        return error ? Tri::Error : Tri::False;
    }
    case ConditionNode::Kind::AllOf: {
        bool error = false;
        for (auto s : c.searches) {
            const Tri t = search(s);
            if (t == Tri::False)
                return Tri::False;
            error |= t == Tri::Error;
        }
        return error ? Tri::Error : Tri::True;
    }
    }
    return Tri::False;
}

Tri evalCondition(const CompiledCondition& c, const std::vector<CompiledSearch>& searches, EvalContext& ctx)
{
    auto search = [&](std::size_t index) { return evalSearch(searches[index], ctx); };
    return evalConditionWith(c, search);
}

/// What decides a search identifier's outcome on an event, as text: two identifiers with the
/// same fingerprint (under the same compile options) give the same outcome on every event.
std::string searchFingerprint(const SearchIdentifier& s)
{
    std::string f;
    auto put = [&f](std::string_view x) {
        f += std::to_string(x.size());
        f += ':';
        f += x;
    };
    f += static_cast<char>('0' + static_cast<int>(s.kind));
    for (const auto& map : s.maps) {
        f += 'M';
        for (const auto& item : map.items) {
            f += item.isKeyword ? 'K' : 'F';
            put(item.field);
            for (const auto& m : item.modifiers) {
                f += '|';
                put(m.written);
            }
            f += item.valueIsList ? 'L' : 'S';
            for (const auto& v : item.values) {
                f += static_cast<char>('0' + static_cast<int>(v.type));
                f += v.quoted ? 'q' : 'p';
                put(v.text);
            }
        }
    }
    return f;
}

} // namespace

// --- CompiledRule -----------------------------------------------------------------------------------

CompiledRule::CompiledRule(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
CompiledRule::~CompiledRule() = default;

const Rule& CompiledRule::rule() const
{
    return m_impl->rule;
}
const std::string& CompiledRule::file() const
{
    return m_impl->file;
}

const LogSourceEntry* CompiledRule::Impl::scopeFor(const Event& event) const
{
    for (const auto& e : scope)
        if (e.covers(event))
            return &e;
    return nullptr;
}

bool CompiledRule::Impl::evaluate(const Event& event, EvalContext* shared, TranslationCache* translations) const
{
    const LogSourceEntry* entry = nullptr;
    if (scoped) {
        entry = scopeFor(event);
        if (!entry)
            return false;
    }
    return evaluateIn(entry, event, shared, translations);
}

bool CompiledRule::Impl::evaluateIn(const LogSourceEntry* entry, const Event& event, EvalContext* shared,
                                    TranslationCache* translations) const
{
    auto run = [&](EvalContext& ctx) {
        for (const auto& c : conditions)
            if (evalCondition(c, searches, ctx) == Tri::True)
                return true;
        return false;
    };
    if (entry && entry->translation != SourceTranslation::None) {
        if (translations)
            return run(translations->get(entry->translation));
        const Event translated = translateEvent(event, entry->translation, nullptr);
        EvalContext ctx(translated);
        return run(ctx);
    }
    if (shared)
        return run(*shared);
    EvalContext ctx(event);
    return run(ctx);
}

bool CompiledRule::inScope(const Event& event) const
{
    return !m_impl->scoped || m_impl->scopeFor(event);
}

bool CompiledRule::matches(const Event& event) const
{
    return m_impl->evaluate(event, nullptr, nullptr);
}

bool CompiledRule::conditionMatches(const Event& event) const
{
    EvalContext ctx(event);
    for (const auto& c : m_impl->conditions)
        if (evalCondition(c, m_impl->searches, ctx) == Tri::True)
            return true;
    return false;
}

int CompiledRule::scopeRow(const Event& event) const
{
    const Impl& impl = *m_impl;
    if (!impl.scoped)
        return 0;
    for (std::size_t i = 0; i < impl.scope.size(); ++i)
        if (impl.scope[i].covers(event))
            return static_cast<int>(i);
    return -1;
}

bool CompiledRule::matchesInRow(const Event& event, int row) const
{
    const LogSourceEntry* entry = nullptr;
    return m_impl->rowEntry(row, entry) && m_impl->evaluateIn(entry, event, nullptr, nullptr);
}

std::optional<Event> CompiledRule::translatedForRow(const Event& event, int row) const
{
    const LogSourceEntry* entry = nullptr;
    if (!m_impl->rowEntry(row, entry) || !entry || entry->translation == SourceTranslation::None)
        return std::nullopt;
    return translateEvent(event, entry->translation, nullptr);
}

std::shared_ptr<SearchCache> CompiledRule::prepareSearchCache(std::size_t eventCount, const SearchCache* previous) const
{
    const Impl& impl = *m_impl;
    auto cache = std::make_shared<SearchCache>();
    cache->m_events = eventCount;
    cache->m_fingerprints.reserve(impl.rule.detection.size());
    cache->m_outcomes.resize(impl.rule.detection.size());
    for (std::size_t i = 0; i < impl.rule.detection.size(); ++i) {
        cache->m_fingerprints.push_back(searchFingerprint(impl.rule.detection[i]));
        bool kept = false;
        if (previous && previous->m_events == eventCount) {
            for (std::size_t j = 0; j < previous->m_fingerprints.size() && !kept; ++j)
                if (previous->m_fingerprints[j] == cache->m_fingerprints[i] &&
                    previous->m_outcomes[j].size() == eventCount) {
                    cache->m_outcomes[i] = previous->m_outcomes[j];
                    kept = true;
                }
        }
        if (kept)
            ++cache->m_reused;
        else
            cache->m_outcomes[i].assign(eventCount, 0);
    }
    return cache;
}

bool CompiledRule::matchesInRowCached(const Event& event, int row, std::size_t index, SearchCache& cache) const
{
    const Impl& impl = *m_impl;
    const LogSourceEntry* entry = nullptr;
    if (index >= cache.m_events || cache.m_outcomes.size() != impl.searches.size() || !impl.rowEntry(row, entry))
        return false;
    // The event as the rule sees it, made only if some outcome is not in the cache. The context
    // (its folding buffers) is kept per thread: one allocation per thread, not per event.
    static thread_local std::optional<EvalContext> scratch;
    std::optional<Event> translated;
    EvalContext* ctx = nullptr;
    auto search = [&](std::size_t s) {
        std::uint8_t& slot = cache.m_outcomes[s][index];
        if (slot != 0)
            return static_cast<Tri>(slot - 1);
        if (!ctx) {
            if (entry && entry->translation != SourceTranslation::None)
                translated = translateEvent(event, entry->translation, nullptr);
            const Event& seen = translated ? *translated : event;
            if (scratch)
                scratch->rebind(seen);
            else
                scratch.emplace(seen);
            ctx = &*scratch;
        }
        const Tri t = evalSearch(impl.searches[s], *ctx);
        slot = static_cast<std::uint8_t>(static_cast<unsigned>(t) + 1);
        return t;
    };
    for (const auto& c : impl.conditions)
        if (evalConditionWith(c, search) == Tri::True)
            return true;
    return false;
}

std::string CompiledRule::scopeDescription() const
{
    if (!m_impl->scoped)
        return "every event (log source not scoped)";
    std::string out;
    for (const auto& e : m_impl->scope)
        out += (out.empty() ? "" : " | ") + e.describe();
    return out;
}

} // namespace sigma
