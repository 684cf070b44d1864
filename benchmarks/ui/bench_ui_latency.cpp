// Edit → updated verdicts latency of the workbench with many loaded events, for a rule and for a
// correlation file (its base rules and correlations recomputed with the verdicts).
//
//   bench_ui_latency [EVENTS] [EDITS] [PAUSE_MS] [rule|correlation]
//   (default 100000 events, 60 edits, no pause, both; the last argument measures only one of them,
//   e.g. under callgrind)
//
// Prints p50/p95/max of (1) the background job alone (parse + compile + evaluate every event)
// and (2) the whole round trip in the main window: a keystroke in the editor until the events
// table shows the new verdicts, with the job scheduling as shipped (no fixed pause).
// The round trip ends when the window has painted what the new verdicts made dirty (the table's
// changed rows and every other widget waiting for a repaint); its parts are printed too. PAUSE_MS waits between edits
// (a typist's pace), so that background work started by one result (e.g. the Indicators pane's baseline) can finish.
// (3) The near misses (engine/nearmiss.h) of the events in scope and not matched, as the Test
// pane's "Near misses" filter computes them after each result (over 10 runs).
#include "benchutil.h"

#include "engine/nearmiss.h"
#include "eventsmodel.h"
#include "livebench.h"
#include "liveevaluator.h"
#include "mainwindow.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

using namespace sigmaui;

namespace {

/// The same rule as the base of two correlations (a burst of it per computer, then cmd.exe on the
/// same computer): the Correlations pane's rows are recomputed with the verdicts on every edit. The
/// single rule's text is the base rule's (with a name the correlation refers to), not a copy.
const char* const CorrelationDocuments = R"(title: Encoded PowerShell Bursts Then Cmd
id: 5b0f4e0a-7c1d-4c55-9a0e-3f6f2d9b8e20
correlation:
    type: temporal_ordered
    rules:
        - office_powershell_burst
        - cmd_run
    group-by:
        - Computer
    timespan: 30m
level: high
---
title: Encoded PowerShell Bursts
id: 5b0f4e0a-7c1d-4c55-9a0e-3f6f2d9b8e21
name: office_powershell_burst
correlation:
    type: event_count
    rules:
        - office_powershell
    group-by:
        - Computer
    timespan: 10m
    condition:
        gte: 3
---
title: Cmd Run
id: 5b0f4e0a-7c1d-4c55-9a0e-3f6f2d9b8e22
name: cmd_run
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\cmd.exe'
    condition: selection
level: low
---
)";

QString correlationRule()
{
    std::string base = sigmabench::LiveRule;
    const std::string title = "title: Encoded PowerShell From Office\n";
    base.insert(title.size(), "name: office_powershell\n");
    return QString::fromUtf8(CorrelationDocuments) + QString::fromStdString(base);
}

/// CPU time of the calling thread (the GUI thread's own work, whatever the machine's load).
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

/// CPU time of the whole process (every thread): the job's cost whatever the machine's load, while
/// nothing else runs in the process.
double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Stats {
    double p50 = 0, p95 = 0, max = 0, mean = 0;
};
Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    Stats s;
    if (v.empty())
        return s;
    s.p50 = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, std::size_t(double(v.size()) * 0.95))];
    s.max = v.back();
    for (double x : v)
        s.mean += x;
    s.mean /= double(v.size());
    return s;
}
void print(const char* what, const Stats& s)
{
    std::printf("%-44s p50 %7.2f ms   p95 %7.2f ms   max %7.2f ms   mean %7.2f ms\n", what, s.p50, s.p95, s.max,
                s.mean);
}
} // namespace

