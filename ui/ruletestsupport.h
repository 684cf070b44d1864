#pragma once

// The workbench side of a rule's tests (issue 9): the beside manifest read with its events, the
// marks of the loaded events, and the one-line summary the Test pane and status bar show.

#include "eventset.h"
#include "liveevaluator.h"

#include <QList>
#include <QString>

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

namespace sigmaui {

/// Opens the tests of a saved rule as `sigmawb test` finds them (sigma::findRuleTests: beside and
/// folder manifests, SigmaHQ info; an empty group when it has none yet) and reads their events once. Null for an empty
/// path (an unsaved rule has no tests). Reads files: call it off the GUI thread (TestsController does).
/// Files a manifest names outside its workspace are refused ("manifest-path-outside" errors in the
/// group) unless `allowOutsidePaths`.
TestSetPtr loadTestSet(const QString& rulePath, bool allowOutsidePaths = false);

/// The group's "manifest-path-outside" refusals, one line each (empty when there are none).
QStringList outsidePathRefusals(const TestSet& tests);

/// The mark of each event (int(sigma::ExpectationKind) or -1). Events past `limit` are not looked
/// up (each look-up serialises the event); an empty vector when nothing is marked. Slow on many
/// events: call it off the GUI thread. Stops early (returning nothing) once `cancel` is set;
/// `progress` gets permille steps.
std::vector<int> testMarksOf(const TestSet& tests, const EventList& events, std::size_t limit = 5000,
                             const std::atomic<bool>* cancel = nullptr,
                             const std::function<void(int permille)>& progress = {});

/// The loaded events (rows, ascending) that are events of the group's expectation `expectation`:
/// those of `refs` (empty: the expectation's first `limit` events). An event is found by its file
/// and position when the expectation names a loaded file, else by its EventRecordID, else by its
/// XML (at most a few, each a pass over the loaded events). For the Tests view's "select the event".
QList<int> loadedEventsOf(const TestSet& tests, std::size_t expectation, const std::vector<sigma::EventRef>& refs,
                          const EventList& loaded, std::size_t limit = 200);

/// "tests: 3/4 pass" (empty without tests); "tests: error" when the group could not run.
QString testSummaryText(const sigma::RuleTestResult* result);

/// The failures of a result, one line each (for a tooltip).
QString testDetailsText(const sigma::RuleTestResult& result);

} // namespace sigmaui
