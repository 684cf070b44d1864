#include "workbenchpanes.h"

#include "eventfieldsmodel.h"
#include "explanationmodel.h"
#include "liveevaluator.h"
#include "problemsmodel.h"
#include "ruledocument.h"
#include "ruleeditor.h"
#include "rulemarks.h"
#include "workbenchcontext.h"

#include "events/reader.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QTreeView>

#include <QVBoxLayout>
#include <functional>

namespace sigmaui {

namespace {
constexpr QChar ZeroWidthSpace(0x200B);

/// The text with a line-break opportunity every 24 characters of a long unbroken run (a base64
/// command line), so a word-wrapped label wraps it instead of growing as wide as the run.
QString breakable(const QString& text)
{
    QString out;
    out.reserve(text.size() + text.size() / 24);
    int run = 0;
    for (const QChar c : text) {
        run = c.isSpace() ? 0 : run + 1;
        if (run > 24) {
            out += ZeroWidthSpace;
            run = 1;
        }
        out += c;
    }
    return out;
}
} // namespace

// ---- Explanation -----------------------------------------------------------------------------

ExplanationPane::ExplanationPane(WorkbenchContext* context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new ExplanationModel(this))
    , m_summary(new QLabel(tr("Select an event to see which predicates fired."), this))
    , m_view(new QTreeView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setIndentation(qMax(10, m_view->fontMetrics().height() / 2)); // deep trees, narrow pane
    m_view->header()->resizeSection(ExplanationModel::PredicateColumn, 240);
    m_view->header()->resizeSection(ExplanationModel::OutcomeColumn, 110);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->viewport()->installEventFilter(this); // the columns follow the pane's width
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    connect(m_view, &QTreeView::clicked, this, [this](const QModelIndex& index) {
        const sigma::ExplainNode* node = m_model->nodeAt(index);
        RuleDocument* document = m_context->currentDocument();
        if (!node || !document)
            return;
        const sigma::SourceSpan span = node->operatorSpan.valid() ? node->operatorSpan : node->span;
        if (!span.valid())
            return;
        RuleEditor* editor = document->editor();
        editor->jumpTo(span.begin.line, characterColumn(editor->document(), span.begin.line, span.begin.column));
    });
}

bool ExplanationPane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        fitColumns();
    }
    return QWidget::eventFilter(watched, event);
}

void ExplanationPane::fitColumns()
{
    // All three columns in view (the pane is narrow by design).
    const QFontMetrics metrics = m_view->fontMetrics();
    const int width = m_view->viewport()->width();
    // Narrow (the default dock at 1280 px): the outcome as its mark only, the predicate first.
    const bool compact = width < 440;
    if (compact != m_model->compactOutcome()) {
        m_model->setCompactOutcome(compact);
        m_view->viewport()->update();
    }
    const int outcome = compact ? metrics.horizontalAdvance(QStringLiteral("✓✗")) + 12
                                : metrics.horizontalAdvance(tr("✗ not matched")) + 16;
    // What the predicate labels need: each indented by its depth (bold labels a little wider).
    int needed = 0;
    const int indent = m_view->indentation();
    std::function<void(const QModelIndex&, int)> walk = [&](const QModelIndex& parent, int depth) {
        for (int r = 0; r < m_model->rowCount(parent); ++r) {
            const QModelIndex i = m_model->index(r, ExplanationModel::PredicateColumn, parent);
            // Field items and values must be read whole; a long condition may be elided.
            const int kind = i.data(ExplanationModel::KindRole).toInt();
            if (kind == int(sigma::ExplainNode::Kind::Item) || kind == int(sigma::ExplainNode::Kind::Value) ||
                kind == int(sigma::ExplainNode::Kind::Search))
                needed =
                    qMax(needed, (depth + 1) * indent + metrics.horizontalAdvance(i.data().toString()) * 11 / 10 + 12);
            walk(i, depth + 1);
        }
    };
    walk({}, 0);
    // The predicate first; the event value keeps at least a few characters (whole in the tooltip
    // and in the Event Detail pane).
    const int valueShare = qMin(120, qMax(40, (width - outcome - needed)));
    const int predicate = qBound(100, needed, qMax(100, width - outcome - valueShare));
    m_view->header()->resizeSection(ExplanationModel::OutcomeColumn, outcome);
    m_view->header()->resizeSection(ExplanationModel::PredicateColumn, predicate);
}

QString ExplanationPane::summaryText() const
{
    return QString(m_summary->text()).remove(ZeroWidthSpace);
}

void ExplanationPane::setColors(const QColor& matched, const QColor& failed)
{
    m_model->setColors(matched, failed);
}

void ExplanationPane::showExplanation(RuleDocument* document, const sigma::Event* event)
{
    const EvaluationPtr last = document ? document->evaluator()->lastResult() : nullptr;
    RuleEditor* editor = document ? document->editor() : nullptr;
    if (!document || !event || !last) {
        m_model->clear();
        m_summary->setText(event ? QString() : tr("Select an event to see which predicates fired."));
        if (editor)
            editor->setMarks(MarkLayer::Predicates, {});
        return;
    }
    if (!last->ok()) {
        // Keep the last explanation, greyed out; the marks would point at moved text.
        m_view->setEnabled(false);
        m_summary->setText(tr("The rule has errors (see Problems); the explanation is from the last good version."));
        editor->setMarks(MarkLayer::Predicates, {});
        return;
    }
    m_view->setEnabled(true);
    sigma::ExplainOptions options;
    options.shortCircuit = false; // every value's outcome, for the marks
    const sigma::Explanation explanation = last->compiled->explain(*event, options);
    if (m_model->setExplanation(explanation)) {
        m_view->expandAll(); // a new tree; one of the same shape keeps what the user expanded
        for (const QModelIndex& group : m_model->alternativeGroups())
            m_view->collapse(group); // alternatives that did not decide: one row, expandable
        fitColumns();
    }
    m_summary->setText(breakable(explanationSummary(explanation)));
    // A correlation file whose base rules are in sibling files explains its first base rule, whose
    // positions are not this text's: no marks then.
    if (last->text == editor->toPlainText() && last->parsed && last->parsed->firstRule())
        editor->setMarks(MarkLayer::Predicates,
                         predicateMarks(explanation, last->compiled->rule(), editor->document()));
    else
        editor->setMarks(MarkLayer::Predicates, {});
}

