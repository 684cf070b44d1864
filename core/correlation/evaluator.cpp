// Evaluating correlations over base-rule hits: per correlation, per group, the hits of the open
// window only (see docs/correlations.md).
#include "correlation/correlation.h"
#include "correlation/groupwindow.h"
#include "correlation/values.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace sigma {

using namespace correlationvalues;
using namespace correlationwindow;

struct CorrelationEvaluator::Impl {
    std::shared_ptr<const CorrelationUnit> unit;
    CorrelationOptions options;
    std::vector<CorrState> states; ///< per correlation
    CorrelationReport report;
    std::uint64_t seq = 0;
    EventTime newest = std::numeric_limits<EventTime>::min();
    std::string traceKey;
    /// Per correlation, by group key: the fullest window of each group, and the groups that fired.
    std::vector<std::map<std::string, CorrelationNearMiss, std::less<>>> misses;
    std::vector<std::set<std::string, std::less<>>> firedGroups;
    std::size_t missCount = 0;
    /// The event files hits came from (a hit holds an index, not a shared pointer).
    std::vector<std::shared_ptr<const std::string>> files;
    std::unordered_map<const std::string*, std::uint32_t> fileIndex;

    std::uint32_t fileOf(const std::shared_ptr<const std::string>& file)
    {
        if (!files.empty() && files.back() == file)
            return static_cast<std::uint32_t>(files.size() - 1);
        const auto [it, added] = fileIndex.emplace(file.get(), static_cast<std::uint32_t>(files.size()));
        if (added)
            files.push_back(file);
        return it->second;
    }

    CorrelationEventRef refOf(const Hit& h) const
    {
        CorrelationEventRef r{files[h.file], h.index, h.recordId, h.time, h.rule};
        r.position = h.position;
        return r;
    }

    /// condition.field's value(s) into the hit (`lookup(i)`: field i's value, nullopt when absent):
    /// value_count joins a tuple, the others take a number; a tuple counts only when every one of
    /// its fields is there.
    template <typename Lookup>
    static void readValue(Hit& h, CorrelationKind kind, std::size_t count, Lookup lookup)
    {
        h.hasValue = count > 0;
        for (std::size_t i = 0; i < count && h.hasValue; ++i) {
            const std::optional<std::string_view> v = lookup(i);
            if (!v) {
                h.hasValue = false;
            } else if (kind != CorrelationKind::ValueCount) {
                const auto n = parseNumber(*v);
                h.hasValue = n.has_value();
                h.number = n.value_or(0);
            } else {
                if (i)
                    h.value += kSeparator;
                h.value += *v;
            }
        }
    }

