// core/live: a rule's text analysed and evaluated over events as it is edited, without Qt in
// the code under test (the workbench's editor, `sigmawb` and the baseline count share it).
#include "live/analysis.h"
#include "live/evaluator.h"

#include "events/reader.h"
#include "util/parallel.h"

#include "testsupport.h"

#include <QTest>

#include <algorithm>
#include <thread>

namespace {
const std::string Whoami = "title: Whoami Run by a Finance User\n"
                           "logsource:\n    category: process_creation\n    product: windows\n"
                           "detection:\n"
                           "    selection:\n        Image|endswith: '\\whoami.exe'\n"
                           "    user:\n        User|contains: 'jdoe'\n"
                           "    condition: selection and user\n";

sigma::EventListPtr fixtureEvents(std::size_t copies = 1)
{
    const auto read = sigma::readEventsFile(sigmatest::dataPath(QStringLiteral("ui/events.xml")).toStdString());
    std::vector<sigma::Event> events;
    for (std::size_t c = 0; c < copies; ++c)
        events.insert(events.end(), read.events.begin(), read.events.end());
    return std::make_shared<sigma::EventList>(std::move(events));
}

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    text.replace(text.find(from), from.size(), to);
    return text;
}

bool hasCode(const sigma::Diagnostics& ds, const std::string& code)
{
    return std::any_of(ds.begin(), ds.end(), [&](const sigma::Diagnostic& d) { return d.code == code; });
}
} // namespace

