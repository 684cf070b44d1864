// Edit impact (corpus/impact.h) on the fixture in tests/data/impact/: two versions of a rule over
// eight events whose verdicts are known by hand (README of the fixture: events.xml's comment).
#include "corpus/corpus.h"
#include "corpus/impact.h"
#include "events/reader.h"
#include "util/fileio.h"

#include "testsupport.h"

#include <QTest>

using namespace sigma;

namespace {

std::string fixture(const char* name)
{
    return sigmatest::dataPath(QStringLiteral("impact/") + QLatin1String(name)).toStdString();
}

ImpactInput input(const char* name)
{
    ImpactInput in;
    in.file = fixture(name);
    std::string error;
    if (!readWholeFile(in.file, in.text, error))
        qWarning("%s", error.c_str());
    return in;
}

const EventList& events()
{
    static const EventList list(readEventsFile(fixture("events.xml")).events);
    return list;
}

/// "+3 +7 -4": each changed event by its record id, + now matched, - no longer.
QString changesText(const ImpactResult& r)
{
    QStringList out;
    for (const auto& c : r.changes)
        out << (c.nowMatches() ? QStringLiteral("+") : QStringLiteral("-")) +
                   QString::number(events()[c.event].origin.recordId.value_or(0));
    return out.join(QLatin1Char(' '));
}

QString count(const std::optional<std::size_t>& n)
{
    return n ? QString::number(*n) : QStringLiteral("-");
}

/// One line per indicator: "added Image|ends_with|\net.exe 1 -> 1" (hits before -> after).
QString indicatorsText(const ImpactResult& r, bool reach)
{
    QStringList out;
    for (const auto& i : r.indicators) {
        const auto& ind = i.indicator;
        out << QStringLiteral("%1 %2|%3|%4 %5->%6")
                   .arg(QLatin1String(indicatorChangeKindName(i.change)), QString::fromStdString(ind.field),
                        QLatin1String(indicatorKindName(ind.kind)), QString::fromStdString(ind.value),
                        reach ? count(i.reachBefore) : count(i.hitsBefore),
                        reach ? count(i.reachAfter) : count(i.hitsAfter));
    }
    return out.join(QStringLiteral("; "));
}

} // namespace

