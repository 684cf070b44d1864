#pragma once

#include <QObject>
#include <QString>

class QDockWidget;
class QTabWidget;

namespace sigmaui {

class CorpusSession;
class TechniqueView;
class WorkbenchContext;

/// ATT&CK technique pages (the catalog view of a technique over the corpus) in tabs of their own
/// dock, refreshed when the corpus is reloaded; the Navigator layer export of the corpus.
class TechniquePages : public QObject {
    Q_OBJECT
public:
    TechniquePages(WorkbenchContext* context, CorpusSession* session, QObject* parent = nullptr);

    /// The dock of the pages (hidden until a page is shown).
    QDockWidget* dock() const { return m_dock; }
    /// Shows the technique page (at once, or again when the corpus being loaded is ready).
    TechniqueView* show(const QString& techniqueId);
    TechniqueView* currentView() const;
    /// Writes the ATT&CK Navigator layer of the loaded corpus; false with `error` naming the file.
    bool exportNavigatorLayer(const QString& path, QString* error = nullptr) const;
    /// Corpus > Export ATT&CK Navigator Layer…
    void exportNavigatorLayerInteractive();

private:
    void refresh();

    WorkbenchContext* m_context;
    CorpusSession* m_session;
    QTabWidget* m_tabs;
    QDockWidget* m_dock;
    QString m_pending;
};

} // namespace sigmaui
