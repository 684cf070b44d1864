// core/live: a file holding correlations evaluated live (the Correlations pane's rows), without Qt
// in the code under test: each group's firing windows, or its fullest window when it did not fire,
// with the contributing events as positions in the event list. Values computed by hand from the
// sample events (resources/samples/correlations/security-logons.xml, 22 events).
#include "live/correlationlive.h"
#include "live/evaluator.h"

#include "events/reader.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {
std::string samplePath(const char* relative)
{
    return QDir(sigmatest::dataPath(QStringLiteral("../../resources/samples/correlations/") +
                                    QString::fromUtf8(relative)))
        .absolutePath()
        .toStdString();
}

sigma::EventListPtr logons()
{
    const auto read = sigma::readEventsFile(samplePath("security-logons.xml"));
    return std::make_shared<sigma::EventList>(read.events);
}

std::string bruteForceText()
{
    std::string text;
    QFile file(QString::fromStdString(samplePath("mr_win_security_brute_force_then_logon.yml")));
    if (file.open(QIODevice::ReadOnly))
        text = file.readAll().toStdString();
    return text;
}

/// "0-4,6": the rows' event positions as ranges.
QString positions(const sigma::LiveCorrelationRow& row)
{
    QStringList parts;
    for (std::size_t i = 0; i < row.events.size();) {
        std::size_t j = i;
        while (j + 1 < row.events.size() && row.events[j + 1].first == row.events[j].first + 1)
            ++j;
        parts << (i == j ? QString::number(row.events[i].first)
                         : QStringLiteral("%1-%2").arg(row.events[i].first).arg(row.events[j].first));
        i = j + 1;
    }
    return parts.join(QLatin1Char(','));
}
} // namespace

