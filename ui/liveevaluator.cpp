#include "liveevaluator.h"

#include "engine/lintscope.h"
#include "rule/lint.h"
#include "rule/parser.h"

#include <QElapsedTimer>

#include <map>
#include <thread>

namespace sigmaui {

LiveEvaluator::LiveEvaluator(QObject* parent)
    : QObject(parent)
    , m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<EvaluationPtr>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, &LiveEvaluator::evaluateNow);
    connect(&m_jobs, &JobTracker::busyChanged, this, [this](bool busy) {
        if (!busy && !isBusy())
            Q_EMIT busyChanged(false);
    });
}

LiveEvaluator::~LiveEvaluator()
{
    // Running jobs see a newer generation and stop early; their results are dropped.
    m_generation->fetch_add(1);
}

void LiveEvaluator::setCompileOptions(const sigma::CompileOptions& options)
{
    m_options = options;
    m_scopeSource.reset(); // its scope was computed with the old options
    ++m_optionsEpoch;
}

void LiveEvaluator::setDebounceInterval(int milliseconds)
{
    m_debounce.setInterval(milliseconds);
}

void LiveEvaluator::setText(const QString& text)
{
    m_text = text;
    m_generation->fetch_add(1); // whatever is running now is stale
    const bool wasBusy = isBusy();
    m_debounce.start();
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

void LiveEvaluator::setEvents(EventListPtr events)
{
    m_events = std::move(events);
    evaluateNow();
}

void LiveEvaluator::setTests(TestSetPtr tests)
{
    m_tests = std::move(tests);
    evaluateNow();
}

void LiveEvaluator::evaluateNow()
{
    m_debounce.stop();
    const quint64 generation = m_generation->fetch_add(1) + 1;
    const bool wasBusy = isBusy();
    std::shared_ptr<std::atomic<quint64>> latest = m_generation;
    EvaluationRequest request;
    request.generation = generation;
    request.text = m_text;
    request.file = m_file;
    request.events = m_events;
    request.options = m_options;
    request.tests = m_tests;
    request.previous = m_scopeSource;
    request.requested = std::chrono::steady_clock::now();
    m_jobs.start([request = std::move(request), latest](const JobContext&) { return run(request, latest.get()); },
                 [this, generation, epoch = m_optionsEpoch](const EvaluationPtr& result) {
                     if (!result || generation != m_generation->load())
                         return; // stale: a newer text, events or tests are being evaluated
                     m_last = result;
                     if (result->ok())
                         m_lastGood = result;
                     if (result->ok() && !result->verdicts.empty() && epoch == m_optionsEpoch)
                         m_scopeSource = result;
                     Q_EMIT evaluated(result);
                 });
    if (!wasBusy)
        Q_EMIT busyChanged(true);
}

namespace {
std::string scopeKeyOf(const sigma::Rule& rule)
{
    const sigma::LogSource& l = rule.logsource;
    std::string key;
    key.reserve(l.category.size() + l.product.size() + l.service.size() + l.definition.size() + 3);
    for (const std::string* part : {&l.category, &l.product, &l.service, &l.definition}) {
        key += *part;
        key += '\0';
    }
    return key;
}
/// Security 5156 events in scope through a translating row (one translatedForRow() per row).
std::size_t countTranslated5156(const sigma::CompiledRule& rule, const EventList& events,
                                const std::vector<std::int16_t>& rows)
{
    std::map<int, bool> translates;
    std::size_t count = 0;
    for (std::size_t i = 0; i < events.size() && i < rows.size(); ++i) {
        const sigma::Event& e = events[i];
        if (rows[i] < 0 || e.eventId() != "5156" || e.provider() != "Microsoft-Windows-Security-Auditing")
            continue;
        auto it = translates.find(rows[i]);
        if (it == translates.end())
            it = translates.emplace(rows[i], rule.translatedForRow(e, rows[i]).has_value()).first;
        count += it->second ? 1 : 0;
    }
    return count;
}
} // namespace

EvaluationPtr LiveEvaluator::run(const EvaluationRequest& request, const std::atomic<quint64>* latest)
{
    const quint64 generation = request.generation;
    const QString& text = request.text;
    const QString& file = request.file;
    const EventListPtr& events = request.events;
    const sigma::CompileOptions& options = request.options;
    const TestSetPtr& tests = request.tests;
    const auto requested = request.requested;
    auto stale = [&] { return latest && latest->load() != generation; };
    QElapsedTimer total;
    total.start();
    auto result = std::make_shared<Evaluation>();
    result->started = std::chrono::steady_clock::now();
    result->requested = requested == std::chrono::steady_clock::time_point{} ? result->started : requested;
    result->generation = generation;
    result->text = text;
    result->events = events;
    const std::string fileName = file.toStdString();
    auto parsed = std::make_shared<sigma::ParsedFile>(sigma::parseRuleText(text.toStdString(), fileName));
    result->parsed = parsed;
    // Parser errors plus the linter's findings (with the rule's own suppressions applied).
    static const auto fieldKnown = sigma::eventCatalogFieldLookup();
    sigma::LintOptions lint;
    lint.fieldKnown = fieldKnown;
    static const auto builtinScope = sigma::logSourceScopeLookup();
    lint.logSourceScope = options.logSources ? sigma::logSourceScopeLookup(*options.logSources) : builtinScope;
    result->diagnostics = sigma::lintFile(*parsed, lint);
    if (const sigma::Rule* rule = parsed->firstRule(); rule && !sigma::hasErrors(parsed->diagnostics)) {
        sigma::CompileResult compiled = sigma::compileRule(*rule, fileName, options);
        result->diagnostics.insert(result->diagnostics.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
        result->compiled = compiled.rule;
    } else if (!parsed->firstRule() && !sigma::hasErrors(parsed->diagnostics) && !text.trimmed().isEmpty()) {
        sigma::Diagnostic d;
        d.severity = sigma::Severity::Error;
        d.code = "no-rule";
        d.message = "the file holds no Sigma rule (a rule needs title, logsource and detection)";
        d.file = fileName;
        d.span.begin = {1, 1};
        result->diagnostics.push_back(std::move(d));
    }
    result->parseMs = double(total.nsecsElapsed()) / 1e6;
    if (stale())
        return nullptr;

    if (result->compiled && events && !events->empty()) {
        QElapsedTimer eval;
        eval.start();
        const sigma::CompiledRule& rule = *result->compiled;
        const std::size_t n = events->size();
        result->verdicts.assign(n, Verdict::Unknown);
        // Editing the detection leaves each event's scope as it was: take it from the previous
        // verdicts rather than asking the log-source table again for every event.
        result->scopeKey = scopeKeyOf(rule.rule());
        const EvaluationPtr& previous = request.previous;
        const std::vector<std::int16_t>* rows = nullptr;
        if (previous && previous->ok() && previous->events == events && previous->scopeRows.size() == n &&
            previous->scopeKey == result->scopeKey)
            rows = &previous->scopeRows;
        result->scopeReused = rows != nullptr;
        result->scopeRows.assign(n, -1);
        result->searchCache =
            rule.prepareSearchCache(n, rows && previous->searchCache ? previous->searchCache.get() : nullptr);
        sigma::SearchCache& cache = *result->searchCache;
        // Split the events over the cores; each part checks now and then whether it is stale.
        const std::size_t parts =
            std::max<std::size_t>(1, std::min<std::size_t>(std::thread::hardware_concurrency(), n / 2048 + 1));
        std::atomic<bool> abandoned{false};
        auto work = [&](std::size_t part) {
            const std::size_t begin = n * part / parts;
            const std::size_t end = n * (part + 1) / parts;
            for (std::size_t i = begin; i < end; ++i) {
                if ((i & 1023) == 0 && stale()) {
                    abandoned = true;
                    return;
                }
                const sigma::Event& e = (*events)[i];
                // The row matters beyond in/out: Security 4688 (and 5156 when asked) are read
                // through the row's translation, as `sigmawb match` does.
                const int row = rows ? (*rows)[i] : rule.scopeRow(e);
                result->scopeRows[i] = static_cast<std::int16_t>(row);
                result->verdicts[i] = row < 0                                     ? Verdict::OutOfScope
                                      : rule.matchesInRowCached(e, row, i, cache) ? Verdict::Match
                                                                                  : Verdict::NoMatch;
            }
        };
        std::vector<std::thread> threads;
        for (std::size_t p = 1; p < parts; ++p)
            threads.emplace_back(work, p);
        work(0);
        for (auto& t : threads)
            t.join();
        if (abandoned)
            return nullptr;
        for (Verdict v : result->verdicts) {
            result->matches += v == Verdict::Match;
            result->inScope += v != Verdict::OutOfScope;
        }
        if (options.translateSecurity5156)
            result->translated5156 = countTranslated5156(rule, *events, result->scopeRows);
        result->evaluateMs = double(eval.nsecsElapsed()) / 1e6;
    }
    // The rule's tests, with the rule compiled above (the events were read once, off this job).
    if (result->compiled && tests && !tests->group.expectations.empty() && !stale())
        result->tests = std::make_shared<const sigma::RuleTestResult>(
            sigma::runRuleTests(tests->group, *result->compiled, tests->events));
    result->totalMs = double(total.nsecsElapsed()) / 1e6;
    result->finished = std::chrono::steady_clock::now();
    return result;
}

} // namespace sigmaui
