#pragma once

#include "engine/engine.h"

#include <QAbstractItemModel>
#include <QColor>

#include <vector>

namespace sigmaui {

/// The Explanation pane: the explanation tree of the rule for the selected event — every
/// condition operator, search identifier, map, field item and value with its outcome and the
/// event value it was compared with.
class ExplanationModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { PredicateColumn, OutcomeColumn, EventValueColumn, COLUMN_COUNT };
    enum Role {
        OutcomeRole = Qt::UserRole + 1, ///< int(sigma::Outcome)
        DecidingRole,                   ///< bool
        LineRole,                       ///< 1-based line of the node's source (0: none)
        ByteColumnRole,                 ///< 1-based UTF-8 byte column (as in sigma::SourceSpan)
        KindRole,                       ///< int(sigma::ExplainNode::Kind)
    };

    explicit ExplanationModel(QObject* parent = nullptr);

    /// Shows an explanation. A tree of the same shape as the shown one is updated in place (the
    /// rows that changed are signalled); returns whether the model was reset instead.
    bool setExplanation(const sigma::Explanation& explanation);
    void clear();
    bool hasExplanation() const { return m_hasExplanation; }
    const sigma::Explanation& explanation() const { return m_explanation; }
    /// The node of a row; null for a row of collapsed alternatives.
    const sigma::ExplainNode* nodeAt(const QModelIndex& index) const;
    /// Whether a node's alternatives that did not decide it are collapsed into one row: an OR
    /// (or, 1 of, a search's maps, an item's values) that matched, with alternatives that did not.
    static bool collapsesAlternatives(const sigma::ExplainNode& node);
    /// The rows of collapsed alternatives (shown collapsed after expandAll()).
    QModelIndexList alternativeGroups() const;
    /// The alternative that decided an OR node (its first matched child), or null.
    static const sigma::ExplainNode* decidingAlternative(const sigma::ExplainNode& node);
    void setColors(const QColor& matched, const QColor& failed);
    /// A narrow pane: the Outcome column shows only its mark (✓ ✗ ·), the words in its tooltip.
    void setCompactOutcome(bool compact) { m_compactOutcome = compact; }
    bool compactOutcome() const { return m_compactOutcome; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString outcomeText(sigma::Outcome outcome);
    static QString kindText(sigma::ExplainNode::Kind kind);

private:
    /// A row: a node of the tree, or (node null) the collapsed alternatives of an OR that did
    /// not decide its verdict (its children are those alternatives).
    struct Entry {
        const sigma::ExplainNode* node = nullptr;
        const sigma::ExplainNode* groupOf = nullptr; ///< the OR node whose alternatives this row holds
        int parent = -1;                             ///< entry index of the parent, -1 for the root
        int row = 0;                                 ///< row under its parent
        std::vector<int> children;
    };
    void addEntries(const sigma::ExplainNode& node, int parent, int row);
    int addEntry(const sigma::ExplainNode* node, int parent);

    sigma::Explanation m_explanation;
    bool m_hasExplanation = false;
    bool m_compactOutcome = false;
    std::vector<Entry> m_entries;
    QColor m_matched{0x2e, 0x7d, 0x32};
    QColor m_failed{0xc6, 0x28, 0x28};
};

} // namespace sigmaui
