#pragma once

#include "sigmacompletion.h"

#include <QObject>

#include <functional>

class QCompleter;
class QKeyEvent;
class QPlainTextEdit;
class QStandardItemModel;

namespace sigmaui {

/// Attaches completion to a rule editor: pops up by itself after `|`, in `tags:` items, in
/// `condition:` and after two typed characters of a field; Ctrl+Space asks at any place.
class SigmaCompleter : public QObject {
    Q_OBJECT
public:
    enum Role { InsertRole = Qt::UserRole + 1 };

    explicit SigmaCompleter(QPlainTextEdit* editor);

    /// Where the field names seen in loaded events etc. come from (asked on each completion).
    void setSourcesProvider(std::function<CompletionSources()> provider) { m_sources = std::move(provider); }

    /// Computes the context at the cursor and shows the popup; `explicitRequest` also shows it for
    /// an empty prefix. Returns the number of candidates matching the prefix.
    int complete(bool explicitRequest = true);
    QCompleter* completer() const { return m_completer; }
    const CompletionContext& context() const { return m_context; }
    /// The candidate texts matching the current prefix (what the popup lists).
    QStringList currentCompletions() const;
    /// Inserts a candidate in place of the prefix.
    void insertCompletion(const QString& text);

    static SigmaCompleter* of(QPlainTextEdit* editor);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// After a key the editor will insert (or Backspace): updates the open list, or opens it
    /// where typing calls for it.
    void followTyping(const QKeyEvent* key);

    QPlainTextEdit* m_editor;
    QCompleter* m_completer;
    QStandardItemModel* m_model;
    CompletionContext m_context;
    std::function<CompletionSources()> m_sources;
};

} // namespace sigmaui
