#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <utility>

namespace sigmaui {

class CorpusSession;
class RulePageView;
class TechniqueView;
class WorkbenchContext;

/// The pages of the corpus, shown where there is room (central tabs beside the rule tabs, through
/// WorkbenchContext::showPage): ATT&CK technique pages (the catalog view of a technique) and rule
/// pages (any vendor's rule: query, predicates, indicators); refreshed when the corpus is
/// reloaded. Also the Navigator layer export of the corpus.
class TechniquePages : public QObject {
    Q_OBJECT
public:
    TechniquePages(WorkbenchContext* context, CorpusSession* session, QObject* parent = nullptr);

    /// Shows the technique page (at once, or again when the corpus being loaded is ready).
    TechniqueView* show(const QString& techniqueId);
    /// The technique page shown last (null when none is open).
    TechniqueView* currentView() const;
    /// Shows the rule page of the corpus rule in `file` (with `id` when the file has several);
    /// nullptr (and a status message) when the loaded corpus has no such rule.
    RulePageView* showRule(const QString& file, const QString& id = {});
    /// The rule page shown last (null when none is open).
    RulePageView* currentRulePage() const;
    /// Open pages (tests).
    QList<TechniqueView*> techniqueViews() const;
    QList<RulePageView*> rulePages() const;

    /// Writes the ATT&CK Navigator layer of the loaded corpus; false with `error` naming the file.
    bool exportNavigatorLayer(const QString& path, QString* error = nullptr) const;
    /// Corpus > Export ATT&CK Navigator Layer…
    void exportNavigatorLayerInteractive();

private:
    void refresh();

    WorkbenchContext* m_context;
    CorpusSession* m_session;
    QList<QPointer<TechniqueView>> m_techniqueViews;
    QList<QPointer<RulePageView>> m_rulePages;
    QPointer<TechniqueView> m_currentTechnique;
    QPointer<RulePageView> m_currentRule;
    QString m_pending;
    std::pair<QString, QString> m_pendingRule; ///< file, id
};

} // namespace sigmaui
