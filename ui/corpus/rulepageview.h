#pragma once

#include "corpusloader.h"
#include "indicatorsmodel.h"

#include "corpus/rulepage.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace sigmaui {

/// The read-only page of one corpus rule of any vendor (Sigma, Elastic, Splunk), from the same
/// model as `sigmawb rule` (core/corpus/rulepage.h): metadata, the native query as the rule file
/// writes it with each predicate's span highlighted (green: looks for, red: excludes), the
/// predicate tree, the indicators with their corpus reach split by vendor, and the notes.
/// Selecting a predicate or an indicator selects its span in the query.
class RulePageView : public QWidget {
    Q_OBJECT
public:
    explicit RulePageView(QWidget* parent = nullptr);

    /// Shows the rule of `corpus` at `ruleIndex`. The corpus is kept alive by the page.
    void showRule(const CorpusPtr& corpus, std::size_t ruleIndex);
    /// Shows the rule again from a reloaded corpus (found by file and id); false when it is gone.
    bool refresh(const CorpusPtr& corpus);

    QString file() const { return m_file; }
    QString ruleId() const { return m_id; }
    QString title() const;
    const sigma::RulePage* page() const { return m_page.get(); }

    QPlainTextEdit* queryView() const { return m_query; }
    QTreeWidget* predicateTree() const { return m_predicates; }
    QTreeWidget* indicatorTable() const { return m_indicators; }
    /// The query text under each highlighted span, looks-for first then excludes (tests).
    QStringList highlightedTexts(bool excludes) const;

    /// Finds the rule of `corpus` by its file (absolute) and, when several share the file, its id.
    static std::optional<std::size_t> findRule(const sigma::Corpus& corpus, const QString& file, const QString& id);

Q_SIGNALS:
    /// "Open in Editor" (Sigma rules).
    void openInEditorRequested(const QString& file);

private:
    void fillQuery();
    void fillPredicates();
    void fillIndicators();
    /// Character range in the query view of a file span; {-1,-1} when outside the shown lines.
    std::pair<int, int> rangeOf(const sigma::SourceSpan& span) const;
    void selectSpan(const sigma::SourceSpan& span);

    CorpusPtr m_corpus;
    std::unique_ptr<sigma::RulePage> m_page;
    QString m_file;
    QString m_id;
    int m_firstLine = 1; ///< the file line shown as the query view's first line
    QLabel* m_title;
    QLabel* m_meta;
    QPushButton* m_openInEditor;
    QLabel* m_queryLabel;
    QPlainTextEdit* m_query;
    QTreeWidget* m_predicates;
    QTreeWidget* m_indicators;
    QLabel* m_notes;
};

} // namespace sigmaui
