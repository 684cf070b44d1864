#include "querypane.h"

#include "ruledocument.h"
#include "ruleeditor.h"
#include "rulemarks.h"
#include "workbenchcontext.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalBlocker>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace sigmaui {
namespace {

using sigma::conversion::Target;

const QString TargetKey = QStringLiteral("query/target");
const QString PipelineKey = QStringLiteral("query/pipeline");

/// Pipeline choices: item data is the list of built-in names or files applied.
enum class PipelineRole { Specs = Qt::UserRole + 1, OpenFile };

/// Character offset in `query` (UTF-16) of a UTF-8 byte offset.
int characterOffset(const std::string& query, std::size_t byte)
{
    return int(QString::fromUtf8(query.data(), qsizetype(std::min(byte, query.size()))).size());
}

/// The editor's text of a span, selected (the end of its start line when the span ends elsewhere).
void selectSpan(RuleEditor* editor, const sigma::SourceSpan& span)
{
    QTextDocument* doc = editor->document();
    const QTextBlock block = doc->findBlockByNumber(span.begin.line - 1);
    if (!block.isValid())
        return;
    const auto [begin, end] = characterRange(doc, span);
    QTextCursor cursor(block);
    cursor.setPosition(block.position() + begin - 1);
    cursor.setPosition(block.position() + qMin(end - 1, block.length() - 1), QTextCursor::KeepAnchor);
    editor->setTextCursor(cursor);
    editor->ensureCursorVisible();
}

} // namespace

QString queryTargetLabel(Target t)
{
    switch (t) {
    case Target::Splunk:
        return QObject::tr("Splunk SPL");
    case Target::Esql:
        return QObject::tr("Elastic ES|QL");
    case Target::Eql:
        return QObject::tr("Elastic EQL");
    case Target::Lucene:
        return QObject::tr("Elastic Lucene");
    case Target::Kusto:
        return QObject::tr("Microsoft KQL");
    case Target::Sqlite:
        return QObject::tr("SQL (SQLite)");
    }
    return {};
}

void addPipelineChoices(QComboBox* box)
{
    box->addItem(QObject::tr("No pipeline (field names as written)"), QStringList{});
    for (const std::string& name : sigma::conversion::builtinPipelineNames()) {
        const auto load = sigma::conversion::loadPipeline(name);
        const QString title = load.pipeline ? QString::fromStdString(load.pipeline->name) : QString();
        box->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(name), title),
                     QStringList{QString::fromStdString(name)});
    }
    for (const char* second : {"ecs", "splunk-cim"})
        box->addItem(QObject::tr("sysmon + %1").arg(QLatin1String(second)),
                     QStringList{QStringLiteral("sysmon"), QLatin1String(second)});
}

QueryPane::QueryPane(WorkbenchContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_target(new QComboBox(this))
    , m_pipeline(new QComboBox(this))
    , m_copy(new QToolButton(this))
    , m_query(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("queryPane"));
    m_target->setObjectName(QStringLiteral("queryTarget"));
    m_pipeline->setObjectName(QStringLiteral("queryPipeline"));
    m_copy->setObjectName(QStringLiteral("queryCopy"));
    m_query->setObjectName(QStringLiteral("queryText"));
    for (Target t : sigma::conversion::allTargets())
        m_target->addItem(queryTargetLabel(t), QString::fromUtf8(sigma::conversion::targetName(t)));
    m_target->setToolTip(tr("The query language the rule is converted into"));

    addPipelineChoices(m_pipeline);
    m_pipeline->addItem(tr("Pipeline File…"));
    m_pipeline->setItemData(m_pipeline->count() - 1, true, int(PipelineRole::OpenFile));
    m_pipeline->setToolTip(tr("A processing pipeline (pySigma's YAML format) mapping the rule's field names "
                              "to the target's data model"));

    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the query to the clipboard"));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_query->setFont(mono);
    m_query->setReadOnly(true);
    m_query->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_query->setPlaceholderText(tr("Open a rule to see it as a query"));
    m_status->setWordWrap(true);

    auto* row = new QHBoxLayout;
    row->addWidget(m_target);
    row->addWidget(m_pipeline, 1);
    row->addWidget(m_copy);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(row);
    layout->addWidget(m_query, 1);
    layout->addWidget(m_status);

    QSettings settings;
    const int target = m_target->findData(settings.value(TargetKey).toString());
    m_target->setCurrentIndex(qMax(0, target));
    const QStringList saved = settings.value(PipelineKey).toStringList();
    const int pipeline = m_pipeline->findData(saved);
    m_pipeline->setCurrentIndex(qMax(0, pipeline));
    m_lastPipelineIndex = m_pipeline->currentIndex();
    if (pipeline < 0 && saved.size() == 1 && QFileInfo::exists(saved.front()))
        choosePipelineFile(saved.front()); // a file chosen last time
    else
        loadPipelineChoice();

    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(TargetKey, m_target->currentData());
        refresh();
    });
    connect(m_pipeline, &QComboBox::currentIndexChanged, this, &QueryPane::onPipelineActivated);
    connect(m_copy, &QToolButton::clicked, this, [this] {
        if (!m_query->toPlainText().isEmpty())
            QGuiApplication::clipboard()->setText(m_query->toPlainText());
    });
    connect(m_query, &QPlainTextEdit::cursorPositionChanged, this, &QueryPane::selectOrigin);
    connect(context, &WorkbenchContext::currentDocumentChanged, this, &QueryPane::onCurrentDocumentChanged);
    connect(context, &WorkbenchContext::resultShown, this, [this] { refresh(); });
    onCurrentDocumentChanged(context->currentDocument());
}

