#include "validation/export.h"
#include "validation/exportqueries.h"

#include "util/fileio.h"

#include "corpus/baseline.h"
#include "corpus/corpus.h"
#include "corpus/indicator.h"
#include "rule/parser.h"
#include "util/asciitext.h"
#include "validation/zip.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace sigma {

namespace {

std::string sameFileKey(const std::string& path)
{
    return canonicalPath(path).string();
}

/// The indicator as written in the rule: "Image|endswith '\\whoami.exe'".
std::string indicatorText(const Rule& rule, const Indicator& ind)
{
    if (ind.searchIndex < rule.detection.size() && ind.mapIndex < rule.detection[ind.searchIndex].maps.size() &&
        ind.itemIndex < rule.detection[ind.searchIndex].maps[ind.mapIndex].items.size()) {
        const DetectionItem& item = rule.detection[ind.searchIndex].maps[ind.mapIndex].items[ind.itemIndex];
        std::string s = item.isKeyword ? std::string("keyword") : item.field;
        for (const auto& m : item.modifiers)
            s += '|' + m.written;
        if (ind.valueIndex < item.values.size())
            s += item.values[ind.valueIndex].type == Value::Type::Null ? std::string(" null")
                                                                       : " '" + item.values[ind.valueIndex].text + "'";
        return s;
    }
    std::string s = ind.writtenField.empty() ? std::string("keyword") : ind.writtenField;
    s += std::string("|") + indicatorKindName(ind.kind) + " '" + ind.value + "'";
    return s;
}

/// Markdown table cell: pipes and newlines would break the table.
std::string cell(std::string s)
{
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string safeName(std::string name)
{
    for (char& c : name)
        if (c == '/' || c == '\\' || c == ':' || static_cast<unsigned char>(c) < 0x20)
            c = '_';
    if (name.empty() || name == "." || name == "..")
        name = "events";
    return name;
}

void buildReport(ExportPlan& plan)
{
    std::ostringstream r;
    r << "# Export report: " << (plan.title.empty() ? plan.ruleName : plan.title) << "\n\n";
    r << "- Rule: `" << plan.ruleName << "`\n";
    r << "- Verdict: " << (plan.refusals.empty() ? "**ready** (lint clean, tests pass)" : "**not validated**") << "\n";
    for (const auto& reason : plan.refusals)
        r << "  - " << reason << "\n";

    r << "\n## Lint\n\n";
    if (plan.lint.empty()) {
        r << "No findings.\n";
    } else {
        r << plan.lintErrors << " error(s), " << plan.lintWarnings << " warning(s), "
          << plan.lint.size() - plan.lintErrors - plan.lintWarnings << " note(s):\n\n";
        for (const auto& d : plan.lint) {
            r << "- line " << d.span.begin.line << ": " << severityName(d.severity) << ": " << d.message;
            if (!d.code.empty())
                r << " [" << d.code << "]";
            r << "\n";
        }
    }

    r << "\n## Tests\n\n";
    if (plan.tests.empty()) {
        r << "No test manifest: nothing shows what the rule must and must not match.\n";
    } else {
        const auto& t = plan.testTotals;
        r << t.tests << " test(s): " << t.passed << " passed, " << t.failures << " failed, " << t.errors
          << " error(s).\n\n";
        r << "| result | expectation | expected | actual |\n|---|---|---|---|\n";
        for (const auto& g : plan.tests) {
            for (const auto& d : g.errors)
                r << "| error | " << cell(fs::path(g.manifest).filename().string()) << " | | " << cell(d.format())
                  << " |\n";
            for (const auto& e : g.expectations) {
                const char* word = e.passed()                                      ? "pass"
                                   : e.status == ExpectationResult::Status::Failed ? "**FAIL**"
                                                                                   : "**error**";
                std::string actual = e.actual;
                if (e.status == ExpectationResult::Status::Error && !e.diagnostics.empty())
                    actual = e.diagnostics.front().message;
                r << "| " << word << " | " << expectationKindName(e.expectation.kind) << ": "
                  << cell(e.expectation.label()) << " | " << cell(e.expected) << " | " << cell(actual) << " |\n";
            }
        }
    }

    if (!plan.eventSets.empty()) {
        r << "\n## Event sets tried in the workbench\n\n| set | events | rule matches | files |\n|---|---|---|---|\n";
        for (const auto& set : plan.eventSets) {
            std::string files;
            const std::size_t shown = std::min<std::size_t>(set.files.size(), 10);
            for (std::size_t i = 0; i < shown; ++i)
                files += (files.empty() ? "`" : ", `") + cell(set.files[i]) + "`";
            if (shown < set.files.size())
                files += " and " + std::to_string(set.files.size() - shown) + " more";
            r << "| " << cell(set.name.empty() ? std::string("loaded events") : set.name) << " | " << set.events
              << " | " << set.ruleMatches << " | " << files << " |\n";
        }
    }

    r << "\n## Indicator noise\n\n";
    if (!plan.corpusNote.empty())
        r << "Corpus reach (rules of the corpus using the same indicator) counted on " << plan.corpusNote << ".\n\n";
    if (!plan.noiseNote.empty())
        r << plan.noiseNote << "\n\n";
    if (!plan.noise.empty()) {
        const bool reach =
            std::any_of(plan.noise.begin(), plan.noise.end(), [](const auto& n) { return n.reach.has_value(); });
        r << "Baseline: " << plan.baselineEvents << " event(s) in the rule's log source (of " << plan.baselineEventsRead
          << " read); the whole rule matches " << plan.baselineRuleHits << ".\n\n";
        r << "| line | indicator | role | baseline hits |" << (reach ? " corpus reach |" : "") << "\n";
        r << "|---|---|---|---|" << (reach ? "---|" : "") << "\n";
        for (const auto& n : plan.noise) {
            r << "| " << n.line << " | `" << cell(n.indicator) << "` | " << (n.excluded ? "filter" : "selection")
              << " | " << n.baselineHits << " |";
            if (reach)
                r << ' ' << (n.reach ? std::to_string(*n.reach) : std::string("-")) << " |";
            r << "\n";
        }
    }
    appendQueriesReport(plan, r);
    plan.report = r.str();
}

} // namespace

ExportPlan planExport(const std::string& rulePath, const ExportOptions& options)
{
    ExportPlan plan;
    plan.rulePath = rulePath;
    plan.ruleName = fs::path(rulePath).filename().string();
    const std::string stem = fs::path(rulePath).stem().string();

    std::string text;
    std::string error;
    if (!readWholeFile(rulePath, text, error)) {
        plan.diagnostics.push_back(
            makeDiagnostic(Severity::Error, "io-error", "cannot read the rule: " + error, rulePath));
        plan.refusals.push_back("the rule file cannot be read: " + error);
        buildReport(plan);
        return plan;
    }

    // Lint.
    const ParsedFile parsed = parseRuleText(text, rulePath);
    plan.lint = lintFile(parsed, options.lint);
    for (const auto& d : plan.lint) {
        if (d.severity == Severity::Error)
            ++plan.lintErrors;
        else if (d.severity == Severity::Warning)
            ++plan.lintWarnings;
    }
    const Rule* rule = parsed.firstRule();
    if (rule)
        plan.title = rule->title;
    if (plan.lintErrors > 0) {
        const auto first = std::find_if(plan.lint.begin(), plan.lint.end(),
                                        [](const Diagnostic& d) { return d.severity == Severity::Error; });
        plan.refusals.push_back(std::to_string(plan.lintErrors) + " lint error(s) remain (first: " + first->format() +
                                ")");
    }
    if (!rule && plan.lintErrors == 0)
        plan.refusals.push_back("the file holds no Sigma rule");

    // Tests (event files read once for the tests and the noise figures).
    TestEventCache localCache;
    RunOptions run = options.run;
    if (!run.cache)
        run.cache = &localCache;
    std::vector<RuleTests> groups;
    if (!options.manifest.empty()) {
        TestManifest m = loadManifest(options.manifest, options.manifestOptions);
        if (!m.diagnostics.empty() && m.rules.empty()) {
            RuleTests broken;
            broken.manifest = options.manifest;
            broken.diagnostics = m.diagnostics;
            groups.push_back(std::move(broken));
        }
        const std::string key = sameFileKey(rulePath);
        for (auto& g : m.rules)
            if (m.rules.size() == 1 || sameFileKey(g.rulePath) == key)
                groups.push_back(std::move(g));
    } else {
        // The rule's tests as the workbench shows them: beside, folder manifests, SigmaHQ info.
        FoundRuleTests found = findRuleTests(rulePath, options.manifestOptions);
        if (!found.sources.empty())
            groups.push_back(std::move(found.group));
    }
    for (const auto& g : groups)
        plan.tests.push_back(runRuleTests(g, run));
    plan.testTotals = totals(plan.tests);
    if (groups.empty()) {
        plan.refusals.push_back(
            "the rule has no tests (no " + stem +
            ".tests.yml beside it, no folder manifest naming it and no regression_tests_path): nothing proves "
            "what it matches");
    } else if (plan.testTotals.failures + plan.testTotals.errors > 0) {
        std::string first;
        for (const auto& g : plan.tests) {
            if (!g.errors.empty()) {
                first = g.errors.front().format();
                break;
            }
            for (const auto& e : g.expectations)
                if (!e.passed()) {
                    first = e.summary();
                    break;
                }
            if (!first.empty())
                break;
        }
        plan.refusals.push_back(std::to_string(plan.testTotals.failures) + " failing test(s) and " +
                                std::to_string(plan.testTotals.errors) + " test error(s) remain (first: " + first +
                                ")");
    }

    // Files: the rule as written, the events, and a manifest rewritten to point at them.
    plan.files.push_back({plan.ruleName, text});
    TestManifest out;
    out.file = stem + ".tests.yml";
    std::set<std::string> usedNames;
    std::map<std::string, std::string> copied; // source path -> name inside the export
    std::vector<Event> baselineEvents;
    for (const auto& g : groups) {
        if (g.expectations.empty())
            continue;
        RuleTests copy = g;
        copy.rule = plan.ruleName;
        copy.rulePath.clear();
        copy.manifest.clear();
        copy.diagnostics.clear();
        copy.form = ManifestForm::Beside;
        for (auto& e : copy.expectations) {
            if (e.embedded())
                continue;
            auto it = copied.find(sameFileKey(e.path));
            if (it == copied.end()) {
                std::string data;
                if (!readWholeFile(e.path, data, error)) {
                    plan.diagnostics.push_back(makeDiagnostic(Severity::Error, "io-error",
                                                              "cannot read the event file '" + e.file + "': " + error,
                                                              g.manifest, e.span));
                    continue;
                }
                std::string name = safeName(fs::path(e.path).filename().string());
                for (int n = 2; usedNames.count(name); ++n)
                    name = std::to_string(n) + '-' + safeName(fs::path(e.path).filename().string());
                usedNames.insert(name);
                const std::string inside = "tests/" + stem + "/" + name;
                plan.files.push_back({inside, std::move(data)});
                it = copied.emplace(sameFileKey(e.path), inside).first;
            }
            e.file = it->second;
            e.path.clear();
        }
        out.rules.push_back(std::move(copy));
    }
    if (!out.rules.empty()) {
        out.folderForm = out.rules.size() > 1;
        plan.files.push_back({stem + ".tests.yml", manifestToYaml(out)});
    }

    // Indicator noise on the baseline sets (and corpus reach when a corpus is loaded).
    std::size_t baselineSources = 0;
    for (const auto& g : groups) {
        RuleTests onlyBaselines = g;
        onlyBaselines.expectations.clear();
        for (const auto& e : g.expectations)
            if (e.kind == ExpectationKind::Baseline)
                onlyBaselines.expectations.push_back(e);
        baselineSources += onlyBaselines.expectations.size();
        LoadedTestEvents loaded = loadTestEvents(onlyBaselines, run.cache);
        for (const auto& s : loaded.sources)
            if (s.events)
                baselineEvents.insert(baselineEvents.end(), s.events->begin(), s.events->end());
    }
    plan.baselineEventsRead = baselineEvents.size();
    if (rule) {
        BaselineOptions bo;
        BaselineResult noise = baselineNoise(*rule, rulePath, EventList::borrow(baselineEvents), bo);
        plan.baselineEvents = noise.eventsConsidered;
        plan.baselineRuleHits = noise.ruleHits;
        for (std::size_t i = 0; i < noise.indicators.size(); ++i) {
            const Indicator& ind = noise.indicators[i];
            IndicatorNoise n;
            n.indicator = indicatorText(*rule, ind);
            n.line = ind.span.begin.line;
            n.excluded = ind.excluded;
            n.baselineHits = i < noise.hits.size() ? noise.hits[i] : 0;
            if (options.corpus)
                n.reach = options.corpus->reach(ind);
            plan.noise.push_back(std::move(n));
        }
        if (baselineSources == 0)
            plan.noiseNote = "The manifest has no `baseline` sets, so baseline hits are 0 by construction; add "
                             "benign events under `baseline:` to measure noise.";
        if (options.corpus)
            plan.corpusNote = std::to_string(options.corpus->rules().size()) + " rule(s) under `" +
                              options.corpus->root().string() + "`";
        if (!options.corpus)
            plan.noiseNote += std::string(plan.noiseNote.empty() ? "" : " ") +
                              "No corpus was loaded: corpus reach is not reported (sigmawb export --corpus DIR).";
    } else {
        plan.noiseNote = "The rule could not be parsed: no indicators.";
    }

    planQueries(plan, rule, stem, options);
    plan.eventSets = options.eventSets;
    buildReport(plan);
    plan.files.push_back({"REPORT.md", plan.report});
    return plan;
}

ExportResult writeExport(const ExportPlan& plan, const std::string& destination, bool force)
{
    ExportResult result;
    result.destination = destination;
    if (!plan.refusals.empty() && !force) {
        result.refusals = plan.refusals;
        return result;
    }
    if (hasErrors(plan.diagnostics)) {
        for (const auto& d : plan.diagnostics)
            if (d.severity == Severity::Error) {
                result.error = d.format();
                break;
            }
        return result;
    }
    result.forced = !plan.refusals.empty();
    const bool zip = destination.size() >= 4 &&
                     asciiEqualsIgnoringCase(std::string_view(destination).substr(destination.size() - 4), ".zip");
    if (zip) {
        ZipWriter writer;
        std::time_t now = std::time(nullptr);
        std::tm tm{};
        localtime_r(&now, &tm);
        writer.setTimestamp(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        for (const auto& f : plan.files) {
            if (!writer.add(f.name, f.data)) {
                result.error = writer.error();
                return result;
            }
            result.files.push_back(f.name);
        }
        const fs::path parent = fs::path(destination).parent_path();
        std::error_code ec;
        if (!parent.empty())
            fs::create_directories(parent, ec);
        if (!writer.write(destination)) {
            result.error = writer.error();
            result.files.clear();
            return result;
        }
        result.written = true;
        return result;
    }
    std::error_code ec;
    fs::create_directories(destination, ec);
    if (ec) {
        result.error = "cannot create the folder " + destination + ": " + ec.message();
        return result;
    }
    for (const auto& f : plan.files) {
        const fs::path target = fs::path(destination) / f.name;
        fs::create_directories(target.parent_path(), ec);
        std::string error;
        if (!writeFileAtomically(target.string(), f.data, error, true)) {
            result.error = error;
            return result;
        }
        result.files.push_back(target.string());
    }
    result.written = true;
    return result;
}

} // namespace sigma
