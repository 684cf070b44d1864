// "New rule from selection" (issue 17 item 3): fields ticked in Event Detail and events selected in
// the Test pane give a new untitled rule tab (the text of tests/data/fromevent/*.expected.yml, id
// and date aside), evaluated at once: its source events match; the hover on a field name of it.
#include "corpus/corpusfeatures.h"
#include "eventfieldsmodel.h"
#include "eventsmodel.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QAction>
#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sigmaui;

namespace {

QString fileText(const QString& relative)
{
    QFile f(sigmatest::dataPath(relative));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// The id and date lines replaced by placeholders (the workbench makes a new id, dated today).
QString withoutIdAndDate(QString text)
{
    text.replace(QRegularExpression(QStringLiteral("\nid: [^\n]*\n")), QStringLiteral("\nid: ID\n"));
    text.replace(QRegularExpression(QStringLiteral("\ndate: [^\n]*\n")), QStringLiteral("\ndate: DATE\n"));
    return text;
}

int rowOf(const EventFieldsModel* model, const QString& field)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->fieldAt(r) == field)
            return r;
    return -1;
}

} // namespace

class TestUiFromEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void newRuleFromSelection_data()
    {
        QTest::addColumn<QList<int>>("rows"); // 0-based rows of fromevent/events.xml
        QTest::addColumn<QStringList>("fields");
        QTest::addColumn<QString>("expected");
        QTest::newRow("sysmon 1") << QList<int>{0}
                                  << QStringList{QStringLiteral("ProcessId"), QStringLiteral("Image"),
                                                 QStringLiteral("CommandLine"), QStringLiteral("IntegrityLevel"),
                                                 QStringLiteral("ParentImage")}
                                  << "sysmon1.expected.yml";
        QTest::newRow("two security 4688")
            << QList<int>{1, 2}
            << QStringList{QStringLiteral("SubjectUserName"), QStringLiteral("NewProcessName"),
                           QStringLiteral("CommandLine"), QStringLiteral("ParentProcessName"),
                           QStringLiteral("MandatoryLabel")}
            << "security4688.expected.yml";
    }
    void newRuleFromSelection()
    {
        QFETCH(QList<int>, rows);
        QFETCH(QStringList, fields);
        QFETCH(QString, expected);
        sigmatest::TestWindow test;
        MainWindow& window = *test.window;
        QSignalSpy loaded(&window, &MainWindow::eventsLoaded);
        window.loadEvents({sigmatest::dataPath(QStringLiteral("fromevent/events.xml"))});
        QVERIFY(loaded.wait(10000));
        QTRY_COMPARE(window.eventsModel()->rowCount(), 6);

        window.context()->selectEvents(rows);
        QTRY_COMPARE(window.selectedEvent(), rows.front());
        EventFieldsModel* model = window.eventFieldsModel();
        QTRY_VERIFY(rowOf(model, fields.front()) >= 0);
        QAction* action = nullptr;
        for (QAction* a : window.eventFieldsView()->actions())
            if (a->text() == QLatin1String("New Rule from Selection"))
                action = a;
        QVERIFY(action);
        QVERIFY(!action->isEnabled()); // nothing ticked yet
        for (const QString& f : fields) {
            const int row = rowOf(model, f);
            QVERIFY2(row >= 0, qPrintable(f));
            QVERIFY(model->flags(model->index(row, EventFieldsModel::FieldColumn)) & Qt::ItemIsUserCheckable);
            QVERIFY(model->setData(model->index(row, EventFieldsModel::FieldColumn), Qt::Checked, Qt::CheckStateRole));
            QCOMPARE(model->index(row, EventFieldsModel::FieldColumn).data(Qt::CheckStateRole).toInt(),
                     int(Qt::Checked));
        }
        QVERIFY(action->isEnabled());

        const int tabs = window.tabCount();
        action->trigger();
        QTRY_COMPARE(window.tabCount(), tabs + 1);
        QVERIFY(window.filePathAt(window.currentTab()).isEmpty()); // untitled
        const QString text = window.currentEditor()->toPlainText();
        QCOMPARE(withoutIdAndDate(text), withoutIdAndDate(fileText(QStringLiteral("fromevent/") + expected)));
        QVERIFY(text.contains(QStringLiteral("\ndate: ") +
                              QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate) + QLatin1Char('\n')));
        QVERIFY(QRegularExpression(QStringLiteral("\nid: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                                  "[0-9a-f]{12}\n"))
                    .match(text)
                    .hasMatch());

        // Tested at once: exactly the source events match.
        const auto matched = [&window] {
            QList<int> out;
            for (int r = 0; r < window.eventsModel()->rowCount(); ++r)
                if (window.eventsModel()->verdict(r) == Verdict::Match)
                    out.append(r);
            return out;
        };
        QTRY_COMPARE(matched(), rows);

        // Hover on a field name: the catalog events of the rule's log source that carry it.
        const QStringList lines = text.split(QLatin1Char('\n'));
        int imageLine = 0;
        for (int i = 0; i < lines.size(); ++i)
            if (lines.at(i).startsWith(QLatin1String("        Image")))
                imageLine = i + 1;
        QVERIFY(imageLine > 0);
        RuleEditor* editor = window.currentEditor();
        QTRY_VERIFY(!window.corpusFeatures()->hoverTextAt(editor, imageLine, 10).isEmpty());
        const QString hover = window.corpusFeatures()->hoverTextAt(editor, imageLine, 10);
        QVERIFY2(hover.startsWith(QStringLiteral("Image: in Security-Auditing 4688 A new process has been created (as "
                                                 "NewProcessName); Sysmon 1 Process creation\nAlso in: ")),
                 qPrintable(hover));
        // ... and what the field holds (resources/data/field-descriptions.tsv)
        QVERIFY2(hover.endsWith(QStringLiteral(
                     "\nFull path of the executable of the process (Sysmon; Security 4688 calls it NewProcessName)")),
                 qPrintable(hover));

        // The ticks stay when another event is shown, and clear on request.
        window.selectEvent(5);
        QTRY_COMPARE(window.selectedEvent(), 5);
        QCOMPARE(model->tickedFields().size(), fields.size());
        model->clearTicks();
        QVERIFY(!action->isEnabled());
    }

    void errorWithoutCommonField()
    {
        sigmatest::TestWindow test;
        MainWindow& window = *test.window;
        QSignalSpy loaded(&window, &MainWindow::eventsLoaded);
        window.loadEvents({sigmatest::dataPath(QStringLiteral("fromevent/events.xml"))});
        QVERIFY(loaded.wait(10000));
        window.context()->selectEvents({0, 3}); // Sysmon 1 and Security 4624 share no field ticked
        QTRY_COMPARE(window.selectedEvent(), 0);
        const int tabs = window.tabCount();
        QVERIFY(!window.newRuleFromSelection({QStringLiteral("Image")}));
        QCOMPARE(window.tabCount(), tabs);
        QVERIFY2(window.banner()->text().contains(QStringLiteral("No rule made")), qPrintable(window.banner()->text()));
    }
};

QTEST_MAIN(TestUiFromEvent)
#include "tst_ui_fromevent.moc"
