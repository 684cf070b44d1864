// The man page and shell completions are written from the command tree sigmawb parses with: every
// subcommand and option is in them, choices are offered, hidden options are not, and the scripts
// are valid for their shells (and complete as expected when bash runs them).
#include "clidoc.h"
#include "commandregistry.h"

#include <CLI/CLI.hpp>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// A small tree with every kind of option: choices, number, repeatable paths, flag, hidden, positional.
void buildDemo(CLI::App& app)
{
    app.name("sigmawb");
    app.description("sigmawb - demo tree");
    app.set_version_flag("--version", "sigmawb 0.0");
    app.footer("Exit codes: 0 fine.");
    auto* demo = app.add_subcommand("demo", "A demo's ] command: with [brackets]");
    static std::string format, hidden, positional;
    static std::vector<std::string> inputs;
    static unsigned threads = 0;
    static bool flag = false;
    demo->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "jsonl"}));
    demo->add_option("--inputs", inputs, "Input files or folders");
    demo->add_option("--threads", threads, "Threads to use");
    demo->add_flag("--quiet", flag, "Say nothing; don't \\ print");
    demo->add_option("--secret", hidden, "Never listed")->group("");
    demo->add_option("RULE", positional, "A rule file");
    app.add_subcommand("ghost", "Hidden command")->group("");
}

struct Shell {
    int exitCode = -1;
    QString out, err;
};

