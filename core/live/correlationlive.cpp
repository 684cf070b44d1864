#include "live/correlationlive.h"

#include "live/evaluator.h"

#include "rule/parser.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

namespace sigma {

bool holdsCorrelation(const ParsedFile& parsed)
{
    return std::any_of(parsed.documents.begin(), parsed.documents.end(),
                       [](const Document& d) { return d.correlation() != nullptr; });
}

namespace {
LiveCorrelationRow rowOf(std::size_t correlation, std::vector<std::pair<std::string, std::string>> group,
                         EventTime start, EventTime end, std::optional<double> value, bool fired,
                         const std::vector<CorrelationEventRef>& events, std::size_t eventCount)
{
    LiveCorrelationRow row;
    row.correlation = correlation;
    row.group = std::move(group);
    row.start = start;
    row.end = end;
    row.value = value;
    row.fired = fired;
    row.eventCount = eventCount;
    row.events.reserve(events.size());
    for (const auto& ref : events)
        if (ref.position != CorrelationEventRef::npos) // every hit is added with its position
            row.events.emplace_back(ref.position, ref.rule);
    std::sort(row.events.begin(), row.events.end());
    row.events.erase(std::unique(row.events.begin(), row.events.end()), row.events.end());
    return row;
}

/// Where line `line` (1-based) of the text starts; npos past its end.
std::size_t lineStart(const std::string& text, int line)
{
    std::size_t at = 0;
    for (int l = 1; l < line; ++l) {
        at = text.find('\n', at);
        if (at == std::string::npos)
            return at;
        ++at;
    }
    return at;
}

/// The lines of document `index` of the file, whatever lines precede it (empty: unknown).
std::string documentText(const ParsedFile& parsed, int index)
{
    for (const auto& d : parsed.documents) {
        if (d.index != index || !d.span.valid())
            continue;
        const std::size_t from = lineStart(parsed.text, d.span.begin.line);
        if (from == std::string::npos)
            return {};
        const std::size_t to = lineStart(parsed.text, d.span.end.line + 1);
        return parsed.text.substr(from, to == std::string::npos ? std::string::npos : to - from);
    }
    return {};
}
/// A rule file of the folder, parsed, with what it was parsed from.
struct CachedFile {
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    std::shared_ptr<const ParsedFile> parsed;
};

std::shared_ptr<const ParsedFile> parsedSibling(const std::filesystem::path& path)
{
    static std::mutex mutex;
    static std::map<std::string, CachedFile> cache;
    std::error_code ec;
    const auto modified = std::filesystem::last_write_time(path, ec);
    const auto size = ec ? 0 : std::filesystem::file_size(path, ec);
    if (ec)
        return nullptr;
    const std::string key = path.string();
    {
        std::lock_guard lock(mutex);
        const auto it = cache.find(key);
        if (it != cache.end() && it->second.modified == modified && it->second.size == size)
            return it->second.parsed;
    }
    auto parsed = std::make_shared<const ParsedFile>(parseRuleFile(key));
    std::lock_guard lock(mutex);
    cache[key] = CachedFile{modified, size, parsed};
    return parsed;
}

bool isRuleFile(const std::filesystem::path& p)
{
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".yml" || ext == ".yaml";
}

/// The ids and names a document answers to.
void namesOf(const Document& d, std::vector<std::string>& out)
{
    out.clear();
    if (const Rule* r = d.rule())
        out = {r->id, r->name};
    else if (const Correlation* c = d.correlation())
        out = {c->id, c->name};
}
} // namespace

std::vector<ParsedFile> siblingDocuments(const ParsedFile& parsed, const std::string& file)
{
    std::vector<ParsedFile> out;
    const std::filesystem::path self(file);
    if (!self.has_parent_path())
        return out;
    // What the file references and does not hold.
    std::set<std::string> wanted, held;
    std::vector<std::string> names;
    for (const auto& d : parsed.documents) {
        namesOf(d, names);
        held.insert(names.begin(), names.end());
        if (const Correlation* c = d.correlation())
            wanted.insert(c->rules.begin(), c->rules.end());
    }
    held.erase(std::string());
    for (const auto& h : held)
        wanted.erase(h);
    if (wanted.empty())
        return out;
    std::vector<std::shared_ptr<const ParsedFile>> files;
    std::error_code ec;
    std::vector<std::filesystem::path> paths;
    for (auto it = std::filesystem::directory_iterator(self.parent_path(), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        std::error_code fileError;
        if (it->is_regular_file(fileError) && isRuleFile(it->path()) &&
            !std::filesystem::equivalent(it->path(), self, fileError))
            paths.push_back(it->path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths)
        if (auto f = parsedSibling(p); f && !hasErrors(f->diagnostics))
            files.push_back(std::move(f));
    // Rules and correlations referenced, transitively (a referenced correlation brings its rules).
    std::vector<std::vector<bool>> picked(files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
        picked[i].assign(files[i]->documents.size(), false);
    for (bool more = true; more;) {
        more = false;
        for (std::size_t i = 0; i < files.size(); ++i)
            for (std::size_t k = 0; k < files[i]->documents.size(); ++k) {
                const Document& d = files[i]->documents[k];
                namesOf(d, names);
                if (picked[i][k] || !std::any_of(names.begin(), names.end(),
                                                 [&](const std::string& n) { return !n.empty() && wanted.count(n); }))
                    continue;
                picked[i][k] = more = true;
                if (const Correlation* c = d.correlation())
                    wanted.insert(c->rules.begin(), c->rules.end());
            }
    }
    // Filters naming a rule that is evaluated (pySigma applies the collection's filters).
    for (std::size_t i = 0; i < files.size(); ++i)
        for (std::size_t k = 0; k < files[i]->documents.size(); ++k)
            if (const Filter* f = files[i]->documents[k].filter())
                picked[i][k] = std::any_of(f->rules.begin(), f->rules.end(),
                                           [&](const std::string& n) { return wanted.count(n) || held.count(n); });
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (std::find(picked[i].begin(), picked[i].end(), true) == picked[i].end())
            continue;
        ParsedFile part;
        part.file = files[i]->file;
        part.text = files[i]->text;
        for (std::size_t k = 0; k < files[i]->documents.size(); ++k)
            if (picked[i][k])
                part.documents.push_back(files[i]->documents[k]);
        out.push_back(std::move(part));
    }
    return out;
}

bool evaluateCorrelationsLive(const ParsedFile& parsed, const EventList& events, const LiveCorrelationOptions& options,
                              LiveCorrelation& out, std::vector<Verdict>& verdicts)
{
    std::vector<ParsedFile> files;
    if (options.siblings)
        files = siblingDocuments(parsed, parsed.file);
    out.companionFiles.clear();
    for (const auto& f : files)
        out.companionFiles.push_back(f.file);
    files.insert(files.begin(), parsed);
    CorrelationUnitResult compiled = compileCorrelationUnit(files, options.compile);
    out.unit = compiled.unit;
    out.diagnostics = std::move(compiled.diagnostics);
    const CorrelationUnit& unit = *out.unit;
    const std::size_t n = events.size();
    verdicts.assign(n, Verdict::Unknown);

    // Every base rule over the events as the single-rule live path does it (scope rows and search
    // outcomes of the previous version of the same rule reused), then their union with the filters.
    using Clock = std::chrono::steady_clock;
    const auto msSince = [](Clock::time_point t) {
        return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    };
    auto t0 = Clock::now();
    const auto& rules = unit.rules();
    out.ruleVerdicts.clear();
    for (const UnitRule& r : rules) {
        const Rule& rule = r.rule->rule();
        LiveCorrelation::RuleVerdicts entry;
        entry.identity = !rule.id.empty() ? rule.id : !rule.name.empty() ? rule.name : rule.title;
        for (const auto& f : files)
            if (f.file == r.rule->file())
                entry.text = f.file + '\n' + documentText(f, r.document);
        const EventVerdicts* previous = nullptr;
        if (options.previous) {
            for (const auto& earlier : options.previous->ruleVerdicts) {
                if (!earlier.verdicts)
                    continue;
                // The same text over the same events: the same verdicts, nothing to evaluate.
                if (options.sameEvents && !entry.text.empty() && earlier.text == entry.text) {
                    entry.verdicts = earlier.verdicts;
                    entry.reused = true;
                    break;
                }
                if (earlier.identity == entry.identity)
                    previous = earlier.verdicts.get();
            }
        }
        if (!entry.verdicts) {
            EvaluateOptions evaluate;
            evaluate.previous = previous;
            evaluate.sameEvents = options.sameEvents;
            evaluate.stop = options.stop;
            auto own = std::make_shared<EventVerdicts>();
            if (!evaluateEvents(*r.rule, events, evaluate, *own))
                return false;
            entry.verdicts = std::move(own);
        }
        out.ruleVerdicts.push_back(std::move(entry));
    }
    out.hits.clear();
    for (std::size_t i = 0; i < n; ++i) {
        Verdict v = Verdict::OutOfScope;
        for (std::size_t r = 0; r < rules.size(); ++r) {
            const Verdict rv = out.ruleVerdicts[r].verdicts->verdicts[i];
            if (rv == Verdict::Match && (rules[r].filters.empty() || unit.passesFilters(events[i], r))) {
                out.hits.emplace_back(i, r);
                v = Verdict::Match;
            } else if (rv != Verdict::OutOfScope && v == Verdict::OutOfScope) {
                v = Verdict::NoMatch;
            }
        }
        verdicts[i] = v;
    }

    out.rulesMs = msSince(t0);
    t0 = Clock::now();
    // The correlations over the hits (sorted by time inside the evaluator).
    CorrelationOptions co;
    co.maxEvents = options.maxEvents;
    co.nearMisses = true;
    CorrelationEvaluator evaluator(out.unit, co);
    // The events' times, read once per matched event over evaluations of the same events.
    auto times = options.sameEvents && options.previous && options.previous->eventTimes &&
                         options.previous->eventTimes->size() == n
                     ? std::make_shared<std::vector<EventTime>>(*options.previous->eventTimes)
                     : std::make_shared<std::vector<EventTime>>(n, LiveCorrelation::kTimeUnread);
    std::vector<std::size_t> matched;
    for (std::size_t h = 0; h < out.hits.size();) {
        const std::size_t position = out.hits[h].first;
        matched.clear();
        bool read = false; // by a correlation
        for (; h < out.hits.size() && out.hits[h].first == position; ++h) {
            matched.push_back(out.hits[h].second);
            read = read || !rules[out.hits[h].second].consumers.empty();
        }
        if (!read)
            continue;
        EventTime& time = (*times)[position];
        if (time == LiveCorrelation::kTimeUnread)
            time = CorrelationEvaluator::eventTime(events[position]).value_or(LiveCorrelation::kNoTime);
        evaluator.add(events[position], time == LiveCorrelation::kNoTime ? std::nullopt : std::optional(time), matched,
                      position);
    }
    out.eventTimes = std::move(times);
    if (options.stop && options.stop())
        return false;
    CorrelationReport report = evaluator.finish();
    out.untimed = report.untimedCount;

    out.correlateMs = msSince(t0);
    t0 = Clock::now();
    out.rows.clear();
    for (std::size_t ci = 0; ci < unit.correlations().size(); ++ci) {
        for (const auto& r : report.results)
            if (r.correlation == ci)
                out.rows.push_back(rowOf(ci, r.group, r.start, r.end, r.value, true, r.events, r.eventCount));
        for (auto& m : report.nearMisses)
            if (m.correlation == ci)
                out.rows.push_back(rowOf(ci, std::move(m.group), m.window.start, m.window.end, m.window.value, false,
                                         m.window.events, m.window.eventCount));
    }
    out.rowsMs = msSince(t0);
    return true;
}

} // namespace sigma
