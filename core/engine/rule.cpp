// compileRule: the rule's searches and conditions; evaluation and explanation.
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

std::string conditionLabel(const ConditionNode& n)
{
    switch (n.kind) {
    case ConditionNode::Kind::Or:
        return "or";
    case ConditionNode::Kind::And:
        return "and";
    case ConditionNode::Kind::Not:
        return "not";
    case ConditionNode::Kind::Identifier:
        return n.name;
    case ConditionNode::Kind::OneOf:
        return "1 of " + n.name;
    case ConditionNode::Kind::AllOf:
        return "all of " + n.name;
    }
    return {};
}

struct RuleCompiler {
    const Rule& rule;
    const std::string& file;
    Diagnostics& diagnostics;
    bool ok = true;

    void error(const SourceSpan& span, std::string code, std::string message)
    {
        diagnostics.push_back(Diagnostic{Severity::Error, std::move(code), std::move(message), file, span});
        ok = false;
    }

    bool compileCondition(const ConditionNode& node, CompiledCondition& out)
    {
        out.kind = node.kind;
        out.label = conditionLabel(node);
        out.span = node.span;
        out.operatorSpan = node.operatorSpan;
        switch (node.kind) {
        case ConditionNode::Kind::Identifier: {
            for (std::size_t i = 0; i < rule.detection.size(); ++i)
                if (rule.detection[i].name == node.name) {
                    out.searches.push_back(i);
                    return true;
                }
            error(node.nameSpan.valid() ? node.nameSpan : node.span, "unknown-search-identifier",
                  "the condition refers to '" + node.name + "', which is not defined under detection");
            return false;
        }
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            for (std::size_t i = 0; i < rule.detection.size(); ++i)
                if (conditionOperandSelects(node.name, rule.detection[i].name))
                    out.searches.push_back(i);
            if (out.searches.empty()) {
                error(node.nameSpan.valid() ? node.nameSpan : node.span, "unknown-search-identifier",
                      "'" + node.name + "' matches no search identifier");
                return false;
            }
            return true;
        }
        default:
            break;
        }
        bool good = true;
        for (const auto& c : node.children) {
            out.children.emplace_back();
            good &= compileCondition(c, out.children.back());
        }
        return good;
    }
};

Tri notTri(Tri t)
{
    return t == Tri::Error ? Tri::Error : (t == Tri::True ? Tri::False : Tri::True);
}

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

// --- explanation -----------------------------------------------------------------------------------

Outcome triOutcome(Tri t)
{
    return t == Tri::True ? Outcome::Matched : (t == Tri::Error ? Outcome::Error : Outcome::NotMatched);
}
Tri outcomeTri(Outcome o)
{
    return o == Outcome::Matched ? Tri::True : (o == Outcome::Error ? Tri::Error : Tri::False);
}

void markSkipped(ExplainNode& n)
{
    n.outcome = Outcome::Skipped;
    for (auto& c : n.children)
        markSkipped(c);
}

struct Explainer {
    const CompiledRule::Impl& rule;
    EvalContext& ctx;
    bool shortCircuit;

