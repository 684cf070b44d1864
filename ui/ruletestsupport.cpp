#include "ruletestsupport.h"

#include "events/reader.h"
#include "validation/manifest.h"
#include "validation/marking.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

namespace sigmaui {

TestSetPtr loadTestSet(const QString& rulePath, bool allowOutsidePaths)
{
    if (rulePath.isEmpty())
        return nullptr;
    auto set = std::make_shared<TestSet>();
    // As `sigmawb test` on the rule's folder: beside, folder manifests above it, SigmaHQ info.
    sigma::ManifestOptions options;
    options.allowOutsidePaths = allowOutsidePaths;
    sigma::FoundRuleTests found = sigma::findRuleTests(rulePath.toStdString(), options);
    set->group = std::move(found.group);
    set->sources = std::move(found.sources);
    set->events = sigma::loadTestEvents(set->group);
    return set;
}

QStringList outsidePathRefusals(const TestSet& tests)
{
    QStringList refusals;
    for (const auto& d : tests.group.diagnostics)
        if (d.code == "manifest-path-outside")
            refusals << QString::fromStdString(d.message);
    return refusals;
}

std::vector<int> testMarksOf(const TestSet& tests, const EventList& events, std::size_t limit,
                             const std::atomic<bool>* cancel, const std::function<void(int)>& progress)
{
    std::vector<int> marks;
    if (tests.group.expectations.empty())
        return marks;
    // The marks are read once (baseline file included); events with a record id are looked up
    // without serialising them.
    const sigma::TestMarks index(tests.group);
    if (index.empty())
        return marks;
    marks.assign(events.size(), -1);
    bool any = false;
    const std::string* keyOf = nullptr;
    std::string fileKey;
    const std::size_t n = std::min(events.size(), limit);
    for (std::size_t i = 0; i < n; ++i) {
        if ((i & 63) == 0) {
            if (cancel && cancel->load())
                return {};
            if (progress)
                progress(int(i * 1000 / n));
        }
        const auto& origin = events[i].origin;
        std::optional<sigma::ExpectationKind> kind =
            origin.recordId ? index.ofRecord(*origin.recordId) : index.ofXml(events[i].xml());
        if (!kind && index.hasFileMarks() && origin.file) {
            // Entries naming a whole file (folder manifests): the events of one file share a name.
            if (origin.file.get() != keyOf) {
                keyOf = origin.file.get();
                fileKey = sigma::TestMarks::fileKeyOf(*origin.file);
            }
            kind = index.ofFileEvent(fileKey, origin.recordId);
        }
        if (kind) {
            marks[i] = int(*kind);
            any = true;
        }
    }
    if (!any)
        marks.clear();
    return marks;
}

QList<int> loadedEventsOf(const TestSet& tests, std::size_t expectation, const std::vector<sigma::EventRef>& refs,
                          const EventList& loaded, std::size_t limit)
{
    if (expectation >= tests.group.expectations.size() || expectation >= tests.events.sources.size())
        return {};
    const sigma::Expectation& exp = tests.group.expectations[expectation];
    const auto& source = tests.events.sources[expectation];
    const std::vector<sigma::Event>* events = source.events.get();
    std::vector<sigma::EventRef> wanted = refs;
    if (wanted.empty()) {
        const std::size_t n = events ? std::min(events->size(), limit) : limit;
        for (std::size_t i = 0; i < n; ++i)
            wanted.push_back({i + 1, events ? (*events)[i].origin.recordId : std::nullopt});
    }
    // One pass over the loaded events: positions in the expectation's file, record ids.
    const std::string fileKey = exp.path.empty() ? std::string() : sigma::TestMarks::fileKeyOf(exp.path);
    std::unordered_map<std::size_t, int> byPosition;
    std::unordered_map<std::uint64_t, int> byRecord;
    const std::string* keyOf = nullptr;
    bool sameFile = false;
    for (std::size_t row = 0; row < loaded.size(); ++row) {
        const auto& origin = loaded[row].origin;
        if (!fileKey.empty() && origin.file && origin.file.get() != keyOf) {
            keyOf = origin.file.get();
            sameFile = sigma::TestMarks::fileKeyOf(*origin.file) == fileKey;
        }
        if (sameFile && origin.file)
            byPosition.emplace(origin.index, int(row));
        if (origin.recordId)
            byRecord.emplace(*origin.recordId, int(row));
    }
    QList<int> rows;
    int byXml = 8; // each one a pass over the loaded events
    for (const sigma::EventRef& ref : wanted) {
        const sigma::Event* event =
            events && ref.index >= 1 && ref.index <= events->size() ? &(*events)[ref.index - 1] : nullptr;
        const std::optional<std::uint64_t> recordId = ref.recordId ? ref.recordId
                                                      : event      ? event->origin.recordId
                                                                   : std::nullopt;
        if (auto it = byPosition.find(ref.index); it != byPosition.end()) {
            rows << it->second;
        } else if (auto rit = recordId ? byRecord.find(*recordId) : byRecord.end(); rit != byRecord.end()) {
            rows << rit->second;
        } else if (event && byXml-- > 0) {
            const std::string xml = sigma::eventXml(*event);
            for (std::size_t row = 0; row < loaded.size(); ++row)
                if (sigma::eventXml(loaded[row]) == xml) {
                    rows << int(row);
                    break;
                }
        }
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    return rows;
}

QString testSummaryText(const sigma::RuleTestResult* result)
{
    if (!result || (result->expectations.empty() && result->errors.empty()))
        return {};
    const std::size_t total = result->testCount();
    const std::size_t failed = result->failures() + result->errorCount();
    const std::size_t passed = total >= failed ? total - failed : 0;
    return QCoreApplication::translate("sigmaui", "tests: %1/%2 pass").arg(passed).arg(total);
}

QString testDetailsText(const sigma::RuleTestResult& result)
{
    QStringList lines;
    for (const auto& d : result.errors)
        lines << QString::fromStdString(d.message);
    for (const auto& e : result.expectations)
        if (!e.passed())
            lines << QString::fromStdString(e.summary());
    return lines.join(QLatin1Char('\n'));
}

} // namespace sigmaui