class TestLiveCorrelation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rows_data()
    {
        QTest::addColumn<QString>("correlation"); // name
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("fired");
        QTest::addColumn<QString>("events");
        // Five failures in 10 minutes fire at the fifth (13:01:20); the sixth starts a new window.
        QTest::newRow("count .50 fires") << "many_failed_network_logons"
                                         << "203.0.113.50"
                                         << "13:00:00"
                                         << "13:01:20" << 5.0 << true << "0-4";
        QTest::newRow("count .99 fires") << "many_failed_network_logons"
                                         << "192.0.2.99"
                                         << "13:06:40"
                                         << "13:07:00" << 5.0 << true << "10-14";
        QTest::newRow("count .77 fires") << "many_failed_network_logons"
                                         << "203.0.113.77"
                                         << "13:10:10"
                                         << "13:10:22" << 5.0 << true << "17-21";
        // Two failures only: its fullest window, below the threshold.
        QTest::newRow("count .7 misses") << "many_failed_network_logons"
                                         << "198.51.100.7"
                                         << "13:05:00"
                                         << "13:05:15" << 2.0 << false << "7-8";
        // The burst (ended 13:01:20) then the success at 13:02:40: both in order.
        QTest::newRow("ordered .50 fires") << ""
                                           << "203.0.113.50"
                                           << "13:01:20"
                                           << "13:02:40" << 2.0 << true << "0-4,6";
        // A burst and no success: one of two.
        QTest::newRow("ordered .99 misses") << ""
                                            << "192.0.2.99"
                                            << "13:07:00"
                                            << "13:07:00" << 1.0 << false << "10-14";
        // A success without a burst: none found in order.
        QTest::newRow("ordered .7 misses") << ""
                                           << "198.51.100.7"
                                           << "13:05:40"
                                           << "13:05:40" << 0.0 << false << "9";
        // The success came before the burst: the order is wrong, one of two.
        QTest::newRow("ordered .77 misses") << ""
                                            << "203.0.113.77"
                                            << "13:10:00"
                                            << "13:10:22" << 1.0 << false << "16-21";
    }

    void rows()
    {
        QFETCH(QString, correlation);
        QFETCH(QString, group);
        QFETCH(QString, start);
        QFETCH(QString, end);
        QFETCH(double, value);
        QFETCH(bool, fired);
        QFETCH(QString, events);
        const sigma::EventListPtr list = logons();
        QCOMPARE(list->size(), std::size_t(22));
        sigma::LiveRequest request;
        request.text = bruteForceText();
        request.file = "brute.yml";
        request.events = list;
        sigma::LiveResult result;
        QVERIFY(sigma::evaluateLive(request, result));
        QVERIFY(result.correlation);
        const sigma::LiveCorrelation& live = *result.correlation;
        QCOMPARE(live.unit->correlations().size(), std::size_t(2));
        QCOMPARE(live.rows.size(), std::size_t(8));
        // Every event matches one of the two base rules: the verdicts are their union.
        QCOMPARE(result.matches, std::size_t(22));
        QCOMPARE(live.hits.size(), std::size_t(22));

        const sigma::LiveCorrelationRow* found = nullptr;
        for (const auto& row : live.rows) {
            const auto& c = live.unit->correlations()[row.correlation];
            if (c.doc.name == correlation.toStdString() && row.group.size() == 1 &&
                row.group[0].second == group.toStdString())
                found = &row;
        }
        QVERIFY(found);
        QCOMPARE(found->group[0].first, std::string("IpAddress"));
        QCOMPARE(QString::fromStdString(sigma::formatEventTime(found->start)).mid(11, 8), start);
        QCOMPARE(QString::fromStdString(sigma::formatEventTime(found->end)).mid(11, 8), end);
        QVERIFY(found->value);
        QCOMPARE(*found->value, value);
        QCOMPARE(found->fired, fired);
        QCOMPARE(positions(*found), events);
        QCOMPARE(found->eventCount, found->events.size());
    }

    void rowsFollowTheText()
    {
        // Lowering the threshold to 2 makes the two failures from .7 fire: the rows follow an edit.
        std::string text = bruteForceText();
        const std::string from = "gte: 5";
        text.replace(text.find(from), from.size(), "gte: 2");
        sigma::LiveRequest request;
        request.text = text;
        request.file = "brute.yml";
        request.events = logons();
        sigma::LiveResult result;
        QVERIFY(sigma::evaluateLive(request, result));
        QVERIFY(result.correlation);
        std::size_t fired = 0;
        for (const auto& row : result.correlation->rows)
            fired += row.fired && row.group[0].second == "198.51.100.7";
        QCOMPARE(fired, std::size_t(2)); // the count and then the ordered correlation
    }

    void anEditReusesTheOtherRulesVerdicts()
    {
        // The edited base rule keeps its scope rows (same log source); the other rule is unchanged.
        sigma::LiveRequest request;
        request.text = bruteForceText();
        request.file = "brute.yml";
        request.events = logons();
        auto first = std::make_shared<sigma::LiveResult>();
        QVERIFY(sigma::evaluateLive(request, *first));
        const std::string from = "EventID: 4624";
        request.text.replace(request.text.find(from), from.size(), "EventID: 4648");
        request.previous = first;
        sigma::LiveResult second;
        QVERIFY(sigma::evaluateLive(request, second));
        QVERIFY(second.correlation);
        QCOMPARE(second.correlation->ruleVerdicts.size(), std::size_t(2));
        // The edited rule: evaluated again on its previous scope rows. The other one: its text did
        // not change, so its verdicts are the first evaluation's, not recomputed.
        const auto& edited = second.correlation->ruleVerdicts[1];
        const auto& same = second.correlation->ruleVerdicts[0];
        QVERIFY2(!edited.reused && edited.verdicts->scopeReused, edited.identity.c_str());
        QVERIFY2(same.reused, same.identity.c_str());
        QCOMPARE(same.verdicts.get(), first->correlation->ruleVerdicts[0].verdicts.get());
        // No success any more: nothing of the ordered correlation fires, the counts still do.
        std::size_t fired = 0;
        for (const auto& row : second.correlation->rows)
            fired += row.fired ? 1 : 0;
        QCOMPARE(fired, std::size_t(3));
        QCOMPARE(second.matches, std::size_t(19));
    }

    // Each matched event's time is read once: the next evaluation of the same events (an edit)
    // takes it from the previous one. An event without a usable time is remembered as such and
    // still counted as untimed; the rows are those of a first evaluation.
    void eventTimesAreReadOnceAndKept()
    {
        std::vector<sigma::Event> copy(logons()->begin(), logons()->end());
        const auto timeKey = sigma::FieldNames::internKey("TimeCreated_SystemTime");
        sigma::Event& untimed = copy[3];
        for (std::size_t i = 0; i < untimed.fields.size(); ++i)
            if (untimed.fields[i].key == timeKey)
                untimed.setValue(i, "not a time");
        const auto events = std::make_shared<sigma::EventList>(std::move(copy));
        sigma::LiveRequest request;
        request.text = bruteForceText();
        request.file = "brute.yml";
        request.events = events;
        auto first = std::make_shared<sigma::LiveResult>();
        QVERIFY(sigma::evaluateLive(request, *first));
        QVERIFY(first->correlation && first->correlation->eventTimes);
        const auto& times = *first->correlation->eventTimes;
        QCOMPARE(times.size(), events->size());
        for (std::size_t i = 0; i < times.size(); ++i) {
            const auto expected = sigma::parseEventTime((*events)[i].time());
            if (i == 3)
                QCOMPARE(times[i], sigma::LiveCorrelation::kNoTime);
            else // every logon matches a base rule (22 matches)
                QCOMPARE(times[i], expected.value_or(-1));
        }
        QCOMPARE(first->correlation->untimed, std::size_t(1));
        // An edit that changes nothing the correlations read: the times come from the first
        // evaluation (its values, a copy), the rows are the same.
        request.text += "# edited\n";
        request.previous = first;
        sigma::LiveResult second;
        QVERIFY(sigma::evaluateLive(request, second));
        QVERIFY(second.correlation->eventTimes != first->correlation->eventTimes);
        QCOMPARE(*second.correlation->eventTimes, times);
        QCOMPARE(second.correlation->untimed, std::size_t(1));
        const auto& a = first->correlation->rows;
        const auto& b = second.correlation->rows;
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].group, a[i].group);
            QCOMPARE(b[i].fired, a[i].fired);
            QCOMPARE(b[i].start, a[i].start);
            QCOMPARE(b[i].events, a[i].events);
        }
        // Other events: read afresh, not taken from a result of different events.
        request.events = logons();
        sigma::LiveResult third;
        QVERIFY(sigma::evaluateLive(request, third));
        QCOMPARE(third.correlation->untimed, std::size_t(0));
        QVERIFY((*third.correlation->eventTimes)[3] != sigma::LiveCorrelation::kNoTime);
    }

    // A file holding only correlations: the rules it references come from the rule files of its
    // folder (not sub-folders), as `sigmawb match -r FOLDER` resolves them. The results are those of
    // the one-file sample, whose documents the two files split.
    void baseRulesFromSiblingFiles_data()
    {
        QTest::addColumn<bool>("inFolder");
        QTest::addRow("file in a folder: siblings read") << true;
        QTest::addRow("file without a folder: nothing resolved") << false;
    }
    void baseRulesFromSiblingFiles()
    {
        QFETCH(bool, inFolder);
        const std::string whole = bruteForceText();
        const std::size_t rulesAt = whole.find("---\ntitle: Failed Network Logon");
        QVERIFY(rulesAt != std::string::npos);
        const std::string correlations = whole.substr(0, rulesAt);
        const std::string rules = whole.substr(rulesAt + 4);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto write = [&](const char* name, const std::string& text) {
            QFile f(dir.filePath(QString::fromUtf8(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.data(), qint64(text.size()));
        };
        write("rules.yml", rules);
        write("unrelated.yaml", "title: Unrelated\nname: unrelated\nlogsource:\n    product: windows\n"
                                "detection:\n    selection:\n        EventID: 1\n    condition: selection\n");
        write("broken.yml", "title: [unclosed\n");
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("sub")));
        write("sub/other.yml", rules); // sub-folders are not read
        write("corr.yml", correlations);

        sigma::LiveRequest request;
        request.text = correlations;
        request.file = inFolder ? dir.filePath(QStringLiteral("corr.yml")).toStdString() : std::string("corr.yml");
        request.events = logons();
        sigma::LiveResult split;
        QVERIFY(sigma::evaluateLive(request, split));
        QVERIFY(split.correlation);
        if (!inFolder) {
            // The references are the text's errors; nothing stands for its rule.
            QVERIFY(!split.ok());
            QVERIFY(std::any_of(split.diagnostics.begin(), split.diagnostics.end(), [](const sigma::Diagnostic& d) {
                return d.code == "unknown-correlation-rule" && d.file == "corr.yml";
            }));
            QVERIFY(split.correlation->companionFiles.empty());
            QVERIFY(split.correlation->rows.empty());
            QCOMPARE(split.correlation->unit->correlations().size(), std::size_t(0)); // unknown rules
            return;
        }
        QCOMPARE(split.correlation->companionFiles,
                 std::vector<std::string>{dir.filePath(QStringLiteral("rules.yml")).toStdString()});
        QCOMPARE(split.correlation->ruleVerdicts.size(), std::size_t(2)); // not the unrelated rule
        QVERIFY(split.ok()); // no "no-rule" error: its first base rule stands for it
        QCOMPARE(split.compiled->file(), dir.filePath(QStringLiteral("rules.yml")).toStdString());
        QVERIFY(!sigma::hasErrors(split.diagnostics));

        request.text = whole;
        request.file = "whole.yml";
        sigma::LiveResult one;
        QVERIFY(sigma::evaluateLive(request, one));
        QCOMPARE(split.matches, one.matches);
        QCOMPARE(split.correlation->rows.size(), one.correlation->rows.size());
        for (std::size_t i = 0; i < one.correlation->rows.size(); ++i) {
            const auto& a = split.correlation->rows[i];
            const auto& b = one.correlation->rows[i];
            QCOMPARE(a.fired, b.fired);
            QCOMPARE(a.group, b.group);
            QCOMPARE(positions(a), positions(b));
        }
    }

    void ruleFilesHaveNoCorrelation()
    {
        sigma::LiveRequest request;
        request.text = "title: Failed\nlogsource:\n    product: windows\n    service: security\n"
                       "detection:\n    selection:\n        EventID: 4625\n    condition: selection\n";
        request.file = "failed.yml";
        request.events = logons();
        sigma::LiveResult result;
        QVERIFY(sigma::evaluateLive(request, result));
        QVERIFY(!result.correlation);
        QCOMPARE(result.matches, std::size_t(19)); // the 4625 events
    }
};

QTEST_GUILESS_MAIN(TestLiveCorrelation)
#include "tst_live_correlation.moc"
