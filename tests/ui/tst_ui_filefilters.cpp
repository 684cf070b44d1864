// The file dialogs' name filters offer every event file the loaders read (issue 13: the Open
// dialog left out .ndjson while Load Events had it).
#include "filefilters.h"

#include "events/eventfiles.h"

#include <QTest>

class TestUiFileFilters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyExtensionInEveryFilter()
    {
        const QString events = sigmaui::eventFileFilter();
        const QString open = sigmaui::ruleAndEventFileFilter();
        for (const auto ext : sigma::eventFileExtensions()) {
            const QString pattern = QLatin1Char('*') + QString::fromUtf8(ext.data(), qsizetype(ext.size()));
            QVERIFY2(events.contains(pattern + QLatin1Char(' ')) || events.contains(pattern + QLatin1Char(')')),
                     qPrintable(events));
            // In "Rules and events" and in "Events" of the Open dialog.
            QCOMPARE(open.count(pattern + QLatin1Char(' ')) + open.count(pattern + QLatin1Char(')')), 2);
        }
        QVERIFY(events.contains(QStringLiteral("*.ndjson")));
        QVERIFY(open.contains(QStringLiteral("*.ndjson")));
        QCOMPARE(events, QStringLiteral("Events (*.evtx *.xml *.json *.jsonl *.ndjson);;All files (*)"));
        QCOMPARE(open, QStringLiteral("Rules and events (*.yml *.yaml *.evtx *.xml *.json *.jsonl *.ndjson);;Sigma "
                                      "rules (*.yml *.yaml);;Events (*.evtx *.xml *.json *.jsonl *.ndjson);;All files "
                                      "(*)"));
    }
};

QTEST_MAIN(TestUiFileFilters)
#include "tst_ui_filefilters.moc"
