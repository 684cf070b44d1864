#pragma once

// The Impact pane: what the edit of the current rule changes over the loaded events, against the
// last saved version of the rule and, when its file is in a git repository, against git HEAD
// (corpus/impact.h). The status bar says "+N / −M vs saved"; the pane lists the events whose
// verdict changed (a click selects the event in the Test pane) and each indicator added, removed
// or changed with its baseline hits and corpus reach before and after. Counted in the background
// after the live evaluation settles; an edit cancels a count that is running.

#include "corpus/corpusloader.h"
#include "eventset.h"
#include "jobtracker.h"

#include "corpus/impact.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QDockWidget;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace sigmaui {

class RuleDocument;
class WorkbenchContext;

class ImpactPane : public QWidget {
    Q_OBJECT
public:
    /// What the current text is compared with.
    enum class Base { Saved, Head };

    explicit ImpactPane(WorkbenchContext* context, QWidget* parent = nullptr);
    ~ImpactPane() override;

    /// Creates the pane, its dock (sharing the Problems pane's place) and its status bar label.
    static ImpactPane* install(WorkbenchContext* context);
    /// Where the corpus comes from (for the indicators' reach); none: no reach column.
    void setCorpusProvider(std::function<CorpusPtr()> provider) { m_corpus = std::move(provider); }

    void setBase(Base base);
    Base base() const { return m_base; }
    /// The current document's file is in a git repository and HEAD holds it.
    bool headAvailable() const;

    QString statusText() const;
    QLabel* statusLabel() const { return m_status; }
    QString summaryText() const;
    QTableView* eventsView() const { return m_eventsView; }
    QTableView* indicatorsView() const { return m_indicatorsView; }
    QStandardItemModel* eventsModel() const { return m_events; }
    QStandardItemModel* indicatorsModel() const { return m_indicators; }
    QComboBox* baseBox() const { return m_baseBox; }
    QDockWidget* dock() const { return m_dock; }
    /// A count is due or running.
    bool isBusy() const { return m_delay.isActive() || m_job.isPending(); }
    /// The pane is in view (its dock shown and its tab current): only then are baseline hits counted.
    bool isInView() const { return m_inView; }

    /// Role of the events table's rows: the event's position in the loaded events.
    static constexpr int EventIndexRole = Qt::UserRole + 1;
    /// Roles of the indicators table's first column: where the indicator is written (1-based line,
    /// byte column) when it is in the current text.
    static constexpr int LineRole = Qt::UserRole + 2;
    static constexpr int ColumnRole = Qt::UserRole + 3;
    static constexpr int DelayMs = 250;

Q_SIGNALS:
    /// A new impact is shown (status bar and pane).
    void updated();

private:
    struct Counted;
    void watch(RuleDocument* document);
    void schedule();
    void start();
    void show(const std::shared_ptr<const Counted>& counted);
    void showResult();
    void fetchHead(RuleDocument* document);

    WorkbenchContext* m_context;
    std::function<CorpusPtr()> m_corpus;
    Base m_base = Base::Saved;
    QComboBox* m_baseBox;
    QLabel* m_summary;
    QLabel* m_status;
    QTableView* m_eventsView;
    QTableView* m_indicatorsView;
    QStandardItemModel* m_events;
    QStandardItemModel* m_indicators;
    QDockWidget* m_dock = nullptr;
    bool m_inView = true;
    QPointer<RuleDocument> m_watched;
    QTimer m_delay;
    JobTracker m_job;
    /// Git HEAD's text of each file (nullopt: not in a repository, not in HEAD, or no git).
    QHash<QString, std::optional<QString>> m_head;
    QHash<QString, bool> m_headPending;
    /// The last count: its base versions' sides are reused while their text and events stay.
    std::shared_ptr<const Counted> m_shown;
};

} // namespace sigmaui