    /// Hit of correlation `c`'s input `k`, read from an event (its fields looked up by interned key).
    Hit hitFromEvent(const CompiledCorrelation& c, std::size_t k, const Event& e, EventTime t, std::size_t rule,
                     std::uint32_t file, std::size_t position)
    {
        Hit h;
        h.time = t;
        h.seq = seq;
        h.input = static_cast<std::uint32_t>(k);
        // The key in one allocation: the values first (absent: the empty-value group, as pySigma).
        std::optional<std::string_view> values[8];
        const auto& keys = c.groupKeys[k];
        const std::size_t direct = std::min(keys.size(), std::size(values));
        std::size_t size = keys.size();
        for (std::size_t i = 0; i < direct; ++i)
            if ((values[i] = e.valueByKey(keys[i])))
                size += values[i]->size();
        h.group.reserve(size);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (const auto v = i < direct ? values[i] : e.valueByKey(keys[i]))
                h.group += *v;
            h.group += kSeparator;
        }
        const auto& valueKeys = c.valueKeys[k];
        readValue(h, c.kind, valueKeys.size(), [&](std::size_t i) { return e.valueByKey(valueKeys[i]); });
        h.file = file;
        h.rule = static_cast<std::uint32_t>(rule);
        h.index = e.origin.index;
        h.recordId = e.origin.recordId;
        h.position = position;
        return h;
    }

    Hit hitFromResult(const CompiledCorrelation& c, std::size_t k, const std::shared_ptr<const CorrelationResult>& r)
    {
        Hit h;
        h.time = r->time;
        h.seq = ++seq;
        h.input = static_cast<std::uint32_t>(k);
        auto lookup = [&](const std::string& name) -> std::optional<std::string_view> {
            for (const auto& [f, v] : r->group)
                if (f == name)
                    return v;
            return std::nullopt;
        };
        for (const auto& f : c.groupFields[k]) {
            if (const auto v = lookup(f))
                h.group += *v;
            h.group += kSeparator;
        }
        const auto& valueFields = c.valueFields[k];
        readValue(h, c.kind, valueFields.size(), [&](std::size_t i) { return lookup(valueFields[i]); });
        h.inner = r;
        return h;
    }

    void push(std::size_t ci, Hit&& h)
    {
        auto& p = states[ci].pending;
        p.push_back(std::move(h));
        if (options.reorderWindow) // batch: sorted once in finish()
            std::push_heap(p.begin(), p.end(), laterThan);
    }

    /// Feeds the pending hits of every correlation up to the watermark, in evaluation order.
    void pump(bool all)
    {
        for (std::size_t ci : unit->evaluationOrder()) {
            auto& st = states[ci];
            const auto& c = unit->correlations()[ci];
            const EventTime limit = all || !options.reorderWindow ? std::numeric_limits<EventTime>::max()
                                                                  : newest - *options.reorderWindow - c.delay;
            if (!all && !options.reorderWindow)
                return; // batch: everything waits for finish()
            while (!st.pending.empty() && st.pending.front().time <= limit) {
                std::pop_heap(st.pending.begin(), st.pending.end(), laterThan);
                Hit h = std::move(st.pending.back());
                st.pending.pop_back();
                feed(ci, std::move(h));
            }
            if (!all) {
                if (st.lastSweep == std::numeric_limits<EventTime>::min())
                    st.lastSweep = limit;
                else if (limit - st.lastSweep > c.span)
                    sweep(ci, limit); // closes windows of groups that get no more hits (chains wait for them)
            }
        }
    }

    bool tracing(std::size_t ci, const std::string& key) const
    {
        return options.traceCorrelation && *options.traceCorrelation == ci && key == traceKey;
    }

    void collectEvents(const GroupState& g, std::vector<CorrelationEventRef>& out) const
    {
        for (const auto& h : g.hits) {
            if (out.size() >= options.maxEvents)
                return;
            if (h.inner) {
                for (const auto& e : h.inner->events) {
                    if (out.size() >= options.maxEvents)
                        return;
                    out.push_back(e);
                }
            } else {
                out.push_back(refOf(h));
            }
        }
    }

    std::vector<std::pair<std::string, std::size_t>> distinctList(const GroupState& g) const
    {
        std::vector<std::pair<std::string, std::size_t>> out;
        for (const auto& [v, n] : g.distinct) {
            if (out.size() >= options.maxEvents)
                break;
            std::string shown = v; // a tuple's values joined by ", "
            for (std::size_t at = shown.find(kSeparator); at != std::string::npos; at = shown.find(kSeparator, at))
                shown.replace(at, 1, ", ");
            out.emplace_back(std::move(shown), n);
        }
        return out;
    }

    /// The group's window ending at `end` as the trace and the near misses show it.
    CorrelationTrace windowOf(const GroupState& g, EventTime end, std::optional<double> v, bool fired,
                              std::size_t ordered) const
    {
        CorrelationTrace t;
        t.start = g.hits.front().time;
        t.end = end;
        t.value = v;
        t.fired = fired;
        t.perInput = g.perInput;
        t.orderedFound = ordered;
        t.distinct = distinctList(g);
        collectEvents(g, t.events);
        t.eventCount = g.eventCount;
        return t;
    }

    /// The group-by fields with the group's values, as results and near misses name a group.
    static std::vector<std::pair<std::string, std::string>> groupOf(const CompiledCorrelation& c, const GroupState& g)
    {
        std::vector<std::pair<std::string, std::string>> group;
        for (std::size_t i = 0; i < c.doc.groupBy.size(); ++i)
            group.emplace_back(c.doc.groupBy[i], g.values[i]);
        return group;
    }

    /// The group's window as it is now, kept when it is the group's fullest one that did not fire.
    void noteMiss(std::size_t ci, const std::string& key, GroupState& g, EventTime end)
    {
        if (!options.nearMisses || g.hits.empty())
            return;
        const auto& c = unit->correlations()[ci];
        std::size_t ordered = 0;
        const std::optional<double> v = g.value(c, ordered);
        auto& byGroup = misses[ci];
        auto it = byGroup.find(key);
        if (it == byGroup.end()) {
            if (missCount >= options.maxNearMisses)
                return;
            it = byGroup.emplace(key, CorrelationNearMiss{}).first;
            ++missCount;
            it->second.correlation = ci;
            it->second.group = groupOf(c, g);
        } else if (!v || (it->second.window.value && *it->second.window.value >= *v)) {
            return;
        }
        it->second.window = windowOf(g, end, v, false, ordered);
    }

    /// Evaluates the group's window; returns true (and reports) when the condition holds.
    bool evaluate(std::size_t ci, const std::string& key, GroupState& g, EventTime end, EventTime time)
    {
        const auto& c = unit->correlations()[ci];
        std::size_t ordered = 0;
        const std::optional<double> v = g.value(c, ordered);
        const bool fired = v && holds(c.condition, *v);
        if (tracing(ci, key) && report.trace.size() < options.maxTrace)
            report.trace.push_back(windowOf(g, end, v, fired, ordered));
        if (!fired) {
            if (!c.earlyFire) // window-close evaluation: one per window
                noteMiss(ci, key, g, end);
            return false;
        }
        if (options.nearMisses)
            firedGroups[ci].emplace(key);
        auto r = std::make_shared<CorrelationResult>();
        r->correlation = ci;
        r->group = groupOf(c, g);
        r->start = g.hits.front().time;
        r->end = end;
        r->time = time;
        r->value = *v;
        collectEvents(g, r->events);
        r->eventCount = g.eventCount;
        r->perInput = g.perInput;
        if (c.kind == CorrelationKind::ValueCount)
            r->distinct = distinctList(g);
        // Chains: the result is a hit of every correlation that refers to this one.
        for (std::size_t oi = 0; oi < unit->correlations().size(); ++oi) {
            const auto& outer = unit->correlations()[oi];
            for (std::size_t k = 0; k < outer.inputs.size(); ++k)
                if (outer.inputs[k].isCorrelation && outer.inputs[k].index == ci)
                    push(oi, hitFromResult(outer, k, r));
        }
        if (options.onResult)
            options.onResult(*r);
        else if (r.use_count() == 1) // not held by a chained hit
            report.results.push_back(std::move(*r));
        else
            report.results.push_back(*r);
        g.clear(); // the window's hits are consumed: the next firing needs new ones
        return true;
    }

    /// Window-close evaluation: closes every window of the group that ends before `now`.
    void closeBefore(std::size_t ci, const std::string& key, GroupState& g, EventTime now)
    {
        const auto& c = unit->correlations()[ci];
        while (!g.hits.empty() && g.hits.front().time + c.span < now) {
            const EventTime start = g.hits.front().time;
            if (evaluate(ci, key, g, start + c.span, g.hits.back().time))
                break;
            g.popFront(c);
        }
    }

    void feed(std::size_t ci, Hit&& h)
    {
        auto& st = states[ci];
        const auto& c = unit->correlations()[ci];
        if (h.time < st.lastFed) {
            ++report.lateHits;
            return;
        }
        st.lastFed = h.time;
        if (st.lastSweep == std::numeric_limits<EventTime>::min())
            st.lastSweep = h.time;
        else if (h.time - st.lastSweep > c.span)
            sweep(ci, h.time);
        auto found = st.groups.find(h.group);
        if (found == st.groups.end()) {
            found = st.groups.emplace(h.group, GroupState{}).first;
            found->second.values = splitKey(h.group, c.doc.groupBy.size());
        }
        const std::string& key = found->first;
        GroupState& g = found->second;
        if (c.earlyFire) {
            if (!g.hits.empty() && g.hits.front().time < h.time - c.span)
                noteMiss(ci, key, g, g.hits.back().time); // the window is at its fullest
            while (!g.hits.empty() && g.hits.front().time < h.time - c.span)
                g.popFront(c);
            const EventTime t = h.time;
            g.add(c, std::move(h));
            evaluate(ci, key, g, t, t);
        } else {
            closeBefore(ci, key, g, h.time);
            g.add(c, std::move(h));
        }
    }

    /// Drops what no later hit can use: windows ended before `now` are closed, empty groups go.
    void sweep(std::size_t ci, EventTime now)
    {
        auto& st = states[ci];
        const auto& c = unit->correlations()[ci];
        st.lastSweep = now;
        for (auto it = st.groups.begin(); it != st.groups.end();) {
            GroupState& g = it->second;
            if (c.earlyFire) {
                if (!g.hits.empty() && g.hits.front().time < now - c.span)
                    noteMiss(ci, it->first, g, g.hits.back().time);
                while (!g.hits.empty() && g.hits.front().time < now - c.span)
                    g.popFront(c);
            } else {
                closeBefore(ci, it->first, g, now);
            }
            it = g.hits.empty() ? st.groups.erase(it) : std::next(it);
        }
    }

    void closeAll(std::size_t ci)
    {
        auto& st = states[ci];
        const auto& c = unit->correlations()[ci];
        for (auto& [key, g] : st.groups) {
            if (c.earlyFire) {
                noteMiss(ci, key, g, g.hits.empty() ? 0 : g.hits.back().time);
                continue;
            }
            while (!g.hits.empty()) {
                if (evaluate(ci, key, g, g.hits.front().time + c.span, g.hits.back().time))
                    break;
                g.popFront(c);
            }
        }
        st.groups.clear();
    }
};

