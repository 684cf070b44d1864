#include "explanationmodel.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include <utility>

namespace sigmaui {

using Kind = sigma::ExplainNode::Kind;

ExplanationModel::ExplanationModel(QObject* parent)
    : QAbstractItemModel(parent)
{}

namespace {
bool sameShape(const sigma::ExplainNode& a, const sigma::ExplainNode& b)
{
    if (a.kind != b.kind || a.children.size() != b.children.size())
        return false;
    for (std::size_t i = 0; i < a.children.size(); ++i)
        if (!sameShape(a.children[i], b.children[i]))
            return false;
    return true;
}

/// Whether anything the model shows of a node (text, look, tooltip, roles) differs.
bool sameLook(const sigma::ExplainNode& a, const sigma::ExplainNode& b)
{
    return a.outcome == b.outcome && a.deciding == b.deciding && a.label == b.label && a.field == b.field &&
           a.eventValue == b.eventValue && a.eventField == b.eventField && a.detail == b.detail &&
           a.span.begin.line == b.span.begin.line && a.span.begin.column == b.span.begin.column;
}
} // namespace

bool ExplanationModel::setExplanation(const sigma::Explanation& explanation)
{
    if (!m_hasExplanation || !sameShape(m_explanation.root, explanation.root)) {
        beginResetModel();
        m_explanation = explanation;
        m_hasExplanation = true;
        m_entries.clear();
        addEntries(m_explanation.root, -1, 0);
        endResetModel();
        return true;
    }
    // The same tree (typically after an edit elsewhere in the rule): update it in place, so the
    // view keeps what the user expanded and repaints only the rows that changed.
    const sigma::Explanation old = std::exchange(m_explanation, explanation);
    const bool verdictChanged = old.matched != m_explanation.matched;
    // Entries point into the tree in document order: walk both trees in the same order.
    std::vector<std::pair<const sigma::ExplainNode*, const sigma::ExplainNode*>> pairs;
    pairs.reserve(m_entries.size());
    auto walk = [&pairs](auto&& self, const sigma::ExplainNode& a, const sigma::ExplainNode& b) -> void {
        pairs.emplace_back(&a, &b);
        for (std::size_t i = 0; i < a.children.size(); ++i)
            self(self, a.children[i], b.children[i]);
    };
    walk(walk, old.root, m_explanation.root);
    for (std::size_t i = 0; i < m_entries.size() && i < pairs.size(); ++i) {
        Entry& e = m_entries[i];
        e.node = pairs[i].second;
        const bool changed = !sameLook(*pairs[i].first, *pairs[i].second) ||
                             (verdictChanged && e.node->kind == sigma::ExplainNode::Kind::Rule);
        if (changed)
            for (int c = 0; c < COLUMN_COUNT; ++c) {
                const QModelIndex cell = createIndex(e.row, c, quintptr(i));
                Q_EMIT dataChanged(cell, cell);
            }
    }
    return false;
}

void ExplanationModel::clear()
{
    beginResetModel();
    m_explanation = {};
    m_hasExplanation = false;
    m_entries.clear();
    endResetModel();
}

void ExplanationModel::setColors(const QColor& matched, const QColor& failed)
{
    m_matched = matched;
    m_failed = failed;
}

void ExplanationModel::addEntries(const sigma::ExplainNode& node, int parent, int row)
{
    const int self = int(m_entries.size());
    m_entries.push_back({&node, parent, row, {}});
    if (parent >= 0)
        m_entries[std::size_t(parent)].children.push_back(self);
    int childRow = 0;
    for (const auto& child : node.children)
        addEntries(child, self, childRow++);
}

const sigma::ExplainNode* ExplanationModel::nodeAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() >= m_entries.size())
        return nullptr;
    return m_entries[index.internalId()].node;
}

QModelIndex ExplanationModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= COLUMN_COUNT || m_entries.empty())
        return {};
    if (!parent.isValid())
        return row == 0 ? createIndex(0, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() >= m_entries.size() || parent.column() != 0)
        return {};
    const auto& children = m_entries[parent.internalId()].children;
    if (std::size_t(row) >= children.size())
        return {};
    return createIndex(row, column, quintptr(children[std::size_t(row)]));
}

QModelIndex ExplanationModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() >= m_entries.size())
        return {};
    const int parent = m_entries[child.internalId()].parent;
    if (parent < 0)
        return {};
    return createIndex(m_entries[std::size_t(parent)].row, 0, quintptr(parent));
}

