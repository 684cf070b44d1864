#pragma once

#include "eventset.h"

#include <QAbstractTableModel>
#include <QColor>

#include <memory>
#include <optional>

namespace sigma {
class CompiledRule;
}

namespace sigmaui {

/// The loaded events with the current rule's verdicts: one row per event.
class EventsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        VerdictColumn,
        TimeColumn,
        ProviderColumn,
        EventIdColumn,
        ProcessColumn,
        DetailColumn,
        SourceColumn,
        TestColumn,     ///< the event's test mark and whether the rule honours it
        NearMissColumn, ///< the decision a near miss fails by (engine/nearmiss.h), when computed
        COLUMN_COUNT
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< raw value for sorting (numbers as numbers)
        VerdictRole,                 ///< int(Verdict)
        EventIndexRole,              ///< row in the event list
        SearchTextRole,              ///< every field value, for the filter box
        TestMarkRole,                ///< int(sigma::ExpectationKind) of the event's mark, or -1
        TestPassRole,                ///< bool: the mark holds for the verdict (invalid: no verdict/baseline)
        NearMissRole,                ///< QString: the near miss (empty: none, or not computed)
    };

    explicit EventsModel(QObject* parent = nullptr);

    void setEvents(EventListPtr events);
    const EventListPtr& events() const { return m_events; }
    const sigma::Event* eventAt(int row) const;

    /// New verdicts (one per event, or empty to clear). `stale` greys them out: they are the last
    /// good ones while the rule does not compile.
    void setVerdicts(std::vector<Verdict> verdicts, bool stale);
    void setStale(bool stale);
    bool isStale() const { return m_stale; }
    /// Whether new verdicts are also signalled with dataChanged over the rows whose verdict changed
    /// (the default). With many events that costs a proxy a pass over every row in the range on each
    /// result; a proxy that neither filters nor sorts by verdict turns it off (EventsFilterProxy),
    /// and its view repaints the rows it shows on verdictsChanged() (TestPane).
    void setVerdictRowsSignalled(bool on) { m_signalRows = on; }
    bool verdictRowsSignalled() const { return m_signalRows; }
    /// Whether the last verdictsChanged() changed this row's look (its verdict, or every row's
    /// staleness).
    bool lookChanged(int row) const;
    Verdict verdict(int row) const;
    std::size_t matchCount() const;

    /// The test marks, one per event: int(sigma::ExpectationKind) or -1 (empty: none marked).
    void setTestMarks(std::vector<int> marks);
    int testMark(int row) const;
    /// Whether the event's mark holds for its verdict; nullopt when unmarked, baseline or unknown.
    std::optional<bool> testPasses(int row) const;

    /// The rule the verdicts are of: a marked event that goes against its mark explains, in the
    /// Test column's tooltip, what was expected, what happened and the deciding predicates.
    void setRule(std::shared_ptr<const sigma::CompiledRule> rule)
    {
        if (rule == m_rule)
            return;
        m_rule = std::move(rule);
        Q_EMIT ruleChanged();
    }
    const std::shared_ptr<const sigma::CompiledRule>& rule() const { return m_rule; }

    /// Near misses, one text per event (empty: not a near miss), or empty to clear.
    void setNearMisses(std::vector<QString> nearMisses);
    QString nearMiss(int row) const;
    /// The Test column's tooltip: the mark, and for a failing one expected vs got and why.
    QString testTooltip(int row) const;

    void setColors(const QColor& matched, const QColor& failed);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// The "process" and "detail" columns: the most telling fields of an event.
    static QString processOf(const sigma::Event& event);
    static QString detailOf(const sigma::Event& event);

Q_SIGNALS:
    /// New verdicts or staleness: every row's look may have changed (repaint the views).
    void verdictsChanged();
    /// Another compiled rule (setRule).
    void ruleChanged();

private:
    void notifyVerdictsChanged(int first, int last);

    EventListPtr m_events;
    std::vector<Verdict> m_verdicts;
    /// The verdicts before the last change, and whether it changed every row (staleness, size).
    std::vector<Verdict> m_previous;
    bool m_everyRowChanged = true;
    bool m_signalRows = true;
    std::vector<int> m_marks;
    std::vector<QString> m_nearMisses;
    std::shared_ptr<const sigma::CompiledRule> m_rule;
    bool m_stale = false;
    QColor m_matched{0x2e, 0x7d, 0x32};
    QColor m_failed{0xc6, 0x28, 0x28};
};

} // namespace sigmaui