/// The job alone, then keystroke -> verdicts shown in the window, for one rule text.
int measure(const char* label, const QString& rule, const EventListPtr& events, int edits, int pauseMs)
{
    std::printf("\n== %s ==\n", label);
    // (1) The background job alone.
    std::vector<double> job, jobCpu, parse, evaluate, rulesMs, correlateMs, rowsMs;
    std::size_t matches = 0;
    auto requestFor = [&](int i, EvaluationPtr previous) {
        return sigmabench::liveEditRequest(i, rule, events, std::move(previous));
    };
    EvaluationPtr previous;
    for (int i = 0; i < edits; ++i) {
        // As the workbench runs it: the previous result gives each event's scope and the outcomes
        // of the search identifiers the edit left alone.
        QElapsedTimer t;
        t.start();
        const double cpu0 = processCpuMs();
        const EvaluationPtr r = LiveEvaluator::run(requestFor(i, previous));
        jobCpu.push_back(processCpuMs() - cpu0);
        previous = r;
        job.push_back(double(t.nsecsElapsed()) / 1e6);
        parse.push_back(r->parseMs);
        evaluate.push_back(r->evaluateMs);
        if (r->correlation) {
            rulesMs.push_back(r->correlation->rulesMs);
            correlateMs.push_back(r->correlation->correlateMs);
            rowsMs.push_back(r->correlation->rowsMs);
        }
        matches = r->matches;
        if (!r->ok()) {
            std::fprintf(stderr, "the benchmark rule does not compile\n");
            return 2;
        }
    }
    std::printf("matches with the original rule: %zu of %zu", matches, events->size());
    if (previous && previous->correlation)
        std::printf("; %zu correlation rows, %zu base-rule hits", previous->correlation->rows.size(),
                    previous->correlation->hits.size());
    std::printf("\n");
    print("job: parse + compile", stats(parse));
    print("job: evaluate all events", stats(evaluate));
    if (!rulesMs.empty()) {
        print("  of which base rules", stats(rulesMs));
        print("  of which correlations", stats(correlateMs));
        print("  of which rows", stats(rowsMs));
    }
    print("job: total", stats(job));
    print("job: total, CPU time of all threads", stats(jobCpu));
    // The same edits without the previous result: every search identifier and every event's
    // scope evaluated afresh (what a change of the log source or of the options costs).
    std::vector<double> cold;
    for (int i = 0; i < edits; ++i) {
        QElapsedTimer t;
        t.start();
        (void)LiveEvaluator::run(requestFor(i, nullptr));
        cold.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    print("job: total, cold (no previous result)", stats(cold));

    // (3) Near misses of the last result's events in scope and not matched.
    if (previous && previous->compiled && !previous->correlation) {
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < previous->verdicts.size(); ++i)
            if (previous->verdicts[i] == sigma::Verdict::NoMatch)
                candidates.push_back(i);
        std::vector<double> nearMs, nearOneThread;
        std::size_t found = 0;
        for (int run = 0; run < 10; ++run) {
            for (unsigned threads : {0u, 1u}) {
                if (threads == 1 && run >= 3)
                    continue;
                QElapsedTimer t;
                t.start();
                const auto near = threads == 0 ? sigma::findNearMisses(*previous->compiled, *events, candidates) : [&] {
                    std::vector<sigma::NearMiss> out;
                    for (std::size_t i : candidates)
                        out.push_back(sigma::findNearMiss(*previous->compiled, (*events)[i]));
                    return out;
                }();
                (threads == 0 ? nearMs : nearOneThread).push_back(double(t.nsecsElapsed()) / 1e6);
                found = std::size_t(
                    std::count_if(near.begin(), near.end(), [](const sigma::NearMiss& n) { return n.isNearMiss(); }));
            }
        }
        std::printf("near misses: %zu among %zu events in scope and not matched\n", found, candidates.size());
        print("near misses (all cores)", stats(nearMs));
        print("near misses (one thread)", stats(nearOneThread));
    }

    // (2) Keystroke → verdicts shown in the window.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.yml"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return 2;
        f.write(rule.toUtf8());
    }
    SyntaxSupport syntax;
    MainWindowOptions options;
    // The scheduling as shipped (at once when idle; while a slow job runs, right after it stops),
    // so keystroke -> verdicts shown is what the user perceives.
    options.offerRecovery = false;
    options.restoreLayout = false;
    options.recoveryDirectory = dir.filePath(QStringLiteral("recovery"));
    MainWindow window(syntax, options);
    window.show();
    window.openRuleFile(path);
    window.setEvents(events);
    QSignalSpy first(&window, &MainWindow::resultShown);
    if (!first.wait(60000)) {
        std::fprintf(stderr, "no first result\n");
        return 2;
    }
    RuleEditor* editor = window.currentEditor();
    using Clock = std::chrono::steady_clock;
    const auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    Clock::time_point shownAt;
    QObject::connect(&window, &MainWindow::resultShown, &window, [&] { shownAt = Clock::now(); });
    // Let whatever the first result started settle, as after a pause in typing.
    QTest::qWait(pauseMs > 0 ? pauseMs : 500);
    const int at = int(editor->toPlainText().indexOf(QStringLiteral("' -enc '"))) + 3; // after "' -"
    const int jobsBefore = window.evaluatorAt(window.currentTab())->jobsStarted();
    std::vector<double> roundTrip, keystroke, toRequest, queued, jobTime, gui, paint, rest, guiCpu;
    for (int i = 0; i < edits; ++i) {
        QTextCursor c = editor->textCursor();
        c.setPosition(at);
        editor->setTextCursor(c);
        QSignalSpy shown(&window, &MainWindow::resultShown);
        const double cpu0 = threadCpuMs();
        const Clock::time_point t0 = Clock::now();
        if (i % 2 == 0)
            QTest::keyClick(editor, Qt::Key_X); // "' -xenc '": fewer matches
        else
            QTest::keyClick(editor, Qt::Key_Delete);
        const Clock::time_point typed = Clock::now();
        // Wait for the result of this very text (older ones may arrive first).
        const QString expected = editor->toPlainText();
        EvaluationPtr last;
        while (true) {
            if (!shown.wait(60000)) {
                std::fprintf(stderr, "no result after edit %d\n", i);
                return 2;
            }
            last = window.evaluatorAt(window.currentTab())->lastResult();
            if (last && last->text == expected)
                break;
        }
        // The models have signalled the new verdicts; the window paints what they made dirty now
        // (what the next event loop iteration would do: the table's rows whose verdict changed,
        // and every other widget waiting for a repaint). A table with nothing to repaint already
        // shows the new verdicts.
        QCoreApplication::sendPostedEvents(&window, QEvent::UpdateRequest);
        const Clock::time_point painted = Clock::now();
        guiCpu.push_back(threadCpuMs() - cpu0);
        roundTrip.push_back(ms(painted - t0));
        keystroke.push_back(ms(typed - t0));
        toRequest.push_back(ms(last->requested - t0));
        queued.push_back(ms(last->started - last->requested));
        jobTime.push_back(ms(last->finished - last->started));
        gui.push_back(ms(shownAt - last->finished));
        paint.push_back(ms(painted - shownAt));
        // Everything else the edit left for the event loop (other panes' repaints, ...), after the
        // verdicts are visible; not part of the round trip.
        QCoreApplication::processEvents();
        rest.push_back(ms(Clock::now() - painted));
        if (pauseMs > 0)
            QTest::qWait(pauseMs);
    }
    // Each edit starts one job; more would mean a job that no edit asked for.
    std::printf("jobs per edit: %.2f\n",
                double(window.evaluatorAt(window.currentTab())->jobsStarted() - jobsBefore) / edits);
    print("  keystroke handled by the editor", stats(keystroke));
    print("  keystroke -> job requested", stats(toRequest));
    print("  job waiting for a worker", stats(queued));
    print("  job (parse, compile, evaluate)", stats(jobTime));
    print("  GUI thread: result -> models updated", stats(gui));
    print("  events table repaint", stats(paint));
    print("keystroke -> verdicts shown (as perceived)", stats(roundTrip));
    print("  of which GUI thread CPU time", stats(guiCpu));
    print("(after: other pending GUI events)", stats(rest));
    std::printf("(scheduling as shipped: a job starts at once when none runs or the last took <= %.0f ms, else "
                "when the running stale job stops; included above; pause between edits %d ms)\n",
                LiveEvaluator().fastJobMs(), pauseMs);
    return 0;
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100000;
    const int edits = argc > 2 ? std::atoi(argv[2]) : 60;
    const int pauseMs = argc > 3 ? std::atoi(argv[3]) : 0;
    const std::string only = argc > 4 ? argv[4] : std::string();

    sigmabench::Stopwatch gen;
    const EventListPtr events = sigmabench::makeLiveEvents(count);
    std::printf("bench_ui_latency: %zu events generated in %.0f ms; %d edits; %u hardware threads\n", events->size(),
                gen.ms(), edits, std::thread::hardware_concurrency());

    if (only != "correlation")
        if (const int rc = measure("a rule", QString::fromUtf8(sigmabench::LiveRule), events, edits, pauseMs))
            return rc;
    if (only == "rule")
        return 0;
    // The same base rule inside a correlation file: every base rule and both correlations with
    // the verdicts, as the Correlations pane shows them.
    return measure("a correlation (event_count then temporal_ordered, two base rules)", correlationRule(), events,
                   edits, pauseMs);
}