int ExplanationModel::rowCount(const QModelIndex& parent) const
{
    if (m_entries.empty())
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.column() != 0 || parent.internalId() >= m_entries.size())
        return 0;
    return int(m_entries[parent.internalId()].children.size());
}

int ExplanationModel::columnCount(const QModelIndex&) const
{
    return COLUMN_COUNT;
}

QString ExplanationModel::outcomeText(sigma::Outcome outcome)
{
    switch (outcome) {
    case sigma::Outcome::Matched:
        return tr("✓ matched");
    case sigma::Outcome::NotMatched:
        return tr("✗ not matched");
    case sigma::Outcome::FieldAbsent:
        return tr("✗ field absent");
    case sigma::Outcome::Skipped:
        return tr("· not evaluated");
    case sigma::Outcome::Error:
        return tr("⚠ error");
    }
    return {};
}

QString ExplanationModel::kindText(Kind kind)
{
    switch (kind) {
    case Kind::Rule:
        return tr("rule");
    case Kind::LogSource:
        return tr("log source");
    case Kind::Translation:
        return tr("translation");
    case Kind::Condition:
        return tr("condition");
    case Kind::Or:
        return tr("or");
    case Kind::And:
        return tr("and");
    case Kind::Not:
        return tr("not");
    case Kind::OneOf:
        return tr("1 of");
    case Kind::AllOf:
        return tr("all of");
    case Kind::Search:
        return tr("search");
    case Kind::Map:
        return tr("map");
    case Kind::Item:
        return tr("item");
    case Kind::Value:
        return tr("value");
    }
    return {};
}

QVariant ExplanationModel::data(const QModelIndex& index, int role) const
{
    const sigma::ExplainNode* node = nodeAt(index);
    if (!node || index.column() >= COLUMN_COUNT)
        return {};
    const bool failed = node->outcome == sigma::Outcome::NotMatched || node->outcome == sigma::Outcome::FieldAbsent ||
                        node->outcome == sigma::Outcome::Error;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case PredicateColumn: {
            QString label = QString::fromStdString(node->label);
            if (node->kind == Kind::Rule)
                return m_explanation.matched ? tr("Rule matches") : tr("Rule does not match");
            return label.isEmpty() ? kindText(node->kind) : label;
        }
        case OutcomeColumn:
            return outcomeText(node->outcome); // deciding nodes are bold
        case EventValueColumn:
            if (node->eventValue) {
                QString v = QString::fromStdString(*node->eventValue);
                if (!node->eventField.empty() && node->eventField != node->field)
                    v = QString::fromStdString(node->eventField) + QStringLiteral(" = ") + v;
                return v;
            }
            if (!node->detail.empty())
                return QString::fromStdString(node->detail);
            return {};
        case COLUMN_COUNT:
            break;
        }
        return {};
    case Qt::ToolTipRole: {
        QString tip = kindText(node->kind) + QStringLiteral(": ") + outcomeText(node->outcome);
        if (node->deciding)
            tip += tr(" (deciding)");
        if (node->eventValue)
            tip += tr("\nevent value: %1").arg(QString::fromStdString(*node->eventValue));
        if (!node->detail.empty())
            tip += QLatin1Char('\n') + QString::fromStdString(node->detail);
        if (node->span.valid())
            tip += tr("\nline %1").arg(node->span.begin.line);
        return tip;
    }
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn || node->kind == Kind::Rule || node->kind == Kind::Value) {
            if (node->outcome == sigma::Outcome::Matched)
                return QBrush(m_matched);
            if (failed)
                return QBrush(m_failed);
        }
        if (node->outcome == sigma::Outcome::Skipped)
            return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        return {};
    case Qt::FontRole:
        if (node->deciding || node->kind == Kind::Rule) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case OutcomeRole:
        return int(node->outcome);
    case DecidingRole:
        return node->deciding;
    case LineRole:
        return node->span.begin.line;
    case ByteColumnRole:
        return node->span.begin.column;
    case KindRole:
        return int(node->kind);
    default:
        return {};
    }
}

QVariant ExplanationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case PredicateColumn:
        return tr("Predicate");
    case OutcomeColumn:
        return tr("Outcome");
    case EventValueColumn:
        return tr("Event value");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

} // namespace sigmaui
