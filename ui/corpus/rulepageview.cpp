#include "rulepageview.h"

#include "../theme.h"

#include "corpus/vendorrule.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBlock>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <set>

namespace sigmaui {

namespace {
QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QColor looksForColor()
{
    return QColor(0x43, 0xa0, 0x47, 90); // translucent: readable on light and dark backgrounds
}

QColor excludesColor()
{
    return QColor(0xe5, 0x39, 0x35, 90);
}

QString spanText(const sigma::SourceSpan& s)
{
    return s.valid() ? QStringLiteral("%1:%2").arg(s.begin.line).arg(s.begin.column) : QString();
}

enum PredicateColumn { PredicateText, PredicateUse, PredicatePosition };
enum IndicatorColumn {
    IndUse,
    IndField,
    IndKind,
    IndValue,
    IndWritten,
    IndReach,
    IndByVendor,
    IndPosition,
};
constexpr int SpanIndexRole = Qt::UserRole + 1;
} // namespace

RulePageView::RulePageView(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_meta(new QLabel(this))
    , m_openInEditor(new QPushButton(tr("Open in Editor"), this))
    , m_queryLabel(new QLabel(this))
    , m_query(new QPlainTextEdit(this))
    , m_predicates(new QTreeWidget(this))
    , m_indicators(new QTreeWidget(this))
    , m_notes(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* top = new QHBoxLayout;
    stylePageTitle(m_title);
    m_title->setWordWrap(true);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_meta->setWordWrap(true);
    m_openInEditor->setObjectName(QStringLiteral("rulePageOpenInEditor"));
    top->addWidget(m_title, 1);
    top->addWidget(m_openInEditor, 0, Qt::AlignTop);
    layout->addLayout(top);
    layout->addWidget(m_meta);
    connect(m_openInEditor, &QPushButton::clicked, this, [this] { Q_EMIT openInEditorRequested(m_file); });

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    auto* querySection = new QWidget(splitter);
    auto* ql = new QVBoxLayout(querySection);
    ql->setContentsMargins(0, 4, 0, 0);
    QFont bold = m_queryLabel->font();
    bold.setBold(true);
    m_queryLabel->setFont(bold);
    m_query->setObjectName(QStringLiteral("rulePageQuery"));
    m_query->setReadOnly(true);
    m_query->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_query->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_query->setToolTip(tr("Green: what the rule looks for. Red: what it excludes."));
    ql->addWidget(m_queryLabel);
    ql->addWidget(m_query, 1);
    m_notes->setWordWrap(true);
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ql->addWidget(m_notes);
    splitter->addWidget(querySection);

    auto* lower = new QSplitter(Qt::Horizontal, splitter);
    lower->setChildrenCollapsible(false);
    m_predicates->setObjectName(QStringLiteral("rulePagePredicates"));
    m_predicates->setHeaderLabels({tr("Predicate"), tr("Use"), tr("Line:col")});
    m_predicates->setUniformRowHeights(true);
    m_predicates->header()->setStretchLastSection(false);
    m_predicates->header()->setSectionResizeMode(PredicateText, QHeaderView::Stretch);
    m_predicates->header()->setSectionResizeMode(PredicateUse, QHeaderView::ResizeToContents);
    m_predicates->header()->setSectionResizeMode(PredicatePosition, QHeaderView::ResizeToContents);
    m_predicates->setTextElideMode(Qt::ElideMiddle);
    m_indicators->setObjectName(QStringLiteral("rulePageIndicators"));
    m_indicators->setRootIsDecorated(false);
    m_indicators->setUniformRowHeights(true);
    m_indicators->setSortingEnabled(true);
    m_indicators->setHeaderLabels({tr("Use"), tr("Field"), tr("Kind"), tr("Value"), tr("Written"), tr("Corpus reach"),
                                   tr("By vendor"), tr("Line:col")});
    m_indicators->setTextElideMode(Qt::ElideMiddle);
    m_indicators->header()->setStretchLastSection(false);
    m_indicators->header()->setSectionResizeMode(QHeaderView::Interactive);
    lower->addWidget(m_predicates);
    lower->addWidget(m_indicators);
    lower->setStretchFactor(0, 2);
    lower->setStretchFactor(1, 3);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    const auto onItem = [this](QTreeWidget* tree) {
        connect(tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
            if (!item || !m_page)
                return;
            const int i = item->data(0, SpanIndexRole).toInt();
            if (i >= 0)
                selectSpan(item->treeWidget() == m_predicates ? m_page->predicates[std::size_t(i)].span
                                                              : m_page->indicators[std::size_t(i)].indicator.span);
        });
    };
    onItem(m_predicates);
    onItem(m_indicators);
}

std::optional<std::size_t> RulePageView::findRule(const sigma::Corpus& corpus, const QString& file, const QString& id)
{
    const std::string wanted = QDir::cleanPath(file).toStdString();
    std::optional<std::size_t> byFile;
    const auto& rules = corpus.rules();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        std::filesystem::path p(rules[i].file);
        if (p.is_relative())
            p = corpus.root() / p;
        if (QDir::cleanPath(QString::fromStdString(p.string())).toStdString() != wanted)
            continue;
        if (id.isEmpty() || text(rules[i].id) == id)
            return i;
        if (!byFile)
            byFile = i;
    }
    return byFile;
}