Shell runShell(const QString& shell, const QStringList& args, const QByteArray& input = {})
{
    QProcess p;
    p.start(shell, args);
    if (!p.waitForStarted(10000))
        return {};
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// Runs the bash completion function on a command line (the cursor at its end) and returns COMPREPLY.
QStringList bashComplete(const QString& script, const QStringList& words)
{
    QString line = QStringLiteral("COMP_WORDS=(");
    for (const auto& w : words)
        line += QLatin1Char('\'') + w + QStringLiteral("' ");
    line += QStringLiteral(")\nCOMP_CWORD=%1\n_sigmawb\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n").arg(words.size() - 1);
    const Shell r = runShell(QStringLiteral("bash"), {QStringLiteral("--norc"), QStringLiteral("-s")},
                             (script + QLatin1Char('\n') + line).toUtf8());
    return r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace

class TestCliDocs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The real tree: every registered subcommand has its man section and every visible long option
    // of it appears in that section, in the bash words and as a fish completion.
    void realTreeIsComplete()
    {
        CLI::App app;
        sigmawb::buildCommandLine(app);
        const auto commands = sigmawb::doc::describe(app);
        QVERIFY2(commands.size() >= 10, "the registry of subcommands is not linked into the test");
        const QString man = q(sigmawb::doc::manPage(app, "9.9", "2026-01-01"));
        const QString bash = q(sigmawb::doc::bashCompletion(app));
        const QString fish = q(sigmawb::doc::fishCompletion(app));
        const QString zsh = q(sigmawb::doc::zshCompletion(app));
        QVERIFY(man.startsWith(QStringLiteral(".\\\"")));
        QVERIFY(man.contains(QStringLiteral(".TH SIGMAWB 1 \"2026-01-01\" \"sigmawb 9.9\"")));
        for (const auto& c : commands) {
            QString title = q(c.path).toUpper(); // "RULE FROM-EVENT": '-' is "\-" in roff
            title.replace(QLatin1Char('-'), QStringLiteral("\\-"));
            const QString section = QStringLiteral(".SH \"SIGMAWB %1\"").arg(title);
            const qsizetype at = man.indexOf(section);
            QVERIFY2(at >= 0, qPrintable(section));
            const qsizetype next = man.indexOf(QStringLiteral("\n.SH "), at + 1);
            const QString body = man.mid(at, next - at);
            QVERIFY2(zsh.contains(QStringLiteral("'%1:").arg(q(c.path))), c.path.c_str());
            QVERIFY2(fish.contains(QStringLiteral("__fish_use_subcommand -a %1 ").arg(q(c.path))), c.path.c_str());
            for (const auto& o : c.options) {
                for (const auto& l : o.longNames) {
                    QString roffName = q(l);
                    roffName.replace(QLatin1Char('-'), QStringLiteral("\\-"));
                    QVERIFY2(body.contains(QStringLiteral("\\fB\\-\\-%1\\fR").arg(roffName)),
                             qPrintable(QStringLiteral("%1 --%2 not in its man section").arg(q(c.path), q(l))));
                    QVERIFY2(bash.contains(QStringLiteral("--%1").arg(q(l))), qPrintable(q(l)));
                    QVERIFY2(
                        fish.contains(QStringLiteral("__fish_seen_subcommand_from %1' -l %2").arg(q(c.path), q(l))) ||
                            fish.contains(QStringLiteral(" -l %1 ").arg(q(l))),
                        qPrintable(q(l)));
                }
            }
        }
    }

    void demoMan()
    {
        CLI::App app;
        buildDemo(app);
        const QString man = q(sigmawb::doc::manPage(app, "0.0", "2026-01-01"));
        QVERIFY(man.contains(QStringLiteral("sigmawb \\- demo tree")));
        QVERIFY(man.contains(QStringLiteral(".SH \"SIGMAWB DEMO\"")));
        QVERIFY(!man.contains(QStringLiteral("GHOST")));
        QVERIFY(!man.contains(QStringLiteral("secret")));
        QVERIFY(man.contains(QStringLiteral("\\fB\\-\\-format\\fR \\fITEXT:{text,jsonl}\\fR")));
        QVERIFY(man.contains(QStringLiteral("\\fIRULE\\fR")));
        QVERIFY(man.contains(QStringLiteral("don't \\e print")));
        QVERIFY(man.contains(QStringLiteral(".SH \"EXIT STATUS\"\nExit codes: 0 fine.")));
        const QString groff = QStandardPaths::findExecutable(QStringLiteral("groff"));
        if (groff.isEmpty())
            return qInfo("groff not installed: the roff is not checked by groff");
        const Shell r =
            runShell(groff, {QStringLiteral("-man"), QStringLiteral("-ww"), QStringLiteral("-z")}, man.toUtf8());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    }

    void demoBashCompletes()
    {
        CLI::App app;
        buildDemo(app);
        const QString script = q(sigmawb::doc::bashCompletion(app));
        QCOMPARE(runShell(QStringLiteral("bash"), {QStringLiteral("-n")}, script.toUtf8()).exitCode, 0);
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("de")}),
                 QStringList{QStringLiteral("demo")});
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("gh")}), QStringList{});
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("demo"), QStringLiteral("--fo")}),
                 QStringList{QStringLiteral("--format")});
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("demo"), QStringLiteral("--format"),
                                       QString()}),
                 (QStringList{QStringLiteral("text"), QStringLiteral("jsonl")}));
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("demo"), QStringLiteral("--threads"),
                                       QString()}),
                 QStringList{});
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("demo"), QStringLiteral("--se")}),
                 QStringList{});
        // Paths after an option that takes files: the file system is offered.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(QStringLiteral("rule-one.yml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QCOMPARE(bashComplete(script, {QStringLiteral("sigmawb"), QStringLiteral("demo"), QStringLiteral("--inputs"),
                                       dir.filePath(QStringLiteral("rule-o"))}),
                 QStringList{f.fileName()});
    }

    void demoZshAndFish()
    {
        CLI::App app;
        buildDemo(app);
        const QString zsh = q(sigmawb::doc::zshCompletion(app));
        const QString fish = q(sigmawb::doc::fishCompletion(app));
        QVERIFY(zsh.startsWith(QStringLiteral("#compdef sigmawb\n")));
        QVERIFY(zsh.contains(QStringLiteral("'--format[Output format]:value:(text jsonl)'")));
        QVERIFY(zsh.contains(QStringLiteral("'*--inputs[Input files or folders]:file:_files'")));
        QVERIFY(zsh.contains(QStringLiteral("'--quiet[Say nothing; don'\\''t \\\\ print]'")));
        QVERIFY(zsh.contains(QStringLiteral("'demo:A demo'\\''s ] command: with [brackets]'")));
        QVERIFY(!zsh.contains(QStringLiteral("secret")));
        QVERIFY(fish.contains(QStringLiteral("complete -c sigmawb -n '__fish_seen_subcommand_from demo' -l format -x "
                                             "-a 'text jsonl' -d 'Output format'")));
        QVERIFY(fish.contains(QStringLiteral("-l quiet -d 'Say nothing; don\\'t \\\\ print'")));
        QVERIFY(fish.contains(QStringLiteral("complete -c sigmawb -n '__fish_seen_subcommand_from demo' -F\n")));
        QVERIFY(!fish.contains(QStringLiteral("ghost")));
        for (const auto& [shell, text] :
             {std::pair{QStringLiteral("zsh"), zsh}, std::pair{QStringLiteral("fish"), fish}}) {
            if (QStandardPaths::findExecutable(shell).isEmpty()) {
                qInfo("%s not installed: its syntax check is skipped", qPrintable(shell));
                continue;
            }
            QTemporaryDir dir;
            const QString path = dir.filePath(QStringLiteral("completion"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.toUtf8());
            f.close();
            const Shell r = runShell(shell, {QStringLiteral("-n"), path});
            QVERIFY2(r.exitCode == 0, qPrintable(shell + QStringLiteral(": ") + r.err));
        }
    }

    void unknownKindIsEmpty()
    {
        CLI::App app;
        buildDemo(app);
        QVERIFY(sigmawb::doc::generate(app, "powershell", "1", "d").empty());
        QVERIFY(!sigmawb::doc::generate(app, "fish", "1", "d").empty());
    }
};

QTEST_GUILESS_MAIN(TestCliDocs)
#include "tst_cli_docs.moc"
