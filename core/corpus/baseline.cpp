#include "corpus/baseline.h"

#include "corpus/corpus.h"
#include "engine/engine.h"
#include "live/evaluator.h"
#include "util/parallel.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

namespace sigma {

struct BaselineCounter::Impl {
    std::string file;
    BaselineOptions options;
    BaselineResult result;
    std::shared_ptr<const CompiledRule> compiled;
    std::vector<std::shared_ptr<const CompiledIndicator>> matchers;

    Impl(const Rule& rule, const std::string& f, const BaselineOptions& o)
        : file(f)
        , options(o)
    {
        result.indicators = ruleIndicators(rule);
        result.hits.assign(result.indicators.size(), 0);
        CompileOptions co;
        co.scopeByLogSource = options.scopeToLogSource;
        co.translateSecurity5156 = options.translateSecurity5156;
        auto c = compileRule(rule, file, co);
        result.diagnostics = c.diagnostics;
        result.ruleCompiled = c.rule != nullptr;
        compiled = std::move(c.rule);
        matchers.resize(result.indicators.size());
        for (std::size_t i = 0; i < result.indicators.size(); ++i) {
            const auto& ind = result.indicators[i];
            const auto& item = rule.detection[ind.searchIndex].maps[ind.mapIndex].items[ind.itemIndex];
            auto m = compileIndicator(item, ind.valueIndex, file, co);
            matchers[i] = m.indicator;
            if (!m.indicator)
                result.diagnostics.insert(result.diagnostics.end(), m.diagnostics.begin(), m.diagnostics.end());
        }
    }

    bool add(const EventList& events)
    {
        // The rule's scope and verdict per event, as the live evaluation computes them.
        ParallelOptions parallel;
        parallel.threads = events.size() < 4096 ? 1 : options.threads; // small sets: one thread
        parallel.grain = 1024;
        parallel.cancel = options.cancel;
        parallel.lowPriority = options.lowPriority;
        EventVerdicts verdicts;
        if (compiled) {
            EvaluateOptions evaluate;
            evaluate.threads = parallel.threads;
            evaluate.cancel = options.cancel;
            evaluate.lowPriority = options.lowPriority;
            evaluate.searchCache = false;                          // one version of the rule: nothing to keep
            evaluateEvents(*compiled, events, evaluate, verdicts); // cancelled: counts so far
            for (const Verdict v : verdicts.verdicts) {
                result.ruleHits += v == Verdict::Match;
                result.eventsConsidered += v == Verdict::Match || v == Verdict::NoMatch;
            }
        }

        // Each indicator on its own, over the events in scope. Without a compiled rule there is no
        // scope to apply: every event is considered.
        struct Counts {
            std::vector<std::size_t> hits;
            std::size_t considered = 0;
        };
        std::vector<Counts> parts(parallelSlots(events.size(), parallel));
        for (auto& p : parts)
            p.hits.assign(matchers.size(), 0);
        const ParallelRun run = parallelFor(
            events.size(),
            [&](std::size_t begin, std::size_t end, unsigned worker) {
                Counts& c = parts[worker];
                for (std::size_t e = begin; e < end; ++e) {
                    const Event& event = events[e];
                    const int row = compiled ? verdicts.scopeRows[e] : 0;
                    if (row < 0 || (compiled && verdicts.verdicts[e] == Verdict::Unknown))
                        continue;
                    ++c.considered;
                    // The indicators see the event as the rule does: Security 4688 as Sysmon 1, ...
                    const std::optional<Event> translated =
                        compiled ? compiled->translatedForRow(event, row) : std::nullopt;
                    const Event& seen = translated ? *translated : event;
                    for (std::size_t i = 0; i < matchers.size(); ++i)
                        if (matchers[i] && matchers[i]->matches(seen))
                            ++c.hits[i];
                }
            },
            parallel);
        if (!run.error.empty())
            result.diagnostics.push_back(
                Diagnostic{Severity::Error, "internal-error", "counting stopped: " + run.error, file, {}});
        for (const auto& p : parts) {
            if (!compiled)
                result.eventsConsidered += p.considered;
            for (std::size_t i = 0; i < p.hits.size(); ++i)
                result.hits[i] += p.hits[i];
        }
        return run.complete() && !(options.cancel && options.cancel->load());
    }
};

BaselineCounter::BaselineCounter(const Rule& rule, const std::string& file, const BaselineOptions& options)
    : m_impl(std::make_unique<Impl>(rule, file, options))
{}

BaselineCounter::~BaselineCounter() = default;

bool BaselineCounter::add(const std::vector<Event>& events)
{
    return m_impl->add(EventList::borrow(events));
}

bool BaselineCounter::add(const EventList& events)
{
    return m_impl->add(events);
}

BaselineResult BaselineCounter::take()
{
    return std::move(m_impl->result);
}

BaselineResult baselineNoise(const Rule& rule, const std::string& file, const EventList& events,
                             const BaselineOptions& options)
{
    BaselineCounter counter(rule, file, options);
    counter.add(events);
    return counter.take();
}

} // namespace sigma
