#include "commandline.h"

#include "corpus/corpusfeatures.h"
#include "corpus/corpussession.h"
#include "mainwindow.h"

#include "events/eventfiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sigmagui {

namespace {
const QString SamplesOption = QStringLiteral("samples");
const QString CorpusOption = QStringLiteral("corpus");
const QString TechniqueOption = QStringLiteral("technique");
const QString RuleOption = QStringLiteral("rule");
} // namespace

void configureCommandLine(QCommandLineParser& parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("sigmagui", "Write Sigma rules and test them live against Windows events."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(
        SamplesOption, QCoreApplication::translate(
                           "sigmagui", "Open the bundled sample workspace (the default when no file is given).")));
    parser.addOption(QCommandLineOption(
        CorpusOption,
        QCoreApplication::translate("sigmagui", "Open this rules folder as the corpus (it is remembered)."),
        QStringLiteral("folder")));
    parser.addOption(QCommandLineOption(
        TechniqueOption,
        QCoreApplication::translate("sigmagui", "Show the page of this ATT&CK technique (e.g. T1090.002)."),
        QStringLiteral("id")));
    parser.addOption(QCommandLineOption(
        RuleOption,
        QCoreApplication::translate("sigmagui", "Show the page of this corpus rule (its file, any vendor)."),
        QStringLiteral("file")));
    parser.addPositionalArgument(
        QStringLiteral("files"),
        QCoreApplication::translate("sigmagui", "Rules (*.yml *.yaml) and events (%1) to open.")
            .arg(QString::fromStdString(sigma::eventFilePatterns())),
        QStringLiteral("[files...]"));
}

StartupOptions startupOptions(const QCommandLineParser& parser)
{
    StartupOptions options;
    options.files = parser.positionalArguments();
    options.samples = parser.isSet(SamplesOption) || options.files.isEmpty();
    options.corpus = parser.value(CorpusOption);
    options.technique = parser.value(TechniqueOption);
    options.rule = parser.value(RuleOption);
    return options;
}

void openStartup(sigmaui::MainWindow& window, const StartupOptions& options)
{
    // The event sets of the last session come back (their workspace remembers them); the samples'
    // own events only when there are none.
    bool hasEvents = false;
    for (const QString& file : options.files)
        hasEvents = hasEvents || (!file.endsWith(QLatin1String(".yml")) && !file.endsWith(QLatin1String(".yaml")));
    const bool restored = !hasEvents && window.restoreEventSets();
    const QString sampleCorpus = options.samples ? window.openSampleWorkspace(!restored) : QString();
    window.openPaths(options.files);
    sigmaui::CorpusFeatures* corpus = window.corpusFeatures();
    if (!corpus)
        return;
    if (!options.corpus.isEmpty())
        corpus->openCorpus(options.corpus);
    else if (!sampleCorpus.isEmpty() && sigmaui::CorpusSession::rememberedFolder().isEmpty())
        corpus->openCorpus(sampleCorpus); // a first start: corpus reach and technique pages show something
    if (!options.technique.isEmpty())
        corpus->showTechnique(options.technique); // a central tab beside the rules
    if (!options.rule.isEmpty())
        corpus->showRulePage(options.rule); // shown once the corpus is loaded
}

} // namespace sigmagui