QString RulePageView::title() const
{
    return m_page && m_page->rule ? text(m_page->rule->title) : QString();
}

void RulePageView::showRule(const CorpusPtr& corpus, std::size_t ruleIndex)
{
    if (!corpus || ruleIndex >= corpus->rules().size())
        return;
    m_corpus = corpus;
    const sigma::CorpusRule& r = corpus->rules()[ruleIndex];
    m_page = std::make_unique<sigma::RulePage>(sigma::buildRulePage(*corpus, r));
    std::filesystem::path p(r.file);
    if (p.is_relative())
        p = corpus->root() / p;
    m_file = QDir::cleanPath(QString::fromStdString(p.string()));
    m_id = text(r.id);

    m_title->setText(text(r.title.empty() ? r.relativePath : r.title));
    QStringList meta;
    meta.append(tr("Vendor: %1").arg(text(r.vendor)));
    meta.append(tr("Language: %1").arg(r.language.empty() ? tr("none") : text(r.language)));
    if (!r.ruleType.empty())
        meta.append(tr("Type: %1").arg(text(r.ruleType)));
    if (!r.level.empty())
        meta.append(tr("Level: %1").arg(text(r.level)));
    if (!r.status.empty())
        meta.append(tr("Status: %1").arg(text(r.status)));
    QStringList techniques;
    for (const auto& t : r.techniques)
        techniques.append(text(t));
    if (!techniques.isEmpty())
        meta.append(tr("Techniques: %1").arg(techniques.join(QStringLiteral(", "))));
    if (!r.author.empty())
        meta.append(tr("Author: %1").arg(text(r.author)));
    QString metaText = meta.join(QStringLiteral(" · "));
    metaText += QStringLiteral("\n") + tr("Id: %1").arg(m_id) + QStringLiteral("\n") +
                tr("File: %1").arg(QDir::toNativeSeparators(m_file));
    if (!r.queryAnalysed)
        metaText += QStringLiteral("\n") + tr("Query not analysed: its predicates and indicators are not counted.");
    m_meta->setText(metaText);
    m_openInEditor->setVisible(!r.vendorRule);
    fillQuery();
    fillPredicates();
    fillIndicators();
    QStringList notes;
    for (const auto& n : m_page->notes)
        notes.append(text(n));
    m_notes->setText(notes.isEmpty() ? QString() : tr("Notes: %1").arg(notes.join(QStringLiteral("; "))));
    m_notes->setVisible(!notes.isEmpty());
    setWindowTitle(m_title->text());
}

