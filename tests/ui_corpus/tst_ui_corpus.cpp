// The corpus half of the workbench (issue 8 acceptance): corpus loading in the background with
// progress and cancel, the corpus browser, the Indicators pane (same reach and baseline hits as
// `sigmawb reach`), technique pages (same numbers as `sigmawb coverage --format json`), hover,
// the Navigator export; on the project's fixture corpus and, when present, on SigmaHQ's rules.
#include "corpus/corpusfeatures.h"
#include "corpus/corpusloader.h"
#include "corpus/corpustreemodel.h"
#include "corpus/indicatorsmodel.h"
#include "corpus/indicatorspane.h"
#include "corpus/rulepageview.h"
#include "corpus/techniquemodel.h"
#include "corpus/techniqueview.h"
#include "liveevaluator.h"
#include "mainwindow.h"
#include "messagebanner.h"
#include "ruleeditor.h"
#include "syntaxsupport.h"

#include "testsupport.h"
#include "testwindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QHeaderView>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>

#include <algorithm>

using namespace sigmaui;

namespace {
QString fixtureCorpus()
{
    return sigmatest::dataPath(QStringLiteral("corpus/rules"));
}
QString fixtureRule()
{
    return sigmatest::dataPath(QStringLiteral("corpus/rules/network/tunnel_domain.yml"));
}
/// The fixture corpus's rule files (one rule each), counted so new fixtures do not break the tests.
int fixtureRuleCount()
{
    int n = 0;
    QDirIterator it(fixtureCorpus(), {QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}
QString netshCorpus()
{
    return sigmatest::dataPath(QStringLiteral("query/netsh"));
}

/// Every rule item the proxy shows, depth first.
QModelIndexList ruleItems(const QAbstractItemModel* model, const QModelIndex& parent = {})
{
    QModelIndexList out;
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        if (i.data(CorpusTreeModel::KindRole).toInt() == CorpusTreeModel::RuleItem)
            out.append(i);
        else
            out.append(ruleItems(model, i));
    }
    return out;
}

QModelIndex firstRuleItem(const QAbstractItemModel* model)
{
    const QModelIndexList rules = ruleItems(model);
    return rules.isEmpty() ? QModelIndex() : rules.first();
}

QString fixtureEvents()
{
    return sigmatest::dataPath(QStringLiteral("corpus/events/network.xml"));
}

QJsonObject runJson(const QStringList& args)
{
    const auto r = sigmatest::runSigmawb(args, 300000);
    if (r.exitCode != 0 && r.exitCode != 3) // 3: partial (some corpus files left out)
        qWarning("sigmawb %s: exit %d: %s", qPrintable(args.join(QLatin1Char(' '))), r.exitCode, r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

struct Workbench : sigmatest::TestWindow {
    CorpusFeatures* features = nullptr;

    Workbench()
        : TestWindow()
    {
        features = CorpusFeatures::of(window.get());
        window->resize(1400, 900);
    }

    bool loadCorpus(const QString& path, int timeoutMs = 240000)
    {
        QSignalSpy loaded(features, &CorpusFeatures::corpusLoaded);
        features->openCorpus(path);
        return loaded.wait(timeoutMs) && features->corpus();
    }

    /// Opens a rule and waits until the Indicators pane shows it (baseline included if events).
    bool openRule(const QString& path)
    {
        if (!window->openRuleFile(path))
            return false;
        return QTest::qWaitFor([&] { return indicatorsReady(); }, 20000);
    }

    bool indicatorsReady() const
    {
        const IndicatorsModel* m = features->indicatorsPane()->model();
        if (m->rowCount() == 0)
            return false;
        const bool wantBaseline = window->events() && !window->events()->empty();
        return !wantBaseline || m->figuresAt(0)->baseline.has_value();
    }

    bool loadEvents(const QString& path)
    {
        QSignalSpy loaded(window.get(), &MainWindow::eventsLoaded);
        window->loadEvents({path});
        return loaded.wait(30000);
    }
};

int findRow(const IndicatorsModel* m, const QString& field, const QString& kind, const QString& value)
{
    return m->rowOf(field, kind, value);
}

/// Compares the Indicators pane with `sigmawb reach --format json` row by row.
void compareWithReach(const IndicatorsModel* model, const QJsonObject& reach, bool withEvents)
{
    const QJsonArray rows = reach.value(QStringLiteral("indicators")).toArray();
    QVERIFY(!rows.isEmpty());
    QCOMPARE(model->rowCount(), int(rows.size()));
    QCOMPARE(qlonglong(model->corpusRules()), reach[QStringLiteral("corpus")][QStringLiteral("rules")].toInteger());
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows.at(i).toObject();
        const IndicatorFigures* f = model->figuresAt(i);
        QCOMPARE(QString::fromStdString(f->indicator.field), row[QStringLiteral("field")].toString());
        QCOMPARE(QString::fromLatin1(sigma::indicatorKindName(f->indicator.kind)),
                 row[QStringLiteral("kind")].toString());
        QCOMPARE(QString::fromStdString(f->indicator.value), row[QStringLiteral("value")].toString());
        QVERIFY(f->reach.has_value());
        QCOMPARE(qlonglong(*f->reach), row[QStringLiteral("corpus_reach")].toInteger());
        QCOMPARE(qlonglong(*f->otherRules), row[QStringLiteral("other_rules")].toInteger());
        QCOMPARE(model->index(i, IndicatorsModel::ReachColumn).data().toString(),
                 QString::number(row[QStringLiteral("corpus_reach")].toInteger()));
        QCOMPARE(f->indicator.excluded, row[QStringLiteral("excluded")].toBool());
        if (withEvents) {
            QVERIFY(f->baseline.has_value());
            QCOMPARE(qlonglong(*f->baseline), row[QStringLiteral("baseline_hits")].toInteger());
        }
    }
}

/// Compares a technique view with `sigmawb coverage --format json`.
void compareWithCoverage(const TechniqueView* view, const QJsonObject& json)
{
    using Table = TechniqueTableModel::Table;
    QCOMPARE(view->techniqueId(), json[QStringLiteral("technique")][QStringLiteral("id")].toString());
    const QJsonArray events = json[QStringLiteral("events")].toArray();
    const QJsonArray fields = json[QStringLiteral("fields")].toArray();
    const QJsonArray indicators = json[QStringLiteral("indicators")].toArray();
    const QJsonArray rules = json[QStringLiteral("rules")].toArray();
    QVERIFY(!rules.isEmpty());
    const TechniqueTableModel* em = view->model(Table::Events);
    const TechniqueTableModel* fm = view->model(Table::Fields);
    const TechniqueTableModel* im = view->model(Table::Indicators);
    const TechniqueTableModel* rm = view->model(Table::Rules);
    QCOMPARE(em->rowCount(), int(events.size()));
    QCOMPARE(fm->rowCount(), int(fields.size()));
    QCOMPARE(im->rowCount(), int(indicators.size()));
    QCOMPARE(rm->rowCount(), int(rules.size()));
    for (int i = 0; i < events.size(); ++i)
        QCOMPARE(em->index(i, 1).data().toString(),
                 QString::number(events[i].toObject()[QStringLiteral("event_id")].toInteger()));
    for (int i = 0; i < fields.size(); ++i) {
        const QJsonObject f = fields[i].toObject();
        QCOMPARE(fm->index(i, 0).data().toString(), f[QStringLiteral("field")].toString());
        QCOMPARE(fm->index(i, 1).data().toString(), QString::number(f[QStringLiteral("rules")].toInteger()));
    }
    const int hereColumn = im->columnOf(QStringLiteral("Rules here"));
    const int reachColumn = im->columnOf(QStringLiteral("Corpus reach"));
    QVERIFY(hereColumn >= 0 && reachColumn >= 0);
    for (int i = 0; i < indicators.size(); ++i) {
        const QJsonObject ind = indicators[i].toObject();
        QCOMPARE(im->index(i, 0).data().toString(), ind[QStringLiteral("field")].toString());
        QCOMPARE(im->index(i, 2).data().toString(), ind[QStringLiteral("value")].toString());
        QCOMPARE(im->index(i, hereColumn).data().toString(),
                 QString::number(ind[QStringLiteral("rules_here")].toInteger()));
        QCOMPARE(im->index(i, reachColumn).data().toString(),
                 QString::number(ind[QStringLiteral("corpus_reach")].toInteger()));
    }
    for (int i = 0; i < rules.size(); ++i)
        QCOMPARE(rm->index(i, 1).data().toString(), rules[i].toObject()[QStringLiteral("title")].toString());
}
} // namespace

class TestUiCorpus : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { sigmatest::isolateSettings(QStringLiteral("tst_ui_corpus")); }
    void cleanup() { QSettings().clear(); }

    // ---- loading ----

    void loaderRunsSynchronously()
    {
        std::atomic<bool> cancel{false};
        qint64 lastDone = -1, lastTotal = -1;
        const auto result = CorpusLoader::run(fixtureCorpus(), &cancel,
                                              [&](qint64 done, qint64 total) { lastDone = done, lastTotal = total; });
        QVERIFY(result->corpus);
        QVERIFY(result->error.isEmpty());
        QVERIFY(!result->cancelled);
        QCOMPARE(int(result->corpus->rules().size()), fixtureRuleCount());
        QVERIFY(fixtureRuleCount() >= 6);
        QCOMPARE(lastTotal, qint64(fixtureRuleCount()));
        QCOMPARE(lastDone, qint64(fixtureRuleCount()));
    }

    void loaderReportsMissingFolder()
    {
        const auto result = CorpusLoader::run(QStringLiteral("/nonexistent/rules"), nullptr, {});
        QVERIFY(!result->corpus);
        QVERIFY2(result->error.contains(QLatin1String("/nonexistent/rules")), qPrintable(result->error));
    }

    void loaderCancels()
    {
        // Cancelled from the first progress report: the load stops early and says so.
        std::atomic<bool> cancel{false};
        const auto result = CorpusLoader::run(fixtureCorpus(), &cancel, [&](qint64, qint64) { cancel = true; });
        QVERIFY(result->cancelled);
        QVERIFY(int(result->corpus->rules().size()) < fixtureRuleCount());

        // Through the asynchronous loader: cancel() makes it finish with a cancelled result.
        CorpusLoader loader;
        QSignalSpy finished(&loader, &CorpusLoader::finished);
        loader.load(fixtureCorpus());
        QVERIFY(loader.isLoading());
        loader.cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(!loader.isLoading());
        const auto r = finished.at(0).at(0).value<CorpusLoadResultPtr>();
        QVERIFY(r->corpus);
        QVERIFY(r->cancelled ||
                int(r->corpus->rules().size()) == fixtureRuleCount()); // it may have been done before the cancel
    }

    void newLoadSupersedesRunningOne()
    {
        CorpusLoader loader;
        QSignalSpy finished(&loader, &CorpusLoader::finished);
        loader.load(sigmatest::dataPath(QStringLiteral("corpus/broken")));
        loader.load(fixtureCorpus());
        QVERIFY(finished.wait(10000));
        // Both jobs are over (the first one was cancelled): its result, had it been posted, is in.
        QTRY_COMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QCoreApplication::processEvents();
        QCOMPARE(finished.size(), 1); // the first load's result was dropped
        QCOMPARE(int(finished.at(0).at(0).value<CorpusLoadResultPtr>()->corpus->rules().size()), fixtureRuleCount());
    }

    void corpusIsRememberedAcrossStarts()
    {
        {
            Workbench wb;
            QVERIFY(wb.loadCorpus(fixtureCorpus()));
        }
        QCOMPARE(QSettings().value(QStringLiteral("corpus/path")).toString(),
                 QFileInfo(fixtureCorpus()).absoluteFilePath());
        Workbench again; // loads the remembered corpus by itself
        QSignalSpy loaded(again.features, &CorpusFeatures::corpusLoaded);
        QVERIFY(again.features->isLoading() || again.features->corpus());
        if (!again.features->corpus())
            QVERIFY(loaded.wait(10000));
        QCOMPARE(int(again.features->corpus()->rules().size()), fixtureRuleCount());
        QCOMPARE(again.features->corpusPath(), QFileInfo(fixtureCorpus()).absoluteFilePath());
    }

    void brokenFilesAreReported()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(sigmatest::dataPath(QStringLiteral("corpus/broken"))));
        QCOMPARE(wb.features->corpus()->rules().size(), std::size_t(1));
        QVERIFY(wb.window->banner()->isVisibleTo(wb.window.get()));
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String("left out")),
                 qPrintable(wb.window->banner()->text()));
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String(".yml")), qPrintable(wb.window->banner()->text()));
    }

    // ---- browser ----

    void browserByFolderAndTechnique()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        CorpusTreeModel* model = wb.features->treeModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(wb.features->treeProxy(),
                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->grouping(), CorpusTreeModel::Grouping::ByFolder);
        QStringList folders;
        for (int r = 0; r < model->rowCount(); ++r)
            folders.append(model->index(r, 0).data().toString());
        folders.sort();
        QCOMPARE(folders, (QStringList{QStringLiteral("misc"), QStringLiteral("network"), QStringLiteral("process"),
                                       QStringLiteral("security")}));
        QCOMPARE(model->ruleItemCount(), fixtureRuleCount());

        wb.features->groupingBox()->setCurrentIndex(1);
        QCOMPARE(model->grouping(), CorpusTreeModel::Grouping::ByTechnique);
        QModelIndex t1090;
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, 0).data(CorpusTreeModel::TechniqueRole).toString() == QLatin1String("T1090.002"))
                t1090 = model->index(r, 0);
        QVERIFY(t1090.isValid());
        QCOMPARE(t1090.data().toString(), QStringLiteral("T1090.002  Proxy: External Proxy"));
        QCOMPARE(model->rowCount(t1090), 2);
        QCOMPARE(model->index(t1090.row(), CorpusTreeModel::RulesColumn).data().toString(), QStringLiteral("2"));

        // Search: a rule title keeps its technique; a technique name keeps all its rules.
        wb.features->searchEdit()->setText(QStringLiteral("tunnel service"));
        CorpusFilterProxy* proxy = wb.features->treeProxy();
        int rulesShown = 0;
        for (int r = 0; r < proxy->rowCount(); ++r)
            rulesShown += proxy->rowCount(proxy->index(r, 0));
        QCOMPARE(rulesShown, 1);
        wb.features->searchEdit()->setText(QStringLiteral("External Proxy"));
        QCOMPARE(proxy->rowCount(), 1);
        QCOMPARE(proxy->rowCount(proxy->index(0, 0)), 2);
        wb.features->searchEdit()->clear();
        QCOMPARE(proxy->rowCount(), model->rowCount());
    }

    void browserActivationOpensRulePageAndTechnique()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        // Sigma rules only: no Vendor column repeating "Sigma" on every row.
        QVERIFY(wb.features->treeView()->isColumnHidden(CorpusTreeModel::VendorColumn));
        wb.features->groupingBox()->setCurrentIndex(1);
        CorpusFilterProxy* proxy = wb.features->treeProxy();
        wb.features->searchEdit()->setText(QStringLiteral("Tunnel Service Domain"));
        QCOMPARE(proxy->rowCount(), 1);
        const QModelIndex technique = proxy->index(0, 0);
        const QModelIndex rule = proxy->index(0, 0, technique);
        QVERIFY(rule.isValid());
        // A rule opens its page in a central tab beside the rule tabs (not a dock)...
        Q_EMIT wb.features->treeView()->activated(rule);
        RulePageView* page = wb.features->currentRulePage();
        QVERIFY(page);
        QCOMPARE(page->file(), QFileInfo(fixtureRule()).absoluteFilePath());
        QCOMPARE(wb.window->tabCount(), 1);
        QCOMPARE(wb.window->documentAt(0), nullptr); // a page, not a document
        QVERIFY(page->isVisibleTo(wb.window.get()));
        // ... whose "Open in Editor" opens the Sigma rule in the editor.
        auto* open = page->findChild<QPushButton*>(QStringLiteral("rulePageOpenInEditor"));
        QVERIFY(open && !open->isHidden());
        open->click();
        QCOMPARE(wb.window->tabCount(), 2);
        QCOMPARE(wb.window->filePathAt(wb.window->currentTab()), QFileInfo(fixtureRule()).absoluteFilePath());
        Q_EMIT wb.features->treeView()->activated(technique);
        QVERIFY(wb.features->currentTechniqueView());
        QCOMPARE(wb.features->currentTechniqueView()->techniqueId(), QStringLiteral("T1090.002"));
        QCOMPARE(wb.window->tabCount(), 3);
        QCOMPARE(wb.window->currentTab(), 2);
        // Closing a page's tab deletes the page and asks nothing.
        QPointer<TechniqueView> view = wb.features->currentTechniqueView();
        QVERIFY(wb.window->closeTab(2));
        QTRY_VERIFY(view.isNull());
        QCOMPARE(wb.window->tabCount(), 2);
    }

    // ---- multi-vendor: rule pages, Vendor column and filter, reach by vendor (issue 14) ----

    void rulePageHighlightsPredicateSpans_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QStringList>("looksFor");
        QTest::addColumn<QStringList>("excludes");
        QTest::addColumn<QString>("firstPredicate");
        QTest::addRow("Elastic EQL") << QStringLiteral("Elastic")
                                     << QStringList{QStringLiteral("host.os.type == \"windows\""),
                                                    QStringLiteral("event.type == \"start\""),
                                                    QStringLiteral("process.name : \"netsh.exe\""),
                                                    QStringLiteral("process.args : (\"firewall\", \"advfirewall\")"),
                                                    QStringLiteral("process.args : \"add\"")}
                                     << QStringList{} << QStringLiteral("process where");
        QTest::addRow("Sigma") << QStringLiteral("Sigma")
                               << QStringList{QStringLiteral("Image|endswith: '\\netsh.exe'"),
                                              // one item, two values: marked once, as selected text
                                              QStringLiteral("CommandLine|contains|all:\u2029            - "
                                                             "'firewall'\u2029            - 'add'")}
                               << QStringList{} << QString();
    }

    void rulePageHighlightsPredicateSpans()
    {
        QFETCH(QString, vendor);
        QFETCH(QStringList, looksFor);
        QFETCH(QStringList, excludes);
        QFETCH(QString, firstPredicate);
        Workbench wb;
        wb.window->show();
        QVERIFY(wb.loadCorpus(netshCorpus()));
        wb.features->vendorBox()->setCurrentIndex(wb.features->vendorBox()->findData(vendor));
        const QModelIndex rule = firstRuleItem(wb.features->treeProxy());
        QVERIFY(rule.isValid());
        Q_EMIT wb.features->treeView()->activated(rule);
        RulePageView* page = wb.features->currentRulePage();
        QVERIFY(page);
        QCOMPARE(QString::fromStdString(page->page()->rule->vendor), vendor);
        QCOMPARE(page->highlightedTexts(false), looksFor);
        QCOMPARE(page->highlightedTexts(true), excludes);
        if (!firstPredicate.isEmpty())
            QCOMPARE(page->predicateTree()->topLevelItem(0)->text(0), firstPredicate);
        // The Image/process.name indicator is one row of reach 3, split by vendor.
        QTreeWidget* indicators = page->indicatorTable();
        bool found = false;
        for (int i = 0; i < indicators->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = indicators->topLevelItem(i);
            if (item->text(1) == QLatin1String("Image") && item->text(3) == QLatin1String("\\netsh.exe")) {
                found = true;
                QCOMPARE(item->text(5), QStringLiteral("3"));
                QCOMPARE(item->text(6), QStringLiteral("Elastic 1, Sigma 1, Splunk 1"));
            }
        }
        QVERIFY(found);
        // Selecting a predicate selects its text in the query.
        QTreeWidget* tree = page->predicateTree();
        QTreeWidgetItem* leaf = tree->topLevelItem(0);
        while (leaf->childCount())
            leaf = leaf->child(0);
        tree->setCurrentItem(leaf);
        QCOMPARE(page->queryView()->textCursor().selectedText(), looksFor.first());
    }

    void splunkRulePageAndNotAnalysedRule()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(netshCorpus()));
        RulePageView* page = wb.features->showRulePage(sigmatest::dataPath(
            QStringLiteral("query/netsh/splunk/detections/endpoint/netsh_firewall_rule_added.yml")));
        QVERIFY(page);
        QCOMPARE(QString::fromStdString(page->page()->rule->vendor), QStringLiteral("Splunk"));
        // The macro stands for process_name/original_file_name (marked once); then the two terms.
        QCOMPARE(page->highlightedTexts(false),
                 (QStringList{QStringLiteral("`process_netsh`"), QStringLiteral("Processes.process=\"*firewall*\""),
                              QStringLiteral("Processes.process=\"*add*\"")}));
        QVERIFY(page->highlightedTexts(true).isEmpty());
        QVERIFY2(page->queryView()->toPlainText().startsWith(QLatin1String("search: '| tstats")),
                 qPrintable(page->queryView()->toPlainText()));
        QVERIFY(page->findChild<QPushButton*>(QStringLiteral("rulePageOpenInEditor"))->isHidden());
    }

    void vendorColumnAndFilter()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(netshCorpus()));
        CorpusTreeModel* model = wb.features->treeModel();
        new QAbstractItemModelTester(wb.features->treeProxy(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                     wb.window.get());
        QCOMPARE(model->headerData(CorpusTreeModel::VendorColumn, Qt::Horizontal).toString(), QStringLiteral("Vendor"));
        QCOMPARE(model->vendors(),
                 (QStringList{QStringLiteral("Elastic"), QStringLiteral("Sigma"), QStringLiteral("Splunk")}));
        QComboBox* vendors = wb.features->vendorBox();
        QCOMPARE(vendors->count(), 4); // All vendors + 3
        QVERIFY(!wb.features->treeView()->isColumnHidden(CorpusTreeModel::VendorColumn));
        QCOMPARE(ruleItems(wb.features->treeProxy()).size(), 3);
        for (const QString& vendor : {QStringLiteral("Elastic"), QStringLiteral("Sigma"), QStringLiteral("Splunk")}) {
            vendors->setCurrentIndex(vendors->findData(vendor));
            const QModelIndexList rules = ruleItems(wb.features->treeProxy());
            QCOMPARE(rules.size(), 1);
            QCOMPARE(rules.first().siblingAtColumn(CorpusTreeModel::VendorColumn).data().toString(), vendor);
        }
        // The search and the vendor filter combine.
        vendors->setCurrentIndex(vendors->findData(QStringLiteral("Splunk")));
        wb.features->searchEdit()->setText(QStringLiteral("Netsh Firewall Rule Added"));
        QCOMPARE(ruleItems(wb.features->treeProxy()).size(), 1);
        wb.features->searchEdit()->setText(QStringLiteral("Firewall Rule Added With Netsh")); // the Sigma title
        QCOMPARE(ruleItems(wb.features->treeProxy()).size(), 0);
        vendors->setCurrentIndex(0);
        QCOMPARE(ruleItems(wb.features->treeProxy()).size(), 1);
        wb.features->searchEdit()->clear();
        QCOMPARE(ruleItems(wb.features->treeProxy()).size(), 3);
    }

    // Issue 20: "ATT&CK" in a menu or a dialog label is written "ATT&&CK" (a single '&' is a
    // mnemonic and the user reads "ATTCK").
    void attackKeepsItsAmpersandInMenusAndDialogs()
    {
        const auto shown = [](QString text) { // what Qt draws: "&&" is '&', a single '&' marks a mnemonic
            text.replace(QLatin1String("&&"), QStringLiteral("\x01"));
            text.remove(QLatin1Char('&'));
            return text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
        };
        Workbench wb;
        auto* navigator = wb.window->findChild<QAction*>(QStringLiteral("exportNavigatorAction"));
        QVERIFY(navigator);
        QCOMPARE(shown(navigator->text()), QStringLiteral("Export ATT&CK Navigator Layer…"));
        auto* techniquePage = wb.window->findChild<QAction*>(QStringLiteral("techniquePageAction"));
        QVERIFY(techniquePage);
        QString label;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            label = dialog->labelText();
            dialog->reject();
        });
        techniquePage->trigger();
        QCOMPARE(shown(label), QStringLiteral("ATT&CK technique id:"));
    }

    // A page tab (no rule) in front: the Indicators pane does not keep the last rule's rows.
    void indicatorsFollowThePageTabs()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(netshCorpus()));
        QVERIFY(
            wb.openRule(sigmatest::dataPath(QStringLiteral("query/netsh/sigma/proc_creation_win_netsh_fw_rule.yml"))));
        const IndicatorsModel* m = wb.features->indicatorsPane()->model();
        const int rows = m->rowCount();
        QVERIFY(rows > 0);
        QVERIFY(wb.features->showRulePage(
            sigmatest::dataPath(QStringLiteral("query/netsh/elastic/netsh_firewall_rule.toml"))));
        QCOMPARE(wb.window->documentAt(wb.window->currentTab()), nullptr);
        QTRY_COMPARE(m->rowCount(), 0);
        wb.window->setCurrentTab(0);
        QTRY_COMPARE(m->rowCount(), rows);
    }

    void indicatorReachTooltipSplitsByVendor()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(netshCorpus()));
        QVERIFY(
            wb.openRule(sigmatest::dataPath(QStringLiteral("query/netsh/sigma/proc_creation_win_netsh_fw_rule.yml"))));
        const IndicatorsModel* m = wb.features->indicatorsPane()->model();
        const int row = m->rowOf(QStringLiteral("Image"), QStringLiteral("ends_with"), QStringLiteral("\\netsh.exe"));
        QVERIFY(row >= 0);
        QCOMPARE(m->index(row, IndicatorsModel::ReachColumn).data().toString(), QStringLiteral("3"));
        const QString tip = m->index(row, IndicatorsModel::ReachColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QLatin1String("By vendor: Elastic 1, Sigma 1, Splunk 1")), qPrintable(tip));
    }

    // ---- indicators ----

    void indicatorsMatchTheCli()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QVERIFY(wb.loadEvents(fixtureEvents()));
        QVERIFY(wb.openRule(fixtureRule()));
        IndicatorsModel* model = wb.features->indicatorsPane()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonObject reach =
            runJson({QStringLiteral("reach"), QStringLiteral("--corpus"), fixtureCorpus(), QStringLiteral("--format"),
                     QStringLiteral("json"), QStringLiteral("--events"), fixtureEvents(), fixtureRule()});
        compareWithReach(model, reach, true);
        const int row = findRow(model, QStringLiteral("Initiated"), QStringLiteral("eq"), QStringLiteral("true"));
        QCOMPARE(row, 0);
        QCOMPARE(model->index(row, IndicatorsModel::ReachColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model->index(row, IndicatorsModel::HitsColumn).data().toString(), QStringLiteral("3"));
        QCOMPARE(model->index(row, IndicatorsModel::PolarityColumn).data().toString(), QStringLiteral("looks for"));
        // The bars: the noisiest row of a column is full.
        QCOMPARE(model->index(row, IndicatorsModel::ReachColumn).data(IndicatorsModel::BarRole).toDouble(), 1.0);
        QCOMPARE(model->index(1, IndicatorsModel::ReachColumn).data(IndicatorsModel::BarRole).toDouble(), 0.5);
        QVERIFY2(wb.features->indicatorsPane()->summary().contains(QLatin1String("whole rule matches 1")),
                 qPrintable(wb.features->indicatorsPane()->summary()));
        // Sortable: by reach, descending.
        QSortFilterProxyModel* proxy = wb.features->indicatorsPane()->proxy();
        proxy->sort(IndicatorsModel::ReachColumn, Qt::DescendingOrder);
        QCOMPARE(proxy->index(0, IndicatorsModel::FieldColumn).data().toString(), QStringLiteral("Initiated"));
        proxy->sort(IndicatorsModel::ReachColumn, Qt::AscendingOrder);
        QCOMPARE(proxy->index(0, IndicatorsModel::FieldColumn).data().toString(),
                 QStringLiteral("DestinationHostname"));
    }

    void indicatorsShowWrittenFieldInTooltip()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QVERIFY(wb.openRule(sigmatest::dataPath(QStringLiteral("corpus/rules/network/loopback_cim.yml"))));
        IndicatorsModel* model = wb.features->indicatorsPane()->model();
        bool sawAlias = false;
        for (int r = 0; r < model->rowCount(); ++r) {
            const IndicatorFigures* f = model->figuresAt(r);
            if (f->indicator.writtenField != f->indicator.field) {
                sawAlias = true;
                QCOMPARE(model->index(r, 0).data().toString(), QString::fromStdString(f->indicator.field));
                QVERIFY2(
                    model->index(r, 0)
                        .data(Qt::ToolTipRole)
                        .toString()
                        .contains(QStringLiteral("Written as ") + QString::fromStdString(f->indicator.writtenField)),
                    qPrintable(model->index(r, 0).data(Qt::ToolTipRole).toString()));
            }
        }
        QVERIFY(sawAlias);
        // Without events the baseline column says so.
        QCOMPARE(model->index(0, IndicatorsModel::HitsColumn).data().toString(), QStringLiteral("–"));
    }

    void indicatorValuesHaveRoomAndTheirTooltip()
    {
        Workbench wb;
        wb.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(wb.window.get()));
        QVERIFY(wb.openRule(fixtureRule()));
        IndicatorsPane* pane = wb.features->indicatorsPane();
        QTableView* view = pane->view();
        QCoreApplication::processEvents();
        // The value takes the room the other columns leave (with a floor: a narrow pane scrolls);
        // in the default layout that is the largest share of the pane. A long value is elided in
        // the middle with the whole value in its tooltip.
        int others = 0;
        for (int c = 0; c < IndicatorsModel::COLUMN_COUNT; ++c)
            if (c != IndicatorsModel::ValueColumn)
                others += view->columnWidth(c);
        const int value = view->columnWidth(IndicatorsModel::ValueColumn);
        QCOMPARE(value, qMax(int(IndicatorsPane::MinimumValueWidth), view->viewport()->width() - others));
        for (int c = 0; c < IndicatorsModel::COLUMN_COUNT; ++c)
            if (c != IndicatorsModel::ValueColumn)
                QVERIFY2(
                    value > view->columnWidth(c),
                    qPrintable(
                        QStringLiteral("value %1 px, column %2: %3 px").arg(value).arg(c).arg(view->columnWidth(c))));
        wb.features->indicatorsDock()->setFloating(true);
        wb.features->indicatorsDock()->resize(1000, 300);
        QTRY_COMPARE(view->columnWidth(IndicatorsModel::ValueColumn), view->viewport()->width() - others);
        wb.features->indicatorsDock()->resize(300, 300);
        QTRY_COMPARE(view->columnWidth(IndicatorsModel::ValueColumn), int(IndicatorsPane::MinimumValueWidth));
        QCOMPARE(view->textElideMode(), Qt::ElideMiddle);
        const IndicatorsModel* model = pane->model();
        for (int r = 0; r < model->rowCount(); ++r) {
            const QString full = QString::fromStdString(model->figuresAt(r)->indicator.value);
            const QString tip = model->index(r, IndicatorsModel::ValueColumn).data(Qt::ToolTipRole).toString();
            QVERIFY2(tip.startsWith(full + QLatin1Char('\n')), qPrintable(tip));
            // The kind with its transformations ("contains|windash") leads the Kind tooltip.
            const QString kind = model->index(r, IndicatorsModel::KindColumn).data().toString();
            const QString kindTip = model->index(r, IndicatorsModel::KindColumn).data(Qt::ToolTipRole).toString();
            QVERIFY2(kindTip.startsWith(kind + QLatin1Char('\n')), qPrintable(kindTip));
        }
    }

    // Issue 20: loading a corpus (at every start, it is remembered) kept the Baseline hits column
    // at "–" until the rule was edited.
    void baselineSurvivesACorpusLoad()
    {
        Workbench wb;
        wb.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(wb.window.get()));
        QVERIFY(wb.loadEvents(fixtureEvents()));
        QVERIFY(wb.openRule(fixtureRule())); // waits for the baseline
        const IndicatorsModel* model = wb.features->indicatorsPane()->model();
        std::vector<std::size_t> before;
        for (int r = 0; r < model->rowCount(); ++r)
            before.push_back(*model->figuresAt(r)->baseline);
        QVERIFY(std::any_of(before.begin(), before.end(), [](std::size_t n) { return n > 0; }));
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QTRY_VERIFY(model->rowCount() == int(before.size()) && model->figuresAt(0)->reach.has_value());
        for (int r = 0; r < model->rowCount(); ++r) {
            QVERIFY2(model->figuresAt(r)->baseline.has_value(), qPrintable(QString::number(r)));
            QCOMPARE(*model->figuresAt(r)->baseline, before[std::size_t(r)]);
            QVERIFY(model->index(r, IndicatorsModel::HitsColumn).data().toString() != QStringLiteral("–"));
        }
    }

    void baselineWaitsForTheOpenPaneAndStopsOnEdits()
    {
        Workbench wb;
        wb.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(wb.window.get()));
        QVERIFY(wb.loadEvents(fixtureEvents()));
        QDockWidget* dock = wb.features->indicatorsDock();
        dock->close(); // closed by the user: the pass over the events is put off
        QVERIFY(wb.window->openRuleFile(fixtureRule()));
        const IndicatorsModel* model = wb.features->indicatorsPane()->model();
        QTRY_VERIFY(model->rowCount() > 0);
        QTRY_VERIFY2(wb.features->indicatorsPane()->summary().contains(QLatin1String("when the pane is open")),
                     qPrintable(wb.features->indicatorsPane()->summary()));
        // No count was started: once the background threads are idle, still no baseline.
        QTRY_COMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QCoreApplication::processEvents();
        QVERIFY(!model->figuresAt(0)->baseline.has_value());
        dock->show(); // reopened: counted now
        QTRY_VERIFY_WITH_TIMEOUT(model->figuresAt(0)->baseline.has_value(), 10000);
        const int row = findRow(model, QStringLiteral("Initiated"), QStringLiteral("eq"), QStringLiteral("true"));
        QVERIFY(row >= 0);
        QCOMPARE(*model->figuresAt(row)->baseline, std::size_t(3)); // as indicatorsMatchTheCli
        // An edit: the count of the old text is dropped and the new text is counted.
        RuleEditor* editor = wb.window->currentEditor();
        QTextCursor c = editor->textCursor();
        c.setPosition(int(editor->toPlainText().indexOf(QLatin1String("    condition:"))));
        editor->setTextCursor(c);
        editor->textCursor().insertText(QStringLiteral("    filter:\n        DestinationPort: 3389\n"));
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 3 && model->figuresAt(0)->baseline.has_value(), 10000);
        const int port =
            findRow(model, QStringLiteral("DestinationPort"), QStringLiteral("eq"), QStringLiteral("3389"));
        QVERIFY(port >= 0);
        QVERIFY(model->figuresAt(port)->baseline.has_value());
    }

    void indicatorsFollowEdits()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QVERIFY(wb.openRule(fixtureRule()));
        RuleEditor* editor = wb.window->currentEditor();
        IndicatorsModel* model = wb.features->indicatorsPane()->model();
        QCOMPARE(model->rowCount(), 2);
        QTextCursor c = editor->textCursor();
        c.setPosition(int(editor->toPlainText().indexOf(QLatin1String("    condition:"))));
        editor->setTextCursor(c);
        editor->textCursor().insertText(QStringLiteral("    filter:\n        DestinationPort: 3389\n"));
        QTRY_COMPARE(model->rowCount(), 3);
        const int row = findRow(model, QStringLiteral("DestinationPort"), QStringLiteral("eq"), QStringLiteral("3389"));
        QVERIFY(row >= 0);
        QCOMPARE(*model->figuresAt(row)->reach, std::size_t(2)); // scanner_rdp and loopback_rdp_wfp use it
        QVERIFY(!model->figuresAt(row)->indicator.excluded);     // not used in the condition: not an exclusion
    }

    void clickSelectsIndicatorInEditor()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QVERIFY(wb.openRule(fixtureRule()));
        IndicatorsPane* pane = wb.features->indicatorsPane();
        const QModelIndex index = pane->proxy()->index(1, IndicatorsModel::ValueColumn);
        Q_EMIT pane->view()->clicked(index);
        const QTextCursor c = wb.window->currentEditor()->textCursor();
        QCOMPARE(c.blockNumber() + 1, 16);
        QVERIFY2(c.selectedText().contains(QLatin1String(".tunnel.example")), qPrintable(c.selectedText()));
    }

    void hoverShowsFiguresAndTechnique()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        QVERIFY(wb.openRule(fixtureRule()));
        RuleEditor* editor = wb.window->currentEditor();
        const QStringList lines = editor->toPlainText().split(QLatin1Char('\n'));
        auto columnOf = [&](int line, const QString& text) { return int(lines.at(line - 1).indexOf(text)) + 2; };
        // line 9: "    - attack.t1090.002"
        const QString tag = wb.features->hoverTextAt(editor, 9, columnOf(9, QStringLiteral("attack.t1090")));
        QVERIFY2(tag.contains(QStringLiteral("T1090.002 — Proxy: External Proxy")), qPrintable(tag));
        QVERIFY2(tag.contains(QLatin1String("Tactic: Command and Control")), qPrintable(tag));
        const QString tactic = wb.features->hoverTextAt(editor, 8, columnOf(8, QStringLiteral("command")));
        QVERIFY2(tactic.contains(QLatin1String("TA0011")), qPrintable(tactic));
        // line 15: "        Initiated: 'true'"
        const QString value = wb.features->hoverTextAt(editor, 15, columnOf(15, QStringLiteral("true")));
        QVERIFY2(value.contains(QLatin1String("Initiated eq true")), qPrintable(value));
        QVERIFY2(
            value.contains(QStringLiteral("Corpus reach: 2 of %1 rules (1 besides this one)").arg(fixtureRuleCount())),
            qPrintable(value));
        QCOMPARE(wb.features->hoverTextAt(editor, 1, 2), QString());
        // The cursor on the tag: F4 / Ctrl+click open its page.
        editor->jumpTo(9, columnOf(9, QStringLiteral("t1090")));
        QCOMPARE(wb.features->techniqueAtCursor(), QStringLiteral("T1090.002"));
    }

    // ---- technique pages ----

    void techniquePageMatchesTheCli()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        TechniqueView* view = wb.features->showTechnique(QStringLiteral("t1090.002"));
        using Table = TechniqueTableModel::Table;
        for (Table t : {Table::Events, Table::Fields, Table::Indicators, Table::Rules}) {
            QAbstractItemModelTester tester(view->model(t), QAbstractItemModelTester::FailureReportingMode::QtTest);
            QAbstractItemModelTester proxyTester(view->view(t)->model(),
                                                 QAbstractItemModelTester::FailureReportingMode::QtTest);
        }
        const QJsonObject json = runJson({QStringLiteral("coverage"), QStringLiteral("--corpus"), fixtureCorpus(),
                                          QStringLiteral("--technique"), QStringLiteral("T1090.002"),
                                          QStringLiteral("--format"), QStringLiteral("json")});
        compareWithCoverage(view, json);
        QCOMPARE(view->model(Table::Fields)->rowCount(), 8); // README of the fixture corpus
        QCOMPARE(view->model(Table::Indicators)->rowCount(), 11);
        QVERIFY2(view->headline().contains(QStringLiteral("T1090.002 — Proxy: External Proxy")),
                 qPrintable(view->headline()));
        QVERIFY2(view->headline().contains(QLatin1String("3 exclusions")), qPrintable(view->headline()));

        // Exports are the CLI's renderers.
        QTemporaryDir dir;
        for (auto [format, name, cliFormat] : {std::tuple{TechniqueView::Format::Html, "page.html", "html"},
                                               std::tuple{TechniqueView::Format::Markdown, "page.md", "md"}}) {
            const QString path = dir.filePath(QLatin1String(name));
            QVERIFY(view->exportTo(path, format));
            const auto cli = sigmatest::runSigmawb(
                {QStringLiteral("coverage"), QStringLiteral("--corpus"), fixtureCorpus(), QStringLiteral("--technique"),
                 QStringLiteral("T1090.002"), QStringLiteral("--format"), QLatin1String(cliFormat)});
            QCOMPARE(sigmatest::readFile(path), cli.out);
        }
        QString error;
        QVERIFY(!view->exportTo(QStringLiteral("/nonexistent/dir/page.html"), TechniqueView::Format::Html, &error));
        QVERIFY2(error.contains(QLatin1String("/nonexistent/dir/page.html")), qPrintable(error));

        // Copy: tab-separated with a header.
        view->copySelection(Table::Events);
        const QString copied = QApplication::clipboard()->text();
        QVERIFY2(copied.startsWith(QLatin1String("Provider\tEvent ID\tEvent\n")), qPrintable(copied));
        QVERIFY2(copied.contains(QLatin1String("Sysmon\t3\t")), qPrintable(copied));

        // Sorting by corpus reach (numbers, not text).
        auto* proxy = static_cast<QSortFilterProxyModel*>(view->view(Table::Indicators)->model());
        const int reachColumn = view->model(Table::Indicators)->columnOf(QStringLiteral("Corpus reach"));
        proxy->sort(reachColumn, Qt::DescendingOrder);
        for (int r = 1; r < proxy->rowCount(); ++r)
            QVERIFY(proxy->index(r - 1, reachColumn).data(TechniqueTableModel::SortRole).toLongLong() >=
                    proxy->index(r, reachColumn).data(TechniqueTableModel::SortRole).toLongLong());

        // A rule row opens the rule's page.
        QTableView* rules = view->view(Table::Rules);
        int tunnelRow = -1;
        for (int r = 0; r < rules->model()->rowCount(); ++r)
            if (rules->model()->index(r, 1).data().toString() == QLatin1String("Connection To A Tunnel Service Domain"))
                tunnelRow = r;
        QVERIFY(tunnelRow >= 0);
        Q_EMIT rules->activated(rules->model()->index(tunnelRow, 1));
        QVERIFY(wb.features->currentRulePage());
        QCOMPARE(wb.features->currentRulePage()->file(), QFileInfo(fixtureRule()).absoluteFilePath());
        QCOMPARE(wb.features->currentRulePage()->title(), QStringLiteral("Connection To A Tunnel Service Domain"));
    }

    // In a short window the page scrolls; each table keeps min(rows, 8) rows in view (it was 2–4
    // rows at 1600x1000 with the Test dock open).
    void techniqueTablesKeepTheirRowsInAShortWindow()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        TechniqueView view;
        view.showTechnique(wb.features->corpus(), QStringLiteral("T1090.002"));
        view.resize(900, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        using Table = TechniqueTableModel::Table;
        for (Table t : {Table::Events, Table::Fields, Table::Indicators, Table::Rules}) {
            QTableView* table = view.view(t);
            const int rows = std::min(table->model()->rowCount(), TechniqueView::kMinRowsShown);
            QVERIFY(rows > 0);
            const int rowHeight = table->verticalHeader()->defaultSectionSize();
            QVERIFY2(table->viewport()->height() >= rows * rowHeight,
                     qPrintable(QStringLiteral("table %1: viewport %2 px for %3 rows of %4 px")
                                    .arg(int(t))
                                    .arg(table->viewport()->height())
                                    .arg(rows)
                                    .arg(rowHeight)));
        }
        auto* scroll = view.findChild<QScrollArea*>(QStringLiteral("techniquePageScroll"));
        QVERIFY(scroll);
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0); // the page scrolls, the tables keep their rows
        view.resize(900, 3000);
        QTRY_COMPARE(scroll->verticalScrollBar()->maximum(), 0); // tall enough: no page scroll bar
    }

    void techniqueRequestedBeforeTheCorpusIsLoaded()
    {
        Workbench wb;
        QSignalSpy loaded(wb.features, &CorpusFeatures::corpusLoaded);
        wb.features->openCorpus(fixtureCorpus());
        TechniqueView* view = wb.features->showTechnique(QStringLiteral("T1090.002"));
        QVERIFY(loaded.wait(10000));
        QCOMPARE(wb.features->currentTechniqueView(), view);
        QCOMPARE(view->model(TechniqueTableModel::Table::Rules)->rowCount(), 2);
    }

    void unknownTechnique()
    {
        Workbench wb;
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        TechniqueView* view = wb.features->showTechnique(QStringLiteral("T9999"));
        QVERIFY2(view->headline().contains(QLatin1String("Not in the ATT&CK table")), qPrintable(view->headline()));
        QCOMPARE(view->model(TechniqueTableModel::Table::Rules)->rowCount(), 0);
    }

    // ---- menu and Navigator ----

    void navigatorExportMatchesTheCli()
    {
        Workbench wb;
        QVERIFY(wb.features->menu());
        QVERIFY(wb.window->menuBar()->actions().contains(wb.features->menu()->menuAction()));
        QVERIFY(wb.features->menu()->findChild<QAction*>(QStringLiteral("exportNavigatorAction")) ||
                wb.window->findChild<QAction*>(QStringLiteral("exportNavigatorAction")));
        QTemporaryDir dir;
        QString error;
        QVERIFY(!wb.features->exportNavigatorLayer(dir.filePath(QStringLiteral("none.json")), &error));
        QVERIFY(wb.loadCorpus(fixtureCorpus()));
        const QString path = dir.filePath(QStringLiteral("layer.json"));
        QVERIFY2(wb.features->exportNavigatorLayer(path, &error), qPrintable(error));
        const QJsonObject layer = QJsonDocument::fromJson(sigmatest::readFile(path)).object();
        const QString cliPath = dir.filePath(QStringLiteral("cli.json"));
        sigmatest::runSigmawb({QStringLiteral("coverage"), QStringLiteral("--corpus"), fixtureCorpus(),
                               QStringLiteral("--navigator"), cliPath});
        const QJsonObject cli = QJsonDocument::fromJson(sigmatest::readFile(cliPath)).object();
        QCOMPARE(layer[QStringLiteral("versions")], cli[QStringLiteral("versions")]);
        QCOMPARE(layer[QStringLiteral("techniques")], cli[QStringLiteral("techniques")]);
        bool found = false;
        for (const auto& t : layer[QStringLiteral("techniques")].toArray())
            if (t.toObject()[QStringLiteral("techniqueID")].toString() == QLatin1String("T1090.002")) {
                found = true;
                QCOMPARE(t.toObject()[QStringLiteral("score")].toInt(), 2);
            }
        QVERIFY(found);
    }

    // ---- the SigmaHQ corpus (../shared) ----

    void sigmaHqAcceptance()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules");
        const QString rules = sharedPathValue;
        const QString rule =
            rules + QStringLiteral("/windows/network_connection/net_connection_win_domain_portmap.yml");
        QVERIFY(QFileInfo::exists(rule));
        Workbench wb;
        // The event loop keeps running while the corpus loads: a timer ticks all along.
        int ticks = 0;
        QTimer ticker;
        ticker.setInterval(10);
        QObject::connect(&ticker, &QTimer::timeout, [&ticks] { ++ticks; });
        QSignalSpy progress(wb.features, &CorpusFeatures::corpusLoaded);
        QElapsedTimer clock;
        clock.start();
        ticker.start();
        QVERIFY(wb.loadCorpus(rules));
        const qint64 ms = clock.elapsed();
        ticker.stop();
        qInfo("SigmaHQ corpus: %zu rules loaded in %lld ms; the GUI timer ticked %d times (every 10 ms)",
              wb.features->corpus()->rules().size(), ms, ticks);
        QVERIFY(wb.features->corpus()->rules().size() > 2000);
        QVERIFY2(ticks >= int(ms / 10 / 4), "the event loop was blocked while the corpus loaded");

        QVERIFY(wb.openRule(rule));
        IndicatorsModel* model = wb.features->indicatorsPane()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const int row = findRow(model, QStringLiteral("Initiated"), QStringLiteral("eq"), QStringLiteral("true"));
        QVERIFY(row >= 0);
        const QJsonObject reach = runJson({QStringLiteral("reach"), QStringLiteral("--corpus"), rules,
                                           QStringLiteral("--format"), QStringLiteral("json"), rule});
        compareWithReach(model, reach, false);
        qInfo("Initiated eq true: corpus reach %s",
              qPrintable(model->index(row, IndicatorsModel::ReachColumn).data().toString()));
        QVERIFY(*model->figuresAt(row)->reach > 1);

        TechniqueView* view = wb.features->showTechnique(QStringLiteral("T1090.002"));
        const QJsonObject json =
            runJson({QStringLiteral("coverage"), QStringLiteral("--corpus"), rules, QStringLiteral("--technique"),
                     QStringLiteral("T1090.002"), QStringLiteral("--format"), QStringLiteral("json")});
        compareWithCoverage(view, json);
        CorpusTreeModel* tree = wb.features->treeModel();
        QAbstractItemModelTester treeTester(tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        wb.features->groupingBox()->setCurrentIndex(1);
        QVERIFY(tree->rowCount() > 200);
    }

    void sigmaHqLoadingCanBeCancelled()
    {
        SIGMA_REQUIRE_SHARED("corpus/sigmahq/rules");
        Workbench wb;
        QSignalSpy loaded(wb.features, &CorpusFeatures::corpusLoaded);
        wb.features->openCorpus(sharedPathValue);
        QTest::qWait(50);
        wb.features->cancelLoading();
        QVERIFY(loaded.wait(60000));
        const auto result = loaded.at(0).at(0).value<CorpusLoadResultPtr>();
        QVERIFY(result->cancelled);
        qInfo("cancelled after %zu rules", result->corpus->rules().size());
        QVERIFY(result->corpus->rules().size() < 2000);
        QVERIFY2(wb.window->banner()->text().contains(QLatin1String("cancelled")),
                 qPrintable(wb.window->banner()->text()));
    }
};

QTEST_MAIN(TestUiCorpus)
#include "tst_ui_corpus.moc"
