#include "explanationmodel.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include <unordered_map>
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
    // The rows differ when other alternatives are collapsed.
    if (ExplanationModel::collapsesAlternatives(a) != ExplanationModel::collapsesAlternatives(b))
        return false;
    if (ExplanationModel::collapsesAlternatives(a))
        for (std::size_t i = 0; i < a.children.size(); ++i)
            if ((a.children[i].outcome == sigma::Outcome::Matched) !=
                (b.children[i].outcome == sigma::Outcome::Matched))
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
    // view keeps what the user expanded and repaints only the rows that changed. Entries point
    // into the tree: each node is found by its place in document order (the root lives in the
    // explanation itself, so its address is the same before and after).
    auto collect = [](const sigma::ExplainNode& root) {
        std::vector<const sigma::ExplainNode*> nodes;
        auto walk = [&nodes](auto&& self, const sigma::ExplainNode& n) -> void {
            nodes.push_back(&n);
            for (const auto& c : n.children)
                self(self, c);
        };
        walk(walk, root);
        return nodes;
    };
    std::unordered_map<const sigma::ExplainNode*, std::size_t> place;
    {
        const auto shown = collect(m_explanation.root);
        for (std::size_t k = 0; k < shown.size(); ++k)
            place.emplace(shown[k], k);
    }
    const sigma::Explanation old = std::exchange(m_explanation, explanation);
    const bool verdictChanged = old.matched != m_explanation.matched;
    const auto oldNodes = collect(old.root);
    const auto newNodes = collect(m_explanation.root);
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        Entry& e = m_entries[i];
        if (!e.node) {
            e.groupOf = newNodes[place.at(e.groupOf)];
            continue;
        }
        const std::size_t k = place.at(e.node);
        const sigma::ExplainNode* before = oldNodes[k];
        e.node = newNodes[k];
        const bool changed =
            !sameLook(*before, *e.node) || (verdictChanged && e.node->kind == sigma::ExplainNode::Kind::Rule);
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

bool ExplanationModel::collapsesAlternatives(const sigma::ExplainNode& node)
{
    const bool orLike = node.kind == Kind::Or || node.kind == Kind::OneOf || node.kind == Kind::Search ||
                        (node.kind == Kind::Item && node.label.find("|all") == std::string::npos);
    if (!orLike || node.outcome != sigma::Outcome::Matched || node.children.size() < 2)
        return false;
    std::size_t others = 0;
    for (const auto& c : node.children)
        others += c.outcome != sigma::Outcome::Matched;
    return others >= 1 && others < node.children.size();
}

const sigma::ExplainNode* ExplanationModel::decidingAlternative(const sigma::ExplainNode& node)
{
    for (const auto& c : node.children)
        if (c.outcome == sigma::Outcome::Matched)
            return &c;
    return nullptr;
}

QModelIndexList ExplanationModel::alternativeGroups() const
{
    QModelIndexList groups;
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        if (!m_entries[i].node)
            groups << createIndex(m_entries[i].row, 0, quintptr(i));
    return groups;
}

int ExplanationModel::addEntry(const sigma::ExplainNode* node, int parent)
{
    const int self = int(m_entries.size());
    const int row = parent >= 0 ? int(m_entries[std::size_t(parent)].children.size()) : 0;
    m_entries.push_back({node, nullptr, parent, row, {}});
    if (parent >= 0)
        m_entries[std::size_t(parent)].children.push_back(self);
    return self;
}

void ExplanationModel::addEntries(const sigma::ExplainNode& node, int parent, int)
{
    const int self = addEntry(&node, parent);
    if (!collapsesAlternatives(node)) {
        for (const auto& child : node.children)
            addEntries(child, self, 0);
        return;
    }
    // An OR that matched: the alternatives that matched first, the others in one collapsed row.
    for (const auto& child : node.children)
        if (child.outcome == sigma::Outcome::Matched)
            addEntries(child, self, 0);
    const int group = addEntry(nullptr, self);
    m_entries[std::size_t(group)].groupOf = &node;
    for (const auto& child : node.children)
        if (child.outcome != sigma::Outcome::Matched)
            addEntries(child, group, 0);
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
    if (!index.isValid() || index.internalId() >= m_entries.size() || index.column() >= COLUMN_COUNT)
        return {};
    const sigma::ExplainNode* node = nodeAt(index);
    if (!node) { // the collapsed alternatives of an OR
        const int hidden = int(m_entries[index.internalId()].children.size());
        if (role == Qt::DisplayRole && index.column() == PredicateColumn)
            return tr("%n other alternative(s), not deciding", nullptr, hidden);
        if (role == Qt::ToolTipRole)
            return tr("Alternatives of the OR above that did not decide its verdict (expand to see them)");
        if (role == Qt::ForegroundRole)
            return QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        if (role == KindRole)
            return -1;
        return {};
    }
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
            if (m_compactOutcome)
                return outcomeText(node->outcome).section(QLatin1Char(' '), 0, 0);
            // An OR that matched names the alternative that decided it.
            if (collapsesAlternatives(*node))
                if (const sigma::ExplainNode* by = decidingAlternative(*node); by && !by->label.empty())
                    return tr("✓ by %1").arg(QString::fromStdString(by->label));
            return outcomeText(node->outcome); // deciding nodes are bold
        case EventValueColumn:
            // An item or value shows the event's value or nothing: never its own pattern (the
            // matcher's description, in the tooltip), also when it was not evaluated or its field
            // is absent; errors say what went wrong.
            if ((node->kind == Kind::Item || node->kind == Kind::Value) && !node->eventValue)
                return node->outcome == sigma::Outcome::Error ? QString::fromStdString(node->detail) : QString();
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
        if (collapsesAlternatives(*node))
            if (const sigma::ExplainNode* by = decidingAlternative(*node); by && !by->label.empty())
                tip += tr(" by %1").arg(QString::fromStdString(by->label));
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
