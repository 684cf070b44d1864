// The Impact pane and its status bar label (issue 17 item 2): the rule of tests/data/impact is
// opened from a copy, the events loaded, and the editor's text replaced by other versions; the
// status bar says "+N / −M vs saved", the pane lists the events whose verdict changed (a click
// selects the event in the Test pane) and the indicators added, removed or changed with their
// baseline hits and corpus reach. The same against git HEAD when the copy is in a repository.
#include "corpus/corpusfeatures.h"
#include "eventsfilterproxy.h"
#include "impactpane.h"
#include "mainwindow.h"
#include "ruledocument.h"
#include "ruleeditor.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QProcess>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QUrl>

using namespace sigmaui;

namespace {

QString fx(const QString& name)
{
    return sigmatest::dataPath(QStringLiteral("impact/") + name);
}

/// Replaces the editor's whole text as typing would (an undoable edit).
void replaceText(RuleEditor* editor, const QString& text)
{
    QTextCursor cursor(editor->document());
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
}

/// The rows of a table model, cells joined by '|', rows by "; ".
QString rows(const QStandardItemModel* model)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < model->columnCount(); ++c)
            cells << model->index(r, c).data().toString();
        out << cells.join(QLatin1Char('|'));
    }
    return out.join(QStringLiteral("; "));
}