// ---- Event detail ----------------------------------------------------------------------------

EventDetailPane::EventDetailPane(WorkbenchContext* context, QWidget* parent)
    : QTabWidget(parent)
    , m_context(context)
    , m_model(new EventFieldsModel(this))
    , m_fields(new QTableView(this))
    , m_xml(new QPlainTextEdit(this))
    , m_newRule(new QAction(tr("New Rule from Selection"), this))
{
    setDocumentMode(true);
    m_fields->setModel(m_model);
    m_fields->verticalHeader()->hide();
    m_fields->verticalHeader()->setDefaultSectionSize(m_fields->fontMetrics().height() + 6);
    m_fields->horizontalHeader()->setStretchLastSection(true);
    m_fields->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_fields->setDragEnabled(true);
    m_fields->setDragDropMode(QAbstractItemView::DragOnly);
    m_fields->setToolTip(tr("Double-click a field (or drag it into the rule) to add it as a detection item. "
                            "Tick fields for a new rule from the events selected in the Test pane."));
    m_newRule->setToolTip(tr("A new rule with the ticked fields of the selected events (common values, "
                             "endswith where only the folder differs), tested at once"));
    m_newRule->setEnabled(false);
    connect(m_model, &EventFieldsModel::tickedChanged, this,
            [this] { m_newRule->setEnabled(!m_model->tickedFields().isEmpty()); });
    connect(m_newRule, &QAction::triggered, this, [this] {
        if (!m_model->tickedFields().isEmpty())
            Q_EMIT newRuleRequested(m_model->tickedFields());
    });
    m_fields->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_fields->addAction(m_newRule);
    auto* corner = new QToolButton(this);
    corner->setDefaultAction(m_newRule);
    corner->setToolButtonStyle(Qt::ToolButtonTextOnly);
    corner->setAutoRaise(true);
    setCornerWidget(corner, Qt::TopRightCorner);
    m_xml->setReadOnly(true);
    m_xml->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_xml->setFont(mono);
    addTab(m_fields, tr("Fields"));
    addTab(m_xml, tr("XML"));
    connect(m_fields, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (RuleDocument* document = m_context->currentDocument()) {
            document->editor()->insertDetectionItem(m_model->fieldAt(index.row()), m_model->valueAt(index.row()));
            document->editor()->setFocus();
        }
    });
}

void EventDetailPane::setEvent(const sigma::Event* event)
{
    m_model->setEvent(event);
    m_fields->resizeColumnToContents(EventFieldsModel::FieldColumn);
    m_xml->setPlainText(event ? QString::fromStdString(sigma::eventXml(*event)) : QString());
}

// ---- Problems --------------------------------------------------------------------------------

ProblemsPane::ProblemsPane(WorkbenchContext* context, QWidget* parent)
    : QTableView(parent)
    , m_context(context)
    , m_model(new ProblemsModel(this))
{
    setModel(m_model);
    verticalHeader()->hide();
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setWordWrap(false);
    horizontalHeader()->setSectionResizeMode(ProblemsModel::MessageColumn, QHeaderView::Stretch);
    setColumnWidth(ProblemsModel::SeverityColumn, 90);
    setColumnWidth(ProblemsModel::LocationColumn, 130);
    auto jump = [this](const QModelIndex& index) {
        const int line = index.data(ProblemsModel::LineRole).toInt();
        if (RuleDocument* document = m_context->currentDocument(); document && line > 0)
            document->editor()->jumpTo(line, index.data(ProblemsModel::ColumnRole).toInt());
    };
    connect(this, &QTableView::clicked, this, jump);
    connect(this, &QTableView::activated, this, jump);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const int errors = m_model->errorCount();
        Q_EMIT titleChanged(errors ? tr("Problems (%1)").arg(errors) : tr("Problems"));
    });
}

void ProblemsPane::showProblems(const RuleDocument* document, const sigma::Diagnostics& diagnostics, bool compiled,
                                const QTextDocument* text)
{
    m_model->setProblems(problemsFrom(diagnostics, text));
    m_shownDiagnostics = diagnostics;
    const bool stopped = document == m_shownDocument && m_shownCompiled && !compiled;
    m_shownDocument = document;
    m_shownCompiled = compiled;
    if (stopped)
        Q_EMIT stoppedCompiling();
}

void ProblemsPane::setExtraProblems(const RuleDocument* document, const sigma::Diagnostics& extra)
{
    if (!document || document != m_shownDocument)
        return;
    sigma::Diagnostics all = m_shownDiagnostics;
    all.insert(all.end(), extra.begin(), extra.end());
    m_model->setProblems(problemsFrom(all, document->editor()->document()));
}

} // namespace sigmaui
