#pragma once

#include "corpusloader.h"
#include "techniquemodel.h"

#include <QWidget>

#include <array>

class QLabel;
class QTableView;

namespace sigmaui {

/// The catalog page of one ATT&CK technique over the loaded corpus: events covered, fields
/// filtered most, indicator values with their corpus reach, rules by vendor. Every table sorts
/// and copies (Ctrl+C, tab-separated); a rule row opens the rule's page; the page exports as HTML or
/// Markdown (the same renderers as `sigmawb coverage`).
class TechniqueView : public QWidget {
    Q_OBJECT
public:
    enum class Format { Html, Markdown };

    explicit TechniqueView(QWidget* parent = nullptr);

    /// Builds the page for a technique id (e.g. "T1090.002") from the corpus.
    void showTechnique(const CorpusPtr& corpus, const QString& techniqueId);
    QString techniqueId() const;
    TechniquePagePtr page() const { return m_page; }

    TechniqueTableModel* model(TechniqueTableModel::Table table) const { return m_models[std::size_t(table)]; }
    QTableView* view(TechniqueTableModel::Table table) const { return m_views[std::size_t(table)]; }
    QString headline() const;

    /// The page rendered as a self-contained HTML document or as Markdown.
    QString render(Format format) const;
    /// Writes the page atomically; false with `error` naming the file.
    bool exportTo(const QString& path, Format format, QString* error = nullptr) const;
    /// Copies the selected cells of the table that has focus (all of it when nothing is selected).
    void copySelection(TechniqueTableModel::Table table) const;

    /// Rows each table shows at least (fewer if it has fewer): below that the page scrolls.
    static constexpr int kMinRowsShown = 8;

Q_SIGNALS:
    /// A rule row was activated: its page is wanted.
    void ruleActivated(const QString& file, const QString& id);
    void exportFailed(const QString& message);

private:
    void fitTablesToRows();

    void askExport(Format format);

    TechniquePagePtr m_page;
    QLabel* m_title;
    QLabel* m_summary;
    std::array<TechniqueTableModel*, 4> m_models{};
    std::array<QTableView*, 4> m_views{};
    std::array<QLabel*, 4> m_sectionLabels{};
};

} // namespace sigmaui
