// Nothing the user wrote is lost (issue 19, items 6 and 7):
// - a real kill: the workbench runs as a separate process (this executable started again in child
//   mode), text is typed into a rule, the autosave runs, the process gets SIGKILL; the next start
//   offers the text for recovery byte for byte;
// - saving into a full filesystem or a read-only one (a small tmpfs mounted for the test; skipped
//   without the privilege to mount) shows a clear error, keeps the editor's text and leaves the file
//   on disk as it was; `sigmawb export` and `sigmawb test --junit` behave the same.
#include "mainwindow.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QPushButton>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mount.h>
#include <unistd.h>

using namespace sigmaui;

namespace {

const char* const ChildEnv = "SIGMA_ROBUSTNESS_CHILD";
const QString TypedText = QStringLiteral("# typed before the kill: café, 日本, Ω end");

/// Types `text` with key events: ASCII through QTest's key table, other characters as key events
/// that carry only their text (as an input method delivers them).
void typeText(QWidget* widget, const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x80)
            QTest::keyClick(widget, char(c.unicode()));
        else
            QTest::sendKeyEvent(QTest::Click, widget, Qt::Key_unknown, QString(c), Qt::NoModifier);
    }
}

QString fixture(const char* name)
{
    return sigmatest::dataPath(QStringLiteral("ui/") + QLatin1String(name));
}

MainWindowOptions windowOptions(const QString& recoveryDir, int autosaveMs, bool offerRecovery)
{
    MainWindowOptions options;
    options.recoveryDirectory = recoveryDir;
    options.autosaveDelayMs = autosaveMs;
    options.offerRecovery = offerRecovery;
    options.restoreLayout = false;
    return options;
}