CorrelationEvaluator::CorrelationEvaluator(std::shared_ptr<const CorrelationUnit> unit, CorrelationOptions options)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->unit = std::move(unit);
    m_impl->options = std::move(options);
    m_impl->states.resize(m_impl->unit->correlations().size());
    m_impl->misses.resize(m_impl->states.size());
    m_impl->firedGroups.resize(m_impl->states.size());
    m_impl->traceKey = joinKey(m_impl->options.traceGroup);
}

CorrelationEvaluator::~CorrelationEvaluator() = default;

void CorrelationEvaluator::add(const Event& event)
{
    thread_local std::vector<std::size_t> matched;
    m_impl->unit->match(event, matched);
    if (!matched.empty())
        add(event, matched);
}

std::optional<EventTime> CorrelationEvaluator::eventTime(const Event& event)
{
    static const FieldNames::Id timeKey = FieldNames::internKey("TimeCreated_SystemTime");
    const std::optional<std::string_view> timeText = event.valueByKey(timeKey);
    return timeText ? parseEventTime(*timeText) : std::nullopt;
}

void CorrelationEvaluator::add(const Event& event, const std::vector<std::size_t>& matchedRules, std::size_t position)
{
    const auto& rules = m_impl->unit->rules();
    bool any = false;
    for (std::size_t r : matchedRules)
        any = any || !rules[r].consumers.empty();
    if (any)
        add(event, eventTime(event), matchedRules, position);
}

