// Completion in the rule editor: the context at a position (data-driven), the candidates for
// each context (catalog fields of the rule's log source, fields of loaded events, modifiers,
// search identifiers, ATT&CK tags with names, log-source values) and the popup in the editor.
#include "corpus/corpusfeatures.h"
#include "corpus/sigmacompleter.h"
#include "corpus/sigmacompletion.h"
#include "mainwindow.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace sigmaui;
using Kind = CompletionContext::Kind;

Q_DECLARE_METATYPE(sigmaui::CompletionContext::Kind)

namespace {
const QString NetworkRule = QStringLiteral("title: t\n"
                                           "tags:\n"
                                           "    - attack.t1090\n"
                                           "logsource:\n"
                                           "    category: network_connection\n"
                                           "    product: windows\n"
                                           "detection:\n"
                                           "    selection:\n"
                                           "        Initiated: 'true'\n"
                                           "        Dest\n"
                                           "    filter_local:\n"
                                           "        - DestinationIp|ci\n"
                                           "    condition: selection and not fil\n"
                                           "level: medium\n");

QStringList texts(const QVector<CompletionCandidate>& candidates)
{
    QStringList out;
    for (const auto& c : candidates)
        out.append(c.text);
    return out;
}

/// Position just after the first occurrence of `marker`.
int after(const QString& text, const QString& marker)
{
    const int at = int(text.indexOf(marker));
    return at < 0 ? -1 : at + int(marker.size());
}

/// A shown window with a new process_creation rule whose selection's first item is `typed`, the
/// cursor after it.
struct SelectionEditor : sigmatest::TestWindow {
    RuleEditor* editor = nullptr;
    SigmaCompleter* completer = nullptr;

    explicit SelectionEditor(const QString& typed)
    {
        window->show();
        (void)QTest::qWaitForWindowExposed(window.get());
        window->newRule();
        editor = window->currentEditor();
        completer = SigmaCompleter::of(editor);
        const QString head = QStringLiteral("title: t\nlogsource:\n    category: process_creation\n    product: "
                                            "windows\ndetection:\n    selection:\n        ");
        editor->setPlainText(head + typed + QStringLiteral("\n    condition: selection\n"));
        QTextCursor c = editor->textCursor();
        c.setPosition(int(head.size() + typed.size()));
        editor->setTextCursor(c);
        editor->setFocus();
    }
};

} // namespace