QueryPane* QueryPane::install(WorkbenchContext* context)
{
    auto* pane = new QueryPane(context);
    auto* dock = new QDockWidget(tr("Query"), context->window());
    dock->setObjectName(QStringLiteral("queryDock"));
    dock->setWidget(pane);
    WorkbenchContext::DockPlacement place;
    place.area = Qt::RightDockWidgetArea;
    place.tabifyWith = context->dock(WorkbenchContext::DockRole::EventDetail);
    context->addDock(dock, WorkbenchContext::DockRole::Other, place);
    return pane;
}

void QueryPane::addToExport(sigma::ExportOptions& options) const
{
    options.queryTargets = {m_target->currentData().toString().toStdString()};
    options.queryPipelines.clear();
    for (const QString& s : m_pipeline->currentData().toStringList())
        options.queryPipelines.push_back(s.toStdString());
}

QString QueryPane::queryText() const
{
    return m_query->toPlainText();
}

QString QueryPane::statusText() const
{
    return m_status->text();
}

void QueryPane::onCurrentDocumentChanged(RuleDocument* document)
{
    if (m_document && m_cursorConnection)
        disconnect(m_cursorConnection);
    m_document = document;
    if (document)
        m_cursorConnection =
            connect(document->editor(), &QPlainTextEdit::cursorPositionChanged, this, &QueryPane::highlightFromEditor);
    refresh(true);
}

void QueryPane::onPipelineActivated(int index)
{
    if (index < 0 || index == m_lastPipelineIndex)
        return;
    if (m_pipeline->itemData(index, int(PipelineRole::OpenFile)).toBool()) {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Processing Pipeline"), QString(),
                                                          tr("Pipelines (*.yml *.yaml);;All files (*)"));
        if (path.isEmpty() || !choosePipelineFile(path))
            m_pipeline->setCurrentIndex(m_lastPipelineIndex);
        return;
    }
    m_lastPipelineIndex = index;
    QSettings().setValue(PipelineKey, m_pipeline->itemData(index));
    loadPipelineChoice();
    refresh(true);
}

bool QueryPane::choosePipelineFile(const QString& path)
{
    int index = m_pipeline->findData(QStringList{path});
    {
        const QSignalBlocker block(m_pipeline); // not a choice of the user's: no reaction
        if (index < 0) {
            index = m_pipeline->count() - 1; // before "Pipeline File…"
            m_pipeline->insertItem(index, path, QStringList{path});
            m_pipeline->setItemData(index, path, Qt::ToolTipRole);
        }
        m_pipeline->setCurrentIndex(index);
    }
    m_lastPipelineIndex = index;
    const bool ok = loadPipelineChoice();
    if (ok)
        QSettings().setValue(PipelineKey, QStringList{path});
    refresh(true);
    return ok;
}

bool QueryPane::loadPipelineChoice()
{
    m_pipelines.clear();
    m_pipelineError.clear();
    std::vector<std::string> specs;
    for (const QString& s : m_pipeline->currentData().toStringList())
        specs.push_back(s.toStdString());
    sigma::Diagnostics diagnostics;
    if (sigma::conversion::loadPipelines(specs, m_pipelines, diagnostics))
        return true;
    for (const auto& d : diagnostics)
        if (d.severity == sigma::Severity::Error) {
            m_pipelineError = QString::fromStdString(d.format());
            break;
        }
    m_pipelines.clear();
    return false;
}