bool RulePageView::refresh(const CorpusPtr& corpus)
{
    const auto index = corpus ? findRule(*corpus, m_file, m_id) : std::nullopt;
    if (!index)
        return false;
    showRule(corpus, *index);
    return true;
}

void RulePageView::fillQuery()
{
    const sigma::CorpusRule& r = *m_page->rule;
    QFile f(m_file);
    QByteArray bytes;
    if (f.open(QIODevice::ReadOnly))
        bytes = f.readAll();
    QList<QByteArray> lines = bytes.split('\n');
    for (QByteArray& l : lines)
        if (l.endsWith('\r'))
            l.chop(1);
    int first = 1;
    int last = int(lines.size());
    if (r.vendorRule && m_page->sourceSpan.valid()) {
        first = m_page->sourceSpan.begin.line;
        last = m_page->sourceSpan.end.line;
        if (last > first && m_page->sourceSpan.end.column <= 1)
            --last; // the span ends at the start of the closing line
    }
    QStringList shown;
    for (int l = first; l <= last && l <= int(lines.size()); ++l)
        shown.append(QString::fromUtf8(lines[l - 1]));
    if (shown.isEmpty() && !m_page->source.empty()) { // the file changed on disk: the query as read
        shown = text(m_page->source).split(QLatin1Char('\n'));
        first = m_page->sourceSpan.valid() ? m_page->sourceSpan.begin.line : 1;
    }
    m_firstLine = first;
    m_query->setPlainText(shown.join(QLatin1Char('\n')));
    if (r.vendorRule)
        m_queryLabel->setText(shown.isEmpty() ? tr("No query")
                                              : tr("Query (%1, lines %2–%3 of the file)")
                                                    .arg(text(r.language))
                                                    .arg(first)
                                                    .arg(first + int(shown.size()) - 1));
    else
        m_queryLabel->setText(tr("Rule file"));

    QList<QTextEdit::ExtraSelection> marks;
    std::set<std::pair<int, int>> marked; // a macro or a Sigma item stands for several predicates
    const auto& predicates = m_page->predicates;
    for (std::size_t i = 0; i < predicates.size(); ++i) {
        const bool leaf = i + 1 == predicates.size() || predicates[i + 1].depth <= predicates[i].depth;
        if (!leaf)
            continue;
        const auto [begin, end] = rangeOf(predicates[i].span);
        if (begin < 0 || end <= begin || !marked.insert({begin, end}).second)
            continue;
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_query->document());
        mark.cursor.setPosition(begin);
        mark.cursor.setPosition(end, QTextCursor::KeepAnchor);
        mark.format.setBackground(predicates[i].excludes ? excludesColor() : looksForColor());
        mark.format.setProperty(QTextFormat::UserProperty, predicates[i].excludes);
        mark.format.setToolTip(predicates[i].excludes ? tr("Excludes: %1").arg(text(predicates[i].text))
                                                      : tr("Looks for: %1").arg(text(predicates[i].text)));
        marks.append(mark);
    }
    m_query->setExtraSelections(marks);
}

std::pair<int, int> RulePageView::rangeOf(const sigma::SourceSpan& span) const
{
    if (!span.valid())
        return {-1, -1};
    QTextDocument* doc = m_query->document();
    auto position = [&](const sigma::SourcePos& pos) {
        const QTextBlock block = doc->findBlockByNumber(pos.line - m_firstLine);
        if (!block.isValid())
            return -1;
        // Columns are 1-based UTF-8 byte columns.
        const QByteArray utf8 = block.text().toUtf8();
        const int bytes = qBound(0, pos.column - 1, int(utf8.size()));
        return block.position() + int(QString::fromUtf8(utf8.left(bytes)).size());
    };
    const int begin = position(span.begin);
    int end = span.end.line > 0 ? position(span.end) : -1;
    if (begin >= 0 && end < 0) // the end is past the shown lines: to the end of the begin line
        end = doc->findBlockByNumber(span.begin.line - m_firstLine).position() +
              doc->findBlockByNumber(span.begin.line - m_firstLine).length() - 1;
    return {begin, end};
}