class TestUiCorpusCompletion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_corpus_completion")); }

    void context_data()
    {
        QTest::addColumn<QString>("marker");
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<QString>("prefix");
        QTest::addRow("field") << QStringLiteral("        Dest") << Kind::Field << QStringLiteral("Dest");
        QTest::addRow("list item field") << QStringLiteral("        - Destin") << Kind::Field
                                         << QStringLiteral("Destin");
        QTest::addRow("modifier") << QStringLiteral("DestinationIp|ci") << Kind::Modifier << QStringLiteral("ci");
        QTest::addRow("identifier") << QStringLiteral("not fil") << Kind::Identifier << QStringLiteral("fil");
        QTest::addRow("condition start") << QStringLiteral("condition: ") << Kind::Identifier << QString();
        QTest::addRow("tag") << QStringLiteral("attack.t1090") << Kind::Tag << QStringLiteral("attack.t1090");
        QTest::addRow("logsource value") << QStringLiteral("category: network") << Kind::LogSourceValue
                                         << QStringLiteral("network");
        QTest::addRow("logsource key") << QStringLiteral("    categ") << Kind::LogSourceKey << QStringLiteral("categ");
        QTest::addRow("top-level key") << QStringLiteral("\nlev") << Kind::TopLevelKey << QStringLiteral("lev");
        QTest::addRow("value of an item") << QStringLiteral("Initiated: 'tr") << Kind::None << QString();
        QTest::addRow("search identifier name") << QStringLiteral("    selec") << Kind::None << QString();
        QTest::addRow("title value") << QStringLiteral("title: t") << Kind::None << QString();
    }

    void context()
    {
        QFETCH(QString, marker);
        QFETCH(Kind, kind);
        QFETCH(QString, prefix);
        const int position = after(NetworkRule, marker);
        QVERIFY2(position >= 0, qPrintable(marker));
        const CompletionContext ctx = completionContextAt(NetworkRule, position);
        QCOMPARE(ctx.kind, kind);
        if (kind != Kind::None) {
            QCOMPARE(ctx.prefix, prefix);
            QCOMPARE(NetworkRule.mid(ctx.prefixStart, position - ctx.prefixStart), prefix);
        }
    }

    void logSourceAndIdentifiersFromText()
    {
        const TextLogSource source = logSourceOfText(NetworkRule);
        QCOMPARE(source.category, QStringLiteral("network_connection"));
        QCOMPARE(source.product, QStringLiteral("windows"));
        QCOMPARE(source.service, QString());
        QCOMPARE(searchIdentifiersOfText(NetworkRule),
                 (QStringList{QStringLiteral("selection"), QStringLiteral("filter_local")}));
    }

    void candidates_data()
    {
        QTest::addColumn<QString>("marker");
        QTest::addColumn<QStringList>("present");
        QTest::addColumn<QStringList>("absent");
        QTest::addRow("network_connection fields")
            << QStringLiteral("        Dest")
            << QStringList{QStringLiteral("DestinationHostname"), QStringLiteral("DestinationPort"),
                           QStringLiteral("Initiated"), QStringLiteral("EventID"), QStringLiteral("FieldSeenInEvents")}
            << QStringList{QStringLiteral("CommandLine"), QStringLiteral("ScriptBlockText")};
        QTest::addRow("modifiers") << QStringLiteral("DestinationIp|ci")
                                   << QStringList{QStringLiteral("cidr"),     QStringLiteral("contains"),
                                                  QStringLiteral("windash"),  QStringLiteral("base64offset"),
                                                  QStringLiteral("fieldref"), QStringLiteral("wide")}
                                   << QStringList{QStringLiteral("selection")};
        QTest::addRow("identifiers") << QStringLiteral("not fil")
                                     << QStringList{QStringLiteral("selection"), QStringLiteral("filter_local"),
                                                    QStringLiteral("1 of"), QStringLiteral("them")}
                                     << QStringList{QStringLiteral("condition"), QStringLiteral("Initiated")};
        QTest::addRow("tags") << QStringLiteral("attack.t1090")
                              << QStringList{QStringLiteral("attack.t1090.002"),
                                             QStringLiteral("attack.command-and-control"),
                                             QStringLiteral("attack.t1059.001")}
                              << QStringList{QStringLiteral("Initiated")};
        QTest::addRow("logsource categories")
            << QStringLiteral("category: network")
            << QStringList{QStringLiteral("network_connection"), QStringLiteral("process_creation"),
                           QStringLiteral("from_corpus")}
            << QStringList{QStringLiteral("windows")};
    }

    void candidates()
    {
        QFETCH(QString, marker);
        QFETCH(QStringList, present);
        QFETCH(QStringList, absent);
        const CompletionContext ctx = completionContextAt(NetworkRule, after(NetworkRule, marker));
        CompletionSources sources;
        sources.eventFields = {QStringLiteral("FieldSeenInEvents")};
        sources.corpusLogSourceValues = {QStringLiteral("category:from_corpus"), QStringLiteral("product:elsewhere")};
        const QVector<CompletionCandidate> c = completionCandidates(ctx, NetworkRule, sources);
        const QStringList t = texts(c);
        for (const QString& p : present)
            QVERIFY2(t.contains(p), qPrintable(p));
        for (const QString& a : absent)
            QVERIFY2(!t.contains(a), qPrintable(a));
    }

    void tagCandidatesCarryNames()
    {
        const CompletionContext ctx =
            completionContextAt(NetworkRule, after(NetworkRule, QStringLiteral("attack.t1090")));
        const auto c = completionCandidates(ctx, NetworkRule);
        const auto it = std::find_if(c.begin(), c.end(), [](const CompletionCandidate& x) {
            return x.text == QLatin1String("attack.t1090.002");
        });
        QVERIFY(it != c.end());
        QCOMPARE(it->detail, QStringLiteral("Proxy: External Proxy"));
    }

    void popupInTheEditor()
    {
        sigmatest::TestWindow fixture;
        MainWindow& window = *fixture.window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy shown(&window, &MainWindow::resultShown);
        window.newRule();
        QVERIFY(shown.count() > 0 || shown.wait(5000));
        RuleEditor* editor = window.currentEditor();
        SigmaCompleter* completer = SigmaCompleter::of(editor);
        QVERIFY(completer);
        editor->setPlainText(QStringLiteral("title: t\nlogsource:\n    category: network_connection\n    product: "
                                            "windows\ndetection:\n    selection:\n        Initiated: 'true'\n\n"
                                            "    condition: selection\n"));
        // Type a field on the empty line of the selection: the popup opens by itself.
        QTextCursor c = editor->textCursor();
        c.setPosition(after(editor->toPlainText(), QStringLiteral("'true'\n")));
        editor->setTextCursor(c);
        editor->setFocus();
        QTest::keyClicks(editor, QStringLiteral("        DestinationH"));
        QTRY_VERIFY(completer->completer()->popup()->isVisible());
        QVERIFY2(completer->currentCompletions().contains(QStringLiteral("DestinationHostname")),
                 qPrintable(completer->currentCompletions().join(QLatin1Char(','))));
        QTest::keyClick(completer->completer()->popup(), Qt::Key_Return);
        QVERIFY2(editor->toPlainText().contains(QLatin1String("        DestinationHostname\n")),
                 qPrintable(editor->toPlainText()));
        // After '|': modifiers.
        QTest::keyClicks(editor, QStringLiteral("|ends"));
        QTRY_VERIFY(completer->completer()->popup()->isVisible());
        QCOMPARE(completer->currentCompletions(), QStringList{QStringLiteral("endswith")});
        QTest::keyClick(completer->completer()->popup(), Qt::Key_Tab);
        QVERIFY2(editor->toPlainText().contains(QLatin1String("DestinationHostname|endswith\n")),
                 qPrintable(editor->toPlainText()));
        // Ctrl+Space in the condition: the search identifiers.
        c.setPosition(after(editor->toPlainText(), QStringLiteral("condition: ")));
        editor->setTextCursor(c);
        QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
        QVERIFY(completer->currentCompletions().contains(QStringLiteral("selection")));
        QTest::keyClick(completer->completer()->popup(), Qt::Key_Escape);
        QVERIFY(!completer->completer()->popup()->isVisible());
    }

    // Issue 20: Ctrl+Space after "ParentCo" lists the fields starting so, not every Parent* one;
    // typing on narrows the list.
    void ctrlSpaceFiltersByTheTypedPrefix()
    {
        SelectionEditor fixture(QStringLiteral("ParentCo"));
        QVERIFY(fixture.completer);
        RuleEditor* editor = fixture.editor;
        SigmaCompleter* completer = fixture.completer;
        QTest::keyClick(editor, Qt::Key_Space, Qt::ControlModifier);
        QTRY_VERIFY(completer->completer()->popup()->isVisible());
        const QStringList shown = completer->currentCompletions();
        QVERIFY2(shown.contains(QStringLiteral("ParentCommandLine")), qPrintable(shown.join(QLatin1Char(','))));
        for (const QString& s : shown)
            QVERIFY2(s.startsWith(QLatin1String("ParentCo"), Qt::CaseInsensitive), qPrintable(s));
        // The popup's own rows, as the user sees them, are the same.
        QAbstractItemView* popup = completer->completer()->popup();
        QCOMPARE(popup->model()->rowCount(), int(shown.size()));
        for (int r = 0; r < popup->model()->rowCount(); ++r)
            QVERIFY2(popup->model()->index(r, 0).data().toString().startsWith(QLatin1String("ParentCo")),
                     qPrintable(popup->model()->index(r, 0).data().toString()));
    }

    // Issue 20, seen in the GUI: once open, the list did not narrow as the user typed on (the
    // popup hands its keys to the editor past the editor's filters), nor widen on Backspace.
    void listFollowsTypingWhileOpen()
    {
        SelectionEditor fixture{QString()};
        QVERIFY(fixture.completer);
        RuleEditor* editor = fixture.editor;
        SigmaCompleter* completer = fixture.completer;
        QTest::keyClicks(editor, QStringLiteral("Pa"));
        QAbstractItemView* popup = completer->completer()->popup();
        QTRY_VERIFY(popup->isVisible());
        QVERIFY(completer->currentCompletions().contains(QStringLiteral("ParentImage")));
        auto allStartWith = [&](const QString& prefix) {
            const QStringList shown = completer->currentCompletions();
            return !shown.isEmpty() && std::all_of(shown.begin(), shown.end(), [&](const QString& s) {
                return s.startsWith(prefix, Qt::CaseInsensitive);
            });
        };
        // Typed on while the list is open: the keys reach the editor through the popup.
        QTest::keyClicks(popup, QStringLiteral("rentCo"));
        QVERIFY2(editor->toPlainText().contains(QLatin1String("        ParentCo\n")),
                 qPrintable(editor->toPlainText()));
        QTRY_VERIFY2(allStartWith(QStringLiteral("ParentCo")), qPrintable(completer->currentCompletions().join(u',')));
        QVERIFY(completer->currentCompletions().contains(QStringLiteral("ParentCommandLine")));
        QVERIFY(!completer->currentCompletions().contains(QStringLiteral("ParentImage")));
        // Backspace widens it again.
        QTest::keyClick(popup, Qt::Key_Backspace);
        QTest::keyClick(popup, Qt::Key_Backspace);
        QTRY_VERIFY(completer->currentCompletions().contains(QStringLiteral("ParentImage")));
        QVERIFY(allStartWith(QStringLiteral("Parent")));
    }
};

QTEST_MAIN(TestUiCorpusCompletion)
#include "tst_ui_corpus_completion.moc"