void QueryPane::refresh(bool force)
{
    RuleDocument* document = m_context->currentDocument();
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    if (!force && last == m_shown && m_shownTarget == m_target->currentIndex() &&
        m_shownPipeline == m_pipeline->currentIndex())
        return; // the same evaluation with the same choices: already shown
    m_shown = last;
    m_shownTarget = m_target->currentIndex();
    m_shownPipeline = m_pipeline->currentIndex();
    if (!last || last->text != document->editor()->toPlainText()) {
        if (!document) {
            showQuery({}, false);
            m_status->clear();
            Q_EMIT problemsChanged(nullptr, {});
        }
        return; // a newer evaluation is coming
    }
    if (!m_pipelineError.isEmpty()) {
        showQuery({}, false);
        m_status->setText(tr("The pipeline cannot be used: %1").arg(m_pipelineError));
        Q_EMIT problemsChanged(document, {});
        Q_EMIT queryShown();
        return;
    }
    const auto target = sigma::conversion::parseTarget(m_target->currentData().toString().toStdString());
    const std::string file = (document->path().isEmpty() ? document->untitledName() : document->path()).toStdString();
    // A rule that does not compile as typed: the query of the last good text, greyed.
    const bool stale = !last->ok();
    const EvaluationPtr source = stale ? document->evaluator()->lastGoodResult() : last;
    if (!source || !source->rule() || !target) {
        showQuery({}, true);
        m_status->setText(tr("The rule has errors (see Problems)."));
        Q_EMIT problemsChanged(document, {});
        Q_EMIT queryShown();
        return;
    }
    QElapsedTimer timer;
    timer.start();
    const sigma::conversion::ConversionResult r =
        sigma::conversion::convertWithPipelines(*source->rule(), *target, m_pipelines, {}, file);
    m_lastUs = double(timer.nsecsElapsed()) / 1000.0;
    showQuery(r, stale);
    if (stale)
        m_status->setText(tr("The rule as typed has errors: the query of its last good version."));
    else if (!r.ok())
        m_status->setText(tr("Not convertible to %1 faithfully: see Problems.").arg(m_target->currentText()));
    else
        m_status->setText(tr("%1 predicates · converted in %2 ms")
                              .arg(r.fragments.size())
                              .arg(m_lastUs / 1000.0, 0, 'f', m_lastUs < 1000 ? 2 : 1));
    Q_EMIT problemsChanged(document, stale ? sigma::Diagnostics{} : r.diagnostics);
    Q_EMIT queryShown();
}

void QueryPane::showQuery(const sigma::conversion::ConversionResult& result, bool stale)
{
    m_fragments.clear();
    for (const auto& f : result.fragments)
        m_fragments.push_back({characterOffset(result.query, f.begin), characterOffset(result.query, f.end), f.origin});
    m_settingText = true;
    m_query->setPlainText(QString::fromStdString(result.query));
    m_settingText = false;
    m_stale = stale;
    applyTextColor();
    m_copy->setEnabled(!result.query.empty());
    highlightFromEditor();
}

void QueryPane::applyTextColor()
{
    // A current query takes the theme's colours as they are (no palette of its own, so that a
    // theme switch reaches it); a stale one is greyed with the theme's disabled text colour.
    if (!m_stale) {
        m_query->setPalette(QPalette());
        return;
    }
    QPalette palette; // the Text role alone is the view's own: the theme's other roles reach it
    palette.setColor(QPalette::Text, QApplication::palette(m_query).color(QPalette::Disabled, QPalette::Text));
    m_query->setPalette(palette);
}

void QueryPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyTextColor();
}

void QueryPane::selectOrigin()
{
    if (m_settingText || !m_document || m_query->textCursor().hasSelection())
        return;
    const int pos = m_query->textCursor().position();
    for (const Fragment& f : m_fragments)
        if (pos >= f.begin && pos < f.end && f.origin.valid()) {
            selectSpan(m_document->editor(), f.origin);
            return;
        }
}

void QueryPane::highlightFromEditor()
{
    QList<QTextEdit::ExtraSelection> selections;
    if (m_document) {
        const QTextCursor c = m_document->editor()->textCursor();
        const int line = c.blockNumber() + 1, column = c.positionInBlock() + 1;
        const QTextDocument* doc = m_document->editor()->document();
        for (const Fragment& f : m_fragments) {
            if (!f.origin.valid() || !spanContains(doc, f.origin, line, column))
                continue;
            QTextEdit::ExtraSelection s;
            s.cursor = QTextCursor(m_query->document());
            s.cursor.setPosition(f.begin);
            s.cursor.setPosition(f.end, QTextCursor::KeepAnchor);
            s.format.setBackground(palette().color(QPalette::Highlight).lighter(160));
            selections.append(s);
        }
    }
    m_query->setExtraSelections(selections);
}

} // namespace sigmaui
