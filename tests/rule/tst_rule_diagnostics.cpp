// Every diagnostic of the parser and the linter, with its exact line and column: each fixture under
// tests/data/rule/{diagnostics,lint}/ lists what it must produce in "# expect: LINE:COL SEVERITY CODE"
// comments (nothing listed: the file must be clean). The set must match exactly.
#include "testsupport.h"

#include "engine/lintscope.h"
#include "engine/logsourcefields.h"
#include "rule/lint.h"
#include "rule/parser.h"

#include <QDir>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <optional>
#include <set>

namespace {

QStringList fixtures()
{
    QStringList out;
    for (const char* dir : {"rule/diagnostics", "rule/lint"}) {
        const QDir d(sigmatest::dataPath(QString::fromLatin1(dir)));
        for (const auto& f : d.entryList({QStringLiteral("*.yml")}, QDir::Files, QDir::Name))
            out << d.filePath(f);
    }
    return out;
}

QStringList expectations(const QString& path)
{
    QStringList out;
    static const QRegularExpression re(QStringLiteral("^# expect: (.+)$"), QRegularExpression::MultilineOption);
    auto it = re.globalMatch(QString::fromUtf8(sigmatest::readFile(path)));
    while (it.hasNext())
        out << it.next().captured(1).trimmed();
    out.sort();
    return out;
}

QString describe(const sigma::Diagnostic& d)
{
    return QStringLiteral("%1:%2 %3 %4")
        .arg(d.span.begin.line)
        .arg(d.span.begin.column)
        .arg(QString::fromLatin1(sigma::severityName(d.severity)), QString::fromStdString(d.code));
}

} // namespace

