// The vendor query readers against hand-checked cases (tests/data/query/*.cases): for each query,
// the predicate tree (describePredicate), the indicators it gives in the Sigma model and their
// positions, or the syntax error and where it is.
//
// Case file format:
//   === case name
//   <query, one or more lines>
//   --- tree
//   <describePredicate() of the tree, one line>
//   --- indicators              (optional: every indicator, in order)
//   <looks_for|excludes> <canonical field> <kind> <value> @line:column
//   --- notes                   (optional: every note, in order)
//   <kind> <text>
//   --- error                   (instead of tree: the query cannot be read)
//   line:column message
#include "corpus/vendorindicators.h"
#include "query/query.h"
#include "testsupport.h"

#include <QFile>
#include <QTest>

using namespace sigma;

namespace {

struct Case {
    QString name;
    std::string query;
    std::string tree;
    QStringList indicators;
    QStringList notes;
    QString error;
    bool hasIndicators = false;
    bool hasNotes = false;
};

QList<Case> readCases(const QString& file)
{
    QFile f(sigmatest::dataPath(QStringLiteral("query/") + file));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    QList<Case> out;
    QString section;
    QStringList queryLines;
    auto flushQuery = [&] {
        if (!out.isEmpty() && !queryLines.isEmpty())
            out.last().query = queryLines.join(QLatin1Char('\n')).toStdString();
        queryLines.clear();
    };
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        if (line.startsWith(QLatin1String("=== "))) {
            flushQuery();
            out.append(Case{});
            out.last().name = line.mid(4).trimmed();
            section = QStringLiteral("query");
            continue;
        }
        if (line.startsWith(QLatin1String("--- "))) {
            if (section == QLatin1String("query"))
                flushQuery();
            section = line.mid(4).trimmed();
            if (section == QLatin1String("indicators"))
                out.last().hasIndicators = true;
            if (section == QLatin1String("notes"))
                out.last().hasNotes = true;
            continue;
        }
        if (out.isEmpty() ||
            (section != QLatin1String("query") && (line.isEmpty() || line.startsWith(QLatin1Char('#')))))
            continue;
        Case& c = out.last();
        if (section == QLatin1String("query"))
            queryLines.append(line);
        else if (section == QLatin1String("tree"))
            c.tree = line.toStdString();
        else if (section == QLatin1String("indicators"))
            c.indicators.append(line);
        else if (section == QLatin1String("notes"))
            c.notes.append(line);
        else if (section == QLatin1String("error"))
            c.error = line;
    }
    flushQuery();
    return out;
}

QString indicatorLine(const Indicator& i)
{
    return QStringLiteral("%1 %2 %3 %4 @%5:%6")
        .arg(QLatin1String(i.excluded ? "excludes" : "looks_for"), QString::fromStdString(i.field),
             QLatin1String(indicatorKindName(i.kind)), QString::fromStdString(i.value))
        .arg(i.span.begin.line)
        .arg(i.span.begin.column);
}

void addCases(const QString& file)
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<int>("index");
    const auto cases = readCases(file);
    QVERIFY2(cases.size() >= 5, qPrintable(file));
    for (int i = 0; i < cases.size(); ++i)
        QTest::addRow("%s", qPrintable(cases[i].name)) << file.section(QLatin1Char('.'), 0, 0) << i;
}

} // namespace

class TestQueryReaders : public QObject {
    Q_OBJECT

private:
    SplMacros m_macros;