    ExplainNode searchNode(std::size_t index, bool evaluate)
    {
        const CompiledSearch& s = rule.searches[index];
        ExplainNode n;
        n.kind = ExplainNode::Kind::Search;
        n.label = s.name;
        n.span = s.span;
        n.searchIndex = index;
        bool decided = false, error = false;
        for (const auto& map : s.maps) {
            ExplainNode m;
            m.kind = ExplainNode::Kind::Map;
            m.label = s.maps.size() > 1 ? "map " + std::to_string(map.mapIndex + 1) : "map";
            m.span = map.span;
            m.searchIndex = index;
            m.mapIndex = map.mapIndex;
            const bool evalMap = evaluate && !(decided && shortCircuit);
            bool mapDecided = false;
            Tri mr = Tri::True;
            for (const auto& item : map.items) {
                ExplainNode in;
                in.kind = ExplainNode::Kind::Item;
                in.label = item.label;
                in.span = item.span;
                in.field = item.field;
                in.searchIndex = index;
                in.mapIndex = map.mapIndex;
                in.itemIndex = item.itemIndex;
                if (!evalMap || (mapDecided && shortCircuit)) {
                    // Build the value nodes for display, all skipped.
                    for (const auto& v : item.values) {
                        ExplainNode vn;
                        vn.kind = ExplainNode::Kind::Value;
                        vn.label = v.label;
                        vn.span = v.span;
                        vn.field = item.field;
                        vn.valueIndex = v.valueIndex;
                        vn.detail = v.matcher->describe();
                        in.children.push_back(std::move(vn));
                    }
                    markSkipped(in);
                } else {
                    in.outcome = evalItem(item, ctx, &in, shortCircuit);
                    if (in.outcome != Outcome::Matched) {
                        // Like the matcher: the map stops at the first item that does not match.
                        if (in.outcome != Outcome::Error)
                            mr = Tri::False;
                        else if (mr == Tri::True)
                            mr = Tri::Error;
                        mapDecided = true;
                    }
                    if (!item.keyword)
                        for (const auto& f : ctx.event().fields)
                            if (f.key == item.key) {
                                in.eventValue = f.value;
                                in.eventField = std::string(FieldNames::text(f.name));
                                break;
                            }
                }
                for (auto& vn : in.children) {
                    vn.searchIndex = index;
                    vn.mapIndex = map.mapIndex;
                    vn.itemIndex = item.itemIndex;
                }
                m.children.push_back(std::move(in));
            }
            if (!evalMap) {
                markSkipped(m);
            } else {
                m.outcome = triOutcome(mr);
                if (mr == Tri::True)
                    decided = true;
                error |= mr == Tri::Error;
            }
            n.children.push_back(std::move(m));
        }
        if (!evaluate)
            markSkipped(n);
        else
            n.outcome = decided ? Outcome::Matched : (error ? Outcome::Error : Outcome::NotMatched);
        return n;
    }

    ExplainNode condition(const CompiledCondition& c, bool evaluate)
    {
        ExplainNode n;
        n.label = c.label;
        n.span = c.span;
        n.operatorSpan = c.operatorSpan;
        switch (c.kind) {
        case ConditionNode::Kind::Identifier: {
            // span: the definition under detection; operatorSpan: the reference in the condition.
            n = searchNode(c.searches[0], evaluate);
            n.operatorSpan = c.span;
            return n;
        }
        case ConditionNode::Kind::Not: {
            n.kind = ExplainNode::Kind::Not;
            n.children.push_back(condition(c.children[0], evaluate));
            if (evaluate)
                n.outcome = triOutcome(notTri(outcomeTri(n.children[0].outcome)));
            break;
        }
        case ConditionNode::Kind::And:
        case ConditionNode::Kind::Or:
        case ConditionNode::Kind::OneOf:
        case ConditionNode::Kind::AllOf: {
            const bool isAnd = c.kind == ConditionNode::Kind::And || c.kind == ConditionNode::Kind::AllOf;
            n.kind = c.kind == ConditionNode::Kind::And     ? ExplainNode::Kind::And
                     : c.kind == ConditionNode::Kind::Or    ? ExplainNode::Kind::Or
                     : c.kind == ConditionNode::Kind::OneOf ? ExplainNode::Kind::OneOf
                                                            : ExplainNode::Kind::AllOf;
            bool decided = false, error = false;
            const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
            for (std::size_t i = 0; i < count; ++i) {
                const bool evalChild = evaluate && !(decided && shortCircuit);
                ExplainNode ch =
                    c.children.empty() ? searchNode(c.searches[i], evalChild) : condition(c.children[i], evalChild);
                if (evalChild) {
                    const Tri t = outcomeTri(ch.outcome);
                    if (t == (isAnd ? Tri::False : Tri::True))
                        decided = true;
                    error |= t == Tri::Error;
                }
                n.children.push_back(std::move(ch));
            }
            if (evaluate) {
                if (decided)
                    n.outcome = isAnd ? Outcome::NotMatched : Outcome::Matched;
                else
                    n.outcome = error ? Outcome::Error : (isAnd ? Outcome::Matched : Outcome::NotMatched);
            }
            break;
        }
        }
        if (!evaluate)
            markSkipped(n);
        return n;
    }
};

