// core/util/glob.h: the x-of identifier pattern (`1 of selection*`), one function for the
// condition checks, the engine and the corpus.
#include "util/glob.h"

#include <QTest>

class TestGlob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void patterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("match");
        QTest::newRow("exact") << "selection"
                               << "selection" << true;
        QTest::newRow("exact is whole") << "sel"
                                        << "selection" << false;
        QTest::newRow("prefix") << "filter*"
                                << "filter_thor" << true;
        QTest::newRow("prefix, empty run") << "filter*"
                                           << "filter" << true;
        QTest::newRow("prefix no") << "filter*"
                                   << "selection" << false;
        QTest::newRow("infix") << "sel*_a"
                               << "sel_x_a" << true;
        QTest::newRow("infix no") << "sel*_a"
                                  << "sel_x_b" << false;
        QTest::newRow("backtrack") << "*_main_*"
                                   << "a_main_main_" << true;
        QTest::newRow("star only") << "*"
                                   << "" << true;
        QTest::newRow("empty pattern") << ""
                                       << "a" << false;
        QTest::newRow("case-sensitive") << "Selection*"
                                        << "selection" << false;
        // `?` stands for itself: the specification names `*` as the only wildcard of x-of
        // patterns, and pySigma (sigma/conditions.py, ConditionSelector.resolve_referenced_detections)
        // turns only `*` into `.*` (its grammar, Word(alphanums + "*_"), does not even admit `?`).
        QTest::newRow("? is literal") << "sel?"
                                      << "sel?" << true;
        QTest::newRow("? is no wildcard") << "sel?"
                                          << "sel1" << false;
        QTest::newRow("? after *") << "*?"
                                   << "a" << false;
        QTest::newRow("many stars") << "a*b*c*d"
                                    << "aXbYbZcWd" << true;
    }
    void patterns()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, text);
        QFETCH(bool, match);
        QCOMPARE(sigma::starPatternMatches(pattern.toStdString(), text.toStdString()), match);
    }

    void hostilePatternStaysQuick()
    {
        // Backtracking to the last `*` only: a pattern of many stars against a long near-miss
        // finishes (quadratic at worst) instead of exploring every split.
        const std::string pattern = std::string(60, '*') + 'b';
        const std::string text(20000, 'a');
        QVERIFY(!sigma::starPatternMatches(pattern, text));
    }
};

QTEST_GUILESS_MAIN(TestGlob)
#include "tst_glob.moc"
