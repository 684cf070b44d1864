#pragma once

#include "corpusloader.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QProgressBar;
class QToolButton;
class QTreeView;

namespace sigmaui {

class CorpusFilterProxy;
class CorpusSession;
class CorpusTreeModel;

/// The Corpus dock: the loaded rules by folder or by technique, a search, the load's progress
/// (with cancel) and a status line, a vendor filter. Activating a rule asks for its rule page
/// (its context menu also opens a Sigma rule in the editor); activating a technique, its page.
class CorpusBrowser : public QWidget {
    Q_OBJECT
public:
    explicit CorpusBrowser(CorpusSession* session, QWidget* parent = nullptr);

    CorpusTreeModel* treeModel() const { return m_model; }
    CorpusFilterProxy* treeProxy() const { return m_proxy; }
    QTreeView* treeView() const { return m_tree; }
    QLineEdit* searchEdit() const { return m_search; }
    QComboBox* groupingBox() const { return m_grouping; }
    QComboBox* vendorBox() const { return m_vendor; }

Q_SIGNALS:
    void rulePageRequested(const QString& file, const QString& id);
    void ruleActivated(const QString& file); ///< open in the editor
    void techniqueActivated(const QString& techniqueId);

private:
    void onLoadingStarted(const QString& path);
    void onLoaded(const CorpusLoadResultPtr& result);
    void activate(const QModelIndex& index);
    void showContextMenu(const QPoint& pos);
    void updateVendors();

    CorpusSession* m_session;
    CorpusTreeModel* m_model;
    CorpusFilterProxy* m_proxy;
    QLineEdit* m_search;
    QComboBox* m_grouping;
    QComboBox* m_vendor;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QTreeView* m_tree;
    QLabel* m_status;
};

} // namespace sigmaui