bool isOrLike(ExplainNode::Kind k)
{
    return k == ExplainNode::Kind::Or || k == ExplainNode::Kind::OneOf || k == ExplainNode::Kind::Search ||
           k == ExplainNode::Kind::Rule;
}

/// Marks the nodes that decided `n`'s outcome, recursively.
void markDeciding(ExplainNode& n)
{
    n.deciding = true;
    if (n.outcome == Outcome::Skipped)
        return;
    const bool matched = n.outcome == Outcome::Matched;
    bool andLike = false;
    switch (n.kind) {
    case ExplainNode::Kind::Not:
        for (auto& c : n.children)
            markDeciding(c);
        return;
    case ExplainNode::Kind::And:
    case ExplainNode::Kind::AllOf:
    case ExplainNode::Kind::Map:
        andLike = true;
        break;
    case ExplainNode::Kind::Item:
        // An item with |all is an AND of its values; without, an OR. Detect |all from the label.
        andLike = n.label.find("|all") != std::string::npos;
        break;
    case ExplainNode::Kind::Value:
        return;
    default:
        andLike = !isOrLike(n.kind);
        break;
    }
    for (auto& c : n.children) {
        if (c.outcome == Outcome::Skipped)
            continue;
        if (c.kind == ExplainNode::Kind::LogSource || c.kind == ExplainNode::Kind::Translation)
            continue;
        const bool childMatched = c.outcome == Outcome::Matched;
        // OR matched: the matched children; OR failed: all. AND matched: all; AND failed: the failed.
        const bool decides = andLike ? (matched || !childMatched) : (!matched || childMatched);
        if (decides)
            markDeciding(c);
    }
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

Explanation CompiledRule::explain(const Event& event, const ExplainOptions& options) const
{
    const Impl& impl = *m_impl;
    Explanation ex;
    ExplainNode& root = ex.root;
    root.kind = ExplainNode::Kind::Rule;
    root.label = impl.rule.title.empty() ? impl.file : impl.rule.title;
    root.span = impl.rule.logsource.span; // refined below

    ExplainNode ls;
    ls.kind = ExplainNode::Kind::LogSource;
    ls.span = impl.rule.logsource.span;
    const LogSourceEntry* entry = nullptr;
    if (!impl.scoped) {
        ls.outcome = Outcome::Matched;
        ls.label = "log source: not scoped";
        ls.detail = scopeDescription();
        ex.inScope = true;
    } else {
        entry = impl.scopeFor(event);
        ex.inScope = entry != nullptr;
        ls.outcome = entry ? Outcome::Matched : Outcome::NotMatched;
        ls.label = "log source";
        ls.detail = entry ? "event is " + entry->describe()
                          : "event (" + std::string(event.channel()) + " EventID " + std::string(event.eventId()) +
                                ") is not " + scopeDescription();
        ls.eventValue = std::string(event.channel()) + " / " + std::string(event.eventId());
    }
    ls.deciding = !ex.inScope;
    root.children.push_back(ls);

    Event translated;
    const Event* seen = &event;
    if (entry && entry->translation != SourceTranslation::None) {
        ExplainNode tr;
        tr.kind = ExplainNode::Kind::Translation;
        tr.outcome = Outcome::Matched;
        tr.label = entry->translation == SourceTranslation::Security5156 ? "Security 5156 read as Sysmon 3"
                                                                         : "Security 4688 read as Sysmon 1";
        translated = translateEvent(event, entry->translation, &tr.detail);
        seen = &translated;
        root.children.push_back(std::move(tr));
    }

    std::vector<std::string> errors;
    EvalContext ctx(*seen);
    ctx.errors = &errors;
    Explainer explainer{impl, ctx, options.shortCircuit};
    bool decided = false, error = false;
    for (std::size_t i = 0; i < impl.conditions.size(); ++i) {
        const auto& rc = impl.rule.conditions.size() > i ? impl.rule.conditions[i] : Condition{};
        const bool evaluate = ex.inScope && !(decided && options.shortCircuit);
        ExplainNode cn;
        cn.kind = ExplainNode::Kind::Condition;
        cn.label = "condition: " + rc.text;
        cn.span = rc.span;
        cn.children.push_back(explainer.condition(impl.conditions[i], evaluate));
        cn.outcome = evaluate ? cn.children[0].outcome : Outcome::Skipped;
        if (!evaluate)
            markSkipped(cn);
        if (cn.outcome == Outcome::Matched)
            decided = true;
        error |= cn.outcome == Outcome::Error;
        root.children.push_back(std::move(cn));
    }
    ex.matched = ex.inScope && decided;
    root.outcome = ex.matched ? Outcome::Matched : ((ex.inScope && error) ? Outcome::Error : Outcome::NotMatched);
    root.deciding = true;
    if (ex.inScope) {
        for (auto& c : root.children) {
            if (c.kind != ExplainNode::Kind::Condition || c.outcome == Outcome::Skipped)
                continue;
            if (!ex.matched || c.outcome == Outcome::Matched)
                markDeciding(c);
        }
    }
    for (auto& e : errors)
        ex.diagnostics.push_back(Diagnostic{Severity::Error, "regex-limit", e, impl.file, {}});
    return ex;
}

// --- compileRule -----------------------------------------------------------------------------------

namespace {

/// What the literal pre-filter knows of a condition: groups of literals, every group having one
/// literal in any matching event (an AND of ORs); nullopt when nothing is known.
using LiteralGroups = std::vector<std::vector<RequiredLiteral>>;
constexpr std::size_t kMaxGroups = 3; ///< groups kept per rule (the most selective ones)

/// How selective a group is: its shortest literal (longer literals are rarer).
std::size_t groupScore(const std::vector<RequiredLiteral>& g)
{
    std::size_t m = SIZE_MAX;
    for (const auto& l : g)
        m = std::min(m, l.text.size());
    return m;
}

/// The best group of a conjunction (for an OR, which keeps one group per branch).
const std::vector<RequiredLiteral>& bestGroup(const LiteralGroups& groups)
{
    return *std::max_element(groups.begin(), groups.end(),
                             [](const auto& a, const auto& b) { return groupScore(a) < groupScore(b); });
}

/// Keeps the kMaxGroups most selective groups.
void trim(LiteralGroups& groups)
{
    std::stable_sort(groups.begin(), groups.end(),
                     [](const auto& a, const auto& b) { return groupScore(a) > groupScore(b); });
    if (groups.size() > kMaxGroups)
        groups.resize(kMaxGroups);
}

/// The literals of one item: one of them occurs when the item matches; nullopt when unknown.
std::optional<std::vector<RequiredLiteral>> itemLiterals(const CompiledItem& item)
{
    std::vector<RequiredLiteral> lits;
    if (item.values.empty())
        return std::nullopt;
    for (const auto& v : item.values) {
        auto l = v.matcher->requiredLiterals();
        if (l.empty())
            return std::nullopt;
        const FieldNames::Id field = item.keyword ? kAnyField : item.key;
        if (item.all) // any one value's literals suffice
            lits.clear();
        for (auto& text : l)
            lits.push_back(RequiredLiteral{field, std::move(text)});
        if (item.all)
            break;
    }
    return lits;
}

/// A search matches when one of its maps does; a map when all its items do.
std::optional<LiteralGroups> searchLiterals(const CompiledSearch& s)
{
    if (s.maps.size() == 1) {
        LiteralGroups groups;
        for (const auto& item : s.maps[0].items)
            if (auto l = itemLiterals(item))
                groups.push_back(std::move(*l));
        if (groups.empty())
            return std::nullopt;
        trim(groups);
        return groups;
    }
    std::vector<RequiredLiteral> all;
    for (const auto& map : s.maps) {
        std::optional<std::vector<RequiredLiteral>> best;
        for (const auto& item : map.items) {
            auto l = itemLiterals(item);
            if (l && (!best || groupScore(*l) > groupScore(*best)))
                best = std::move(l);
        }
        if (!best)
            return std::nullopt;
        all.insert(all.end(), best->begin(), best->end());
    }
    if (all.empty())
        return std::nullopt;
    return LiteralGroups{std::move(all)};
}

std::optional<LiteralGroups> conditionLiterals(const CompiledCondition& c, const std::vector<CompiledSearch>& searches)
{
    switch (c.kind) {
    case ConditionNode::Kind::Identifier:
        return searchLiterals(searches[c.searches[0]]);
    case ConditionNode::Kind::Not:
        return std::nullopt;
    case ConditionNode::Kind::Or:
    case ConditionNode::Kind::OneOf: {
        std::vector<RequiredLiteral> all;
        const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
        for (std::size_t i = 0; i < count; ++i) {
            auto l = c.children.empty() ? searchLiterals(searches[c.searches[i]])
                                        : conditionLiterals(c.children[i], searches);
            if (!l)
                return std::nullopt;
            const auto& best = bestGroup(*l);
            all.insert(all.end(), best.begin(), best.end());
        }
        if (all.empty())
            return std::nullopt;
        return LiteralGroups{std::move(all)};
    }
    case ConditionNode::Kind::And:
    case ConditionNode::Kind::AllOf: {
        LiteralGroups groups;
        const std::size_t count = c.children.empty() ? c.searches.size() : c.children.size();
        for (std::size_t i = 0; i < count; ++i) {
            auto l = c.children.empty() ? searchLiterals(searches[c.searches[i]])
                                        : conditionLiterals(c.children[i], searches);
            if (l)
                groups.insert(groups.end(), std::make_move_iterator(l->begin()), std::make_move_iterator(l->end()));
        }
        if (groups.empty())
            return std::nullopt;
        trim(groups);
        return groups;
    }
    }
    return std::nullopt;
}

} // namespace

CompileResult compileRule(const Rule& rule, const std::string& file, const CompileOptions& options)
{
    CompileResult result;
    auto impl = std::make_unique<CompiledRule::Impl>();
    impl->rule = rule;
    impl->file = file;
    RuleCompiler rc{rule, file, result.diagnostics};

    for (std::size_t si = 0; si < rule.detection.size(); ++si) {
        const SearchIdentifier& sid = rule.detection[si];
        CompiledSearch cs;
        cs.name = sid.name;
        cs.span = sid.span;
        cs.nameSpan = sid.nameSpan;
        cs.searchIndex = si;
        for (std::size_t mi = 0; mi < sid.maps.size(); ++mi) {
            CompiledMap cm;
            cm.span = sid.maps[mi].span;
            cm.mapIndex = mi;
            for (std::size_t ii = 0; ii < sid.maps[mi].items.size(); ++ii) {
                CompiledItem item;
                if (!compileItem(sid.maps[mi].items[ii], ii, file, options, item, result.diagnostics))
                    rc.ok = false;
                cm.items.push_back(std::move(item));
            }
            std::vector<std::pair<unsigned, std::uint32_t>> costs;
            for (std::uint32_t k = 0; k < cm.items.size(); ++k) {
                unsigned c = cm.items[k].keyword ? 50 : 0;
                for (const auto& v : cm.items[k].values)
                    c += v.matcher ? v.matcher->cost() : 0;
                costs.emplace_back(c, k);
            }
            std::stable_sort(costs.begin(), costs.end());
            for (const auto& [c, k] : costs)
                cm.order.push_back(k);
            cs.maps.push_back(std::move(cm));
        }
        if (sid.maps.empty())
            rc.error(sid.span, "empty-search-identifier", "search identifier '" + sid.name + "' is empty");
        impl->searches.push_back(std::move(cs));
    }

    if (rule.conditions.empty())
        rc.error(rule.keySpans.count("detection") ? rule.keySpans.at("detection") : SourceSpan{}, "missing-condition",
                 "the detection has no condition");
    for (const auto& cond : rule.conditions) {
        if (!cond.root) {
            rc.error(cond.span, "invalid-condition", "the condition '" + cond.text + "' does not parse");
            continue;
        }
        CompiledCondition cc;
        if (rc.compileCondition(*cond.root, cc))
            impl->conditions.push_back(std::move(cc));
    }

    // Log-source scope
    if (options.scopeByLogSource) {
        const LogSourceTable& table = options.logSources ? *options.logSources : LogSourceTable::builtin();
        bool known = false;
        auto rows = table.lookup(folded(rule.logsource.product), folded(rule.logsource.category),
                                 folded(rule.logsource.service), known);
        if (known) {
            impl->scoped = true;
            for (const auto* r : rows) {
                if (r->translation == SourceTranslation::Security5156 && !options.translateSecurity5156)
                    continue;
                impl->scope.push_back(*r);
                impl->translates |= r->translation == SourceTranslation::Security5156;
            }
        } else {
            std::string ls;
            for (const auto* part : {&rule.logsource.product, &rule.logsource.category, &rule.logsource.service})
                if (!part->empty())
                    ls += (ls.empty() ? "" : "/") + *part;
            result.diagnostics.push_back(Diagnostic{Severity::Info, "unscoped-logsource",
                                                    "log source '" + ls +
                                                        "' is not in the log-source table: the rule is tested "
                                                        "against every event",
                                                    file, rule.logsource.span});
        }
    }

    if (!rc.ok)
        return result;

    if (!impl->translates) {
        // Several conditions are OR'ed: one group, each condition's best group.
        std::optional<LiteralGroups> groups;
        if (impl->conditions.size() == 1) {
            groups = conditionLiterals(impl->conditions[0], impl->searches);
        } else {
            std::vector<RequiredLiteral> all;
            for (const auto& c : impl->conditions) {
                auto l = conditionLiterals(c, impl->searches);
                if (!l) {
                    all.clear();
                    break;
                }
                const auto& best = bestGroup(*l);
                all.insert(all.end(), best.begin(), best.end());
            }
            if (!all.empty())
                groups = LiteralGroups{std::move(all)};
        }
        if (groups) {
            for (auto& g : *groups) {
                std::sort(g.begin(), g.end());
                g.erase(std::unique(g.begin(), g.end()), g.end());
            }
            impl->literalGroups = std::move(*groups);
        }
    }
    result.rule = std::make_shared<const CompiledRule>(std::move(impl));
    return result;
}

// --- CompiledIndicator ------------------------------------------------------------------------------

struct CompiledIndicator::Impl {
    CompiledItem item;
};

CompiledIndicator::CompiledIndicator(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{}
CompiledIndicator::~CompiledIndicator() = default;

Outcome CompiledIndicator::evaluate(const Event& event) const
{
    EvalContext ctx(event);
    return evalItem(m_impl->item, ctx, nullptr, true);
}

bool CompiledIndicator::matches(const Event& event) const
{
    return evaluate(event) == Outcome::Matched;
}

IndicatorResult compileIndicator(const DetectionItem& item, std::size_t valueIndex, const std::string& file,
                                 const CompileOptions& options)
{
    IndicatorResult result;
    if (valueIndex >= item.values.size()) {
        result.diagnostics.push_back(Diagnostic{
            Severity::Error, "no-such-value", "the item has no value " + std::to_string(valueIndex), file, item.span});
        return result;
    }
    DetectionItem one = item;
    one.values = {item.values[valueIndex]};
    one.valueIsList = false;
    auto impl = std::make_unique<CompiledIndicator::Impl>();
    if (!compileItem(one, 0, file, options, impl->item, result.diagnostics))
        return result;
    impl->item.all = false;
    result.indicator = std::make_shared<const CompiledIndicator>(std::move(impl));
    return result;
}

} // namespace sigma
