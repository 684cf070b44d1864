// The live workbench (issue 7 acceptance): typing updates the match count, selecting an event
// marks the predicates in the editor, syntax errors go to Problems while the old verdicts stay
// (greyed), autosave → crash → recovery, a file that is not events gives an error banner, panes.
#include "eventfieldsmodel.h"
#include "eventsfilterproxy.h"
#include "eventsmodel.h"
#include "explanationmodel.h"
#include "liveevaluator.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "problemsmodel.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"
#include "testscontroller.h"

#include "testsupport.h"

#include <QCheckBox>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTreeView>

using namespace sigmaui;

namespace {
QString fixture(const char* name)
{
    return sigmatest::dataPath(QStringLiteral("ui/") + QLatin1String(name));
}

/// Replaces `from` (first occurrence) by `to` with real key presses at that place.
void typeOver(RuleEditor* editor, const QString& from, const QString& to)
{
    const int at = int(editor->toPlainText().indexOf(from));
    QVERIFY2(at >= 0, qPrintable(from));
    QTextCursor c = editor->textCursor();
    c.setPosition(at);
    c.setPosition(at + int(from.size()), QTextCursor::KeepAnchor);
    editor->setTextCursor(c);
    QTest::keyClick(editor, Qt::Key_Delete);
    QTest::keyClicks(editor, to);
}

/// Recovery copies (autosaves of unsaved work) under a recovery folder.
int recoveryCopies(const QString& folder)
{
    int count = 0;
    QDirIterator it(folder, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

/// The text a mark covers.
QString markedText(const RuleEditor* editor, const EditorMark& m)
{
    const QTextBlock block = editor->document()->findBlockByNumber(m.line - 1);
    if (m.endLine != m.line)
        return block.text().mid(m.column - 1);
    return block.text().mid(m.column - 1, m.endColumn - m.column);
}

const EditorMark* findMark(const RuleEditor* editor, int line, const QString& text)
{
    for (const auto& m : editor->marks(MarkLayer::Predicates))
        if (m.line == line && markedText(editor, m) == text)
            return &m;
    return nullptr;
}

/// The first error among the problems (warnings of the linter may come before it).
Problem firstError(const ProblemsModel* model)
{
    for (const Problem& p : model->problems())
        if (p.severity == sigma::Severity::Error)
            return p;
    return {};
}

int rowOf(const ProblemsModel* model, const Problem& problem)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->problems().at(r).line == problem.line && model->problems().at(r).message == problem.message)
            return r;
    return -1;
}

struct Workbench {
    QTemporaryDir recovery;
    SyntaxSupport syntax;
    std::unique_ptr<MainWindow> window;

    explicit Workbench(int autosaveMs = 3000, const QString& recoveryDir = {})
    {
        MainWindowOptions options;
        options.recoveryDirectory = recoveryDir.isEmpty() ? recovery.path() : recoveryDir;
        options.autosaveDelayMs = autosaveMs;
        options.restoreLayout = false;
        window = std::make_unique<MainWindow>(syntax, options);
    }

    /// Opens the fixture rule and events and waits for the first verdicts.
    bool openFixture()
    {
        QSignalSpy loaded(window.get(), &MainWindow::eventsLoaded);
        if (!window->openRuleFile(fixture("whoami.yml")))
            return false;
        window->loadEvents({fixture("events.xml")});
        if (!loaded.wait(10000))
            return false;
        return waitForSummary(QStringLiteral("1 of 4 events match"));
    }

    bool waitForSummary(const QString& prefix)
    {
        return QTest::qWaitFor([&] { return window->matchSummary().startsWith(prefix); }, 5000);
    }
};
} // namespace

class TestUiWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_workbench")); }

    void typingUpdatesMatchCount()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        QCOMPARE(wb.window->eventsModel()->verdict(0), Verdict::Match);
        QCOMPARE(wb.window->eventsModel()->verdict(1), Verdict::NoMatch);
        QCOMPARE(wb.window->eventsModel()->verdict(3), Verdict::OutOfScope);
        QVERIFY2(wb.window->matchSummary().contains(QLatin1String(" ms")), qPrintable(wb.window->matchSummary()));
        // 'jdoe' -> 'CORP': alice's whoami matches too.
        typeOver(wb.window->currentEditor(), QStringLiteral("'jdoe'"), QStringLiteral("'CORP'"));
        QVERIFY2(wb.waitForSummary(QStringLiteral("2 of 4 events match")), qPrintable(wb.window->matchSummary()));
        QCOMPARE(wb.window->eventsModel()->verdict(1), Verdict::Match);
        QCOMPARE(wb.window->eventsModel()->matchCount(), std::size_t(2));
        QVERIFY(!wb.window->eventsModel()->isStale());
        // The table shows ✓ for matches, ✗ otherwise.
        const QModelIndex v1 = wb.window->eventsModel()->index(1, EventsModel::VerdictColumn);
        QCOMPARE(v1.data().toString(), QStringLiteral("✓"));
        QCOMPARE(wb.window->eventsModel()->index(2, EventsModel::VerdictColumn).data().toString(), QStringLiteral("✗"));
    }

    // Each result is shown once: the panes that follow resultShown (Correlations, Tests, Query,
    // Impact) do their work once per keystroke, not again for the test marks known with it.
    void eachResultShownOnce()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        LiveEvaluator* evaluator = wb.window->evaluatorAt(wb.window->currentTab());
        // The first result's test marks are computed off the GUI thread; they are shown when in.
        QTRY_VERIFY(evaluator->isSettled() && !evaluator->isBusy() && !wb.window->testsController()->isBusy());
        QSignalSpy results(evaluator, &LiveEvaluator::evaluated);
        QSignalSpy shown(wb.window.get(), &MainWindow::resultShown);
        typeOver(wb.window->currentEditor(), QStringLiteral("'jdoe'"), QStringLiteral("'CORP'"));
        QVERIFY(wb.waitForSummary(QStringLiteral("2 of 4 events match")));
        QTRY_VERIFY(evaluator->isSettled() && !evaluator->isBusy() && !wb.window->testsController()->isBusy());
        QCoreApplication::processEvents();
        QVERIFY(!results.isEmpty());
        QCOMPARE(shown.size(), results.size());
    }

    void selectingEventMarksPredicates()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        RuleEditor* editor = wb.window->currentEditor();
        // alice: Image holds, User fails -> why not: the User value.
        wb.window->selectEvent(1);
        QVERIFY(!editor->marks(MarkLayer::Predicates).isEmpty());
        const EditorMark* image = findMark(editor, 9, QStringLiteral("'\\whoami.exe'"));
        QVERIFY2(image, "the Image value on line 9 is marked");
        QCOMPARE(image->kind, EditorMark::Kind::Matched);
        QCOMPARE(image->column, 25);
        QCOMPARE(image->endColumn, 38);
        const EditorMark* user = findMark(editor, 10, QStringLiteral("'jdoe'"));
        QVERIFY2(user, "the User value on line 10 is marked");
        QCOMPARE(user->kind, EditorMark::Kind::Failed);
        QCOMPARE(user->column, 24);
        QVERIFY2(user->toolTip.contains(QLatin1String("CORP\\alice")), qPrintable(user->toolTip));
        QVERIFY2(user->toolTip.startsWith(QLatin1String("Why not")), qPrintable(user->toolTip));
        const EditorMark* userKey = findMark(editor, 10, QStringLiteral("User|contains"));
        QVERIFY(userKey);
        QCOMPARE(userKey->kind, EditorMark::Kind::Failed);
        const EditorMark* definition = findMark(editor, 8, QStringLiteral("selection"));
        QVERIFY(definition);
        QCOMPARE(definition->kind, EditorMark::Kind::Failed);
        const EditorMark* reference = findMark(editor, 11, QStringLiteral("selection"));
        QVERIFY2(reference, "the identifier in the condition is marked");
        QCOMPARE(reference->kind, EditorMark::Kind::Failed);
        QVERIFY2(wb.window->explanationSummaryText().startsWith(QLatin1String("No match")),
                 qPrintable(wb.window->explanationSummaryText()));
        QVERIFY(wb.window->explanationModel()->hasExplanation());

        // The matching event turns them green.
        wb.window->selectEvent(0);
        QCOMPARE(findMark(editor, 10, QStringLiteral("'jdoe'"))->kind, EditorMark::Kind::Matched);
        QCOMPARE(findMark(editor, 11, QStringLiteral("selection"))->kind, EditorMark::Kind::Matched);
        QCOMPARE(wb.window->explanationSummaryText(), QStringLiteral("Match."));

        // The marks are editor extra selections with the mark colours.
        bool green = false;
        for (const auto& s : editor->extraSelections())
            green |= s.format.background().color().rgb() == editor->colors().matched.rgb() &&
                     s.cursor.selectedText() == QStringLiteral("'jdoe'");
        QVERIFY(green);

        // Out of scope: the log source is the reason.
        wb.window->selectEvent(3);
        QVERIFY2(wb.window->explanationSummaryText().contains(QLatin1String("log source")),
                 qPrintable(wb.window->explanationSummaryText()));
    }

    void explanationClickJumpsToSource()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        wb.window->selectEvent(1);
        ExplanationModel* model = wb.window->explanationModel();
        // Find the node of the User value and click it.
        QModelIndex found;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < model->rowCount(parent); ++r) {
                const QModelIndex i = model->index(r, 0, parent);
                const sigma::ExplainNode* n = model->nodeAt(i);
                if (n->kind == sigma::ExplainNode::Kind::Value && n->span.begin.line == 10)
                    found = i;
                walk(i);
            }
        };
        walk({});
        QVERIFY(found.isValid());
        QCOMPARE(found.sibling(found.row(), ExplanationModel::EventValueColumn).data().toString(),
                 QStringLiteral("CORP\\alice"));
        Q_EMIT wb.window->explanationView()->clicked(found);
        QCOMPARE(wb.window->currentEditor()->textCursor().blockNumber() + 1, 10);
        QCOMPARE(wb.window->currentEditor()->textCursor().positionInBlock() + 1, 24);
    }

    void syntaxErrorGoesToProblemsAndOldVerdictsStay()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        wb.window->selectEvent(0);
        RuleEditor* editor = wb.window->currentEditor();
        // An unclosed flow sequence on line 10 is a YAML syntax error.
        typeOver(editor, QStringLiteral("'jdoe'"), QStringLiteral("['jdoe'"));
        QTRY_VERIFY_WITH_TIMEOUT(wb.window->problemsModel()->errorCount() > 0, 5000);
        const Problem p = firstError(wb.window->problemsModel());
        QVERIFY2(p.line >= 10 && p.line <= 12, qPrintable(QStringLiteral("line %1: %2").arg(p.line).arg(p.message)));
        QCOMPARE(p.severity, sigma::Severity::Error);
        // The old verdicts stay, greyed out; the summary says so.
        QVERIFY(wb.window->eventsModel()->isStale());
        QCOMPARE(wb.window->eventsModel()->verdict(0), Verdict::Match);
        QCOMPARE(wb.window->eventsModel()->matchCount(), std::size_t(1));
        QVERIFY2(wb.window->matchSummary().contains(QLatin1String("errors")), qPrintable(wb.window->matchSummary()));
        QVERIFY(wb.window->eventsModel()->index(0, EventsModel::TimeColumn).data(Qt::ForegroundRole).isValid());
        // The error is underlined in the editor with its message as tooltip.
        bool underlined = false;
        for (const auto& m : editor->marks(MarkLayer::Diagnostics))
            underlined |= m.kind == EditorMark::Kind::Error && m.line == p.line;
        QVERIFY(underlined);
        QVERIFY(editor->marks(MarkLayer::Predicates).isEmpty());
        // Clicking the problem jumps to its line.
        editor->jumpTo(1, 1);
        Q_EMIT wb.window->problemsView()->clicked(
            wb.window->problemsModel()->index(rowOf(wb.window->problemsModel(), p), ProblemsModel::MessageColumn));
        QCOMPARE(editor->textCursor().blockNumber() + 1, p.line);

        // Fixing it brings fresh verdicts back.
        typeOver(editor, QStringLiteral("['jdoe'"), QStringLiteral("'jdoe'"));
        QVERIFY(wb.waitForSummary(QStringLiteral("1 of 4 events match")));
        QTRY_VERIFY(!wb.window->eventsModel()->isStale());
        QCOMPARE(wb.window->problemsModel()->errorCount(), 0);
    }

    void conditionErrorHasRightLine()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        typeOver(wb.window->currentEditor(), QStringLiteral("condition: selection"),
                 QStringLiteral("condition: selection and not"));
        QTRY_VERIFY_WITH_TIMEOUT(wb.window->problemsModel()->errorCount() > 0, 5000);
        const Problem p = firstError(wb.window->problemsModel());
        QCOMPARE(p.line, 11);
        QVERIFY2(p.column > 1, qPrintable(p.message));
        QVERIFY(wb.window->eventsModel()->isStale());
    }

    void autosaveCrashRecovery()
    {
        QTemporaryDir recoveryDir;
        QTemporaryDir work;
        const QString path = work.filePath(QStringLiteral("rule.yml"));
        QVERIFY(QFile::copy(fixture("whoami.yml"), path));
        const QByteArray original = sigmatest::readFile(path);
        {
            Workbench wb(50, recoveryDir.path());
            QVERIFY(wb.window->openRuleFile(path));
            typeOver(wb.window->currentEditor(), QStringLiteral("level: low"), QStringLiteral("level: high"));
            // The recovery copy appears a moment after the change.
            QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    QDirIterator it(recoveryDir.path(), {QStringLiteral("*.json")}, QDir::Files,
                                    QDirIterator::Subdirectories);
                    return it.hasNext();
                }(),
                5000);
            // "Crash": the window goes away without closeEvent (no save, no discard).
        }
        QCOMPARE(sigmatest::readFile(path), original);

        Workbench next(50, recoveryDir.path());
        QVERIFY(next.window->banner()->isVisibleTo(next.window.get()));
        QVERIFY2(next.window->banner()->text().contains(QLatin1String("rule.yml")),
                 qPrintable(next.window->banner()->text()));
        QVERIFY(next.window->banner()->actionButton()->isVisibleTo(next.window.get()));
        next.window->banner()->actionButton()->click();
        QCOMPARE(next.window->tabCount(), 1);
        QCOMPARE(next.window->filePathAt(0), QFileInfo(path).absoluteFilePath());
        QVERIFY(next.window->currentEditor()->toPlainText().contains(QLatin1String("level: high")));
        QVERIFY(next.window->currentEditor()->document()->isModified());
        // Undo goes back to the text on disk.
        next.window->currentEditor()->undo();
        QCOMPARE(next.window->currentEditor()->toPlainText().toUtf8(), original);
        // Once restored, it is not offered again.
        Workbench third(50, recoveryDir.path());
        QVERIFY(!third.window->banner()->isVisibleTo(third.window.get()));
    }

    void savedWorkIsNotOfferedForRecovery()
    {
        QTemporaryDir recoveryDir;
        QTemporaryDir work;
        const QString path = work.filePath(QStringLiteral("rule.yml"));
        QVERIFY(QFile::copy(fixture("whoami.yml"), path));
        {
            Workbench wb(20, recoveryDir.path());
            QVERIFY(wb.window->openRuleFile(path));
            typeOver(wb.window->currentEditor(), QStringLiteral("level: low"), QStringLiteral("level: medium"));
            QTRY_COMPARE(recoveryCopies(recoveryDir.path()), 1); // the autosave wrote one
            QVERIFY(wb.window->saveCurrent());
            QCOMPARE(recoveryCopies(recoveryDir.path()), 0);
        }
        Workbench next(20, recoveryDir.path());
        QVERIFY(!next.window->banner()->isVisibleTo(next.window.get()));
    }

    void notEventsFileShowsErrorBanner()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        QSignalSpy loaded(wb.window.get(), &MainWindow::eventsLoaded);
        wb.window->loadEvents({fixture("not-events.txt")});
        QVERIFY(loaded.wait(10000));
        QVERIFY(wb.window->banner()->isVisibleTo(wb.window.get()));
        QCOMPARE(wb.window->banner()->kind(), MessageBanner::Kind::Error);
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String("not-events.txt")),
                 qPrintable(wb.window->banner()->text()));
        // Still usable: the events and verdicts are there, editing still evaluates.
        QCOMPARE(wb.window->eventsModel()->rowCount(), 4);
        typeOver(wb.window->currentEditor(), QStringLiteral("'jdoe'"), QStringLiteral("'CORP'"));
        QVERIFY(wb.waitForSummary(QStringLiteral("2 of 4 events match")));
    }

    void filterAndMatchesOnly()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        EventsFilterProxy* proxy = wb.window->eventsProxy();
        QCOMPARE(proxy->rowCount(), 4);
        wb.window->filterEdit()->setText(QStringLiteral("alice"));
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->mapToSource(proxy->index(0, 0)).row(), 1);
        wb.window->filterEdit()->clear();
        wb.window->matchesOnlyBox()->setChecked(true);
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->mapToSource(proxy->index(0, 0)).row(), 0);
        // The filter follows new verdicts.
        typeOver(wb.window->currentEditor(), QStringLiteral("'jdoe'"), QStringLiteral("'CORP'"));
        QVERIFY(wb.waitForSummary(QStringLiteral("2 of 4")));
        QCOMPARE(proxy->rowCount(), 2);
    }

    void doubleClickFieldInsertsDetectionItem()
    {
        Workbench wb;
        QVERIFY(wb.openFixture());
        wb.window->selectEvent(0);
        EventFieldsModel* fields = wb.window->eventFieldsModel();
        int row = -1;
        for (int r = 0; r < fields->rowCount(); ++r)
            if (fields->fieldAt(r) == QLatin1String("ParentImage"))
                row = r;
        QVERIFY(row >= 0);
        RuleEditor* editor = wb.window->currentEditor();
        editor->jumpTo(10, 9); // on the User item
        Q_EMIT wb.window->eventFieldsView()->doubleClicked(fields->index(row, EventFieldsModel::ValueColumn));
        QCOMPARE(editor->document()->findBlockByNumber(10).text(),
                 QStringLiteral("        ParentImage: 'C:\\Windows\\System32\\cmd.exe'"));
        // The rule now requires cmd.exe as parent: still one match, re-evaluated.
        QVERIFY(wb.waitForSummary(QStringLiteral("1 of 4")));
        QVERIFY(editor->document()->isModified());
    }

    void layoutIsSavedAndRestored()
    {
        QSettings().remove(QStringLiteral("ui"));
        SyntaxSupport syntax;
        {
            MainWindow window(syntax);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QDockWidget* explanation = window.findChild<QDockWidget*>(QStringLiteral("explanationDock"));
            QVERIFY(explanation);
            explanation->hide();
            QVERIFY(window.close());
        }
        MainWindow again(syntax);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(again.findChild<QDockWidget*>(QStringLiteral("explanationDock"))->isHidden());
        QVERIFY(!again.findChild<QDockWidget*>(QStringLiteral("testDock"))->isHidden());
        again.close();
        QSettings().remove(QStringLiteral("ui"));
    }

    // Only the newest job's result is shown; older ones are dropped.
    void staleResultsAreDropped()
    {
        LiveEvaluator evaluator;
        QVector<QString> seen;
        connect(&evaluator, &LiveEvaluator::evaluated, this, [&](const EvaluationPtr& r) { seen.append(r->text); });
        QString text = QString::fromUtf8(sigmatest::readFile(fixture("whoami.yml")));
        for (int i = 0; i < 20; ++i) {
            evaluator.setText(text + QStringLiteral("# edit %1\n").arg(i));
            evaluator.evaluateNow();
        }
        QTRY_VERIFY(!evaluator.isBusy());
        QVERIFY(!seen.isEmpty());
        QVERIFY(seen.size() < 20);
        QVERIFY(seen.constLast().endsWith(QLatin1String("# edit 19\n")));
        QCOMPARE(evaluator.lastResult()->text, seen.constLast());
    }

    // Typing faster than the jobs run: one job at a time, not one per key, and the result shown
    // is of the text as last typed (issue 15: no fixed pause either, see tst_ui_liveevaluator).
    void keystrokesCoalesceWhileAJobRuns()
    {
        LiveEvaluator evaluator;
        evaluator.setFastJobMs(-1); // every job counts as slow
        QSignalSpy spy(&evaluator, &LiveEvaluator::evaluated);
        const QString text = QString::fromUtf8(sigmatest::readFile(fixture("whoami.yml")));
        for (int i = 0; i < 10; ++i)
            evaluator.setText(text.left(text.size() - 10 + i));
        QCOMPARE(evaluator.jobsStarted(), 1); // the first key; the others wait for it
        QVERIFY(evaluator.isBusy());
        QVERIFY(spy.wait(5000));
        // Idle means no job is running or waiting: nothing else can arrive.
        QTRY_VERIFY(!evaluator.isBusy());
        QCOMPARE(evaluator.jobsStarted(), 2);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<EvaluationPtr>()->text, text.left(text.size() - 1));
    }
};

QTEST_MAIN(TestUiWorkbench)
#include "tst_ui_workbench.moc"