QStringList RulePageView::highlightedTexts(bool excludes) const
{
    QStringList out;
    for (const auto& mark : m_query->extraSelections())
        if (mark.format.property(QTextFormat::UserProperty).toBool() == excludes)
            out.append(mark.cursor.selectedText());
    return out;
}

void RulePageView::selectSpan(const sigma::SourceSpan& span)
{
    const auto [begin, end] = rangeOf(span);
    if (begin < 0)
        return;
    QTextCursor c(m_query->document());
    c.setPosition(begin);
    c.setPosition(qMax(begin, end), QTextCursor::KeepAnchor);
    m_query->setTextCursor(c);
    m_query->ensureCursorVisible();
}

void RulePageView::fillPredicates()
{
    m_predicates->clear();
    std::vector<std::pair<int, QTreeWidgetItem*>> parents; // (depth, item) of the open ancestors
    const auto& predicates = m_page->predicates;
    for (std::size_t i = 0; i < predicates.size(); ++i) {
        const auto& p = predicates[i];
        while (!parents.empty() && parents.back().first >= p.depth)
            parents.pop_back();
        auto* item = parents.empty() ? new QTreeWidgetItem(m_predicates) : new QTreeWidgetItem(parents.back().second);
        item->setText(PredicateText, text(p.text));
        item->setToolTip(PredicateText, text(p.text));
        item->setText(PredicateUse, p.excludes ? tr("excludes") : tr("looks for"));
        item->setForeground(PredicateUse, p.excludes ? QColor(0xd3, 0x2f, 0x2f) : QColor(0x2e, 0x7d, 0x32));
        item->setText(PredicatePosition, spanText(p.span));
        item->setData(0, SpanIndexRole, int(i));
        parents.emplace_back(p.depth, item);
    }
    m_predicates->expandAll();
}

void RulePageView::fillIndicators()
{
    m_indicators->setSortingEnabled(false);
    m_indicators->clear();
    const auto& rows = m_page->indicators;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        const sigma::Indicator& ind = row.indicator;
        auto* item = new QTreeWidgetItem(m_indicators);
        item->setText(IndUse, ind.excluded ? tr("excludes") : tr("looks for"));
        item->setForeground(IndUse, ind.excluded ? QColor(0xd3, 0x2f, 0x2f) : QColor(0x2e, 0x7d, 0x32));
        item->setText(IndField, ind.field.empty() ? tr("(keyword)") : text(ind.field));
        QString kind = QString::fromLatin1(sigma::indicatorKindName(ind.kind));
        for (const auto& t : ind.transformations)
            kind += QLatin1Char('|') + text(t);
        item->setText(IndKind, kind);
        item->setText(IndValue, text(ind.value));
        item->setToolTip(IndValue, text(ind.value));
        item->setText(IndWritten, text(row.written));
        item->setToolTip(IndWritten, text(row.written));
        item->setData(IndReach, Qt::DisplayRole, qulonglong(row.reach));
        item->setTextAlignment(IndReach, Qt::AlignRight | Qt::AlignVCenter);
        const QString byVendor = reachByVendorText(row.reachByVendor);
        item->setText(IndByVendor, byVendor);
        item->setToolTip(IndReach, tr("Rules of the corpus using it: %1 (%2)").arg(row.reach).arg(byVendor));
        item->setText(IndPosition, spanText(ind.span));
        item->setData(0, SpanIndexRole, int(i));
    }
    m_indicators->setSortingEnabled(true);
    m_indicators->sortByColumn(-1, Qt::AscendingOrder); // document order until the user sorts
    for (int c = 0; c < m_indicators->columnCount(); ++c) {
        m_indicators->resizeColumnToContents(c);
        m_indicators->setColumnWidth(c, qMin(m_indicators->columnWidth(c), 280));
    }
}

} // namespace sigmaui
