// core/live/rulefromevent: a new rule from ticked fields of events (the workbench's "New rule from
// selection", `sigmawb rule-from-event`). Expected rules are whole files under
// tests/data/fromevent/; each must lint without warnings and match exactly its source events.
#include "live/analysis.h"
#include "live/rulefromevent.h"

#include "events/reader.h"

#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

const char* const Id = "11111111-2222-4333-8444-555555555555";
const char* const Date = "2026-12-03";

std::vector<sigma::Event> fixtureEvents()
{
    const auto read = sigma::readEventsFile(sigmatest::dataPath(QStringLiteral("fromevent/events.xml")).toStdString());
    return read.events;
}

std::vector<std::string> split(const QString& list)
{
    std::vector<std::string> out;
    for (const QString& s : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out.push_back(s.toStdString());
    return out;
}

QString fileText(const QString& relative)
{
    QFile f(sigmatest::dataPath(relative));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

/// Warnings and errors of the analysed rule, one per line ("" when it lints clean).
QString problems(const sigma::RuleAnalysis& analysis)
{
    QStringList out;
    for (const auto& d : analysis.diagnostics)
        if (d.severity != sigma::Severity::Info)
            out.append(QString::fromStdString(d.format()));
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestRuleFromEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void expectedRule_data()
    {
        QTest::addColumn<QList<int>>("indexes"); // 1-based positions in fromevent/events.xml
        QTest::addColumn<QString>("fields");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("warnings");
        // Sysmon 1: process_creation; literal * ? ' and backslashes escaped; a number unquoted.
        QTest::newRow("sysmon 1") << QList<int>{1} << "Image,CommandLine,ParentImage,ProcessId,IntegrityLevel"
                                  << "sysmon1.expected.yml" << 0;
        // Two Security 4688: process_creation (pySigma's windows_logsource_mapping), fields under
        // their Sysmon 1 names; whoami.exe from two folders -> endswith; parents differ -> list.
        QTest::newRow("two security 4688")
            << QList<int>{2, 3} << "NewProcessName,CommandLine,SubjectUserName,MandatoryLabel,ParentProcessName"
            << "security4688.expected.yml" << 0;
        QTest::newRow("security 4624: service security") << QList<int>{4} << "TargetUserName,LogonType,IpAddress"
                                                         << "security4624.expected.yml" << 0;
        // A channel the table does not know: service from the channel, a warning; a ticked field
        // the event lacks is left out with a warning.
        QTest::newRow("unknown channel") << QList<int>{5} << "GPOInfoList,DescriptionString,Nope"
                                         << "unknownchannel.expected.yml" << 2;
        QTest::newRow("two sysmon 1, common value and list") << QList<int>{1, 6} << "Image,OriginalFileName,CommandLine"
                                                             << "sysmon1-two.expected.yml" << 0;
    }
    void expectedRule()
    {
        QFETCH(QList<int>, indexes);
        QFETCH(QString, fields);
        QFETCH(QString, expected);
        QFETCH(int, warnings);
        const std::vector<sigma::Event> all = fixtureEvents();
        QCOMPARE(all.size(), std::size_t(6));
        std::vector<const sigma::Event*> events;
        for (int i : indexes)
            events.push_back(&all[std::size_t(i - 1)]);
        const sigma::RuleFromEvents made = sigma::ruleFromEvents(events, split(fields), {Id, Date, nullptr});
        QCOMPARE(int(made.diagnostics.size()), warnings);
        for (const auto& d : made.diagnostics)
            QCOMPARE(d.severity, sigma::Severity::Warning);
        QCOMPARE(QString::fromStdString(made.yaml), fileText(QStringLiteral("fromevent/") + expected));

        const sigma::RuleAnalysis analysis = sigma::analyzeRuleText(made.yaml, expected.toStdString());
        QVERIFY2(analysis.ok(), qPrintable(problems(analysis)));
        QCOMPARE(problems(analysis), QString());
        QList<int> matched;
        for (std::size_t i = 0; i < all.size(); ++i)
            if (analysis.compiled->matches(all[i]))
                matched.append(int(i + 1));
        QCOMPARE(matched, indexes);
    }

    void escaping_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("yaml"); // the value as the rule writes it
        QTest::newRow("star and question mark") << "a*b?c"
                                                << "'a\\*b\\?c'";
        QTest::newRow("backslash before star") << "C:\\x\\*"
                                               << "'C:\\x\\\\\\*'";
        QTest::newRow("two backslashes") << "\\\\srv\\share"
                                         << "'\\\\\\srv\\share'";
        QTest::newRow("trailing backslash") << "C:\\dir\\"
                                            << "'C:\\dir\\'";
        QTest::newRow("single quote") << "it's"
                                      << "'it''s'";
        QTest::newRow("line break") << "a\nb"
                                    << "\"a\\nb\"";
        QTest::newRow("number") << "4096"
                                << "4096";
        QTest::newRow("leading zero stays a string") << "0042"
                                                     << "'0042'";
        QTest::newRow("yaml word") << "yes"
                                   << "'yes'";
    }
    void escaping()
    {
        QFETCH(QString, value);
        QFETCH(QString, yaml);
        sigma::Event event;
        event.add("Channel", "Microsoft-Windows-Sysmon/Operational");
        event.add("EventID", "1");
        event.add("CommandLine", value.toStdString());
        const sigma::RuleFromEvents made = sigma::ruleFromEvents({&event}, {"CommandLine"}, {Id, Date, nullptr});
        QVERIFY(made.diagnostics.empty());
        QVERIFY2(made.yaml.find("        CommandLine: " + yaml.toStdString() + "\n") != std::string::npos,
                 made.yaml.c_str());
        const sigma::RuleAnalysis analysis = sigma::analyzeRuleText(made.yaml, "escaping.yml");
        QVERIFY2(analysis.ok(), qPrintable(problems(analysis)));
        QVERIFY(analysis.compiled->matches(event));
        // The value is literal: a wildcard in it must not match other text.
        sigma::Event other;
        other.add("Channel", "Microsoft-Windows-Sysmon/Operational");
        other.add("EventID", "1");
        other.add("CommandLine", value.replace(QLatin1Char('*'), QLatin1String("zz"))
                                     .replace(QLatin1Char('?'), QLatin1Char('z'))
                                     .append(QLatin1Char('z'))
                                     .toStdString());
        QVERIFY(!analysis.compiled->matches(other));
    }

    void errors()
    {
        const std::vector<sigma::Event> all = fixtureEvents();
        auto first = sigma::ruleFromEvents({}, {"Image"});
        QVERIFY(first.yaml.empty());
        QCOMPARE(first.diagnostics.front().message, std::string("no event selected"));
        auto second = sigma::ruleFromEvents({&all[0]}, {});
        QVERIFY(second.yaml.empty());
        QCOMPARE(second.diagnostics.front().message, std::string("no field ticked"));
        auto third = sigma::ruleFromEvents({&all[0], &all[3]}, {"Image"});
        QVERIFY(third.yaml.empty());
        QCOMPARE(third.diagnostics.back().severity, sigma::Severity::Error);
    }

    void freshIdAndToday()
    {
        const std::vector<sigma::Event> all = fixtureEvents();
        const auto a = sigma::ruleFromEvents({&all[0]}, {"Image"});
        const auto b = sigma::ruleFromEvents({&all[0]}, {"Image"});
        const QRegularExpression id(
            QStringLiteral("\nid: ([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})\n"));
        const auto ma = id.match(QString::fromStdString(a.yaml));
        const auto mb = id.match(QString::fromStdString(b.yaml));
        QVERIFY(ma.hasMatch() && mb.hasMatch());
        QVERIFY(ma.captured(1) != mb.captured(1));
        const QString today = QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
        QVERIFY2(a.yaml.find("\ndate: " + today.toStdString() + "\n") != std::string::npos, a.yaml.c_str());
        QCOMPARE(problems(sigma::analyzeRuleText(a.yaml, "fresh.yml")), QString());
    }

    void cli()
    {
        const QString events = sigmatest::dataPath(QStringLiteral("fromevent/events.xml"));
        const auto ok = sigmatest::runSigmawb(
            {QStringLiteral("rule-from-event"), QStringLiteral("--events"), events, QStringLiteral("--index"),
             QStringLiteral("2,3"), QStringLiteral("--fields"),
             QStringLiteral("NewProcessName,CommandLine,SubjectUserName,"
                            "MandatoryLabel,ParentProcessName"),
             QStringLiteral("--id"), QLatin1String(Id), QStringLiteral("--date"), QLatin1String(Date)});
        QCOMPARE(ok.exitCode, 0);
        QCOMPARE(QString::fromUtf8(ok.out), fileText(QStringLiteral("fromevent/security4688.expected.yml")));
        const auto bad = sigmatest::runSigmawb({QStringLiteral("rule-from-event"), QStringLiteral("--events"), events,
                                                QStringLiteral("--index"), QStringLiteral("7"),
                                                QStringLiteral("--fields"), QStringLiteral("Image")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(QString::fromUtf8(bad.err).contains(QStringLiteral("no event 7 (the file has 6)")));
    }
};

QTEST_GUILESS_MAIN(TestRuleFromEvent)
#include "tst_rulefromevent.moc"
