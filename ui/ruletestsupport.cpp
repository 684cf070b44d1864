#include "ruletestsupport.h"

#include "validation/manifest.h"
#include "validation/marking.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <optional>
#include <string>

namespace sigmaui {

TestSetPtr loadTestSet(const QString& rulePath)
{
    if (rulePath.isEmpty())
        return nullptr;
    auto set = std::make_shared<TestSet>();
    // As `sigmawb test` on the rule's folder: beside, folder manifests above it, SigmaHQ info.
    sigma::FoundRuleTests found = sigma::findRuleTests(rulePath.toStdString());
    set->group = std::move(found.group);
    set->sources = std::move(found.sources);
    set->events = sigma::loadTestEvents(set->group);
    return set;
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