void CorrelationEvaluator::add(const Event& event, std::optional<EventTime> t,
                               const std::vector<std::size_t>& matchedRules, std::size_t position)
{
    Impl& d = *m_impl;
    const auto& rules = d.unit->rules();
    ++d.seq;
    const std::uint32_t file = t ? d.fileOf(event.origin.file) : 0;
    for (std::size_t r : matchedRules) {
        if (rules[r].consumers.empty())
            continue;
        if (!t) {
            if (d.report.untimed.size() < d.options.maxEvents)
                d.report.untimed.push_back(
                    CorrelationEventRef{event.origin.file, event.origin.index, event.origin.recordId, 0, r, position});
            ++d.report.untimedCount;
            continue;
        }
        for (const auto& [ci, k] : rules[r].consumers) {
            d.push(ci, d.hitFromEvent(d.unit->correlations()[ci], k, event, *t, r, file, position));
            ++d.report.hits;
        }
    }
    if (t && *t > d.newest)
        d.newest = *t;
    if (t && d.options.reorderWindow)
        d.pump(false);
}

CorrelationReport CorrelationEvaluator::finish()
{
    Impl& d = *m_impl;
    for (std::size_t ci : d.unit->evaluationOrder()) {
        auto& st = d.states[ci];
        // Sorted by (time, arrival) as laterThan() orders them, through compact keys (contiguous, no
        // indirection in the comparisons): the hits themselves move once, into feed(). Chained hits
        // arrive during this loop (pushed by the correlations it reads), so sort the pending list as
        // it is when this correlation's turn comes.
        struct Key {
            EventTime time;
            std::uint64_t seq;
            std::uint32_t input;
            std::uint32_t index;
        };
        std::vector<Key> byTime(st.pending.size());
        for (std::uint32_t i = 0; i < byTime.size(); ++i)
            byTime[i] = Key{st.pending[i].time, st.pending[i].seq, st.pending[i].input, i};
        const auto earlier = [](const Key& a, const Key& b) {
            if (a.time != b.time)
                return a.time < b.time;
            if (a.seq != b.seq)
                return a.seq < b.seq;
            return a.input < b.input;
        };
        if (!std::is_sorted(byTime.begin(), byTime.end(), earlier)) // events read in time order: no sort
            std::sort(byTime.begin(), byTime.end(), earlier);
        std::vector<Hit> pending = std::move(st.pending);
        st.pending.clear();
        for (const Key& k : byTime)
            d.feed(ci, std::move(pending[k.index]));
        d.closeAll(ci);
    }
    auto& results = d.report.results;
    const auto& corrs = d.unit->correlations();
    std::stable_sort(results.begin(), results.end(), [&](const CorrelationResult& a, const CorrelationResult& b) {
        if (a.time != b.time)
            return a.time < b.time;
        if (a.correlation != b.correlation) // a chain after the correlations it reads
            return corrs[a.correlation].order < corrs[b.correlation].order;
        return a.group < b.group;
    });
    for (std::size_t ci = 0; ci < d.misses.size(); ++ci) {
        for (auto& [key, miss] : d.misses[ci])
            if (!d.firedGroups[ci].count(key))
                d.report.nearMisses.push_back(std::move(miss));
        d.misses[ci].clear();
        d.firedGroups[ci].clear();
    }
    d.missCount = 0;
    CorrelationReport out = std::move(d.report);
    d.report = {};
    return out;
}

std::size_t CorrelationEvaluator::openGroups() const
{
    std::size_t n = 0;
    for (const auto& s : m_impl->states)
        n += s.groups.size();
    return n;
}

std::size_t CorrelationEvaluator::heldHits() const
{
    std::size_t n = 0;
    for (const auto& s : m_impl->states) {
        n += s.pending.size();
        for (const auto& [k, g] : s.groups)
            n += g.hits.size();
    }
    return n;
}

} // namespace sigma