/// The recovery copies under `folder` hold `marker` (the autosave of the typed text ran).
bool recoveryHolds(const QString& folder, const QString& marker)
{
    QDirIterator it(folder, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        if (QString::fromUtf8(sigmatest::readFile(it.next())).contains(marker))
            return true;
    return false;
}

/// Child mode: the workbench with the rule open; types, waits for the autosave, writes the
/// editor's text to SIGMA_CHILD_EXPECTED, prints READY and runs until it is killed.
int runChild(int argc, char** argv)
{
    QApplication app(argc, argv);
    sigmatest::isolateSettings(QStringLiteral("tst_ui_robustness_child"));
    const QString rule = qEnvironmentVariable("SIGMA_CHILD_RULE");
    const QString recovery = qEnvironmentVariable("SIGMA_CHILD_RECOVERY");
    const QString expected = qEnvironmentVariable("SIGMA_CHILD_EXPECTED");
    SyntaxSupport syntax;
    MainWindow window(syntax, windowOptions(recovery, 100, false));
    window.show();
    if (!window.openRuleFile(rule)) {
        std::fprintf(stderr, "child: cannot open %s\n", qPrintable(rule));
        return 2;
    }
    RuleEditor* editor = window.currentEditor();
    QTextCursor cursor = editor->textCursor();
    cursor.movePosition(QTextCursor::End);
    editor->setTextCursor(cursor);
    typeText(editor, TypedText);
    if (!QTest::qWaitFor([&] { return recoveryHolds(recovery, QStringLiteral("typed before the kill")); }, 20000)) {
        std::fprintf(stderr, "child: no recovery copy under %s\n", qPrintable(recovery));
        return 3;
    }
    if (!sigmatest::writeFile(expected, editor->toPlainText().toUtf8())) {
        std::fprintf(stderr, "child: cannot write %s\n", qPrintable(expected));
        return 4;
    }
    std::printf("READY\n");
    std::fflush(stdout);
    return app.exec();
}

/// A small tmpfs mounted over a temporary folder for the length of a test (needs CAP_SYS_ADMIN).
class SmallFilesystem {
public:
    explicit SmallFilesystem(const char* size)
    {
        const QByteArray at = QFile::encodeName(m_dir.path());
        const QByteArray options = QByteArray("size=") + size + ",mode=0777";
        m_mounted = ::mount("tmpfs", at.constData(), "tmpfs", 0, options.constData()) == 0;
        if (!m_mounted)
            m_error = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~SmallFilesystem()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }
    QString error() const { return m_error; }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// Fills what is left with a filler file until the filesystem reports it is full.
    bool fill()
    {
        const int fd =
            ::open(QFile::encodeName(path(QStringLiteral("filler"))).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            return false;
        const std::string block(512, 'x');
        while (::write(fd, block.data(), block.size()) > 0) {
        }
        const bool full = errno == ENOSPC;
        ::close(fd);
        return full && QStorageInfo(m_dir.path()).bytesAvailable() == 0;
    }
    bool makeReadOnly()
    {
        return ::mount(nullptr, QFile::encodeName(m_dir.path()).constData(), nullptr, MS_REMOUNT | MS_RDONLY,
                       nullptr) == 0;
    }

private:
    QTemporaryDir m_dir;
    bool m_mounted = false;
    QString m_error;
};

} // namespace

class TestRobustness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_robustness")); }

    void killedWorkbenchOffersTypedTextForRecovery()
    {
        QTemporaryDir recovery;
        QTemporaryDir work;
        const QString rule = work.filePath(QStringLiteral("rule.yml"));
        const QString expectedFile = work.filePath(QStringLiteral("expected.txt"));
        QVERIFY(QFile::copy(fixture("whoami.yml"), rule));
        const QByteArray onDisk = sigmatest::readFile(rule);

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(ChildEnv), QStringLiteral("1"));
        env.insert(QStringLiteral("SIGMA_CHILD_RULE"), rule);
        env.insert(QStringLiteral("SIGMA_CHILD_RECOVERY"), recovery.path());
        env.insert(QStringLiteral("SIGMA_CHILD_EXPECTED"), expectedFile);
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        QByteArray out;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         child.waitForReadyRead(100);
                         out += child.readAllStandardOutput();
                         return out.contains("READY") || child.state() == QProcess::NotRunning;
                     },
                     60000),
                 "the child workbench did not report READY in time");
        QVERIFY2(out.contains("READY"), child.readAllStandardError().constData());

        QCOMPARE(::kill(pid_t(child.processId()), SIGKILL), 0);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        const QByteArray expected = sigmatest::readFile(expectedFile);
        QVERIFY(expected.contains(TypedText.toUtf8()));
        QCOMPARE(sigmatest::readFile(rule), onDisk); // the file itself was never written

        // The next start offers the work; restoring it gives the text byte for byte.
        SyntaxSupport syntax;
        MainWindow next(syntax, windowOptions(recovery.path(), 100, true));
        QVERIFY(next.banner()->isVisibleTo(&next));
        QVERIFY2(next.banner()->text().contains(QLatin1String("rule.yml")), qPrintable(next.banner()->text()));
        next.banner()->actionButton()->click();
        QCOMPARE(next.tabCount(), 1);
        QCOMPARE(next.currentEditor()->toPlainText().toUtf8(), expected);
        QVERIFY(next.currentEditor()->document()->isModified());
    }

    void saveFailureKeepsTextAndFile_data()
    {
        QTest::addColumn<bool>("readOnly");
        QTest::newRow("full filesystem") << false;
        QTest::newRow("read-only filesystem") << true;
    }

    void saveFailureKeepsTextAndFile()
    {
        QFETCH(bool, readOnly);
        SmallFilesystem fs("64k");
        if (!fs.mounted())
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here (%1): needs CAP_SYS_ADMIN").arg(fs.error())));
        const QString rule = fs.path(QStringLiteral("rule.yml"));
        QVERIFY(QFile::copy(fixture("whoami.yml"), rule));
        const QByteArray onDisk = sigmatest::readFile(rule);
        QVERIFY(readOnly ? fs.makeReadOnly() : fs.fill());

        QTemporaryDir recovery;
        SyntaxSupport syntax;
        MainWindow window(syntax, windowOptions(recovery.path(), 3000, false));
        QVERIFY(window.openRuleFile(rule));
        RuleEditor* editor = window.currentEditor();
        QTextCursor cursor = editor->textCursor();
        cursor.movePosition(QTextCursor::End);
        editor->setTextCursor(cursor);
        // More than a filesystem block, so a full filesystem cannot take it.
        const QString added = QStringLiteral("# ") + QString(8000, QLatin1Char('n')) + QLatin1Char('\n');
        QTest::keyClicks(editor, QStringLiteral("# kept"));
        editor->insertPlainText(QStringLiteral("\n") + added);
        const QString typed = editor->toPlainText();

        QVERIFY(!window.saveCurrent());
        QVERIFY(window.banner()->isVisibleTo(&window));
        const QString message = window.banner()->text();
        QVERIFY2(message.contains(QLatin1String("rule.yml")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("not changed")), qPrintable(message));
        QCOMPARE(editor->toPlainText(), typed);
        QVERIFY(editor->document()->isModified());
        QCOMPARE(sigmatest::readFile(rule), onDisk);
        // No temporary file left beside it.
        QDir dir(QFileInfo(rule).absolutePath());
        const QStringList left = dir.entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(left.filter(QStringLiteral("rule.yml")), QStringList{QStringLiteral("rule.yml")});
    }

    void cliOutputFailsCleanly_data()
    {
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<QString>("what");
        QTest::newRow("export, full") << false << QStringLiteral("export");
        QTest::newRow("export, read-only") << true << QStringLiteral("export");
        QTest::newRow("junit, full") << false << QStringLiteral("junit");
        QTest::newRow("junit, read-only") << true << QStringLiteral("junit");
    }

    void cliOutputFailsCleanly()
    {
        QFETCH(bool, readOnly);
        QFETCH(QString, what);
        SmallFilesystem fs("64k");
        if (!fs.mounted())
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here (%1): needs CAP_SYS_ADMIN").arg(fs.error())));
        QVERIFY(readOnly ? fs.makeReadOnly() : fs.fill());
        const QString samples = sigmatest::dataPath(QStringLiteral("../../resources/samples"));
        const QString rule =
            QDir(samples).filePath(QStringLiteral("rules/proc_creation_win_office_encoded_powershell.yml"));
        QVERIFY2(QFileInfo::exists(rule), qPrintable(rule));

        const QString out = what == QLatin1String("export") ? fs.path(QStringLiteral("bundle.zip"))
                                                            : fs.path(QStringLiteral("junit.xml"));
        const QStringList args =
            what == QLatin1String("export")
                ? QStringList{QStringLiteral("export"), rule, QStringLiteral("--to"), out, QStringLiteral("--force")}
                : QStringList{QStringLiteral("test"), samples, QStringLiteral("--junit"), out};
        const sigmatest::ProcessResult r = sigmatest::runSigmawb(args);
        QVERIFY2(r.exitCode != 0, r.err.constData());
        QVERIFY2(r.err.contains(QFileInfo(out).fileName().toUtf8()), r.err.constData());
        QVERIFY2(!QFileInfo::exists(out), "a partial output file was left behind");
        const QStringList left = QDir(QFileInfo(out).absolutePath()).entryList(QDir::Files | QDir::Hidden);
        QVERIFY2(left.filter(QFileInfo(out).completeBaseName()).isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
    }
};

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet(ChildEnv))
        return runChild(argc, argv);
    QApplication app(argc, argv);
    TestRobustness test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ui_robustness.moc"