class TestLive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void analysisParsesLintsAndCompiles()
    {
        const auto a = sigma::analyzeRuleText(Whoami, "whoami.yml");
        QVERIFY(a.ok());
        QCOMPARE(a.rule()->title, std::string("Whoami Run by a Finance User"));
        QVERIFY(a.parsed && a.parsed->firstRule());
        QVERIFY(hasCode(a.diagnostics, "missing-id")); // the linter ran
        QVERIFY(!sigma::hasErrors(a.diagnostics));
        for (const auto& d : a.diagnostics)
            QCOMPARE(d.file, std::string("whoami.yml"));

        sigma::AnalysisOptions noLint;
        noLint.lint = false;
        const auto b = sigma::analyzeRuleText(Whoami, "whoami.yml", noLint);
        QVERIFY(b.ok());
        QVERIFY(!hasCode(b.diagnostics, "missing-id"));
    }

    void analysisReportsEveryStage()
    {
        // A compile error (a placeholder without a value) is in the one list, and nothing compiled.
        const auto c =
            sigma::analyzeRuleText(replaced(Whoami, "User|contains: 'jdoe'", "User|expand: '%users%'"), "r.yml");
        QVERIFY(!c.ok());
        QVERIFY(hasCode(c.diagnostics, "unresolved-placeholder"));
        // A parse error: not compiled either.
        const auto p = sigma::analyzeRuleText(replaced(Whoami, "Image|endswith", "Image|endswit"), "r.yml");
        QVERIFY(!p.ok());
        QVERIFY(sigma::hasErrors(p.diagnostics));
        // Text that holds no rule, and blank text.
        const auto none = sigma::analyzeRuleText("# notes, no rule yet\n", "r.yml");
        QVERIFY(hasCode(none.diagnostics, "no-rule"));
        const auto blank = sigma::analyzeRuleText("  \n\n", "r.yml");
        QVERIFY(!hasCode(blank.diagnostics, "no-rule"));
        QVERIFY(!blank.ok());
    }

    void verdictsAreTheEnginesVerdicts()
    {
        const auto events = fixtureEvents();
        const auto a = sigma::analyzeRuleText(Whoami, "w.yml");
        QVERIFY(a.ok());
        sigma::EventVerdicts v;
        QVERIFY(sigma::evaluateEvents(*a.compiled, *events, {}, v));
        QCOMPARE(v.verdicts.size(), events->size());
        using sigma::Verdict;
        const std::vector<Verdict> expected{Verdict::Match, Verdict::NoMatch, Verdict::NoMatch, Verdict::OutOfScope};
        QVERIFY(v.verdicts == expected);
        QCOMPARE(v.matches, std::size_t(1));
        QCOMPARE(v.inScope, std::size_t(3));
        QCOMPARE(v.scopeRows[3], std::int16_t(-1));
        QVERIFY(v.scopeRows[0] >= 0);
        QVERIFY(!v.scopeReused);
        for (std::size_t i = 0; i < events->size(); ++i)
            QCOMPARE(v.verdicts[i] == Verdict::Match, a.compiled->matches((*events)[i]));
    }

    void editsReuseScopeAndSearches()
    {
        sigma::IncrementalEvaluator live;
        live.setEvents(fixtureEvents(600)); // 2400 events: more than one block
        const auto first = live.evaluate(Whoami, "w.yml");
        QVERIFY(first && first->ok());
        QVERIFY(!first->scopeReused);
        QCOMPARE(first->matches, std::size_t(600));
        QVERIFY(live.reuseSource() == first);

        // Another value in one search: the scope and the other search's outcomes are kept, the
        // verdicts are those of a fresh evaluation.
        const std::string edited = replaced(Whoami, "'jdoe'", "'alice'");
        const auto second = live.evaluate(edited, "w.yml");
        QVERIFY(second && second->scopeReused);
        QVERIFY(second->searchCache && second->searchCache->reusedSearches() > 0);
        QCOMPARE(second->matches, std::size_t(600));
        sigma::IncrementalEvaluator fresh;
        fresh.setEvents(live.events());
        const auto cold = fresh.evaluate(edited, "w.yml");
        QVERIFY(!cold->scopeReused);
        QVERIFY(cold->verdicts == second->verdicts);
        QVERIFY(cold->scopeRows == second->scopeRows);

        // Another log source: the scope is computed again.
        const auto network = live.evaluate(replaced(Whoami, "process_creation", "network_connection"), "w.yml");
        QVERIFY(!network->scopeReused);
        QCOMPARE(network->inScope, std::size_t(600));

        // Other events or other options: nothing is reused.
        live.evaluate(Whoami, "w.yml");
        live.setEvents(fixtureEvents(2));
        QVERIFY(!live.evaluate(Whoami, "w.yml")->scopeReused);
        QVERIFY(live.evaluate(Whoami, "w.yml")->scopeReused);
        sigma::CompileOptions o;
        o.translateSecurity5156 = true;
        live.setOptions(o);
        QVERIFY(!live.reuseSource());
        QVERIFY(!live.evaluate(Whoami, "w.yml")->scopeReused);

        // A result with errors is not what the next one reuses.
        const auto before = live.reuseSource();
        const auto broken =
            live.evaluate(replaced(Whoami, "condition: selection and user", "condition: nothing"), "w.yml");
        QVERIFY(broken && !broken->ok());
        QVERIFY(broken->verdicts.empty());
        QVERIFY(live.reuseSource() == before);
    }

    void staleEvaluationsStop()
    {
        sigma::IncrementalEvaluator live;
        live.setEvents(fixtureEvents(5000)); // 20000 events
        const std::uint64_t ticket = live.newTicket();
        live.newTicket(); // a newer edit came
        auto out = std::make_shared<sigma::LiveResult>();
        QVERIFY(!live.evaluate(Whoami, "w.yml", ticket, out));
        QVERIFY(!live.reuseSource()); // a stale result is never reused

        // Stopped in the middle: evaluateEvents says so after the block it was in.
        const auto a = sigma::analyzeRuleText(Whoami, "w.yml");
        sigma::EvaluateOptions options;
        std::atomic<int> polls{0};
        options.stop = [&] { return ++polls > 2; };
        options.threads = 1;
        sigma::EventVerdicts v;
        QVERIFY(!sigma::evaluateEvents(*a.compiled, *live.events(), options, v));
        QVERIFY(std::count(v.verdicts.begin(), v.verdicts.end(), sigma::Verdict::Unknown) > 10000);
        std::atomic<bool> cancel{true};
        sigma::EvaluateOptions cancelled;
        cancelled.cancel = &cancel;
        QVERIFY(!sigma::evaluateEvents(*a.compiled, *live.events(), cancelled, v));
    }

    void concurrentEvaluationsShareTheThreadBudget()
    {
        // Several editors evaluating at once (and a stale job winding down): the helpers of all
        // of them together stay within hardware concurrency - 1.
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        const auto events = fixtureEvents(25000); // 100000 events
        sigma::takeParallelHelpersPeak();
        std::vector<std::thread> editors;
        std::atomic<int> ok{0};
        for (int e = 0; e < 4; ++e)
            editors.emplace_back([&] {
                sigma::IncrementalEvaluator live;
                live.setEvents(events);
                for (int r = 0; r < 3; ++r)
                    ok += live.evaluate(r % 2 ? Whoami : replaced(Whoami, "'jdoe'", "'alice'"), "w.yml")->ok();
            });
        for (auto& t : editors)
            t.join();
        QCOMPARE(ok.load(), 12);
        QVERIFY(sigma::takeParallelHelpersPeak() <= hw - 1);
    }
};

QTEST_GUILESS_MAIN(TestLive)
#include "tst_live.moc"
