// `|cidr`: the parser's check and the engine's matcher accept the same networks, and they are the
// networks pySigma accepts. pySigma's SigmaCIDRExpression (sigma/types.py) is Python's
// ipaddress.ip_network(text), strict=True; every row below was checked against Python 3.11.
#include "engine/engine.h"
#include "events/event.h"
#include "rule/parser.h"

#include <QTest>

using namespace sigma;

namespace {

bool hasCode(const Diagnostics& diagnostics, const std::string& code)
{
    for (const auto& d : diagnostics)
        if (d.code == code)
            return true;
    return false;
}

Event eventWith(const QString& address)
{
    Event e;
    e.add("DestinationIp", address.toStdString());
    return e;
}

} // namespace

class TestEngineCidr : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void networks_data()
    {
        QTest::addColumn<QString>("network");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("inside");  // accepted rows: an address in the network
        QTest::addColumn<QString>("outside"); // and one outside it

        QTest::newRow("v4") << "10.0.0.0/8" << true << "10.1.2.3"
                            << "11.0.0.1";
        QTest::newRow("v4 one host") << "10.0.0.0" << true << "10.0.0.0"
                                     << "10.0.0.1";
        QTest::newRow("v4 prefix with leading zeros") << "10.0.0.0/0008" << true << "10.9.9.9"
                                                      << "11.0.0.0";
        QTest::newRow("v4 netmask") << "10.0.0.0/255.0.0.0" << true << "10.1.2.3"
                                    << "11.0.0.1";
        QTest::newRow("v4 hostmask") << "10.0.0.0/0.255.255.255" << true << "10.1.2.3"
                                     << "11.0.0.1";
        QTest::newRow("v4 everything") << "0.0.0.0/0" << true << "203.0.113.9"
                                       << "2001:db8::1";
        QTest::newRow("v6 loopback") << "::1/128" << true << "0:0:0:0:0:0:0:1"
                                     << "::2";
        QTest::newRow("v6 upper case") << "2001:DB8::/32" << true << "2001:db8::1"
                                       << "2001:db9::1";
        QTest::newRow("v6 zone") << "fe80::%eth0/64" << true << "fe80::1"
                                 << "fe81::1";
        QTest::newRow("v6 prefix with leading zero") << "::1/0128" << true << "::1"
                                                     << "::2";
        QTest::newRow("v6 embedded v4") << "::ffff:10.0.0.0/104" << true << "::ffff:10.1.2.3"
                                        << "::ffff:11.0.0.1";
        QTest::newRow("v6 nat64") << "64:ff9b::/96" << true << "64:ff9b::192.0.2.33"
                                  << "64:ff9c::1";

        QTest::newRow("v4 host bits set") << "10.0.0.1/8" << false << ""
                                          << "";
        QTest::newRow("v6 host bits set") << "2001:db8::1/32" << false << ""
                                          << "";
        QTest::newRow("v6 zone host bits set") << "fe80::1%eth0/64" << false << ""
                                               << "";
        QTest::newRow("v6 brackets") << "[::1]/128" << false << ""
                                     << "";
        QTest::newRow("v6 brackets no prefix") << "[::1]" << false << ""
                                               << "";
        QTest::newRow("v4 zone") << "10.0.0.1%eth0" << false << ""
                                 << "";
        QTest::newRow("v6 empty zone") << "fe80::%/64" << false << ""
                                       << "";
        QTest::newRow("v6 two zones") << "fe80::%a%b/64" << false << ""
                                      << "";
        QTest::newRow("leading blank") << " 10.0.0.0/8" << false << ""
                                       << "";
        QTest::newRow("blank before prefix") << "10.0.0.0 /8" << false << ""
                                             << "";
        QTest::newRow("fractional prefix") << "10.0.0.0/8.0" << false << ""
                                           << "";
        QTest::newRow("signed prefix") << "10.0.0.0/+8" << false << ""
                                       << "";
        QTest::newRow("negative prefix") << "10.0.0.0/-1" << false << ""
                                         << "";
        QTest::newRow("empty prefix") << "10.0.0.0/" << false << ""
                                      << "";
        QTest::newRow("two prefixes") << "10.0.0.0/8/8" << false << ""
                                      << "";
        QTest::newRow("v4 prefix too long") << "10.0.0.0/33" << false << ""
                                            << "";
        QTest::newRow("v6 prefix too long") << "::1/129" << false << ""
                                            << "";
        QTest::newRow("v4 non-contiguous mask") << "10.0.0.0/255.0.255.0" << false << ""
                                                << "";
        QTest::newRow("v6 netmask") << "fe80::/ffff::" << false << ""
                                    << "";
        QTest::newRow("v4 octet with leading zero") << "010.0.0.0/8" << false << ""
                                                    << "";
        QTest::newRow("v4 three octets") << "1.2.3" << false << ""
                                         << "";
        QTest::newRow("not an address") << "ten" << false << ""
                                        << "";
    }

    void networks()
    {
        QFETCH(QString, network);
        QFETCH(bool, accepted);
        QFETCH(QString, inside);
        QFETCH(QString, outside);

        const std::string yaml = "title: t\nlogsource: {product: windows, category: network_connection}\n"
                                 "detection:\n  selection:\n    DestinationIp|cidr: '" +
                                 network.toStdString() + "'\n  condition: selection\n";
        const ParsedFile parsed = parseRuleText(yaml, "rule.yml");
        const Rule* rule = parsed.firstRule();
        QVERIFY(rule);
        QCOMPARE(rule->detection.size(), std::size_t(1));
        QCOMPARE(rule->detection[0].maps.size(), std::size_t(1));
        QCOMPARE(rule->detection[0].maps[0].items.size(), std::size_t(1));

        // The parser's check...
        QCOMPARE(hasCode(parsed.diagnostics, "invalid-cidr"), !accepted);
        // ...and the matcher decide alike.
        const auto compiled = compileIndicator(rule->detection[0].maps[0].items[0], 0, "rule.yml");
        QCOMPARE(bool(compiled.indicator), accepted);
        QCOMPARE(hasCode(compiled.diagnostics, "invalid-cidr"), !accepted);
        if (!accepted)
            return;
        QVERIFY(compiled.indicator->matches(eventWith(inside)));
        QVERIFY(!compiled.indicator->matches(eventWith(outside)));
    }

    void messageNamesTheNetwork()
    {
        const ParsedFile parsed = parseRuleText("title: t\nlogsource: {product: windows}\ndetection:\n  sel:\n"
                                                "    DestinationIp|cidr: 192.168.1.77/24\n  condition: sel\n",
                                                "rule.yml");
        for (const auto& d : parsed.diagnostics)
            if (d.code == "invalid-cidr") {
                QVERIFY2(d.message.find("192.168.1.0/24") != std::string::npos, d.message.c_str());
                QCOMPARE(d.span.begin.line, 5);
                return;
            }
        QFAIL("no invalid-cidr diagnostic");
    }
};

QTEST_GUILESS_MAIN(TestEngineCidr)
#include "tst_engine_cidr.moc"