class TestImpact : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QCOMPARE(events().size(), std::size_t(8)); }

    void verdictsAndHits_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<bool>("beforeCompiled");
        QTest::addColumn<bool>("afterCompiled");
        QTest::addColumn<int>("matchesBefore");
        QTest::addColumn<int>("matchesAfter");
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("removed");
        QTest::addColumn<QString>("changes");
        QTest::addColumn<QString>("indicators");

        // The acceptance case: net.exe and net1.exe by jdoe come in, HOSTNAME.EXE goes.
        QTest::newRow("edit: +2/-1") << "old.yml"
                                     << "new.yml" << true << true << 2 << 3 << 2 << 1 << "+3 -4 +7"
                                     << "same Image|ends_with|\\whoami.exe 3->3; added Image|ends_with|\\net.exe -->1; "
                                        "added Image|ends_with|\\net1.exe -->1; same User|contains|jdoe 4->4; "
                                        "removed Image|ends_with|\\hostname.exe 1->-";
        QTest::newRow("no edit") << "old.yml"
                                 << "old.yml" << true << true << 2 << 2 << 0 << 0 << ""
                                 << "same Image|ends_with|\\whoami.exe 3->3; same Image|ends_with|\\hostname.exe "
                                    "1->1; same User|contains|jdoe 4->4";
        QTest::newRow("reverse edit: +1/-2")
            << "new.yml"
            << "old.yml" << true << true << 3 << 2 << 1 << 2 << "-3 +4 -7"
            << "same Image|ends_with|\\whoami.exe 3->3; added Image|ends_with|\\hostname.exe -->1; "
               "same User|contains|jdoe 4->4; removed Image|ends_with|\\net.exe 1->-; "
               "removed Image|ends_with|\\net1.exe 1->-";
        // A filter vetoes record 1 ("whoami /all"); its indicator is new and excludes.
        QTest::newRow("filter added: -1")
            << "old.yml"
            << "filter.yml" << true << true << 2 << 1 << 0 << 1 << "-1"
            << "same Image|ends_with|\\whoami.exe 3->3; same Image|ends_with|\\hostname.exe 1->1; "
               "same User|contains|jdoe 4->4; added CommandLine|contains|/all -->1";
        // Another log source: no event in scope, every indicator's hits fall to 0 (changed).
        QTest::newRow("log source changed: -2")
            << "old.yml"
            << "other-logsource.yml" << true << true << 2 << 0 << 0 << 2 << "-1 -4"
            << "changed Image|ends_with|\\whoami.exe 3->0; changed Image|ends_with|\\hostname.exe 1->0; "
               "changed User|contains|jdoe 4->0";
        // A version that does not compile matches nothing and has no indicators.
        QTest::newRow("new version broken") << "old.yml"
                                            << "broken.yml" << true << false << 2 << 0 << 0 << 2 << "-1 -4"
                                            << "removed Image|ends_with|\\whoami.exe 3->-; removed "
                                               "Image|ends_with|\\hostname.exe 1->-; removed User|contains|jdoe 4->-";
    }

    void verdictsAndHits()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(bool, beforeCompiled);
        QFETCH(bool, afterCompiled);
        QFETCH(int, matchesBefore);
        QFETCH(int, matchesAfter);
        QFETCH(int, added);
        QFETCH(int, removed);
        QFETCH(QString, changes);
        QFETCH(QString, indicators);
        bool cancelled = true;
        const ImpactResult r =
            computeImpact(input(qPrintable(before)), input(qPrintable(after)), events(), {}, nullptr, &cancelled);
        QVERIFY(!cancelled);
        QCOMPARE(r.beforeCompiled, beforeCompiled);
        QCOMPARE(r.afterCompiled, afterCompiled);
        QCOMPARE(r.events, std::size_t(8));
        QCOMPARE(int(r.matchesBefore), matchesBefore);
        QCOMPARE(int(r.matchesAfter), matchesAfter);
        QCOMPARE(int(r.added), added);
        QCOMPARE(int(r.removed), removed);
        QCOMPARE(changesText(r), changes);
        QCOMPARE(indicatorsText(r, false), indicators);
        QVERIFY(r.hitsCounted);
        QVERIFY(!r.reachCounted);
        QCOMPARE(hasErrors(r.diagnostics), !r.afterCompiled);
    }

    /// Corpus reach: rules of the corpus using each indicator, other than the rule's own file.
    void reach()
    {
        const Corpus corpus = Corpus::load(std::filesystem::path(fixture("corpus")));
        QCOMPARE(corpus.rules().size(), std::size_t(2));
        ImpactResult r = computeImpact(input("old.yml"), input("new.yml"), events(), {}, &corpus);
        QVERIFY(r.reachCounted);
        QCOMPARE(indicatorsText(r, true),
                 QStringLiteral("same Image|ends_with|\\whoami.exe 2->2; added Image|ends_with|\\net.exe -->1; "
                                "added Image|ends_with|\\net1.exe -->0; same User|contains|jdoe 1->1; "
                                "removed Image|ends_with|\\hostname.exe 0->-"));
        // The rule edited is itself in the corpus: its own file is not counted.
        ImpactInput inCorpus = input("new.yml");
        inCorpus.file = fixture("corpus/net.yml");
        r = computeImpact(input("old.yml"), inCorpus, events(), {}, &corpus);
        QCOMPARE(indicatorsText(r, true),
                 QStringLiteral("same Image|ends_with|\\whoami.exe 1->1; added Image|ends_with|\\net.exe -->0; "
                                "added Image|ends_with|\\net1.exe -->0; same User|contains|jdoe 1->1; "
                                "removed Image|ends_with|\\hostname.exe 0->-"));
    }

    /// Without baseline counts the indicators are still compared; a use that changes (`not`) is a change.
    void withoutHits()
    {
        ImpactOptions options;
        options.baseline = false;
        const ImpactResult r = computeImpact(input("old.yml"), input("new.yml"), events(), options);
        QVERIFY(!r.hitsCounted);
        QCOMPARE(int(r.added), 2);
        QCOMPARE(int(r.removed), 1);
        QCOMPARE(int(r.indicatorsChanged()), 3);
        QCOMPARE(indicatorsText(r, false),
                 QStringLiteral("same Image|ends_with|\\whoami.exe -->-; added Image|ends_with|\\net.exe -->-; "
                                "added Image|ends_with|\\net1.exe -->-; same User|contains|jdoe -->-; "
                                "removed Image|ends_with|\\hostname.exe -->-"));
    }

    /// A version counted without hits (the GUI's pane out of view) compares without hits: no
    /// indicator is "changed" for it.
    void mixedHits()
    {
        ImpactOptions withHits, without;
        without.baseline = false;
        ImpactSide before, after;
        QVERIFY(evaluateImpactSide(input("old.yml").text, fixture("old.yml"), events(), withHits, before));
        QVERIFY(evaluateImpactSide(input("old.yml").text, fixture("old.yml"), events(), without, after));
        const ImpactResult r = compareImpact(before, after);
        QVERIFY(!r.hitsCounted);
        QCOMPARE(int(r.indicatorsChanged()), 0);
        QCOMPARE(indicatorsText(r, false),
                 QStringLiteral("same Image|ends_with|\\whoami.exe -->-; same Image|ends_with|\\hostname.exe -->-; "
                                "same User|contains|jdoe -->-"));
    }

    void cancelled()
    {
        std::atomic<bool> cancel{true};
        ImpactOptions options;
        options.cancel = &cancel;
        bool wasCancelled = false;
        const ImpactResult r =
            computeImpact(input("old.yml"), input("new.yml"), events(), options, nullptr, &wasCancelled);
        QVERIFY(wasCancelled);
        QCOMPARE(int(r.changes.size()), 0);
    }
};

QTEST_GUILESS_MAIN(TestImpact)
#include "tst_impact.moc"
