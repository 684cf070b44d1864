// core/engine RuleSet: made whole by RuleSetBuilder (immutable, matched from many threads), and
// the Aho-Corasick automaton of its literal pre-filter.
#include "engine/ahocorasick.h"
#include "engine/engine.h"
#include "events/event.h"
#include "rule/parser.h"

#include <QTest>

#include <set>
#include <thread>

using namespace sigma;

// A RuleSet cannot be changed once built: no add(), no finalize() to forget or to race on.
template <typename T>
concept Changeable = requires(T& set)
{
    set.add(std::shared_ptr<const CompiledRule>{});
};
template <typename T>
concept Finalizable = requires(T& set)
{
    set.finalize();
};
static_assert(!Changeable<RuleSet>);
static_assert(!Finalizable<RuleSet>);
static_assert(Changeable<RuleSetBuilder>);

namespace {
std::shared_ptr<const CompiledRule> compiled(const std::string& detection,
                                             const std::string& category = "process_creation")
{
    static std::vector<ParsedFile> keep; // the rules refer to their parsed model
    const std::string text =
        "title: t\nlogsource:\n    category: " + category + "\n    product: windows\ndetection:\n" + detection;
    keep.push_back(parseRuleText(text, "t.yml"));
    return compileRule(*keep.back().firstRule(), "t.yml").rule;
}

Event sysmon(int id, const std::string& image, const std::string& commandLine)
{
    Event e;
    e.add("Provider_Name", "Microsoft-Windows-Sysmon");
    e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
    e.add("EventID", std::to_string(id));
    e.add("Image", image);
    e.add("CommandLine", commandLine);
    return e;
}
} // namespace

class TestEngineRuleSet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtSetsMatchFromManyThreads()
    {
        RuleSetBuilder builder;
        builder.add(compiled("    sel:\n        Image|endswith: '\\whoami.exe'\n    condition: sel\n"));
        builder.add(nullptr); // ignored
        builder.add(compiled("    sel:\n        CommandLine|contains: 'encodedcommand'\n    condition: sel\n"));
        builder.add(
            compiled("    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n", "network_connection"));
        QCOMPARE(builder.size(), std::size_t(3));
        const RuleSet set = builder.build();
        QCOMPARE(builder.size(), std::size_t(0)); // the builder is left empty
        QCOMPARE(set.size(), std::size_t(3));

        std::vector<Event> events;
        for (int i = 0; i < 400; ++i)
            events.push_back(sysmon(i % 3 == 2 ? 3 : 1, i % 2 ? "C:\\Windows\\whoami.exe" : "C:\\Windows\\cmd.exe",
                                    i % 5 ? "x" : "powershell -EncodedCommand AAA"));
        std::vector<std::vector<std::size_t>> expected;
        for (const auto& e : events) {
            std::vector<std::size_t> direct;
            for (std::size_t r = 0; r < set.size(); ++r)
                if (set.at(r)->matches(e))
                    direct.push_back(r);
            expected.push_back(direct);
        }
        QVERIFY(std::any_of(expected.begin(), expected.end(), [](const auto& v) { return v.size() == 2; }));
        QVERIFY(std::any_of(expected.begin(), expected.end(),
                            [](const auto& v) { return v == std::vector<std::size_t>{2}; }));
        // The first match() calls come from several threads at once: nothing is built lazily.
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                std::vector<std::size_t> out;
                for (std::size_t i = 0; i < events.size(); ++i) {
                    set.match(events[i], out);
                    wrong += out != expected[i];
                }
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(wrong.load(), 0);

        const RuleSet empty;
        QCOMPARE(empty.size(), std::size_t(0));
        QVERIFY(empty.match(events[0]).empty());
    }

    void ahoCorasickFindsEveryLiteral()
    {
        engine::AhoCorasick ac;
        const std::uint32_t he = ac.add("he");
        const std::uint32_t she = ac.add("she");
        const std::uint32_t hers = ac.add("hers");
        const std::uint32_t exe = ac.add("\\whoami.exe");
        QCOMPARE(ac.add("she"), she); // one id per literal
        QCOMPARE(ac.literalCount(), std::size_t(4));
        ac.build();
        QVERIFY(!ac.empty());
        auto found = [&](const std::string& text) {
            std::set<std::uint32_t> ids;
            ac.scanInterleaved(text, [&](std::uint32_t id) { ids.insert(id); });
            return ids;
        };
        QCOMPARE(found("ushers"), (std::set<std::uint32_t>{he, she, hers}));
        // Upper-case ASCII is scanned as it is (the literals are folded).
        QCOMPARE(found("C:\\Windows\\System32\\WHOAMI.EXE"), (std::set<std::uint32_t>{exe}));
        QVERIFY(found("nothing to see").empty());
        // Long values are cut into stretches scanned together: a literal at any offset is found.
        for (std::size_t at = 0; at + 11 <= 300; at += 7) {
            std::string text(300, 'x');
            text.replace(at, 11, "\\whoami.exe");
            QVERIFY2(found(text).count(exe), qPrintable(QString::number(at)));
        }
    }
};

QTEST_GUILESS_MAIN(TestEngineRuleSet)
#include "tst_engine_ruleset.moc"