    void check()
    {
        QFETCH(QString, language);
        QFETCH(int, index);
        const Case c = readCases(language + QStringLiteral(".cases")).at(index);
        QueryLanguage lang{};
        QVERIFY(queryLanguageFromName(language.toStdString(), &lang));
        QueryOptions options;
        options.splMacros = &m_macros;
        const ParsedQuery q = parseQuery(lang, QuerySource(c.query, "case"), options);
        if (!c.error.isEmpty()) {
            QVERIFY2(!q.analysed(), "the query was read but should not be");
            const Diagnostic& d = q.diagnostics.front();
            const QString got = QStringLiteral("%1:%2 %3")
                                    .arg(d.span.begin.line)
                                    .arg(d.span.begin.column)
                                    .arg(QString::fromStdString(d.message));
            QCOMPARE(got, c.error);
            QCOMPARE(d.code, std::string("query-syntax"));
            QVERIFY(queryIndicators(q).empty());
            return;
        }
        QVERIFY2(q.analysed(), q.diagnostics.empty() ? "" : q.diagnostics.front().format().c_str());
        QCOMPARE(QString::fromStdString(describePredicate(q.root)), QString::fromStdString(c.tree));
        if (c.hasIndicators) {
            QStringList got;
            for (const auto& i : queryIndicators(q))
                got.append(indicatorLine(i));
            QCOMPARE(got, c.indicators);
        }
        if (c.hasNotes) {
            QStringList got;
            for (const auto& n : q.notes)
                got.append(QLatin1String(queryNoteKindName(n.kind)) + QLatin1Char(' ') +
                           QString::fromStdString(n.text));
            QCOMPARE(got, c.notes);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        Diagnostics d;
        m_macros.addFolder(sigmatest::dataPath(QStringLiteral("query/macros")).toStdString(), &d);
        QVERIFY(d.empty());
        QVERIFY(m_macros.size() >= 5);
    }

    void kql_data() { addCases(QStringLiteral("kuery.cases")); }
    void kql() { check(); }
    void eql_data() { addCases(QStringLiteral("eql.cases")); }
    void eql() { check(); }
    void esql_data() { addCases(QStringLiteral("esql.cases")); }
    void esql() { check(); }
    void spl_data() { addCases(QStringLiteral("spl.cases")); }
    void spl() { check(); }
    void lucene_data() { addCases(QStringLiteral("lucene.cases")); }
    void lucene() { check(); }

    /// Spans of nodes on later lines count lines and columns in the query text.
    void positionsOnLaterLines()
    {
        const ParsedQuery q = parseEql(QuerySource("process where\n  process.name : \"netsh.exe\" and\n"
                                                   "  process.args : \"advfirewall\""));
        const auto inds = queryIndicators(q);
        QCOMPARE(inds.size(), std::size_t(2));
        QCOMPARE(inds[0].span.begin, (SourcePos{2, 18}));
        QCOMPARE(inds[0].span.end, (SourcePos{2, 29}));
        QCOMPARE(inds[0].fieldSpan.begin, (SourcePos{2, 3}));
        QCOMPARE(inds[1].span.begin, (SourcePos{3, 18}));
        QCOMPARE(inds[1].itemSpan.begin, (SourcePos{3, 3}));
    }

    /// A predicate that comes from a macro stands at the macro call in the search.
    void macroExpansionStandsAtTheCall()
    {
        QueryOptions options;
        options.splMacros = &m_macros;
        const ParsedQuery q = parseSpl(QuerySource("| tstats count from datamodel=Endpoint.Processes where "
                                                   "`process_netsh` by Processes.dest"),
                                       &m_macros);
        QVERIFY(q.analysed());
        const auto inds = queryIndicators(q);
        QCOMPARE(inds.size(), std::size_t(2));
        QCOMPARE(inds[0].span.begin, (SourcePos{1, 56}));
        QCOMPARE(inds[0].span.end, (SourcePos{1, 71}));
    }

    /// Hostile nesting is refused with a diagnostic instead of exhausting the stack.
    void deepNestingIsAnError_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("query");
        const QString open = QString(150, QLatin1Char('(')), close = QString(150, QLatin1Char(')'));
        QTest::addRow("kuery") << "kuery" << open + QStringLiteral("a:1") + close;
        QTest::addRow("kuery not") << "kuery" << QStringLiteral("not (").repeated(150) + QStringLiteral("a:1") + close;
        QTest::addRow("eql") << "eql" << QStringLiteral("any where ") + open + QStringLiteral("a == 1") + close;
        QTest::addRow("esql") << "esql" << QStringLiteral("from x | where ") + open + QStringLiteral("a == 1") + close;
        QTest::addRow("lucene") << "lucene" << open + QStringLiteral("a:1") + close;
        QTest::addRow("spl search") << "spl" << open + QStringLiteral("a=1") + close;
        QTest::addRow("spl where") << "spl" << QStringLiteral("x | where ") + open + QStringLiteral("a=1") + close;
        QTest::addRow("spl joins") << "spl"
                                   << QStringLiteral("x | join a [search y | join a [").repeated(60) +
                                          QString(120, QLatin1Char(']'));
    }
    void deepNestingIsAnError()
    {
        QFETCH(QString, language);
        QFETCH(QString, query);
        QueryLanguage lang{};
        QVERIFY(queryLanguageFromName(language.toStdString(), &lang));
        QueryOptions options;
        options.splMacros = &m_macros;
        const ParsedQuery q = parseQuery(lang, QuerySource(query.toStdString()), options);
        QVERIFY(!q.analysed());
        QVERIFY2(q.diagnostics.front().message.starts_with("the query is nested too deeply"),
                 q.diagnostics.front().message.c_str());
        // 100 levels still read
        const QString open = QString(90, QLatin1Char('(')), close = QString(90, QLatin1Char(')'));
        if (language == QLatin1String("kuery") || language == QLatin1String("lucene"))
            QVERIFY(
                parseQuery(lang, QuerySource(QString(open + QStringLiteral("a:1") + close).toStdString())).analysed());
    }

    /// Macros that call themselves are refused, not expanded forever.
    void recursiveMacroIsAnError()
    {
        SplMacros macros;
        macros.add({"loop", {}, "a=1 `loop`", {}});
        const ParsedQuery q = parseSpl(QuerySource("index=x `loop`"), &macros);
        QVERIFY(!q.analysed());
        QCOMPARE(q.diagnostics.front().message, std::string("the macro 'loop' expands itself"));
        QCOMPARE(q.diagnostics.front().span.begin, (SourcePos{1, 9}));
    }
};

QTEST_GUILESS_MAIN(TestQueryReaders)
#include "tst_query_readers.moc"
