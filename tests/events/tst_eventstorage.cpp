// Compact event storage (issue 18): values in one buffer per event, values repeated among the events
// of a file stored once (shareRepeatedValues()), read the same as before, edited, copied and cleared.
#include "eventtestutil.h"
#include "testsupport.h"

#include "events/eventlist.h"
#include "events/reader.h"

#include <QTest>

#include <set>

using namespace sigma;
using namespace eventtest;

namespace {

std::vector<QStringList> linesOf(const std::vector<Event>& events)
{
    std::vector<QStringList> out;
    for (const auto& e : events)
        out.push_back(fieldLines(e));
    return out;
}

std::size_t ownBytes(const std::vector<Event>& events)
{
    std::size_t n = 0;
    for (const auto& e : events)
        n += e.textCapacity();
    return n;
}

} // namespace

class TestEventStorage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sharedValuesReadTheSame_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("block");
        QTest::addColumn<bool>("repeats"); ///< some value occurs twice
        QTest::newRow("Event XML, one block") << QStringLiteral("events/mixed.xml") << 0 << true;
        QTest::newRow("Event XML, blocks of 5") << QStringLiteral("events/mixed.xml") << 5 << true;
        QTest::newRow("JSON Lines, nothing repeated") << QStringLiteral("events/flat.jsonl") << 0 << false;
        QTest::newRow("winlogbeat JSON, one event") << QStringLiteral("events/winlogbeat.json") << 0 << false;
    }
    void sharedValuesReadTheSame()
    {
        QFETCH(QString, file);
        QFETCH(int, block);
        QFETCH(bool, repeats);
        ReadResult read = readEventsFile(sigmatest::dataPath(file).toStdString());
        QVERIFY2(!read.events.empty(), qPrintable(diagnosticsText(read)));
        const auto before = linesOf(read.events);
        const QString provider = str(read.events.front().provider());
        const std::size_t ownBefore = ownBytes(read.events);
        const std::size_t saved = shareRepeatedValues(read.events, std::size_t(block));
        QCOMPARE(linesOf(read.events), before);
        QCOMPARE(str(read.events.front().provider()), provider);
        QCOMPARE(saved > 0, repeats);
        QCOMPARE(ownBytes(read.events) < ownBefore, repeats);
        QCOMPARE(read.events.front().sharedText() != nullptr, repeats);
        // Sharing again changes nothing either.
        shareRepeatedValues(read.events, std::size_t(block));
        QCOMPARE(linesOf(read.events), before);
    }

    void repeatedValuesStoredOnce()
    {
        ReadResult read = readEventsFile(sigmatest::dataPath(QStringLiteral("events/mixed.xml")).toStdString());
        QVERIFY(read.events.size() >= 3);
        shareRepeatedValues(read.events);
        // Every event of the file shares one text; equal values are one piece of memory.
        std::set<const std::string*> texts;
        std::set<const char*> channels;
        std::size_t withChannel = 0;
        for (const auto& e : read.events) {
            texts.insert(e.sharedText().get());
            for (const auto& f : e.fields)
                if (FieldNames::text(f.name) == "Channel" && e.text(f) == "Security") {
                    channels.insert(e.text(f).data());
                    ++withChannel;
                }
        }
        QCOMPARE(texts.size(), std::size_t(1));
        QVERIFY(*texts.begin() != nullptr);
        QVERIFY(withChannel >= 2);
        QCOMPARE(channels.size(), std::size_t(1));
    }

    void uniqueValuesStayOwn()
    {
        std::vector<Event> events(2);
        events[0].add("Image", "C:\\a.exe");
        events[0].add("User", "alice");
        events[1].add("Image", "C:\\b.exe");
        events[1].add("User", "alice");
        shareRepeatedValues(events);
        for (const auto& e : events) {
            QCOMPARE(e.textSize(), std::size_t(8)); // the image only
            QCOMPARE(e.textCapacity(), std::size_t(8));
            QCOMPARE(e.value("User").value_or(""), std::string_view("alice"));
        }
        QCOMPARE(events[1].value("Image").value_or(""), std::string_view("C:\\b.exe"));
        // Nothing repeated: nothing shared.
        std::vector<Event> single(1);
        single[0].add("Image", "C:\\a.exe");
        single[0].add("ParentImage", "C:\\a.exe"); // repeated within one event: shared too
        QCOMPARE(shareRepeatedValues(single), std::size_t(8));
        QCOMPARE(single[0].textSize(), std::size_t(0));
        std::vector<Event> none(1);
        none[0].add("Image", "C:\\a.exe");
        QCOMPARE(shareRepeatedValues(none), std::size_t(0));
        QVERIFY(!none[0].sharedText());
    }

    // EventList (issue 18: loading more files must not copy the events loaded): a list made from
    // another shares its segments (the same Event objects), reads in order across segments by
    // index and by iterator, and a change to either list never shows in the other.
    void eventListSharesSegments()
    {
        const auto make = [](int from, int count) {
            std::vector<Event> v;
            for (int i = from; i < from + count; ++i) {
                Event e;
                e.add("N", std::to_string(i));
                v.push_back(std::move(e));
            }
            return v;
        };
        EventList first(make(0, 3));
        const Event* kept = &first[1];
        EventList second;
        second.append(first);
        second.append(make(3, 4));
        second.append(std::vector<Event>{}); // no empty segment
        QCOMPARE(second.size(), std::size_t(7));
        QCOMPARE(second.segmentCount(), std::size_t(2));
        QCOMPARE(&second[1], kept); // shared, not copied
        std::vector<std::string> byIndex, byIterator;
        for (std::size_t i = 0; i < second.size(); ++i)
            byIndex.emplace_back(*second[i].value("N"));
        for (const Event& e : second)
            byIterator.emplace_back(*e.value("N"));
        const std::vector<std::string> expected{"0", "1", "2", "3", "4", "5", "6"};
        QCOMPARE(byIndex, expected);
        QCOMPARE(byIterator, expected);
        QCOMPARE(std::string(*(second.begin() + 5)->value("N")), std::string("5"));
        QCOMPARE(second.end() - second.begin(), std::ptrdiff_t(7));
        QCOMPARE(std::string(*second.back().value("N")), std::string("6"));

        // push_back on a list whose last segment another list shares: a segment of its own.
        EventList third = second;
        Event extra;
        extra.add("N", "7");
        third.push_back(extra);
        QCOMPARE(third.size(), std::size_t(8));
        QCOMPARE(second.size(), std::size_t(7));
        QCOMPARE(third.segmentCount(), std::size_t(3));
        third.push_back(extra); // its own last segment now: no new one
        QCOMPARE(third.segmentCount(), std::size_t(3));
        QCOMPARE(&third[1], kept);

        // A borrowed vector is viewed, never written: push_back starts a segment of its own.
        const std::vector<Event> mine = make(10, 2);
        EventList view = EventList::borrow(mine);
        QCOMPARE(&view[1], &mine[1]);
        view.push_back(extra);
        QCOMPARE(mine.size(), std::size_t(2));
        QCOMPARE(view.size(), std::size_t(3));
        QVERIFY(EventList::borrow(std::vector<Event>{}).empty());
    }

    void editCopyAndClearAfterSharing()
    {
        std::vector<Event> events(3);
        for (auto& e : events) {
            e.add("Channel", "Security");
            e.add("EventID", "4688");
        }
        events[2].add("EventID", "4624"); // a second value of the field
        shareRepeatedValues(events);
        QCOMPARE(events[0].textSize(), std::size_t(0));
        // Changed and added values go to the event's own text; the others still read shared.
        Event copy = events[1];
        events[1].setValue(1, "1");
        events[1].add("Extra", "Security");
        QCOMPARE(fieldLines(events[1]), L("Channel=Security", "EventID=1", "Extra=Security"));
        QCOMPARE(fieldLines(copy), L("Channel=Security", "EventID=4688"));
        QCOMPARE(values(events[2], "EventID"), L("4688", "4624"));
        // A moved event keeps its views.
        const std::string_view channel = *events[0].value("Channel");
        Event moved = std::move(events[0]);
        QCOMPARE(moved.value("Channel")->data(), channel.data());
        moved.clear();
        QVERIFY(!moved.sharedText());
        moved.add("Channel", "System");
        QCOMPARE(fieldLines(moved), L("Channel=System"));
        QCOMPARE(fieldLines(events[2]), L("Channel=Security", "EventID=4688", "EventID=4624"));
    }
};

QTEST_GUILESS_MAIN(TestEventStorage)
#include "tst_eventstorage.moc"
