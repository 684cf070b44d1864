// Every modifier, positive and negative, on one detection item at a time (compileIndicator), with
// events built directly. Rows marked "pySigma" follow pySigma where the Sigma specification is silent.
// The rows are a table of UTF-8 literals: allow const char* -> QString in this file only.
#undef QT_NO_CAST_FROM_ASCII

#include "testsupport.h"

#include "engine/engine.h"
#include "engine/pattern.h"

#include <QTest>

using namespace sigma;

namespace {

/// "Field|mod|mod" -> an item; values given as text with a type.
DetectionItem makeItem(const QString& key, const QStringList& values, Value::Type type = Value::Type::String)
{
    DetectionItem item;
    const QStringList parts = key.split(QLatin1Char('|'));
    item.field = parts.value(0).toStdString();
    item.isKeyword = item.field.empty();
    for (int i = 1; i < parts.size(); ++i) {
        const std::string name = parts[i].toStdString();
        auto kind = modifierFromName(name);
        if (!kind)
            qFatal("test bug: unknown modifier %s", name.c_str());
        item.modifiers.push_back(Modifier{*kind, name, {}});
    }
    for (const auto& v : values) {
        Value value;
        value.type = type;
        value.text = v.toStdString();
        value.span = SourceSpan{{1, 1}, {1, 2}};
        item.values.push_back(value);
    }
    item.valueIsList = values.size() > 1;
    return item;
}

using sigmatest::eventFromPairs;

QString b64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}
QByteArray utf16le(const QString& s)
{
    QByteArray out;
    for (QChar c : s) {
        out += char(c.unicode() & 0xFF);
        out += char(c.unicode() >> 8);
    }
    return out;
}
QByteArray utf16be(const QString& s)
{
    QByteArray out;
    for (QChar c : s) {
        out += char(c.unicode() >> 8);
        out += char(c.unicode() & 0xFF);
    }
    return out;
}

const char* outcomeKey(Outcome o)
{
    switch (o) {
    case Outcome::Matched:
        return "match";
    case Outcome::NotMatched:
        return "no";
    case Outcome::FieldAbsent:
        return "absent";
    case Outcome::Skipped:
        return "skipped";
    case Outcome::Error:
        return "error";
    }
    return "?";
}

} // namespace