class TestRuleDiagnostics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fixture_data()
    {
        QTest::addColumn<QString>("path");
        const auto files = fixtures();
        QVERIFY(files.size() > 30);
        for (const auto& f : files)
            QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
    }
    void fixture()
    {
        QFETCH(QString, path);
        const auto parsed = sigma::parseRuleFile(path.toStdString());
        const auto diagnostics = sigma::lintFile(parsed);
        QStringList actual;
        for (const auto& d : diagnostics) {
            actual << describe(d);
            QCOMPARE(QString::fromStdString(d.file), path);
            QVERIFY(!d.message.empty());
        }
        actual.sort();
        QCOMPARE(actual, expectations(path));
    }

    // Every code the parser and the linter know is exercised by a fixture or by a test below.
    void everyCodeIsCovered()
    {
        std::set<std::string> covered{"io-error",
                                      "file-too-large",
                                      "not-utf8", // tst_rule_parser::hostileInput
                                      "duplicate-id",
                                      "duplicate-title",
                                      "field-unknown-for-logsource",
                                      "internal-error",
                                      "field-implied-by-logsource",
                                      "correlation-group-by-field", // tst_correlation_lint
                                      "detection-tag-missing"};     // detectionTagOfFolder
        for (const auto& f : fixtures())
            for (const auto& e : expectations(f))
                covered.insert(e.section(QLatin1Char(' '), 2, 2).toStdString());
        for (const auto& c : sigma::parserDiagnosticCodes())
            QVERIFY2(covered.count(c.code), c.code);
        for (const auto& c : sigma::lintChecks())
            QVERIFY2(covered.count(c.code), c.code.c_str());
    }

    // SigmaHQ: a rule under rules-dfir/ (rules-emerging-threats/, rules-threat-hunting/) carries
    // detection.dfir (pySigma-validators-sigmaHQ's sigmahq_tags_detection).
    void detectionTagOfFolder_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<int>("expected");
        QTest::newRow("dfir, untagged") << "/x/rules-dfir/windows/a.yml"
                                        << "attack.execution" << 1;
        QTest::newRow("dfir, tagged") << "/x/rules-dfir/windows/a.yml"
                                      << "detection.dfir" << 0;
        QTest::newRow("threat hunting, other tag") << "/x/rules-threat-hunting/a.yml"
                                                   << "detection.emerging-threats" << 1;
        QTest::newRow("rules/") << "/x/rules/windows/a.yml"
                                << "attack.execution" << 0;
    }
    void detectionTagOfFolder()
    {
        QFETCH(QString, file);
        QFETCH(QString, tag);
        QFETCH(int, expected);
        const std::string text = "title: Folder Tag\nid: 0e0c3a57-7c55-4b6b-9a0e-0c2bd1e3d7a2\nstatus: test\n"
                                 "description: A rule of the folder tag test.\nauthor: a\ndate: 2024-01-15\n"
                                 "tags:\n    - " +
                                 tag.toStdString() +
                                 "\nlogsource:\n    category: process_creation\n    product: windows\n"
                                 "detection:\n    selection:\n        Image|endswith: '\\a.exe'\n"
                                 "    condition: selection\nlevel: low\n";
        int found = 0;
        for (const auto& d : sigma::lintFile(sigma::parseRuleText(text, file.toStdString())))
            if (d.code == "detection-tag-missing") {
                ++found;
                QCOMPARE(d.span.begin.line, 8);
            }
        QCOMPARE(found, expected);
    }

    void ioError()
    {
        const auto parsed = sigma::parseRuleFile("/nonexistent/dir/rule.yml");
        QCOMPARE(parsed.diagnostics.size(), std::size_t(1));
        QCOMPARE(parsed.diagnostics[0].code, std::string("io-error"));
        QCOMPARE(parsed.diagnostics[0].severity, sigma::Severity::Error);
        QCOMPARE(parsed.diagnostics[0].file, std::string("/nonexistent/dir/rule.yml"));
    }

    void fileTooLarge()
    {
        sigma::ParseOptions options;
        options.maxBytes = 100;
        const auto parsed = sigma::parseRuleFile(
            sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml")).toStdString(), options);
        QCOMPARE(parsed.diagnostics.size(), std::size_t(1));
        QCOMPARE(parsed.diagnostics[0].code, std::string("file-too-large"));
        QVERIFY(parsed.documents.empty());
        const auto text = sigma::parseRuleText(std::string(200, 'x'), "t.yml", options);
        QCOMPARE(text.diagnostics.at(0).code, std::string("file-too-large"));
    }

    void duplicatesAcrossSet()
    {
        const QDir d(sigmatest::dataPath(QStringLiteral("rule/lintset")));
        const auto a = sigma::parseRuleFile(d.filePath(QStringLiteral("rule_one.yml")).toStdString());
        const auto b = sigma::parseRuleFile(d.filePath(QStringLiteral("rule_two.yml")).toStdString());
        const auto ds = sigma::lintSet({&a, &b});
        QStringList actual;
        for (const auto& x : ds)
            actual << QFileInfo(QString::fromStdString(x.file)).fileName() + QLatin1Char(' ') + describe(x);
        actual.sort();
        QCOMPARE(actual, (QStringList{QStringLiteral("rule_one.yml 1:8 warning duplicate-title"),
                                      QStringLiteral("rule_one.yml 2:5 error duplicate-id"),
                                      QStringLiteral("rule_two.yml 1:8 warning duplicate-title"),
                                      QStringLiteral("rule_two.yml 2:5 error duplicate-id")}));
        QVERIFY(ds[0].message.find("rule_") != std::string::npos);
        // a suppression in one file silences it there only
        auto c = sigma::parseRuleText(a.text + "x-sigmawb-ignore: duplicate-id\n", "c.yml");
        const auto ds2 = sigma::lintSet({&c, &b});
        int ids = 0;
        for (const auto& x : ds2)
            if (x.code == "duplicate-id") {
                ++ids;
                QCOMPARE(x.file, b.file);
            }
        QCOMPARE(ids, 1);
        // a single file: nothing
        QVERIFY(sigma::lintSet({&a}).empty());
    }

    void fieldUnknownForLogsource()
    {
        const auto parsed =
            sigma::parseRuleFile(sigmatest::dataPath(QStringLiteral("rule/diagnostics/clean_rule.yml")).toStdString());
        sigma::LintOptions options;
        std::vector<std::string> asked;
        options.fieldKnown = [&](const sigma::LogSource& ls, std::string_view field) -> std::optional<bool> {
            asked.push_back(ls.category + "/" + std::string(field));
            return field == "CommandLine";
        };
        const auto ds = sigma::lintFile(parsed, options);
        QCOMPARE(ds.size(), std::size_t(1));
        QCOMPARE(ds[0].code, std::string("field-unknown-for-logsource"));
        QCOMPARE(describe(ds[0]), QStringLiteral("17:9 warning field-unknown-for-logsource"));
        QCOMPARE(asked, (std::vector<std::string>{"process_creation/Image"}));
        // unknown log source (nullopt): no diagnostic
        options.fieldKnown = [](const sigma::LogSource&, std::string_view) -> std::optional<bool> { return {}; };
        QVERIFY(sigma::lintFile(parsed, options).empty());
        // disabled globally
        options.fieldKnown = [](const sigma::LogSource&, std::string_view) -> std::optional<bool> { return false; };
        options.disabled = {"field-unknown-for-logsource"};
        QVERIFY(sigma::lintFile(parsed, options).empty());
    }

    // Channel / Provider_Name / EventID tests the log source already implies, with the scope taken
    // from the built-in log-source table (engine/lintscope.h).
    void fieldImpliedByLogsource_data()
    {
        QTest::addColumn<QString>("logsource");
        QTest::addColumn<QString>("item");
        QTest::addColumn<QString>("expected"); // "" = nothing
        QTest::newRow("service channel") << "product: windows\n    service: system"
                                         << "Channel: System"
                                         << "20:9 warning field-implied-by-logsource";
        QTest::newRow("service channel, other case") << "product: windows\n    service: security"
                                                     << "Channel: SECURITY"
                                                     << "20:9 warning field-implied-by-logsource";
        QTest::newRow("category event ids") << "product: windows\n    category: wmi_event"
                                            << "EventID: [19, 20, 21]"
                                            << "20:9 warning field-implied-by-logsource";
        QTest::newRow("category single event id") << "product: windows\n    category: dns_query"
                                                  << "EventID: 22"
                                                  << "20:9 warning field-implied-by-logsource";
        QTest::newRow("subset of the event ids filters") << "product: windows\n    category: wmi_event"
                                                         << "EventID: 19"
                                                         << "20:9 info eventid-with-category";
        QTest::newRow("sysmon provider") << "product: windows\n    category: dns_query"
                                         << "Provider_Name: Microsoft-Windows-Sysmon"
                                         << "20:9 warning field-implied-by-logsource";
        QTest::newRow("process_creation has 4688 too") << "product: windows\n    category: process_creation"
                                                       << "Channel: Microsoft-Windows-Sysmon/Operational"
                                                       << "";
        QTest::newRow("another channel filters") << "product: windows\n    service: system"
                                                 << "Channel: Security"
                                                 << "";
        QTest::newRow("a modifier makes it a real test") << "product: windows\n    service: system"
                                                         << "Channel|contains: System"
                                                         << "";
        QTest::newRow("wildcard value") << "product: windows\n    service: system"
                                        << "Channel: Sys*em"
                                        << "";
        QTest::newRow("unknown log source") << "product: linux\n    service: auditd"
                                            << "Channel: System"
                                            << "";
    }
    void fieldImpliedByLogsource()
    {
        QFETCH(QString, logsource);
        QFETCH(QString, item);
        QFETCH(QString, expected);
        const QString text = QStringLiteral("title: Implied\n"
                                            "id: 0e0c3a57-7c55-4b6b-9a0e-0c2bd1e3d7a1\n"
                                            "status: test\n"
                                            "description: A rule of the implied test.\n"
                                            "author: a\n"
                                            "date: 2024-01-15\n"
                                            "tags:\n"
                                            "    - attack.execution\n"
                                            "    - attack.t1059\n"
                                            "level: low\n"
                                            "falsepositives:\n"
                                            "    - Unlikely\n"
                                            "references:\n"
                                            "    - https://example.org\n"
                                            "logsource:\n"
                                            "    %1\n"
                                            "detection:\n"
                                            "    selection:\n"
                                            "        %2\n"
                                            "        Data: x\n"
                                            "    condition: selection\n")
                                 .arg(logsource, item);
        const auto parsed = sigma::parseRuleText(text.toStdString(), "implied.yml");
        sigma::LintOptions options;
        options.logSourceScope = sigma::logSourceScopeLookup();
        QStringList actual;
        for (const auto& d : sigma::lintFile(parsed, options))
            actual << describe(d);
        QCOMPARE(actual, expected.isEmpty() ? QStringList{} : QStringList{expected});
        // without the table the check is off
        for (const auto& d : sigma::lintFile(parsed))
            QVERIFY(d.code != "field-implied-by-logsource");
    }

    void eventCatalogLookup_data()
    {
        QTest::addColumn<QString>("product");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("expected"); // -1 unknown log source, 0 unknown field, 1 known
        QTest::newRow("sysmon 1 field") << "windows"
                                        << "process_creation"
                                        << ""
                                        << "ParentCommandLine" << 1;
        QTest::newRow("case-insensitive") << "windows"
                                          << "process_creation"
                                          << ""
                                          << "parentcommandline" << 1;
        QTest::newRow("system header") << "windows"
                                       << "file_event"
                                       << ""
                                       << "EventID" << 1;
        QTest::newRow("not in file_event") << "windows"
                                           << "file_event"
                                           << ""
                                           << "CommandLine" << 0;
        QTest::newRow("network_connection") << "windows"
                                            << "network_connection"
                                            << ""
                                            << "DestinationPort" << 1;
        QTest::newRow("unknown category") << "windows"
                                          << "no_such_category"
                                          << ""
                                          << "X" << -1;
        QTest::newRow("service: partial catalog") << "windows"
                                                  << ""
                                                  << "security"
                                                  << "X" << -1;
        QTest::newRow("linux") << "linux"
                               << "process_creation"
                               << ""
                               << "X" << -1;
    }
    void eventCatalogLookup()
    {
        QFETCH(QString, product);
        QFETCH(QString, category);
        QFETCH(QString, service);
        QFETCH(QString, field);
        QFETCH(int, expected);
        sigma::LogSource ls;
        ls.product = product.toStdString();
        ls.category = category.toStdString();
        ls.service = service.toStdString();
        const auto known = sigma::eventCatalogFieldLookup()(ls, field.toStdString());
        QCOMPARE(known ? int(*known) : -1, expected);
    }

    void catalogFieldsAreWhatTheLinterKnows()
    {
        // The editor completes from catalogFieldsFor; the linter's field-unknown-for-logsource asks
        // the same list (engine/logsourcefields.h), so a completed field is never flagged.
        sigma::LogSource ls;
        ls.product = "windows";
        ls.category = "process_creation";
        const auto fields = sigma::catalogFieldsFor(ls);
        QVERIFY(fields);
        QVERIFY(std::find(fields->begin(), fields->end(), "CommandLine") != fields->end());
        QVERIFY(std::find(fields->begin(), fields->end(), "EventID") != fields->end()); // System
        const auto lookup = sigma::eventCatalogFieldLookup();
        for (const auto& f : *fields)
            QVERIFY2(lookup(ls, f).value_or(false), f.c_str());
        QCOMPARE(lookup(ls, "DestinationPort"), std::optional<bool>(false));
        ls.category = "no_such_category";
        QVERIFY(!sigma::catalogFieldsFor(ls));
    }

    void sigmahqConventionsCanBeOff()
    {
        const auto parsed =
            sigma::parseRuleFile(sigmatest::dataPath(QStringLiteral("rule/lint/metadata_missing.yml")).toStdString());
        sigma::LintOptions options;
        options.sigmahqConventions = false;
        QStringList actual;
        for (const auto& d : sigma::lintFile(parsed, options))
            actual << describe(d);
        QCOMPARE(actual,
                 (QStringList{QStringLiteral("1:1 warning missing-id"), QStringLiteral("1:1 warning missing-level")}));
    }

    void parserErrorsAreNotSuppressible()
    {
        const auto parsed = sigma::parseRuleText("# sigmawb-ignore-file: all\ntitle: x\n", "x.yml");
        const auto ds = sigma::lintFile(parsed);
        QCOMPARE(ds.size(), std::size_t(1));
        QCOMPARE(ds[0].code, std::string("unknown-document"));
    }

    void errorsNameFileAndLine()
    {
        const auto parsed = sigma::parseRuleFile(
            sigmatest::dataPath(QStringLiteral("rule/diagnostics/unknown_modifier.yml")).toStdString());
        const auto text = QString::fromStdString(parsed.diagnostics.at(0).format());
        QVERIFY2(
            text.endsWith(QStringLiteral("unknown_modifier.yml:17:15: error: unknown modifier 'endwith'; did you mean "
                                         "'endswith'? [unknown-modifier]")),
            qPrintable(text));
        QCOMPARE(parsed.diagnostics.at(0).span.end, (sigma::SourcePos{17, 22}));
    }
};

QTEST_GUILESS_MAIN(TestRuleDiagnostics)
#include "tst_rule_diagnostics.moc"