bool git(const QString& dir, const QStringList& args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestUiImpact : public QObject {
    Q_OBJECT
    QTemporaryDir m_work;
    std::unique_ptr<sigmatest::TestWindow> m_test;
    MainWindow* m_window = nullptr;
    ImpactPane* m_pane = nullptr;
    QString m_rule;

    RuleEditor* editor() const { return m_window->currentEditor(); }

private Q_SLOTS:
    void initTestCase()
    {
        sigmatest::isolateSettings(QStringLiteral("tst_ui_impact"));
        m_rule = m_work.filePath(QStringLiteral("rule.yml"));
        QVERIFY(QFile::copy(fx(QStringLiteral("old.yml")), m_rule));
        QFile::setPermissions(m_rule, QFile::ReadOwner | QFile::WriteOwner);
        m_test = std::make_unique<sigmatest::TestWindow>();
        m_window = m_test->window.get();
        m_window->resize(1400, 900);
        m_window->show();
        QVERIFY(m_window->openRuleFile(m_rule));
        m_window->loadEvents({fx(QStringLiteral("events.xml"))});
        QTRY_VERIFY(m_window->events() && m_window->events()->size() == 8);
        m_window->corpusFeatures()->openCorpus(fx(QStringLiteral("corpus")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->corpusFeatures()->corpus() != nullptr, 20000);
        m_pane = m_window->findChild<ImpactPane*>();
        QVERIFY(m_pane);
        QVERIFY(m_pane->dock());
        QTRY_COMPARE(m_pane->summaryText(), QStringLiteral("No edit against the saved version."));
        QCOMPARE(m_pane->statusText(), QString());
    }

    /// Behind another tab the pane counts no baseline hits (the status bar needs none); brought
    /// into view, it counts them.
    void hitsOnlyInView()
    {
        QVERIFY(m_window->problemsView());
        m_window->findChild<QDockWidget*>(QStringLiteral("problemsDock"))->raise();
        QTRY_VERIFY(!m_pane->isInView());
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("new.yml")))));
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->statusText(), QStringLiteral("+2 / \u22121 vs saved"), 10000);
        QTRY_VERIFY(!m_pane->isBusy());
        QCOMPARE(m_pane->indicatorsModel()->index(0, 3).data().toString(), QString());
        m_pane->dock()->raise();
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->indicatorsModel()->index(0, 3).data().toString(),
                                  QStringLiteral("\u2013 \u2192 1"), 10000);
    }

    void edits_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("indicators");
        // The acceptance case: net.exe and net1.exe by jdoe come in, HOSTNAME.EXE goes.
        QTest::newRow("+2/-1") << "new.yml"
                               << "+2 / \u22121 vs saved"
                               << "+|#3 (record 3)|net.exe|no match \u2192 match; "
                                  "\u2212|#4 (record 4)|HOSTNAME.EXE|match \u2192 no match; "
                                  "+|#7 (record 7)|net1.exe|no match \u2192 match"
                               << "added|Image|ends_with|\u2013 \u2192 1|\u2013 \u2192 1|\\net.exe; "
                                  "added|Image|ends_with|\u2013 \u2192 1|\u2013 \u2192 0|\\net1.exe; "
                                  "removed|Image|ends_with|1 \u2192 \u2013|0 \u2192 \u2013|\\hostname.exe";
        QTest::newRow("filter: -1") << "filter.yml"
                                    << "+0 / \u22121 vs saved"
                                    << "\u2212|#1 (record 1)|whoami.exe|match \u2192 no match"
                                    << "added|CommandLine|contains (not)|\u2013 \u2192 1|\u2013 \u2192 0|/all";
        QTest::newRow("broken") << "broken.yml"
                                << "vs saved: the rule has errors"
                                << ""
                                << "";
        QTest::newRow("back to saved") << "old.yml"
                                       << ""
                                       << ""
                                       << "";
    }

    void edits()
    {
        QFETCH(QString, version);
        QFETCH(QString, status);
        QFETCH(QString, events);
        QFETCH(QString, indicators);
        m_pane->dock()->raise(); // in view: the baseline hits are counted
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(version))));
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->statusText(), status, 10000);
        QTRY_VERIFY(!m_pane->isBusy());
        QCOMPARE(rows(m_pane->eventsModel()), events);
        QCOMPARE(rows(m_pane->indicatorsModel()), indicators);
    }

    /// A click on a changed event selects it in the Test pane.
    void clickSelectsEvent()
    {
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("new.yml")))));
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->eventsModel()->rowCount(), 3, 10000);
        QTableView* view = m_pane->eventsView();
        const QRect cell = view->visualRect(m_pane->eventsModel()->index(1, 1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_COMPARE(m_window->eventsView()->currentIndex().isValid(), true);
        QCOMPARE(m_window->eventsProxy()->mapToSource(m_window->eventsView()->currentIndex()).row(), 3);
        // A click on an added indicator puts the cursor on its value ('\net1.exe', line 14); a
        // removed one is not in the text and leaves the cursor where it is.
        m_pane->dock()->raise(); // the broken edit brought Problems to the front

        QTRY_COMPARE(m_pane->indicatorsModel()->index(1, 5).data().toString(), QStringLiteral("\\net1.exe"));
        QTableView* indicators = m_pane->indicatorsView();
        const auto clickIndicator = [&](int row) {
            const QRect rect = indicators->visualRect(m_pane->indicatorsModel()->index(row, 1));
            QTest::mouseClick(indicators->viewport(), Qt::LeftButton, {}, rect.center());
        };
        clickIndicator(1);
        QCOMPARE(editor()->textCursor().blockNumber() + 1, 14);
        QCOMPARE(editor()->textCursor().positionInBlock(), 14); // its opening quote
        clickIndicator(2);
        QCOMPARE(editor()->textCursor().blockNumber() + 1, 14);
    }

    // Not a check: with SIGMA_SCREENSHOT=file.png, the window with the Impact pane in front after
    // the +2/-1 edit is written there to be looked at (docs/screenshots/impact.png, under Xvfb).
    void screenshot()
    {
        const QString out = qEnvironmentVariable("SIGMA_SCREENSHOT");
        if (out.isEmpty())
            QSKIP("set SIGMA_SCREENSHOT=file.png to write a screenshot of the Impact pane");
        m_pane->dock()->show();
        m_pane->dock()->raise();
        QTRY_COMPARE(m_pane->statusText(), QStringLiteral("+2 / \u22121 vs saved"));
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        m_window->selectEvent(3);
        QTRY_VERIFY(!m_pane->isBusy());
        QVERIFY(m_window->grab().save(out));
    }

    /// Saved: no edit against the saved version any more; the next edit counts from the new text.
    void saveMovesTheBase()
    {
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("new.yml")))));
        QVERIFY(m_window->saveCurrent());
        QTRY_COMPARE(m_pane->statusText(), QString());
        QCOMPARE(m_pane->summaryText(), QStringLiteral("No edit against the saved version."));
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("old.yml")))));
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->statusText(), QStringLiteral("+1 / \u22122 vs saved"), 10000);
        QCOMPARE(m_pane->summaryText(),
                 QStringLiteral("2 events match now, 3 in the saved version: +1 / \u22122. Indicators changed: 3."));
    }

    /// In a git repository, HEAD is a second base: the status bar names both.
    void gitHead()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty())
            QSKIP("git is not installed: the HEAD comparison is left out");
        const QString dir = m_work.path();
        // HEAD holds old.yml; the file on disk (saved) is new.yml's text.
        QVERIFY(QFile::remove(m_rule));
        QVERIFY(QFile::copy(fx(QStringLiteral("old.yml")), m_rule));
        QVERIFY(git(dir, {QStringLiteral("init"), QStringLiteral("-q")}));
        QVERIFY(git(dir, {QStringLiteral("add"), QStringLiteral("rule.yml")}));
        QVERIFY(git(dir, {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
                          QStringLiteral("user.email=t@example.test"), QStringLiteral("commit"), QStringLiteral("-qm"),
                          QStringLiteral("old")}));
        // Typing new.yml's text and saving it: nothing against saved, +2/-1 against HEAD.
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("new.yml")))));
        QVERIFY(m_window->saveCurrent());
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->statusText(), QStringLiteral("+2 / \u22121 vs HEAD"), 10000);
        QVERIFY(m_pane->headAvailable());
        m_pane->baseBox()->setCurrentIndex(1);
        QCOMPARE(m_pane->base(), ImpactPane::Base::Head);
        QCOMPARE(m_pane->eventsModel()->rowCount(), 3);
        QCOMPARE(m_pane->summaryText(),
                 QStringLiteral("3 events match now, 2 in git HEAD: +2 / \u22121. Indicators changed: 3."));
        // An edit on top: both bases in the status bar.
        replaceText(editor(), QString::fromUtf8(sigmatest::readFile(fx(QStringLiteral("filter.yml")))));
        QTRY_COMPARE_WITH_TIMEOUT(m_pane->statusText(),
                                  QStringLiteral("+1 / \u22123 vs saved \u00b7 +0 / \u22121 vs HEAD"), 10000);
        m_pane->setBase(ImpactPane::Base::Saved);
    }

    /// Issue 19: opening a rule fetches nothing. In a partial clone whose HEAD blob of the rule is
    /// not there, `git show` would fetch it from the clone's remote (here a file:// one, as good as
    /// https:// for the test): the workbench's git call has no transport, so HEAD is simply not
    /// available, and the blob is still missing afterwards.
    void gitHeadFetchesNothing()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty())
            QSKIP("git is not installed: the HEAD comparison is left out");
        QTemporaryDir dir;
        const QString server = dir.filePath(QStringLiteral("server"));
        const QString clone = dir.filePath(QStringLiteral("clone"));
        QVERIFY(QDir().mkpath(server));
        QVERIFY(QFile::copy(fx(QStringLiteral("old.yml")), server + QStringLiteral("/rule.yml")));
        const QStringList identity = {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
                                      QStringLiteral("user.email=t@example.test")};
        QVERIFY(git(server, {QStringLiteral("init"), QStringLiteral("-q")}));
        QVERIFY(git(server, {QStringLiteral("add"), QStringLiteral("rule.yml")}));
        QVERIFY(git(server,
                    identity + QStringList{QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("old")}));
        QVERIFY(
            git(server, {QStringLiteral("config"), QStringLiteral("uploadpack.allowFilter"), QStringLiteral("true")}));
        QVERIFY(git(server, {QStringLiteral("config"), QStringLiteral("uploadpack.allowAnySHA1InWant"),
                             QStringLiteral("true")}));
        QVERIFY(git(dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--filter=blob:none"),
                                 QStringLiteral("--no-checkout"), QUrl::fromLocalFile(server).toString(), clone}));
        const QString rule = clone + QStringLiteral("/rule.yml");
        QVERIFY(QFile::copy(fx(QStringLiteral("new.yml")), rule));
        QFile::setPermissions(rule, QFile::ReadOwner | QFile::WriteOwner);
        // Asked without any transport, the blob is missing now (and so must stay).
        const QStringList missing = {QStringLiteral("-c"), QStringLiteral("protocol.allow=never"),
                                     QStringLiteral("cat-file"), QStringLiteral("-e"), QStringLiteral("HEAD:rule.yml")};
        QVERIFY(!git(clone, missing));

        QVERIFY(m_window->openRuleFile(rule));
        QTRY_VERIFY(!m_pane->findChildren<QProcess*>().isEmpty());                    // git asked for HEAD
        QTRY_VERIFY_WITH_TIMEOUT(m_pane->findChildren<QProcess*>().isEmpty(), 20000); // and answered
        QVERIFY(!m_pane->headAvailable());
        QVERIFY2(!git(clone, missing), "the workbench fetched the rule's HEAD blob from the clone's remote");
        m_window->closeTab(m_window->currentTab());
    }
};

QTEST_MAIN(TestUiImpact)
#include "tst_ui_impact.moc"