class TestEngineMatchers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void item_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<int>("type"); // Value::Type
        QTest::addColumn<QStringList>("event");
        QTest::addColumn<QString>("expected");
        const int S = int(Value::Type::String), I = int(Value::Type::Integer), B = int(Value::Type::Boolean),
                  N = int(Value::Type::Null);
        auto row = [&](const char* name, const QString& key, const QStringList& values, int type,
                       const QStringList& event, const char* expected) {
            QTest::newRow(name) << key << values << type << event << QString::fromLatin1(expected);
        };
        const QString img = QStringLiteral("Image");

        // Plain values: the whole field, case-insensitive.
        row("plain equal", img, {"C:\\Windows\\System32\\cmd.exe"}, S, {"Image=c:\\windows\\system32\\CMD.EXE"},
            "match");
        row("plain is not a substring", img, {"cmd.exe"}, S, {"Image=C:\\cmd.exe"}, "no");
        row("field name case-insensitive", QStringLiteral("TargetFilename"), {"x"}, S, {"TargetFileName=X"}, "match");
        row("absent field", img, {"x"}, S, {"Other=x"}, "absent");
        row("empty string matches empty", img, {""}, S, {"Image="}, "match");
        row("empty string vs value", img, {""}, S, {"Image=a"}, "no");
        row("unicode fold umlaut", img, {"ÄRGER.EXE"}, S, {"Image=ärger.exe"}, "match");
        row("unicode fold greek", img, {"ΣΟΦΊΑ"}, S, {"Image=σοφία"}, "match");
        row("unicode fold cyrillic", img, {"ПРИВЕТ"}, S, {"Image=привет"}, "match");
        row("kelvin sign folds to k", img, {"\u212Aey"}, S, {"Image=key"}, "match");
        row("simple folding: sharp s is not ss", img, {"straße"}, S, {"Image=STRASSE"}, "no");
        // Folding runs 16 bytes at a time: values longer than a block, letters at every place,
        // the bytes just outside A-Z, and non-ASCII after the first block.
        row("long value folded in blocks", img, {"c:\\program files\\windowsapps\\microsoft.windowsterminal_1.0"}, S,
            {"Image=C:\\PROGRAM FILES\\WINDOWSAPPS\\MICROSOFT.WINDOWSTERMINAL_1.0"}, "match");
        row("bytes around A-Z keep their case", img, {"@[`{@[`{@[`{@[`{@[`{"}, S, {"Image=@[`{@[`{@[`{@[`{@[`{"},
            "match");
        row("'@' is not a folded '`'", img, {"````````````````````"}, S, {"Image=@@@@@@@@@@@@@@@@@@@@"}, "no");
        row("non-ASCII after the first block", "Image|endswith", {"\\ÄRGER.EXE"}, S,
            {"Image=C:\\Users\\Public\\Tools\\ärger.exe"}, "match");
        row("non-ASCII in the last partial block", "Image|contains", {"PUBLIC\\TOOLS\\Ä"}, S,
            {"Image=C:\\Users\\Public\\Tools\\ä"}, "match");
        row("cased equal", "Image|cased", {"Cmd.exe"}, S, {"Image=Cmd.exe"}, "match");
        row("cased differs", "Image|cased", {"Cmd.exe"}, S, {"Image=cmd.exe"}, "no");
        row("cased contains", "Image|contains|cased", {"Cmd"}, S, {"Image=x\\cmd.exe"}, "no");

        // Wildcards and escaping (specification v2.1).
        row("star", img, {"*\\cmd.exe"}, S, {"Image=C:\\x\\cmd.exe"}, "match");
        row("star negative", img, {"*\\cmd.exe"}, S, {"Image=C:\\x\\cmd.exe.bak"}, "no");
        row("question one char", img, {"c?d.exe"}, S, {"Image=cmd.exe"}, "match");
        row("question needs one char", img, {"c?d.exe"}, S, {"Image=cd.exe"}, "no");
        row("question is one code point", img, {"a?c"}, S, {"Image=aéc"}, "match");
        row("middle star", img, {"a*b*c"}, S, {"Image=axxbyyc"}, "match");
        row("middle star order", img, {"a*b*c"}, S, {"Image=acb"}, "no");
        // Six or more contains-values are looked for in one pass (first four bytes hashed); the
        // other values of the item one by one. Same answers as value by value.
        const QStringList many = {"alpha-one", "bravo-two", "charlie", "delta", "echo-four", "foxtrot"};
        row("many contains: first", "CommandLine|contains", many, S, {"CommandLine=x ALPHA-ONE y"}, "match");
        row("many contains: last, at the end", "CommandLine|contains", many, S, {"CommandLine=x foxtrot"}, "match");
        row("many contains: at the start", "CommandLine|contains", many, S, {"CommandLine=Delta"}, "match");
        row("many contains: cut short at the end", "CommandLine|contains", many, S, {"CommandLine=x foxtro"}, "no");
        row("many contains: none", "CommandLine|contains", many, S, {"CommandLine=alpha one bravo two"}, "no");
        row("many contains: field absent", "CommandLine|contains", many, S, {"Image=alpha-one"}, "absent");
        row("many contains: second occurrence of the field", "CommandLine|contains", many, S,
            {"CommandLine=nothing", "CommandLine=echo-four"}, "match");
        row("many contains: short needle", "CommandLine|contains", many + QStringList{"zz"}, S, {"CommandLine=a ZZ b"},
            "match");
        row("many contains: with a wildcard value", "CommandLine|contains", many + QStringList{"x*y?z"}, S,
            {"CommandLine=x--y-z"}, "match");
        row("many contains: unicode folded", "CommandLine|contains", many + QStringList{"ÄRGERLICH"}, S,
            {"CommandLine=ärgerlich"}, "match");
        row("many contains: cased", "CommandLine|contains|cased", many, S, {"CommandLine=x Charlie"}, "no");
        row("many contains: cased match", "CommandLine|contains|cased", many, S, {"CommandLine=xcharliex"}, "match");
        row("many contains: windash", "CommandLine|windash|contains", many + QStringList{" -exec "}, S,
            {"CommandLine=a /exec b"}, "match");
        row("many startswith and contains", "CommandLine|startswith", many, S, {"CommandLine=x alpha-one"}, "no");
        // '?' chunks found by searching their leading literal (ASCII) or by every code point.
        row("question chunk later occurrence", "CommandLine|contains", {"-id 46?x"}, S,
            {"CommandLine=-id 4 -id 462 -id 46?y -id 469x"}, "match");
        row("question chunk no occurrence", "CommandLine|contains", {"-id 46?x"}, S,
            {"CommandLine=-id 4 -id 462 -id 46yy"}, "no");
        row("question chunk at the end", img, {"*a?c"}, S, {"Image=abcabcaxc"}, "match");
        row("question chunk at the end negative", img, {"*a?c"}, S, {"Image=abcabcaxcd"}, "no");
        row("question chunk after non-ascii", img, {"*é?c*"}, S, {"Image=xéébcéxc"}, "match");
        row("question chunk leading question", img, {"*?é*"}, S, {"Image=é"}, "no");
        row("escaped star is literal", img, {"a\\*b"}, S, {"Image=a*b"}, "match");
        row("escaped star not wildcard", img, {"a\\*b"}, S, {"Image=axxb"}, "no");
        row("escaped question is literal", img, {"a\\?b"}, S, {"Image=a?b"}, "match");
        row("escaped question not wildcard", img, {"a\\?b"}, S, {"Image=axb"}, "no");
        row("lone backslash literal", img, {"C:\\Windows"}, S, {"Image=C:\\Windows"}, "match");
        row("double backslash is one", img, {"a\\\\b"}, S, {"Image=a\\b"}, "match");
        row("double backslash not two", img, {"a\\\\b"}, S, {"Image=a\\\\b"}, "no");
        row("backslash then wildcard", img, {"C:\\\\*"}, S, {"Image=C:\\foo"}, "match");
        row("backslash then wildcard needs backslash", img, {"C:\\\\*"}, S, {"Image=C:foo"}, "no");
        row("backslash and literal star", img, {"a\\\\\\*"}, S, {"Image=a\\*"}, "match");
        row("backslash and literal star negative", img, {"a\\\\\\*"}, S, {"Image=a\\x"}, "no");
        row("four backslashes are two", img, {"\\\\\\\\server"}, S, {"Image=\\\\server"}, "match");
        row("four backslashes not one", img, {"\\\\\\\\server"}, S, {"Image=\\server"}, "no");
        row("trailing backslash", img, {"dir\\"}, S, {"Image=dir\\"}, "match");

        // contains / startswith / endswith; lists OR; all AND.
        row("contains", "CommandLine|contains", {"-enc"}, S, {"CommandLine=powershell -ENC abc"}, "match");
        row("contains negative", "CommandLine|contains", {"-enc"}, S, {"CommandLine=powershell -e abc"}, "no");
        row("startswith", "CommandLine|startswith", {"power"}, S, {"CommandLine=PowerShell -x"}, "match");
        row("startswith negative", "CommandLine|startswith", {"shell"}, S, {"CommandLine=PowerShell"}, "no");
        row("endswith", "Image|endswith", {"\\cmd.exe"}, S, {"Image=C:\\Windows\\cmd.exe"}, "match");
        row("endswith negative", "Image|endswith", {"\\cmd.exe"}, S, {"Image=C:\\Windows\\cmd.exe "}, "no");
        row("contains with inner wildcard", "CommandLine|contains", {"a*c"}, S, {"CommandLine=xxabbbcxx"}, "match");
        row("list is OR", img, {"a.exe", "b.exe"}, S, {"Image=B.EXE"}, "match");
        row("list is OR negative", img, {"a.exe", "b.exe"}, S, {"Image=c.exe"}, "no");
        row("all is AND", "CommandLine|contains|all", {"-a", "-b"}, S, {"CommandLine=x -b -a"}, "match");
        row("all is AND negative", "CommandLine|contains|all", {"-a", "-b"}, S, {"CommandLine=x -a"}, "no");

        // Numbers
        row("yaml number vs numeric string", QStringLiteral("DestinationPort"), {"3389"}, I, {"DestinationPort=3389"},
            "match");
        row("number is whole value", QStringLiteral("DestinationPort"), {"3389"}, I, {"DestinationPort=33890"}, "no");
        row("gt", "Port|gt", {"1024"}, I, {"Port=1025"}, "match");
        row("gt equal is not", "Port|gt", {"1024"}, I, {"Port=1024"}, "no");
        row("gte equal", "Port|gte", {"1024"}, I, {"Port=1024"}, "match");
        row("gte below", "Port|gte", {"1024"}, I, {"Port=1023"}, "no");
        row("lt", "Port|lt", {"10"}, I, {"Port=9"}, "match");
        row("lt equal is not", "Port|lt", {"10"}, I, {"Port=10"}, "no");
        row("lte equal", "Port|lte", {"10"}, I, {"Port=10"}, "match");
        row("lte above", "Port|lte", {"10"}, I, {"Port=11"}, "no");
        row("gt float", "Score|gt", {"1.5"}, S, {"Score=1.75"}, "match");
        row("gt non-numeric event", "Port|gt", {"1"}, I, {"Port=abc"}, "no");
        row("gt hex event", "Access|gt", {"15"}, I, {"Access=0x10"}, "match");
        row("neq string", "User|neq", {"SYSTEM"}, S, {"User=alice"}, "match");
        row("neq string equal (case-insensitive)", "User|neq", {"SYSTEM"}, S, {"User=system"}, "no");
        row("neq absent field", "User|neq", {"SYSTEM"}, S, {"Other=x"}, "absent");
        row("neq number", "Port|neq", {"80"}, I, {"Port=443"}, "match");

        // Regular expressions (PCRE2): unanchored, case-sensitive unless i.
        row("re unanchored", "CommandLine|re", {"md\\.e"}, S, {"CommandLine=cmd.exe"}, "match");
        row("re case-sensitive", "CommandLine|re", {"^CMD"}, S, {"CommandLine=cmd.exe"}, "no");
        row("re i", "CommandLine|re|i", {"^CMD"}, S, {"CommandLine=cmd.exe"}, "match");
        row("re without m", "CommandLine|re", {"^b"}, S, {"CommandLine=a\nb"}, "no");
        row("re m", "CommandLine|re|m", {"^b"}, S, {"CommandLine=a\nb"}, "match");
        row("re without s", "CommandLine|re", {"a.b"}, S, {"CommandLine=a\nb"}, "no");
        row("re s", "CommandLine|re|s", {"a.b"}, S, {"CommandLine=a\nb"}, "match");
        row("re unicode class", "CommandLine|re", {"^\\w+$"}, S, {"CommandLine=éàü"}, "match");
        // Literal runs every match needs are looked for first; `.*`-joined runs are decided
        // without PCRE2 (same verdict, in linear time).
        row("re runs present", "CommandLine|re", {"\\+.*\\+.*\\+"}, S, {"CommandLine=a+b+c+d"}, "match");
        row("re runs too few", "CommandLine|re", {"\\+.*\\+.*\\+"}, S, {"CommandLine=a+b+c"}, "no");
        row("re runs not across lines", "CommandLine|re", {"\\+.*\\+.*\\+"}, S, {"CommandLine=a+b+\nc+d"}, "no");
        row("re runs one line of several", "CommandLine|re", {"\\+.*\\+"}, S, {"CommandLine=a+\nb+c+"}, "match");
        row("re runs across lines with s", "CommandLine|re|s", {"\\+.*\\+.*\\+"}, S, {"CommandLine=a+b+\nc+d"},
            "match");
        row("re runs in order", "CommandLine|re", {"ab.*cd"}, S, {"CommandLine=cd ab"}, "no");
        row("re runs do not overlap", "CommandLine|re", {"aba.*aba"}, S, {"CommandLine=ababa"}, "no");
        row("re runs lazy gap", "CommandLine|re", {"ab.*?cd"}, S, {"CommandLine=xxabyycdzz"}, "match");
        row("re possessive gap is not a gap", "CommandLine|re", {"ab.*+cd"}, S, {"CommandLine=abcd"}, "no");
        row("re quantified literal", "CommandLine|re", {"ab+c"}, S, {"CommandLine=abbbc"}, "match");
        row("re optional literal", "CommandLine|re", {"abx?c"}, S, {"CommandLine=abc"}, "match");
        row("re zero repeat", "CommandLine|re", {"abx{0}c"}, S, {"CommandLine=abc"}, "match");
        row("re top-level alternation", "CommandLine|re", {"xyz|abc"}, S, {"CommandLine=abc"}, "match");
        row("re group", "CommandLine|re", {"a(x|b)c"}, S, {"CommandLine=abc"}, "match");
        row("re class", "CommandLine|re", {"a[]x]c"}, S, {"CommandLine=a]c"}, "match");
        row("re inline option", "CommandLine|re", {"(?i)ABC"}, S, {"CommandLine=abc"}, "match");
        row("re i letters", "CommandLine|re|i", {"AB\\.C.*D"}, S, {"CommandLine=ab.c d"}, "match");
        row("re i punctuation run", "CommandLine|re|i", {"a\\+.*b"}, S, {"CommandLine=A-B"}, "no");
        row("re escaped brace", "CommandLine|re", {"\\{.*\\{"}, S, {"CommandLine={x{"}, "match");
        row("re long subject", "CommandLine|re",
            {"\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+"}, S,
            {"CommandLine=" + QString("ab+cd").repeated(400)}, "match");
        row("re catastrophic is an error", "CommandLine|re", {"^(a+)+$"}, S,
            {"CommandLine=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}, "error");

        // cidr
        row("cidr v4", "DestinationIp|cidr", {"10.0.0.0/8"}, S, {"DestinationIp=10.1.2.3"}, "match");
        row("cidr v4 outside", "DestinationIp|cidr", {"10.0.0.0/8"}, S, {"DestinationIp=11.0.0.1"}, "no");
        row("cidr v4 /32 without prefix", "DestinationIp|cidr", {"192.168.1.1"}, S, {"DestinationIp=192.168.1.1"},
            "match");
        row("cidr v4 odd prefix", "DestinationIp|cidr", {"192.168.1.128/25"}, S, {"DestinationIp=192.168.1.127"}, "no");
        row("cidr v6 compressed", "DestinationIp|cidr", {"2001:db8::/32"}, S, {"DestinationIp=2001:db8::1"}, "match");
        row("cidr v6 full form", "DestinationIp|cidr", {"2001:db8::/32"}, S,
            {"DestinationIp=2001:0DB8:0000:0000:0000:0000:0000:0001"}, "match");
        row("cidr v6 outside", "DestinationIp|cidr", {"2001:db8::/32"}, S, {"DestinationIp=2001:db9::1"}, "no");
        row("cidr v6 link-local with zone", "DestinationIp|cidr", {"fe80::/10"}, S, {"DestinationIp=fe80::1%eth0"},
            "match");
        row("cidr v6 loopback", "DestinationIp|cidr", {"::1/128"}, S, {"DestinationIp=0:0:0:0:0:0:0:1"}, "match");
        row("cidr v6 embedded v4 notation", "DestinationIp|cidr", {"64:ff9b::/96"}, S,
            {"DestinationIp=64:ff9b::192.0.2.33"}, "match");
        row("cidr v4-mapped v6 in v4 net", "DestinationIp|cidr", {"10.0.0.0/8"}, S, {"DestinationIp=::ffff:10.1.2.3"},
            "match");
        row("cidr v4 address vs v6 net", "DestinationIp|cidr", {"2001:db8::/32"}, S, {"DestinationIp=10.1.2.3"}, "no");
        row("cidr not an ip", "DestinationIp|cidr", {"10.0.0.0/8"}, S, {"DestinationIp=10.x"}, "no");

        // exists / null
        row("exists true present", "Image|exists", {"true"}, B, {"Image=x"}, "match");
        row("exists true absent", "Image|exists", {"true"}, B, {"Other=x"}, "absent");
        row("exists false absent", "Image|exists", {"false"}, B, {"Other=x"}, "match");
        row("exists false present", "Image|exists", {"false"}, B, {"Image="}, "no");
        row("null absent", img, {""}, N, {"Other=x"}, "match");
        row("null empty", img, {""}, N, {"Image="}, "match");
        row("null value", img, {""}, N, {"Image=x"}, "no");

        // fieldref
        row("fieldref equal", "ParentImage|fieldref", {"Image"}, S, {"Image=C:\\A.exe", "ParentImage=c:\\a.exe"},
            "match");
        row("fieldref differs", "ParentImage|fieldref", {"Image"}, S, {"Image=C:\\A.exe", "ParentImage=c:\\b.exe"},
            "no");
        row("fieldref other absent", "ParentImage|fieldref", {"Image"}, S, {"ParentImage=c:\\b.exe"}, "no");
        row("fieldref neq", "ParentImage|fieldref|neq", {"Image"}, S, {"Image=a", "ParentImage=b"}, "match");
        row("fieldref endswith", "ParentImage|fieldref|endswith", {"Image"}, S,
            {"Image=a.exe", "ParentImage=c:\\a.exe"}, "match");

        // base64 / base64offset (each offset) / utf16
        row("base64", "CommandLine|base64", {"whoami"}, S, {"CommandLine=" + b64("whoami")}, "match");
        row("base64 negative", "CommandLine|base64", {"whoami"}, S, {"CommandLine=" + b64("whoam")}, "no");
        row("base64 contains", "CommandLine|base64|contains", {"whoami"}, S,
            {"CommandLine=echo " + b64("whoami") + " | base64 -d"}, "match");
        for (int offset = 0; offset < 3; ++offset) {
            for (const char* tail : {"", "x", "xy"}) {
                const QByteArray plain = QByteArray(offset, 'Q') + "/bin/bash -i" + tail;
                const QString name = QStringLiteral("base64offset offset %1 tail %2").arg(offset).arg(strlen(tail));
                QTest::newRow(qPrintable(name))
                    << QStringLiteral("CommandLine|base64offset|contains") << QStringList{"/bin/bash -i"} << S
                    << QStringList{"CommandLine=echo " + b64(plain)} << "match";
            }
        }
        row("base64offset negative", "CommandLine|base64offset|contains", {"/bin/bash -i"}, S,
            {"CommandLine=" + b64("/bin/sh -i")}, "no");
        for (int offset = 0; offset < 3; ++offset) {
            const QByteArray plain = QByteArray(offset * 2, 'A') + utf16le(QStringLiteral("Invoke-Mimikatz"));
            QTest::newRow(qPrintable(QStringLiteral("utf16le base64offset offset %1").arg(offset)))
                << QStringLiteral("CommandLine|utf16le|base64offset|contains") << QStringList{"Invoke-Mimikatz"} << S
                << QStringList{"CommandLine=powershell -enc " + b64(plain)} << "match";
        }
        row("wide alias", "CommandLine|wide|base64offset|contains", {"Invoke"}, S,
            {"CommandLine=" + b64(utf16le(QStringLiteral("xInvoke")))}, "match");
        row("utf16be", "CommandLine|utf16be|base64", {"ab"}, S, {"CommandLine=" + b64(utf16be(QStringLiteral("ab")))},
            "match");
        row("utf16be is not le", "CommandLine|utf16be|base64", {"ab"}, S,
            {"CommandLine=" + b64(utf16le(QStringLiteral("ab")))}, "no");
        row("utf16 with BOM", "CommandLine|utf16|base64", {"ab"}, S,
            {"CommandLine=" + b64(QByteArray("\xFF\xFE") + utf16le(QStringLiteral("ab")))}, "match");
        row("utf16 needs BOM", "CommandLine|utf16|base64", {"ab"}, S,
            {"CommandLine=" + b64(utf16le(QStringLiteral("ab")))}, "no");

        // windash: -, /, en dash, em dash, horizontal bar (pySigma: only where \B[-/]\b holds)
        const QStringList dashes = {"-", "/", QString(QChar(0x2013)), QString(QChar(0x2014)), QString(QChar(0x2015))};
        for (const auto& rule : {QStringLiteral(" -enc "), QStringLiteral(" /enc ")})
            for (const auto& d : dashes)
                QTest::newRow(qPrintable(QStringLiteral("windash rule '%1' event U+%2")
                                             .arg(rule.trimmed())
                                             .arg(d[0].unicode(), 4, 16, QLatin1Char('0'))))
                    << QStringLiteral("CommandLine|windash|contains") << QStringList{rule} << S
                    << QStringList{"CommandLine=powershell " + d + "enc abc"} << "match";
        row("windash other char", "CommandLine|windash|contains", {" -enc "}, S, {"CommandLine=powershell +enc abc"},
            "no");
        row("windash pySigma: not inside a word", "CommandLine|windash|contains", {"a-b"}, S, {"CommandLine=xa/bx"},
            "no");
        row("windash pySigma: inside a word kept", "CommandLine|windash|contains", {"a-b"}, S, {"CommandLine=xa-bx"},
            "match");
        row("windash at value start", "CommandLine|windash|startswith", {"-x"}, S, {"CommandLine=\u2014x"}, "match");

        // time parts
        const QString t = QStringLiteral("T=2024-03-05T13:45:10.123Z");
        row("minute", "T|minute", {"45"}, I, {t}, "match");
        row("minute negative", "T|minute", {"46"}, I, {t}, "no");
        row("hour", "T|hour", {"13"}, I, {t}, "match");
        row("day", "T|day", {"5"}, I, {t}, "match");
        row("week (ISO)", "T|week", {"10"}, I, {t}, "match");
        row("month", "T|month", {"3"}, I, {t}, "match");
        row("year", "T|year", {"2024"}, I, {t}, "match");
        row("year negative", "T|year", {"2023"}, I, {t}, "no");
        row("hour gt", "T|hour|gt", {"12"}, I, {t}, "match");
        row("hour lt negative", "T|hour|lt", {"12"}, I, {t}, "no");
        row("time with space", "T|hour", {"8"}, I, {"T=2020-10-23 08:36:51.890"}, "match");
        row("week at year start (ISO week 53 of 2020)", "T|week", {"53"}, I, {"T=2021-01-01T00:00:00Z"}, "match");

        // Keywords: any value of the event, anywhere in it (pySigma: full-text search).
        row("keyword", QString(), {"mimikatz"}, S, {"Image=x", "CommandLine=run Mimikatz.exe"}, "match");
        row("keyword negative", QString(), {"mimikatz"}, S, {"Image=x", "CommandLine=run"}, "no");
        row("keyword list OR", QString(), {"aaa", "bbb"}, S, {"A=x", "B=xbbbx"}, "match");
        row("keyword |all", "|all", {"aaa", "bbb"}, S, {"A=xaaa", "B=xbbbx"}, "match");
        row("keyword |all negative", "|all", {"aaa", "bbb"}, S, {"A=xaaa", "B=x"}, "no");
        row("keyword wildcard", QString(), {"evil*.exe"}, S, {"A=run evil123.exe now"}, "match");
    }
    void item()
    {
        QFETCH(QString, key);
        QFETCH(QStringList, values);
        QFETCH(int, type);
        QFETCH(QStringList, event);
        QFETCH(QString, expected);
        const DetectionItem item = makeItem(key, values, Value::Type(type));
        CompileOptions options;
        options.regexMatchLimit = 100000;
        // The whole item: compile with one "indicator" per value and combine like the rule does.
        Rule rule;
        rule.title = "t";
        SearchIdentifier s;
        s.name = "sel";
        s.maps.push_back(DetectionMap{{item}, {}});
        rule.detection.push_back(s);
        Condition c;
        c.text = "sel";
        c.root = ConditionNode{};
        c.root->kind = ConditionNode::Kind::Identifier;
        c.root->name = "sel";
        rule.conditions.push_back(c);
        options.scopeByLogSource = false;
        auto compiled = compileRule(rule, "test.yml", options);
        QVERIFY2(compiled.rule, compiled.diagnostics.empty() ? "" : compiled.diagnostics[0].format().c_str());
        const Event e = eventFromPairs(event);
        const Explanation ex = compiled.rule->explain(e);
        // The item node: rule -> condition -> search -> map -> item
        const ExplainNode& cond = ex.root.children.back();
        const ExplainNode& search = cond.children.at(0);
        const ExplainNode& itemNode = search.children.at(0).children.at(0);
        QCOMPARE(QString::fromLatin1(outcomeKey(itemNode.outcome)), expected);
        QCOMPARE(compiled.rule->matches(e), expected == QLatin1String("match"));
        QCOMPARE(ex.matched, expected == QLatin1String("match"));
        if (expected == QLatin1String("error"))
            QVERIFY(!ex.diagnostics.empty());
        // A single value alone gives the same answer through compileIndicator (the corpus helper's entry).
        if (values.size() == 1) {
            auto ind = compileIndicator(item, 0, "test.yml", options);
            QVERIFY(ind.indicator);
            QCOMPARE(QString::fromLatin1(outcomeKey(ind.indicator->evaluate(e))), expected);
        }
    }

    void compileErrors_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("values");
        QTest::addColumn<QString>("code");
        QTest::newRow("bad regex") << "A|re" << QStringList{"(unclosed"} << "invalid-regex";
        QTest::newRow("bad cidr") << "A|cidr" << QStringList{"10.0.0.0/40"} << "invalid-cidr";
        QTest::newRow("cidr not ip") << "A|cidr" << QStringList{"ten"} << "invalid-cidr";
        // The parser's codes for the same defects (rule/parser.cpp), not an engine code of its own.
        QTest::newRow("gt not a number") << "A|gt" << QStringList{"abc"} << "comparison-not-number";
        QTest::newRow("exists not boolean") << "A|exists" << QStringList{"maybe"} << "exists-not-boolean";
        QTest::newRow("unresolved placeholder")
            << "A|expand" << QStringList{"%missing%\\x"} << "unresolved-placeholder";
        QTest::newRow("base64 with wildcard") << "A|base64" << QStringList{"a*b"} << "wildcard-in-encoded-value";
    }
    void compileErrors()
    {
        QFETCH(QString, key);
        QFETCH(QStringList, values);
        QFETCH(QString, code);
        DetectionItem item = makeItem(key, values);
        item.values[0].span = SourceSpan{{7, 5}, {7, 9}};
        auto r = compileIndicator(item, 0, "rules/x.yml");
        QVERIFY(!r.indicator);
        QVERIFY(!r.diagnostics.empty());
        QCOMPARE(QString::fromStdString(r.diagnostics[0].code), code);
        // The message names the file and the line.
        const QString formatted = QString::fromStdString(r.diagnostics[0].format());
        QVERIFY2(formatted.startsWith(QLatin1String("rules/x.yml:7:")), qPrintable(formatted));
    }

    void expandPlaceholders_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<bool>("expected");
        QTest::newRow("first value") << "C:\\Temp\\evil.exe" << true;
        QTest::newRow("second value") << "c:\\users\\public\\evil.exe" << true;
        QTest::newRow("other dir") << "C:\\Windows\\evil.exe" << false;
    }
    void expandPlaceholders()
    {
        QFETCH(QString, image);
        QFETCH(bool, expected);
        Diagnostics d;
        CompileOptions options;
        options.placeholders = loadPlaceholdersText("dirs:\n  - 'C:\\Temp'\n  - 'C:\\Users\\Public'\n", "p.yml", d);
        QVERIFY(d.empty());
        auto r = compileIndicator(makeItem("Image|expand", {"%dirs%\\evil.exe"}), 0, "x.yml", options);
        QVERIFY(r.indicator);
        QCOMPARE(r.indicator->matches(eventFromPairs({"Image=" + image})), expected);
    }

    void placeholderFileErrors()
    {
        Diagnostics d;
        loadPlaceholdersText("a: [1, 2\n", "p.yml", d);
        QVERIFY(!d.empty());
        QVERIFY(QString::fromStdString(d[0].format()).startsWith(QLatin1String("p.yml:")));
    }

    void globShapes_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("expected");
        QTest::newRow("general star question") << "*a?c*"
                                               << "xxabcxx" << true;
        QTest::newRow("general backtrack") << "*ab*abc"
                                           << "ababxabc" << true;
        QTest::newRow("general last chunk at end") << "*abc"
                                                   << "abcabcab" << false;
        QTest::newRow("only stars") << "**"
                                    << "anything" << true;
        QTest::newRow("question alone") << "?"
                                        << "" << false;
        QTest::newRow("question multibyte") << "?"
                                            << "\u00e9" << true;
    }
    void globShapes()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, text);
        QFETCH(bool, expected);
        engine::Glob g(engine::SigmaString::parse(pattern.toStdString()), true);
        QCOMPARE(g.match(text.toStdString()), expected);
    }
};

QTEST_GUILESS_MAIN(TestEngineMatchers)
#include "tst_engine_matchers.moc"
