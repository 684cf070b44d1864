// Marking events for a rule (the workbench's Test pane, through the core API): the manifest saved
// beside the rule, the events copied next to it, and the verdicts that follow.
#include "testsupport.h"

#include "events/reader.h"
#include "validation/manifest.h"
#include "validation/marking.h"
#include "validation/runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace sigma;

namespace {

std::vector<Event> readFixture(const char* name)
{
    ReadOptions o;
    o.keepOriginalXml = true;
    auto r = readEventsFile(
        sigmatest::dataPath(QStringLiteral("validation/events/") + QString::fromUtf8(name)).toStdString(), o);
    return std::move(r.events);
}

const Event& byRecord(const std::vector<Event>& events, std::uint64_t id)
{
    for (const auto& e : events)
        if (e.origin.recordId == id)
            return e;
    qFatal("no event %llu", static_cast<unsigned long long>(id));
}

} // namespace

class TestMarking : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void markSaveRun()
    {
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("whoami.yml"));
        QVERIFY(QFile::copy(sigmatest::dataPath(QStringLiteral("validation/fail/whoami_broad.yml")), rule));
        RuleTests group = openRuleTests(rule.toStdString());
        QVERIFY(group.expectations.empty());
        QCOMPARE(group.manifest, besideManifestPath(rule.toStdString()));

        const auto positive = readFixture("positive.xml");
        const auto benign = readFixture("benign.xml");
        const auto baseline = readFixture("baseline.xml");
        std::string error;
        QVERIFY2(markEvent(group, byRecord(positive, 201).xml(), 201u, ExpectationKind::Match, error), error.c_str());
        // 301 is whoami started by Explorer: the broad rule matches it, so marking it "must not match" fails.
        QVERIFY2(markEvent(group, byRecord(benign, 301).xml(), 301u, ExpectationKind::NoMatch, error), error.c_str());
        QVERIFY(markEvent(group, byRecord(baseline, 401).xml(), 401u, ExpectationKind::Baseline, error));
        QVERIFY(markEvent(group, byRecord(baseline, 403).xml(), 403u, ExpectationKind::Baseline, error));
        QCOMPARE(group.expectations.size(), std::size_t(3)); // one baseline file for both baseline events
        QCOMPARE(markOf(group, byRecord(benign, 301).xml(), 301u), std::optional(ExpectationKind::NoMatch));
        QCOMPARE(markOf(group, byRecord(baseline, 403).xml(), 403u), std::optional(ExpectationKind::Baseline));
        QVERIFY(!markOf(group, byRecord(benign, 302).xml(), 302u));
        QVERIFY2(saveRuleTests(group, error), error.c_str());

        // On disk: the manifest beside the rule, the events under tests/whoami/.
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("whoami.tests.yml"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/match-201.xml"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/no_match-301.xml"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/baseline.xml"))));

        auto found = discoverTests({rule.toStdString()});
        QCOMPARE(found.groups.size(), std::size_t(1));
        QCOMPARE(found.groups[0].expectations[1].file, std::string("tests/whoami/no_match-301.xml"));
        auto result = runRuleTests(found.groups[0]);
        QCOMPARE(result.expectations.size(), std::size_t(3));
        QVERIFY(result.expectations[0].passed());
        QCOMPARE(result.expectations[1].status, ExpectationResult::Status::Failed); // 301 matches
        QVERIFY(result.expectations[2].passed());                                   // notepad and cmd: no whoami
        QCOMPARE(result.expectations[2].events, std::size_t(2));

        // Edit the rule to exclude Explorer as the parent: the test turns green.
        QFile f(rule);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        text.replace("    condition: selection",
                     "    filter_explorer:\n        ParentImage|endswith: '\\explorer.exe'\n"
                     "    condition: selection and not filter_explorer");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        f.close();
        result = runRuleTests(discoverTests({rule.toStdString()}).groups[0]);
        QVERIFY2(result.passed(), formatText({result}).c_str());

        // Re-marking moves the event; unmarking removes entry and file.
        QVERIFY(markEvent(group, byRecord(benign, 301).xml(), 301u, ExpectationKind::Match, error));
        QCOMPARE(markOf(group, byRecord(benign, 301).xml(), 301u), std::optional(ExpectationKind::Match));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/no_match-301.xml"))));
        QVERIFY(unmarkEvent(group, byRecord(benign, 301).xml(), 301u));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/match-301.xml"))));
        QVERIFY(unmarkEvent(group, byRecord(baseline, 401).xml(), 401u));
        QVERIFY(unmarkEvent(group, byRecord(baseline, 403).xml(), 403u));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("tests/whoami/baseline.xml"))));
        QCOMPARE(group.expectations.size(), std::size_t(1));
        QVERIFY(!unmarkEvent(group, byRecord(baseline, 403).xml(), 403u));
    }

    void eventsWithoutRecordIdAreKeyedByContent()
    {
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("r.yml"));
        QVERIFY(QFile::copy(sigmatest::dataPath(QStringLiteral("validation/pass/whoami.yml")), rule));
        RuleTests group = openRuleTests(rule.toStdString());
        std::string error;
        const std::string a = "<Event><System><EventID>1</EventID></System></Event>";
        const std::string b = "<Event><System><EventID>2</EventID></System></Event>";
        QVERIFY(markEvent(group, a, std::nullopt, ExpectationKind::NoMatch, error));
        QVERIFY(markEvent(group, b, std::nullopt, ExpectationKind::NoMatch, error));
        QCOMPARE(group.expectations.size(), std::size_t(2));
        QVERIFY(group.expectations[0].file != group.expectations[1].file);
        QCOMPARE(markOf(group, a, std::nullopt), std::optional(ExpectationKind::NoMatch));
        QVERIFY(!markEvent(group, "   ", std::nullopt, ExpectationKind::Match, error));
    }

    // Looking up the marks of many events reads the baseline file once (issue 13: it was read again
    // for every event of the Test pane): a TestMarks keeps answering after the file is gone, and an
    // event with a record id is found without its XML.
    void marksAreReadOnceForManyEvents()
    {
        QTemporaryDir dir;
        const QString rule = dir.filePath(QStringLiteral("whoami.yml"));
        QVERIFY(QFile::copy(sigmatest::dataPath(QStringLiteral("validation/fail/whoami_broad.yml")), rule));
        RuleTests group = openRuleTests(rule.toStdString());
        const auto positive = readFixture("positive.xml");
        const auto benign = readFixture("benign.xml");
        const auto baseline = readFixture("baseline.xml");
        std::string error;
        QVERIFY(markEvent(group, byRecord(positive, 201).xml(), 201u, ExpectationKind::Match, error));
        QVERIFY(markEvent(group, byRecord(benign, 301).xml(), 301u, ExpectationKind::NoMatch, error));
        QVERIFY(markEvent(group, byRecord(baseline, 401).xml(), 401u, ExpectationKind::Baseline, error));
        QVERIFY(markEvent(group, byRecord(baseline, 403).xml(), 403u, ExpectationKind::Baseline, error));
        const std::string noId = "<Event><System><EventID>7</EventID></System></Event>";
        QVERIFY(markEvent(group, noId, std::nullopt, ExpectationKind::NoMatch, error));

        const TestMarks marks(group);
        QCOMPARE(marks.size(), std::size_t(5));
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("tests/whoami/baseline.xml"))));
        QCOMPARE(marks.ofRecord(201), std::optional(ExpectationKind::Match));
        QCOMPARE(marks.ofRecord(301), std::optional(ExpectationKind::NoMatch));
        QCOMPARE(marks.ofRecord(401), std::optional(ExpectationKind::Baseline));
        QCOMPARE(marks.ofRecord(403), std::optional(ExpectationKind::Baseline));
        QVERIFY(!marks.ofRecord(302));
        QCOMPARE(marks.ofXml(noId), std::optional(ExpectationKind::NoMatch));
        QVERIFY(!marks.ofXml("<Event><System><EventID>8</EventID></System></Event>"));
        // markOf reads the files again: the baseline events are no longer marked.
        QVERIFY(!markOf(group, byRecord(baseline, 401).xml(), 401u));
        QVERIFY(TestMarks(RuleTests{}).empty());
    }
    void folderManifestsAboveTheRule_data()
    {
        QTest::addColumn<QString>("manifestAt"); // folder of the manifest, relative to the workspace
        QTest::addColumn<bool>("gitBetween");    // a .git folder between the rule and the manifest
        QTest::addColumn<int>("expectations");
        QTest::newRow("same folder") << QStringLiteral("rules") << false << 2;
        QTest::newRow("parent folder") << QString() << false << 2;
        QTest::newRow("above the repository") << QString() << true << 0;
    }

    void folderManifestsAboveTheRule()
    {
        QFETCH(QString, manifestAt);
        QFETCH(bool, gitBetween);
        QFETCH(int, expectations);
        QTemporaryDir ws;
        QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("repo/rules/.keep")));
        if (gitBetween)
            QVERIFY(QDir(ws.path()).mkpath(QStringLiteral("repo/.git")));
        const QString rule = ws.filePath(QStringLiteral("repo/rules/a.yml"));
        QVERIFY(sigmatest::writeFile(rule, "title: a\n"));
        const QString manifestDir =
            manifestAt.isEmpty() ? ws.path() : ws.filePath(QStringLiteral("repo/") + manifestAt);
        const QString ruleFromManifest = QDir(manifestDir).relativeFilePath(rule);
        QVERIFY(
            sigmatest::writeFile(manifestDir + QStringLiteral("/suite.tests.yml"), "tests:\n"
                                                                                   "  - rule: " +
                                                                                       ruleFromManifest.toUtf8() +
                                                                                       "\n"
                                                                                       "    match:\n"
                                                                                       "      - file: ev.xml\n"
                                                                                       "        record_ids: [7, 8]\n"
                                                                                       "    no_match:\n"
                                                                                       "      - file: other.xml\n"
                                                                                       "  - rule: b.yml\n"
                                                                                       "    no_match:\n"
                                                                                       "      - file: ev.xml\n"));
        const FoundRuleTests found = findRuleTests(rule.toStdString());
        QCOMPARE(int(found.group.expectations.size()), expectations);
        QCOMPARE(found.group.manifest, besideManifestPath(rule.toStdString())); // marks go beside the rule
        if (expectations == 0) {
            QVERIFY(found.sources.empty());
            return;
        }
        QCOMPARE(found.sources.size(), std::size_t(1));
        // Whole-file entries mark the file's events: listed record ids must match, the rest must not.
        const TestMarks marks(found.group);
        const std::string ev = TestMarks::fileKeyOf(manifestDir.toStdString() + "/ev.xml");
        const std::string other = TestMarks::fileKeyOf(manifestDir.toStdString() + "/./other.xml");
        QCOMPARE(marks.ofFileEvent(ev, 7u), std::optional(ExpectationKind::Match));
        QCOMPARE(marks.ofFileEvent(ev, 9u), std::optional(ExpectationKind::NoMatch));
        QCOMPARE(marks.ofFileEvent(ev, std::nullopt), std::optional(ExpectationKind::NoMatch));
        QCOMPARE(marks.ofFileEvent(other, 7u), std::optional(ExpectationKind::NoMatch));
        QVERIFY(!marks.ofFileEvent(TestMarks::fileKeyOf("/nowhere.xml"), 7u));
    }
};

QTEST_GUILESS_MAIN(TestMarking)
#include "tst_marking.moc"
